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

/**
 * EAL's heaps over every socket: the bytes they have handed out (memzones
 * and rte_malloc) into @p bytes, and their blocks into @p blocks (either
 * may be NULL).
 */
static inline void
fm_test_heap(uint64_t *bytes, uint64_t *blocks)
{
	struct rte_malloc_socket_stats s;
	uint64_t sum_bytes = 0, sum_blocks = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &s) == 0) {
			sum_bytes += s.heap_allocsz_bytes;
			sum_blocks += s.alloc_count;
		}
	}
	if (bytes != NULL)
		*bytes = sum_bytes;
	if (blocks != NULL)
		*blocks = sum_blocks;
}

/** Bytes EAL's heaps have handed out, over every socket: memzones and rte_malloc. */
static inline uint64_t
fm_test_heap_used(void)
{
	uint64_t bytes;

	fm_test_heap(&bytes, NULL);
	return bytes;
}

#endif /* FASTMEM_TEST_HEAP_H */
