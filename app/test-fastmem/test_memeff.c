/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 8, memory efficiency: on one lcore, allocate --live bytes of
 * mixed sizes, churn them (replace random objects with new random sizes,
 * four times over), then compare the memory the allocator holds with the
 * bytes the application asked for and still holds. Then trim with the set
 * still live, and again after freeing everything.
 *
 * main.c runs this scenario first, so that every allocator starts from a
 * fresh heap, not from what earlier scenarios left in its caches.
 *
 * What "backing" is differs per allocator, and the output says so:
 * fastmem: bytes_backing of rte_fastmem_stats() (memzones held), absolute,
 * after every lcore's cache was flushed and trimmed first; rte_malloc: heap
 * bytes in allocated elements, headers included (free holes not counted);
 * glibc: mallinfo2() arena + mmapped bytes; jemalloc: stats.resident;
 * mimalloc: committed bytes; tcmalloc: page heap bytes still mapped. For
 * all but fastmem, the growth over the scenario. mempool pools are
 * fixed-size: not applicable.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "bench.h"
#include "report.h"

#define CHURN_ROUNDS 4
/*
 * rte_malloc's first-fit free lists make a churn quadratic: 32 MiB take it
 * seconds, 256 MiB minutes. It gets a smaller set, and the table says so.
 */
#define RTE_MALLOC_LIVE_MAX (UINT64_C(32) << 20)

struct churn_slot {
	void *obj;
	uint32_t size;
};

struct churn_arg {
	struct mix_ctx mix;   /* Unused by the allocators measured here, which need no tag. */
	struct churn_slot *slots;
	unsigned int n_slots;
	unsigned int live;    /* Slots in use. */
	uint64_t target;      /* Live bytes to reach. */
	uint64_t live_bytes;  /* Requested bytes of the live set. */
	uint64_t rng;
};

/* A new object of a random size in a slot, written to and counted in the live bytes. */
static __rte_always_inline int
slot_fill(const enum alloc_kind kind, struct churn_arg *a, struct churn_slot *s)
{
	uint32_t tag;

	s->size = mix_size(bench_rand(&a->rng));
	s->obj = bench_alloc_mix(kind, &a->mix, s->size, &tag);
	if (s->obj == NULL)
		return -1;
	*(uint64_t *)s->obj = s->size;
	a->live_bytes += s->size;
	return 0;
}

static __rte_always_inline int
churn_loop(const enum alloc_kind kind, struct churn_arg *a)
{
	struct churn_slot *s;
	uint64_t i;

	a->live_bytes = 0;
	for (a->live = 0; a->live < a->n_slots && a->live_bytes < a->target; a->live++)
		if (slot_fill(kind, a, &a->slots[a->live]) != 0)
			return -1;
	for (i = 0; i < (uint64_t)CHURN_ROUNDS * a->live; i++) {
		s = &a->slots[bench_rand_below(bench_rand(&a->rng), a->live)];
		bench_free_mix(kind, &a->mix, s->obj, 0);
		a->live_bytes -= s->size;
		if (slot_fill(kind, a, s) != 0)
			return -1;
	}
	return 0;
}

/* Free the live set; returns how many objects there were. */
static __rte_always_inline unsigned int
free_all(const enum alloc_kind kind, struct churn_arg *a)
{
	unsigned int i, n = 0;

	for (i = 0; i < a->live; i++) {
		if (a->slots[i].obj == NULL)
			continue;
		bench_free_mix(kind, &a->mix, a->slots[i].obj, 0);
		a->slots[i].obj = NULL;
		n++;
	}
	return n;
}

static __rte_noinline int
churn_run(enum alloc_kind kind, struct churn_arg *a)
{
	BENCH_DISPATCH_KIND(churn_loop, kind, a);
}

static __rte_noinline unsigned int
free_run(enum alloc_kind kind, struct churn_arg *a)
{
	BENCH_DISPATCH_KIND(free_all, kind, a);
}

/* Give free memory back, for fastmem wherever it is cached. */
static int
trim(const struct bench_env *env, enum alloc_kind kind)
{
	if (kind == ALLOC_FASTMEM)
		bench_flush_all_lcores(env);
	return alloc_trim(kind);
}

static void
add(const struct bench_scenario *sc, enum alloc_kind kind, const char *metric, const char *unit,
		double v)
{
	struct result r;

	result_init(&r, sc, kind, metric, unit, 0, 0, 1);
	r.median = v;
	report_add(&r);
}

static void
measure(const struct bench_env *env, const struct bench_scenario *sc, enum alloc_kind kind,
		struct churn_arg *a)
{
	struct alloc_footprint base, fp;
	const double mib = 1 << 20;
	double live;

	/* fastmem is measured absolute, from as little as it can hold; the others by growth. */
	if (kind == ALLOC_FASTMEM)
		trim(env, kind);
	if (alloc_footprint(kind, &base) != 0) {
		report_note(sc, kind, "n/a (no statistics)");
		return;
	}
	if (kind == ALLOC_FASTMEM)
		memset(&base, 0, sizeof(base));
	a->rng = env->opts->seed;
	a->target = env->opts->live;
	if (kind == ALLOC_RTE_MALLOC)
		a->target = RTE_MIN(a->target, RTE_MALLOC_LIVE_MAX);
	if (churn_run(kind, a) != 0) {
		report_note(sc, kind, "FAILED: an allocation returned NULL");
		free_run(kind, a);
		return;
	}
	live = a->live_bytes;
	alloc_footprint(kind, &fp);
	add(sc, kind, "backing/live", "x live", ((double)fp.backing - base.backing) / live);
	add(sc, kind, "used/live", "x live", fp.idle == 0 ? NAN :
		((double)fp.backing - fp.idle - base.backing + base.idle) / live);
	add(sc, kind, "in-use/live", "x live",
		fp.in_use == 0 ? NAN : ((double)fp.in_use - base.in_use) / live);
	if (trim(env, kind) == -ENOTSUP) {
		add(sc, kind, "trimmed/live", "x live", NAN);
	} else {
		alloc_footprint(kind, &fp);
		add(sc, kind, "trimmed/live", "x live", ((double)fp.backing - base.backing) / live);
	}
	add(sc, kind, "live MiB", "MiB", live / mib);
	free_run(kind, a);
	trim(env, kind);
	alloc_footprint(kind, &fp);
	add(sc, kind, "empty MiB", "MiB", ((double)fp.backing - base.backing) / mib);
}

static void
memeff(const struct bench_env *env, const struct bench_scenario *sc)
{
	static struct churn_arg a;
	enum alloc_kind kind;

	/* Enough slots for the target even when the sizes drawn run small. */
	a.n_slots = (unsigned int)(env->opts->live / mix_mean() * 1.25) + 64;
	a.slots = calloc(a.n_slots, sizeof(*a.slots));
	if (a.slots == NULL)
		rte_exit(EXIT_FAILURE, "no memory for %u slots\n", a.n_slots);
	report_scenario_note(sc, "%s; %zu MiB live (rte_malloc: at most %" PRIu64 " MiB, its "
		"first-fit free lists make a churn quadratic), churned %u times over",
		mix_describe(), env->opts->live >> 20, RTE_MALLOC_LIVE_MAX >> 20, CHURN_ROUNDS);
	report_scenario_note(sc, "backing: fastmem memzones (absolute, after flush+trim of all "
		"lcores); rte_malloc heap bytes allocated incl. headers; glibc mallinfo2 "
		"arena+mmap; jemalloc resident; mimalloc committed; tcmalloc mapped heap");
	report_scenario_note(sc, "all but fastmem: growth over the scenario; used: backing"
		" minus wholly free slabs (fastmem) or free page heap (tcmalloc); in-use: objects"
		" with their rounding; trimmed: after the allocator's trim with the set live;"
		" empty: after freeing all and trim");
	if (env->opts->reserve != 0)
		report_scenario_note(sc, "--reserve %zu: fastmem's figures include the reserve",
			env->opts->reserve);
	BENCH_FOREACH_ALLOC(env, kind) {
		if (kind == ALLOC_MEMPOOL)
			report_note(sc, kind, "n/a (fixed-size pools: memory is set at creation)");
		else if (kind == ALLOC_FASTMEM_H)
			report_note(sc, kind, "n/a (same classes and backing as fastmem)");
		else
			measure(env, sc, kind, &a);
	}
	free(a.slots);
	/* Trimming may have released what --reserve asked for; later scenarios expect it. */
	if (env->opts->reserve != 0 && allocators[ALLOC_FASTMEM].available)
		rte_fastmem_reserve(env->opts->reserve, SOCKET_ID_ANY);
}

const struct bench_scenario scenario_memeff = {
	.id = 8,
	.name = "memeff",
	.title = "memory efficiency: backing bytes per live byte after a mixed-size churn",
	.run = memeff,
};
