/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_reliability_autotest: regression tests of documented contracts
 * that broke under concurrency or on unusual nodes. They use the public
 * API only (rte_fastmem.h, rte_fastmem_topology.h and EAL), so that they
 * outlive any redesign of the allocator's internals.
 *
 * - test_limit_race_large, test_limit_race_mixed: two lcores growing at
 *   once never take bytes_backing above rte_fastmem_set_limit().
 * - test_trim_race: rte_fastmem_trim() running while two lcores refill
 *   their caches loses no segment: once all is freed and flushed, trim
 *   returns every memzone.
 * - test_limit_node_without_memory: rte_fastmem_set_limit() refuses a
 *   node EAL cannot allocate on, as the allocation calls do.
 * - test_nomem_first_use: a thread without an lcore id whose first
 *   allocation finds EAL's heap exhausted gets NULL and ENOMEM, counted,
 *   and allocates again once memory is back (it crashed instead).
 * - test_bulk_beyond_cache: a bulk allocation larger than any cache, which
 *   goes to the bin, is all or nothing under a limit: the caller's array
 *   as it was and nothing held on failure, every object on success.
 * - test_bad_free_log_limited: a burst of bad frees logs a few lines and
 *   one line saying how many more there were, not one line each.
 *
 * Each concurrent case runs many short rounds from a clean allocator,
 * counts the rounds that broke the contract, prints the count and fails if
 * it is not 0. They need two lcores (-l 0-1) and skip with one.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_thread.h>

#include <rte_fastmem.h>

#include "fastmem_race.h"
#include "test.h"

#define MIB ((size_t)1 << 20)
#define KIB ((size_t)1 << 10)

/*
 * Limit race: 2 x 16 x 4 MiB asked for at once under a 16 MiB limit. Some
 * rounds start with 4, 8 or 12 MiB taken: the race is then for the last
 * segments from the first call on.
 */
#define LIMIT_BYTES (16 * MIB)
#define LIMIT_ROUNDS 100
#define LARGE_SIZE (4 * MIB - 64)      /* with its header, one 4 MiB memzone */
#define LARGE_COUNT 16
#define CLASS_OBJ_SIZE (200 * KIB)     /* a size class */
#define CLASS_OBJ_COUNT 96             /* 96 x 200 KiB: more than the limit */
#define MAX_PREFILL 3

/*
 * Trim race: each round, each lcore allocates 8 to 40 objects of 160 KiB
 * (the count cycles over the rounds), frees them and flushes its caches,
 * while a thread trims. On two cores the trimmer must preempt an lcore,
 * so a round breaks the contract rarely: many short rounds.
 */
#define TRIM_ROUNDS 1000
#define TRIM_OBJ_SIZE (160 * KIB)
#define TRIM_MIN_OBJS 8
#define TRIM_OBJS 40

static struct fm_race rel;

static int
rel_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	return TEST_SUCCESS;
}

static void
rel_teardown(void)
{
	rte_fastmem_deinit();
}

/* The allocator is empty: nothing live, no backing memory. */
static int
check_clean(const char *when, unsigned int round)
{
	struct rte_fastmem_stats st;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.objs_in_use == 0 && st.bytes_backing == 0,
		"%s round %u: %" PRIu64 " objects live, %" PRIu64 " B of backing",
		when, round, st.objs_in_use, st.bytes_backing);
	return TEST_SUCCESS;
}

/*
 * Under rte_fastmem_set_limit(SOCKET_ID_ANY, 16 MiB), both lcores allocate
 * at once objects of sizes size0 and size1 (main lcore, worker; swapped
 * every other round). Before that the main lcore takes 0 to 3 large objects
 * of the limit (by round), which it holds through the round. Checks, every
 * round, from an empty allocator: the failed allocations failed with
 * ENOMEM, some did (the limit was reached), and bytes_backing is at most
 * the limit once both lcores are done.
 */
static int
limit_race(size_t size0, unsigned int count0, size_t size1, unsigned int count1,
		unsigned int rounds)
{
	uint64_t max_backing = 0, cycles = rte_get_timer_cycles();
	unsigned int round, over = 0, k, nomem, n_pre;
	struct rte_fastmem_stats st;
	void *pre[MAX_PREFILL];
	struct fm_race_role *r;
	int rc;

	rc = fm_race_init(&rel, "fastmem_reliability");
	if (rc != TEST_SUCCESS)
		return rc;
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, LIMIT_BYTES), "set_limit");
	for (round = 0; round < rounds; round++) {
		TEST_ASSERT_SUCCESS(check_clean("before", round), "not clean");
		n_pre = (round / 2) % (MAX_PREFILL + 1);
		for (k = 0; k < n_pre; k++) {
			pre[k] = rte_fastmem_alloc_socket(LARGE_SIZE, 0, 0, rel.node);
			TEST_ASSERT_NOT_NULL(pre[k], "round %u: object %u of %u below the limit: "
				"%s", round, k, n_pre, rte_strerror(rte_errno));
		}
		k = round % 2;
		rel.roles[k].size = size0;
		rel.roles[k].attempts = count0;
		rel.roles[!k].size = size1;
		rel.roles[!k].attempts = count1;
		TEST_ASSERT_SUCCESS(rte_eal_remote_launch(fm_race_limit_lcore, &rel.roles[1],
			rel.worker), "launch");
		fm_race_barrier(&rel);
		fm_race_alloc(&rel.roles[0]);
		fm_race_barrier(&rel);
		rc = rte_fastmem_stats(&st);
		fm_race_barrier(&rel);
		fm_race_free(&rel.roles[0]);
		rte_eal_wait_lcore(rel.worker);
		for (k = 0; k < n_pre; k++)
			rte_fastmem_free(pre[k]);
		TEST_ASSERT_SUCCESS(rc, "stats");
		nomem = 0;
		for (k = 0; k < 2; k++) {
			r = &rel.roles[k];
			TEST_ASSERT_EQUAL(r->n_other, 0, "round %u, %s lcore: %u allocations of "
				"%zu B failed with %s, not ENOMEM", round, k ? "worker" : "main",
				r->n_other, r->size, rte_strerror(r->other_errno));
			nomem += r->n_nomem;
		}
		TEST_ASSERT(nomem > 0, "round %u: the limit was never reached", round);
		max_backing = RTE_MAX(max_backing, st.bytes_backing);
		if (st.bytes_backing > LIMIT_BYTES) {
			if (over == 0)
				printf("fastmem_reliability: round %u: backing %" PRIu64
					" B above the %zu B limit\n",
					round, st.bytes_backing, LIMIT_BYTES);
			over++;
		}
		TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	}
	TEST_ASSERT_SUCCESS(check_clean("after", rounds), "not clean");
	printf("fastmem_reliability: limit race %zu B + %zu B: backing above the limit in %u of "
		"%u rounds (max %" PRIu64 " B), %.2f s\n", size0, size1, over, rounds, max_backing,
		(double)(rte_get_timer_cycles() - cycles) / rte_get_timer_hz());
	TEST_ASSERT_EQUAL(over, 0, "backing above the %zu B limit in %u of %u rounds (up to %"
		PRIu64 " B)", LIMIT_BYTES, over, rounds, max_backing);
	return TEST_SUCCESS;
}

/* rte_fastmem_set_limit() holds while two lcores allocate large objects at once. */
static int
test_limit_race_large(void)
{
	return limit_race(LARGE_SIZE, LARGE_COUNT, LARGE_SIZE, LARGE_COUNT, LIMIT_ROUNDS);
}

/* rte_fastmem_set_limit() holds while one lcore allocates large objects, another 200 KiB ones. */
static int
test_limit_race_mixed(void)
{
	return limit_race(LARGE_SIZE, LARGE_COUNT, CLASS_OBJ_SIZE, CLASS_OBJ_COUNT, LIMIT_ROUNDS);
}

/*
 * Two lcores allocate and free objects of one size class at once while a
 * third thread calls rte_fastmem_trim() in a loop. Checks, every round:
 * once everything is freed, each lcore's caches flushed and trim called
 * again, no object is live and no backing memory is left; no allocation
 * fails (there is no limit: a thread that grew the node once lost all the
 * new slices to the other before it took a page, and failed with ENOMEM).
 */
static int
trim_race(size_t size, unsigned int min_count, unsigned int max_count, unsigned int rounds)
{
	uint64_t max_left = 0, cycles = rte_get_timer_cycles();
	unsigned int round, left = 0, k, nomem = 0;
	struct rte_fastmem_stats st;
	bool dirty = false;
	struct fm_race_role *r;
	rte_thread_t t;
	int rc;

	rc = fm_race_init(&rel, "fastmem_reliability");
	if (rc != TEST_SUCCESS)
		return rc;
	rel.trims = 0;
	for (round = 0; round < rounds; round++) {
		/* A failed round leaves backing behind for the next one. */
		if (!dirty)
			TEST_ASSERT_SUCCESS(check_clean("before", round), "not clean");
		for (k = 0; k < 2; k++) {
			rel.roles[k].size = size;
			rel.roles[k].attempts = min_count + round % (max_count - min_count + 1);
		}
		TEST_ASSERT_SUCCESS(fm_race_start_trimmer(&rel, &t), "trimmer thread");
		rc = rte_eal_remote_launch(fm_race_trim_lcore, &rel.roles[1], rel.worker);
		if (rc == 0) {
			fm_race_trim_lcore(&rel.roles[0]);
			rte_eal_wait_lcore(rel.worker);
		}
		fm_race_stop_trimmer(&rel, t);
		TEST_ASSERT_SUCCESS(rc, "launch");
		for (k = 0; k < 2; k++) {
			r = &rel.roles[k];
			TEST_ASSERT_EQUAL(r->n_other, 0, "round %u, %s lcore: %u allocations of "
				"%zu B failed with %s", round, k ? "worker" : "main", r->n_other,
				size, rte_strerror(r->other_errno));
			TEST_ASSERT_EQUAL(r->n_nomem, 0, "round %u, %s lcore: %u allocations of "
				"%zu B failed with ENOMEM without a limit", round,
				k ? "worker" : "main", r->n_nomem, size);
			nomem += r->n_nomem;
		}
		TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		TEST_ASSERT_EQUAL(st.objs_in_use, 0, "round %u: %" PRIu64 " objects live",
			round, st.objs_in_use);
		dirty = st.bytes_backing != 0;
		if (dirty) {
			if (left == 0)
				printf("fastmem_reliability: round %u: %" PRIu64
					" B of backing left after flush and trim\n",
					round, st.bytes_backing);
			left++;
			max_left = RTE_MAX(max_left, st.bytes_backing);
		}
	}
	printf("fastmem_reliability: trim race %zu B x %u-%u: backing left in %u of %u rounds "
		"(max %" PRIu64 " B), %" PRIu64 " concurrent trims, %u ENOMEM, %.2f s\n", size,
		min_count, max_count, left, rounds, max_left, rel.trims, nomem,
		(double)(rte_get_timer_cycles() - cycles) / rte_get_timer_hz());
	TEST_ASSERT_EQUAL(left, 0, "backing left after flush and trim in %u of %u rounds "
		"(up to %" PRIu64 " B)", left, rounds, max_left);
	return TEST_SUCCESS;
}

/* Once all is freed and flushed, trim returns every memzone, even after concurrent trims. */
static int
test_trim_race(void)
{
	return trim_race(TRIM_OBJ_SIZE, TRIM_MIN_OBJS, TRIM_OBJS, TRIM_ROUNDS);
}

/*
 * rte_fastmem_set_limit() on a node id in range that EAL cannot allocate on
 * fails with -ENXIO, like rte_fastmem_reserve() and
 * rte_fastmem_alloc_socket(), and changes no limit: neither the other
 * nodes' nor that node's (rte_fastmem_get_limit() does not report the
 * refused value).
 */
static int
test_limit_node_without_memory(void)
{
	size_t before[RTE_MAX_NUMA_NODES], refused = 6 * MIB, lim;
	int node = -1, id, rc;
	bool valid[RTE_MAX_NUMA_NODES];

	for (id = 0; id < RTE_MAX_NUMA_NODES; id++) {
		rc = rte_fastmem_reserve(0, id);
		TEST_ASSERT(rc == 0 || rc == -ENXIO, "reserve(0, %d): %d", id, rc);
		valid[id] = rc == 0;
		if (!valid[id] && node < 0)
			node = id;
	}
	if (node < 0) {
		printf("fastmem_reliability: every node below %d has memory, skipped\n",
			RTE_MAX_NUMA_NODES);
		return TEST_SKIPPED;
	}
	/* The node is refused by the allocation calls. */
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, node), "alloc on node %d", node);
	TEST_ASSERT_EQUAL(rte_errno, ENXIO, "alloc on node %d: %s", node,
		rte_strerror(rte_errno));
	/* Distinct limits on the valid nodes, to see that none moves. */
	for (id = 0; id < RTE_MAX_NUMA_NODES; id++) {
		if (!valid[id])
			continue;
		TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(id, (64 + (size_t)id * 2) * MIB),
			"set_limit(%d)", id);
		before[id] = rte_fastmem_get_limit(id);
		TEST_ASSERT_EQUAL(before[id], (64 + (size_t)id * 2) * MIB, "node %d", id);
	}
	rc = rte_fastmem_set_limit(node, refused);
	TEST_ASSERT_EQUAL(rc, -ENXIO, "set_limit(%d, %zu) on a node without memory: %d, "
		"expected -ENXIO", node, refused, rc);
	for (id = 0; id < RTE_MAX_NUMA_NODES; id++)
		if (valid[id])
			TEST_ASSERT_EQUAL(rte_fastmem_get_limit(id), before[id],
				"node %d: limit changed by set_limit(%d)", id, node);
	lim = rte_fastmem_get_limit(node);
	TEST_ASSERT_NOT_EQUAL(lim, refused, "node %d: the refused limit was recorded", node);
	printf("fastmem_reliability: node %d has no memory: set_limit gives -ENXIO\n", node);
	return TEST_SUCCESS;
}

/* Hog allocations: enough for EAL's heap with --no-huge -m 1024. */
#define HOG_MAX 4096

struct nomem_arg {
	void *obj;
	int err;
};

/* A thread without an lcore id: its first fastmem call. */
static uint32_t
nomem_alloc(void *arg)
{
	struct nomem_arg *a = arg;

	rte_errno = 0;
	a->obj = rte_fastmem_alloc(64, 0, 0);
	a->err = rte_errno;
	return 0;
}

static int
alloc_in_thread(struct nomem_arg *a)
{
	rte_thread_t t;

	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, nomem_alloc, a), "thread");
	TEST_ASSERT_SUCCESS(rte_thread_join(t, NULL), "join");
	return TEST_SUCCESS;
}

/*
 * With EAL's heap exhausted, the first allocation on a node fastmem has
 * not used yet fails: fastmem has no memory for the node's bins. It must
 * fail as any allocation without memory does (NULL, ENOMEM, counted),
 * and fastmem must allocate once the memory is back. Only without
 * hugepages: with them, EAL would take every free hugepage of the machine.
 */
static int
test_nomem_first_use(void)
{
	static void *hog[HOG_MAX];
	struct rte_fastmem_stats before, after;
	struct nomem_arg a = { 0 };
	unsigned int n = 0, i;
	size_t size;
	int rc;

	if (rte_eal_has_hugepages()) {
		printf("fastmem_reliability: %s needs --no-huge, skipped\n", __func__);
		return TEST_SKIPPED;
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&before), "stats");
	for (size = 64 * MIB; size >= 64 && n < HOG_MAX; size /= 2)
		while (n < HOG_MAX && (hog[n] = rte_malloc("hog", size, 0)) != NULL)
			n++;
	rc = alloc_in_thread(&a);
	for (i = 0; i < n; i++)
		rte_free(hog[i]);
	if (rc != TEST_SUCCESS)
		return rc;
	TEST_ASSERT(n < HOG_MAX, "EAL's heap not exhausted by %u allocations", n);
	TEST_ASSERT(a.obj == NULL && a.err == ENOMEM, "without memory: %p, errno %d",
		a.obj, a.err);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&after), "stats");
	TEST_ASSERT(after.alloc_nomem > before.alloc_nomem, "ENOMEM not counted");
	TEST_ASSERT_SUCCESS(alloc_in_thread(&a), "again");
	TEST_ASSERT(a.obj != NULL, "with memory back: errno %d", a.err);
	rte_fastmem_free(a.obj);
	return TEST_SUCCESS;
}

/* Objects of one bulk call: more than the largest cache of its class (1024 objects). */
#define BULK_BEYOND 3000u
#define BULK_SIZE 4096u

static int
test_bulk_beyond_cache(void)
{
	static void *objs[BULK_BEYOND];
	struct rte_fastmem_stats st;
	uint64_t live, backing;
	unsigned int i, j;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	live = st.objs_in_use;
	/* Room for a third of the request: 4 MiB of segments. */
	backing = st.bytes_backing + 4 * MIB;
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, backing), "limit");
	for (i = 0; i < BULK_BEYOND; i++)
		objs[i] = &objs[i];
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(objs, BULK_BEYOND, BULK_SIZE, 0, 0), -ENOMEM,
		"%u objects of %u B under a limit", BULK_BEYOND, BULK_SIZE);
	for (i = 0; i < BULK_BEYOND; i++)
		TEST_ASSERT(objs[i] == &objs[i], "a failed bulk wrote entry %u", i);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, live, "a failed bulk holds %" PRIu64 " objects",
		st.objs_in_use - live);

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "no limit");
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, BULK_BEYOND, BULK_SIZE, 0, 0),
		"%u objects of %u B", BULK_BEYOND, BULK_SIZE);
	for (i = 0; i < BULK_BEYOND; i++) {
		TEST_ASSERT(objs[i] != &objs[i] && objs[i] != NULL, "entry %u not written", i);
		memset(objs[i], (int)i, BULK_SIZE);
	}
	for (i = 0; i < BULK_BEYOND; i++)
		for (j = 0; j < BULK_SIZE; j += 512)
			TEST_ASSERT_EQUAL(((uint8_t *)objs[i])[j], (uint8_t)i,
				"object %u overlaps another at byte %u", i, j);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, live + BULK_BEYOND, "objects live");
	rte_fastmem_free_bulk(objs, BULK_BEYOND);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, live, "objects live after the free");
	return TEST_SUCCESS;
}

/* Bad frees of one burst: far more than a second's data-path log lines. */
#define BAD_FREES 1000u

static int
test_bad_free_log_limited(void)
{
	FILE *saved = rte_log_get_stream(), *log;
	unsigned int i, lines = 0;
	char *text = NULL, *p;
	char bad_text[32];
	size_t len = 0;
	void *large, *bad;

	/* Inside a large object: not an object, and its header says so. */
	large = rte_fastmem_alloc(MIB, 0, 0);
	TEST_ASSERT_NOT_NULL(large, "large object");
	bad = RTE_PTR_ADD(large, 64);
	snprintf(bad_text, sizeof(bad_text), "%p", bad);
	log = open_memstream(&text, &len);
	TEST_ASSERT_NOT_NULL(log, "memstream");
	TEST_ASSERT_SUCCESS(rte_openlog_stream(log), "log stream");
	for (i = 0; i < BAD_FREES; i++)
		rte_fastmem_free(bad);
	/* The next second's first line says how many were left out. */
	rte_delay_ms(1100);
	rte_fastmem_free(bad);
	rte_openlog_stream(saved);
	fclose(log);
	rte_fastmem_free(large);
	for (p = text; p != NULL && (p = strstr(p, bad_text)) != NULL; p++)
		lines++;
	TEST_ASSERT(text != NULL && strstr(text, "more lines of errors were not logged") != NULL,
		"no line about the lines left out:\n%s", text == NULL ? "" : text);
	free(text);
	TEST_ASSERT(lines >= 2 && lines <= 40, "%u of %u bad frees logged", lines, BAD_FREES + 1);
	return TEST_SUCCESS;
}

static struct unit_test_suite fastmem_reliability_suite = {
	.suite_name = "fastmem reliability autotest",
	.unit_test_cases = {
		TEST_CASE_ST(rel_setup, rel_teardown, test_limit_race_large),
		TEST_CASE_ST(rel_setup, rel_teardown, test_limit_race_mixed),
		TEST_CASE_ST(rel_setup, rel_teardown, test_trim_race),
		TEST_CASE_ST(rel_setup, rel_teardown, test_limit_node_without_memory),
		TEST_CASE_ST(rel_setup, rel_teardown, test_nomem_first_use),
		TEST_CASE_ST(rel_setup, rel_teardown, test_bulk_beyond_cache),
		TEST_CASE_ST(rel_setup, rel_teardown, test_bad_free_log_limited),
		TEST_CASES_END()
	}
};

static int
test_fastmem_reliability(void)
{
	return unit_test_suite_runner(&fastmem_reliability_suite);
}

REGISTER_FAST_TEST(fastmem_reliability_autotest, true, true, test_fastmem_reliability);
