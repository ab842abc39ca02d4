/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 5, a larson-like server: written from the benchmark's
 * description, not from its code. Each worker keeps --working-set live
 * objects of mixed sizes (see mix_size()). A step frees a random one and
 * allocates a replacement of a new random size, writing to it. After every
 * working-set's worth of steps, the worker hands its whole set to the next
 * worker (a request handed to another thread) and continues with a fresh
 * one; the receiver frees what it was handed, so half of the frees are
 * remote. Sets travel through SP/SC rings; a worker that has no spare set
 * keeps its own rather than wait, so the workers never block each other.
 * With one lcore the sets come back to the same lcore: no remote frees.
 *
 * mempool users get five pools (64 B to 16 KiB) and use the smallest that
 * fits; fastmem_h users a handle per 16 B size granule (see struct mix_ctx).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "bench.h"
#include "report.h"

/* Sets per worker: the one in use, one handed over, one spare. */
#define SETS_PER_WORKER 3
/* Ring capacity for every set of a worker (rte_ring sizes are powers of 2, minus one). */
#define SET_RING_SIZE 8

struct slot {
	void *obj;
	uint32_t tag;
};

struct live_set {
	unsigned int owner;
	unsigned int n;  /* Filled slots. */
	struct slot slots[];
};

struct larson_arg {
	const struct bench_env *env;
	enum alloc_kind kind;
	unsigned int k;
	unsigned int ws;
	struct mix_ctx mix;
	struct rte_ring *inbox[RTE_MAX_LCORE];  /* Sets handed to this worker. */
	struct rte_ring *spare[RTE_MAX_LCORE];  /* This worker's empty sets. */
	struct live_set *sets[RTE_MAX_LCORE * SETS_PER_WORKER];
};

struct __rte_cache_aligned larson_worker {
	struct larson_arg *arg;
	struct bench_barrier *start;
	struct bench_barrier *stop;
	unsigned int idx;
	uint64_t n;
	uint64_t rng;
	uint64_t cycles;
	uint64_t ops;   /* Allocations plus frees. */
	int ret;
};

static __rte_always_inline int
set_fill(const enum alloc_kind kind, const struct mix_ctx *mix, struct live_set *set,
		unsigned int ws, uint64_t *rng)
{
	uint32_t size;
	void *obj;

	while (set->n < ws) {
		size = mix_size(bench_rand(rng));
		obj = bench_alloc_mix(kind, mix, size, &set->slots[set->n].tag);
		if (unlikely(obj == NULL))
			return -1;
		*(uint64_t *)obj = size;
		set->slots[set->n++].obj = obj;
	}
	return 0;
}

static __rte_always_inline void
set_empty(const enum alloc_kind kind, const struct mix_ctx *mix, struct live_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->slots[i].obj != NULL)
			bench_free_mix(kind, mix, set->slots[i].obj, set->slots[i].tag);
	set->n = 0;
}

/* Free the sets handed to us and give them back to their owners. */
static __rte_always_inline uint64_t
take_handed(const enum alloc_kind kind, struct larson_arg *a, unsigned int idx)
{
	struct live_set *in;
	uint64_t ops = 0;

	while (rte_ring_sc_dequeue(a->inbox[idx], (void **)&in) == 0) {
		ops += in->n;
		set_empty(kind, &a->mix, in);
		rte_ring_sp_enqueue(a->spare[in->owner], in);
	}
	return ops;
}

static __rte_always_inline int
larson_loop(const enum alloc_kind kind, struct larson_arg *a, struct larson_worker *w,
		struct live_set **cur)
{
	const unsigned int ws = a->ws;
	struct live_set *set = *cur;
	struct live_set *fresh;
	unsigned int since = 0;
	uint64_t step, ops = 0;
	struct slot *s;
	uint32_t size;
	int ret = 0;

	for (step = 0; step < w->n; step++) {
		s = &set->slots[bench_rand_below(bench_rand(&w->rng), ws)];
		bench_free_mix(kind, &a->mix, s->obj, s->tag);
		size = mix_size(bench_rand(&w->rng));
		s->obj = bench_alloc_mix(kind, &a->mix, size, &s->tag);
		if (unlikely(s->obj == NULL)) {
			ret = -1;
			break;
		}
		*(uint64_t *)s->obj = size;
		ops += 2;
		if (likely(++since < ws))
			continue;
		since = 0;
		ops += take_handed(kind, a, w->idx);
		if (rte_ring_sc_dequeue(a->spare[w->idx], (void **)&fresh) != 0)
			continue;
		rte_ring_sp_enqueue(a->inbox[(w->idx + 1) % a->k], set);
		set = fresh;
		ops += ws;
		if (unlikely(set_fill(kind, &a->mix, set, ws, &w->rng) != 0)) {
			ret = -1;
			break;
		}
	}
	*cur = set;
	w->ops = ops;
	return ret;
}

static __rte_always_inline int
larson_worker_run(const enum alloc_kind kind, struct larson_worker *w)
{
	struct larson_arg *a = w->arg;
	struct live_set *set;
	uint64_t t0;
	int ret;

	/* The sets are back in their owners' spare rings between measurements. */
	if (rte_ring_sc_dequeue(a->spare[w->idx], (void **)&set) != 0)
		rte_panic("larson: worker %u has no set\n", w->idx);
	ret = set_fill(kind, &a->mix, set, a->ws, &w->rng);
	bench_barrier_wait(w->start);
	t0 = rte_rdtsc_precise();
	if (ret == 0)
		ret = larson_loop(kind, a, w, &set);
	w->cycles = rte_rdtsc_precise() - t0;
	/* Nobody hands a set over after this line: drain, untimed. */
	bench_barrier_wait(w->stop);
	take_handed(kind, a, w->idx);
	set_empty(kind, &a->mix, set);
	rte_ring_sp_enqueue(a->spare[w->idx], set);
	return ret;
}

static __rte_noinline int
larson_run_kind(enum alloc_kind kind, struct larson_worker *w)
{
	int ret;

	BENCH_DISPATCH_KIND(ret, larson_worker_run, kind, w);
	return ret;
}

static int
larson_lcore(void *arg)
{
	struct larson_worker *w = arg;

	w->ret = larson_run_kind(w->arg->kind, w);
	return 0;
}

/* m[0]: lcore cycles per alloc+free pair; m[1]: Mpairs/s over all lcores. */
static int
larson_measure(void *arg, uint64_t n, double *m)
{
	struct larson_arg *a = arg;
	struct larson_worker w[RTE_MAX_LCORE];
	struct bench_barrier start, stop;
	uint64_t wall = 0, ops = 0;
	unsigned int i;
	int ret = 0;

	bench_barrier_init(&start, a->k);
	bench_barrier_init(&stop, a->k);
	for (i = 0; i < a->k; i++) {
		w[i].arg = a;
		w[i].start = &start;
		w[i].stop = &stop;
		w[i].idx = i;
		w[i].n = n;
		/* The same sequence for every allocator. */
		w[i].rng = a->env->opts->seed * UINT64_C(0x9E3779B97F4A7C15) + i + 1;
	}
	bench_launch(a->env, a->k, larson_lcore, w, sizeof(w[0]));
	for (i = 0; i < a->k; i++) {
		wall = RTE_MAX(wall, w[i].cycles);
		ops += w[i].ops;
		ret |= w[i].ret;
	}
	m[0] = a->k * (double)wall / (ops / 2.0);
	m[1] = ops / 2.0 * a->env->tsc_hz / wall / 1e6;
	return ret;
}

static void
larson_fini(struct larson_arg *a)
{
	unsigned int i;

	for (i = 0; i < a->k; i++) {
		rte_ring_free(a->inbox[i]);
		rte_ring_free(a->spare[i]);
	}
	for (i = 0; i < a->k * SETS_PER_WORKER; i++)
		rte_free(a->sets[i]);
	mix_ctx_fini(&a->mix);
}

static int
larson_init(struct larson_arg *a, const struct bench_env *env, enum alloc_kind kind,
		unsigned int k)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->env = env;
	a->kind = kind;
	a->k = k;
	a->ws = env->opts->working_set;
	if (mix_ctx_init(&a->mix, kind, SETS_PER_WORKER * a->ws * k, k) != 0)
		return -ENOMEM;
	for (i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "larson_in_%u_%u", seq, i);
		a->inbox[i] = rte_ring_create(name, SET_RING_SIZE, rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "larson_sp_%u_%u", seq, i);
		a->spare[i] = rte_ring_create(name, SET_RING_SIZE, rte_socket_id(),
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (a->inbox[i] == NULL || a->spare[i] == NULL)
			goto err;
	}
	seq++;
	for (i = 0; i < k * SETS_PER_WORKER; i++) {
		a->sets[i] = rte_zmalloc(NULL, sizeof(struct live_set) +
			a->ws * sizeof(struct slot), RTE_CACHE_LINE_SIZE);
		if (a->sets[i] == NULL)
			goto err;
		a->sets[i]->owner = i / SETS_PER_WORKER;
		rte_ring_sp_enqueue(a->spare[a->sets[i]->owner], a->sets[i]);
	}
	return 0;
err:
	larson_fini(a);
	return -ENOMEM;
}

void
larson_run(const struct bench_env *env, const struct bench_scenario *sc, unsigned int k,
		unsigned int param)
{
	struct bench_series s[ALLOC_NUM] = { 0 };
	struct larson_arg *a;
	enum alloc_kind kind;
	unsigned int i, n = 0;

	a = calloc(ALLOC_NUM, sizeof(*a));
	if (a == NULL)
		rte_exit(EXIT_FAILURE, "no memory for the larson set-up\n");
	BENCH_FOREACH_ALLOC(env, kind) {
		if (larson_init(&a[n], env, kind, k) != 0) {
			report_note(sc, kind, "FAILED: set-up of %u x %u live objects",
				k * SETS_PER_WORKER, env->opts->working_set);
			continue;
		}
		s[n].kind = kind;
		s[n].arg = &a[n];
		n++;
	}
	bench_series_run(env, s, n, larson_measure);
	for (i = 0; i < n; i++) {
		report_series(env, sc, &s[i], 0, "alloc+free", "cycles", 0, param, k, 1);
		larson_fini(&a[i]);
	}
	free(a);
}

static void
run_larson(const struct bench_env *env, const struct bench_scenario *sc)
{
	if (env->n_lcores == 1)
		report_scenario_note(sc, "1 lcore: the sets come back to the same lcore, "
			"so no free is remote (give EAL 2 or more lcores)");
	report_scenario_note(sc, "%s; %u live objects per worker; up to half of the frees are "
		"remote; mempool: pools of 64 B..16 KiB, smallest that fits", mix_describe(),
		env->opts->working_set);
	larson_run(env, sc, env->n_lcores, 0);
}

const struct bench_scenario scenario_larson = {
	.id = 5,
	.name = "larson",
	.title = "larson-like server: random sizes, live set, objects freed by another lcore",
	.run = run_larson,
};
