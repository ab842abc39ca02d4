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
		const unsigned int *ks, unsigned int n_ks, unsigned int param)
{
	struct bench_series *s = calloc((size_t)ALLOC_NUM * n_ks, sizeof(*s));
	struct hot_arg *a = calloc((size_t)ALLOC_NUM * n_ks, sizeof(*a));
	struct bench_series *ready[RTE_MAX_LCORE];
	enum alloc_kind kind;
	unsigned int i, j, n;

	if (s == NULL || a == NULL || n_ks > RTE_DIM(ready))
		rte_panic("hot path: %u lcore counts: too many, or no memory\n", n_ks);
	/* Each allocator on its lcore counts in turn, then the next allocator. */
	BENCH_FOREACH_ALLOC(env, kind) {
		for (j = 0, n = 0; j < n_ks; j++) {
			i = kind * n_ks + j;
			/* A handful of objects: the loop holds one per lcore. */
			if (alloc_ctx_init(&a[i].ctx, kind, size, 64, ks[j]) != 0) {
				report_note(sc, kind, "FAILED: set-up for %zu B on %u lcores", size,
					ks[j]);
				continue;
			}
			a[i].env = env;
			a[i].kind = kind;
			a[i].k = ks[j];
			s[i].kind = kind;
			s[i].arg = &a[i];
			ready[n++] = &s[i];
		}
		bench_series_run_alternating(env, ready, n, hot_measure);
	}
	/* Reported by lcore count, as the table reads; no arg: set-up failed. */
	for (j = 0; j < n_ks; j++)
		BENCH_FOREACH_ALLOC(env, kind) {
			i = kind * n_ks + j;
			if (s[i].arg == NULL)
				continue;
			report_series(env, sc, &s[i], 0, "alloc+free", "cycles", size, param,
				ks[j], 1);
			alloc_ctx_fini(&a[i].ctx);
		}
	free(a);
	free(s);
}

static void
hotpath(const struct bench_env *env, const struct bench_scenario *sc)
{
	const unsigned int one = 1;
	unsigned int i;

	for (i = 0; i < env->opts->n_sizes; i++)
		hotpath_run(env, sc, env->opts->sizes[i], &one, 1, 0);
}

const struct bench_scenario scenario_hotpath = {
	.id = 1,
	.name = "hotpath",
	.title = "hot path, one alloc+free pair per iteration, 1 lcore",
	.run = hotpath,
};
