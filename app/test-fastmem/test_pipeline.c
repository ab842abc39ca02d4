/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 6, pipeline: one lcore allocates objects and writes to them,
 * another reads and frees them, handed over in bursts of 32 through an
 * SP/SC rte_ring: the DPDK pipeline model, where every free is remote and
 * every allocation must be refilled from what the other lcore flushed.
 * Also scenario 7's third workload: k lcores make k/2 such pairs. On one
 * lcore the same lcore does both sides, through the ring.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"
#include "report.h"

#define BURST 32
#define RING_SIZE 1024

/*
 * With --duration, a measurement stops at this many times its duration: a
 * preempted lcore stalls its pair, and a stall must not stretch the run.
 * It still moves a sixteenth of its objects, so that its figure means
 * something.
 */
#define DURATION_CAP 4
#define MIN_SHARE 16

enum pipe_role {
	PIPE_SELF,      /* Both sides on one lcore. */
	PIPE_PRODUCER,
	PIPE_CONSUMER,
};

struct __rte_cache_aligned pipe_pair {
	struct rte_ring *ring;
	/* Objects the producer sent, once it is done; UINT64_MAX before. */
	RTE_ATOMIC(uint64_t) produced;
};

struct pipe_arg {
	const struct bench_env *env;
	enum alloc_kind kind;
	unsigned int k;        /* Lcores used: 1, or two per pair. */
	uint64_t deadline;     /* TSC at which producers stop, 0 for none. */
	struct alloc_ctx ctx;
	struct pipe_pair pairs[RTE_MAX_LCORE / 2];
};

struct __rte_cache_aligned pipe_worker {
	struct pipe_arg *arg;
	struct bench_barrier *start;
	struct pipe_pair *pair;
	enum pipe_role role;
	uint64_t n;
	uint64_t done;  /* Objects produced (or consumed). */
	uint64_t cycles;
	uint64_t sink;  /* What the consumer read, so that reading is not optimized out. */
	int ret;
};

static __rte_always_inline unsigned int
produce(const enum alloc_kind kind, const size_t size, struct pipe_worker *w, uint64_t seq,
		unsigned int b)
{
	void *objs[BURST];
	unsigned int i, sent = 0;

	for (i = 0; i < b; i++) {
		objs[i] = bench_alloc(kind, &w->arg->ctx, size);
		if (unlikely(objs[i] == NULL))
			break;
		*(uint64_t *)objs[i] = seq + i;
	}
	while (sent < i)
		sent += rte_ring_sp_enqueue_burst(w->pair->ring, objs + sent, i - sent, NULL);
	return i;
}

static __rte_always_inline unsigned int
consume(const enum alloc_kind kind, struct pipe_worker *w)
{
	void *objs[BURST];
	unsigned int i, m;

	m = rte_ring_sc_dequeue_burst(w->pair->ring, objs, BURST, NULL);
	for (i = 0; i < m; i++) {
		w->sink += *(uint64_t *)objs[i];
		bench_free(kind, &w->arg->ctx, objs[i]);
	}
	return m;
}

static __rte_always_inline int
pipe_loop(const enum alloc_kind kind, const size_t size, struct pipe_worker *w)
{
	const uint64_t deadline = w->arg->deadline;
	uint64_t done = 0;
	unsigned int b, m;
	int ret = 0;

	if (w->role == PIPE_CONSUMER) {
		/* Until the producer has said how many it sent, and all came. */
		for (;;) {
			m = consume(kind, w);
			done += m;
			if (m != 0)
				continue;
			if (done >= rte_atomic_load_explicit(&w->pair->produced,
					rte_memory_order_acquire))
				break;
			rte_pause();
		}
		w->done = done;
		return 0;
	}
	while (done < w->n &&
			(deadline == 0 || done < w->n / MIN_SHARE || rte_rdtsc() < deadline)) {
		b = RTE_MIN((uint64_t)BURST, w->n - done);
		m = produce(kind, size, w, done, b);
		if (w->role == PIPE_SELF)
			while (consume(kind, w) != 0)
				;
		done += m;
		if (unlikely(m != b)) {
			ret = -1;
			break;
		}
	}
	w->done = done;
	rte_atomic_store_explicit(&w->pair->produced, done, rte_memory_order_release);
	return ret;
}

static __rte_noinline int
pipe_run(enum alloc_kind kind, size_t size, struct pipe_worker *w)
{
	int ret;

	BENCH_DISPATCH(ret, pipe_loop, kind, size, w);
	return ret;
}

static int
pipe_lcore(void *arg)
{
	struct pipe_worker *w = arg;
	uint64_t t0;

	bench_barrier_wait(w->start);
	t0 = rte_rdtsc_precise();
	w->ret = pipe_run(w->arg->kind, w->arg->ctx.size, w);
	w->cycles = rte_rdtsc_precise() - t0;
	return 0;
}

/* m[0]: lcore cycles per object (allocated on one lcore, freed on the other); m[1]: Mobj/s. */
static int
pipe_measure(void *arg, uint64_t n, double *m)
{
	struct pipe_arg *a = arg;
	struct pipe_worker w[RTE_MAX_LCORE];
	struct bench_barrier start;
	uint64_t wall = 0, objs = 0;
	unsigned int i;
	int ret = 0;

	bench_barrier_init(&start, a->k);
	for (i = 0; i < (a->k + 1) / 2; i++)
		a->pairs[i].produced = UINT64_MAX;
	for (i = 0; i < a->k; i++) {
		w[i].arg = a;
		w[i].start = &start;
		w[i].pair = &a->pairs[i / 2];
		w[i].role = a->k == 1 ? PIPE_SELF : i % 2 ? PIPE_CONSUMER : PIPE_PRODUCER;
		w[i].n = n;
		w[i].sink = 0;
	}
	a->deadline = a->env->opts->duration == 0 ? 0 : rte_rdtsc() +
		(uint64_t)(DURATION_CAP * a->env->opts->duration * a->env->tsc_hz);
	bench_launch(a->env, a->k, pipe_lcore, w, sizeof(w[0]));
	for (i = 0; i < a->k; i++) {
		wall = RTE_MAX(wall, w[i].cycles);
		if (w[i].role != PIPE_CONSUMER)
			objs += w[i].done;
		ret |= w[i].ret;
	}
	m[0] = a->k * (double)wall / objs;
	m[1] = (double)objs * a->env->tsc_hz / wall / 1e6;
	return ret;
}

static void
pipe_fini(struct pipe_arg *a)
{
	unsigned int i;

	for (i = 0; i < (a->k + 1) / 2; i++)
		rte_ring_free(a->pairs[i].ring);
	alloc_ctx_fini(&a->ctx);
}

static int
pipe_init(struct pipe_arg *a, const struct bench_env *env, enum alloc_kind kind, size_t size,
		unsigned int k)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];
	unsigned int i, pairs = (k + 1) / 2;

	memset(a, 0, sizeof(*a));
	a->env = env;
	a->kind = kind;
	a->k = k;
	if (alloc_ctx_init(&a->ctx, kind, size, pairs * (RING_SIZE + 2 * BURST), k) != 0)
		return -ENOMEM;
	for (i = 0; i < pairs; i++) {
		snprintf(name, sizeof(name), "pipe_%u_%u", seq, i);
		a->pairs[i].ring = rte_ring_create(name, RING_SIZE, rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (a->pairs[i].ring == NULL) {
			pipe_fini(a);
			return -ENOMEM;
		}
	}
	seq++;
	return 0;
}

void
pipeline_run(const struct bench_env *env, const struct bench_scenario *sc, size_t size,
		unsigned int k, unsigned int param)
{
	struct bench_series s[ALLOC_NUM] = { 0 };
	struct bench_series *ready[ALLOC_NUM];
	struct pipe_arg a[ALLOC_NUM];
	enum alloc_kind kind;
	unsigned int i, n = 0;

	/* Pairs: an odd lcore would produce into a ring nobody drains. */
	RTE_VERIFY(k == 1 || k % 2 == 0);
	BENCH_FOREACH_ALLOC(env, kind) {
		if (pipe_init(&a[n], env, kind, size, k) != 0) {
			report_note(sc, kind, "FAILED: set-up for %zu B", size);
			continue;
		}
		s[n].kind = kind;
		s[n].arg = &a[n];
		ready[n] = &s[n];
		n++;
	}
	/*
	 * Every object crosses cores, whose cost the host changes for seconds
	 * at a time: allocators taking turns all see the same spells.
	 */
	bench_series_run_alternating(env, ready, n, pipe_measure);
	for (i = 0; i < n; i++) {
		report_series(env, sc, &s[i], 0, "alloc+free", "cycles", size, param, k, 1);
		pipe_fini(&a[i]);
	}
}

static void
run_pipeline(const struct bench_env *env, const struct bench_scenario *sc)
{
	unsigned int k = RTE_MIN(env->n_lcores, 2u);
	unsigned int i;

	if (k == 1)
		report_scenario_note(sc, "1 lcore: it allocates and frees both, through the ring "
			"(give EAL 2 or more lcores for a real pipeline)");
	report_scenario_note(sc, "lcore cycles per object: both lcores' time / objects; "
		"x mempool is the inverse of the throughput ratio");
	report_scenario_note(sc, "%s", BENCH_TURNS_NOTE);
	for (i = 0; i < env->opts->n_sizes; i++)
		pipeline_run(env, sc, env->opts->sizes[i], k, 0);
}

const struct bench_scenario scenario_pipeline = {
	.id = 6,
	.name = "pipeline",
	.title = "pipeline: one lcore allocates, another frees, through an rte_ring",
	.run = run_pipeline,
};
