/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_OPTIONS_H
#define FASTMEM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FASTMEM_OPT_SCENARIOS   "scenarios"
#define FASTMEM_OPT_SIZES       "sizes"
#define FASTMEM_OPT_ALLOCATORS  "allocators"
#define FASTMEM_OPT_ITERATIONS  "iterations"
#define FASTMEM_OPT_DURATION    "duration"
#define FASTMEM_OPT_REPEAT      "repeat"
#define FASTMEM_OPT_RESERVE     "reserve"
#define FASTMEM_OPT_BATCH       "batch"
#define FASTMEM_OPT_BULK        "bulk"
#define FASTMEM_OPT_WORKING_SET "working-set"
#define FASTMEM_OPT_LIVE        "live"
#define FASTMEM_OPT_SEED        "seed"
#define FASTMEM_OPT_CSV         "csv"
#define FASTMEM_OPT_JSON        "json"
#define FASTMEM_OPT_HELP        "help"

#define FASTMEM_NUM_SCENARIOS 11
#define FASTMEM_MAX_SIZES 16
#define FASTMEM_MAX_BULKS 8
#define FASTMEM_MAX_LIVES 8
/* Largest fixed size: the largest fastmem slab class, which a handle can serve. */
#define FASTMEM_MAX_OBJ_SIZE (448u * 1024u)

struct fastmem_opts {
	uint32_t scenarios;       /* Bit (id - 1) per selected scenario. */
	uint32_t allocators;      /* ALLOC_BIT() per selected allocator. */
	size_t sizes[FASTMEM_MAX_SIZES];
	unsigned int n_sizes;
	unsigned int bulks[FASTMEM_MAX_BULKS];
	unsigned int n_bulks;
	uint64_t iterations;      /* Operations per measurement per lcore, if duration is 0. */
	double duration;          /* Seconds per measurement; 0: use iterations. */
	unsigned int repeat;      /* Measurements per figure; median, min, max. */
	size_t reserve;           /* rte_fastmem_reserve() at start, 0 for none. */
	unsigned int batch;       /* Objects per batch in scenarios 2 and 3. */
	unsigned int working_set; /* Live objects per worker in scenario 5. */
	size_t lives[FASTMEM_MAX_LIVES]; /* Live set sizes of scenario 8: whole MiB, increasing. */
	unsigned int n_lives;
	uint64_t seed;
	const char *csv_path;
	const char *json_path;
};

void fastmem_opts_default(struct fastmem_opts *opts);
/*
 * Parse the application arguments (those after EAL's "--").
 * @return 0, 1 for --help (usage printed), -1 on error (message printed).
 */
int fastmem_opts_parse(struct fastmem_opts *opts, int argc, char **argv);
void fastmem_opts_dump(const struct fastmem_opts *opts, FILE *f);
void fastmem_usage(FILE *f, const char *prgname);

/*
 * The --allocators value among the arguments after "--", without
 * rte_eal_init(): jemalloc decides whether to re-execute before EAL runs.
 */
uint32_t fastmem_prescan_allocators(int argc, char **argv);

#endif /* FASTMEM_OPTIONS_H */
