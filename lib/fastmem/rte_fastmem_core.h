/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef RTE_FASTMEM_CORE_H
#define RTE_FASTMEM_CORE_H

/**
 * @file
 * @internal
 *
 * fastmem data layout shared by the inline fast path and the library.
 *
 * Not for direct inclusion by applications: include rte_fastmem.h.
 * Everything here may change without notice while the library is
 * experimental.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_memory.h>
#include <rte_per_lcore.h>
#include <rte_stdatomic.h>
#include <rte_vect.h>

#include "rte_fastmem_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * @internal Debug and AddressSanitizer builds check every object, out of
 * line: the inline functions then go straight to the library.
 */
#if defined(__SANITIZE_ADDRESS__)
#define __RTE_FASTMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __RTE_FASTMEM_ASAN 1
#endif
#endif
#ifndef __RTE_FASTMEM_ASAN
#define __RTE_FASTMEM_ASAN 0
#endif
#if defined(RTE_FASTMEM_DEBUG) || __RTE_FASTMEM_ASAN
#define __RTE_FASTMEM_CHECKED 1
#else
#define __RTE_FASTMEM_CHECKED 0
#endif

/**
 * @internal Marks the out-of-line parts of the inline functions:
 * experimental as the rest of the API. An application that did not opt in
 * (ALLOW_EXPERIMENTAL_API) is told where it calls an inline function, and
 * the header itself compiles without the opt-in.
 */
#ifdef ALLOW_EXPERIMENTAL_API
#define __rte_fastmem_slow_path \
__rte_experimental
#else
#define __rte_fastmem_slow_path
#endif

/**
 * log2 of the segment size. Objects live in 2 MiB-aligned segments (and
 * large objects in memzones starting at such a boundary), whose header,
 * found by masking an object pointer, maps each 8 KiB slice to its cache.
 */
#define RTE_FASTMEM_SLAB_SHIFT 21
/** Segment size in bytes (the name is the RFC's). */
#define RTE_FASTMEM_SLAB_SIZE (UINT64_C(1) << RTE_FASTMEM_SLAB_SHIFT)
/** @internal log2 of a slice: pages of a class are 1 to 128 slices of a segment. */
#define __RTE_FASTMEM_SLICE_SHIFT 13
/** @internal Slices in a segment. */
#define __RTE_FASTMEM_SEG_SLICES (1u << (RTE_FASTMEM_SLAB_SHIFT - __RTE_FASTMEM_SLICE_SHIFT))

/** @internal Size classes served from pages (16 B ... 448 KiB). */
#define __RTE_FASTMEM_NUM_CLASSES 55
/** @internal Largest request served from a size class. */
#define __RTE_FASTMEM_MAX_CLASS_SIZE (448u * 1024u)
/** @internal Classes up to 64 B step by 16 B; above, four classes per doubling. */
#define __RTE_FASTMEM_SMALL_CLASSES 4
/** @internal Largest alignment a size class provides; beyond it objects are large. */
#define __RTE_FASTMEM_MAX_CLASS_ALIGN 4096u
/** @internal Node ids are OS NUMA node numbers below this bound. */
#define __RTE_FASTMEM_MAX_NODES RTE_MAX_NUMA_NODES

/**
 * @internal A per-thread LIFO cache of free objects of one (node, class).
 *
 * Only its owner thread writes it. A hit counts nothing but the frees:
 * the slow path counts the objects it moves in and out, and the
 * allocations through the cache are n_free + n_filled - len. Statistics
 * readers load each field whole (acquire), without a lock or an atomic
 * read-modify-write on the owner's side.
 *
 * Two caches share a cache line, both written by the same thread only: a
 * thread's row of a cache per class takes 1.8 KiB per node, where a line
 * each took twice that.
 */
struct __rte_aligned(32) __rte_fastmem_cache {
	uint32_t len;      /**< Objects in objs[]. */
	uint32_t cap;      /**< Capacity; 0 sends every call to the slow path. */
	void **objs;       /**< Object stack, objs[len - 1] the top (see free_bulk). */
	uint64_t n_free;   /**< Objects given back through this cache. */
	/**
	 * Objects the slow path put in (refills, allocations past the
	 * cache) minus those it took out (flushes, frees past the cache),
	 * modulo 2^64.
	 */
	uint64_t n_filled;
};

/**
 * @internal What the free path knows of a slice: the cache its objects
 * belong to, and the run it is in.
 */
struct __rte_fastmem_slice {
	/**
	 * node * classes + class; for a large object or a free slice, the
	 * index of the sentinel of a row with caches for the nodes fastmem can
	 * hold memory on (see __rte_fastmem_thread.no_cache).
	 */
	uint32_t cache_idx;
	/**
	 * The slice's run: the slices around it, inside its aligned
	 * __RTE_FASTMEM_RUN_REGION, between which every fastmem object is of
	 * its cache_idx; a bulk free checks all its objects against this one
	 * range. Index of the run's first slice in the region in bits 0-15,
	 * number of slices (at least 1: a run holds its slice) in bits 16-31.
	 * Read and written whole: see fastmem_run.c.
	 */
	RTE_ATOMIC(uint32_t) run;
};

/**
 * @internal The first bytes of every segment and large object, found from
 * any object pointer by masking it down to the 2 MiB boundary.
 */
struct __rte_fastmem_segment_pub {
	/** By slice; every slice of a large object's memzone names the sentinel. */
	struct __rte_fastmem_slice slice[__RTE_FASTMEM_SEG_SLICES];
	rte_iova_t iova;     /**< IOVA of the segment's first byte, RTE_BAD_IOVA if unknown. */
};

/** @internal Runs stay inside aligned regions of this size (4096 slices). */
#define __RTE_FASTMEM_RUN_REGION (UINT64_C(32) << 20)

/** @internal First byte of the run @p run of the slice of @p obj. */
static inline uintptr_t
__rte_fastmem_run_base(const void *obj, uint32_t run)
{
	return ((uintptr_t)obj & ~(uintptr_t)(__RTE_FASTMEM_RUN_REGION - 1)) +
		((uintptr_t)(run & 0xffff) << __RTE_FASTMEM_SLICE_SHIFT);
}

/** @internal Length of the run @p run in bytes: its slices, times the slice size. */
static inline uintptr_t
__rte_fastmem_run_len(uint32_t run)
{
	return (uintptr_t)(run >> 16) << __RTE_FASTMEM_SLICE_SHIFT;
}

/**
 * @internal TLS model of the fast path's thread variables: initial-exec,
 * an offset from the thread pointer, also for code in other shared objects
 * (an application, the rte_malloc interposer). The default model there,
 * global-dynamic, calls __tls_get_addr() on every access: a fifth of an
 * interposed rte_malloc() and rte_free() pair. They are a few bytes, well
 * within the static TLS glibc keeps for libraries loaded with dlopen().
 */
#define __rte_fastmem_tls __attribute__((tls_model("initial-exec")))

/**
 * @internal What the fast path knows of the calling thread: one variable,
 * so that code in other shared objects finds all of it with one offset.
 */
struct __rte_fastmem_thread {
	/**
	 * This thread's caches, indexed by (node * classes + class). Points
	 * to an always-empty row until the thread's first slow-path call, so
	 * the fast path never tests whether it was set up.
	 */
	struct __rte_fastmem_cache *caches;
	/** This thread's caches for its home node (row of the local node). */
	struct __rte_fastmem_cache *home;
	/**
	 * Cache index of this thread's last rte_fastmem_free() or
	 * rte_fastmem_free_bulk(), a guess of the next one's: see
	 * __rte_fastmem_free_cache().
	 */
	uint32_t free_hint;
	/**
	 * Index of the sentinel, the entry of @p caches past the caches of
	 * the nodes fastmem can hold memory on: its capacity stays 0, so that
	 * the frees of large objects take the slow path without a branch of
	 * their own. Handles from it on are not this thread's caches.
	 */
	uint32_t no_cache;
	/**
	 * fastmem's part of the last 2 MiB region rte_fastmem_owns() found
	 * an address in: its first byte, its length in bytes (0: none), and
	 * *__rte_fastmem_owner_epoch then.
	 */
	uintptr_t owned_base;
	uintptr_t owned_len;
	uint64_t owned_epoch;
};

/** @internal The calling thread's struct __rte_fastmem_thread. */
RTE_DECLARE_PER_LCORE(struct __rte_fastmem_thread, _fastmem_thread) __rte_fastmem_tls;

/**
 * @internal The group's count of regions that stopped being fastmem's,
 * bumped before each one does; a constant that no thread remembers
 * while this process has no fastmem state.
 */
extern RTE_ATOMIC(const uint64_t __rte_atomic *) __rte_fastmem_owner_epoch;

/**
 * @internal log2 of @p x > 0, rounded down.
 *
 * x86's bsr leaves its destination alone when the source is 0, so it waits
 * for whatever last wrote that register: in a loop of allocations that can
 * be the previous call's last instruction, and each size lookup then waits
 * for the previous call. A zeroed destination breaks that chain (lzcnt has
 * no such input): in the benchmark's bulk scenario, 1 KiB objects in bulks
 * of 8 cost 1.8-2.0 cycles each with it, 5.6-5.9 with rte_fls_u64().
 * Constants still fold.
 */
static inline unsigned int
__rte_fastmem_log2(uint64_t x)
{
#if defined(RTE_ARCH_X86_64) && !defined(__LZCNT__)
	uint64_t lg = 0;

	if (!__rte_constant(x)) {
		__asm__("bsr %1, %0" : "+r" (lg) : "rm" (x));
		return (unsigned int)lg;
	}
#endif
	return rte_fls_u64(x) - 1;
}

/** @internal Class index to size; arithmetic, so constant sizes fold. */
static inline uint32_t
__rte_fastmem_class_size(unsigned int cls)
{
	unsigned int grp, lg;

	if (cls < __RTE_FASTMEM_SMALL_CLASSES)
		return (cls + 1) * 16;
	grp = cls - __RTE_FASTMEM_SMALL_CLASSES;
	lg = 6 + grp / 4;
	return (UINT32_C(1) << lg) + (grp % 4 + 1) * (UINT32_C(1) << (lg - 2));
}

/** @internal Alignment every object of a class has: its size's power-of-two part, capped. */
static inline uint32_t
__rte_fastmem_class_align(unsigned int cls)
{
	uint32_t size = __rte_fastmem_class_size(cls);
	uint32_t p2 = size & -size;

	return p2 < __RTE_FASTMEM_MAX_CLASS_ALIGN ? p2 : __RTE_FASTMEM_MAX_CLASS_ALIGN;
}

/**
 * @internal Smallest class holding @p size bytes aligned to @p align.
 *
 * @return
 *   The class index, or __RTE_FASTMEM_NUM_CLASSES when no class fits
 *   (size 0, size or alignment beyond the classes, alignment not a power
 *   of 2); the slow path then sorts out which case it is.
 */
static inline unsigned int
__rte_fastmem_size_to_class(size_t size, size_t align)
{
	uint64_t x = (uint64_t)size - 1;
	unsigned int cls, lg;

	if (x >= __RTE_FASTMEM_MAX_CLASS_SIZE)
		return __RTE_FASTMEM_NUM_CLASSES;
	/*
	 * Four classes per doubling from 64 B: the doubling and the top three
	 * bits below it. Taking the log2 at least 6 makes the same formula
	 * give the four 16 B steps below 64 B, whose top bit is not there:
	 * no branch, which mixed sizes would mispredict.
	 */
	lg = __rte_fastmem_log2(x | 64);
	cls = 4 * lg - 24 + (unsigned int)(x >> (lg - 2));
	if (align > 16) {
		if ((align & (align - 1)) != 0 || align > __RTE_FASTMEM_MAX_CLASS_ALIGN)
			return __RTE_FASTMEM_NUM_CLASSES;
		while (cls < __RTE_FASTMEM_NUM_CLASSES && __rte_fastmem_class_align(cls) < align)
			cls++;
	} else if ((align & (align - 1)) != 0) {
		return __RTE_FASTMEM_NUM_CLASSES;
	}
	return cls;
}

/** @internal The segment (or large object) header of a fastmem object. */
static inline const struct __rte_fastmem_segment_pub *
__rte_fastmem_segment_of(const void *ptr)
{
	return (const struct __rte_fastmem_segment_pub *)
		((uintptr_t)ptr & ~(uintptr_t)(RTE_FASTMEM_SLAB_SIZE - 1));
}

/**
 * @internal The slice entry of a fastmem object: mask, shift and one load
 * away, from its segment's header.
 */
static inline const struct __rte_fastmem_slice *
__rte_fastmem_slice_of(const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;

	RTE_BUILD_BUG_ON(sizeof(struct __rte_fastmem_slice) != 8);
	return (const struct __rte_fastmem_slice *)
		((p & ~(uintptr_t)(RTE_FASTMEM_SLAB_SIZE - 1)) |
		((p >> (__RTE_FASTMEM_SLICE_SHIFT - 3)) &
		((uintptr_t)(__RTE_FASTMEM_SEG_SLICES - 1) << 3)));
}

/**
 * @internal Add @p n to a cache counter, which only the cache's thread
 * writes and statistics readers load whole (acquire), with the order of
 * a release store.
 *
 * On x86-64 an aligned 8-byte store never tears and stores are not
 * reordered with earlier ones, so a compiler barrier and a plain add do:
 * one add to memory, where an atomic store is a load, an add and a store.
 */
static __rte_always_inline void
__rte_fastmem_count(uint64_t *counter, uint64_t n)
{
#ifdef RTE_ARCH_X86_64
	rte_compiler_barrier();
	*counter += n;
#else
	rte_atomic_store_explicit((uint64_t __rte_atomic *)counter, *counter + n,
		rte_memory_order_release);
#endif
}

/** @internal Pop one object; the caller checked len > 0. */
static inline void *
__rte_fastmem_cache_pop(struct __rte_fastmem_cache *c)
{
	return c->objs[--c->len];
}

/** @internal Push one object on a cache; the caller checked len < cap. */
static inline void
__rte_fastmem_cache_push(struct __rte_fastmem_cache *c, void *obj)
{
	c->objs[c->len++] = obj;
	__rte_fastmem_count(&c->n_free, 1);
}

/**
 * @internal 16 bytes of an object array, moved by one vector load or store.
 *
 * Bulk calls move their arrays in these chunks, from the start of the
 * moved range, whatever the compiler and -march: a load is then served
 * from the store that wrote its chunk (store-to-load forwarding), where a
 * load spanning two stores of another width would wait for both to reach
 * the cache. A bulk alloc reads what the last bulk free wrote, and a bulk
 * free often reads what a bulk alloc just wrote. Measured against a loop
 * of pointers, bulks of 32 and 128 objects cost half as much (scenario 4:
 * 64 B objects, 0.85 and 0.66 cycles each against 1.75 and 1.52).
 */
#ifdef RTE_ARCH_64
typedef rte_v128u64_t __rte_fastmem_chunk_t;
/** @internal A chunk's lanes as signed values, for comparisons. */
typedef rte_v128s64_t __rte_fastmem_chunk_signed_t;
#else
/** @internal 16 bytes of an object array (see above). */
typedef rte_v128u32_t __rte_fastmem_chunk_t;
/** @internal A chunk's lanes as signed values, for comparisons. */
typedef rte_v128s32_t __rte_fastmem_chunk_signed_t;
#endif
/** @internal Object pointers in a chunk. */
#define __RTE_FASTMEM_CHUNK_OBJS (sizeof(__rte_fastmem_chunk_t) / sizeof(void *))

/** @internal Adding it maps unsigned order onto signed order (SSE4.2 compares signed only). */
#define __RTE_FASTMEM_SIGN_BIT ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1))

/** What a bulk copy checks of the pointers it copies (internal to the inline functions). */
enum __rte_fastmem_copy_check {
	__RTE_FASTMEM_COPY_ANY,      /**< Nothing. */
	__RTE_FASTMEM_COPY_NOT_NULL, /**< That none is NULL. */
	__RTE_FASTMEM_COPY_IN_RANGE, /**< That all are in [base, base + len), 0 < len < 2^32. */
};

#if defined(RTE_ARCH_X86_64) && defined(__SSE4_1__)
/**
 * @internal The checks take one SSE4.1 instruction per chunk, after the
 * subtraction of base for a range: the unsigned minimum of the pointers'
 * 32-bit halves (a NULL makes both halves' minimum 0), or the maximum of
 * those of p - base (all in range when the high halves' maximum is 0 and
 * the low halves' is below len, itself below 2^32). A 64-bit compare and
 * an OR take two, and bulk calls are bound by instructions: a bulk free
 * of 32 objects checks 16 chunks.
 */
#define __RTE_FASTMEM_CHECK_MINMAX 1
#endif

/**
 * @internal Fold @p v into accumulator @p acc as @p check says: the
 * unsigned minimum (NOT_NULL) or maximum (IN_RANGE) of 32-bit halves with
 * SSE4.1, else an OR of compare masks. A chunk's fold, the join of
 * accumulators and the reduction of their halves are all this one.
 */
static __rte_always_inline __rte_fastmem_chunk_t
__rte_fastmem_chunk_fold(__rte_fastmem_chunk_t acc, __rte_fastmem_chunk_t v,
		enum __rte_fastmem_copy_check check)
{
#ifdef __RTE_FASTMEM_CHECK_MINMAX
	if (check == __RTE_FASTMEM_COPY_NOT_NULL)
		return (__rte_fastmem_chunk_t)_mm_min_epu32((__m128i)acc, (__m128i)v);
	if (check == __RTE_FASTMEM_COPY_IN_RANGE)
		return (__rte_fastmem_chunk_t)_mm_max_epu32((__m128i)acc, (__m128i)v);
	return acc;
#else
	RTE_SET_USED(check);
	return acc | v;
#endif
}

/**
 * @internal Move the chunk at @p i and fold its pointers into @p acc as
 * @p check says (see __rte_fastmem_copy_objs()). A pointer p is in the
 * range when p - base is at most len - 1, unsigned: @p base and @p last
 * are base and len - 1, for the generic code with their sign bits flipped,
 * which makes the unsigned order a signed one (SSE4.2 compares signed
 * only): p - (base ^ sign) is (p - base) ^ sign.
 */
static __rte_always_inline void
__rte_fastmem_chunk_move(void **__rte_restrict dst, void * const *__rte_restrict src,
		unsigned int i, enum __rte_fastmem_copy_check check, __rte_fastmem_chunk_t base,
		__rte_fastmem_chunk_t last, __rte_fastmem_chunk_t *acc)
{
	__rte_fastmem_chunk_t chunk;

	/* Unaligned and alias-safe: one vector load and one store. */
	memcpy(&chunk, &src[i], sizeof(chunk));
	memcpy(&dst[i], &chunk, sizeof(chunk));
#ifdef __RTE_FASTMEM_CHECK_MINMAX
	RTE_SET_USED(last);
	if (check == __RTE_FASTMEM_COPY_NOT_NULL)
		*acc = __rte_fastmem_chunk_fold(*acc, chunk, check);
	else if (check == __RTE_FASTMEM_COPY_IN_RANGE)
		*acc = __rte_fastmem_chunk_fold(*acc, chunk - base, check);
#else
	if (check == __RTE_FASTMEM_COPY_NOT_NULL)
		*acc = __rte_fastmem_chunk_fold(*acc, (__rte_fastmem_chunk_t)(chunk == 0), check);
	else if (check == __RTE_FASTMEM_COPY_IN_RANGE)
		*acc = __rte_fastmem_chunk_fold(*acc,
			(__rte_fastmem_chunk_t)((__rte_fastmem_chunk_signed_t)(chunk - base) >
			(__rte_fastmem_chunk_signed_t)last), check);
#endif
}

/** @internal Did a pointer folded into @p acc fail @p check? */
static __rte_always_inline bool
__rte_fastmem_chunks_failed(__rte_fastmem_chunk_t acc, enum __rte_fastmem_copy_check check,
		uintptr_t len)
{
#ifdef __RTE_FASTMEM_CHECK_MINMAX
	/* Halves low, high, low, high: fold the two pointers' into one. */
	__rte_fastmem_chunk_t other = (__rte_fastmem_chunk_t)
		_mm_shuffle_epi32((__m128i)acc, _MM_SHUFFLE(1, 0, 3, 2));
	uint64_t m = (uint64_t)_mm_cvtsi128_si64(
		(__m128i)__rte_fastmem_chunk_fold(acc, other, check));

	if (check == __RTE_FASTMEM_COPY_NOT_NULL)
		return (uint32_t)m == 0 && m >> 32 == 0;
	/* High halves' maximum above, low halves' below: all in range if below len < 2^32. */
	if (check == __RTE_FASTMEM_COPY_IN_RANGE)
		return m >= len;
	return false;
#else
	bool failed = false;
	unsigned int j;

	RTE_SET_USED(check);
	RTE_SET_USED(len);
	for (j = 0; j < __RTE_FASTMEM_CHUNK_OBJS; j++)
		failed |= acc[j] != 0;
	return failed;
#endif
}

/**
 * @internal Copy @p n object pointers in chunks (the arrays do not overlap),
 * checking them as @p check (a constant) says.
 *
 * A free checks that its objects are all in the first one's run
 * (NULL never is), or that none is NULL.
 *
 * @return
 *   true if a pointer failed the check.
 */
static __rte_always_inline bool
__rte_fastmem_copy_objs(void **__rte_restrict dst, void * const *__rte_restrict src,
		unsigned int n, enum __rte_fastmem_copy_check check, uintptr_t base, uintptr_t len)
{
	const unsigned int k = __RTE_FASTMEM_CHUNK_OBJS;
	__rte_fastmem_chunk_t vbase, vlast, acc, acc1, acc2, acc3;
	bool failed = false;
	unsigned int i = 0, j;

	/* A minimum starts from all ones, a maximum or an OR from zeros. */
	for (j = 0; j < k; j++) {
#ifdef __RTE_FASTMEM_CHECK_MINMAX
		vbase[j] = base;
		vlast[j] = len - 1;
		acc[j] = check == __RTE_FASTMEM_COPY_NOT_NULL ? UINTPTR_MAX : 0;
#else
		vbase[j] = base ^ __RTE_FASTMEM_SIGN_BIT;
		vlast[j] = (len - 1) ^ __RTE_FASTMEM_SIGN_BIT;
		acc[j] = 0;
#endif
	}
	acc1 = acc;
	acc2 = acc;
	acc3 = acc;
	/*
	 * Four chunks per iteration: a loop of one would be bound by its
	 * branch. Each folds into its own accumulator: one chain of folds
	 * (16 for 32 objects) delays the check's branch, and with it the
	 * call's retirement, by as many cycles.
	 */
	for (; i + 4 * k <= n; i += 4 * k) {
		__rte_fastmem_chunk_move(dst, src, i, check, vbase, vlast, &acc);
		__rte_fastmem_chunk_move(dst, src, i + k, check, vbase, vlast, &acc1);
		__rte_fastmem_chunk_move(dst, src, i + 2 * k, check, vbase, vlast, &acc2);
		__rte_fastmem_chunk_move(dst, src, i + 3 * k, check, vbase, vlast, &acc3);
	}
	for (; i + k <= n; i += k)
		__rte_fastmem_chunk_move(dst, src, i, check, vbase, vlast, &acc);
	acc = __rte_fastmem_chunk_fold(__rte_fastmem_chunk_fold(acc, acc1, check),
		__rte_fastmem_chunk_fold(acc2, acc3, check), check);
	for (; i < n; i++) {
		dst[i] = src[i];
		if (check == __RTE_FASTMEM_COPY_NOT_NULL)
			failed |= src[i] == NULL;
		else if (check == __RTE_FASTMEM_COPY_IN_RANGE)
			failed |= (uintptr_t)src[i] - base >= len;
	}
	return failed || __rte_fastmem_chunks_failed(acc, check, len);
}

/** @internal Pop the @p n newest objects, in stack order; 0 < n <= len. */
static inline void
__rte_fastmem_cache_pop_bulk(struct __rte_fastmem_cache *c, void **objs, unsigned int n)
{
	__rte_fastmem_copy_objs(objs, &c->objs[c->len - n], n, __RTE_FASTMEM_COPY_ANY, 0, 0);
	c->len -= n;
}

/** @internal Account for @p n objects copied above the top of the stack. */
static inline void
__rte_fastmem_cache_pushed(struct __rte_fastmem_cache *c, unsigned int n)
{
	c->len += n;
	__rte_fastmem_count(&c->n_free, n);
}

/** @internal Push @p n > 0 objects; the caller checked cap - len >= n. */
static inline void
__rte_fastmem_cache_push_bulk(struct __rte_fastmem_cache *c, void * const *objs, unsigned int n)
{
	__rte_fastmem_copy_objs(&c->objs[c->len], objs, n, __RTE_FASTMEM_COPY_ANY, 0, 0);
	__rte_fastmem_cache_pushed(c, n);
}

/**
 * @internal This thread's cache of index @p idx, for a free.
 *
 * The cache's address comes from the thread's last free when @p idx
 * matches it, so loading the cache need not wait for @p idx: loaded from
 * the segment header of an object the caller often stored just before, it is
 * late, and an alloc and free pair in a loop would be one long chain.
 * Worse, the free's loads of the cache (its length) would wait on an
 * address the CPU learns late, behind the allocation's stores to the same
 * cache: a 64 B pair cost 18 cycles instead of 6 on an Intel Xeon. The
 * comparison is a branch, which the CPU predicts instead of waiting.
 */
static inline struct __rte_fastmem_cache *
__rte_fastmem_free_cache(uint32_t idx)
{
	uint32_t hint = RTE_PER_LCORE(_fastmem_thread).free_hint;
	struct __rte_fastmem_cache *c = RTE_PER_LCORE(_fastmem_thread).caches + hint;

	/*
	 * Opaque before the comparison, and used on both of its sides: else
	 * the compiler, knowing idx equals hint, may compute c from idx.
	 */
	__asm__("" : "+r" (c));
	if (unlikely(idx != hint)) {
		RTE_PER_LCORE(_fastmem_thread).free_hint = idx;
		c += (ptrdiff_t)idx - (ptrdiff_t)hint;
	}
	return c;
}

#ifdef __cplusplus
}
#endif

#endif /* RTE_FASTMEM_CORE_H */
