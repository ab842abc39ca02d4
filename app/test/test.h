/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef TEST_H
#define TEST_H

/**
 * @file
 * Unit test harness of dpdk-test: assertion macros, test suites and test
 * registration, after DPDK's app/test/test.h (whose rte_test.h Debian does
 * not install).
 *
 * A test file defines one or more commands with REGISTER_FAST_TEST(),
 * REGISTER_PERF_TEST() or REGISTER_STRESS_TEST(); app/test/suites/meson.build
 * finds them with buildtools/get-test-suites.py and creates one meson test
 * per command in the matching suite.
 */

#include <stddef.h>
#include <stdio.h>
#include <sys/queue.h>

#include <rte_common.h>

#define TEST_SUCCESS 0
#define TEST_FAILED -1
#define TEST_SKIPPED 77
/*
 * Exit status of a dpdk-test whose EAL could not start: a secondary process
 * whose address space already holds something where the primary mapped
 * memory (ASan's or the loader's random placements) exits with it, and
 * whoever started it may try again.
 */
#define TEST_EXIT_NO_EAL 3

/* Print where an assertion failed, with its printf-style message. */
#define TEST_TRACE_FAILURE(expr, msg, ...) \
	printf("%s:%d: %s(): assertion \"%s\" failed: " msg "\n", \
		__FILE__, __LINE__, __func__, expr, ##__VA_ARGS__)

/*
 * Each assertion evaluates its arguments once. On failure it prints the
 * location, the failed expression and the message, and returns TEST_FAILED
 * from the calling function. TEST_ASSERT_EXPR() takes the expression text
 * to print from the caller.
 */
#define TEST_ASSERT_EXPR(cond, expr, msg, ...) do { \
	if (!(cond)) { \
		TEST_TRACE_FAILURE(expr, msg, ##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT(cond, msg, ...) \
	TEST_ASSERT_EXPR(cond, #cond, msg, ##__VA_ARGS__)

#define TEST_ASSERT_EQUAL(a, b, msg, ...) \
	TEST_ASSERT_EXPR((a) == (b), #a " == " #b, msg, ##__VA_ARGS__)

#define TEST_ASSERT_NOT_EQUAL(a, b, msg, ...) \
	TEST_ASSERT_EXPR((a) != (b), #a " != " #b, msg, ##__VA_ARGS__)

#define TEST_ASSERT_SUCCESS(val, msg, ...) \
	TEST_ASSERT_EXPR((val) == 0, #val " == 0", msg, ##__VA_ARGS__)

#define TEST_ASSERT_FAIL(val, msg, ...) \
	TEST_ASSERT_EXPR((val) != 0, #val " != 0", msg, ##__VA_ARGS__)

#define TEST_ASSERT_NULL(val, msg, ...) \
	TEST_ASSERT_EXPR((val) == NULL, #val " == NULL", msg, ##__VA_ARGS__)

#define TEST_ASSERT_NOT_NULL(val, msg, ...) \
	TEST_ASSERT_EXPR((val) != NULL, #val " != NULL", msg, ##__VA_ARGS__)

/* Also prints the offset of the first differing byte. */
#define TEST_ASSERT_BUFFERS_ARE_EQUAL(a, b, len, msg, ...) do { \
	size_t test_len_ = (len); \
	size_t test_diff_ = test_buffers_diff((a), (b), test_len_); \
	if (test_diff_ != test_len_) { \
		TEST_TRACE_FAILURE("buffers " #a " and " #b " are equal", \
			"first difference at byte %zu: " msg, test_diff_, ##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

/**
 * Offset of the first byte that differs between two buffers.
 *
 * @return
 *   The offset, or @p len when the buffers are equal.
 */
size_t test_buffers_diff(const void *a, const void *b, size_t len);

/** One test case of a suite. */
struct unit_test_case {
	int (*setup)(void);       /**< Run before the case; NULL for none. */
	void (*teardown)(void);   /**< Run after the case if setup succeeded. */
	int (*testcase)(void);    /**< TEST_SUCCESS, TEST_FAILED, TEST_SKIPPED or -ENOTSUP. */
	const char *name;         /**< Printed in the report. */
	int enabled;              /**< 0: reported as skipped without running. */
};

#define TEST_CASE(fn) { NULL, NULL, fn, #fn, 1 }
#define TEST_CASE_ST(setup, teardown, fn) { setup, teardown, fn, #fn, 1 }
#define TEST_CASE_NAMED_ST(name, setup, teardown, fn) { setup, teardown, fn, name, 1 }
#define TEST_CASE_DISABLED(fn) { NULL, NULL, fn, #fn, 0 }
#define TEST_CASES_END() { NULL, NULL, NULL, NULL, 0 }

/**
 * A suite of test cases, run by unit_test_suite_runner(), which fills the
 * counters. Terminate unit_test_cases[] with TEST_CASES_END().
 */
struct unit_test_suite {
	const char *suite_name;
	int (*setup)(void);       /**< TEST_SKIPPED skips every case, failure fails them. */
	void (*teardown)(void);   /**< Run after the cases if setup succeeded. */
	unsigned int total;
	unsigned int executed;
	unsigned int succeeded;
	unsigned int skipped;
	unsigned int failed;
	unsigned int unsupported;
	struct unit_test_case unit_test_cases[];
};

/**
 * Run a suite and print one line per case and a summary.
 *
 * @return
 *   TEST_FAILED if a case or the suite setup failed, else TEST_SKIPPED if
 *   no case succeeded (all skipped or unsupported), else TEST_SUCCESS.
 */
int unit_test_suite_runner(struct unit_test_suite *suite);

/** A command of dpdk-test; use the REGISTER_*_TEST() macros. */
struct test_command {
	TAILQ_ENTRY(test_command) next;
	const char *command;
	int (*callback)(void);
};

void add_test_command(struct test_command *t);

/* Register a command that belongs to no meson suite. */
#define REGISTER_TEST_COMMAND(cmd, func) \
	static struct test_command test_struct_##cmd = { \
		.command = RTE_STR(cmd), \
		.callback = func, \
	}; \
	RTE_INIT(test_register_##cmd) \
	{ \
		add_test_command(&test_struct_##cmd); \
	}

/*
 * Register a command in a meson suite. The arguments other than cmd and
 * func are only read by buildtools/get-test-suites.py:
 * - no_huge: true, the test runs with --no-huge in fast-tests (and again
 *   with hugepages in fast-tests-huge when the machine has them), or false,
 *   it needs hugepages and is skipped without them;
 * - asan: true, or false to skip it in AddressSanitizer builds.
 * Perf and stress tests run with --no-huge.
 */
#define REGISTER_FAST_TEST(cmd, no_huge, asan, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_PERF_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)
#define REGISTER_STRESS_TEST(cmd, func) REGISTER_TEST_COMMAND(cmd, func)

#endif /* TEST_H */
