/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_TEST_UTIL_H
#define FASTMEM_TEST_UTIL_H

/**
 * @file
 * Helpers shared by the fastmem stress test and the fastmem fuzzer, which
 * both check the allocator against a model of their own:
 * - a fill pattern that identifies an object (its seed) at every byte, so
 *   that a byte written by a neighbour, a stale copy or a moved object is
 *   told apart from the real content;
 * - the class a request gets, derived from the rules rte_fastmem.h
 *   documents rather than from the library's own tables, and what checked
 *   builds (debug mode, ASan) change in them (fastmem_debug.h);
 * - the alignment an object gets, the bytes the statistics count for it
 *   and the memory it ties up, for the tests' budgets;
 * - the nodes EAL has memory on, the bytes EAL holds in fastmem's backing
 *   memzones and in all its heaps, to compare with what the allocator
 *   reports.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "fastmem_debug.h"
#include "fastmem_test_heap.h"

/** One mebibyte. */
#define FM_TEST_MIB ((size_t)1 << 20)

/** Largest default alignment of a class (rte_fastmem.h: "up to 4 KiB"). */
#define FM_TEST_MAX_CLASS_ALIGN 4096u

/*
 * The pattern loops have no branch worth guiding a fuzzer, and tracing
 * their compares per word would take most of its time: the fuzzer defines
 * this to keep coverage instrumentation out of them (AddressSanitizer
 * still checks every access); the tests need nothing.
 */
#ifndef FM_TEST_NO_COVERAGE
#define FM_TEST_NO_COVERAGE
#endif

/** Word @p i of the pattern of @p seed: a mix of both, so shifted copies differ. */
static inline uint64_t
fm_test_word(uint64_t seed, size_t i)
{
	uint64_t v = (seed + (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15)) *
		UINT64_C(0xbf58476d1ce4e5b9);

	return v ^ (v >> 31);
}

/** Fill the first @p len bytes of @p obj with the pattern of @p seed. */
static inline FM_TEST_NO_COVERAGE void
fm_test_fill(void *obj, size_t len, uint64_t seed)
{
	uint8_t *p = obj;
	size_t i, words = len / 8;
	uint64_t w;

	for (i = 0; i < words; i++) {
		w = fm_test_word(seed, i);
		memcpy(p + i * 8, &w, 8);
	}
	if (len % 8 != 0) {
		w = fm_test_word(seed, words);
		memcpy(p + words * 8, &w, len % 8);
	}
}

/**
 * Check the first @p len bytes of @p obj against the pattern of @p seed.
 *
 * @return
 *   The offset of the first byte that differs, or @p len if all match.
 */
static inline FM_TEST_NO_COVERAGE size_t
fm_test_check(const void *obj, size_t len, uint64_t seed)
{
	const uint8_t *p = obj;
	size_t i, words = len / 8, k;
	uint64_t w, v;

	for (i = 0; i < words; i++) {
		w = fm_test_word(seed, i);
		memcpy(&v, p + i * 8, 8);
		if (v != w)
			break;
	}
	w = fm_test_word(seed, i);
	for (k = i * 8; k < len; k++)
		if (p[k] != ((const uint8_t *)&w)[k % 8])
			return k;
	return len;
}

/** Default alignment of a class: the power-of-two part of its size, at most 4 KiB. */
static inline size_t
fm_test_class_align(size_t class_size)
{
	return RTE_MIN(class_size & -class_size, (size_t)FM_TEST_MAX_CLASS_ALIGN);
}

/** Bytes a build adds to every slab request: the debug-mode trailer, else 0. */
static inline size_t
fm_test_overhead(void)
{
	return (fastmem_dbg_mode() & FASTMEM_DBG_MODE_DEBUG) ? FASTMEM_DBG_TRAILER : 0;
}

/**
 * Whether rte_fastmem_realloc() resizes slab objects in place as
 * documented: checked builds move them all, so stale pointers show.
 */
static inline bool
fm_test_realloc_in_place(void)
{
	return fastmem_dbg_mode() == 0;
}

/**
 * Class of a request, from rte_fastmem.h's rules: the smallest class that
 * holds @p size bytes (and the build's overhead) and whose default
 * alignment covers @p align.
 *
 * @param sizes
 *   The class sizes, from rte_fastmem_classes().
 * @param n
 *   Number of classes.
 * @return
 *   The class index, or @p n when the request is a large object (or
 *   invalid: the caller checks size and alignment first).
 */
static inline unsigned int
fm_test_class_of(const size_t *sizes, unsigned int n, size_t size, size_t align)
{
	size_t req = size + fm_test_overhead();
	unsigned int c;

	for (c = 0; c < n && req >= size; c++)
		if (sizes[c] >= req && fm_test_class_align(sizes[c]) >= align)
			return c;
	return n;
}

/**
 * Memory an object ties up, for the tests' budgets: its class size, or for
 * a large object (class index @p n) its own memzone, which also holds a
 * header and the alignment padding and ends where the next 2 MiB starts.
 */
static inline size_t
fm_test_cost(const size_t *sizes, unsigned int n, unsigned int cls, size_t size, size_t align)
{
	if (cls < n)
		return sizes[cls];
	return RTE_ALIGN_CEIL(size + RTE_MAX(align, (size_t)RTE_CACHE_LINE_SIZE), 2 * FM_TEST_MIB);
}

/**
 * Alignment an object of class @p cls (@p n: a large object) gets for a
 * request of alignment @p align: at least 16 B, and a class's default
 * alignment.
 */
static inline size_t
fm_test_align(const size_t *sizes, unsigned int n, unsigned int cls, size_t align)
{
	size_t need = RTE_MAX(align, (size_t)16);

	if (cls < n)
		need = RTE_MAX(need, fm_test_class_align(sizes[cls]));
	return need;
}

/**
 * Bytes an object takes in the allocator's statistics: its class size, or
 * exactly its size when large (class index @p n).
 */
static inline size_t
fm_test_footprint(const size_t *sizes, unsigned int n, unsigned int cls, size_t size)
{
	return cls < n ? sizes[cls] : size;
}

/** bytes_backing of rte_fastmem_stats(), or UINT64_MAX when it cannot be read. */
static inline uint64_t
fm_test_backing_bytes(void)
{
	struct rte_fastmem_stats st;

	return rte_fastmem_stats(&st) == 0 ? st.bytes_backing : UINT64_MAX;
}

/** Backing memzones: every "fastmem_*" memzone but the allocator's state. */
struct fm_test_backing {
	uint64_t bytes;
	unsigned int count;
};

/** Is @p mz fastmem's backing? Not the state, nor the epoch of ownership removals. */
static inline bool
fm_test_is_backing(const struct rte_memzone *mz)
{
	return strncmp(mz->name, "fastmem_", 8) == 0 && strcmp(mz->name, "fastmem_state") != 0 &&
		strcmp(mz->name, "fastmem_epoch") != 0;
}

static inline void
fm_test_backing_add(const struct rte_memzone *mz, void *arg)
{
	struct fm_test_backing *b = arg;

	if (!fm_test_is_backing(mz))
		return;
	/* Segments count whole, their memzone's tail too (EAL's, for a header). */
	b->bytes += strncmp(mz->name, "fastmem_s", 9) == 0 ?
		RTE_ALIGN_CEIL(mz->len, RTE_FASTMEM_SLAB_SIZE) : mz->len;
	b->count++;
}

/** Sum the lengths of fastmem's backing memzones, as bytes_backing counts them. */
static inline struct fm_test_backing
fm_test_backing_memzones(void)
{
	struct fm_test_backing b = { 0, 0 };

	rte_memzone_walk(fm_test_backing_add, &b);
	return b;
}

static inline int
fm_test_node_add(const struct rte_memseg_list *msl, void *arg)
{
	uint64_t *nodes = arg;

	if (!msl->external && msl->socket_id >= 0 && msl->socket_id < 64)
		*nodes |= UINT64_C(1) << msl->socket_id;
	return 0;
}

/**
 * Nodes EAL has memory on, one bit per node id (CPU-less nodes fastmem
 * backs with external heaps are not among them).
 */
static inline uint64_t
fm_test_memory_nodes(void)
{
	uint64_t nodes = 0;

	rte_memseg_list_walk(fm_test_node_add, &nodes);
	return nodes;
}

#endif /* FASTMEM_TEST_UTIL_H */
