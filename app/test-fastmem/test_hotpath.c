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
	bool reference;  /* The loop without an allocator, not kind's. */
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
	uint64_t fails;

	BENCH_DISPATCH(fails, hot_loop, kind, size, ctx, n);
	return fails;
}

/*
 * The loop of a per-lcore cache without an allocator around it: pop a
 * pointer from a private stack and push it back, nothing shared between
 * lcores. Scenario 7 runs it beside the allocators: when it loses
 * throughput on N lcores, the machine does (vCPUs sharing a core, say),
 * not an allocator.
 */
static __rte_noinline uint64_t
reference_run(uint64_t n)
{
	struct {
		unsigned int len;
		void *objs[8];
	} stack = { .len = RTE_DIM(stack.objs) };
	uint64_t i;
	void *p;

	for (i = 0; i < RTE_DIM(stack.objs); i++)
		stack.objs[i] = &stack.objs[i];
	for (i = 0; i < n; i++) {
		/* bench_escape() makes the stack memory, as a cache is. */
		p = stack.objs[--stack.len];
		bench_escape(p);
		stack.objs[stack.len++] = p;
		bench_escape(&stack);
	}
	return 0;
}

static int
hot_lcore(void *arg)
{
	struct hot_worker *w = arg;
	uint64_t t0;

	bench_barrier_wait(w->start);
	t0 = rte_rdtsc_precise();
	if (w->arg->reference)
		w->fails = reference_run(w->n);
	else
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
		const unsigned int *ks, unsigned int n_ks, unsigned int param, bool reference)
{
	/* One row of series per allocator, and a last one for the reference. */
	const unsigned int n_rows = ALLOC_NUM + 1;
	struct bench_series *s = calloc((size_t)n_rows * n_ks, sizeof(*s));
	struct hot_arg *a = calloc((size_t)n_rows * n_ks, sizeof(*a));
	struct bench_series **ready = calloc((size_t)n_rows * n_ks, sizeof(*ready));
	enum alloc_kind kind;
	unsigned int i, j, n = 0;

	if (s == NULL || a == NULL || ready == NULL)
		rte_panic("hot path: no memory for %u lcore counts\n", n_ks);
	for (j = 0; j < n_ks; j++) {
		BENCH_FOREACH_ALLOC(env, kind) {
			i = kind * n_ks + j;
			/* A handful of objects: the loop holds one per lcore. */
			if (alloc_ctx_init(&a[i].ctx, kind, size, 64, ks[j]) != 0) {
				report_note(sc, kind, "FAILED: set-up for %zu B on %u lcores", size,
					ks[j]);
				continue;
			}
			a[i].kind = kind;
			s[i].kind = kind;
			ready[n++] = &s[i];
		}
		if (reference) {
			i = ALLOC_NUM * n_ks + j;
			a[i].reference = true;
			s[i].name = REFERENCE_NAME;
			ready[n++] = &s[i];
		}
	}
	for (i = 0; i < n_rows * n_ks; i++) {
		a[i].env = env;
		a[i].k = ks[i % n_ks];
		s[i].arg = &a[i];
	}
	/*
	 * Every repetition of every series in turn: a spell of a busier (or
	 * slower) machine then weighs on all lcore counts and allocators alike.
	 */
	bench_series_run_alternating(env, ready, n, hot_measure);
	/* ready[] is in lcore-count order, as the table reads. */
	for (i = 0; i < n; i++) {
		struct hot_arg *ai = ready[i]->arg;

		report_series(env, sc, ready[i], 0, "alloc+free", "cycles", size, param, ai->k, 1);
		if (!ai->reference)
			alloc_ctx_fini(&ai->ctx);
	}
	free(ready);
	free(a);
	free(s);
}

static void
run_hotpath(const struct bench_env *env, const struct bench_scenario *sc)
{
	const unsigned int one = 1;
	unsigned int i;

	for (i = 0; i < env->opts->n_sizes; i++)
		hotpath_run(env, sc, env->opts->sizes[i], &one, 1, 0, false);
}

const struct bench_scenario scenario_hotpath = {
	.id = 1,
	.name = "hotpath",
	.title = "hot path, one alloc+free pair per iteration, 1 lcore",
	.run = run_hotpath,
};
