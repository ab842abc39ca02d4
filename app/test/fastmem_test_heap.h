/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_TEST_HEAP_H
#define FASTMEM_TEST_HEAP_H

/*
 * EAL's view of the memory fastmem holds, for tests that use only the
 * public API.
 */

#include <stdint.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

/** Bytes EAL's heaps have handed out, over every socket: memzones and rte_malloc. */
static inline uint64_t
fm_test_heap_used(void)
{
	struct rte_malloc_socket_stats s;
	uint64_t used = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &s) == 0)
			used += s.heap_allocsz_bytes;
	return used;
}

#endif /* FASTMEM_TEST_HEAP_H */
