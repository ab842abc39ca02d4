/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_decay_autotest: memory that comes back, through the public API
 * only: the decay returns free memory to EAL on its own and keeps what was
 * reserved; trim returns free memzones while another lcore keeps a warm
 * cache; the depots' arrays come back with trim; bad decay arguments.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <rte_fastmem.h>

#include "fastmem_test_util.h"
#include "test.h"

#define MIB (UINT64_C(1) << 20)
#define N_OBJS 2048
#define OBJ_SIZE 4096

static void *objs[N_OBJS];

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

/* Allocate and free N_OBJS objects of @p size, leaving them free in the allocator. */
static int
churn(size_t size)
{
	unsigned int i;

	for (i = 0; i < N_OBJS; i++) {
		objs[i] = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %u", i);
	}
	rte_fastmem_free_bulk(objs, N_OBJS);
	return TEST_SUCCESS;
}

/* Wait up to @p ms for the backing to drop to at most @p bytes; the time it took, or -1. */
static int
wait_backing_at_most(uint64_t bytes, unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t++) {
		if (fm_test_backing_bytes() <= bytes)
			return (int)t;
		rte_delay_ms(1);
	}
	return -1;
}

/* Bad arguments get documented errors and change nothing. */
static int
test_decay_args(void)
{
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 0, "decay is off by default");
	TEST_ASSERT_EQUAL(rte_fastmem_set_decay(3600001), -EINVAL, "above an hour");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 0, "a refused decay changed it");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(3600000), "an hour");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 3600000, "get after set");
	TEST_ASSERT_EQUAL(rte_fastmem_set_decay(UINT32_MAX), -EINVAL, "UINT32_MAX");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 3600000, "a refused decay changed it");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(0), "off");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 0, "off again");
	return TEST_SUCCESS;
}

/* Without initialization both calls fail with ENODEV. */
static int
test_decay_uninitialized(void)
{
	TEST_ASSERT_EQUAL(rte_fastmem_set_decay(10), -ENODEV, "set before init");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), -ENODEV, "get before init");
	return TEST_SUCCESS;
}

/*
 * Free memory comes back on its own with a decay, not without one; and
 * deinit stops the decay (the next init has none).
 */
static int
test_decay_returns_memory(void)
{
	uint64_t heap_before, held;
	int ms;

	heap_before = fm_test_heap_used();
	TEST_ASSERT_SUCCESS(churn(OBJ_SIZE), "churn");
	rte_fastmem_cache_flush();
	held = fm_test_backing_bytes();
	TEST_ASSERT(held >= N_OBJS * OBJ_SIZE, "backing %" PRIu64 " B", held);
	/* No decay: nothing comes back by itself. */
	rte_delay_ms(200);
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), held, "backing changed without decay");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(50), "set_decay");
	ms = wait_backing_at_most(0, 3000);
	TEST_ASSERT(ms >= 0, "backing still %" PRIu64 " B 3 s after a 50 ms decay",
		fm_test_backing_bytes());
	printf("fastmem_decay: %" PRIu64 " B back to EAL %d ms after the decay was set "
		"(decay 50 ms)\n", held, ms);
	/* The decay also freed the depots' arrays: EAL has all but the caches' arrays back. */
	TEST_ASSERT(fm_test_heap_used() <= heap_before + MIB, "EAL heap %" PRIu64 " B, %" PRIu64
		" B before the churn", fm_test_heap_used(), heap_before);
	/* Memory freed later comes back too, not sooner than the decay time. */
	TEST_ASSERT_SUCCESS(churn(OBJ_SIZE), "churn again");
	rte_fastmem_cache_flush();
	TEST_ASSERT(fm_test_backing_bytes() > 0, "no backing after a churn");
	ms = wait_backing_at_most(0, 3000);
	TEST_ASSERT(ms >= 40, "backing back after %d ms, before the 50 ms decay", ms);
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init again");
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), 0, "decay outlived deinit");
	return TEST_SUCCESS;
}

/* The decay keeps what rte_fastmem_reserve() asked for. */
static int
test_decay_keeps_reserve(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 * MIB, SOCKET_ID_ANY), "reserve");
	TEST_ASSERT_SUCCESS(churn(OBJ_SIZE), "churn");
	TEST_ASSERT_SUCCESS(churn(64 * 1024), "churn 64 KiB");
	rte_fastmem_cache_flush();
	TEST_ASSERT(fm_test_backing_bytes() > 16 * MIB, "backing %" PRIu64 " B",
		fm_test_backing_bytes());
	TEST_ASSERT_SUCCESS(rte_fastmem_set_decay(20), "set_decay");
	rte_delay_ms(500);
	TEST_ASSERT(fm_test_backing_bytes() >= 16 * MIB, "decay took the reserve: %" PRIu64 " B",
		fm_test_backing_bytes());
	TEST_ASSERT(fm_test_backing_bytes() < 16 * MIB + 128 * MIB, "backing %" PRIu64 " B",
		fm_test_backing_bytes());
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "trim keeps no reserve");
	return TEST_SUCCESS;
}

static RTE_ATOMIC(int) warm_state;/* 1: the worker's cache is warm; 2: it may flush */

/* Worker: keeps a warm cache of 256 B objects until told to flush. */
static int
warm_worker(void *arg __rte_unused)
{
	void *mine[256];
	unsigned int i;

	for (i = 0; i < RTE_DIM(mine); i++) {
		mine[i] = rte_fastmem_alloc(256, 0, 0);
		if (mine[i] == NULL)
			return -1;
	}
	rte_fastmem_free_bulk(mine, RTE_DIM(mine));
	rte_atomic_store_explicit(&warm_state, 1, rte_memory_order_release);
	while (rte_atomic_load_explicit(&warm_state, rte_memory_order_acquire) != 2)
		rte_pause();
	rte_fastmem_cache_flush();
	return 0;
}

/* trim returns wholly free memzones while another lcore keeps a warm cache. */
static int
test_trim_with_warm_cache(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	uint64_t with_worker;
	int64_t released;

	if (worker >= RTE_MAX_LCORE) {
		printf("fastmem_decay: needs a second lcore, skipped\n");
		return TEST_SKIPPED;
	}
	rte_atomic_store_explicit(&warm_state, 0, rte_memory_order_relaxed);
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(warm_worker, NULL, worker), "launch");
	while (rte_atomic_load_explicit(&warm_state, rte_memory_order_acquire) != 1)
		rte_pause();
	with_worker = fm_test_backing_bytes();
	TEST_ASSERT_SUCCESS(churn(OBJ_SIZE), "churn");
	rte_fastmem_cache_flush();
	released = rte_fastmem_trim();
	TEST_ASSERT(released >= (int64_t)(4 * MIB), "trim released %" PRId64 " B", released);
	TEST_ASSERT(fm_test_backing_bytes() <= with_worker, "backing %" PRIu64 " B, %" PRIu64
		" B before the churn", fm_test_backing_bytes(), with_worker);
	TEST_ASSERT(fm_test_backing_bytes() > 0, "the worker's warm cache holds no backing");
	rte_atomic_store_explicit(&warm_state, 2, rte_memory_order_release);
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker");
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "backing left");
	return TEST_SUCCESS;
}

static struct unit_test_suite decay_suite = {
	.suite_name = "fastmem decay autotest",
	.unit_test_cases = {
		TEST_CASE(test_decay_uninitialized),
		TEST_CASE_ST(fm_setup, fm_teardown, test_decay_args),
		TEST_CASE_ST(fm_setup, fm_teardown, test_decay_returns_memory),
		TEST_CASE_ST(fm_setup, fm_teardown, test_decay_keeps_reserve),
		TEST_CASE_ST(fm_setup, fm_teardown, test_trim_with_warm_cache),
		TEST_CASES_END()
	}
};

static int
test_fastmem_decay(void)
{
	return unit_test_suite_runner(&decay_suite);
}

REGISTER_FAST_TEST(fastmem_decay_autotest, true, true, test_fastmem_decay);
