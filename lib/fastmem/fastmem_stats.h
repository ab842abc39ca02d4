/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_STATS_H
#define FASTMEM_STATS_H

/* Statistics (fastmem_stats.c). */

#include <stdbool.h>
#include <stdint.h>

#include "fastmem_state.h"

void fastmem_stats_fini(void);

/*
 * A thread counted anything since the last reset, or its caches hold
 * objects (dump and telemetry list only those).
 */
static inline bool
fastmem_lcore_stats_active(const struct rte_fastmem_lcore_stats *s)
{
	return (s->alloc_cache_hits | s->alloc_cache_misses | s->alloc_nomem |
		s->free_cache_hits | s->free_cache_misses | s->cache_bytes) != 0;
}

/* A class has live objects, pages or counts since the last reset. */
static inline bool
fastmem_class_stats_active(const struct rte_fastmem_class_stats *s)
{
	return (s->in_use | s->alloc_cache_hits | s->alloc_cache_misses | s->alloc_nomem |
		s->free_cache_hits | s->free_cache_misses | s->slab_acquires |
		s->slab_releases | s->slabs_partial | s->slabs_full | s->slabs_empty |
		s->objs_cached) != 0;
}
/* Live objects and class-rounded bytes of a node (size classes and large objects). */
void fastmem_stats_node_usage(struct fastmem_state *st, int node, uint64_t *objs,
		uint64_t *bytes);

#endif /* FASTMEM_STATS_H */
