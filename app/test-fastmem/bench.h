/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_BENCH_H
#define FASTMEM_BENCH_H

/* What every scenario shares: the run's environment, lcore launch, statistics, random sizes. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "allocators.h"
#include "fastmem_options.h"

#define BENCH_MAX_REPEAT 101

struct bench_env {
	const struct fastmem_opts *opts;
	uint64_t tsc_hz;
	unsigned int n_lcores;
	unsigned int lcores[RTE_MAX_LCORE];  /* Main lcore first, then the workers. */
};

/* A scenario family: one file each, listed in main.c's table. */
struct bench_scenario {
	unsigned int id;         /* Number in the issue and in --scenarios. */
	const char *name;        /* Name in --scenarios and in the output files. */
	const char *title;       /* Table heading. */
	const char *param_name;  /* Meaning of struct result::param in the table, or NULL. */
	void (*run)(const struct bench_env *env, const struct bench_scenario *sc);
};

extern const struct bench_scenario scenario_hotpath;
extern const struct bench_scenario scenario_batch_fifo;
extern const struct bench_scenario scenario_batch_lifo;
extern const struct bench_scenario scenario_bulk;
extern const struct bench_scenario scenario_larson;
extern const struct bench_scenario scenario_pipeline;
extern const struct bench_scenario scenario_scaling;
extern const struct bench_scenario scenario_memeff;
extern const struct bench_scenario scenario_latency;
extern const struct bench_scenario scenario_small_sets;
extern const struct bench_scenario scenario_ramp;

/* All scenarios by id - 1 (main.c). */
extern const struct bench_scenario *const bench_scenarios[FASTMEM_NUM_SCENARIOS];

/*
 * Workloads that scenario 7 runs on 1..N lcores; each measures every
 * allocator on @p k lcores and records its figures under @p sc with
 * @p param. The hot path runs on each of the @p n_ks counts @p ks, the
 * repetitions of all its series taking turns, and with @p reference also
 * runs its loop without an allocator (rows named REFERENCE_NAME).
 */
void hotpath_run(const struct bench_env *env, const struct bench_scenario *sc, size_t size,
		const unsigned int *ks, unsigned int n_ks, unsigned int param, bool reference);
void larson_run(const struct bench_env *env, const struct bench_scenario *sc, unsigned int k,
		unsigned int param);
void pipeline_run(const struct bench_env *env, const struct bench_scenario *sc, size_t size,
		unsigned int k, unsigned int param);
/* Row name of the hot path's loop without an allocator. */
#define REFERENCE_NAME "reference"

/* Median, min and max of repeated measurements. */
struct bench_stat {
	double median;
	double min;
	double max;
};

void bench_stat(const double *v, unsigned int n, struct bench_stat *st);

/* Allocators selected with --allocators and available, in enum order. */
bool bench_alloc_enabled(const struct bench_env *env, enum alloc_kind kind);
/* The first of them from @p kind on, or ALLOC_NUM. */
enum alloc_kind bench_alloc_next(const struct bench_env *env, unsigned int kind);
#define BENCH_FOREACH_ALLOC(env, kind) \
	for (kind = bench_alloc_next(env, 0); kind < ALLOC_NUM; \
			kind = bench_alloc_next(env, kind + 1))

/*
 * Run fn on the first @p n lcores, worker i on env->lcores[i] with argument
 * args + i * stride; index 0 runs on the main lcore, so that "-l 0-1" gives
 * two workers. Returns when all have returned.
 */
void bench_launch(const struct bench_env *env, unsigned int n, lcore_function_t *fn, void *args,
		size_t stride);

/* Give every lcore's fastmem caches back, so that trim can release everything free. */
void bench_flush_all_lcores(const struct bench_env *env);

/* Growths fastmem's allocations waited for, on every node (rte_fastmem_stats_node()). */
uint64_t bench_grows_inline(void);

/* A cycle count in 32 bits, saturated. */
static inline uint32_t
bench_clamp_u32(uint64_t cycles)
{
	return cycles > UINT32_MAX ? UINT32_MAX : (uint32_t)cycles;
}

/* qsort() comparison of uint32_t values, ascending. */
int bench_cmp_u32(const void *a, const void *b);

/* fastmem itself, through pointers or handles. */
static inline bool
bench_is_fastmem(enum alloc_kind kind)
{
	return kind == ALLOC_FASTMEM || kind == ALLOC_FASTMEM_H;
}

/* Allocators whose memory is fastmem's: its caches, trim, reserve and headroom apply. */
static inline bool
bench_fastmem_backed(enum alloc_kind kind)
{
	return bench_is_fastmem(kind) || kind == ALLOC_RTE_MALLOC_FM;
}

/* A one-shot start (or stop) line for @p n lcores. */
struct bench_barrier {
	RTE_ATOMIC(uint32_t) arrived;
	uint32_t n;
};

static inline void
bench_barrier_init(struct bench_barrier *b, unsigned int n)
{
	rte_atomic_store_explicit(&b->arrived, 0, rte_memory_order_relaxed);
	b->n = n;
}

static inline void
bench_barrier_wait(struct bench_barrier *b)
{
	/* Release our set-up, acquire everyone else's before the clock starts. */
	rte_atomic_fetch_add_explicit(&b->arrived, 1, rte_memory_order_acq_rel);
	while (rte_atomic_load_explicit(&b->arrived, rte_memory_order_acquire) != b->n)
		rte_pause();
}


/* Repeated measurements of one figure for several allocators. */
#define BENCH_MAX_METRICS 8

/*
 * Measure @p n iterations of a workload; fill m[] with the workload's
 * metrics (m[0] is its main one: cycles per iteration, which also paces
 * --duration). Returns 0, or -1 when an allocation failed.
 */
typedef int (bench_measure_t)(void *arg, uint64_t n, double *m);

/*
 * Measurements taken, and of those kept although an lcore was preempted
 * during every one of BENCH_ATTEMPTS attempts (another process had its
 * core): inflated figures.
 */
#define BENCH_ATTEMPTS 3
extern unsigned int bench_measurements;
extern unsigned int bench_disturbed;

struct bench_series {
	enum alloc_kind kind;
	const char *name;           /* Row name if not the allocator's, else NULL. */
	void *arg;                  /* For the measure function. */
	uint64_t n;                 /* Iterations, from the warm-up. */
	bool failed;
	double v[BENCH_MAX_METRICS][BENCH_MAX_REPEAT];
};

/*
 * For each series in turn: size it with a pilot run (for --duration), warm
 * it up, then measure it --repeat times.
 */
void bench_series_run(const struct bench_env *env, struct bench_series *s, unsigned int n_series,
		bench_measure_t *measure);
/*
 * The same, with the repetitions of all series in turn, each round starting
 * one series later: for series whose figures are compared with each other
 * and that leave no cache cold for the next (one allocator on 1 and N
 * lcores; allocators holding a few objects, or moving them between cores
 * anyway), so that a machine busier for a while weighs on all of them alike.
 */
void bench_series_run_alternating(const struct bench_env *env, struct bench_series **s,
		unsigned int n_series, bench_measure_t *measure);
/* The note of a scenario whose allocators' series take turns. */
#define BENCH_TURNS_NOTE \
	"the repetitions of every allocator take turns, so that a slower spell of the machine" \
	" weighs on all alike"

void bench_series_stat(const struct bench_env *env, const struct bench_series *s,
		unsigned int metric, struct bench_stat *st);

/* xorshift64*: cheap enough not to weigh on a 10-cycle allocation. */
static __rte_always_inline uint64_t
bench_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* Uniform in [0, n) from 32 random bits, without a division. */
static __rte_always_inline uint32_t
bench_rand_below(uint64_t r, uint32_t n)
{
	return (uint32_t)(((r & UINT32_MAX) * n) >> 32);
}

/*
 * The mixed size distribution of scenarios 5, 7, 8 and 10: many small objects
 * and a heavy tail, uniform within each range so that no allocator gains
 * from sizes that happen to match its classes.
 */
struct mix_range {
	uint32_t lo;
	uint32_t hi;
	uint32_t cum;  /* Cumulative weight out of 1024, through this range. */
};

#define MIX_RANGES 4
extern const struct mix_range mix_ranges[MIX_RANGES];

static __rte_always_inline uint32_t
mix_size(uint64_t r)
{
	uint32_t u = (uint32_t)(r >> 54);
	unsigned int i = 0;

	while (u >= mix_ranges[i].cum)
		i++;
	return mix_ranges[i].lo + bench_rand_below(r, mix_ranges[i].hi - mix_ranges[i].lo + 1);
}

/* Probability that a mixed size is in [lo, hi]. */
double mix_probability(uint32_t lo, uint32_t hi);
/* Mean mixed size. */
double mix_mean(void);
/* The distribution in words, for the output. */
const char *mix_describe(void);

#endif /* FASTMEM_BENCH_H */
