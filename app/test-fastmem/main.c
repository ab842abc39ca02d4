/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * dpdk-test-fastmem: where fastmem stands against every allocator a DPDK
 * user would pick instead, measured side by side in one run.
 *
 *   dpdk-test-fastmem [EAL options] -- [--scenarios LIST] [--allocators LIST] ...
 *
 * Scenarios live one family per file (test_*.c) behind bench_scenarios[];
 * allocators behind allocators.h; figures go through report.c to the
 * console, --csv and --json.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "allocators.h"
#include "bench.h"
#include "fastmem_options.h"
#include "report.h"

/* Memory for a run without hugepages, when the command line gives none. */
#define NO_HUGE_MEM "2048"

const struct bench_scenario *const bench_scenarios[FASTMEM_NUM_SCENARIOS] = {
	&scenario_hotpath,
	&scenario_batch_fifo,
	&scenario_batch_lifo,
	&scenario_bulk,
	&scenario_larson,
	&scenario_pipeline,
	&scenario_scaling,
	&scenario_memeff,
	&scenario_latency,
	&scenario_small_sets,
	&scenario_ramp,
};

/*
 * Memory first: every allocator's heap is still fresh for scenario 8, and
 * EAL's heaps hold nothing of the other scenarios' pools for scenario 10.
 */
static const unsigned int run_order[FASTMEM_NUM_SCENARIOS] = {
	8, 10, 1, 2, 3, 4, 5, 6, 7, 9, 11,
};

static bool
has_arg(int argc, char **argv, const char *const *names)
{
	const char *const *n;
	int i;

	/* EAL options only: they stop at "--". */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		for (n = names; *n != NULL; n++)
			if (strncmp(argv[i], *n, strlen(*n)) == 0)
				return true;
	return false;
}

/* Free hugepages of any size, and a hugetlbfs mount for EAL to use them. */
static bool
hugepages_usable(void)
{
	char line[512];
	uint64_t free_pages = 0, v;
	bool mounted = false;
	FILE *f;

	f = fopen("/proc/mounts", "r");
	if (f != NULL) {
		while (!mounted && fgets(line, sizeof(line), f) != NULL)
			mounted = strstr(line, " hugetlbfs ") != NULL;
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "HugePages_Free: %" SCNu64, &v) == 1)
				free_pages += v;
		fclose(f);
	}
	return mounted && free_pages > 0;
}

/*
 * EAL arguments, with --no-huge (and memory) added when the machine has no
 * usable hugepages: a run then says so and goes on, rather than failing.
 */
static char **
eal_args(int *argc, char **argv)
{
	static const char *const mem_opts[] = { "--no-huge", "--in-memory", "-m", "--socket-mem",
		NULL };
	static const char *const no_huge[] = { "--no-huge", NULL };
	char **args;
	int i, n = 0;

	if (has_arg(*argc, argv, no_huge) || hugepages_usable())
		return argv;
	args = calloc(*argc + 4, sizeof(*args));
	if (args == NULL)
		return argv;
	args[n++] = argv[0];
	args[n++] = (char *)(uintptr_t)"--no-huge";
	if (!has_arg(*argc, argv, mem_opts)) {
		args[n++] = (char *)(uintptr_t)"-m";
		args[n++] = (char *)(uintptr_t)NO_HUGE_MEM;
	}
	for (i = 1; i < *argc; i++)
		args[n++] = argv[i];
	printf("# no usable hugepages (none free or no hugetlbfs mount): adding --no-huge%s\n",
		n - *argc == 3 ? " -m " NO_HUGE_MEM : "");
	*argc = n;
	return args;
}

int
main(int argc, char **argv)
{
	struct fastmem_opts opts;
	struct bench_env env;
	unsigned int i, lcore;
	uint64_t start;
	char **args;
	int ret;

	if (allocators_load(fastmem_prescan_allocators(argc, argv)))
		allocators_reexec(argv);
	args = eal_args(&argc, argv);
	ret = rte_eal_init(argc, args);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return rte_errno == EINVAL ? 2 : 1;
	}
	argc -= ret;
	args += ret;

	fastmem_opts_default(&opts);
	ret = fastmem_opts_parse(&opts, argc, args);
	if (ret != 0) {
		if (ret < 0)
			fastmem_usage(stderr, args[0]);
		rte_eal_cleanup();
		return ret < 0 ? 2 : 0;
	}

	memset(&env, 0, sizeof(env));
	env.opts = &opts;
	env.tsc_hz = rte_get_tsc_hz();
	env.lcores[env.n_lcores++] = rte_get_main_lcore();
	RTE_LCORE_FOREACH_WORKER(lcore)
		env.lcores[env.n_lcores++] = lcore;
	if (allocators_init(opts.reserve) != 0) {
		rte_eal_cleanup();
		return 1;
	}

	report_env(&env, stdout);
	fastmem_opts_dump(&opts, stdout);
	for (i = 0; i < FASTMEM_NUM_SCENARIOS; i++) {
		const struct bench_scenario *sc = bench_scenarios[run_order[i] - 1];

		if ((opts.scenarios & RTE_BIT32(sc->id - 1)) == 0)
			continue;
		fflush(stdout);
		start = rte_get_tsc_cycles();
		sc->run(&env, sc);
		report_table(sc, &env);
		printf("(scenario %u took %.1f s)\n", sc->id,
			(double)(rte_get_tsc_cycles() - start) / env.tsc_hz);
	}
	report_goals();

	ret = 0;
	if (opts.csv_path != NULL && report_write_csv(opts.csv_path, &env) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", opts.csv_path, strerror(errno));
		ret = 1;
	}
	if (opts.json_path != NULL && report_write_json(opts.json_path, &env) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", opts.json_path, strerror(errno));
		ret = 1;
	}
	allocators_fini();
	/* EAL's cleanup may log (the preloaded library does): after the tables. */
	fflush(stdout);
	rte_eal_cleanup();
	return ret;
}
