/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_BIN_H
#define FASTMEM_BIN_H

/*
 * Bins (fastmem_bin.c): per (node, class), a depot of free objects in
 * front of the class's pages (fastmem_page.c), under one lock.
 */

#include <stdbool.h>
#include <stdint.h>

#include "fastmem_state.h"

/*
 * Objects a thread cache can hold at most: about 2 MiB of objects, 4 to
 * 1024 of them (a mempool's cache of 512 can hold 1536). Its capacity, and
 * its array with it, moves below that within the thread's byte budget.
 */
static inline uint32_t
fastmem_cache_capacity(unsigned int cls)
{
	uint32_t n = (2u << 20) / __rte_fastmem_class_size(cls);

	return RTE_MAX(RTE_MIN(n, 1024u), 4u);
}

/* Bytes of objects a bin's depot starts with, and comes back to when drained. */
#define FASTMEM_DEPOT_BYTES ((uint32_t)1 << 18)

/* Objects a bin's depot can grow to: eight full caches, the size of its array. */
static inline uint32_t
fastmem_depot_max(unsigned int cls)
{
	return 8 * fastmem_cache_capacity(cls);
}

/* Objects a bin's depot starts with: 256 KiB of them, at least two. */
static inline uint32_t
fastmem_depot_capacity(unsigned int cls)
{
	uint32_t n = FASTMEM_DEPOT_BYTES / __rte_fastmem_class_size(cls);

	return RTE_MAX(RTE_MIN(n, fastmem_depot_max(cls)), 2u);
}

/*
 * Set up a node's bins (and its segments' bitmap) on first use: 0, or
 * -ENOMEM (no memory for them, or a node the machine lacks).
 */
__rte_internal
int fastmem_node_ready(struct fastmem_state *st, int node);
/* Free every node's bins (deinit; their pages go with the memzones). */
void fastmem_node_bins_fini(struct fastmem_state *st);
/*
 * Take up to @p n objects of bin @p b into @p objs, from its depot, then
 * its partial pages, then new pages: after one new page, no more once it
 * has @p min. Returns how many; fewer than @p min only without memory.
 */
__rte_internal
unsigned int fastmem_bin_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs,
		unsigned int min, unsigned int n);
__rte_internal
void fastmem_bin_give(struct fastmem_state *st, struct fastmem_bin *b, void * const *objs,
		unsigned int n);
/* Return the depot's objects to their pages; with release_spare, the spare page and depot too. */
__rte_internal
void fastmem_bin_drain(struct fastmem_state *st, struct fastmem_bin *b, bool release_spare);
/* Drain a bin as trim does if it saw no refill or flush since @p before (timer cycles). */
void fastmem_bin_decay(struct fastmem_state *st, struct fastmem_bin *b, uint64_t before);
void fastmem_bin_counts(const struct fastmem_bin *b, uint64_t *partial, uint64_t *full,
		uint64_t *empty, uint64_t *depot);

#endif /* FASTMEM_BIN_H */
