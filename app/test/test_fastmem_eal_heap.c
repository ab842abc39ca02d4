/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_eal_heap_autotest: the hugepages EAL maps for fastmem's memory,
 * and gives back. It needs a heap that grows: hugepages without -m (the
 * meson suites run it so), since with -m or --no-huge EAL's heap has all
 * its memory from the start; it skips when the heap did not grow.
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "test.h"
#include "fastmem_test_util.h"

#define MIB (UINT64_C(1) << 20)
/* 24 MiB of 64 KiB objects: a dozen memzones of one segment each. */
#define N_OBJS 384
#define OBJ_SIZE (64 * 1024)

/* Bytes of hugepages EAL's heap of @p socket has mapped. */
static uint64_t
heap_mapped(int socket)
{
	struct rte_malloc_socket_stats s;

	return rte_malloc_get_socket_stats(socket, &s) == 0 ? s.heap_totalsz_bytes : 0;
}

/*
 * A node that grows by memzones of one segment makes EAL map a hugepage
 * per segment, plus a page or two, not two per segment: each memzone
 * leaves EAL a tail, where the next one's malloc header goes. Freed and
 * trimmed, the segments' hugepages go back to the system.
 */
static int
test_hugepages_per_segment(void)
{
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	uint64_t start, mapped, backing, left;
	static void *objs[N_OBJS];
	unsigned int i;

	if (!rte_eal_has_hugepages())
		return TEST_SKIPPED;
	TEST_ASSERT(node >= 0, "lcore node %d", node);
	start = heap_mapped(node);
	for (i = 0; i < N_OBJS; i++) {
		objs[i] = rte_fastmem_alloc_socket(OBJ_SIZE, 0, 0, node);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %u: %s", i, rte_strerror(rte_errno));
		fm_test_fill(objs[i], OBJ_SIZE, i);
	}
	mapped = heap_mapped(node) - start;
	backing = fm_test_backing_bytes();
	printf("%" PRIu64 " MiB of segments, EAL mapped %" PRIu64 " MiB more\n",
		backing / MIB, mapped / MIB);
	if (mapped == 0) {
		printf("EAL's heap did not grow (-m or legacy memory): not measured\n");
		for (i = 0; i < N_OBJS; i++)
			rte_fastmem_free(objs[i]);
		return TEST_SKIPPED;
	}
	TEST_ASSERT(backing >= (uint64_t)N_OBJS * OBJ_SIZE, "backing %" PRIu64 " B", backing);
	TEST_ASSERT(mapped <= backing + backing / 2, "EAL mapped %" PRIu64
		" B for %" PRIu64 " B of segments", mapped, backing);
	for (i = 0; i < N_OBJS; i++) {
		TEST_ASSERT_EQUAL(fm_test_check(objs[i], OBJ_SIZE, i), OBJ_SIZE,
			"object %u overwritten", i);
		rte_fastmem_free(objs[i]);
	}
	rte_fastmem_cache_flush();
	TEST_ASSERT(rte_fastmem_trim() > 0, "trim gave nothing back");
	left = heap_mapped(node) - start;
	printf("after free and trim: %" PRIu64 " MiB of segments, EAL keeps %" PRIu64
		" MiB more than at the start\n", fm_test_backing_bytes() / MIB, left / MIB);
	/* The memzones of the objects' pages are gone, and their hugepages. */
	TEST_ASSERT(left <= mapped / 4, "EAL still maps %" PRIu64 " of %" PRIu64 " B",
		left, mapped);
	return TEST_SUCCESS;
}

static int
eal_heap_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init failed");
	return TEST_SUCCESS;
}

static void
eal_heap_teardown(void)
{
	rte_fastmem_deinit();
}

static struct unit_test_suite fastmem_eal_heap_suite = {
	.suite_name = "fastmem EAL heap",
	.unit_test_cases = {
		TEST_CASE_ST(eal_heap_setup, eal_heap_teardown, test_hugepages_per_segment),
		TEST_CASES_END()
	}
};

static int
test_fastmem_eal_heap(void)
{
	return unit_test_suite_runner(&fastmem_eal_heap_suite);
}

REGISTER_FAST_TEST(fastmem_eal_heap_autotest, false, true, test_fastmem_eal_heap);
