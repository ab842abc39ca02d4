/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_PVT_H
#define FASTMEM_PVT_H

/*
 * Private to the fastmem library, the base every private file stands on:
 * logging, counters, the size of classes, nodes and slices, cache indexes.
 * The layers above it each have a header of their own (see the guide's
 * "Source files").
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_stdatomic.h>

#include "rte_fastmem.h"

extern int fastmem_logtype;
#define RTE_LOGTYPE_FASTMEM fastmem_logtype

#define FASTMEM_LOG(level, ...) \
	RTE_LOG_LINE_PREFIX(level, FASTMEM, "%s(): ", __func__, __VA_ARGS__)

/* Whether a data-path line may be logged now (rte_fastmem.c): a few a second. */
bool fastmem_log_dp_allowed(void);

/*
 * A line on a data path (a bad free, a debug-mode detection), which an
 * application could trigger millions of times a second: rate-limited.
 */
#define FASTMEM_LOG_DP(level, ...) do { \
	if (fastmem_log_dp_allowed()) \
		FASTMEM_LOG(level, __VA_ARGS__); \
} while (0)

#define FASTMEM_NUM_CLASSES __RTE_FASTMEM_NUM_CLASSES
#define FASTMEM_MAX_NODES __RTE_FASTMEM_MAX_NODES
#define FASTMEM_SLAB_SIZE ((size_t)RTE_FASTMEM_SLAB_SIZE)

/* Debug and ASan builds keep every call out of line, where the checks are. */
#define FASTMEM_CHECKED __RTE_FASTMEM_CHECKED

/*
 * Counters. A counter has one writer at a time (its owner thread, or the
 * holder of the lock it lives under), so an update is a load and a release
 * store, never an atomic read-modify-write; readers use acquire loads and
 * never see a torn value. fastmem_count_shared() is for the rare counters
 * that several threads bump without a common lock (failure counts).
 */
static inline uint64_t
fastmem_read(const uint64_t __rte_atomic *counter)
{
	return rte_atomic_load_explicit(counter, rte_memory_order_acquire);
}

static inline void
fastmem_count(uint64_t __rte_atomic *counter, uint64_t n)
{
	rte_atomic_store_explicit(counter,
		rte_atomic_load_explicit(counter, rte_memory_order_relaxed) + n,
		rte_memory_order_release);
}

static inline void
fastmem_count_shared(uint64_t __rte_atomic *counter, uint64_t n)
{
	rte_atomic_fetch_add_explicit(counter, n, rte_memory_order_relaxed);
}

static inline void
fastmem_set(uint64_t __rte_atomic *gauge, uint64_t value)
{
	rte_atomic_store_explicit(gauge, value, rte_memory_order_release);
}

/* Class of a cache index, and its node. */
static inline unsigned int
fastmem_idx_class(uint32_t cache_idx)
{
	return cache_idx % FASTMEM_NUM_CLASSES;
}

static inline int
fastmem_idx_node(uint32_t cache_idx)
{
	return (int)(cache_idx / FASTMEM_NUM_CLASSES);
}

static inline uint32_t
fastmem_cache_idx(int node, unsigned int cls)
{
	return (uint32_t)node * FASTMEM_NUM_CLASSES + cls;
}

/* Is @p node a node id fastmem has state for (SOCKET_ID_ANY is not)? */
static inline bool
fastmem_node_in_range(int node)
{
	return node >= 0 && node < FASTMEM_MAX_NODES;
}

/* A segment is 2 MiB, aligned, of 256 slices of 8 KiB (fastmem_layout.h). */
#define FASTMEM_SEG_SIZE FASTMEM_SLAB_SIZE
#define FASTMEM_SLICE_SHIFT __RTE_FASTMEM_SLICE_SHIFT
#define FASTMEM_SLICE_SIZE ((size_t)1 << FASTMEM_SLICE_SHIFT)
#define FASTMEM_SEG_SLICES __RTE_FASTMEM_SEG_SLICES
/* Words of a segment's bitmap of free slices. */
#define FASTMEM_SEG_WORDS (FASTMEM_SEG_SLICES / 64)


/*
 * Run word of the run from the slice at @p first to the one at @p last (in
 * one region): the form of a slice entry's run (fastmem_run.c).
 */
static inline uint32_t
fastmem_run_word(const void *first, const void *last)
{
	uintptr_t region = (uintptr_t)first & ~(uintptr_t)(__RTE_FASTMEM_RUN_REGION - 1);
	uint32_t lo = (uint32_t)(((uintptr_t)first - region) >> FASTMEM_SLICE_SHIFT);
	uint32_t hi = (uint32_t)(((uintptr_t)last - region) >> FASTMEM_SLICE_SHIFT);

	return lo | (hi - lo + 1) << 16;
}

/* Counts of allocations and frees through a thread cache, or of the shared path. */
struct fastmem_lcore_counts {
	RTE_ATOMIC(uint64_t) n_alloc;
	RTE_ATOMIC(uint64_t) n_free;
	RTE_ATOMIC(uint64_t) alloc_miss;
	RTE_ATOMIC(uint64_t) miss_bytes; /* bytes the missing allocations asked for */
	RTE_ATOMIC(uint64_t) free_miss;
	RTE_ATOMIC(uint64_t) nomem;
};

#endif /* FASTMEM_PVT_H */
