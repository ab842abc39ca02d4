/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_ALLOCATORS_H
#define FASTMEM_ALLOCATORS_H

/*
 * The allocators compared, each called through its natural API.
 *
 * fastmem and rte_mempool have inline fast paths, so a benchmark that
 * calls them through a function pointer measures the call, not the
 * allocator (the RFC benchmark's flaw). bench_alloc()/bench_free() below
 * are always-inline switches on a kind that every scenario passes as a
 * compile-time constant: BENCH_DISPATCH() instantiates a scenario's loop
 * once per allocator and per common size, so each instance contains the
 * allocator's own inline code with the size folded, like
 * test_mempool_perf.c's "replay test with constant values". glibc is called
 * directly; jemalloc, mimalloc and tcmalloc are dlopen()ed with RTLD_LOCAL
 * so they do not replace the process's malloc, and called through the
 * pointers dlsym() gives, which is what their API is anyway.
 *
 * The rte_malloc family twice: rte_malloc_fm calls rte_malloc() and
 * rte_free() as linked, which LD_PRELOAD=librte_fastmem_malloc.so serves
 * with fastmem (devtools/run-benchmark.sh preloads it); rte_malloc calls
 * EAL's own rte_malloc_socket() and rte_free(), looked up in librte_eal
 * itself, past any preload, so that it measures EAL's heap in either case.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include <rte_fastmem.h>

enum alloc_kind {
	ALLOC_FASTMEM,    /* rte_fastmem_alloc(size, 0, 0) / rte_fastmem_free() */
	ALLOC_FASTMEM_H,  /* rte_fastmem_hlookup() once, then halloc() / hfree() */
	ALLOC_MEMPOOL,    /* one rte_mempool per size, per-lcore cache of 512 */
	ALLOC_RTE_MALLOC, /* EAL's own rte_malloc_socket() / rte_free() */
	ALLOC_RTE_MALLOC_FM, /* rte_malloc() / rte_free(), fastmem's under the preload */
	ALLOC_GLIBC,      /* malloc() / free() */
	ALLOC_JEMALLOC,   /* mallocx() / dallocx() */
	ALLOC_MIMALLOC,   /* mi_malloc() / mi_free() */
	ALLOC_TCMALLOC,   /* tc_malloc() / tc_free() */
	ALLOC_NUM
};

/* Bit of an allocator in a set (struct fastmem_opts::allocators). */
#define ALLOC_BIT(kind) RTE_BIT32(kind)
#define ALLOC_ALL (ALLOC_BIT(ALLOC_NUM) - 1)

struct allocator {
	const char *name;  /* Name in options, tables and files. */
	const char *api;   /* Entry points, for the output header. */
	bool available;    /* Loaded (or built in) and initialized. */
	char reason[160];  /* Why it is not available. */
};

extern struct allocator allocators[ALLOC_NUM];

/* Entry points of the dlopen()ed allocators, filled by allocators_load(). */
struct ext_allocators {
	void *(*je_mallocx)(size_t size, int flags);
	void (*je_dallocx)(void *ptr, int flags);
	int (*je_mallctl)(const char *name, void *oldp, size_t *oldlenp, void *newp,
			size_t newlen);
	void *(*mi_malloc)(size_t size);
	void (*mi_free)(void *ptr);
	void (*mi_collect)(bool force);
	void (*mi_process_info)(size_t *elapsed_msecs, size_t *user_msecs, size_t *system_msecs,
			size_t *current_rss, size_t *peak_rss, size_t *current_commit,
			size_t *peak_commit, size_t *page_faults);
	void *(*tc_malloc)(size_t size);
	void (*tc_free)(void *ptr);
	int (*tc_get_property)(const char *name, size_t *value);
	void (*tc_release)(void);
};

extern struct ext_allocators ext;

/* EAL's own functions, whatever a preloaded library defines: allocators_init(). */
struct eal_own_malloc {
	void *(*malloc_socket)(const char *type, size_t size, unsigned int align, int socket);
	void (*free)(void *ptr);
};

extern struct eal_own_malloc eal_own;

/* What a fixed-size workload needs to call every allocator for one size. */
struct alloc_ctx {
	size_t size;
	struct rte_mempool *mp;       /* ALLOC_MEMPOOL: the pool of this size. */
	rte_fastmem_handle_t handle;  /* ALLOC_FASTMEM_H: the handle of this size. */
};

/*
 * Mixed sizes. A mempool user cannot have a pool per size: like the nDPI
 * user in allocator-anchors.md, he builds a few pools four times apart
 * and picks the smallest that fits. A handle user looks up one handle per
 * 16 B size granule once (fastmem classes are multiples of 16 B), so his
 * per-object cost is a table load.
 */
#define MIX_MAX_SIZE 16384u
#define MIX_POOLS 5 /* 64 B, 256 B, 1 KiB, 4 KiB, 16 KiB */
#define MIX_GRANULE_SHIFT 4

struct mix_ctx {
	struct rte_mempool *mp[MIX_POOLS];
	rte_fastmem_handle_t handle[(MIX_MAX_SIZE >> MIX_GRANULE_SHIFT) + 1];
};

/* Memory an allocator holds, for scenario 8. */
struct alloc_footprint {
	uint64_t backing;  /* Bytes taken from the system (or EAL). */
	uint64_t idle;     /* Of which in no use at all: free slabs or pages; 0: unknown. */
	uint64_t in_use;   /* Bytes handed out, with rounding and headers; 0: unknown. */
};

/*
 * dlopen() the @p wanted external allocators. Called before rte_eal_init();
 * returns true when the process must re-execute itself with a larger static
 * TLS reserve for a library to load (jemalloc needs one).
 */
bool allocators_load(uint32_t wanted);
/* Note of a re-execution, or NULL; printed in the output header. */
const char *allocators_reexec_note(void);
/* Re-execute the process with the TLS tunable; returns only on failure. */
void allocators_reexec(char **argv);
/*
 * Finish set-up after rte_eal_init(): EAL's own rte_malloc, fastmem_init
 * (or the preloaded librte_fastmem_malloc.so's fastmem) and --reserve.
 */
int allocators_init(size_t reserve);
/* Before rte_eal_cleanup(): stop fastmem if the benchmark started it. */
void allocators_fini(void);
/* What the output header says of LD_PRELOAD and fastmem, or NULL; @p i from 0 until NULL. */
const char *allocators_note(unsigned int i);

/*
 * Create what @p kind needs for a fixed size: a pool of at least @p n_objs
 * objects that every lcore's cache may also hold (ALLOC_MEMPOOL) or a handle.
 */
int alloc_ctx_init(struct alloc_ctx *ctx, enum alloc_kind kind, size_t size, unsigned int n_objs,
		unsigned int n_lcores);
void alloc_ctx_fini(struct alloc_ctx *ctx);
/* Mixed sizes: @p live is the largest number of live objects of all sizes. */
int mix_ctx_init(struct mix_ctx *ctx, enum alloc_kind kind, unsigned int live,
		unsigned int n_lcores);
void mix_ctx_fini(struct mix_ctx *ctx);

/* Memory held and give-back, see struct alloc_footprint; -ENOTSUP when not measurable. */
int alloc_footprint(enum alloc_kind kind, struct alloc_footprint *fp);
int alloc_trim(enum alloc_kind kind);

/*
 * Bytes EAL's heaps have handed out: heap_allocsz_bytes of
 * rte_malloc_get_socket_stats() summed over the sockets (elements allocated,
 * headers included, free holes not). fastmem's memzones and its own
 * rte_malloc()ed state are in it, as is whatever else the process took.
 */
uint64_t alloc_eal_heap_bytes(void);
/*
 * The same figure as allocators_init() took it just before rte_fastmem_init():
 * fastmem's footprint as EAL sees it is alloc_eal_heap_bytes() minus this,
 * while no other user of EAL's heaps holds memory.
 */
uint64_t alloc_eal_heap_before_fastmem(void);

/* Make p look used, so that a compiler cannot drop an alloc+free pair. */
static __rte_always_inline void
bench_escape(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static __rte_always_inline void *
bench_alloc(const enum alloc_kind kind, const struct alloc_ctx *ctx, const size_t size)
{
	void *obj;

	switch (kind) {
	case ALLOC_FASTMEM:
		return rte_fastmem_alloc(size, 0, 0);
	case ALLOC_FASTMEM_H:
		return rte_fastmem_halloc(ctx->handle, 0);
	case ALLOC_MEMPOOL:
		return rte_mempool_get(ctx->mp, &obj) == 0 ? obj : NULL;
	case ALLOC_RTE_MALLOC:
		return eal_own.malloc_socket(NULL, size, 0, SOCKET_ID_ANY);
	case ALLOC_RTE_MALLOC_FM:
		return rte_malloc(NULL, size, 0);
	case ALLOC_GLIBC:
		return malloc(size);
	case ALLOC_JEMALLOC:
		return ext.je_mallocx(size, 0);
	case ALLOC_MIMALLOC:
		return ext.mi_malloc(size);
	case ALLOC_TCMALLOC:
		return ext.tc_malloc(size);
	case ALLOC_NUM:
		break;
	}
	rte_panic("bad allocator %d\n", kind);
}

static __rte_always_inline void
bench_free(const enum alloc_kind kind, const struct alloc_ctx *ctx, void *obj)
{
	switch (kind) {
	case ALLOC_FASTMEM:
		rte_fastmem_free(obj);
		return;
	case ALLOC_FASTMEM_H:
		rte_fastmem_hfree(ctx->handle, obj);
		return;
	case ALLOC_MEMPOOL:
		rte_mempool_put(ctx->mp, obj);
		return;
	case ALLOC_RTE_MALLOC:
		eal_own.free(obj);
		return;
	case ALLOC_RTE_MALLOC_FM:
		rte_free(obj);
		return;
	case ALLOC_GLIBC:
		free(obj);
		return;
	case ALLOC_JEMALLOC:
		ext.je_dallocx(obj, 0);
		return;
	case ALLOC_MIMALLOC:
		ext.mi_free(obj);
		return;
	case ALLOC_TCMALLOC:
		ext.tc_free(obj);
		return;
	case ALLOC_NUM:
		break;
	}
	rte_panic("bad allocator %d\n", kind);
}

/* Allocators with a bulk API: fastmem (out of line) and mempool (inline). */
#define ALLOC_BULK_KINDS \
	(ALLOC_BIT(ALLOC_FASTMEM) | ALLOC_BIT(ALLOC_FASTMEM_H) | ALLOC_BIT(ALLOC_MEMPOOL))

static __rte_always_inline int
bench_alloc_bulk(const enum alloc_kind kind, const struct alloc_ctx *ctx, void **objs,
		const unsigned int n)
{
	switch (kind) {
	case ALLOC_FASTMEM:
		return rte_fastmem_alloc_bulk(objs, n, ctx->size, 0, 0);
	case ALLOC_FASTMEM_H:
		return rte_fastmem_halloc_bulk(ctx->handle, objs, n, 0);
	case ALLOC_MEMPOOL:
		return rte_mempool_get_bulk(ctx->mp, objs, n);
	default:
		break;
	}
	rte_panic("allocator %d has no bulk API\n", kind);
}

static __rte_always_inline void
bench_free_bulk(const enum alloc_kind kind, const struct alloc_ctx *ctx, void **objs,
		const unsigned int n)
{
	switch (kind) {
	case ALLOC_FASTMEM:
		rte_fastmem_free_bulk(objs, n);
		return;
	case ALLOC_FASTMEM_H:
		rte_fastmem_hfree_bulk(ctx->handle, objs, n);
		return;
	case ALLOC_MEMPOOL:
		rte_mempool_put_bulk(ctx->mp, objs, n);
		return;
	default:
		break;
	}
	rte_panic("allocator %d has no bulk API\n", kind);
}

/* Smallest mixed pool (64 B << 2i) holding @p size bytes. */
static __rte_always_inline unsigned int
mix_pool_idx(uint32_t size)
{
	return size <= 64 ? 0 : (rte_fls_u32(size - 1) - 5) / 2;
}

/*
 * Allocate @p size bytes in a mixed-size workload; @p tag receives what the
 * free needs besides the pointer (pool index or handle), as the user's
 * object would record it.
 */
static __rte_always_inline void *
bench_alloc_mix(const enum alloc_kind kind, const struct mix_ctx *ctx, uint32_t size,
		uint32_t *tag)
{
	struct alloc_ctx one;

	switch (kind) {
	case ALLOC_FASTMEM_H:
		*tag = ctx->handle[(size + (1u << MIX_GRANULE_SHIFT) - 1) >> MIX_GRANULE_SHIFT];
		one.handle = *tag;
		break;
	case ALLOC_MEMPOOL:
		*tag = mix_pool_idx(size);
		one.mp = ctx->mp[*tag];
		break;
	default:
		break;
	}
	return bench_alloc(kind, &one, size);
}

static __rte_always_inline void
bench_free_mix(const enum alloc_kind kind, const struct mix_ctx *ctx, void *obj, uint32_t tag)
{
	struct alloc_ctx one;

	switch (kind) {
	case ALLOC_FASTMEM_H:
		one.handle = tag;
		break;
	case ALLOC_MEMPOOL:
		one.mp = ctx->mp[tag];
		break;
	default:
		break;
	}
	bench_free(kind, &one, obj);
}

/*
 * ret = fn(KIND, SIZE, ...) for a runtime (kind, size): one copy of fn per
 * allocator and per default size with both as constants, and one per
 * allocator for any other size. Statements, not an expression: an
 * allocator out of the enum panics rather than yield a value.
 */
#define BENCH_SIZES(ret, fn, kind, size, ...) \
	do { \
		switch (size) { \
		case 8: \
			ret = fn(kind, 8, __VA_ARGS__); \
			break; \
		case 64: \
			ret = fn(kind, 64, __VA_ARGS__); \
			break; \
		case 256: \
			ret = fn(kind, 256, __VA_ARGS__); \
			break; \
		case 1024: \
			ret = fn(kind, 1024, __VA_ARGS__); \
			break; \
		case 4096: \
			ret = fn(kind, 4096, __VA_ARGS__); \
			break; \
		default: \
			ret = fn(kind, size, __VA_ARGS__); \
			break; \
		} \
	} while (0)

#define BENCH_KINDS(each, ret, fn, kind, ...) \
	do { \
		switch (kind) { \
		case ALLOC_FASTMEM: \
			each(ret, fn, ALLOC_FASTMEM, __VA_ARGS__); \
			break; \
		case ALLOC_FASTMEM_H: \
			each(ret, fn, ALLOC_FASTMEM_H, __VA_ARGS__); \
			break; \
		case ALLOC_MEMPOOL: \
			each(ret, fn, ALLOC_MEMPOOL, __VA_ARGS__); \
			break; \
		case ALLOC_RTE_MALLOC: \
			each(ret, fn, ALLOC_RTE_MALLOC, __VA_ARGS__); \
			break; \
		case ALLOC_RTE_MALLOC_FM: \
			each(ret, fn, ALLOC_RTE_MALLOC_FM, __VA_ARGS__); \
			break; \
		case ALLOC_GLIBC: \
			each(ret, fn, ALLOC_GLIBC, __VA_ARGS__); \
			break; \
		case ALLOC_JEMALLOC: \
			each(ret, fn, ALLOC_JEMALLOC, __VA_ARGS__); \
			break; \
		case ALLOC_MIMALLOC: \
			each(ret, fn, ALLOC_MIMALLOC, __VA_ARGS__); \
			break; \
		case ALLOC_TCMALLOC: \
			each(ret, fn, ALLOC_TCMALLOC, __VA_ARGS__); \
			break; \
		default: \
			rte_panic("bad allocator %d\n", kind); \
		} \
	} while (0)

/* No size argument: mixed-size loops. */
#define BENCH_ONE(ret, fn, kind, ...) ((ret) = fn(kind, __VA_ARGS__))

/* ret = fn(KIND, SIZE, ...) with constant kind and, for the default sizes, constant size. */
#define BENCH_DISPATCH(ret, fn, kind, size, ...) \
	BENCH_KINDS(BENCH_SIZES, ret, fn, kind, size, __VA_ARGS__)
/* ret = fn(KIND, ...) with constant kind. */
#define BENCH_DISPATCH_KIND(ret, fn, kind, ...) BENCH_KINDS(BENCH_ONE, ret, fn, kind, __VA_ARGS__)

#endif /* FASTMEM_ALLOCATORS_H */
