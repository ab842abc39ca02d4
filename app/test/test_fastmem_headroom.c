/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_headroom_autotest: free memory kept ready by a control thread
 * (rte_fastmem_set_headroom(), rte_fastmem_get_headroom(), and the node
 * statistics of rte_fastmem_stats_node()), through the public API only.
 *
 * - test_headroom_uninitialized: the calls fail with ENODEV before init.
 * - test_headroom_args: bad node ids, a node EAL cannot allocate on, a
 *   headroom above the limit, no stats buffer: documented results,
 *   nothing changed.
 * - test_headroom_ready: the call returns with the headroom free.
 * - test_headroom_ramp: a steady ramp of allocations never waits for a
 *   growth (grows_inline stays 0) and the thread keeps the headroom.
 * - test_headroom_burst: a burst far beyond the headroom still succeeds,
 *   and the growths it waited for are counted.
 * - test_headroom_limit: the limit wins over the headroom.
 * - test_headroom_trim_decay: trim and the decay give back what is free
 *   above the headroom and keep it; headroom 0 gives it all back.
 * - test_headroom_deinit_busy: deinit while the thread grows the node.
 *
 * A secondary's allocations waking the primary's thread are in
 * fastmem_mp_autotest.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "test.h"

#define MIB ((size_t)1 << 20)
#define OBJ_SIZE 4096
/* Objects of the ramp and burst cases: 128 MiB of them. */
#define MAX_OBJS (128 * MIB / OBJ_SIZE)
/* How long the cases wait for the thread at most. */
#define WAIT_MS 2000

static void *objs[MAX_OBJS];

static int
fm_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init failed");
	return TEST_SUCCESS;
}

static void
fm_teardown(void)
{
	rte_fastmem_deinit();
}

/* The node the calling lcore allocates on. */
static int
home(void)
{
	return rte_fastmem_lcore_node(rte_lcore_id());
}

static struct rte_fastmem_node_stats
node_stats(void)
{
	struct rte_fastmem_node_stats s = { 0 };

	rte_fastmem_stats_node(home(), &s);
	return s;
}

/* Wait up to WAIT_MS for the home node to have at least @p bytes free in its segments. */
static bool
wait_free(uint64_t bytes)
{
	unsigned int ms;

	for (ms = 0; ms < WAIT_MS; ms++) {
		if (node_stats().bytes_free_slabs >= bytes)
			return true;
		rte_delay_ms(1);
	}
	return false;
}

/* Allocate objs[from, to) of OBJ_SIZE, @p batch at a time, @p pause_us between batches. */
static int
alloc_range(unsigned int from, unsigned int to, unsigned int batch, unsigned int pause_us)
{
	unsigned int i, n;
	int rc;

	for (i = from; i < to; i += n) {
		n = RTE_MIN(batch, to - i);
		rc = rte_fastmem_alloc_bulk(&objs[i], n, OBJ_SIZE, 0, 0);
		TEST_ASSERT_SUCCESS(rc, "alloc_bulk at %u: %s", i, rte_strerror(-rc));
		if (pause_us != 0)
			rte_delay_us_sleep(pause_us);
	}
	return TEST_SUCCESS;
}

static void
free_range(unsigned int from, unsigned int to)
{
	rte_fastmem_free_bulk(&objs[from], to - from);
}

static int
test_headroom_uninitialized(void)
{
	struct rte_fastmem_node_stats s;

	TEST_ASSERT_EQUAL(rte_fastmem_stats_node(0, &s), -ENODEV, "stats_node");
	TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(SOCKET_ID_ANY, MIB), -ENODEV, "set");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(0), 0, "get");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "get errno %d", rte_errno);
	return TEST_SUCCESS;
}

static int
test_headroom_args(void)
{
	struct rte_fastmem_node_stats s;
	int node = home();

	TEST_ASSERT_EQUAL(rte_fastmem_stats_node(node, NULL), -EINVAL, "stats_node NULL");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_node(-1, &s), -EINVAL, "stats_node -1");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_node(SOCKET_ID_ANY, &s), -EINVAL, "stats_node any");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_node(4096, &s), -EINVAL, "stats_node 4096");

	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 0, "default");
	TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(-7, MIB), -EINVAL, "node -7");
	TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(4096, MIB), -EINVAL, "node 4096");
	if (rte_socket_count() < RTE_MAX_NUMA_NODES)
		TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(RTE_MAX_NUMA_NODES - 1, MIB), -ENXIO,
			"node without memory");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(SOCKET_ID_ANY), 0, "get any");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "get any errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(-7), 0, "get -7");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "get -7 errno %d", rte_errno);

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(node, 4 * MIB), "set");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 4 * MIB, "get");
	/* Above the limit: refused, the headroom as it was. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, 8 * MIB), "limit");
	TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(node, 8 * MIB + 1), -ERANGE, "above");
	TEST_ASSERT_EQUAL(rte_fastmem_set_headroom(SOCKET_ID_ANY, 16 * MIB), -ERANGE,
		"above, every node");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 4 * MIB, "changed by a refusal");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, SIZE_MAX), "no limit");
	/* Every node EAL allocates on, the caller's among them. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(SOCKET_ID_ANY, 2 * MIB), "set any");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 2 * MIB, "get after set any");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(SOCKET_ID_ANY, 0), "off");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 0, "get after off");
	return TEST_SUCCESS;
}

/* The call returns with the headroom free, grown ahead of demand. */
static int
test_headroom_ready(void)
{
	struct rte_fastmem_node_stats before = node_stats(), after;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 16 * MIB), "set");
	after = node_stats();
	TEST_ASSERT(after.bytes_free_slabs >= 16 * MIB, "%" PRIu64 " B free",
		after.bytes_free_slabs);
	TEST_ASSERT_EQUAL(after.headroom, 16 * MIB, "headroom in the stats");
	TEST_ASSERT(after.grows_ahead > before.grows_ahead, "no growth ahead");
	TEST_ASSERT_EQUAL(after.grows_inline, before.grows_inline, "an inline growth");
	return TEST_SUCCESS;
}

/*
 * A ramp to 64 MiB live, 1 MiB every 5 ms, with 32 MiB of headroom: the
 * thread keeps ahead (no allocation waits for a growth), and the headroom
 * is there again at the end.
 */
static int
test_headroom_ramp(void)
{
	const unsigned int n = 64 * MIB / OBJ_SIZE;
	struct rte_fastmem_node_stats before, after;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 32 * MIB), "set");
	before = node_stats();
	rc = alloc_range(0, n, MIB / OBJ_SIZE, 5000);
	after = node_stats();
	if (rc == TEST_SUCCESS && !wait_free(32 * MIB))
		rc = TEST_FAILED;
	free_range(0, rc == TEST_SUCCESS ? n : 0);
	TEST_ASSERT_SUCCESS(rc, "ramp, or the headroom not back after it");
	TEST_ASSERT_EQUAL(after.grows_inline, before.grows_inline,
		"%" PRIu64 " inline growths in a ramp", after.grows_inline - before.grows_inline);
	TEST_ASSERT(after.grows_ahead > before.grows_ahead, "the thread did not grow the node");
	return TEST_SUCCESS;
}

/*
 * 128 MiB at once with 2 MiB of headroom: the burst succeeds, growing the
 * node itself, and says so. Checked builds (debug, ASan) allocate so
 * slowly that the thread may keep up: there only the success counts.
 */
static int
test_headroom_burst(void)
{
	struct rte_fastmem_node_stats before, after;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 2 * MIB), "set");
	before = node_stats();
	rc = alloc_range(0, MAX_OBJS, MAX_OBJS, 0);
	after = node_stats();
	if (rc == TEST_SUCCESS)
		free_range(0, MAX_OBJS);
	TEST_ASSERT_SUCCESS(rc, "burst");
	TEST_ASSERT(__RTE_FASTMEM_CHECKED || after.grows_inline > before.grows_inline,
		"no inline growth counted");
	return TEST_SUCCESS;
}

/* The limit wins: a headroom the limit leaves no room for stops at the limit. */
static int
test_headroom_limit(void)
{
	const unsigned int n = 12 * MIB / OBJ_SIZE;
	struct rte_fastmem_node_stats s;
	unsigned int ms;
	int node = home();

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, 16 * MIB), "limit");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(node, 8 * MIB), "set");
	TEST_ASSERT_EQUAL(alloc_range(0, n, n, 0), TEST_SUCCESS, "12 MiB live");
	for (ms = 0; ms < 50; ms++) {
		s = node_stats();
		if (s.bytes_backing > 16 * MIB) {
			free_range(0, n);
			TEST_ASSERT(false, "%" PRIu64 " B of backing above a 16 MiB limit",
				s.bytes_backing);
		}
		rte_delay_ms(1);
	}
	free_range(0, n);
	/* A limit below a headroom set before it: allowed, and it wins. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, 4 * MIB), "lower limit");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(node), 8 * MIB, "headroom");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, SIZE_MAX), "no limit");
	return TEST_SUCCESS;
}

/*
 * With 8 MiB of headroom and 64 MiB freed: trim and the decay give back
 * what is free above it, and keep it; headroom 0 then lets trim give back
 * everything.
 */
static int
test_headroom_trim_decay(void)
{
	const unsigned int n = 64 * MIB / OBJ_SIZE;
	struct rte_fastmem_node_stats s;
	unsigned int ms;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 8 * MIB), "set");
	TEST_ASSERT_EQUAL(alloc_range(0, n, n, 0), TEST_SUCCESS, "64 MiB");
	free_range(0, n);
	rte_fastmem_cache_flush();
	TEST_ASSERT(rte_fastmem_trim() > 0, "trim released nothing");
	s = node_stats();
	TEST_ASSERT(s.bytes_free_slabs >= 8 * MIB && s.bytes_backing < 64 * MIB,
		"after trim: %" PRIu64 " B backing, %" PRIu64 " B free", s.bytes_backing,
		s.bytes_free_slabs);

	TEST_ASSERT_EQUAL(alloc_range(0, n, n, 0), TEST_SUCCESS, "64 MiB again");
	free_range(0, n);
	rte_fastmem_cache_flush();
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(10), "decay");
	for (ms = 0; ms < WAIT_MS; ms++) {
		s = node_stats();
		if (s.bytes_backing < 64 * MIB)
			break;
		rte_delay_ms(1);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(0), "decay off");
	TEST_ASSERT(ms < WAIT_MS, "the decay gave nothing back: %" PRIu64 " B backing",
		s.bytes_backing);
	TEST_ASSERT(node_stats().bytes_free_slabs >= 8 * MIB, "the decay took the headroom");

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 0), "off");
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_EQUAL(node_stats().bytes_backing, 0, "backing left");
	return TEST_SUCCESS;
}

/* Deinit while the thread grows the node for a large headroom; init again after. */
static int
test_headroom_deinit_busy(void)
{
	const unsigned int n = 32 * MIB / OBJ_SIZE;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(home(), 64 * MIB), "set");
	/* Take most of it at once: the thread starts growing the node again. */
	TEST_ASSERT_EQUAL(alloc_range(0, n, n, 0), TEST_SUCCESS, "32 MiB");
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init again");
	TEST_ASSERT_EQUAL(rte_fastmem_get_headroom(home()), 0, "headroom after init");
	TEST_ASSERT_EQUAL(alloc_range(0, 16, 16, 0), TEST_SUCCESS, "alloc after init");
	free_range(0, 16);
	return TEST_SUCCESS;
}

static struct unit_test_suite headroom_suite = {
	.suite_name = "fastmem headroom autotest",
	.unit_test_cases = {
		TEST_CASE(test_headroom_uninitialized),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_args),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_ready),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_ramp),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_burst),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_limit),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_trim_decay),
		TEST_CASE_ST(fm_setup, fm_teardown, test_headroom_deinit_busy),
		TEST_CASES_END()
	}
};

static int
test_fastmem_headroom(void)
{
	return unit_test_suite_runner(&headroom_suite);
}

REGISTER_FAST_TEST(fastmem_headroom_autotest, true, true, test_fastmem_headroom);
