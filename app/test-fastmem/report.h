/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_REPORT_H
#define FASTMEM_REPORT_H

/*
 * Results: every figure a scenario measures becomes one record; the
 * console table, the CSV and the JSON files are views of the same records.
 */

#include <stdint.h>
#include <stdio.h>

#include "bench.h"

#define REPORT_NAME_LEN 24
#define REPORT_NOTE_LEN 96

struct result {
	unsigned int scenario;            /* 1 to FASTMEM_NUM_SCENARIOS. */
	char alloc[REPORT_NAME_LEN];      /* Allocator, maybe with a variant ("fastmem+reserve"). */
	char metric[REPORT_NAME_LEN];     /* What was measured ("alloc+free", "alloc p99", ...). */
	char unit[REPORT_NAME_LEN];       /* "cycles/op", "cycles", "x live", "MiB". */
	uint64_t size;                    /* Object size in bytes, 0 for mixed sizes. */
	unsigned int param;               /* Batch or bulk size, 0 if none. */
	unsigned int lcores;              /* Lcores running the workload. */
	double median;                    /* NAN: not applicable (see note). */
	double min;
	double max;
	double mops;                      /* Throughput, million ops per second over all lcores. */
	double quantile;                  /* Latency CDF point (0 to 1), NAN otherwise. */
	char note[REPORT_NOTE_LEN];
};

/* A record with every number NAN, to fill in. */
void result_init(struct result *r, const struct bench_scenario *sc, enum alloc_kind kind,
		const char *metric, const char *unit, uint64_t size, unsigned int param,
		unsigned int lcores);
void result_set_stat(struct result *r, const struct bench_stat *st);
/* Keep a copy of @p r. */
void report_add(const struct result *r);
/*
 * Record metric @p j of a series (median, min, max over repetitions), with
 * the throughput of metric @p mops_j (-1: none).
 */
void report_series(const struct bench_env *env, const struct bench_scenario *sc,
		const struct bench_series *s, unsigned int j, const char *metric, const char *unit,
		uint64_t size, unsigned int param, unsigned int lcores, int mops_j);
/*
 * Record a row without figures: "n/a (why)" for an allocator a scenario does
 * not apply to, or why a measurement failed.
 */
void report_note(const struct bench_scenario *sc, enum alloc_kind kind, const char *fmt, ...)
	__rte_format_printf(3, 4);

/* Look up a record (first match); the pointer is valid until the next report_add(). */
const struct result *report_find(unsigned int scenario, const char *alloc, const char *metric,
		unsigned int param, unsigned int lcores);
unsigned int report_count(void);
const struct result *report_get(unsigned int i);

/* A line printed under a scenario's heading (and kept in the JSON): how to read its figures. */
void report_scenario_note(const struct bench_scenario *sc, const char *fmt, ...)
	__rte_format_printf(2, 3);

/* Print a scenario's table: its records, one line per (size, param, lcores, allocator). */
void report_table(const struct bench_scenario *sc, const struct bench_env *env);
/* Print the goals: each with its measured value, PASS or MISS. */
void report_goals(void);
int report_write_csv(const char *path, const struct bench_env *env);
int report_write_json(const char *path, const struct bench_env *env);

/* Header line: machine, TSC, DPDK, compiler, hugepages, lcores. */
void report_env(const struct bench_env *env, FILE *f);

#endif /* FASTMEM_REPORT_H */
