/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/* A layer below the API gets the state itself: check-layers.py must fail. */

#include "fastmem_segment.h"
#include "fastmem_state.h"

struct fastmem_state *
fastmem_segment_state(void)
{
	return fastmem_state_get();
}
