/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "bench.h"
#include "fastmem_options.h"

#define LIST_MAX 64u

void
fastmem_usage(FILE *f, const char *prgname)
{
	unsigned int i;

	fprintf(f, "Usage: %s [EAL options] -- [options]\n"
		"\n"
		"Compares fastmem with rte_mempool, rte_malloc, glibc, jemalloc, mimalloc and\n"
		"tcmalloc in one run. Workers run on the lcores given to EAL (-l), the main\n"
		"lcore included.\n"
		"\n"
		"  --" FASTMEM_OPT_SCENARIOS " LIST    scenarios by number or name, or \"all\""
		" (default):\n",
		prgname);
	for (i = 0; i < FASTMEM_NUM_SCENARIOS; i++)
		fprintf(f, "   %2u %-11s %s\n", bench_scenarios[i]->id, bench_scenarios[i]->name,
			bench_scenarios[i]->title);
	fprintf(f, "  --" FASTMEM_OPT_ALLOCATORS " LIST   allocators, or \"all\" (default):\n   ");
	for (i = 0; i < ALLOC_NUM; i++)
		fprintf(f, " %s", allocators[i].name);
	fprintf(f, "\n"
		"  --" FASTMEM_OPT_SIZES " LIST        object sizes in bytes, 1 to %u,"
		" K suffix allowed\n"
		"                      (default 8,64,256,1024,4096)\n"
		"  --" FASTMEM_OPT_DURATION " SEC      seconds per measurement (default 0.005):"
		" a pilot run\n"
		"                      sizes the iterations, so slow allocators take no longer\n"
		"  --" FASTMEM_OPT_ITERATIONS " N      a fixed number of operations per"
		" measurement and\n"
		"                      lcore instead; also sizes scenario 9's set (N / 16)\n"
		"  --" FASTMEM_OPT_REPEAT " N          measurements per figure, median shown"
		" with min\n"
		"                      and max (default 5, at most %u)\n"
		"  --" FASTMEM_OPT_RESERVE " SIZE      rte_fastmem_reserve() SIZE bytes up"
		" front, K/M/G\n"
		"                      suffix (default none: fastmem grows on demand)\n"
		"  --" FASTMEM_OPT_BATCH " N           objects per batch in scenarios 2-3"
		" (default 2048,\n"
		"                      more than a cache holds: refills and flushes count)\n"
		"  --" FASTMEM_OPT_BULK " LIST         objects per bulk call in scenario 4"
		" (default\n"
		"                      8,32,128)\n"
		"  --" FASTMEM_OPT_WORKING_SET " N     live objects per worker in scenario 5"
		" (default 1024)\n"
		"  --" FASTMEM_OPT_LIVE " LIST         live set sizes of scenario 8, whole MiB,"
		" M/G suffix\n"
		"                      (default 1M,8M,64M,256M)\n"
		"  --" FASTMEM_OPT_SEED " N            random seed (default 1)\n"
		"  --" FASTMEM_OPT_CSV " FILE          write every figure as CSV\n"
		"  --" FASTMEM_OPT_JSON " FILE         write every figure, the machine and the"
		" goals as JSON\n"
		"  --" FASTMEM_OPT_HELP "              this text\n",
		FASTMEM_MAX_OBJ_SIZE, BENCH_MAX_REPEAT);
}

void
fastmem_opts_default(struct fastmem_opts *opts)
{
	static const size_t sizes[] = { 8, 64, 256, 1024, 4096 };
	static const unsigned int bulks[] = { 8, 32, 128 };
	static const size_t lives[] = { 1 << 20, 8 << 20, 64 << 20, 256 << 20 };

	memset(opts, 0, sizeof(*opts));
	opts->scenarios = RTE_BIT32(FASTMEM_NUM_SCENARIOS) - 1;
	opts->allocators = ALLOC_ALL;
	memcpy(opts->sizes, sizes, sizeof(sizes));
	opts->n_sizes = RTE_DIM(sizes);
	memcpy(opts->bulks, bulks, sizeof(bulks));
	opts->n_bulks = RTE_DIM(bulks);
	opts->iterations = 1000000;
	opts->duration = 0.005;
	opts->repeat = 5;
	opts->batch = 2048;
	opts->working_set = 1024;
	memcpy(opts->lives, lives, sizeof(lives));
	opts->n_lives = RTE_DIM(lives);
	opts->seed = 1;
}

/* A number with an optional binary suffix (K, M, G), within [min, max]. */
static int
parse_size(const char *arg, uint64_t min, uint64_t max, uint64_t *val)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno != 0 || end == arg || arg[0] == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift))
		return -1;
	v <<= shift;
	if (v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

/* Split a comma-separated list in place; returns the number of items or -1. */
static int
split_list(char *buf, char **items, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL;
	char *tok;

	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		items[n++] = tok;
	}
	return n == 0 ? -1 : (int)n;
}

static int
parse_u64_list(const char *arg, uint64_t min, uint64_t max, uint64_t *vals, unsigned int max_n)
{
	char buf[256];
	char *items[LIST_MAX];
	int i, n;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		return -1;
	n = split_list(buf, items, RTE_MIN(max_n, LIST_MAX));
	for (i = 0; i < n; i++)
		if (parse_size(items[i], min, max, &vals[i]) != 0)
			return -1;
	return n;
}

/*
 * A list of names and "all" into a mask: the bit lookup() gives each name
 * (0: unknown, an error, reported as an unknown @p what unless it is NULL),
 * all_bits for "all". Reset to 0 before the first item; what the items
 * before an error set is kept.
 */
static int
parse_names(const char *arg, uint32_t all_bits, uint32_t (*lookup)(const char *name),
		const char *what, uint32_t *mask)
{
	char buf[256];
	char *items[LIST_MAX];
	uint32_t bit;
	int i, n;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		return -1;
	n = split_list(buf, items, LIST_MAX);
	*mask = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			*mask = all_bits;
			continue;
		}
		bit = lookup(items[i]);
		if (bit == 0) {
			if (what != NULL)
				fprintf(stderr, "unknown %s '%s'\n", what, items[i]);
			return -1;
		}
		*mask |= bit;
	}
	return n < 0 ? -1 : 0;
}

static uint32_t
allocator_bit(const char *name)
{
	unsigned int k;

	for (k = 0; k < ALLOC_NUM; k++)
		if (strcmp(name, allocators[k].name) == 0)
			return ALLOC_BIT(k);
	return 0;
}

/* A scenario by number or name. */
static uint32_t
scenario_bit(const char *name)
{
	unsigned int k;
	char id[4];

	for (k = 0; k < FASTMEM_NUM_SCENARIOS; k++) {
		snprintf(id, sizeof(id), "%u", bench_scenarios[k]->id);
		if (strcmp(name, id) == 0 || strcmp(name, bench_scenarios[k]->name) == 0)
			return RTE_BIT32(bench_scenarios[k]->id - 1);
	}
	return 0;
}

uint32_t
fastmem_prescan_allocators(int argc, char **argv)
{
	const char *opt = "--" FASTMEM_OPT_ALLOCATORS;
	size_t len = strlen(opt);
	uint32_t mask = ALLOC_ALL;
	bool app = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!app) {
			app = strcmp(argv[i], "--") == 0;
			continue;
		}
		if (strncmp(argv[i], opt, len) != 0)
			continue;
		/* Quiet: the parse after rte_eal_init() reports a bad list. */
		if (argv[i][len] == '=')
			parse_names(argv[i] + len + 1, ALLOC_ALL, allocator_bit, NULL, &mask);
		else if (argv[i][len] == '\0' && i + 1 < argc)
			parse_names(argv[i + 1], ALLOC_ALL, allocator_bit, NULL, &mask);
	}
	return mask;
}

static int
parse_scenarios(struct fastmem_opts *opts, const char *arg)
{
	return parse_names(arg, RTE_BIT32(FASTMEM_NUM_SCENARIOS) - 1, scenario_bit, "scenario",
		&opts->scenarios);
}

/*
 * parse_<name>(): a list of numbers within [min, max] into the array
 * opts->field, their count into opts->n_field.
 */
#define LIST_PARSER(name, field, n_field, min, max) \
static int \
parse_##name(struct fastmem_opts *opts, const char *arg) \
{ \
	uint64_t v[RTE_DIM(opts->field)]; \
	int i, n; \
\
	n = parse_u64_list(arg, min, max, v, RTE_DIM(opts->field)); \
	if (n < 0) \
		return -1; \
	for (i = 0; i < n; i++) \
		opts->field[i] = v[i]; \
	opts->n_field = n; \
	return 0; \
}

LIST_PARSER(sizes, sizes, n_sizes, 1, FASTMEM_MAX_OBJ_SIZE)
/* At most a mempool cache: bigger bulks bypass it and measure the ring. */
LIST_PARSER(bulk, bulks, n_bulks, 1, RTE_MEMPOOL_CACHE_MAX_SIZE)

/* parse_<field>(): a number within [min, max] into opts->field. */
#define NUMBER_PARSER(field, min, max) \
static int \
parse_##field(struct fastmem_opts *opts, const char *arg) \
{ \
	uint64_t v; \
\
	if (parse_size(arg, min, max, &v) != 0) \
		return -1; \
	opts->field = v; \
	return 0; \
}

NUMBER_PARSER(repeat, 1, BENCH_MAX_REPEAT)
NUMBER_PARSER(reserve, 0, SIZE_MAX)
NUMBER_PARSER(batch, 1, 1u << 20)
NUMBER_PARSER(working_set, 16, 1u << 20)

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Scenario 8 measures each size once, in increasing order, and names it in MiB. */
static int
parse_live(struct fastmem_opts *opts, const char *arg)
{
	uint64_t v[RTE_DIM(opts->lives)];
	unsigned int i, n_out = 0;
	int n;

	n = parse_u64_list(arg, 1 << 20, UINT64_C(64) << 30, v, RTE_DIM(v));
	if (n < 0)
		return -1;
	qsort(v, n, sizeof(v[0]), cmp_u64);
	for (i = 0; i < (unsigned int)n; i++) {
		if (v[i] % (1 << 20) != 0)
			return -1;
		if (n_out == 0 || v[i] != v[n_out - 1])
			v[n_out++] = v[i];
	}
	for (i = 0; i < n_out; i++)
		opts->lives[i] = v[i];
	opts->n_lives = n_out;
	return 0;
}

static int
parse_allocators(struct fastmem_opts *opts, const char *arg)
{
	return parse_names(arg, ALLOC_ALL, allocator_bit, "allocator", &opts->allocators);
}

/* --iterations and --duration exclude each other: the last given wins. */
static int
parse_iterations(struct fastmem_opts *opts, const char *arg)
{
	opts->duration = 0;
	return parse_size(arg, 100, UINT64_C(1) << 40, &opts->iterations);
}

static int
parse_duration(struct fastmem_opts *opts, const char *arg)
{
	char *end;

	errno = 0;
	opts->duration = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(opts->duration > 0) ||
			opts->duration > 3600)
		return -1;
	return 0;
}

static int
parse_seed(struct fastmem_opts *opts, const char *arg)
{
	/* 0 would leave xorshift stuck at 0. */
	return parse_size(arg, 1, UINT64_MAX, &opts->seed);
}

static int
parse_csv(struct fastmem_opts *opts, const char *arg)
{
	opts->csv_path = arg;
	return 0;
}

static int
parse_json(struct fastmem_opts *opts, const char *arg)
{
	opts->json_path = arg;
	return 0;
}

struct long_opt_parser {
	const char *name;
	int (*parse)(struct fastmem_opts *opts, const char *arg);
	const char *expect;  /* For the error message. */
};

static const struct long_opt_parser parsermap[] = {
	{ FASTMEM_OPT_SCENARIOS, parse_scenarios, "numbers 1-11, names or \"all\"" },
	{ FASTMEM_OPT_SIZES, parse_sizes, "up to 16 sizes, 1 to 458752 (448K)" },
	{ FASTMEM_OPT_ALLOCATORS, parse_allocators, "allocator names or \"all\"" },
	{ FASTMEM_OPT_ITERATIONS, parse_iterations, "a count of at least 100" },
	{ FASTMEM_OPT_DURATION, parse_duration, "seconds, above 0 and up to 3600" },
	{ FASTMEM_OPT_REPEAT, parse_repeat, "1 to 101" },
	{ FASTMEM_OPT_RESERVE, parse_reserve, "a byte count, K/M/G suffix allowed" },
	{ FASTMEM_OPT_BATCH, parse_batch, "1 to 1048576 objects" },
	{ FASTMEM_OPT_BULK, parse_bulk, "up to 8 counts, 1 to 512" },
	{ FASTMEM_OPT_WORKING_SET, parse_working_set, "16 to 1048576 objects" },
	{ FASTMEM_OPT_LIVE, parse_live, "up to 8 sizes in whole MiB, 1M to 64G" },
	{ FASTMEM_OPT_SEED, parse_seed, "a non-zero number" },
	{ FASTMEM_OPT_CSV, parse_csv, "a file name" },
	{ FASTMEM_OPT_JSON, parse_json, "a file name" },
};

static const struct option lgopts[] = {
	{ FASTMEM_OPT_SCENARIOS, required_argument, NULL, 0 },
	{ FASTMEM_OPT_SIZES, required_argument, NULL, 0 },
	{ FASTMEM_OPT_ALLOCATORS, required_argument, NULL, 0 },
	{ FASTMEM_OPT_ITERATIONS, required_argument, NULL, 0 },
	{ FASTMEM_OPT_DURATION, required_argument, NULL, 0 },
	{ FASTMEM_OPT_REPEAT, required_argument, NULL, 0 },
	{ FASTMEM_OPT_RESERVE, required_argument, NULL, 0 },
	{ FASTMEM_OPT_BATCH, required_argument, NULL, 0 },
	{ FASTMEM_OPT_BULK, required_argument, NULL, 0 },
	{ FASTMEM_OPT_WORKING_SET, required_argument, NULL, 0 },
	{ FASTMEM_OPT_LIVE, required_argument, NULL, 0 },
	{ FASTMEM_OPT_SEED, required_argument, NULL, 0 },
	{ FASTMEM_OPT_CSV, required_argument, NULL, 0 },
	{ FASTMEM_OPT_JSON, required_argument, NULL, 0 },
	{ FASTMEM_OPT_HELP, no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
check_opts(const struct fastmem_opts *opts)
{
	if (opts->scenarios == 0 || opts->allocators == 0) {
		fprintf(stderr, "nothing to run: empty --%s or --%s\n", FASTMEM_OPT_SCENARIOS,
			FASTMEM_OPT_ALLOCATORS);
		return -1;
	}
	return 0;
}

int
fastmem_opts_parse(struct fastmem_opts *opts, int argc, char **argv)
{
	int opt_idx, opt;
	unsigned int i;

	/* getopt state is global: rte_eal_init() already used it. */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", lgopts, &opt_idx)) != EOF) {
		switch (opt) {
		case 'h':
			fastmem_usage(stdout, argv[0]);
			return 1;
		case 0:
			for (i = 0; i < RTE_DIM(parsermap); i++) {
				if (strcmp(lgopts[opt_idx].name, parsermap[i].name) != 0)
					continue;
				if (parsermap[i].parse(opts, optarg) != 0) {
					fprintf(stderr, "invalid --%s '%s': expected %s\n",
						parsermap[i].name, optarg, parsermap[i].expect);
					return -1;
				}
				break;
			}
			break;
		case ':':
			fprintf(stderr, "option %s needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "unknown option %s\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return check_opts(opts);
}

void
fastmem_opts_dump(const struct fastmem_opts *opts, FILE *f)
{
	unsigned int i;

	fprintf(f, "# options: scenarios");
	for (i = 0; i < FASTMEM_NUM_SCENARIOS; i++)
		if (opts->scenarios & RTE_BIT32(i))
			fprintf(f, " %u", i + 1);
	fprintf(f, "; sizes");
	for (i = 0; i < opts->n_sizes; i++)
		fprintf(f, "%s%zu", i == 0 ? " " : ",", opts->sizes[i]);
	if (opts->duration > 0)
		fprintf(f, "; duration %g s per measurement", opts->duration);
	else
		fprintf(f, "; iterations %" PRIu64, opts->iterations);
	fprintf(f, "; repeat %u; batch %u; bulk", opts->repeat, opts->batch);
	for (i = 0; i < opts->n_bulks; i++)
		fprintf(f, "%s%u", i == 0 ? " " : ",", opts->bulks[i]);
	fprintf(f, "; working set %u; live", opts->working_set);
	for (i = 0; i < opts->n_lives; i++)
		fprintf(f, "%s%zu", i == 0 ? " " : ",", opts->lives[i] >> 20);
	fprintf(f, " MiB; seed %" PRIu64 "; reserve %zu\n", opts->seed, opts->reserve);
}
