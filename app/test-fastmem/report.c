/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>
#include <rte_version.h>

#include "allocators.h"
#include "bench.h"
#include "report.h"

#define MAX_COLS 10
#define GOAL_TEXT_LEN 96

static struct result *results;
static unsigned int n_results;
static unsigned int cap_results;

struct goal {
	unsigned int issue;        /* The issue that set it. */
	char text[GOAL_TEXT_LEN];  /* The goal as the issue states it. */
	char measured[96];         /* What was measured, in words. */
	const char *status;        /* "PASS", "MISS" or "not measured". */
};

static struct goal goals[40];
static unsigned int n_goals;
/* The issue of the goals goal_add() records next. */
static unsigned int goal_issue;

struct scenario_note {
	unsigned int scenario;
	char text[256];
};

static struct scenario_note notes[32];
static unsigned int n_notes;

void
report_scenario_note(const struct bench_scenario *sc, const char *fmt, ...)
{
	va_list ap;

	if (n_notes == RTE_DIM(notes))
		return;
	notes[n_notes].scenario = sc->id;
	va_start(ap, fmt);
	vsnprintf(notes[n_notes].text, sizeof(notes[0].text), fmt, ap);
	va_end(ap);
	n_notes++;
}

void
result_init(struct result *r, const struct bench_scenario *sc, enum alloc_kind kind,
		const char *metric, const char *unit, uint64_t size, unsigned int param,
		unsigned int lcores)
{
	memset(r, 0, sizeof(*r));
	r->scenario = sc->id;
	strlcpy(r->alloc, allocators[kind].name, sizeof(r->alloc));
	strlcpy(r->metric, metric, sizeof(r->metric));
	strlcpy(r->unit, unit, sizeof(r->unit));
	r->size = size;
	r->param = param;
	r->lcores = lcores;
	r->median = NAN;
	r->min = NAN;
	r->max = NAN;
	r->mops = NAN;
	r->quantile = NAN;
}

void
result_set_stat(struct result *r, const struct bench_stat *st)
{
	r->median = st->median;
	r->min = st->min;
	r->max = st->max;
}

void
report_add(const struct result *r)
{
	struct result *grown;

	if (n_results == cap_results) {
		cap_results = cap_results ? 2 * cap_results : 256;
		grown = realloc(results, cap_results * sizeof(*results));
		if (grown == NULL)
			rte_exit(EXIT_FAILURE, "out of memory for results\n");
		results = grown;
	}
	results[n_results++] = *r;
}

void
report_series(const struct bench_env *env, const struct bench_scenario *sc,
		const struct bench_series *s, unsigned int j, const char *metric, const char *unit,
		uint64_t size, unsigned int param, unsigned int lcores, int mops_j)
{
	struct bench_stat st;
	struct result r;

	result_init(&r, sc, s->kind, metric, unit, size, param, lcores);
	if (s->name != NULL)
		strlcpy(r.alloc, s->name, sizeof(r.alloc));
	if (s->failed) {
		strlcpy(r.note, "FAILED: an allocation returned NULL", sizeof(r.note));
	} else {
		bench_series_stat(env, s, j, &st);
		result_set_stat(&r, &st);
		if (mops_j >= 0) {
			bench_series_stat(env, s, mops_j, &st);
			r.mops = st.median;
		}
	}
	report_add(&r);
}

void
report_note(const struct bench_scenario *sc, enum alloc_kind kind, const char *fmt, ...)
{
	struct result r;
	va_list ap;

	result_init(&r, sc, kind, "", "", 0, 0, 0);
	va_start(ap, fmt);
	vsnprintf(r.note, sizeof(r.note), fmt, ap);
	va_end(ap);
	report_add(&r);
}

unsigned int
report_count(void)
{
	return n_results;
}

const struct result *
report_get(unsigned int i)
{
	return &results[i];
}

static bool
same_key(const struct result *a, const struct result *b)
{
	return a->scenario == b->scenario && a->size == b->size && a->param == b->param &&
		a->lcores == b->lcores && strcmp(a->alloc, b->alloc) == 0;
}

/* Cost relative to rte_mempool for the same figure; NAN when there is none. */
static double
ratio_mempool(const struct result *r)
{
	unsigned int i;

	if (strncmp(r->unit, "cycles", 6) != 0 || !isnan(r->quantile))
		return NAN;
	for (i = 0; i < n_results; i++) {
		const struct result *m = &results[i];

		if (m->scenario == r->scenario && m->size == r->size && m->param == r->param &&
				m->lcores == r->lcores && isnan(m->quantile) &&
				strcmp(m->alloc, "mempool") == 0 &&
				strcmp(m->metric, r->metric) == 0 && m->median > 0)
			return r->median / m->median;
	}
	return NAN;
}

static double
to_ns(const struct bench_env *env, const struct result *r)
{
	if (strncmp(r->unit, "cycles", 6) != 0)
		return NAN;
	return r->median * 1e9 / env->tsc_hz;
}

/* A column of @p width after a space, "-" when there is no value. */
static void
print_num(double v, int width, const char *suffix)
{
	if (isnan(v))
		printf(" %*s%*s", width, "-", (int)strlen(suffix), "");
	else
		printf(" %*.2f%s", width, v, suffix);
}

/* The record of a key and metric, searching from record @p from. */
static const struct result *
key_metric(const struct result *key, unsigned int from, const char *metric)
{
	unsigned int j;

	for (j = from; j < n_results; j++)
		if (same_key(&results[j], key) && isnan(results[j].quantile) &&
				strcmp(results[j].metric, metric) == 0)
			return &results[j];
	return NULL;
}

/* The first figure in cycles gets [min .. max], ns and x mempool; the others their median. */
static void
print_row(const struct bench_env *env, const struct result *r, unsigned int i, const char **cols,
		unsigned int n_cols, bool timed, bool mops)
{
	const struct result *v;
	unsigned int c;

	for (c = 0; c < n_cols; c++) {
		v = key_metric(r, i, cols[c]);
		print_num(v != NULL ? v->median : NAN, 12, "");
		if (c != 0 || !timed)
			continue;
		if (v == NULL || isnan(v->min))
			printf(" %21s", "");
		else
			printf(" [%8.2f .. %8.2f]", v->min, v->max);
		print_num(v != NULL ? to_ns(env, v) : NAN, 8, "");
		print_num(v != NULL ? ratio_mempool(v) : NAN, 8, "x");
	}
	if (mops)
		print_num(r->mops, 9, "");
	if (r->note[0] != '\0')
		printf("  %s", r->note);
	printf("\n");
}

void
report_table(const struct bench_scenario *sc, const struct bench_env *env)
{
	const char *cols[MAX_COLS];
	unsigned int n_cols = 0, i, j, c;
	bool mops = false, timed;
	const char *unit = "";

	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		if (r->scenario != sc->id || r->metric[0] == '\0' || !isnan(r->quantile))
			continue;
		mops |= !isnan(r->mops);
		for (c = 0; c < n_cols; c++)
			if (strcmp(cols[c], r->metric) == 0)
				break;
		if (c == n_cols && n_cols < MAX_COLS) {
			if (n_cols == 0)
				unit = r->unit;
			cols[n_cols++] = r->metric;
		}
	}
	printf("\n=== Scenario %u: %s ===\n", sc->id, sc->title);
	for (i = 0; i < n_notes; i++)
		if (notes[i].scenario == sc->id)
			printf("note: %s\n", notes[i].text);
	timed = strncmp(unit, "cycles", 6) == 0;
	if (timed)
		printf("%s in %s: median of %u measurements [min .. max], ns, and x mempool: cost "
			"relative to rte_mempool's (lower is better)\n", cols[0], unit,
			env->opts->repeat);
	else if (n_cols != 0)
		printf("%s in %s, single measurement\n", cols[0], unit);
	printf("%6s %8s %2s %-17s", "size", sc->param_name ? sc->param_name : "", "lc",
		"allocator");
	for (c = 0; c < n_cols; c++) {
		printf(" %12s", cols[c]);
		if (c == 0 && timed)
			printf(" %21s %8s %9s", "[min .. max]", "ns", "x mempool");
	}
	if (mops)
		printf(" %9s", "Mops/s");
	printf("\n");

	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		if (r->scenario != sc->id || !isnan(r->quantile))
			continue;
		/* One line per key, printed at its first record. */
		for (j = 0; j < i; j++)
			if (same_key(&results[j], r) && isnan(results[j].quantile))
				break;
		if (j < i)
			continue;
		if (r->metric[0] == '\0') {
			printf("%6s %8s %2s %-17s %s\n", "", "", "", r->alloc, r->note);
			continue;
		}
		if (r->size == 0)
			printf("%6s", "mixed");
		else
			printf("%6" PRIu64, r->size);
		if (sc->param_name != NULL)
			printf(" %8u", r->param);
		else
			printf(" %8s", "");
		printf(" %2u %-17s", r->lcores, r->alloc);
		print_row(env, r, i, cols, n_cols, timed, mops);
	}
}

const struct result *
report_find(unsigned int scenario, const char *alloc, const char *metric, unsigned int param,
		unsigned int lcores)
{
	unsigned int i;

	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		if (r->scenario == scenario && r->param == param && r->lcores == lcores &&
				strcmp(r->alloc, alloc) == 0 && strcmp(r->metric, metric) == 0)
			return r;
	}
	return NULL;
}

/*
 * The largest median (or ratio to mempool) of a scenario's records of an
 * allocator and metric; returns how many there are.
 */
static unsigned int
worst(unsigned int scenario, const char *alloc, const char *metric, bool by_mempool, double *hi)
{
	unsigned int i, n = 0;
	double v;

	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		if (r->scenario != scenario || strcmp(r->alloc, alloc) != 0 ||
				strcmp(r->metric, metric) != 0 || !isnan(r->quantile))
			continue;
		v = by_mempool ? ratio_mempool(r) : r->median;
		if (isnan(v))
			continue;
		*hi = n == 0 ? v : RTE_MAX(*hi, v);
		n++;
	}
	return n;
}

static void
goal_add(const char *text, bool measured, bool pass, const char *fmt, ...)
	__rte_format_printf(4, 5);

static void
goal_add(const char *text, bool measured, bool pass, const char *fmt, ...)
{
	struct goal *g = &goals[n_goals++];
	va_list ap;

	RTE_VERIFY(n_goals <= RTE_DIM(goals));
	g->issue = goal_issue;
	strlcpy(g->text, text, sizeof(g->text));
	g->status = !measured ? "not measured" : pass ? "PASS" : "MISS";
	if (!measured) {
		strlcpy(g->measured, "-", sizeof(g->measured));
		return;
	}
	va_start(ap, fmt);
	vsnprintf(g->measured, sizeof(g->measured), fmt, ap);
	va_end(ap);
}

/* Worst ratio to mempool of an allocator's alloc+free figures over scenarios. */
static void
goal_ratio(const char *text, const unsigned int *scen, unsigned int n_scen, const char *alloc,
		double limit)
{
	double hi, w = 0;
	unsigned int i, k, n = 0;

	for (i = 0; i < n_scen; i++) {
		k = worst(scen[i], alloc, "alloc+free", true, &hi);
		if (k != 0)
			w = n == 0 ? hi : RTE_MAX(w, hi);
		n += k;
	}
	goal_add(text, n != 0, w <= limit, "worst %.2fx mempool over %u figures", w, n);
}

/* Scenario 9's rows @p row: allocation p99.9 at most twice mempool's at every size. */
static void
goal_alloc_tail(const char *row)
{
	char text[GOAL_TEXT_LEN];
	unsigned int n;
	double hi = 0;

	snprintf(text, sizeof(text), "S9: %s alloc p99.9 <= 2x mempool's, every size", row);
	n = worst(9, row, "alloc p99.9", true, &hi);
	goal_add(text, n != 0, hi <= 2, "worst %.2fx mempool over %u sizes", hi, n);
}

/* Allocator @p other at least @p factor times slower than @p fast on every size of scenario 1. */
static void
goal_slower_than(const char *text, const char *fast, const char *other, double factor)
{
	double best = INFINITY;
	unsigned int i, j, n = 0;

	for (i = 0; i < n_results; i++) {
		const struct result *f = &results[i];

		if (f->scenario != 1 || strcmp(f->alloc, fast) != 0 || isnan(f->median))
			continue;
		for (j = 0; j < n_results; j++) {
			const struct result *o = &results[j];

			if (o->scenario == 1 && o->size == f->size && !isnan(o->median) &&
					strcmp(o->alloc, other) == 0) {
				best = RTE_MIN(best, o->median / f->median);
				n++;
			}
		}
	}
	goal_add(text, n != 0, best >= factor, "%s / %s: at least %.2fx over %u sizes",
		other, fast, best, n);
}

/* An allocator at least @p factor times slower than fastmem on every size of scenario 1. */
static void
goal_slower(const char *text, const char *other, double factor)
{
	goal_slower_than(text, "fastmem", other, factor);
}

/* The first record of a scenario, allocator and metric, whatever its param and lcores. */
static const struct result *
find_any(unsigned int scenario, const char *alloc, const char *metric)
{
	unsigned int i;

	for (i = 0; i < n_results; i++)
		if (results[i].scenario == scenario && !isnan(results[i].median) &&
				strcmp(results[i].alloc, alloc) == 0 &&
				strcmp(results[i].metric, metric) == 0)
			return &results[i];
	return NULL;
}

/* An allocator's scenario 8 figure at its largest live set (param: MiB asked), or NULL. */
static const struct result *
memeff_largest(const char *alloc, const char *metric)
{
	const struct result *e = NULL;
	unsigned int i;

	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		if (r->scenario != 8 || isnan(r->median) || strcmp(r->alloc, alloc) != 0 ||
				strcmp(r->metric, metric) != 0)
			continue;
		if (e == NULL || r->param > e->param)
			e = r;
	}
	return e;
}

/* fastmem's scenario 8 EAL/live at each of @p n live sizes (MiB) at most its limit. */
static void
goal_eal_live(const char *text, const unsigned int *mib, const double *limit, unsigned int n)
{
	char measured[sizeof(goals[0].measured)];
	const struct result *e;
	unsigned int i, n_measured = 0;
	bool pass = true;
	size_t len = 0;

	for (i = 0; i < n; i++) {
		e = report_find(8, "fastmem", "EAL/live", mib[i], 1);
		if (e != NULL && !isnan(e->median)) {
			n_measured++;
			pass &= e->median <= limit[i];
			len += snprintf(measured + len, sizeof(measured) - len, "%s%.2fx",
				i ? " / " : "", e->median);
		} else {
			len += snprintf(measured + len, sizeof(measured) - len, "%s-",
				i ? " / " : "");
		}
		len = RTE_MIN(len, sizeof(measured) - 1);
	}
	goal_add(text, n_measured != 0, pass, "%s live bytes", measured);
}

/*
 * fastmem's scenario 8 backing/live at most @p factor times @p other's, at
 * each of @p n live sizes (MiB), or at every size both have when @p mib is NULL.
 */
static void
goal_vs(const char *text, const char *other, const unsigned int *mib, unsigned int n,
		double factor)
{
	const struct result *f, *o, *w_f = NULL, *w_o = NULL;
	unsigned int i, k, n_sizes = 0;

	for (i = 0; i < n_results; i++) {
		f = &results[i];
		if (f->scenario != 8 || strcmp(f->alloc, "fastmem") != 0 || isnan(f->median) ||
				strcmp(f->metric, "backing/live") != 0)
			continue;
		for (k = 0; mib != NULL && k < n && mib[k] != f->param; k++)
			;
		if (mib != NULL && k == n)
			continue;
		o = report_find(8, other, f->metric, f->param, f->lcores);
		if (o == NULL || isnan(o->median) || o->median <= 0)
			continue;
		if (w_f == NULL || f->median / o->median > w_f->median / w_o->median) {
			w_f = f;
			w_o = o;
		}
		n_sizes++;
	}
	goal_add(text, n_sizes != 0, w_f != NULL && w_f->median <= factor * w_o->median,
		"worst %.2fx %s's (%.2fx vs %.2fx at %u MiB) over %u sizes",
		w_f != NULL ? w_f->median / w_o->median : 0, other, w_f != NULL ? w_f->median : 0,
		w_o != NULL ? w_o->median : 0, w_f != NULL ? w_f->param : 0, n_sizes);
}

/*
 * rte_malloc_fm's scenario 8 EAL bytes at most rte_malloc's wherever both
 * churned the same live bytes: its own rows, or its "+cap" rows where
 * rte_malloc had a smaller set than asked.
 */
static void
goal_fm_eal(const char *text)
{
	static const char *const fm_rows[] = { "rte_malloc_fm", "rte_malloc_fm+cap" };
	const struct result *m, *f, *ml, *fl, *w_m = NULL, *w_f = NULL, *w_l = NULL;
	unsigned int i, k, n = 0;

	for (i = 0; i < n_results; i++) {
		m = &results[i];
		if (m->scenario != 8 || strcmp(m->alloc, "rte_malloc") != 0 ||
				strcmp(m->metric, "EAL/live") != 0 || isnan(m->median) ||
				m->median <= 0)
			continue;
		ml = report_find(8, m->alloc, "live MiB", m->param, m->lcores);
		for (k = 0; ml != NULL && k < RTE_DIM(fm_rows); k++) {
			f = report_find(8, fm_rows[k], m->metric, m->param, m->lcores);
			fl = report_find(8, fm_rows[k], "live MiB", m->param, m->lcores);
			/* The same seed and set size give the same live bytes. */
			if (f == NULL || fl == NULL || isnan(f->median) ||
					fabs(fl->median - ml->median) > 1e-9 * ml->median)
				continue;
			if (w_f == NULL || f->median / m->median > w_f->median / w_m->median) {
				w_f = f;
				w_m = m;
				w_l = ml;
			}
			n++;
		}
	}
	goal_add(text, n != 0, w_f != NULL && w_f->median <= w_m->median,
		"worst %.2fx rte_malloc's (%.2fx vs %.2fx live, %.1f MiB live) over %u sizes",
		w_f != NULL ? w_f->median / w_m->median : 0, w_f != NULL ? w_f->median : 0,
		w_m != NULL ? w_m->median : 0, w_l != NULL ? w_l->median : 0, n);
}

/* Goals from @p first on that were not measured: why @p kind was not, if it is not there. */
static void
goal_why(unsigned int first, enum alloc_kind kind)
{
	unsigned int i;

	if (allocators[kind].available || allocators[kind].reason[0] == '\0')
		return;
	for (i = first; i < n_goals; i++)
		if (strcmp(goals[i].status, "not measured") == 0) {
			strlcpy(goals[i].measured, "n/a: ", sizeof(goals[i].measured));
			strlcat(goals[i].measured, allocators[kind].reason,
				sizeof(goals[i].measured));
		}
}

void
report_goals(void)
{
	static const unsigned int batch_bulk[] = { 2, 3, 4 };
	static const unsigned int hot[] = { 1 };
	static const char *const fm[] = { "fastmem", "fastmem_h" };
	static const char *const other[] = { "glibc", "jemalloc", "mimalloc", "tcmalloc" };
	static const unsigned int issues[] = { 5, 17, 18, 21 };
	static const char *const hr[] = { "fastmem+headroom", "fastmem_h+headroom" };
	static const char *const reserve[] = { "fastmem+reserve", "fastmem_h+reserve" };
	static const unsigned int larson[] = { 5 };
	static const char *const ramp[] = { "fastmem+paced+hr", "fastmem_h+paced+hr" };
	static const char *const ramp_inline[] = { "fastmem", "fastmem_h" };
	static const unsigned int eal_mib[] = { 8, 64, 256 };
	static const double eal_limit[] = { 1.5, 1.2, 1.15 };
	static const unsigned int big[] = { 64, 256 };
	char text[GOAL_TEXT_LEN], lcores[16] = "N", name[32];
	const struct result *e, *live, *with_hr, *without;
	double ratio;
	bool measured;
	unsigned int i, n, issue, first;
	double hi = 0, machine;

	n_goals = 0;
	goal_issue = 5;
	goal_ratio("S1 hot path: fastmem <= 1.25x mempool, every size", hot, 1, "fastmem", 1.25);
	goal_ratio("S1 hot path: fastmem_h <= 1.0x mempool, every size", hot, 1, "fastmem_h", 1.0);
	goal_slower("S1 hot path: rte_malloc >= 10x slower than fastmem", "rte_malloc", 10);
	for (i = 0; i < RTE_DIM(other); i++) {
		snprintf(text, sizeof(text), "S1 hot path: fastmem faster than %s", other[i]);
		goal_slower(text, other[i], 1.0);
	}
	for (i = 0; i < RTE_DIM(fm); i++) {
		snprintf(text, sizeof(text), "S2-4 batch/bulk: %s <= 1.25x mempool per object",
			fm[i]);
		goal_ratio(text, batch_bulk, RTE_DIM(batch_bulk), fm[i], 1.25);
	}
	for (i = 0; i < RTE_DIM(fm); i++) {
		/* The throughput ratio is the inverse of the cost ratio. */
		snprintf(text, sizeof(text), "S6 pipeline: %s >= 0.8x mempool throughput", fm[i]);
		n = worst(6, fm[i], "alloc+free", true, &hi);
		goal_add(text, n != 0, 1 / hi >= 0.8,
			"worst %.2fx mempool throughput over %u sizes", 1 / hi, n);
	}
	/* What the machine itself keeps on 2 lcores, beside the allocators' figures. */
	e = report_find(7, REFERENCE_NAME, "eff", 1, 2);
	machine = e != NULL ? e->median : NAN;
	for (i = 0; i < RTE_DIM(fm); i++) {
		snprintf(text, sizeof(text),
			"S7 scaling, S1: %s per-lcore throughput at 2 lcores >= 90%% of 1", fm[i]);
		e = report_find(7, fm[i], "eff", 1, 2);
		n = e != NULL && !isnan(e->median);
		goal_add(text, n != 0, n != 0 && e->median >= 90,
			"%.1f%% of 1-lcore throughput per lcore (%s: %.1f%%)",
			n != 0 ? e->median : 0, REFERENCE_NAME, machine);
	}
	/* Set with scenario 8's one --live size, 256 MiB by default: its largest now. */
	e = memeff_largest("fastmem", "backing/live");
	goal_add("S8 memory: fastmem backing <= 1.3x live bytes (mixed sizes)", e != NULL,
		e != NULL && e->median <= 1.3, "%.3fx live bytes at %u MiB",
		e != NULL ? e->median : 0, e != NULL ? e->param : 0);

	goal_issue = 17;
	e = find_any(10, "fastmem", "EAL MiB");
	live = find_any(10, "fastmem", "live MiB");
	if (e != NULL)
		snprintf(lcores, sizeof(lcores), "%u", e->lcores);
	snprintf(text, sizeof(text), "S10: %s lcores x ~1 MiB live: fastmem EAL bytes <= 8 MiB",
		lcores);
	goal_add(text, e != NULL && live != NULL, e != NULL && e->median <= 8,
		"%.1f MiB of EAL memory for %.2f MiB live", e != NULL ? e->median : 0,
		live != NULL ? live->median : 0);
	goal_eal_live("S8: fastmem EAL/live at 8/64/256 MiB <= 1.5x/1.2x/1.15x", eal_mib,
		eal_limit, RTE_DIM(eal_mib));
	goal_vs("S8: fastmem backing/live <= jemalloc's at every size", "jemalloc", NULL, 0, 1.0);
	goal_vs("S8: fastmem within 10% of tcmalloc at 64 and 256 MiB", "tcmalloc", big,
		RTE_DIM(big), 1.1);
	/* The hot path holds while the memory side changes. */
	goal_ratio("S1: fastmem <= 0.5x mempool, every size", hot, 1, "fastmem", 0.5);
	goal_ratio("S1: fastmem_h <= 0.55x mempool, every size", hot, 1, "fastmem_h", 0.55);
	goal_ratio("S5: fastmem <= 1.0x mempool", larson, 1, "fastmem", 1.0);
	for (i = 0; i < RTE_DIM(reserve); i++)
		goal_alloc_tail(reserve[i]);

	/* rte_malloc served by fastmem through librte_fastmem_malloc.so. */
	goal_issue = 18;
	first = n_goals;
	goal_slower_than("S1: rte_malloc_fm >= 10x faster than rte_malloc, every size",
		"rte_malloc_fm", "rte_malloc", 10);
	goal_fm_eal("S8: rte_malloc_fm EAL bytes <= rte_malloc's, at equal live bytes");
	goal_why(first, ALLOC_RTE_MALLOC_FM);

	/* Growth ahead of demand: the headroom's thread. */
	goal_issue = 21;
	for (i = 0; i < RTE_DIM(hr); i++) {
		goal_alloc_tail(hr[i]);
		snprintf(text, sizeof(text), "S9: %s: no allocation waits for a growth", hr[i]);
		n = worst(9, hr[i], "grows inline", false, &hi);
		goal_add(text, n != 0, hi == 0, "at most %.0f per size over %u sizes", hi, n);
	}
	for (i = 0; i < RTE_DIM(ramp); i++) {
		snprintf(text, sizeof(text), "S11: %s: no allocation waits for a growth",
			ramp[i]);
		n = worst(11, ramp[i], "grows inline", false, &hi);
		goal_add(text, n != 0, hi == 0, "%.0f growths waited for", hi);
	}
	/*
	 * A ramp that outruns the thread grows inline, and waits no longer than
	 * without a headroom: the thread shares a CPU with the main lcore here.
	 */
	for (i = 0; i < RTE_DIM(ramp_inline); i++) {
		snprintf(name, sizeof(name), "%s+hr", ramp_inline[i]);
		snprintf(text, sizeof(text), "S11: %s alloc p99.9 <= 1.25x %s's", name,
			ramp_inline[i]);
		with_hr = find_any(11, name, "alloc p99.9");
		without = find_any(11, ramp_inline[i], "alloc p99.9");
		measured = with_hr != NULL && without != NULL;
		ratio = measured ? with_hr->median / without->median : 0;
		goal_add(text, measured, measured && ratio <= 1.25, "%.2fx (%.0f vs %.0f cycles)",
			ratio, measured ? with_hr->median : 0, measured ? without->median : 0);
	}

	for (issue = 0; issue < RTE_DIM(issues); issue++) {
		printf("\n=== Goals (issue %u; measured in this run, not asserted) ===\n",
			issues[issue]);
		for (i = 0; i < n_goals; i++)
			if (goals[i].issue == issues[issue])
				printf("%-13s %-66s %s\n", goals[i].status, goals[i].text,
					goals[i].measured);
	}
	if (!rte_eal_has_hugepages())
		printf("(without hugepages: DPDK allocators pay TLB misses they would not with"
			" them)\n");
	if (bench_disturbed != 0)
		printf("(%u of %u measurements kept although an lcore was preempted in each of %u "
			"attempts: other processes use these cores, figures are inflated)\n",
			bench_disturbed, bench_measurements, BENCH_ATTEMPTS);
}

/* The figures of a result, as CSV columns and JSON members, in this order. */
static const char *const figure_names[] = {
	"median", "min", "max", "ns", "mops", "ratio_mempool", "quantile",
};
#define N_FIGURES RTE_DIM(figure_names)

static void
result_figures(const struct bench_env *env, const struct result *r, double v[N_FIGURES])
{
	const double figures[] = {
		r->median, r->min, r->max, to_ns(env, r), r->mops, ratio_mempool(r), r->quantile,
	};

	RTE_BUILD_BUG_ON(RTE_DIM(figures) != N_FIGURES);
	memcpy(v, figures, sizeof(figures));
}

int
report_write_csv(const char *path, const struct bench_env *env)
{
	double v[N_FIGURES];
	unsigned int i, k;
	FILE *f;

	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "#scenario,scenario_name,allocator,metric,unit,size,param,lcores");
	for (k = 0; k < N_FIGURES; k++)
		fprintf(f, ",%s", figure_names[k]);
	fprintf(f, ",note\n");
	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		fprintf(f, "%u,%s,%s,%s,%s,%" PRIu64 ",%u,%u", r->scenario,
			bench_scenarios[r->scenario - 1]->name, r->alloc, r->metric, r->unit,
			r->size, r->param, r->lcores);
		result_figures(env, r, v);
		for (k = 0; k < N_FIGURES; k++) {
			if (isnan(v[k]))
				fprintf(f, ",");
			else
				fprintf(f, ",%.6g", v[k]);
		}
		/* Notes never contain a double quote; quoting protects their commas. */
		fprintf(f, ",\"%s\"\n", r->note);
	}
	return fclose(f) == 0 ? 0 : -1;
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* ', "name": "s"', s escaped. */
static void
json_str_member(FILE *f, const char *name, const char *s)
{
	fprintf(f, ", \"%s\": ", name);
	json_str(f, s);
}

static void
json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "null");
	else
		fprintf(f, "%.6g", v);
}

static const char *
cpu_model(void)
{
	static char model[128];
	char line[256];
	char *p;
	FILE *f;

	if (model[0] != '\0')
		return model;
	strlcpy(model, "unknown CPU", sizeof(model));
	f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return model;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		p = strchr(line, ':');
		if (p == NULL)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = '\0';
		strlcpy(model, p, sizeof(model));
		break;
	}
	fclose(f);
	return model;
}

static const char *
compiler(void)
{
#ifdef __clang__
	return "clang " __clang_version__;
#else
	return "gcc " __VERSION__;
#endif
}

void
report_env(const struct bench_env *env, FILE *f)
{
	const char *note = allocators_reexec_note();
	unsigned int i;

	fprintf(f, "# machine: %s, TSC %.3f GHz, %u NUMA node(s); %s; %s\n", cpu_model(),
		env->tsc_hz / 1e9, rte_socket_count(), rte_version(), compiler());
	fprintf(f, "# lcores: %u (", env->n_lcores);
	for (i = 0; i < env->n_lcores; i++)
		fprintf(f, "%s%u", i ? "," : "", env->lcores[i]);
	fprintf(f, "), main lcore %u; hugepages: %s\n", rte_get_main_lcore(),
		rte_eal_has_hugepages() ? "yes" :
		"NO: run with --no-huge (4 KiB pages, so more TLB misses for every DPDK"
		" allocator)");
	if (note != NULL)
		fprintf(f, "# note: %s\n", note);
	for (i = 0; (note = allocators_note(i)) != NULL; i++)
		fprintf(f, "# note: %s\n", note);
	for (i = 0; i < ALLOC_NUM; i++) {
		fprintf(f, "# %-13s ", allocators[i].name);
		if ((env->opts->allocators & ALLOC_BIT(i)) == 0)
			fprintf(f, "not selected\n");
		else if (!allocators[i].available)
			fprintf(f, "not available (%s)\n", allocators[i].reason);
		else
			fprintf(f, "%s\n", allocators[i].api);
	}
}

int
report_write_json(const char *path, const struct bench_env *env)
{
	const struct fastmem_opts *o = env->opts;
	const char *note = allocators_reexec_note();
	double v[N_FIGURES];
	unsigned int i, k;
	FILE *f;

	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "{\n  \"env\": {\"cpu\": ");
	json_str(f, cpu_model());
	fprintf(f, ", \"tsc_hz\": %" PRIu64, env->tsc_hz);
	json_str_member(f, "dpdk", rte_version());
	json_str_member(f, "compiler", compiler());
	fprintf(f, ", \"hugepages\": %s, \"lcores\": [",
		rte_eal_has_hugepages() ? "true" : "false");
	for (i = 0; i < env->n_lcores; i++)
		fprintf(f, "%s%u", i ? ", " : "", env->lcores[i]);
	fprintf(f, "], \"numa_nodes\": %u, \"measurements\": %u, \"disturbed\": %u, \"note\": ",
		rte_socket_count(), bench_measurements, bench_disturbed);
	if (note != NULL)
		json_str(f, note);
	else
		fprintf(f, "null");
	fprintf(f, "},\n  \"options\": {\"scenarios\": [");
	for (i = 0; i < FASTMEM_NUM_SCENARIOS; i++)
		if (o->scenarios & RTE_BIT32(i))
			fprintf(f, "%s%u", (o->scenarios & (RTE_BIT32(i) - 1)) ? ", " : "", i + 1);
	fprintf(f, "], \"sizes\": [");
	for (i = 0; i < o->n_sizes; i++)
		fprintf(f, "%s%zu", i ? ", " : "", o->sizes[i]);
	fprintf(f, "], \"iterations\": %" PRIu64 ", \"duration\": ", o->iterations);
	json_num(f, o->duration);
	fprintf(f, ", \"repeat\": %u, \"reserve\": %zu, \"batch\": %u, \"working_set\": %u, "
		"\"live\": [", o->repeat, o->reserve, o->batch, o->working_set);
	for (i = 0; i < o->n_lives; i++)
		fprintf(f, "%s%zu", i ? ", " : "", o->lives[i]);
	fprintf(f, "], \"seed\": %" PRIu64 ", \"mix\": ", o->seed);
	json_str(f, mix_describe());
	fprintf(f, "},\n  \"allocators\": [\n");
	for (i = 0; i < ALLOC_NUM; i++) {
		fprintf(f, "    {\"name\": \"%s\", \"available\": %s, \"selected\": %s",
			allocators[i].name, allocators[i].available ? "true" : "false",
			(o->allocators & ALLOC_BIT(i)) ? "true" : "false");
		json_str_member(f, "api", allocators[i].api);
		json_str_member(f, "reason", allocators[i].reason);
		fprintf(f, "}%s\n", i + 1 < ALLOC_NUM ? "," : "");
	}
	fprintf(f, "  ],\n  \"results\": [\n");
	for (i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		fprintf(f, "    {\"scenario\": %u, \"scenario_name\": \"%s\"", r->scenario,
			bench_scenarios[r->scenario - 1]->name);
		json_str_member(f, "allocator", r->alloc);
		json_str_member(f, "metric", r->metric);
		json_str_member(f, "unit", r->unit);
		fprintf(f, ", \"size\": %" PRIu64 ", \"param\": %u, \"lcores\": %u", r->size,
			r->param, r->lcores);
		result_figures(env, r, v);
		for (k = 0; k < N_FIGURES; k++) {
			fprintf(f, ", \"%s\": ", figure_names[k]);
			json_num(f, v[k]);
		}
		json_str_member(f, "note", r->note);
		fprintf(f, "}%s\n", i + 1 < n_results ? "," : "");
	}
	fprintf(f, "  ],\n  \"notes\": [\n");
	for (i = 0; i < n_notes; i++) {
		fprintf(f, "    {\"scenario\": %u, \"note\": ", notes[i].scenario);
		json_str(f, notes[i].text);
		fprintf(f, "}%s\n", i + 1 < n_notes ? "," : "");
	}
	fprintf(f, "  ],\n  \"goals\": [\n");
	for (i = 0; i < n_goals; i++) {
		fprintf(f, "    {\"issue\": %u, \"goal\": ", goals[i].issue);
		json_str(f, goals[i].text);
		json_str_member(f, "measured", goals[i].measured);
		fprintf(f, ", \"status\": \"%s\"}%s\n", goals[i].status,
			i + 1 < n_goals ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}
