/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * dpdk-test: runs the commands registered with REGISTER_*_TEST().
 *
 *   dpdk-test <EAL args> [--] [name...]
 *
 * Names come from the arguments left after the EAL arguments, or else
 * from the DPDK_TEST environment variable (names separated by commas or
 * spaces). Names listed in DPDK_TEST_SKIP are reported as skipped without
 * running. Without a name, the registered commands are listed.
 * Exit status: 0 success, 77 every test skipped, 1 failure.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "test.h"

#define TEST_NAME_SEPARATORS ", \t\n"

static TAILQ_HEAD(test_commands_list, test_command) commands_list =
	TAILQ_HEAD_INITIALIZER(commands_list);

void
add_test_command(struct test_command *t)
{
	TAILQ_INSERT_TAIL(&commands_list, t, next);
}

size_t
test_buffers_diff(const void *a, const void *b, size_t len)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;
	size_t i;

	for (i = 0; i < len; i++)
		if (pa[i] != pb[i])
			break;
	return i;
}

static const char *
test_result_str(int ret)
{
	switch (ret) {
	case TEST_SUCCESS:
		return "succeeded";
	case TEST_SKIPPED:
		return "skipped";
	case -ENOTSUP:
		return "unsupported";
	default:
		return "failed";
	}
}

static int
unit_test_case_run(const struct unit_test_case *tc)
{
	int ret = TEST_SUCCESS;

	if (!tc->enabled)
		return TEST_SKIPPED;
	if (tc->setup != NULL)
		ret = tc->setup();
	if (ret != TEST_SUCCESS)
		return ret == TEST_SKIPPED ? TEST_SKIPPED : TEST_FAILED;
	ret = tc->testcase();
	if (tc->teardown != NULL)
		tc->teardown();
	return ret;
}

static void
unit_test_suite_count(struct unit_test_suite *suite, int ret)
{
	switch (ret) {
	case TEST_SUCCESS:
		suite->executed++;
		suite->succeeded++;
		break;
	case TEST_SKIPPED:
		suite->skipped++;
		break;
	case -ENOTSUP:
		suite->executed++;
		suite->unsupported++;
		break;
	default:
		suite->executed++;
		suite->failed++;
		break;
	}
}

int
unit_test_suite_runner(struct unit_test_suite *suite)
{
	const struct unit_test_case *tc;
	int suite_ret = TEST_SUCCESS;
	int ret;

	suite->total = 0;
	suite->executed = 0;
	suite->succeeded = 0;
	suite->skipped = 0;
	suite->failed = 0;
	suite->unsupported = 0;

	printf(" + ------------------------------------------------------- +\n");
	printf(" + Test Suite : %s\n", suite->suite_name);
	printf(" + ------------------------------------------------------- +\n");

	if (suite->setup != NULL) {
		suite_ret = suite->setup();
		if (suite_ret != TEST_SUCCESS && suite_ret != TEST_SKIPPED) {
			printf(" + Test Suite setup failed\n");
			suite_ret = TEST_FAILED;
		}
	}

	for (tc = suite->unit_test_cases; tc->testcase != NULL; tc++) {
		ret = suite_ret == TEST_SUCCESS ? unit_test_case_run(tc) : suite_ret;
		unit_test_suite_count(suite, ret);
		printf(" + TestCase [%2u] : %s %s\n", suite->total, tc->name,
			test_result_str(ret));
		suite->total++;
	}

	if (suite_ret == TEST_SUCCESS && suite->teardown != NULL)
		suite->teardown();

	printf(" + ------------------------------------------------------- +\n");
	printf(" + Test Suite Summary : %s\n", suite->suite_name);
	printf(" + ------------------------------------------------------- +\n");
	printf(" + Tests Total :       %2u\n", suite->total);
	printf(" + Tests Skipped :     %2u\n", suite->skipped);
	printf(" + Tests Executed :    %2u\n", suite->executed);
	printf(" + Tests Unsupported:  %2u\n", suite->unsupported);
	printf(" + Tests Passed :      %2u\n", suite->succeeded);
	printf(" + Tests Failed :      %2u\n", suite->failed);
	printf(" + ------------------------------------------------------- +\n");

	if (suite_ret == TEST_FAILED || suite->failed > 0)
		return TEST_FAILED;
	if (suite->succeeded == 0)
		return TEST_SKIPPED;
	return TEST_SUCCESS;
}

static struct test_command *
find_test_command(const char *name)
{
	struct test_command *t;

	TAILQ_FOREACH(t, &commands_list, next)
		if (strcmp(t->command, name) == 0)
			return t;
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static void
list_test_commands(void)
{
	const char **names;
	struct test_command *t;
	unsigned int i, n = 0;

	TAILQ_FOREACH(t, &commands_list, next)
		n++;
	names = calloc(n, sizeof(*names));
	if (names == NULL) {
		printf("Out of memory\n");
		return;
	}
	n = 0;
	TAILQ_FOREACH(t, &commands_list, next)
		names[n++] = t->command;
	qsort(names, n, sizeof(*names), cmp_str);
	printf("Available tests:\n");
	for (i = 0; i < n; i++)
		printf("  %s\n", names[i]);
	free(names);
}

/* The next name in a list, its length in *len; NULL at the end. */
static const char *
next_name(const char *p, size_t *len)
{
	p += strspn(p, TEST_NAME_SEPARATORS);
	*len = strcspn(p, TEST_NAME_SEPARATORS);
	return *len > 0 ? p : NULL;
}

static int
name_in_list(const char *name, const char *list)
{
	const char *p;
	size_t len;

	for (p = next_name(list, &len); p != NULL; p = next_name(p + len, &len))
		if (len == strlen(name) && strncmp(p, name, len) == 0)
			return 1;
	return 0;
}

/*
 * Run a command by name.
 * @return TEST_SUCCESS, TEST_SKIPPED or TEST_FAILED.
 */
static int
run_test_command(const char *name)
{
	const char *skip = getenv("DPDK_TEST_SKIP");
	struct test_command *t = find_test_command(name);
	int ret;

	if (t == NULL) {
		printf("Unknown test: %s (run without a name to list the tests)\n", name);
		return TEST_FAILED;
	}
	if (skip != NULL && name_in_list(name, skip)) {
		printf("Skipped: %s (DPDK_TEST_SKIP)\n", name);
		return TEST_SKIPPED;
	}
	printf("Running: %s\n", name);
	fflush(stdout);
	ret = t->callback();
	switch (ret) {
	case TEST_SUCCESS:
		printf("Test OK: %s\n", name);
		return TEST_SUCCESS;
	case TEST_SKIPPED:
		printf("Test Skipped: %s\n", name);
		return TEST_SKIPPED;
	default:
		printf("Test Failed: %s (returned %d)\n", name, ret);
		return TEST_FAILED;
	}
}

/* Record the result of one command: a failure wins, then a success. */
static void
merge_result(int *result, int ret)
{
	if (ret == TEST_FAILED || *result == TEST_FAILED)
		*result = TEST_FAILED;
	else if (ret == TEST_SUCCESS || *result == TEST_SUCCESS)
		*result = TEST_SUCCESS;
}

/* Run every name of a list; return how many names it had. */
static int
run_test_list(const char *list, int *result)
{
	const char *p;
	char *name;
	size_t len;
	int n = 0;

	for (p = next_name(list, &len); p != NULL; p = next_name(p + len, &len)) {
		name = strndup(p, len);
		merge_result(result, name != NULL ? run_test_command(name) : TEST_FAILED);
		free(name);
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	const char *env = getenv("DPDK_TEST");
	int result = TEST_SKIPPED;
	int n_run = 0;
	int i, ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("Cannot initialize EAL: %s\n", rte_strerror(rte_errno));
		return TEST_EXIT_NO_EAL;
	}

	/* argv[ret] is the program name, the test names follow. */
	for (i = ret + 1; i < argc; i++)
		if (strcmp(argv[i], "--") != 0)
			n_run += run_test_list(argv[i], &result);
	if (n_run == 0 && env != NULL)
		n_run = run_test_list(env, &result);
	if (n_run == 0) {
		list_test_commands();
		result = TEST_SUCCESS;
	}

	rte_eal_cleanup();

	switch (result) {
	case TEST_SUCCESS:
		return EXIT_SUCCESS;
	case TEST_SKIPPED:
		return TEST_SKIPPED;
	default:
		return EXIT_FAILURE;
	}
}
