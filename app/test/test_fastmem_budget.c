/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_budget_autotest: the byte budget of an lcore's thread caches
 * (rte_fastmem_set_cache_budget(), rte_fastmem_get_cache_budget() and the
 * cache_bytes and cache_budget of rte_fastmem_stats_lcore()), through the
 * public API only (rte_fastmem.h and EAL).
 *
 * - test_budget_uninit: both calls fail with ENODEV before init.
 * - test_budget_args: the default, set/get round trips per lcore and for
 *   every lcore, bad lcore ids refused without effect, budgets back to the
 *   default after deinit and init.
 * - test_budget_mix, test_budget_mix_bulk: cache_bytes stays within the
 *   budget while 22 classes churn, with a small budget and the default.
 * - test_budget_move: a set of busy classes takes the budget from a set of
 *   classes that went idle, and reaches a high hit ratio in it.
 * - test_budget_lower: lowering the budget shrinks the caches, at once for
 *   the calling thread, at the next cache miss for another lcore.
 * - test_budget_zero: budget 0 turns the caches off, every call still works.
 * - test_budget_conserve: objects survive budgets changing under the
 *   caches, including another lcore's while it churns: once all is freed
 *   and the caches flushed, trim leaves nothing live and no backing.
 * - test_budget_growth: a class allocated in a long run grows its cache;
 *   classes allocated in turn keep their first capacity (4 KiB of
 *   objects), so their caches hold little beyond what was asked for.
 * - test_budget_bursts: a class recycled in bulks larger than its cache
 *   takes the budget from classes that stopped missing within a few rounds.
 *
 * The cases that churn end with the same conservation check. The other
 * lcore's parts need two lcores (-l 0-1) and are skipped with one.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <rte_fastmem.h>

#include "fastmem_test_heap.h"
#include "fastmem_test_util.h"
#include "test.h"

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)

/* The documented default budget: 1.5 MiB per lcore and node. */
#define DEFAULT_BUDGET ((size_t)3 << 19)

/* Largest request of the churn tests: 64 KiB, a size class. */
#define MAX_OBJ_SIZE (64 * KIB)
/* Objects one churn round holds at most. */
#define MAX_OBJS 8192
/* cache_bytes is also checked every this many frees of a round. */
#define CHECK_EVERY 64

/* A live object: where, its requested size and the stamp it carries. */
struct obj {
	void *p;
	size_t size;
	uint64_t id;
};

static struct {
	struct obj objs[MAX_OBJS];
	void *ptrs[MAX_OBJS];
	uint64_t rng;
	uint64_t next_id;
	uint64_t peak;           /* largest cache_bytes a check saw */
	unsigned int worker;     /* the second lcore, RTE_MAX_LCORE if none */
	/* The worker's objects and churn */
	struct obj wobjs[MAX_OBJS];
	unsigned int n_wobjs;
	RTE_ATOMIC(bool) wstop;
	uint64_t wrounds;
} bud;

static uint64_t
rnd(void)
{
	uint64_t x = bud.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	bud.rng = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

static unsigned int
rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* Init only: in a fresh process, no lcore used fastmem yet (test_budget_args). */
static int
bud_setup_cold(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	bud.rng = UINT64_C(0x9e3779b97f4a7c15);
	bud.peak = 0;
	bud.worker = rte_get_next_lcore(-1, 1, 0);
	return TEST_SUCCESS;
}

/* A worker's first allocation and free: its lcore now uses fastmem. */
static int
worker_touch(void *arg __rte_unused)
{
	void *p = rte_fastmem_alloc(100, 0, 0);

	if (p == NULL)
		return -1;
	rte_fastmem_free(p);
	rte_fastmem_cache_flush();
	return 0;
}

/* Both lcores allocate and free one object, then flush their caches. */
static int
touch_lcores(void)
{
	void *p = rte_fastmem_alloc(100, 0, 0);

	TEST_ASSERT_NOT_NULL(p, "alloc: %s", rte_strerror(rte_errno));
	rte_fastmem_free(p);
	rte_fastmem_cache_flush();
	if (bud.worker < RTE_MAX_LCORE) {
		TEST_ASSERT_SUCCESS(rte_eal_remote_launch(worker_touch, NULL, bud.worker),
			"launch");
		TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(bud.worker), "worker alloc");
	}
	return TEST_SUCCESS;
}

/*
 * Init, and both lcores used fastmem once: the cases that set budgets
 * then do not depend on which ran before them in the process (budgets set
 * before an lcore's first use are test_budget_args' subject).
 */
static int
bud_setup(void)
{
	if (bud_setup_cold() != TEST_SUCCESS)
		return TEST_FAILED;
	if (touch_lcores() != TEST_SUCCESS) {
		rte_fastmem_deinit();
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

/* Budgets outlive nothing of a case: back to the default before deinit. */
static void
bud_teardown(void)
{
	rte_fastmem_set_cache_budget(RTE_MAX_LCORE, DEFAULT_BUDGET);
	rte_fastmem_deinit();
}

static bool
have_worker(const char *what)
{
	if (bud.worker < RTE_MAX_LCORE)
		return true;
	printf("fastmem_budget: %s needs two lcores (-l 0-1), skipped\n", what);
	return false;
}

/* The first and last 8 bytes of an object carry its id: a shared object shows. */
static void
stamp(struct obj *o)
{
	uint64_t tail;

	o->id = bud.next_id++;
	tail = ~o->id;
	memcpy(o->p, &o->id, sizeof(o->id));
	memcpy(RTE_PTR_ADD(o->p, o->size - sizeof(tail)), &tail, sizeof(tail));
}

static int
stamp_check(const struct obj *o)
{
	uint64_t head, tail;

	memcpy(&head, o->p, sizeof(head));
	memcpy(&tail, RTE_PTR_ADD(o->p, o->size - sizeof(tail)), sizeof(tail));
	TEST_ASSERT(head == o->id && tail == ~o->id, "object %p of %zu B (id %" PRIu64
		") overwritten: head %" PRIu64 ", tail %" PRIx64, o->p, o->size, o->id, head,
		tail);
	return TEST_SUCCESS;
}

static uint64_t
cache_bytes(unsigned int lcore_id)
{
	struct rte_fastmem_lcore_stats s;

	if (rte_fastmem_stats_lcore(lcore_id, &s) != 0)
		return UINT64_MAX;
	return s.cache_bytes;
}

/* The calling lcore's caches hold at most @p budget bytes, and report that budget. */
static int
check_budget(size_t budget, const char *what, unsigned int round)
{
	struct rte_fastmem_lcore_stats s;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &s), "stats_lcore");
	TEST_ASSERT_EQUAL(s.cache_budget, budget, "%s, round %u: cache_budget %" PRIu64
		", expected %zu", what, round, s.cache_budget, budget);
	TEST_ASSERT(s.cache_bytes <= budget, "%s, round %u: cache_bytes %" PRIu64
		" above the budget %zu", what, round, s.cache_bytes, budget);
	bud.peak = RTE_MAX(bud.peak, s.cache_bytes);
	return TEST_SUCCESS;
}

/*
 * One churn round on the calling lcore: counts[i] objects of sizes[i]
 * (one call each, or one bulk call per size), stamped, then freed in a
 * shuffled order (one by one, or in bulk calls of 1 to 32 mixed objects).
 * With a budget other than SIZE_MAX, cache_bytes is checked against it
 * after the allocations, every CHECK_EVERY frees and at the end.
 */
static int
churn_round(const size_t *sizes, const unsigned int *counts, unsigned int n_sizes, bool bulk,
		size_t budget, unsigned int round)
{
	unsigned int i, k, n = 0, chunk, j;
	struct obj tmp;
	int rc;

	for (i = 0; i < n_sizes; i++) {
		TEST_ASSERT(n + counts[i] <= MAX_OBJS, "round of more than %u objects", MAX_OBJS);
		if (bulk) {
			rc = rte_fastmem_alloc_bulk(bud.ptrs, counts[i], sizes[i], 0, 0);
			TEST_ASSERT_SUCCESS(rc, "round %u: alloc_bulk(%u x %zu B): %s", round,
				counts[i], sizes[i], rte_strerror(-rc));
		}
		for (k = 0; k < counts[i]; k++, n++) {
			bud.objs[n].size = sizes[i];
			bud.objs[n].p = bulk ? bud.ptrs[k] : rte_fastmem_alloc(sizes[i], 0, 0);
			TEST_ASSERT_NOT_NULL(bud.objs[n].p, "round %u: alloc(%zu): %s", round,
				sizes[i], rte_strerror(rte_errno));
			stamp(&bud.objs[n]);
		}
	}
	if (budget != SIZE_MAX && check_budget(budget, "after the allocations", round) != 0)
		return TEST_FAILED;
	for (i = n; i > 1; i--) {
		k = rnd_below(i);
		tmp = bud.objs[i - 1];
		bud.objs[i - 1] = bud.objs[k];
		bud.objs[k] = tmp;
	}
	for (i = 0; i < n; i += chunk) {
		chunk = bulk ? RTE_MIN(1 + rnd_below(32), n - i) : 1;
		for (j = 0; j < chunk; j++) {
			if (stamp_check(&bud.objs[i + j]) != 0)
				return TEST_FAILED;
			bud.ptrs[j] = bud.objs[i + j].p;
		}
		if (bulk)
			rte_fastmem_free_bulk(bud.ptrs, chunk);
		else
			rte_fastmem_free(bud.ptrs[0]);
		if (budget != SIZE_MAX && (i + chunk) / CHECK_EVERY != i / CHECK_EVERY &&
				check_budget(budget, "while freeing", round) != 0)
			return TEST_FAILED;
	}
	if (budget != SIZE_MAX && check_budget(budget, "after the frees", round) != 0)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

/* Class sizes from @p min to @p max, every @p step-th one; returns how many. */
static unsigned int
class_sizes(size_t *sizes, unsigned int max_n, size_t min, size_t max, unsigned int step)
{
	size_t all[64];
	unsigned int n_all = rte_fastmem_classes(NULL), i, n = 0, seen = 0;

	if (n_all > RTE_DIM(all))
		return 0;
	rte_fastmem_classes(all);
	for (i = 0; i < n_all && n < max_n; i++) {
		if (all[i] < min || all[i] > max)
			continue;
		if (seen++ % step == 0)
			sizes[n++] = all[i];
	}
	return n;
}

/* Objects whose total is about @p bytes, within [lo, hi]. */
static unsigned int
count_for(size_t size, size_t bytes, unsigned int lo, unsigned int hi)
{
	return RTE_MAX(lo, RTE_MIN(hi, (unsigned int)((bytes + size - 1) / size)));
}

/*
 * Everything is back: once the calling lcore's caches are flushed (the
 * worker flushed its own) and trim ran, nothing is live and no backing is
 * left. Also, the flush emptied the caches.
 */
static int
check_conserved(void)
{
	struct rte_fastmem_stats st;
	int64_t trimmed;

	rte_fastmem_cache_flush();
	TEST_ASSERT_EQUAL(cache_bytes(rte_lcore_id()), 0, "cache_bytes %" PRIu64
		" after cache_flush", cache_bytes(rte_lcore_id()));
	trimmed = rte_fastmem_trim();
	TEST_ASSERT(trimmed >= 0, "trim: %" PRId64, trimmed);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.objs_in_use == 0 && st.bytes_backing == 0, "after free, flush and "
		"trim: %" PRIu64 " objects live, %" PRIu64 " B of backing", st.objs_in_use,
		st.bytes_backing);
	return TEST_SUCCESS;
}

/* set_cache_budget() and get_cache_budget() on @p id both fail with @p err. */
static int
budget_calls_fail(unsigned int id, int err, const char *when)
{
	size_t b;
	int rc;

	rc = rte_fastmem_set_cache_budget(id, 64 * KIB);
	TEST_ASSERT_EQUAL(rc, -err, "set_cache_budget(%u) %s: %d", id, when, rc);
	rte_errno = 0;
	b = rte_fastmem_get_cache_budget(id);
	TEST_ASSERT(b == 0 && rte_errno == err, "get_cache_budget(%u) %s: %zu, rte_errno %d",
		id, when, b, rte_errno);
	return TEST_SUCCESS;
}

/*
 * Before rte_fastmem_init() (and after rte_fastmem_deinit()), setting a
 * budget fails with -ENODEV and reading one returns 0 with rte_errno ENODEV.
 */
static int
test_budget_uninit(void)
{
	unsigned int ids[] = { 0, rte_lcore_id(), RTE_MAX_LCORE };
	unsigned int i;

	rte_fastmem_deinit();
	for (i = 0; i < RTE_DIM(ids); i++)
		TEST_ASSERT_SUCCESS(budget_calls_fail(ids[i], ENODEV, "before init"), "uninit");
	return TEST_SUCCESS;
}

/* Every enabled lcore, and the default, have budget @p b (get and stats_lcore). */
static int
check_all_budgets(size_t b, const char *what)
{
	struct rte_fastmem_lcore_stats s;
	unsigned int id;
	size_t got;

	got = rte_fastmem_get_cache_budget(RTE_MAX_LCORE);
	TEST_ASSERT_EQUAL(got, b, "%s: default budget %zu, expected %zu", what, got, b);
	RTE_LCORE_FOREACH(id) {
		got = rte_fastmem_get_cache_budget(id);
		TEST_ASSERT_EQUAL(got, b, "%s: lcore %u budget %zu, expected %zu", what, id, got,
			b);
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(id, &s), "stats_lcore(%u)", id);
		TEST_ASSERT_EQUAL(s.cache_budget, b, "%s: lcore %u cache_budget %" PRIu64
			", expected %zu", what, id, s.cache_budget, b);
	}
	return TEST_SUCCESS;
}

/*
 * The default budget is 1.5 MiB, for the default and every lcore. A
 * budget set for one lcore reads back from it (whether or not the lcore
 * used fastmem yet) and no other budget moves; one set with RTE_MAX_LCORE
 * is the new default and every lcore's, set up or not. An lcore id above
 * RTE_MAX_LCORE is refused with -EINVAL / EINVAL and changes nothing.
 * Budgets last until rte_fastmem_deinit(): the next init has the default.
 */
static int
test_budget_args(void)
{
	const unsigned int bad[] = { RTE_MAX_LCORE + 1, RTE_MAX_LCORE + 1000, UINT32_MAX };
	size_t before[RTE_MAX_LCORE + 1], b;
	unsigned int id, i, pass;
	int rc;

	if (check_all_budgets(DEFAULT_BUDGET, "after init") != 0)
		return TEST_FAILED;
	/*
	 * Per-lcore round trip, twice: the lcores may not have used fastmem
	 * yet in the first pass; both have in the second.
	 */
	for (pass = 0; pass < 2; pass++) {
		RTE_LCORE_FOREACH(id) {
			b = (100 + 8 * id + pass) * KIB;
			rc = rte_fastmem_set_cache_budget(id, b);
			TEST_ASSERT_SUCCESS(rc, "pass %u: set_cache_budget(%u, %zu): %d", pass, id,
				b, rc);
		}
		RTE_LCORE_FOREACH(id) {
			b = (100 + 8 * id + pass) * KIB;
			TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(id), b, "pass %u: lcore %u "
				"budget %zu, set %zu", pass, id, rte_fastmem_get_cache_budget(id),
				b);
		}
		TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(RTE_MAX_LCORE), DEFAULT_BUDGET,
			"pass %u: a per-lcore budget moved the default", pass);
		if (pass == 1)
			break;
		/* Both lcores use fastmem from now on, with the budgets set before. */
		if (touch_lcores() != TEST_SUCCESS)
			return TEST_FAILED;
		RTE_LCORE_FOREACH(id) {
			b = (100 + 8 * id) * KIB;
			TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(id), b, "lcore %u budget "
				"%zu once it used fastmem, set %zu before",
				id, rte_fastmem_get_cache_budget(id), b);
		}
	}
	/* Bad lcore ids change nothing. */
	before[RTE_MAX_LCORE] = rte_fastmem_get_cache_budget(RTE_MAX_LCORE);
	RTE_LCORE_FOREACH(id)
		before[id] = rte_fastmem_get_cache_budget(id);
	for (i = 0; i < RTE_DIM(bad); i++)
		TEST_ASSERT_SUCCESS(budget_calls_fail(bad[i], EINVAL, "for a bad lcore id"),
			"bad lcore id");
	TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(RTE_MAX_LCORE), before[RTE_MAX_LCORE],
		"a refused set_cache_budget moved the default");
	RTE_LCORE_FOREACH(id)
		TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(id), before[id], "a refused "
			"set_cache_budget moved lcore %u's budget", id);
	/* Global: the default and every lcore, set up already or not. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(RTE_MAX_LCORE, 768 * KIB), "global");
	if (check_all_budgets(768 * KIB, "after a global set") != 0)
		return TEST_FAILED;
	/* 0 is a budget too (caches off). */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(rte_lcore_id(), 0), "budget 0");
	rte_errno = 0;
	TEST_ASSERT(rte_fastmem_get_cache_budget(rte_lcore_id()) == 0 && rte_errno == 0,
		"budget 0 reads back as %zu, rte_errno %d",
		rte_fastmem_get_cache_budget(rte_lcore_id()), rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(RTE_MAX_LCORE, DEFAULT_BUDGET),
		"global");
	if (check_all_budgets(DEFAULT_BUDGET, "after the default is set back") != 0)
		return TEST_FAILED;
	/* Budgets last until deinit: the next init has the default everywhere. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(RTE_MAX_LCORE, 200 * KIB), "global");
	RTE_LCORE_FOREACH(id)
		TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(id, (300 + id) * KIB), "set");
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init again");
	return check_all_budgets(DEFAULT_BUDGET, "after deinit and init");
}

/*
 * The mix of the budget tests: 22 classes from 16 B to 64 KiB (every
 * other class), 96 to 192 KiB of objects of each (2 to 128 objects), the
 * counts drawn again every round.
 */
static unsigned int
mix_sizes(size_t *sizes, unsigned int *counts, unsigned int max_n)
{
	unsigned int n = class_sizes(sizes, max_n, 16, MAX_OBJ_SIZE, 2), i;

	for (i = 0; i < n; i++)
		counts[i] = count_for(sizes[i], 96 * KIB + rnd_below(96 * KIB), 2, 128);
	return n;
}

/* Rounds of the mix under a budget; the peak of cache_bytes is printed. */
static int
mix_rounds(size_t budget, bool bulk, unsigned int rounds)
{
	unsigned int round, counts[32], n = 0;
	uint64_t cycles = rte_get_timer_cycles();
	size_t sizes[32];

	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(rte_lcore_id(), budget), "set");
	bud.peak = 0;
	for (round = 0; round < rounds; round++) {
		n = mix_sizes(sizes, counts, RTE_DIM(sizes));
		TEST_ASSERT(n >= 20, "only %u classes up to 64 KiB", n);
		if (churn_round(sizes, counts, n, bulk, budget, round) != 0)
			return TEST_FAILED;
	}
	printf("fastmem_budget: mix of %u classes, %s, budget %zu KiB: cache_bytes peak %"
		PRIu64 " KiB over %u rounds, %.3f s\n", n, bulk ? "bulk" : "single",
		budget / KIB, bud.peak / KIB, rounds,
		(double)(rte_get_timer_cycles() - cycles) / rte_get_timer_hz());
	/* The budget held because the caches were used, not because they were off. */
	TEST_ASSERT(bud.peak >= budget / 4, "cache_bytes peaked at %" PRIu64 " B only, "
		"budget %zu B: are the caches used?", bud.peak, budget);
	return TEST_SUCCESS;
}

/*
 * The caches of an lcore hold at most its budget, cache_bytes <= budget,
 * whatever mix of classes it churns: checked after the allocations, every
 * 64 frees and after the frees of each round, with 256 KiB and with the
 * default budget.
 */
static int
budget_mix(bool bulk)
{
	if (mix_rounds(256 * KIB, bulk, 40) != 0 || mix_rounds(DEFAULT_BUDGET, bulk, 40) != 0)
		return TEST_FAILED;
	return check_conserved();
}

static int
test_budget_mix(void)
{
	return budget_mix(false);
}

static int
test_budget_mix_bulk(void)
{
	return budget_mix(true);
}

/* Alloc hit ratio of the calling lcore between two stats_lcore() readings. */
static double
hit_ratio(const struct rte_fastmem_lcore_stats *a, const struct rte_fastmem_lcore_stats *b)
{
	uint64_t hits = b->alloc_cache_hits - a->alloc_cache_hits;
	uint64_t misses = b->alloc_cache_misses - a->alloc_cache_misses;

	return hits + misses == 0 ? 0.0 : (double)hits / (double)(hits + misses);
}

#define MOVE_BUDGET (512 * KIB)
#define MOVE_ROUNDS 100
/*
 * Working sets (objects a round allocates, then frees): A's about 2/3 of
 * the budget, B's more than half, so the caches need more than the budget
 * to hold both.
 */
#define MOVE_A_BYTES (20 * KIB)  /* per class, 17 classes of 64 B to 1 KiB */
#define MOVE_B_BYTES (18 * KIB)  /* per class, 13 classes of 2 KiB to 16 KiB */
/*
 * Release builds reach 1.0 in B from about its 20th round on, 0.99 in A.
 * B on its own gets 0.93 under a 384 KiB budget, 0.78 under 256 KiB: with
 * only the budget A's caches left it, B would stay well below this.
 */
#define MOVE_MIN_RATIO 0.95

/*
 * Run @p rounds churn rounds of a set of classes; *ratio is the alloc hit
 * ratio over the second half (the only round if one).
 */
static int
move_phase(const size_t *sizes, const unsigned int *counts, unsigned int n,
		unsigned int rounds, double *ratio)
{
	struct rte_fastmem_lcore_stats a, b;
	unsigned int round;

	for (round = 0; round < rounds; round++) {
		if (round == rounds / 2)
			TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &a), "stats");
		if (churn_round(sizes, counts, n, false, MOVE_BUDGET, round) != 0)
			return TEST_FAILED;
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &b), "stats");
	*ratio = hit_ratio(&a, &b);
	return TEST_SUCCESS;
}

/*
 * Budget moves between classes: under a 512 KiB budget, phase A churns 17
 * classes of 64 B to 1 KiB (about 340 KiB of objects a round) until its
 * hit ratio is high, then phase B churns 13 other classes, 2 KiB to 16 KiB
 * (about 280 KiB): the caches of both need more than the budget, so B only
 * reaches a high hit ratio if it takes the budget A's caches hold. B's
 * alloc hit ratio over the second half of the phase must be at least 0.95;
 * cache_bytes stays within the budget throughout. One more round of A
 * then shows what A lost (printed).
 */
static int
test_budget_move(void)
{
	unsigned int na, nb, i, ca[32], cb[32];
	size_t sa[32], sb[32], wa = 0, wb = 0;
	double ra, rb, rc;

	na = class_sizes(sa, RTE_DIM(sa), 64, 1024, 1);
	nb = class_sizes(sb, RTE_DIM(sb), 2048, 16384, 1);
	TEST_ASSERT(na >= 8 && nb >= 8, "classes: %u in A, %u in B", na, nb);
	for (i = 0; i < na; i++) {
		ca[i] = count_for(sa[i], MOVE_A_BYTES, 2, 1024);
		wa += ca[i] * sa[i];
	}
	for (i = 0; i < nb; i++) {
		cb[i] = count_for(sb[i], MOVE_B_BYTES, 2, 1024);
		wb += cb[i] * sb[i];
	}
	TEST_ASSERT(wa + wb > MOVE_BUDGET && wa < MOVE_BUDGET && wb < MOVE_BUDGET,
		"working sets %zu and %zu B for a budget of %zu B", wa, wb, MOVE_BUDGET);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(rte_lcore_id(), MOVE_BUDGET), "set");
	if (move_phase(sa, ca, na, MOVE_ROUNDS, &ra) != 0 ||
			move_phase(sb, cb, nb, MOVE_ROUNDS, &rb) != 0 ||
			move_phase(sa, ca, na, 1, &rc) != 0)
		return TEST_FAILED;
	printf("fastmem_budget: budget %zu KiB: hit ratio of phase A (%u classes, %zu KiB a "
		"round) %.4f, then of phase B (%u classes, %zu KiB a round) %.4f, then of one "
		"round of A %.4f\n", MOVE_BUDGET / KIB, na, wa / KIB, ra, nb, wb / KIB, rb, rc);
	TEST_ASSERT(ra >= MOVE_MIN_RATIO, "phase A: hit ratio %.4f below %.2f", ra,
		MOVE_MIN_RATIO);
	TEST_ASSERT(rb >= MOVE_MIN_RATIO, "phase B: hit ratio %.4f below %.2f: the budget did "
		"not move from A's classes to B's", rb, MOVE_MIN_RATIO);
	return check_conserved();
}

#define WARM_SMALL 512       /* size of the many objects that warm the caches */
#define WARM_N_SMALL 2000
#define WARM_LARGE (4 * KIB)
#define WARM_N_LARGE 160
#define LOW_BUDGET (64 * KIB)

/*
 * Warm the calling lcore's caches with the default budget: allocate
 * WARM_N_SMALL objects of 512 B and WARM_N_LARGE of 4 KiB, free them all.
 */
static int
warm(void)
{
	static void *p[WARM_N_SMALL + WARM_N_LARGE];
	unsigned int i;

	for (i = 0; i < RTE_DIM(p); i++) {
		p[i] = rte_fastmem_alloc(i < WARM_N_SMALL ? WARM_SMALL : WARM_LARGE, 0, 0);
		if (p[i] == NULL)
			return -1;
	}
	for (i = 0; i < RTE_DIM(p); i++)
		rte_fastmem_free(p[i]);
	return 0;
}

static int
worker_warm(void *arg __rte_unused)
{
	return warm();
}

/*
 * The worker's next cache miss, in a class it never used (arg NULL), or in
 * the 512 B class its warm caches hold many objects of (arg not NULL): it
 * allocates 512 B objects until one misses. It keeps what it allocated.
 */
static int
worker_miss(void *arg)
{
	struct rte_fastmem_lcore_stats s;
	uint64_t misses;

	bud.n_wobjs = 0;
	if (arg == NULL) {
		bud.wobjs[bud.n_wobjs].p = rte_fastmem_alloc(200, 0, 0);
		return bud.wobjs[bud.n_wobjs++].p == NULL ? -1 : 0;
	}
	if (rte_fastmem_stats_lcore(rte_lcore_id(), &s) != 0)
		return -1;
	misses = s.alloc_cache_misses;
	while (bud.n_wobjs < RTE_DIM(bud.wobjs)) {
		bud.wobjs[bud.n_wobjs].p = rte_fastmem_alloc(WARM_SMALL, 0, 0);
		if (bud.wobjs[bud.n_wobjs++].p == NULL ||
				rte_fastmem_stats_lcore(rte_lcore_id(), &s) != 0)
			return -1;
		if (s.alloc_cache_misses != misses)
			return 0;
	}
	return -2;
}

static int
worker_done(void *arg __rte_unused)
{
	while (bud.n_wobjs > 0)
		rte_fastmem_free(bud.wobjs[--bud.n_wobjs].p);
	rte_fastmem_cache_flush();
	return 0;
}

/*
 * Part of test_budget_lower: the worker warms its caches with the default
 * budget, the main lcore lowers it, the worker makes one cache miss (in a
 * new class, or in the warm 512 B class), and its caches then hold at most
 * the new budget.
 */
static int
lower_other(bool own_class)
{
	const char *which = own_class ? "in a warm class" : "in a new class";
	uint64_t warm_bytes, after;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(bud.worker, DEFAULT_BUDGET), "set");
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(worker_warm, NULL, bud.worker), "launch");
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(bud.worker), "worker warm");
	warm_bytes = cache_bytes(bud.worker);
	TEST_ASSERT(warm_bytes > 512 * KIB && warm_bytes <= DEFAULT_BUDGET, "worker's warm "
		"caches hold %" PRIu64 " B, expected more than 512 KiB", warm_bytes);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(bud.worker, LOW_BUDGET), "set");
	TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(bud.worker), LOW_BUDGET, "get");
	after = cache_bytes(bud.worker);
	rc = rte_eal_remote_launch(worker_miss, own_class ? &bud : NULL, bud.worker);
	TEST_ASSERT_SUCCESS(rc, "launch");
	rc = rte_eal_wait_lcore(bud.worker);
	TEST_ASSERT_SUCCESS(rc, "worker alloc %s: %s", which, rc == -2 ?
		"no cache miss" : "failed");
	printf("fastmem_budget: worker's caches: %" PRIu64 " KiB warm, %" PRIu64 " KiB once "
		"the budget is %zu KiB, %" PRIu64 " KiB after one miss %s (%u allocations)\n",
		warm_bytes / KIB, after / KIB, LOW_BUDGET / KIB, cache_bytes(bud.worker) / KIB,
		which, bud.n_wobjs);
	TEST_ASSERT(cache_bytes(bud.worker) <= LOW_BUDGET, "worker's cache_bytes %" PRIu64
		" after a miss %s, above its budget %zu", cache_bytes(bud.worker), which,
		LOW_BUDGET);
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(worker_done, NULL, bud.worker), "launch");
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(bud.worker), "worker free");
	TEST_ASSERT_EQUAL(cache_bytes(bud.worker), 0, "worker's cache_bytes after its flush");
	return TEST_SUCCESS;
}

/*
 * Lowering the budget shrinks the caches. The calling thread's follow
 * before set_cache_budget() returns: after warming (cache_bytes above 512
 * KiB), a 64 KiB budget leaves cache_bytes at most 64 KiB at once, and
 * churning keeps it there. Another lcore's follow at its next cache miss:
 * the worker warms its caches, the main lcore lowers its budget
 * (cache_bytes may stay high), the worker makes one cache miss, in a class
 * it never used or in one its caches hold hundreds of objects of, and its
 * cache_bytes is then within the new budget.
 */
static int
test_budget_lower(void)
{
	unsigned int self = rte_lcore_id();
	uint64_t warm_bytes, after;

	TEST_ASSERT_SUCCESS(warm(), "warm");
	warm_bytes = cache_bytes(self);
	TEST_ASSERT(warm_bytes > 512 * KIB && warm_bytes <= DEFAULT_BUDGET, "warm caches hold %"
		PRIu64 " B, expected more than 512 KiB", warm_bytes);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, LOW_BUDGET), "set");
	after = cache_bytes(self);
	printf("fastmem_budget: own caches: %" PRIu64 " KiB warm, %" PRIu64 " KiB once the "
		"budget is %zu KiB\n", warm_bytes / KIB, after / KIB, LOW_BUDGET / KIB);
	if (check_budget(LOW_BUDGET, "own caches, right after the budget was lowered", 0) != 0)
		return TEST_FAILED;
	/* And stays there under churn. */
	TEST_ASSERT_SUCCESS(warm(), "churn");
	if (check_budget(LOW_BUDGET, "own caches, after churning again", 0) != 0)
		return TEST_FAILED;
	if (!have_worker("lowering another lcore's budget"))
		return check_conserved();
	if (lower_other(false) != TEST_SUCCESS || lower_other(true) != TEST_SUCCESS)
		return TEST_FAILED;
	/* The main lcore's own budget did not move. */
	TEST_ASSERT_EQUAL(rte_fastmem_get_cache_budget(self), LOW_BUDGET, "own budget");
	return check_conserved();
}

#define ZERO_ROUNDS 4

/* Fill a whole object with the pattern of its id. */
static void
fill(const struct obj *o)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= o->size; i += 8) {
		w = o->id * UINT64_C(0x9e3779b97f4a7c15) + i;
		memcpy(RTE_PTR_ADD(o->p, i), &w, 8);
	}
}

static int
fill_check(const struct obj *o)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= o->size; i += 8) {
		memcpy(&w, RTE_PTR_ADD(o->p, i), 8);
		TEST_ASSERT(w == o->id * UINT64_C(0x9e3779b97f4a7c15) + i, "object %p of %zu B "
			"changed at byte %zu", o->p, o->size, i);
	}
	return TEST_SUCCESS;
}

#define ZERO_HANDLE_OBJS 32

/* Part of test_budget_zero: the handle calls under budget 0; *allocs counts the objects. */
static int
zero_handles(uint64_t *allocs)
{
	const unsigned int half = ZERO_HANDLE_OBJS / 2;
	rte_fastmem_handle_t h;
	unsigned int i;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(256, 0, SOCKET_ID_ANY, &h), "hlookup");
	rc = rte_fastmem_halloc_bulk(h, &bud.ptrs[half], half, 0);
	TEST_ASSERT_SUCCESS(rc, "halloc_bulk under budget 0: %s", rte_strerror(-rc));
	for (i = 0; i < ZERO_HANDLE_OBJS; i++) {
		bud.objs[i].size = 256;
		bud.objs[i].p = i < half ? rte_fastmem_halloc(h, 0) : bud.ptrs[i];
		TEST_ASSERT_NOT_NULL(bud.objs[i].p, "halloc under budget 0: %s",
			rte_strerror(rte_errno));
		bud.objs[i].id = bud.next_id++;
		fill(&bud.objs[i]);
	}
	*allocs += ZERO_HANDLE_OBJS;
	TEST_ASSERT_EQUAL(cache_bytes(rte_lcore_id()), 0, "budget 0: cache_bytes %" PRIu64
		" after halloc", cache_bytes(rte_lcore_id()));
	for (i = 0; i < ZERO_HANDLE_OBJS; i++) {
		if (fill_check(&bud.objs[i]) != 0)
			return TEST_FAILED;
		bud.ptrs[i] = bud.objs[i].p;
		if (i < half)
			rte_fastmem_hfree(h, bud.ptrs[i]);
	}
	rte_fastmem_hfree_bulk(h, &bud.ptrs[half], half);
	TEST_ASSERT_EQUAL(cache_bytes(rte_lcore_id()), 0, "budget 0: cache_bytes %" PRIu64
		" after hfree", cache_bytes(rte_lcore_id()));
	return TEST_SUCCESS;
}

/*
 * Part of test_budget_zero: one round of 22 classes under budget 0, one
 * call per object or one bulk call per class; *allocs counts the objects.
 */
static int
zero_round(bool bulk, unsigned int round, uint64_t *allocs)
{
	unsigned int i, k, n, n_obj = 0, counts[32];
	size_t sizes[32];
	struct obj *o;
	int rc;

	n = class_sizes(sizes, RTE_DIM(sizes), 16, MAX_OBJ_SIZE, 2);
	for (i = 0; i < n; i++) {
		counts[i] = count_for(sizes[i], 32 * KIB, 2, 32);
		if (bulk) {
			rc = rte_fastmem_alloc_bulk(bud.ptrs, counts[i], sizes[i], 0, 0);
			TEST_ASSERT_SUCCESS(rc, "alloc_bulk(%u x %zu B) under budget 0: %s",
				counts[i], sizes[i], rte_strerror(-rc));
		}
		for (k = 0; k < counts[i]; k++, n_obj++) {
			o = &bud.objs[n_obj];
			o->size = sizes[i];
			o->p = bulk ? bud.ptrs[k] : rte_fastmem_alloc(sizes[i], 0, 0);
			TEST_ASSERT_NOT_NULL(o->p, "alloc(%zu) under budget 0: %s", sizes[i],
				rte_strerror(rte_errno));
			o->id = bud.next_id++;
			fill(o);
		}
		*allocs += counts[i];
		TEST_ASSERT_EQUAL(cache_bytes(rte_lcore_id()), 0, "budget 0: cache_bytes %"
			PRIu64 " after allocating %zu B objects",
			cache_bytes(rte_lcore_id()), sizes[i]);
	}
	for (i = 0; i < n_obj; i++) {
		if (fill_check(&bud.objs[i]) != 0)
			return TEST_FAILED;
		bud.ptrs[i] = bud.objs[i].p;
	}
	if (bulk) {
		rte_fastmem_free_bulk(bud.ptrs, n_obj);
	} else {
		for (i = n_obj; i > 0; i--)
			rte_fastmem_free(bud.ptrs[i - 1]);
	}
	TEST_ASSERT_EQUAL(cache_bytes(rte_lcore_id()), 0, "budget 0: cache_bytes %" PRIu64
		" after the frees of round %u", cache_bytes(rte_lcore_id()), round);
	return TEST_SUCCESS;
}

/*
 * Budget 0 turns the calling lcore's caches off: single and bulk
 * allocations and frees of 22 classes, and the handle calls, all work,
 * the contents stay intact, cache_bytes stays 0, and every object
 * allocated counts as an alloc cache miss (no hit), every object freed as
 * a free cache miss. Caches that were warm empty at once when the budget
 * drops to 0.
 */
static int
test_budget_zero(void)
{
	struct rte_fastmem_lcore_stats a, b;
	unsigned int self = rte_lcore_id(), round;
	uint64_t allocs = 0, warm_bytes;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, 0), "set 0");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(self, &a), "stats");
	TEST_ASSERT_EQUAL(a.cache_bytes, 0, "cache_bytes %" PRIu64, a.cache_bytes);
	for (round = 0; round < ZERO_ROUNDS; round++)
		if (zero_round(round % 2 == 1, round, &allocs) != TEST_SUCCESS)
			return TEST_FAILED;
	if (zero_handles(&allocs) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(self, &b), "stats");
	printf("fastmem_budget: budget 0: %" PRIu64 " objects, alloc misses +%" PRIu64
		", hits +%" PRIu64 ", free misses +%" PRIu64 ", hits +%" PRIu64 "\n", allocs,
		b.alloc_cache_misses - a.alloc_cache_misses,
		b.alloc_cache_hits - a.alloc_cache_hits,
		b.free_cache_misses - a.free_cache_misses, b.free_cache_hits - a.free_cache_hits);
	TEST_ASSERT_EQUAL(b.alloc_cache_misses - a.alloc_cache_misses, allocs, "budget 0: "
		"%" PRIu64 " alloc misses for %" PRIu64 " objects",
		b.alloc_cache_misses - a.alloc_cache_misses, allocs);
	TEST_ASSERT_EQUAL(b.alloc_cache_hits, a.alloc_cache_hits, "budget 0: alloc hits");
	TEST_ASSERT_EQUAL(b.free_cache_misses - a.free_cache_misses, allocs, "budget 0: "
		"%" PRIu64 " free misses for %" PRIu64 " objects",
		b.free_cache_misses - a.free_cache_misses, allocs);
	TEST_ASSERT_EQUAL(b.free_cache_hits, a.free_cache_hits, "budget 0: free hits");
	TEST_ASSERT_EQUAL(b.cache_budget, 0, "cache_budget %" PRIu64, b.cache_budget);

	/* Warm caches empty at once when the budget drops to 0. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, DEFAULT_BUDGET), "set");
	TEST_ASSERT_SUCCESS(warm(), "warm");
	warm_bytes = cache_bytes(self);
	TEST_ASSERT(warm_bytes > 0, "warm caches hold nothing");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, 0), "set 0");
	printf("fastmem_budget: own caches: %" PRIu64 " KiB warm, %" PRIu64 " KiB once the "
		"budget is 0\n", warm_bytes / KIB, cache_bytes(self) / KIB);
	TEST_ASSERT_EQUAL(cache_bytes(self), 0, "cache_bytes %" PRIu64 " right after the "
		"budget dropped to 0 (%" PRIu64 " before)", cache_bytes(self), warm_bytes);
	TEST_ASSERT_SUCCESS(warm(), "churn under budget 0");
	TEST_ASSERT_EQUAL(cache_bytes(self), 0, "cache_bytes %" PRIu64 " after churning "
		"under budget 0", cache_bytes(self));
	return check_conserved();
}

/* Worker of the conservation test: churns the mix until told to stop, then flushes. */
static int
worker_churn(void *arg __rte_unused)
{
	unsigned int i, k, j, n, m = 0;
	size_t sizes[32];
	void *p[64];

	n = class_sizes(sizes, RTE_DIM(sizes), 16, MAX_OBJ_SIZE, 2);
	while (!rte_atomic_load_explicit(&bud.wstop, rte_memory_order_acquire)) {
		for (i = 0; i < n; i++) {
			k = 1 + (unsigned int)((bud.wrounds + i) % RTE_DIM(p));
			if (rte_fastmem_alloc_bulk(p, k, sizes[i], 0, 0) != 0)
				return -1;
			/* Keep a few objects across rounds, freed later. */
			if (m < RTE_DIM(bud.wobjs) && (bud.wrounds + i) % 7 == 0)
				bud.wobjs[m++].p = p[--k];
			for (j = 0; j < k; j++)
				rte_fastmem_free(p[j]);
		}
		if (m > RTE_DIM(bud.wobjs) / 2) {
			while (m > 0)
				rte_fastmem_free(bud.wobjs[--m].p);
		}
		bud.wrounds++;
	}
	while (m > 0)
		rte_fastmem_free(bud.wobjs[--m].p);
	rte_fastmem_cache_flush();
	return cache_bytes(rte_lcore_id()) == 0 ? 0 : -2;
}

/*
 * Objects are conserved while budgets change under the caches: the main
 * lcore churns the mix with its budget changed every round (0, 16 KiB to
 * 4 MiB, own and global), while the worker churns with its budget
 * changed from the main lcore. Once all is freed, both lcores' caches
 * flushed and trim ran, nothing is live and no backing is left.
 */
static int
test_budget_conserve(void)
{
	const size_t budgets[] = { 0, 16 * KIB, 64 * KIB, 256 * KIB, DEFAULT_BUDGET, 3 * MIB };
	unsigned int self = rte_lcore_id(), round, n, counts[32];
	size_t sizes[32], b;
	int rc = 0, wrc;

	if (have_worker("the worker part")) {
		bud.wstop = false;
		bud.wrounds = 0;
		TEST_ASSERT_SUCCESS(rte_eal_remote_launch(worker_churn, NULL, bud.worker),
			"launch");
	}
	for (round = 0; round < 60 && rc == 0; round++) {
		b = budgets[rnd_below(RTE_DIM(budgets))];
		if (round % 5 == 4)
			rc = rte_fastmem_set_cache_budget(RTE_MAX_LCORE, b);
		else
			rc = rte_fastmem_set_cache_budget(self, b);
		if (rc == 0 && bud.worker < RTE_MAX_LCORE)
			rc = rte_fastmem_set_cache_budget(bud.worker,
				budgets[rnd_below(RTE_DIM(budgets))]);
		if (rc != 0)
			break;
		n = mix_sizes(sizes, counts, RTE_DIM(sizes));
		rc = churn_round(sizes, counts, n, round % 2 == 1, SIZE_MAX, round);
	}
	if (bud.worker < RTE_MAX_LCORE) {
		rte_atomic_store_explicit(&bud.wstop, true, rte_memory_order_release);
		wrc = rte_eal_wait_lcore(bud.worker);
		printf("fastmem_budget: the worker churned %" PRIu64 " rounds meanwhile\n",
			bud.wrounds);
		TEST_ASSERT_SUCCESS(wrc, "worker: %s", wrc == -2 ?
			"cache_bytes not 0 after its flush" : "allocation failed");
	}
	TEST_ASSERT_SUCCESS(rc, "round %u", round);
	return check_conserved();
}

/* Allocate and free one object of each of @p n classes. */
static int
use_classes(unsigned int n)
{
	unsigned int i;
	size_t size;
	void *o;

	for (i = 0, size = 16; i < n; i++, size += size / 4 + 16) {
		o = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(o, "alloc %zu", size);
		rte_fastmem_free(o);
	}
	return TEST_SUCCESS;
}

/*
 * A cache's object array follows its capacity, in EAL's heap: each class
 * an lcore starts using takes at most its first cache's array (4 KiB of
 * objects: 2 KiB of pointers for the smallest class), and a budget of 0
 * gives them all back. Measured with the node reserved and the bins'
 * depots set up before, so that nothing else comes or goes.
 */
static int
test_budget_arrays(void)
{
	const unsigned int n_classes = 20;
	uint64_t heap0, heap1, heap2;
	unsigned int self = rte_lcore_id();

	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(32 * MIB, SOCKET_ID_ANY), "reserve");
	if (use_classes(n_classes) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, 0), "budget 0");
	heap0 = fm_test_heap_used();
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, DEFAULT_BUDGET), "budget");
	if (use_classes(n_classes) != TEST_SUCCESS)
		return TEST_FAILED;
	heap1 = fm_test_heap_used();
	TEST_ASSERT(heap1 > heap0 && heap1 - heap0 <= (uint64_t)n_classes * 8192,
		"%u classes' caches took %" PRIu64 " B of EAL's heap", n_classes,
		heap1 - heap0);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(self, 0), "budget 0");
	heap2 = fm_test_heap_used();
	TEST_ASSERT(heap2 <= heap0, "budget 0 kept %" PRIu64 " B of %" PRIu64, heap2 - heap0,
		heap1 - heap0);
	return TEST_SUCCESS;
}

/* The calling lcore's statistics; all ones if they cannot be read. */
static struct rte_fastmem_lcore_stats
own_stats(void)
{
	struct rte_fastmem_lcore_stats s;

	if (rte_fastmem_stats_lcore(rte_lcore_id(), &s) != 0)
		memset(&s, 0xff, sizeof(s));
	return s;
}

#define GROWTH_CLASSES 12
#define GROWTH_PER_CLASS 64
/* A cache's first capacity, as documented: 4 KiB of objects. */
#define START_BYTES (4 * KIB)

/*
 * What a cache grows on. One class allocated 512 times in a row misses
 * about once per doubling of its capacity (9 times from 4 KiB of 1 KiB
 * objects), not once per refill of its first capacity (170 times). Twelve
 * classes of 512 B to 4 KiB allocated in turn, 64 objects each, keep
 * their first capacity: their caches end holding at most START_BYTES
 * each, where doubling at each miss would leave up to half of what was
 * allocated (about 400 KiB) in them.
 */
static int
test_budget_growth(void)
{
	static void *objs[GROWTH_CLASSES * GROWTH_PER_CLASS];
	size_t sizes[GROWTH_CLASSES];
	unsigned int n_sizes, i, k, n = 0;
	uint64_t misses, held;

	misses = own_stats().alloc_cache_misses;
	for (i = 0; i < 512; i++) {
		objs[i] = rte_fastmem_alloc(KIB, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc 1 KiB: %s", rte_strerror(rte_errno));
	}
	misses = own_stats().alloc_cache_misses - misses;
	TEST_ASSERT(misses <= 16, "a run of 512 allocations missed %" PRIu64 " times", misses);
	rte_fastmem_free_bulk(objs, 512);
	rte_fastmem_cache_flush();

	n_sizes = class_sizes(sizes, GROWTH_CLASSES, 512, 4 * KIB, 1);
	TEST_ASSERT_EQUAL(n_sizes, GROWTH_CLASSES, "%u classes of 512 B to 4 KiB", n_sizes);
	for (k = 0; k < GROWTH_PER_CLASS; k++) {
		for (i = 0; i < n_sizes; i++) {
			objs[n] = rte_fastmem_alloc(sizes[i], 0, 0);
			TEST_ASSERT_NOT_NULL(objs[n], "alloc %zu: %s", sizes[i],
				rte_strerror(rte_errno));
			n++;
		}
	}
	held = cache_bytes(rte_lcore_id());
	TEST_ASSERT(held <= n_sizes * START_BYTES, "classes allocated in turn: their caches"
		" hold %" PRIu64 " B", held);
	rte_fastmem_free_bulk(objs, n);
	return check_conserved();
}

#define BURST_BATCH 2048
#define BURST_N 128
#define BURST_ROUNDS 256
/* Rounds after which the bursts' class must have taken the budget it needs. */
#define BURST_SETTLE 32

/*
 * test_budget_bursts: batches of 2048 objects of five sizes fill the
 * caches, the budget going to the classes that took them. Bulks of 128
 * objects of 4 KiB, allocated and freed in turn, then take the budget
 * from the classes that no longer miss within a few rounds: the clock of
 * idleness counts a bulk miss as a miss per object. Counted per call,
 * every bulk went past the cache for 344 rounds.
 */
static int
test_budget_bursts(void)
{
	static const size_t sizes[] = { 8, 64, 256, KIB, 4 * KIB };
	static void *objs[BURST_BATCH];
	unsigned int i, k, round, last_miss = 0;
	uint64_t misses, now;

	for (k = 0; k < RTE_DIM(sizes); k++) {
		for (i = 0; i < BURST_BATCH; i++) {
			objs[i] = rte_fastmem_alloc(sizes[k], 0, 0);
			TEST_ASSERT_NOT_NULL(objs[i], "alloc %zu: %s", sizes[k],
				rte_strerror(rte_errno));
		}
		for (i = 0; i < BURST_BATCH; i++)
			rte_fastmem_free(objs[i]);
	}
	misses = own_stats().free_cache_misses;
	for (round = 1; round <= BURST_ROUNDS; round++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, BURST_N, 4 * KIB, 0, 0),
			"bulk alloc, round %u: %s", round, rte_strerror(rte_errno));
		for (i = 0; i < BURST_N; i++)
			fm_test_fill(objs[i], 64, round * BURST_N + i);
		for (i = 0; i < BURST_N; i++)
			TEST_ASSERT_EQUAL(fm_test_check(objs[i], 64, round * BURST_N + i), 64,
				"round %u: object %u overwritten", round, i);
		rte_fastmem_free_bulk(objs, BURST_N);
		now = own_stats().free_cache_misses;
		if (now != misses)
			last_miss = round;
		misses = now;
	}
	printf("bulks of %u objects of 4 KiB: the last free past the cache in round %u\n",
		BURST_N, last_miss);
	TEST_ASSERT(last_miss <= BURST_SETTLE, "bulk frees still missed in round %u of %u",
		last_miss, BURST_ROUNDS);
	return check_conserved();
}

static struct unit_test_suite fastmem_budget_suite = {
	.suite_name = "fastmem cache budget autotest",
	.unit_test_cases = {
		TEST_CASE(test_budget_uninit),
		TEST_CASE_ST(bud_setup_cold, bud_teardown, test_budget_args),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_mix),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_mix_bulk),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_move),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_lower),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_zero),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_conserve),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_arrays),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_growth),
		TEST_CASE_ST(bud_setup, bud_teardown, test_budget_bursts),
		TEST_CASES_END()
	}
};

static int
test_fastmem_budget(void)
{
	return unit_test_suite_runner(&fastmem_budget_suite);
}

REGISTER_FAST_TEST(fastmem_budget_autotest, true, true, test_fastmem_budget);
