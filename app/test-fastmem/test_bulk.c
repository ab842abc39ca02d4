/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 4, bulk: get then put --bulk objects per call (8, 32, 128 by
 * default), with the allocators that have a bulk API. mempool's bulk calls
 * are inline and instantiated with constant counts, as an application
 * with a fixed burst size compiles them.
 */

#include <rte_common.h>
#include <rte_cycles.h>

#include "bench.h"
#include "report.h"

#define BULK_MAX RTE_MEMPOOL_CACHE_MAX_SIZE

struct bulk_arg {
	enum alloc_kind kind;
	unsigned int bulk;
	struct alloc_ctx ctx;
};

static __rte_always_inline int
bulk_loop(const enum alloc_kind kind, const unsigned int bulk, const struct alloc_ctx *ctx,
		uint64_t rounds)
{
	void *objs[BULK_MAX];
	uint64_t r;

	for (r = 0; r < rounds; r++) {
		if (unlikely(bench_alloc_bulk(kind, ctx, objs, bulk) != 0))
			return -1;
		bench_escape(objs[0]);
		bench_free_bulk(kind, ctx, objs, bulk);
	}
	return 0;
}

/* bulk_loop() with the default counts as constants. */
static __rte_always_inline int
bulk_counts(const enum alloc_kind kind, const unsigned int bulk, const struct alloc_ctx *ctx,
		uint64_t rounds)
{
	switch (bulk) {
	case 8:
		return bulk_loop(kind, 8, ctx, rounds);
	case 32:
		return bulk_loop(kind, 32, ctx, rounds);
	case 128:
		return bulk_loop(kind, 128, ctx, rounds);
	default:
		return bulk_loop(kind, bulk, ctx, rounds);
	}
}

static __rte_noinline int
bulk_run(const struct bulk_arg *a, uint64_t rounds)
{
	switch (a->kind) {
	case ALLOC_FASTMEM:
		return bulk_counts(ALLOC_FASTMEM, a->bulk, &a->ctx, rounds);
	case ALLOC_FASTMEM_H:
		return bulk_counts(ALLOC_FASTMEM_H, a->bulk, &a->ctx, rounds);
	case ALLOC_MEMPOOL:
		return bulk_counts(ALLOC_MEMPOOL, a->bulk, &a->ctx, rounds);
	default:
		break;
	}
	rte_panic("allocator %d has no bulk API\n", a->kind);
}

/* m[0]: cycles per object, get and put. */
static int
bulk_measure(void *arg, uint64_t n, double *m)
{
	struct bulk_arg *a = arg;
	uint64_t rounds = RTE_MAX(n / a->bulk, UINT64_C(1));
	uint64_t t0;
	int ret;

	t0 = rte_rdtsc_precise();
	ret = bulk_run(a, rounds);
	m[0] = (double)(rte_rdtsc_precise() - t0) / (rounds * a->bulk);
	return ret;
}

static void
run_bulk(const struct bench_env *env, const struct bench_scenario *sc)
{
	const struct fastmem_opts *o = env->opts;
	struct bench_series s[ALLOC_NUM] = { 0 };
	struct bench_series *ready[ALLOC_NUM];
	struct bulk_arg a[ALLOC_NUM];
	enum alloc_kind kind;
	unsigned int z, b, i, n;

	report_scenario_note(sc, "%s", BENCH_TURNS_NOTE);
	for (z = 0; z < o->n_sizes; z++) {
		for (b = 0; b < o->n_bulks; b++) {
			n = 0;
			BENCH_FOREACH_ALLOC(env, kind) {
				if ((ALLOC_BULK_KINDS & ALLOC_BIT(kind)) == 0)
					continue;
				if (alloc_ctx_init(&a[n].ctx, kind, o->sizes[z], o->bulks[b], 1)) {
					report_note(sc, kind, "FAILED: set-up for %zu B",
						o->sizes[z]);
					continue;
				}
				a[n].kind = kind;
				a[n].bulk = o->bulks[b];
				s[n].kind = kind;
				s[n].arg = &a[n];
				ready[n] = &s[n];
				n++;
			}
			/* A few objects per lcore: taking turns leaves no cache cold. */
			bench_series_run_alternating(env, ready, n, bulk_measure);
			for (i = 0; i < n; i++) {
				report_series(env, sc, &s[i], 0, "alloc+free", "cycles",
					o->sizes[z], o->bulks[b], 1, -1);
				alloc_ctx_fini(&a[i].ctx);
			}
		}
	}
	BENCH_FOREACH_ALLOC(env, kind)
		if ((ALLOC_BULK_KINDS & ALLOC_BIT(kind)) == 0)
			report_note(sc, kind, "n/a (no bulk API)");
}

const struct bench_scenario scenario_bulk = {
	.id = 4,
	.name = "bulk",
	.title = "bulk: get then put N objects per call (per object)",
	.param_name = "bulk",
	.run = run_bulk,
};
