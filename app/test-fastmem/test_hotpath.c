/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 1, hot path: one alloc+free pair per iteration, the object
 * never leaving the per-lcore cache of the allocators that have one. The
 * best case, and the one an application replacing mempool_get/put feels
 * first. Also scenario 7's first workload: every lcore runs the same loop.
 */

#include <rte_common.h>
#include <rte_cycles.h>

#include "bench.h"
#include "report.h"

struct hot_arg {
	const struct bench_env *env;
	enum alloc_kind kind;
	unsigned int k;
	struct alloc_ctx ctx;
};

struct __rte_cache_aligned hot_worker {
	const struct hot_arg *arg;
	struct bench_barrier *start;
	uint64_t n;
	uint64_t cycles;
	uint64_t fails;
};

static __rte_always_inline uint64_t
hot_loop(const enum alloc_kind kind, const size_t size, const struct alloc_ctx *ctx, uint64_t n)
{
	uint64_t fails = 0, i;
	void *p;

	for (i = 0; i < n; i++) {
		p = bench_alloc(kind, ctx, size);
		if (unlikely(p == NULL)) {
			fails++;
			continue;
		}
		bench_escape(p);
		bench_free(kind, ctx, p);
	}
	return fails;
}

static __rte_noinline uint64_t
hot_run(enum alloc_kind kind, const struct alloc_ctx *ctx, size_t size, uint64_t n)
{
	BENCH_DISPATCH(hot_loop, kind, size, ctx, n);
}

static int
hot_lcore(void *arg)
{
	struct hot_worker *w = arg;
	uint64_t t0;

	bench_barrier_wait(w->start);
	t0 = rte_rdtsc_precise();
	w->fails = hot_run(w->arg->kind, &w->arg->ctx, w->arg->ctx.size, w->n);
	w->cycles = rte_rdtsc_precise() - t0;
	return 0;
}

/* m[0]: cycles per pair on each lcore; m[1]: Mpairs/s over all lcores. */
static int
hot_measure(void *arg, uint64_t n, double *m)
{
	struct hot_arg *a = arg;
	struct hot_worker w[RTE_MAX_LCORE];
	struct bench_barrier start;
	uint64_t wall = 0, fails = 0;
	unsigned int i;

	bench_barrier_init(&start, a->k);
	for (i = 0; i < a->k; i++) {
		w[i].arg = a;
		w[i].start = &start;
		w[i].n = n;
	}
	bench_launch(a->env, a->k, hot_lcore, w, sizeof(w[0]));
	for (i = 0; i < a->k; i++) {
		wall = RTE_MAX(wall, w[i].cycles);
		fails += w[i].fails;
	}
	m[0] = (double)wall / n;
	m[1] = (double)a->k * n * a->env->tsc_hz / wall / 1e6;
	return fails != 0 ? -1 : 0;
}

void
hotpath_run(const struct bench_env *env, const struct bench_scenario *sc, size_t size,
		unsigned int k, unsigned int param)
{
	struct bench_series s[ALLOC_NUM];
	struct hot_arg a[ALLOC_NUM];
	enum alloc_kind kind;
	unsigned int i, n = 0;

	BENCH_FOREACH_ALLOC(env, kind) {
		/* A handful of objects: the loop holds one per lcore. */
		if (alloc_ctx_init(&a[n].ctx, kind, size, 64, k) != 0) {
			report_note(sc, kind, "FAILED: set-up for %zu B", size);
			continue;
		}
		a[n].env = env;
		a[n].kind = kind;
		a[n].k = k;
		s[n].kind = kind;
		s[n].arg = &a[n];
		n++;
	}
	bench_series_run(env, s, n, hot_measure);
	for (i = 0; i < n; i++) {
		report_series(env, sc, &s[i], 0, "alloc+free", "cycles", size, param, k, 1);
		alloc_ctx_fini(&a[i].ctx);
	}
}

static void
hotpath(const struct bench_env *env, const struct bench_scenario *sc)
{
	unsigned int i;

	for (i = 0; i < env->opts->n_sizes; i++)
		hotpath_run(env, sc, env->opts->sizes[i], 1, 0);
}

const struct bench_scenario scenario_hotpath = {
	.id = 1,
	.name = "hotpath",
	.title = "hot path, one alloc+free pair per iteration, 1 lcore",
	.run = hotpath,
};
