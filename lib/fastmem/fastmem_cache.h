/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_CACHE_H
#define FASTMEM_CACHE_H

/* Each thread's row of caches, and the shared path (fastmem_cache.c). */

#include <stdbool.h>
#include <stdint.h>

#include "fastmem_bin.h"
#include "fastmem_state.h"

/*
 * Default byte budget of a thread's caches of one node: the guide says
 * which measurement chose it over tcmalloc's 1.5 MiB per CPU.
 */
#define FASTMEM_CACHE_BUDGET_DEFAULT ((uint64_t)3 << 19)

void *fastmem_cache_alloc(struct fastmem_state *st, int node, unsigned int cls, size_t size);
int fastmem_cache_alloc_bulk(struct fastmem_state *st, int node, unsigned int cls, void **objs,
		unsigned int n, size_t size);
void fastmem_cache_free(struct fastmem_state *st, uint32_t cache_idx, void *obj);
void fastmem_cache_free_bulk(struct fastmem_state *st, uint32_t cache_idx, void * const *objs,
		unsigned int n);
/*
 * A bulk free of @p n objects of one cache that its too shallow cache
 * could not sort into one run (see __rte_fastmem_free_bulk_runs()): to the
 * bin, as a miss that grows the cache for the next ones.
 */
void fastmem_cache_free_unsorted(struct fastmem_state *st, uint32_t cache_idx,
		void * const *objs, unsigned int n);
/* The allocation calls count an ENOMEM once per call, not per node tried. */
void fastmem_cache_note_nomem(struct fastmem_state *st, unsigned int cls);
void fastmem_cache_flush_thread(struct fastmem_state *st);
/* Byte budget of an lcore's caches per node (RTE_MAX_LCORE: every lcore, and the default). */
int fastmem_cache_set_budget(struct fastmem_state *st, unsigned int lcore_id, uint64_t bytes);
uint64_t fastmem_cache_budget(unsigned int lcore_id);
/* Bytes of free objects in an lcore's caches now. */
uint64_t fastmem_cache_bytes(unsigned int lcore_id);
/* Give back what the caches of dead processes held, free their rows. */
void fastmem_cache_reclaim_dead(struct fastmem_state *st);
void fastmem_cache_fini(struct fastmem_state *st);
int fastmem_cache_init(void);
int fastmem_thread_home(void);

/*
 * Add an lcore's counts of a class to *c: the free half (n_free, free_miss)
 * or the allocation half. Readers take every free half before any
 * allocation half, so that a free they see has its allocation seen too.
 * With node >= 0, only that node's objects and no misses (they are kept
 * per class).
 */
void fastmem_cache_counts(unsigned int lcore_id, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *c);
/* The same over every thread of every process, and rows that are gone. */
void fastmem_cache_counts_all(struct fastmem_state *st, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *c);

#endif /* FASTMEM_CACHE_H */
