/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 9, latency: the distribution of single allocation and free
 * times, each timed alone with rte_rdtsc_precise(). One lcore allocates
 * many objects (up to 32 MiB of them), then frees them in allocation order,
 * so the tail includes cache refills and flushes, page carving and, for
 * fastmem without a reserve, backing growth: fastmem is trimmed before
 * every repetition (also for rte_malloc_fm, whose memory is fastmem's).
 * "+reserve" rows call rte_fastmem_reserve() for the whole set first;
 * "+headroom" rows set a headroom of as much instead (the thread keeps it
 * through the repetitions, trim keeps it) and count the growths an
 * allocation still waited for ("grows inline", all repetitions). The
 * timer's own cost is in every figure and printed; it is not subtracted (a
 * noisy baseline would make figures up).
 *
 * Percentiles are computed per repetition (median, min, max shown); the
 * CDF points in the CSV/JSON pool all repetitions.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_string_fns.h>

#include "bench.h"
#include "report.h"

#define SET_BYTES (32u << 20)
#define SET_MAX 16384u
#define SET_MIN 64u

/* p99 first: it gets the table's main column; p50 is mostly the timer on a cache hit. */
static const double pcts[] = { 0.99, 0.5, 0.999, 1.0 };
static const char *const metrics[] = {
	"alloc p99", "alloc p50", "alloc p99.9", "alloc max",
	"free p99", "free p50", "free p99.9", "free max",
};
static const double cdf_points[] = {
	0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995,
	0.999, 0.9995, 0.9999, 1,
};

/* How fastmem's backing is ready for a set: grown by the set, reserved, or a headroom. */
enum lat_backing {
	LAT_GROW,
	LAT_RESERVE,
	LAT_HEADROOM,
};

static const char *const backing_suffix[] = {
	[LAT_GROW] = "",
	[LAT_RESERVE] = "+reserve",
	[LAT_HEADROOM] = "+headroom",
};

struct lat_arg {
	enum alloc_kind kind;
	enum lat_backing backing;
	unsigned int n;  /* Objects in the set. */
	void **objs;
	uint32_t *alloc_lat;
	uint32_t *free_lat;
	struct alloc_ctx ctx;
};

static __rte_always_inline int
lat_loop(const enum alloc_kind kind, const size_t size, struct lat_arg *a, uint32_t *al,
		uint32_t *fl)
{
	unsigned int i, j;
	uint64_t t0;
	void *obj;

	/*
	 * Only the call between the timestamps: the set's array is stored
	 * and loaded outside, since a miss on it (fastmem's trim before a
	 * repetition gives EAL memory back, which EAL zeroes) is the
	 * benchmark's, not the allocator's.
	 */
	for (i = 0; i < a->n; i++) {
		t0 = rte_rdtsc_precise();
		obj = bench_alloc(kind, &a->ctx, size);
		al[i] = bench_clamp_u32(rte_rdtsc_precise() - t0);
		a->objs[i] = obj;
		if (unlikely(obj == NULL))
			break;
	}
	for (j = 0; j < i; j++) {
		obj = a->objs[j];
		t0 = rte_rdtsc_precise();
		bench_free(kind, &a->ctx, obj);
		fl[j] = bench_clamp_u32(rte_rdtsc_precise() - t0);
	}
	return i == a->n ? 0 : -1;
}

static __rte_noinline int
lat_run(struct lat_arg *a, uint32_t *al, uint32_t *fl)
{
	int ret;

	BENCH_DISPATCH(ret, lat_loop, a->kind, a->ctx.size, a, al, fl);
	return ret;
}

static double
quantile(const uint32_t *sorted, size_t n, double q)
{
	size_t i = (size_t)(q * n);

	return sorted[RTE_MIN(i, n - 1)];
}

/* Percentiles of one repetition's samples, into m[]. */
static void
percentiles(uint32_t *v, unsigned int n, double *m)
{
	unsigned int i;

	qsort(v, n, sizeof(v[0]), bench_cmp_u32);
	for (i = 0; i < RTE_DIM(pcts); i++)
		m[i] = quantile(v, n, pcts[i]);
}

/*
 * Timer cost, two back-to-back rte_rdtsc_precise() (median of many), and
 * the TSC's step: the median difference of back-to-back rte_rdtsc() (some
 * CPUs advance the TSC in steps of tens of cycles, which quantizes every
 * figure).
 */
static void
timer_overhead(uint32_t *buf, unsigned int n, uint32_t *cost, uint32_t *step)
{
	unsigned int i;
	uint64_t t0;

	for (i = 0; i < n; i++) {
		t0 = rte_rdtsc_precise();
		buf[i] = bench_clamp_u32(rte_rdtsc_precise() - t0);
	}
	qsort(buf, n, sizeof(buf[0]), bench_cmp_u32);
	*cost = buf[n / 2];
	for (i = 0; i < n; i++) {
		t0 = rte_rdtsc();
		buf[i] = bench_clamp_u32(rte_rdtsc() - t0);
	}
	qsort(buf, n, sizeof(buf[0]), bench_cmp_u32);
	*step = buf[n / 2];
}

static void
cdf(const struct bench_scenario *sc, const struct lat_arg *a, const char *metric, uint32_t *v,
		size_t n, size_t size)
{
	struct result r;
	unsigned int i;

	qsort(v, n, sizeof(v[0]), bench_cmp_u32);
	for (i = 0; i < RTE_DIM(cdf_points); i++) {
		result_init(&r, sc, a->kind, metric, "cycles", size, 0, 1);
		strlcat(r.alloc, backing_suffix[a->backing], sizeof(r.alloc));
		r.quantile = cdf_points[i];
		r.median = quantile(v, n, cdf_points[i]);
		report_add(&r);
	}
}

/* Backing the set may need: twice its objects (pages of other sizes), and a segment. */
static size_t
set_backing(const struct lat_arg *a)
{
	return (size_t)a->n * a->ctx.size * 2 + RTE_FASTMEM_SLAB_SIZE;
}

static void
measure(const struct bench_env *env, const struct bench_scenario *sc, struct lat_arg *a)
{
	const unsigned int reps = env->opts->repeat;
	double v[RTE_DIM(metrics)][BENCH_MAX_REPEAT];
	const size_t size = a->ctx.size;
	struct bench_stat st;
	struct result r;
	unsigned int rep, j;
	double m[RTE_DIM(metrics)];
	uint64_t grows = bench_grows_inline();

	if (a->backing == LAT_HEADROOM && rte_fastmem_set_headroom(SOCKET_ID_ANY,
			set_backing(a)) != 0) {
		report_note(sc, a->kind, "FAILED: rte_fastmem_set_headroom(%zu)", set_backing(a));
		return;
	}
	for (rep = 0; rep < reps; rep++) {
		uint32_t *al = a->alloc_lat + (size_t)rep * a->n;
		uint32_t *fl = a->free_lat + (size_t)rep * a->n;

		/* fastmem starts each repetition from no free backing, a reserve or a headroom. */
		if (bench_fastmem_backed(a->kind)) {
			bench_flush_all_lcores(env);
			rte_fastmem_trim();
			if (a->backing == LAT_RESERVE)
				rte_fastmem_reserve(set_backing(a), SOCKET_ID_ANY);
		}
		if (lat_run(a, al, fl) != 0) {
			report_note(sc, a->kind, "FAILED: an allocation returned NULL");
			break;
		}
		/* Sorting in place is fine: the CDF pools values, not their order. */
		percentiles(al, a->n, m);
		percentiles(fl, a->n, m + RTE_DIM(pcts));
		for (j = 0; j < RTE_DIM(metrics); j++)
			v[j][rep] = m[j];
	}
	if (a->backing == LAT_HEADROOM) {
		rte_fastmem_set_headroom(SOCKET_ID_ANY, 0);
		rte_fastmem_trim();
	}
	if (rep < reps)
		return;
	for (j = 0; j < RTE_DIM(metrics); j++) {
		result_init(&r, sc, a->kind, metrics[j], "cycles", size, 0, 1);
		strlcat(r.alloc, backing_suffix[a->backing], sizeof(r.alloc));
		bench_stat(v[j], reps, &st);
		result_set_stat(&r, &st);
		report_add(&r);
	}
	if (bench_fastmem_backed(a->kind)) {
		result_init(&r, sc, a->kind, "grows inline", "count", size, 0, 1);
		strlcat(r.alloc, backing_suffix[a->backing], sizeof(r.alloc));
		r.median = (double)(bench_grows_inline() - grows);
		report_add(&r);
	}
	cdf(sc, a, "alloc cdf", a->alloc_lat, (size_t)reps * a->n, size);
	cdf(sc, a, "free cdf", a->free_lat, (size_t)reps * a->n, size);
}

static void
run_latency(const struct bench_env *env, const struct bench_scenario *sc)
{
	const struct fastmem_opts *o = env->opts;
	unsigned int z, v, max_n;
	struct lat_arg a;
	enum alloc_kind kind;
	uint32_t cost, step;

	max_n = RTE_MIN(RTE_MAX(o->iterations / 16, (uint64_t)SET_MIN), (uint64_t)SET_MAX);
	memset(&a, 0, sizeof(a));
	a.objs = calloc(max_n, sizeof(*a.objs));
	a.alloc_lat = calloc((size_t)max_n * o->repeat, sizeof(uint32_t));
	a.free_lat = calloc((size_t)max_n * o->repeat, sizeof(uint32_t));
	if (a.objs == NULL || a.alloc_lat == NULL || a.free_lat == NULL)
		rte_exit(EXIT_FAILURE, "no memory for %u latency samples\n", max_n * o->repeat);
	timer_overhead(a.alloc_lat, max_n, &cost, &step);
	report_scenario_note(sc, "timer: two rte_rdtsc_precise() cost %u cycles, in every"
		" figure (not subtracted); back-to-back TSC reads differ by %u cycles here (its"
		" step)", cost, step);
	report_scenario_note(sc, "set: min(%u, 32 MiB / size) objects; fastmem (rte_malloc_fm's "
		"too) trimmed before each repetition; +reserve: rte_fastmem_reserve() of twice the "
		"set first; +headroom: rte_fastmem_set_headroom() of as much instead; grows inline:"
		" growths an allocation waited for, all repetitions; mempool pools are populated at"
		" creation", max_n);
	for (z = 0; z < o->n_sizes; z++) {
		size_t size = o->sizes[z];

		BENCH_FOREACH_ALLOC(env, kind) {
			bool fm = bench_is_fastmem(kind);

			for (v = 0; v < (fm ? RTE_DIM(backing_suffix) : 1u); v++) {
				a.kind = kind;
				a.backing = (enum lat_backing)v;
				a.n = RTE_MAX(RTE_MIN(max_n, SET_BYTES / size), 1ul);
				if (alloc_ctx_init(&a.ctx, kind, size, a.n, 1) != 0) {
					report_note(sc, kind, "FAILED: set-up for %zu B", size);
					continue;
				}
				measure(env, sc, &a);
				alloc_ctx_fini(&a.ctx);
			}
		}
	}
	free(a.objs);
	free(a.alloc_lat);
	free(a.free_lat);
	if (o->reserve != 0 && allocators[ALLOC_FASTMEM].available)
		rte_fastmem_reserve(o->reserve, SOCKET_ID_ANY);
}

const struct bench_scenario scenario_latency = {
	.id = 9,
	.name = "latency",
	.title = "latency of single allocations and frees (cycles, timer included)",
	.run = run_latency,
};
