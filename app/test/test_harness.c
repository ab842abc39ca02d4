/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Tests of the harness itself (test.h, test.c): every assertion macro must
 * pass on a true condition, return TEST_FAILED from the calling function on
 * a false one, and evaluate its arguments once; unit_test_suite_runner()
 * must count and report cases as documented. The helpers below are the
 * "functions under test": each holds one assertion and returns
 * TEST_SUCCESS only when the assertion let it through. Failures they
 * provoke on purpose print a trace line marked "expected".
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "test.h"

static int eval_count;

static int
count_eval(int v)
{
	eval_count++;
	return v;
}

static int
assert_true(int cond)
{
	TEST_ASSERT(cond, "expected when cond=%d", cond);
	return TEST_SUCCESS;
}

static int
assert_equal(long a, long b)
{
	TEST_ASSERT_EQUAL(count_eval(1) * a, b, "expected: %ld != %ld", a, b);
	return TEST_SUCCESS;
}

static int
assert_not_equal(long a, long b)
{
	TEST_ASSERT_NOT_EQUAL(a, count_eval(1) * b, "expected: %ld == %ld", a, b);
	return TEST_SUCCESS;
}

static int
assert_success(int ret)
{
	TEST_ASSERT_SUCCESS(count_eval(ret), "expected: ret=%d", ret);
	return TEST_SUCCESS;
}

static int
assert_fail(int ret)
{
	TEST_ASSERT_FAIL(count_eval(ret), "expected: ret=%d", ret);
	return TEST_SUCCESS;
}

static const void *
count_ptr(const void *p)
{
	eval_count++;
	return p;
}

static int
assert_null(const void *p)
{
	TEST_ASSERT_NULL(count_ptr(p), "expected: %p", p);
	return TEST_SUCCESS;
}

static int
assert_not_null(const void *p)
{
	TEST_ASSERT_NOT_NULL(count_ptr(p), "expected");
	return TEST_SUCCESS;
}

static size_t
count_len(size_t len)
{
	eval_count++;
	return len;
}

static int
assert_buffers_equal(const void *a, const void *b, size_t len)
{
	TEST_ASSERT_BUFFERS_ARE_EQUAL(a, b, count_len(len), "expected, len %zu", len);
	return TEST_SUCCESS;
}

/*
 * Run one helper call and check its result and how many times it
 * evaluated the counted argument.
 */
#define CHECK_HELPER(call, expected_ret) do { \
	int ret_; \
	eval_count = 0; \
	ret_ = (call); \
	TEST_ASSERT_EQUAL(ret_, expected_ret, "%s returned %d", #call, ret_); \
	TEST_ASSERT_EQUAL(eval_count, 1, "%s evaluated its argument %d times", \
		#call, eval_count); \
} while (0)

static int
test_assert_plain(void)
{
	TEST_ASSERT_EQUAL(assert_true(1), TEST_SUCCESS, "true condition failed");
	TEST_ASSERT_EQUAL(assert_true(0), TEST_FAILED, "false condition passed");
	return TEST_SUCCESS;
}

static int
test_assert_equality(void)
{
	CHECK_HELPER(assert_equal(3, 3), TEST_SUCCESS);
	CHECK_HELPER(assert_equal(3, 4), TEST_FAILED);
	CHECK_HELPER(assert_equal(-1, 0xffffffffL), TEST_FAILED);
	CHECK_HELPER(assert_not_equal(3, 4), TEST_SUCCESS);
	CHECK_HELPER(assert_not_equal(5, 5), TEST_FAILED);
	return TEST_SUCCESS;
}

static int
test_assert_success_fail(void)
{
	CHECK_HELPER(assert_success(0), TEST_SUCCESS);
	CHECK_HELPER(assert_success(-EINVAL), TEST_FAILED);
	CHECK_HELPER(assert_success(1), TEST_FAILED);
	CHECK_HELPER(assert_fail(-ENOMEM), TEST_SUCCESS);
	CHECK_HELPER(assert_fail(0), TEST_FAILED);
	return TEST_SUCCESS;
}

static int
test_assert_null(void)
{
	int x = 0;

	CHECK_HELPER(assert_null(NULL), TEST_SUCCESS);
	CHECK_HELPER(assert_null(&x), TEST_FAILED);
	CHECK_HELPER(assert_not_null(&x), TEST_SUCCESS);
	CHECK_HELPER(assert_not_null(NULL), TEST_FAILED);
	return TEST_SUCCESS;
}

static int
test_assert_buffers(void)
{
	uint8_t a[64], b[64];
	unsigned int i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 7);
	CHECK_HELPER(assert_buffers_equal(a, b, sizeof(a)), TEST_SUCCESS);
	CHECK_HELPER(assert_buffers_equal(a, b, 0), TEST_SUCCESS);

	b[63] ^= 1;
	CHECK_HELPER(assert_buffers_equal(a, b, sizeof(a)), TEST_FAILED);
	CHECK_HELPER(assert_buffers_equal(a, b, 63), TEST_SUCCESS);
	TEST_ASSERT_EQUAL(test_buffers_diff(a, b, sizeof(a)), 63u, "wrong diff offset");

	b[0] ^= 1;
	TEST_ASSERT_EQUAL(test_buffers_diff(a, b, sizeof(a)), 0u, "wrong diff offset");
	CHECK_HELPER(assert_buffers_equal(a, b, 1), TEST_FAILED);
	return TEST_SUCCESS;
}

/* An inner suite with one case of each outcome, and a record of the calls. */
static unsigned int setup_calls, teardown_calls, body_calls;
static int inner_suite_setup_ret;

static int
inner_setup_ok(void)
{
	setup_calls++;
	return TEST_SUCCESS;
}

static int
inner_setup_fails(void)
{
	setup_calls++;
	return TEST_FAILED;
}

static int
inner_setup_skips(void)
{
	setup_calls++;
	return TEST_SKIPPED;
}

static void
inner_teardown(void)
{
	teardown_calls++;
}

static int
inner_pass(void)
{
	body_calls++;
	return TEST_SUCCESS;
}

static int
inner_fail(void)
{
	body_calls++;
	TEST_ASSERT_EQUAL(1 + 1, 3, "expected failure inside a case");
	return TEST_SUCCESS;
}

static int
inner_skip(void)
{
	body_calls++;
	return TEST_SKIPPED;
}

static int
inner_unsupported(void)
{
	body_calls++;
	return -ENOTSUP;
}

static int
inner_suite_setup(void)
{
	return inner_suite_setup_ret;
}

static struct unit_test_suite inner_suite = {
	.suite_name = "harness inner suite (failures expected)",
	.setup = inner_suite_setup,
	.teardown = inner_teardown,
	.unit_test_cases = {
		TEST_CASE_ST(inner_setup_ok, inner_teardown, inner_pass),
		TEST_CASE(inner_fail),
		TEST_CASE(inner_skip),
		TEST_CASE(inner_unsupported),
		TEST_CASE_ST(inner_setup_fails, inner_teardown, inner_pass),
		TEST_CASE_NAMED_ST("setup_skips", inner_setup_skips, inner_teardown, inner_pass),
		TEST_CASE_DISABLED(inner_pass),
		TEST_CASES_END()
	},
};

static struct unit_test_suite pass_suite = {
	.suite_name = "harness passing suite",
	.unit_test_cases = {
		TEST_CASE(inner_pass),
		TEST_CASE(inner_skip),
		TEST_CASES_END()
	},
};

static struct unit_test_suite skip_suite = {
	.suite_name = "harness skipped suite",
	.unit_test_cases = {
		TEST_CASE(inner_skip),
		TEST_CASE_DISABLED(inner_pass),
		TEST_CASES_END()
	},
};

static void
reset_calls(int suite_setup_ret)
{
	setup_calls = 0;
	teardown_calls = 0;
	body_calls = 0;
	inner_suite_setup_ret = suite_setup_ret;
}

static int
test_runner_counts(void)
{
	reset_calls(TEST_SUCCESS);
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&inner_suite), TEST_FAILED,
		"a failing case must fail the suite");
	TEST_ASSERT_EQUAL(inner_suite.total, 7u, "total");
	TEST_ASSERT_EQUAL(inner_suite.executed, 4u,
		"executed: pass, fail, unsupported, setup failure");
	TEST_ASSERT_EQUAL(inner_suite.succeeded, 1u, "succeeded");
	TEST_ASSERT_EQUAL(inner_suite.failed, 2u, "failed: the case and the case setup");
	TEST_ASSERT_EQUAL(inner_suite.skipped, 3u, "skipped: case, setup, disabled");
	TEST_ASSERT_EQUAL(inner_suite.unsupported, 1u, "unsupported");
	TEST_ASSERT_EQUAL(setup_calls, 3u, "case setups");
	/* Once for the first case, once for the suite: not after a failed setup. */
	TEST_ASSERT_EQUAL(teardown_calls, 2u, "teardowns");
	TEST_ASSERT_EQUAL(body_calls, 4u, "bodies: never after a failed setup or disabled");

	/* The counters are reset by each run. */
	reset_calls(TEST_SUCCESS);
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&inner_suite), TEST_FAILED, "second run");
	TEST_ASSERT_EQUAL(inner_suite.total, 7u, "total after a second run");
	return TEST_SUCCESS;
}

static int
test_runner_suite_setup(void)
{
	reset_calls(TEST_SKIPPED);
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&inner_suite), TEST_SKIPPED,
		"a skipping suite setup skips the suite");
	TEST_ASSERT_EQUAL(inner_suite.skipped, 7u, "every case skipped");
	TEST_ASSERT_EQUAL(body_calls + setup_calls + teardown_calls, 0u, "nothing run");

	reset_calls(-ENOMEM);
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&inner_suite), TEST_FAILED,
		"a failing suite setup fails the suite");
	TEST_ASSERT_EQUAL(inner_suite.failed, 7u, "every case failed");
	TEST_ASSERT_EQUAL(body_calls + setup_calls + teardown_calls, 0u, "nothing run");
	return TEST_SUCCESS;
}

static int
test_runner_results(void)
{
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&pass_suite), TEST_SUCCESS,
		"a pass and a skip make a success");
	TEST_ASSERT_EQUAL(pass_suite.succeeded, 1u, "succeeded");
	TEST_ASSERT_EQUAL(unit_test_suite_runner(&skip_suite), TEST_SKIPPED,
		"only skips make a skip");
	TEST_ASSERT_EQUAL(skip_suite.skipped, 2u, "skipped");
	return TEST_SUCCESS;
}

static struct unit_test_suite harness_suite = {
	.suite_name = "test harness",
	.unit_test_cases = {
		TEST_CASE(test_assert_plain),
		TEST_CASE(test_assert_equality),
		TEST_CASE(test_assert_success_fail),
		TEST_CASE(test_assert_null),
		TEST_CASE(test_assert_buffers),
		TEST_CASE(test_runner_counts),
		TEST_CASE(test_runner_suite_setup),
		TEST_CASE(test_runner_results),
		TEST_CASES_END()
	},
};

static int
test_harness(void)
{
	return unit_test_suite_runner(&harness_suite);
}

REGISTER_FAST_TEST(harness_autotest, true, true, test_harness);
