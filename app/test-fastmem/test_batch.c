/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenarios 2 and 3, batch FIFO and LIFO: allocate --batch objects, then
 * free them in allocation order (FIFO) or in reverse (LIFO). With the
 * default 2048 objects, more than a mempool or fastmem cache holds, the
 * allocation phase runs the refill path and the free phase the flush path.
 * Each phase is timed on its own, so the table shows both sides.
 */

#include <stdlib.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "bench.h"
#include "report.h"

struct batch_arg {
	enum alloc_kind kind;
	bool lifo;
	unsigned int batch;
	void **objs;
	struct alloc_ctx ctx;
};

static __rte_always_inline int
batch_loop(const enum alloc_kind kind, const size_t size, const struct batch_arg *a,
		uint64_t rounds, uint64_t *cycles)
{
	const unsigned int n = a->batch;
	void **objs = a->objs;
	uint64_t r, t0, t1, t2;
	unsigned int i, j;

	for (r = 0; r < rounds; r++) {
		t0 = rte_rdtsc_precise();
		for (i = 0; i < n; i++) {
			objs[i] = bench_alloc(kind, &a->ctx, size);
			if (unlikely(objs[i] == NULL))
				break;
		}
		t1 = rte_rdtsc_precise();
		if (a->lifo) {
			for (j = i; j > 0; j--)
				bench_free(kind, &a->ctx, objs[j - 1]);
		} else {
			for (j = 0; j < i; j++)
				bench_free(kind, &a->ctx, objs[j]);
		}
		t2 = rte_rdtsc_precise();
		if (unlikely(i != n))
			return -1;
		cycles[0] += t1 - t0;
		cycles[1] += t2 - t1;
	}
	return 0;
}

static __rte_noinline int
batch_run(const struct batch_arg *a, uint64_t rounds, uint64_t *cycles)
{
	int ret;

	BENCH_DISPATCH(ret, batch_loop, a->kind, a->ctx.size, a, rounds, cycles);
	return ret;
}

/* m[0]: cycles per object, allocation and free; m[1]: allocation; m[2]: free. */
static int
batch_measure(void *arg, uint64_t n, double *m)
{
	struct batch_arg *a = arg;
	uint64_t rounds = RTE_MAX(n / a->batch, UINT64_C(1));
	uint64_t cycles[2] = { 0, 0 };
	double objs = (double)rounds * a->batch;

	if (batch_run(a, rounds, cycles) != 0)
		return -1;
	m[0] = (cycles[0] + cycles[1]) / objs;
	m[1] = cycles[0] / objs;
	m[2] = cycles[1] / objs;
	return 0;
}

static void
run_batch(const struct bench_env *env, const struct bench_scenario *sc)
{
	/* What batch_measure() puts in m[]. */
	static const char *const metrics[] = { "alloc+free", "alloc", "free" };
	const unsigned int n_objs = env->opts->batch;
	struct bench_series s[ALLOC_NUM] = { 0 };
	struct batch_arg a[ALLOC_NUM];
	enum alloc_kind kind;
	unsigned int z, i, m, n;
	void **objs;

	objs = malloc(n_objs * sizeof(*objs));
	if (objs == NULL)
		rte_exit(EXIT_FAILURE, "no memory for %u pointers\n", n_objs);
	for (z = 0; z < env->opts->n_sizes; z++) {
		size_t size = env->opts->sizes[z];

		n = 0;
		BENCH_FOREACH_ALLOC(env, kind) {
			if (alloc_ctx_init(&a[n].ctx, kind, size, n_objs, 1) != 0) {
				report_note(sc, kind, "FAILED: set-up for %u x %zu B", n_objs,
					size);
				continue;
			}
			a[n].kind = kind;
			a[n].lifo = sc->id == 3;
			a[n].batch = n_objs;
			a[n].objs = objs;
			s[n].kind = kind;
			s[n].arg = &a[n];
			n++;
		}
		bench_series_run(env, s, n, batch_measure);
		for (i = 0; i < n; i++) {
			for (m = 0; m < RTE_DIM(metrics); m++)
				report_series(env, sc, &s[i], m, metrics[m], "cycles", size,
					n_objs, 1, -1);
			alloc_ctx_fini(&a[i].ctx);
		}
	}
	free(objs);
}

const struct bench_scenario scenario_batch_fifo = {
	.id = 2,
	.name = "batch-fifo",
	.title = "batch FIFO: allocate a batch, free it in allocation order (per object)",
	.param_name = "batch",
	.run = run_batch,
};

const struct bench_scenario scenario_batch_lifo = {
	.id = 3,
	.name = "batch-lifo",
	.title = "batch LIFO: allocate a batch, free it in reverse order (per object)",
	.param_name = "batch",
	.run = run_batch,
};
