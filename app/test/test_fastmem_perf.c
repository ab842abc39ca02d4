/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_perf_autotest: cycles per operation of fastmem next to
 * rte_mempool (cache 512) and rte_malloc, measured in one process.
 *
 * Matrix: sizes 8, 64, 256, 1024, 4096 B x
 *   - pair: one alloc + free on a warm cache (fastmem generic, fastmem
 *     handle, mempool get/put, rte_malloc/rte_free);
 *   - bulk: 32 objects per call (alloc_bulk/free_bulk, halloc_bulk/
 *     hfree_bulk, mempool get_bulk/put_bulk), per object.
 * Each figure is the median of REPS repetitions of a timed loop, printed
 * with min and max, and as a ratio to mempool measured in the same run.
 * Every loop is instantiated with a constant size, as an application
 * would call these inline APIs; nothing is timed per call.
 *
 * It asserts that everything ran and the results are sane numbers, never
 * a timing: speed goals are read off the table (and the benchmark app).
 * FASTMEM_PERF_ITERS overrides the iteration count (callgrind runs).
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include <rte_fastmem.h>

#include "test.h"

#define REPS 7
#define BULK 32
#define MEMPOOL_CACHE RTE_MEMPOOL_CACHE_MAX_SIZE

static unsigned int iters = 2000000;

/*
 * Keep the compiler from seeing through the object at *p without forcing
 * memory reloads. On the variable itself: taking and returning the value
 * changed the mempool loop's code (54 instructions a pair instead of 51),
 * and that loop is the reference.
 */
static __rte_always_inline void
opaque(void **p)
{
	__asm__ volatile("" : "+r"(*p));
}

enum alloc_kind { FASTMEM, FASTMEM_H, MEMPOOL, RTE_MALLOC, N_KINDS };

static const char * const kind_name[N_KINDS] = {
	"fastmem", "fastmem_h", "mempool", "rte_malloc",
};

struct ctx {
	struct rte_mempool *mp;
	rte_fastmem_handle_t h;
};

/* One alloc + free pair per iteration; returns cycles for n iterations, 0 on failure. */
static __rte_always_inline uint64_t
pair_loop(enum alloc_kind kind, const struct ctx *x, size_t size, unsigned int n)
{
	/* Handle and pool in registers, as an application's loop would have them. */
	const rte_fastmem_handle_t h = x->h;
	struct rte_mempool *mp = x->mp;
	uint64_t t0 = rte_rdtsc_precise();
	unsigned int i;
	void *obj;

	for (i = 0; i < n; i++) {
		switch (kind) {
		case FASTMEM:
			obj = rte_fastmem_alloc(size, 0, 0);
			if (unlikely(obj == NULL))
				return 0;
			opaque(&obj);
			rte_fastmem_free(obj);
			break;
		case FASTMEM_H:
			obj = rte_fastmem_halloc(h, 0);
			if (unlikely(obj == NULL))
				return 0;
			opaque(&obj);
			rte_fastmem_hfree(h, obj);
			break;
		case MEMPOOL:
			if (unlikely(rte_mempool_get(mp, &obj) != 0))
				return 0;
			opaque(&obj);
			rte_mempool_put(mp, obj);
			break;
		default:
			obj = rte_malloc(NULL, size, 0);
			if (unlikely(obj == NULL))
				return 0;
			opaque(&obj);
			rte_free(obj);
			break;
		}
	}
	return rte_rdtsc_precise() - t0;
}

/* BULK objects per call, alloc then free; returns cycles for n calls of each. */
static __rte_always_inline uint64_t
bulk_loop(enum alloc_kind kind, const struct ctx *x, size_t size, unsigned int n)
{
	const rte_fastmem_handle_t h = x->h;
	struct rte_mempool *mp = x->mp;
	uint64_t t0 = rte_rdtsc_precise();
	void *objs[BULK];
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (kind) {
		case FASTMEM:
			if (unlikely(rte_fastmem_alloc_bulk(objs, BULK, size, 0, 0) != 0))
				return 0;
			opaque(&objs[0]);
			rte_fastmem_free_bulk(objs, BULK);
			break;
		case FASTMEM_H:
			if (unlikely(rte_fastmem_halloc_bulk(h, objs, BULK, 0) != 0))
				return 0;
			opaque(&objs[0]);
			rte_fastmem_hfree_bulk(h, objs, BULK);
			break;
		default:
			if (unlikely(rte_mempool_get_bulk(mp, objs, BULK) != 0))
				return 0;
			opaque(&objs[0]);
			rte_mempool_put_bulk(mp, objs, BULK);
			break;
		}
	}
	return rte_rdtsc_precise() - t0;
}

/* The pair or the bulk loop. */
static __rte_always_inline uint64_t
any_loop(bool bulk, enum alloc_kind kind, const struct ctx *x, size_t size, unsigned int n)
{
	return bulk ? bulk_loop(kind, x, size, n) : pair_loop(kind, x, size, n);
}

/* A loop instantiated with each size as a constant. */
static __rte_always_inline uint64_t
sized_loop(bool bulk, enum alloc_kind kind, const struct ctx *x, size_t size, unsigned int n)
{
	switch (size) {
	case 8:
		return any_loop(bulk, kind, x, 8, n);
	case 64:
		return any_loop(bulk, kind, x, 64, n);
	case 256:
		return any_loop(bulk, kind, x, 256, n);
	case 1024:
		return any_loop(bulk, kind, x, 1024, n);
	default:
		return any_loop(bulk, kind, x, 4096, n);
	}
}

/*
 * One out-of-line function per loop and kind of allocator, all sizes:
 * measure() calls them, devtools/callgrind-hotpath.sh counts them by name.
 */

static __rte_noinline uint64_t
pair_fastmem(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(false, FASTMEM, x, size, n);
}

static __rte_noinline uint64_t
pair_fastmem_h(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(false, FASTMEM_H, x, size, n);
}

static __rte_noinline uint64_t
pair_mempool(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(false, MEMPOOL, x, size, n);
}

static __rte_noinline uint64_t
pair_rte_malloc(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(false, RTE_MALLOC, x, size, n);
}

static __rte_noinline uint64_t
bulk_fastmem(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(true, FASTMEM, x, size, n);
}

static __rte_noinline uint64_t
bulk_fastmem_h(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(true, FASTMEM_H, x, size, n);
}

static __rte_noinline uint64_t
bulk_mempool(const struct ctx *x, size_t size, unsigned int n)
{
	return sized_loop(true, MEMPOOL, x, size, n);
}

typedef uint64_t (*loop_fn)(const struct ctx *x, size_t size, unsigned int n);

struct figure {
	double median, min, max;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median/min/max cycles per operation over REPS runs of n iterations (ops per iteration). */
static int
measure(loop_fn fn, const struct ctx *x, size_t size, unsigned int n, unsigned int ops,
		struct figure *f)
{
	double v[REPS];
	unsigned int r;
	uint64_t c;

	/* Warm the caches and the branch predictor. */
	if (fn(x, size, n / 10 + 1) == 0)
		return -1;
	for (r = 0; r < REPS; r++) {
		c = fn(x, size, n);
		if (c == 0)
			return -1;
		v[r] = (double)c / ((double)n * ops);
	}
	qsort(v, REPS, sizeof(v[0]), cmp_double);
	f->median = v[REPS / 2];
	f->min = v[0];
	f->max = v[REPS - 1];
	return 0;
}

static void
print_row(const char *what, const char *kind, size_t size, const struct figure *f,
		const struct figure *ref)
{
	printf("fastmem_perf %-5s %-10s size=%4zu cycles=%7.2f min=%7.2f max=%7.2f "
		"vs_mempool=%5.2f\n", what, kind, size, f->median, f->min, f->max,
		f->median / ref->median);
}

static int
test_fastmem_perf(void)
{
	static const size_t sizes[] = { 8, 64, 256, 1024, 4096 };
	static const loop_fn pair_fn[N_KINDS] = {
		pair_fastmem, pair_fastmem_h, pair_mempool, pair_rte_malloc,
	};
	static const loop_fn bulk_fn[N_KINDS - 1] = {
		bulk_fastmem, bulk_fastmem_h, bulk_mempool,
	};
	struct figure pair[N_KINDS], bulk[N_KINDS - 1];
	const char *env = getenv("FASTMEM_PERF_ITERS");
	unsigned int s, k;
	struct ctx x;
	char name[RTE_MEMPOOL_NAMESIZE];
	int rc = TEST_SUCCESS;

	if (env != NULL)
		iters = (unsigned int)strtoul(env, NULL, 0);
	TEST_ASSERT(iters > 0, "FASTMEM_PERF_ITERS must be positive");
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	if (rte_fastmem_reserve(64 << 20, SOCKET_ID_ANY) != 0) {
		rte_fastmem_deinit();
		TEST_ASSERT(0, "reserve failed");
	}
	printf("fastmem_perf: %s, TSC %" PRIu64 " Hz, %s, lcore %u, %u iterations x %d "
		"repetitions\n", rte_version(), rte_get_tsc_hz(),
		rte_eal_has_hugepages() ? "hugepages" : "no hugepages",
		rte_lcore_id(), iters, REPS);
	for (s = 0; s < RTE_DIM(sizes) && rc == TEST_SUCCESS; s++) {
		snprintf(name, sizeof(name), "fmperf_%zu", sizes[s]);
		x.mp = rte_mempool_create(name, 4 * MEMPOOL_CACHE * 2 - 1, sizes[s], MEMPOOL_CACHE,
			0, NULL, NULL, NULL, NULL, SOCKET_ID_ANY, 0);
		if (x.mp == NULL || rte_fastmem_hlookup(sizes[s], 0, SOCKET_ID_ANY, &x.h) != 0) {
			rte_mempool_free(x.mp);
			rc = TEST_FAILED;
			break;
		}
		/* rte_malloc is slow: a tenth of the iterations is plenty. */
		for (k = 0; k < N_KINDS && rc == TEST_SUCCESS; k++)
			if (measure(pair_fn[k], &x, sizes[s],
					k == RTE_MALLOC ? iters / 10 + 1 : iters, 1, &pair[k]) != 0)
				rc = TEST_FAILED;
		for (k = 0; k < RTE_DIM(bulk_fn) && rc == TEST_SUCCESS; k++)
			if (measure(bulk_fn[k], &x, sizes[s], iters / BULK + 1, 2 * BULK,
					&bulk[k]) != 0)
				rc = TEST_FAILED;
		rte_mempool_free(x.mp);
		if (rc != TEST_SUCCESS)
			break;
		for (k = 0; k < N_KINDS; k++)
			print_row("pair", kind_name[k], sizes[s], &pair[k], &pair[MEMPOOL]);
		for (k = 0; k < RTE_DIM(bulk_fn); k++)
			print_row("bulk", kind_name[k], sizes[s], &bulk[k], &bulk[MEMPOOL]);
		printf("fastmem_perf ratio size=%4zu rte_malloc/fastmem=%.1f\n", sizes[s],
			pair[RTE_MALLOC].median / pair[FASTMEM].median);
		for (k = 0; k < N_KINDS; k++)
			if (!(pair[k].median > 0 && pair[k].max < 1e6))
				rc = TEST_FAILED;
	}
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(rc, "a measurement failed (allocation error or absurd figure)");
	return TEST_SUCCESS;
}

REGISTER_PERF_TEST(fastmem_perf_autotest, test_fastmem_perf);
