/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Memory footprint: how much memory an allocator holds for the bytes the
 * application asked for and still holds.
 *
 * Scenario 8, memory efficiency: on one lcore, for each --live size in
 * increasing order, allocate that many bytes of mixed sizes, churn them
 * (replace random objects with new random sizes, four times over), then
 * compare the memory the allocator holds with the live bytes. Then trim with
 * the set still live, and again after freeing everything.
 *
 * Scenario 10, small sets on N lcores: every lcore of the run allocates
 * about 1 MiB of the same mix and keeps it, replacing runs of consecutive
 * objects by new random sizes for a while, so that its caches are warm. With
 * every lcore holding its set and no cache flushed, the main lcore takes the
 * figures while the others wait; then every lcore frees its own set.
 *
 * main.c runs scenario 8 first, so that every allocator starts from a
 * fresh heap, not from what earlier scenarios left in its caches, and
 * scenario 10 right after it.
 *
 * What "backing" is differs per allocator, and the output says so:
 * fastmem: bytes_backing of rte_fastmem_stats() (memzones held), absolute,
 * after every lcore's cache was flushed and trimmed before the set was
 * built; rte_malloc: heap bytes in allocated elements, headers included
 * (free holes not counted); glibc: mallinfo2() arena + mmapped bytes;
 * jemalloc: stats.resident; mimalloc: committed bytes; tcmalloc: page heap
 * bytes still mapped. For all but fastmem, the growth since the allocator's
 * first set of the scenario, when its heap was fresh. mempool pools are
 * fixed-size: not applicable.
 *
 * "EAL" is what EAL's heaps handed out (alloc_eal_heap_bytes()), taken at
 * the same moment, caches not flushed: for fastmem, minus the figure just
 * before rte_fastmem_init(), so that its fixed overhead counts; for
 * rte_malloc, the growth since its first set (its backing).
 *
 * rte_malloc_fm, rte_malloc served by fastmem through the preloaded
 * librte_fastmem_malloc.so, is measured as rte_malloc is, by the growth of
 * EAL's heaps since its first set; as its memory is fastmem's, fastmem is
 * flushed and trimmed before each of its sets, as for fastmem's own. It is
 * not capped as rte_malloc is; where rte_malloc is, it also churns
 * rte_malloc's set ("rte_malloc_fm+cap"), for a comparison at equal live bytes.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "bench.h"
#include "report.h"

#define CHURN_ROUNDS 4
/*
 * rte_malloc's first-fit free lists make a churn quadratic: 32 MiB take it
 * a second, 256 MiB minutes. It gets a smaller set, and the table says so.
 */
#define RTE_MALLOC_LIVE_MAX (UINT64_C(32) << 20)

/* Scenario 10: each lcore's live set, replaced SET_ROUNDS times over in runs of SET_BURST. */
#define SET_BYTES (UINT64_C(1) << 20)
#define SET_ROUNDS 32
#define SET_BURST 64

struct churn_slot {
	void *obj;
	uint32_t size;
	uint32_t tag;  /* What the free needs besides the pointer (a handle). */
};

struct churn_arg {
	const struct mix_ctx *mix;
	struct churn_slot *slots;
	unsigned int n_slots;
	unsigned int live;    /* Slots in use. */
	unsigned int rounds;  /* Replacements per live object. */
	unsigned int burst;   /* Consecutive slots freed, then filled again, per step. */
	uint64_t target;      /* Live bytes to reach. */
	uint64_t live_bytes;  /* Requested bytes of the live set. */
	uint64_t rng;
};

/*
 * Allocators whose heap scenario 8 used: it keeps memory that scenario
 * freed, so their growth over scenario 10 would not show what its sets cost.
 */
static bool heap_used[ALLOC_NUM];

/* Slots for @p bytes of mixed sizes, even when the sizes drawn run small. */
static unsigned int
churn_slots(uint64_t bytes)
{
	return (unsigned int)(bytes / mix_mean() * 1.25) + 64;
}

/* A new object of a random size in a slot, written to and counted in the live bytes. */
static __rte_always_inline int
slot_fill(const enum alloc_kind kind, struct churn_arg *a, struct churn_slot *s)
{
	s->size = mix_size(bench_rand(&a->rng));
	s->obj = bench_alloc_mix(kind, a->mix, s->size, &s->tag);
	if (s->obj == NULL)
		return -1;
	*(uint64_t *)s->obj = s->size;
	a->live_bytes += s->size;
	return 0;
}

static __rte_always_inline void
slot_drop(const enum alloc_kind kind, struct churn_arg *a, struct churn_slot *s)
{
	bench_free_mix(kind, a->mix, s->obj, s->tag);
	s->obj = NULL;
	a->live_bytes -= s->size;
}

/*
 * Fill the slots up to the target, then replace runs of a->burst
 * consecutive objects (from a random one, wrapping) until a->rounds times
 * the set was replaced.
 */
static __rte_always_inline int
churn_loop(const enum alloc_kind kind, struct churn_arg *a)
{
	unsigned int burst, first, j, k;
	uint64_t i, steps;

	a->live_bytes = 0;
	for (a->live = 0; a->live < a->n_slots && a->live_bytes < a->target; a->live++)
		if (slot_fill(kind, a, &a->slots[a->live]) != 0)
			return -1;
	burst = RTE_MIN(a->burst, a->live);
	steps = burst == 0 ? 0 : (uint64_t)a->rounds * a->live / burst;
	for (i = 0; i < steps; i++) {
		first = bench_rand_below(bench_rand(&a->rng), a->live);
		for (j = 0, k = first; j < burst; j++, k = k + 1 == a->live ? 0 : k + 1)
			slot_drop(kind, a, &a->slots[k]);
		for (j = 0, k = first; j < burst; j++, k = k + 1 == a->live ? 0 : k + 1)
			if (slot_fill(kind, a, &a->slots[k]) != 0)
				return -1;
	}
	return 0;
}

/* Free the live set. */
static __rte_always_inline unsigned int
free_all(const enum alloc_kind kind, struct churn_arg *a)
{
	unsigned int i, n = 0;

	for (i = 0; i < a->live; i++) {
		if (a->slots[i].obj == NULL)
			continue;
		slot_drop(kind, a, &a->slots[i]);
		n++;
	}
	return n;
}

static __rte_noinline int
churn_run(enum alloc_kind kind, struct churn_arg *a)
{
	int ret;

	BENCH_DISPATCH_KIND(ret, churn_loop, kind, a);
	return ret;
}

static __rte_noinline unsigned int
free_run(enum alloc_kind kind, struct churn_arg *a)
{
	unsigned int freed;

	BENCH_DISPATCH_KIND(freed, free_all, kind, a);
	return freed;
}

/* Give free memory back, for fastmem wherever it is cached. */
static int
trim(const struct bench_env *env, enum alloc_kind kind)
{
	if (bench_fastmem_backed(kind))
		bench_flush_all_lcores(env);
	return alloc_trim(kind);
}

/* The note of both scenarios when fastmem reserved memory at start. */
static void
note_reserve(const struct bench_env *env, const struct bench_scenario *sc)
{
	if (env->opts->reserve != 0)
		report_scenario_note(sc, "--reserve %zu: fastmem's trim before each set releases"
			" it (not in the figures); reserved again at the end", env->opts->reserve);
}

/* Trimming may have released what --reserve asked for; later scenarios expect it. */
static void
reserve_again(const struct bench_env *env)
{
	if (env->opts->reserve != 0 && allocators[ALLOC_FASTMEM].available)
		rte_fastmem_reserve(env->opts->reserve, SOCKET_ID_ANY);
}

/*
 * Record a figure of @p row (scenario, allocator, param, lcores); the
 * row's note goes with its first figure, or alone with none (@p metric NULL).
 */
static void
add(struct result *row, const char *metric, const char *unit, double v)
{
	struct result r = *row;

	if (metric != NULL) {
		strlcpy(r.metric, metric, sizeof(r.metric));
		strlcpy(r.unit, unit, sizeof(r.unit));
		r.median = v;
	}
	report_add(&r);
	row->note[0] = '\0';
}

/* Allocators that take their memory from EAL's heaps. */
static bool
eal_served(enum alloc_kind kind)
{
	return bench_fastmem_backed(kind) || kind == ALLOC_RTE_MALLOC;
}

/*
 * EAL heap bytes @p heap as an EAL-served allocator's: fastmem's since
 * before rte_fastmem_init(), rte_malloc's and rte_malloc_fm's since @p base
 * was taken.
 */
static double
eal_bytes(enum alloc_kind kind, const struct alloc_footprint *base, uint64_t heap)
{
	if (bench_is_fastmem(kind))
		return (double)heap - alloc_eal_heap_before_fastmem();
	return (double)heap - base->backing;
}

/* The largest set scenario 8 gives an allocator. */
static uint64_t
live_max(enum alloc_kind kind)
{
	return kind == ALLOC_RTE_MALLOC ? RTE_MALLOC_LIVE_MAX : UINT64_MAX;
}

/* What scenario 8 keeps of an allocator between its sets. */
struct memeff_heap {
	bool have_base;
	struct alloc_footprint base;  /* Before its first set; zero for fastmem. */
	uint64_t target;              /* Live bytes of its last set. */
	uint64_t asked;               /* --live size of its last set. */
};

/*
 * Churn a set of @p live_asked bytes, at most @p max_live, and record its
 * figures under the allocator's name and @p variant (or NULL).
 */
static void
measure(const struct bench_env *env, const struct bench_scenario *sc, enum alloc_kind kind,
		struct churn_arg *a, uint64_t live_asked, uint64_t max_live, struct memeff_heap *h,
		const char *variant)
{
	const struct alloc_footprint *base = &h->base;
	uint64_t target = live_asked, heap;
	struct alloc_footprint fp;
	const double mib = 1 << 20;
	struct result row;
	double live;

	result_init(&row, sc, kind, "", "", 0, live_asked >> 20, 1);
	if (variant != NULL)
		strlcat(row.alloc, variant, sizeof(row.alloc));
	if (target > max_live) {
		target = max_live;
		if (h->target == target) {
			snprintf(row.note, sizeof(row.note), "n/a (at most %" PRIu64 " MiB live: "
				"see its %" PRIu64 " MiB row)", target >> 20, h->asked >> 20);
			add(&row, NULL, NULL, NAN);
			return;
		}
		snprintf(row.note, sizeof(row.note), "(at most %" PRIu64 " MiB live%s)",
			target >> 20, kind == ALLOC_RTE_MALLOC ? "" : ", as rte_malloc");
	}
	/*
	 * fastmem is measured absolute, from as little as it can hold; the
	 * others by growth, rte_malloc_fm from as little as fastmem can hold.
	 */
	if (bench_fastmem_backed(kind))
		trim(env, kind);
	if (!h->have_base) {
		if (alloc_footprint(kind, &h->base) != 0) {
			snprintf(row.note, sizeof(row.note), "n/a (no statistics)");
			add(&row, NULL, NULL, NAN);
			return;
		}
		if (bench_is_fastmem(kind))
			memset(&h->base, 0, sizeof(h->base));
		h->have_base = true;
	}
	heap_used[kind] = true;
	h->target = target;
	h->asked = live_asked;
	a->rng = env->opts->seed;
	a->target = target;
	a->rounds = CHURN_ROUNDS;
	a->burst = 1;
	if (churn_run(kind, a) != 0) {
		snprintf(row.note, sizeof(row.note), "FAILED: an allocation returned NULL");
		add(&row, NULL, NULL, NAN);
		free_run(kind, a);
		return;
	}
	live = a->live_bytes;
	heap = alloc_eal_heap_bytes();
	alloc_footprint(kind, &fp);
	add(&row, "backing/live", "x live", ((double)fp.backing - base->backing) / live);
	add(&row, "EAL/live", "x live",
		eal_served(kind) ? eal_bytes(kind, base, heap) / live : NAN);
	add(&row, "used/live", "x live", fp.idle == 0 ? NAN :
		((double)fp.backing - fp.idle - base->backing + base->idle) / live);
	add(&row, "in-use/live", "x live",
		fp.in_use == 0 ? NAN : ((double)fp.in_use - base->in_use) / live);
	if (trim(env, kind) == -ENOTSUP) {
		add(&row, "trimmed/live", "x live", NAN);
	} else {
		alloc_footprint(kind, &fp);
		add(&row, "trimmed/live", "x live", ((double)fp.backing - base->backing) / live);
	}
	add(&row, "live MiB", "MiB", live / mib);
	free_run(kind, a);
	trim(env, kind);
	alloc_footprint(kind, &fp);
	add(&row, "empty MiB", "MiB", ((double)fp.backing - base->backing) / mib);
}

/* Why a scenario does not measure an allocator (@p handles: unless fastmem_h), or NULL. */
static const char *
not_applicable(enum alloc_kind kind, bool handles)
{
	if (kind == ALLOC_MEMPOOL)
		return "n/a (fixed-size pools: memory is set at creation)";
	if (kind == ALLOC_FASTMEM_H && !handles)
		return "n/a (same classes and backing as fastmem)";
	return NULL;
}

static void
run_memeff(const struct bench_env *env, const struct bench_scenario *sc)
{
	static const struct mix_ctx no_mix;  /* Neither pools nor handles are measured here. */
	const struct fastmem_opts *o = env->opts;
	struct memeff_heap heaps[ALLOC_NUM], fm_capped;
	static struct churn_arg a;
	enum alloc_kind kind;
	const char *why;
	char lives[FASTMEM_MAX_LIVES * 8];
	unsigned int z;
	size_t len = 0;

	memset(heaps, 0, sizeof(heaps));
	memset(&fm_capped, 0, sizeof(fm_capped));
	a.mix = &no_mix;
	a.n_slots = churn_slots(o->lives[o->n_lives - 1]);
	a.slots = calloc(a.n_slots, sizeof(*a.slots));
	if (a.slots == NULL)
		rte_exit(EXIT_FAILURE, "no memory for %u slots\n", a.n_slots);
	for (z = 0; z < o->n_lives; z++)
		len += snprintf(lives + len, sizeof(lives) - len, "%s%zu", z ? ", " : "",
			o->lives[z] >> 20);
	report_scenario_note(sc, "%s; %s MiB live, in turn (rte_malloc: at most %" PRIu64
		" MiB, its first-fit free lists make a churn quadratic), churned %u times over",
		mix_describe(), lives, RTE_MALLOC_LIVE_MAX >> 20, CHURN_ROUNDS);
	if (bench_alloc_enabled(env, ALLOC_RTE_MALLOC_FM))
		report_scenario_note(sc, "rte_malloc_fm: as rte_malloc (EAL heap growth), from a "
			"flush+trim of fastmem; +cap: the %" PRIu64 " MiB set rte_malloc churns, "
			"for equal live bytes", RTE_MALLOC_LIVE_MAX >> 20);
	report_scenario_note(sc, "backing: fastmem memzones (absolute, from a flush+trim of all "
		"lcores); rte_malloc heap bytes allocated incl. headers; glibc mallinfo2 "
		"arena+mmap; jemalloc resident; mimalloc committed; tcmalloc mapped heap");
	report_scenario_note(sc, "EAL: bytes EAL's heaps handed out, set live, caches not "
		"flushed: fastmem since just before rte_fastmem_init(), rte_malloc as backing");
	report_scenario_note(sc, "all but fastmem: growth since their first set, on a fresh heap;"
		" used: backing minus free slices (fastmem) or free page heap (tcmalloc)");
	report_scenario_note(sc, "in-use: objects with their rounding; trimmed: after the"
		" allocator's trim with the set live; empty: after freeing all and trim");
	note_reserve(env, sc);
	/* A table by live size: each allocator's sets in turn with the others'. */
	for (z = 0; z < o->n_lives; z++) {
		BENCH_FOREACH_ALLOC(env, kind) {
			if (not_applicable(kind, false) != NULL)
				continue;
			measure(env, sc, kind, &a, o->lives[z], live_max(kind), &heaps[kind],
				NULL);
			/* rte_malloc came first: its set if it was smaller than asked. */
			if (kind == ALLOC_RTE_MALLOC_FM &&
					heaps[ALLOC_RTE_MALLOC].asked == o->lives[z] &&
					heaps[ALLOC_RTE_MALLOC].target < o->lives[z])
				measure(env, sc, kind, &a, o->lives[z],
					heaps[ALLOC_RTE_MALLOC].target, &fm_capped, "+cap");
		}
	}
	BENCH_FOREACH_ALLOC(env, kind) {
		why = not_applicable(kind, false);
		if (why != NULL)
			report_note(sc, kind, "%s", why);
	}
	free(a.slots);
	reserve_again(env);
}

const struct bench_scenario scenario_memeff = {
	.id = 8,
	.name = "memeff",
	.title = "memory efficiency: backing bytes per live byte after a mixed-size churn",
	.param_name = "live MiB",
	.run = run_memeff,
};

/* Scenario 10: one run of every lcore holding its set. */
struct set_run {
	enum alloc_kind kind;
	struct bench_barrier held;      /* Every lcore holds its set. */
	struct bench_barrier measured;  /* The main lcore has taken the figures. */
	uint64_t heap;                  /* alloc_eal_heap_bytes() then. */
	struct alloc_footprint fp;      /* alloc_footprint() then. */
};

struct __rte_cache_aligned set_lcore {
	struct set_run *run;
	struct churn_arg a;
	uint64_t held;  /* Live bytes when the figures were taken. */
	int ret;
};

static struct set_lcore set_lcores[RTE_MAX_LCORE];

static int
set_lcore_run(void *arg)
{
	struct set_lcore *l = arg;
	struct set_run *run = l->run;

	l->ret = churn_run(run->kind, &l->a);
	l->held = l->a.live_bytes;
	bench_barrier_wait(&run->held);
	/* Index 0 runs on the main lcore (bench_launch()). */
	if (l == &set_lcores[0]) {
		run->heap = alloc_eal_heap_bytes();
		alloc_footprint(run->kind, &run->fp);
	}
	bench_barrier_wait(&run->measured);
	free_run(run->kind, &l->a);
	return 0;
}

static void
sets_measure(const struct bench_env *env, const struct bench_scenario *sc, enum alloc_kind kind,
		const struct mix_ctx *mix)
{
	struct set_run run = { .kind = kind };
	const unsigned int n = env->n_lcores;
	const double mib = 1 << 20;
	struct alloc_footprint base;
	struct result row;
	const bool eal = eal_served(kind);
	double live = 0, held, backing;
	unsigned int i;
	int ret = 0;

	result_init(&row, sc, kind, "", "", 0, 0, n);
	if (heap_used[kind] && !eal) {
		snprintf(row.note, sizeof(row.note), "n/a (its heap keeps what scenario 8 freed: "
			"run scenario 10 alone)");
		add(&row, NULL, NULL, NAN);
		return;
	}
	if (bench_fastmem_backed(kind))
		trim(env, kind);
	if (alloc_footprint(kind, &base) != 0) {
		snprintf(row.note, sizeof(row.note), "n/a (no statistics)");
		add(&row, NULL, NULL, NAN);
		return;
	}
	if (bench_is_fastmem(kind))
		memset(&base, 0, sizeof(base));
	bench_barrier_init(&run.held, n);
	bench_barrier_init(&run.measured, n);
	for (i = 0; i < n; i++) {
		set_lcores[i].run = &run;
		set_lcores[i].a.mix = mix;
		set_lcores[i].a.target = SET_BYTES;
		set_lcores[i].a.rounds = SET_ROUNDS;
		set_lcores[i].a.burst = SET_BURST;
		/* Every allocator sees the same sequence on each lcore; 0 would stop xorshift. */
		set_lcores[i].a.rng = env->opts->seed + i * UINT64_C(0x9E3779B97F4A7C15);
		if (set_lcores[i].a.rng == 0)
			set_lcores[i].a.rng = 1;
	}
	bench_launch(env, n, set_lcore_run, set_lcores, sizeof(set_lcores[0]));
	for (i = 0; i < n; i++) {
		ret |= set_lcores[i].ret;
		live += set_lcores[i].held;
	}
	if (bench_fastmem_backed(kind))
		trim(env, kind);
	if (ret != 0) {
		snprintf(row.note, sizeof(row.note), "FAILED: an allocation returned NULL");
		add(&row, NULL, NULL, NAN);
		return;
	}
	/* rte_malloc's and rte_malloc_fm's backing is the EAL figure. */
	held = eal ? eal_bytes(kind, &base, run.heap) : NAN;
	backing = eal && !bench_is_fastmem(kind) ? NAN : (double)run.fp.backing - base.backing;
	add(&row, "EAL/live", "x live", held / live);
	add(&row, "backing/live", "x live", backing / live);
	add(&row, "EAL MiB", "MiB", held / mib);
	add(&row, "backing MiB", "MiB", backing / mib);
	add(&row, "live MiB", "MiB", live / mib);
}

static void
run_small_sets(const struct bench_env *env, const struct bench_scenario *sc)
{
	const unsigned int n_slots = churn_slots(SET_BYTES);
	struct churn_slot *slots;
	static struct mix_ctx mix;
	enum alloc_kind kind;
	const char *why;
	unsigned int i;

	slots = calloc((size_t)n_slots * env->n_lcores, sizeof(*slots));
	if (slots == NULL)
		rte_exit(EXIT_FAILURE, "no memory for %u x %u slots\n", env->n_lcores, n_slots);
	for (i = 0; i < env->n_lcores; i++) {
		set_lcores[i].a.slots = slots + (size_t)i * n_slots;
		set_lcores[i].a.n_slots = n_slots;
	}
	report_scenario_note(sc, "%s; each of the %u lcores allocates %" PRIu64 " MiB, then frees"
		" and allocates again runs of %u objects, %u times its set over", mix_describe(),
		env->n_lcores, SET_BYTES >> 20, SET_BURST, SET_ROUNDS);
	report_scenario_note(sc, "figures taken by the main lcore while every lcore holds its set,"
		" caches not flushed; then each frees its own set");
	report_scenario_note(sc, "EAL: bytes EAL's heaps handed out, fastmem since just before "
		"rte_fastmem_init() (from a flush+trim of all lcores), rte_malloc's and "
		"rte_malloc_fm's growth; "
		"backing: fastmem bytes_backing, the others' growth as in scenario 8");
	note_reserve(env, sc);
	BENCH_FOREACH_ALLOC(env, kind) {
		why = not_applicable(kind, true);
		if (why != NULL) {
			report_note(sc, kind, "%s", why);
			continue;
		}
		if (mix_ctx_init(&mix, kind, n_slots, env->n_lcores) != 0) {
			report_note(sc, kind, "FAILED: set-up of the mixed sizes");
			continue;
		}
		sets_measure(env, sc, kind, &mix);
		mix_ctx_fini(&mix);
	}
	free(slots);
	reserve_again(env);
}

const struct bench_scenario scenario_small_sets = {
	.id = 10,
	.name = "small-sets",
	.title = "N lcores, each holding a small live set, running: EAL bytes, caches not flushed",
	.run = run_small_sets,
};
