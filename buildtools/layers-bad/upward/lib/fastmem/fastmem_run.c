/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/* Runs include the cache's header, a layer above them: check-layers.py must fail. */

#include "fastmem_cache.h"
#include "fastmem_run.h"
