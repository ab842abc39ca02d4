/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/* A file in no layer of check-layers.py: it must fail. */

#include "fastmem_pvt.h"
