/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_debug_autotest: the checks of debug builds (-Dfastmem_debug=true)
 * and AddressSanitizer builds. Each case provokes one kind of application
 * bug, checks that it was reported (counted, and fatal when asked), and
 * that the allocator still works afterwards. Cases skip in builds without
 * the check they need.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_memzone.h>

#include <rte_fastmem.h>

#include "fastmem_debug.h"
#include "fastmem_state.h"
#include "test.h"

static int
dbg_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	return TEST_SUCCESS;
}

static void
dbg_teardown(void)
{
	rte_fastmem_deinit();
}

static uint64_t
detections(enum fastmem_dbg_kind kind)
{
	return fastmem_dbg_count(fastmem_state_get(), kind);
}

/* The allocator serves and takes back objects correctly after a detection. */
static int
still_works(void)
{
	void *objs[300];
	unsigned int i;

	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(16 + i * 8, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc after a detection");
		memset(objs[i], (int)i, 16 + i * 8);
	}
	for (i = 0; i < RTE_DIM(objs); i++) {
		TEST_ASSERT_EQUAL(((uint8_t *)objs[i])[15 + i * 8], (uint8_t)i, "corrupted");
		rte_fastmem_free(objs[i]);
	}
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_USE_AFTER_FREE) +
		detections(FASTMEM_DBG_OVERFLOW), 0, "clean objects reported");
	return TEST_SUCCESS;
}

static int
need_debug(void)
{
	if (!(fastmem_dbg_mode() & FASTMEM_DBG_MODE_DEBUG)) {
		printf("not a debug build (-Dfastmem_debug=true)\n");
		return TEST_SKIPPED;
	}
	return dbg_setup();
}

static int
test_double_free(void)
{
	void *p = rte_fastmem_alloc(64, 0, 0);

	TEST_ASSERT_NOT_NULL(p, "alloc");
	rte_fastmem_free(p);
	rte_fastmem_free(p);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_DOUBLE_FREE), 1, "double free not reported");
	/* The object went into the cache once: two allocations give two objects. */
	p = rte_fastmem_alloc(64, 0, 0);
	TEST_ASSERT(p != NULL && p != rte_fastmem_alloc(64, 0, 0), "object handed out twice");
	return still_works();
}

static int
test_bad_pointers(void)
{
	const struct rte_memzone *mz;
	uint8_t *p = rte_fastmem_alloc(256, 0, 0);
	int on_stack;

	TEST_ASSERT_NOT_NULL(p, "alloc");
	rte_fastmem_free(p + 16);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_BAD_POINTER), 1, "interior pointer");
	rte_fastmem_free(&on_stack);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_BAD_POINTER), 2, "stack pointer");
	mz = rte_memzone_reserve("fastmem_dbg_other", 4096, SOCKET_ID_ANY, 0);
	TEST_ASSERT_NOT_NULL(mz, "memzone");
	rte_fastmem_free(RTE_PTR_ADD(mz->addr, 64));
	rte_memzone_free(mz);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_BAD_POINTER), 3, "pointer into another memzone");
	/* Further into its segment, no object's start: a slot never handed out or a free slice. */
	rte_fastmem_free(p + 256 * 1000);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_BAD_POINTER), 4, "never allocated slot");
	rte_fastmem_free(p);
	return still_works();
}

static int
test_handle_mismatch(void)
{
	rte_fastmem_handle_t small, big;
	struct rte_fastmem_stats st;
	void *p;

	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &small), "lookup");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(1000, 0, SOCKET_ID_ANY, &big), "lookup");
	p = rte_fastmem_halloc(small, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc");
	rte_fastmem_hfree(big, p);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_HANDLE_MISMATCH), 1, "mismatch not reported");
	/* ... and the object was still freed where it belongs. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, 0, "object not freed");
	TEST_ASSERT_EQUAL(rte_fastmem_halloc(small, 0), p, "object not back in its class");
	rte_fastmem_hfree(small, p);
	return still_works();
}

static int
test_overflow(void)
{
	uint8_t *p = rte_fastmem_alloc(100, 0, 0);

	TEST_ASSERT_NOT_NULL(p, "alloc");
	memset(p, 1, 100);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_OVERFLOW), 0, "in-bounds writes reported");
	p[100] = 1;
	rte_fastmem_free(p);
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_OVERFLOW), 1, "overflow not reported");
	/* Reset the counter view: still_works() wants no new reports. */
	fastmem_state_get()->dbg_errors[FASTMEM_DBG_OVERFLOW] = 0;
	return still_works();
}

static int
test_use_after_free(void)
{
	uint8_t *p = rte_fastmem_alloc(200, 0, 0), *q;

	TEST_ASSERT_NOT_NULL(p, "alloc");
	rte_fastmem_free(p);
	p[50] = 7;
	/* LIFO: the next object of the class is the one just freed. */
	q = rte_fastmem_alloc(200, 0, 0);
	TEST_ASSERT_EQUAL(q, p, "not the same object");
	TEST_ASSERT_EQUAL(detections(FASTMEM_DBG_USE_AFTER_FREE), 1, "write after free");
	rte_fastmem_free(q);
	fastmem_state_get()->dbg_errors[FASTMEM_DBG_USE_AFTER_FREE] = 0;
	return still_works();
}

/* Run fn in a child process; return its wait status, and its stderr in out. */
static int
in_child(void (*fn)(void), char *out, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (pid > 0 && got + 1 < len && (n = read(fds[0], out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void
child_double_free(void)
{
	void *p = rte_fastmem_alloc(64, 0, 0);

	setenv("FASTMEM_DEBUG", "panic", 1);
	rte_fastmem_free(p);
	rte_fastmem_free(p);
}

static int
test_panic_mode(void)
{
	char out[4096];
	int status = in_child(child_double_free, out, sizeof(out));

	TEST_ASSERT(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
		"FASTMEM_DEBUG=panic did not abort (status %#x)", status);
	TEST_ASSERT_NOT_NULL(strstr(out, "double free"), "no report in: %s", out);
	return TEST_SUCCESS;
}

static int
need_asan(void)
{
	if (!(fastmem_dbg_mode() & FASTMEM_DBG_MODE_ASAN)) {
		printf("not an AddressSanitizer build (-Db_sanitize=address)\n");
		return TEST_SKIPPED;
	}
	return dbg_setup();
}

static volatile uint8_t sink;

static void
child_use_after_free(void)
{
	uint8_t *p = rte_fastmem_alloc(100, 0, 0);

	rte_fastmem_free(p);
	sink = p[10];
}

static void
child_overflow(void)
{
	uint8_t *p = rte_fastmem_alloc(100, 0, 0);

	/* The class is 112 B: the byte after the requested 100 is not the application's. */
	sink = p[100];
}

static int
test_asan_reports(void)
{
	char out[16384];
	int status;

	status = in_child(child_use_after_free, out, sizeof(out));
	TEST_ASSERT(status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0),
		"use after free not caught (status %#x)", status);
	TEST_ASSERT_NOT_NULL(strstr(out, "AddressSanitizer: use-after-poison"),
		"no ASan report of the use after free: %.400s", out);
	status = in_child(child_overflow, out, sizeof(out));
	TEST_ASSERT(status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0),
		"overflow not caught (status %#x)", status);
	TEST_ASSERT_NOT_NULL(strstr(out, "AddressSanitizer: use-after-poison"),
		"no ASan report of the overflow: %.400s", out);
	/* The parent's allocator is untouched by the children's bugs. */
	return still_works();
}

static struct unit_test_suite fastmem_debug_suite = {
	.suite_name = "fastmem debug autotest",
	.unit_test_cases = {
		TEST_CASE_ST(need_debug, dbg_teardown, test_double_free),
		TEST_CASE_ST(need_debug, dbg_teardown, test_bad_pointers),
		TEST_CASE_ST(need_debug, dbg_teardown, test_handle_mismatch),
		TEST_CASE_ST(need_debug, dbg_teardown, test_overflow),
		TEST_CASE_ST(need_debug, dbg_teardown, test_use_after_free),
		TEST_CASE_ST(need_debug, dbg_teardown, test_panic_mode),
		TEST_CASE_ST(need_asan, dbg_teardown, test_asan_reports),
		TEST_CASES_END()
	}
};

static int
test_fastmem_debug(void)
{
	return unit_test_suite_runner(&fastmem_debug_suite);
}

REGISTER_FAST_TEST(fastmem_debug_autotest, true, true, test_fastmem_debug);
