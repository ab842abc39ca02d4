/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <rte_common.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <rte_fastmem.h>

#include "bench.h"

/* Long enough to time, short enough for a slow allocator not to take seconds. */
#define PILOT_ITERATIONS 1000

unsigned int bench_measurements;
unsigned int bench_disturbed;

/* 60 % small (8-128 B), 30 % medium (up to 1 KiB), 9 % up to 4 KiB, 1 % up to 16 KiB. */
const struct mix_range mix_ranges[MIX_RANGES] = {
	{ 8, 128, 614 },
	{ 129, 1024, 922 },
	{ 1025, 4096, 1014 },
	{ 4097, MIX_MAX_SIZE, 1024 },
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

void
bench_stat(const double *v, unsigned int n, struct bench_stat *st)
{
	double s[BENCH_MAX_REPEAT];
	unsigned int i;

	for (i = 0; i < n; i++)
		s[i] = v[i];
	qsort(s, n, sizeof(s[0]), cmp_double);
	st->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	st->min = s[0];
	st->max = s[n - 1];
}

bool
bench_alloc_enabled(const struct bench_env *env, enum alloc_kind kind)
{
	return (env->opts->allocators & ALLOC_BIT(kind)) && allocators[kind].available;
}

enum alloc_kind
bench_alloc_next(const struct bench_env *env, unsigned int kind)
{
	while (kind < ALLOC_NUM && !bench_alloc_enabled(env, kind))
		kind++;
	return (enum alloc_kind)kind;
}

/*
 * Involuntary context switches of lcores during launches: on a machine
 * where other processes compete for the cores, a measurement that spans
 * one counts their time too, and is taken again.
 */
static RTE_ATOMIC(uint64_t) preemptions;

struct launch {
	lcore_function_t *fn;
	void *arg;
};

static uint64_t
thread_preemptions(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return ru.ru_nivcsw;
}

static int
launched(void *arg)
{
	const struct launch *l = arg;
	uint64_t before = thread_preemptions();
	int ret;

	ret = l->fn(l->arg);
	rte_atomic_fetch_add_explicit(&preemptions, thread_preemptions() - before,
			rte_memory_order_relaxed);
	return ret;
}

void
bench_launch(const struct bench_env *env, unsigned int n, lcore_function_t *fn, void *args,
		size_t stride)
{
	struct launch l[RTE_MAX_LCORE];
	unsigned int i;

	for (i = 0; i < n; i++) {
		l[i].fn = fn;
		l[i].arg = RTE_PTR_ADD(args, i * stride);
	}
	for (i = 1; i < n; i++)
		rte_eal_remote_launch(launched, &l[i], env->lcores[i]);
	launched(&l[0]);
	for (i = 1; i < n; i++)
		rte_eal_wait_lcore(env->lcores[i]);
}

static int
flush_lcore(void *arg __rte_unused)
{
	rte_fastmem_cache_flush();
	return 0;
}

void
bench_flush_all_lcores(const struct bench_env *env)
{
	if (!allocators[ALLOC_FASTMEM].available)
		return;
	bench_launch(env, env->n_lcores, flush_lcore, NULL, 0);
}

uint64_t
bench_grows_inline(void)
{
	struct rte_fastmem_node_stats s;
	uint64_t n = 0;
	int node;

	for (node = 0; node < RTE_MAX_NUMA_NODES; node++)
		if (rte_fastmem_stats_node(node, &s) == 0)
			n += s.grows_inline;
	return n;
}

int
bench_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Iterations of the first run: the warm-up, or with --duration a short pilot. */
static uint64_t
pilot_iterations(const struct bench_env *env)
{
	if (env->opts->duration == 0)
		return RTE_MAX(env->opts->iterations / 10, UINT64_C(100));
	return PILOT_ITERATIONS;
}

/* --iterations, or with --duration what fits in it at the pilot's cycles per iteration. */
static uint64_t
iterations(const struct bench_env *env, double cycles)
{
	double n;

	if (env->opts->duration == 0)
		return env->opts->iterations;
	n = env->opts->duration * env->tsc_hz / RTE_MAX(cycles, 1.0);
	return RTE_MAX((uint64_t)n, UINT64_C(100));
}

/*
 * Warm caches, fault pages in, fill per-lcore caches; and pace --duration.
 * The first run pays for cold starts (an allocator growing its backing
 * memory, page faults) and would pace the measurements a hundred times too
 * short, so a second pilot sets the pace. A short pilot can be optimistic
 * (a pipeline's first objects fit in its ring), so runs grow, at most 8
 * times each, until one is long enough to trust its pace.
 */
static void
series_warm_up(const struct bench_env *env, struct bench_series *s, bench_measure_t *measure)
{
	double m[BENCH_MAX_METRICS];
	uint64_t n = pilot_iterations(env);

	s->failed = measure(s->arg, n, m) != 0;
	if (!s->failed && env->opts->duration != 0)
		s->failed = measure(s->arg, n, m) != 0;
	while (!s->failed && env->opts->duration != 0 && n < iterations(env, m[0]) / 2) {
		n = RTE_MIN(iterations(env, m[0]), 8 * n);
		s->failed = measure(s->arg, n, m) != 0;
	}
	s->n = iterations(env, m[0]);
}

/* Repetition @p r, tried again (up to BENCH_ATTEMPTS) if an lcore was preempted. */
static void
series_measure(struct bench_series *s, unsigned int r, bench_measure_t *measure)
{
	double m[BENCH_MAX_METRICS];
	unsigned int t, j;
	uint64_t before;

	if (s->failed)
		return;
	for (t = 1; t <= BENCH_ATTEMPTS; t++) {
		before = rte_atomic_load_explicit(&preemptions, rte_memory_order_relaxed);
		memset(m, 0, sizeof(m));
		s->failed = measure(s->arg, s->n, m) != 0;
		if (rte_atomic_load_explicit(&preemptions, rte_memory_order_relaxed) == before)
			break;
	}
	bench_measurements++;
	bench_disturbed += t > BENCH_ATTEMPTS;
	for (j = 0; j < BENCH_MAX_METRICS; j++)
		s->v[j][r] = m[j];
}

void
bench_series_run_alternating(const struct bench_env *env, struct bench_series **s,
		unsigned int n_series, bench_measure_t *measure)
{
	unsigned int i, r;

	for (i = 0; i < n_series; i++)
		series_warm_up(env, s[i], measure);
	/* Each round starts one series later: none always runs first, after the others. */
	for (r = 0; r < env->opts->repeat; r++)
		for (i = 0; i < n_series; i++)
			series_measure(s[(r + i) % n_series], r, measure);
}

void
bench_series_run(const struct bench_env *env, struct bench_series *s, unsigned int n_series,
		bench_measure_t *measure)
{
	struct bench_series *one;
	unsigned int i;

	/*
	 * Each series' repetitions right after its warm-up: interleaved with
	 * another allocator's, they would start from the caches it left cold.
	 */
	for (i = 0; i < n_series; i++) {
		one = &s[i];
		bench_series_run_alternating(env, &one, 1, measure);
	}
}

void
bench_series_stat(const struct bench_env *env, const struct bench_series *s, unsigned int metric,
		struct bench_stat *st)
{
	bench_stat(s->v[metric], env->opts->repeat, st);
}

double
mix_probability(uint32_t lo, uint32_t hi)
{
	uint32_t prev = 0, a, b;
	double p = 0;
	unsigned int i;

	for (i = 0; i < MIX_RANGES; prev = mix_ranges[i].cum, i++) {
		a = RTE_MAX(lo, mix_ranges[i].lo);
		b = RTE_MIN(hi, mix_ranges[i].hi);
		if (a > b)
			continue;
		p += (mix_ranges[i].cum - prev) / 1024.0 * (b - a + 1) /
			(mix_ranges[i].hi - mix_ranges[i].lo + 1);
	}
	return p;
}

double
mix_mean(void)
{
	uint32_t prev = 0;
	double m = 0;
	unsigned int i;

	for (i = 0; i < MIX_RANGES; prev = mix_ranges[i].cum, i++)
		m += (mix_ranges[i].cum - prev) / 1024.0 *
			(mix_ranges[i].lo + mix_ranges[i].hi) / 2;
	return m;
}

const char *
mix_describe(void)
{
	static char buf[160];
	uint32_t prev = 0;
	unsigned int i;
	int len;

	if (buf[0] != '\0')
		return buf;
	len = snprintf(buf, sizeof(buf), "mixed sizes, uniform within each range:");
	for (i = 0; i < MIX_RANGES; prev = mix_ranges[i].cum, i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s %.0f%% %u-%u B", i ? "," : "",
			(mix_ranges[i].cum - prev) * 100.0 / 1024, mix_ranges[i].lo,
			mix_ranges[i].hi);
	snprintf(buf + len, sizeof(buf) - len, " (mean %.0f B)", mix_mean());
	return buf;
}
