/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 11, ramp: one lcore's live memory grows steadily to 256 MiB of
 * 4 KiB objects (each written once, as a user fills it), as fast as it
 * can and paced at about 1 GiB/s, from a trimmed fastmem that grows on
 * demand or keeps a headroom of 64 MiB (rte_fastmem_set_headroom(), rows
 * "+hr"). Per
 * row: the growths allocations waited for (grows inline, from
 * rte_fastmem_stats_node()), the allocation time's p99.9 and maximum, and
 * the ramp's rate. Only fastmem's allocators take part: the others have
 * no headroom, and a mempool is sized up front.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_string_fns.h>

#include <rte_fastmem.h>

#include "bench.h"
#include "report.h"

#define RAMP_BYTES (256u << 20)
#define RAMP_OBJ 4096u
#define RAMP_OBJS (RAMP_BYTES / RAMP_OBJ)
#define RAMP_HEADROOM ((size_t)64 << 20)
/* The paced rows allocate 1 MiB, then wait for the next millisecond. */
#define RAMP_PACE_BYTES (1u << 20)

struct ramp_arg {
	enum alloc_kind kind;
	struct alloc_ctx ctx;
	bool paced;
	void **objs;
	uint32_t *lat;
};

static __rte_always_inline int
ramp_loop(const enum alloc_kind kind, const size_t size, struct ramp_arg *a)
{
	const uint64_t step = rte_get_tsc_hz() / 1000;
	uint64_t t0, next = rte_rdtsc() + step;
	unsigned int i;

	for (i = 0; i < RAMP_OBJS; i++) {
		t0 = rte_rdtsc_precise();
		a->objs[i] = bench_alloc(kind, &a->ctx, size);
		a->lat[i] = bench_clamp_u32(rte_rdtsc_precise() - t0);
		if (unlikely(a->objs[i] == NULL))
			return -1;
		memset(a->objs[i], (int)i, RTE_CACHE_LINE_SIZE);
		if (a->paced && (i + 1) % (RAMP_PACE_BYTES / RAMP_OBJ) == 0) {
			while (rte_rdtsc() < next)
				rte_pause();
			next += step;
		}
	}
	return 0;
}

static __rte_noinline int
ramp_run(struct ramp_arg *a)
{
	int ret;

	BENCH_DISPATCH(ret, ramp_loop, a->kind, RAMP_OBJ, a);
	return ret;
}

static void
ramp_free(struct ramp_arg *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && a->objs[i] != NULL; i++)
		bench_free(a->kind, &a->ctx, a->objs[i]);
}

static void
add(const struct bench_scenario *sc, const struct ramp_arg *a, const char *variant,
		const char *metric, const char *unit, double v)
{
	struct result r;

	result_init(&r, sc, a->kind, metric, unit, RAMP_OBJ, 0, 1);
	strlcat(r.alloc, variant, sizeof(r.alloc));
	r.median = v;
	report_add(&r);
}

/* One ramp of @p a's allocator; @p headroom: with one. */
static void
ramp_measure(const struct bench_env *env, const struct bench_scenario *sc, struct ramp_arg *a,
		bool headroom)
{
	char variant[32];
	uint64_t grows, t0, t;
	int rc;

	snprintf(variant, sizeof(variant), "%s%s", a->paced ? "+paced" : "",
		headroom ? "+hr" : "");
	bench_flush_all_lcores(env);
	rte_fastmem_trim();
	if (headroom && rte_fastmem_set_headroom(SOCKET_ID_ANY, RAMP_HEADROOM) != 0) {
		report_note(sc, a->kind, "FAILED: rte_fastmem_set_headroom(%zu)", RAMP_HEADROOM);
		return;
	}
	memset(a->objs, 0, sizeof(*a->objs) * RAMP_OBJS);
	grows = bench_grows_inline();
	t0 = rte_rdtsc();
	rc = ramp_run(a);
	t = rte_rdtsc() - t0;
	grows = bench_grows_inline() - grows;
	ramp_free(a, RAMP_OBJS);
	if (headroom)
		rte_fastmem_set_headroom(SOCKET_ID_ANY, 0);
	bench_flush_all_lcores(env);
	rte_fastmem_trim();
	if (rc != 0) {
		report_note(sc, a->kind, "FAILED: an allocation returned NULL");
		return;
	}
	qsort(a->lat, RAMP_OBJS, sizeof(a->lat[0]), bench_cmp_u32);
	add(sc, a, variant, "grows inline", "count", (double)grows);
	add(sc, a, variant, "alloc p99.9", "cycles", a->lat[RAMP_OBJS - RAMP_OBJS / 1000]);
	add(sc, a, variant, "alloc max", "cycles", a->lat[RAMP_OBJS - 1]);
	add(sc, a, variant, "MiB/s", "MiB/s", (double)RAMP_BYTES / (1 << 20) /
		((double)t / env->tsc_hz));
}

static void
run_ramp(const struct bench_env *env, const struct bench_scenario *sc)
{
	struct ramp_arg a;
	enum alloc_kind kind;
	unsigned int v;

	memset(&a, 0, sizeof(a));
	a.objs = calloc(RAMP_OBJS, sizeof(*a.objs));
	a.lat = calloc(RAMP_OBJS, sizeof(*a.lat));
	if (a.objs == NULL || a.lat == NULL)
		rte_exit(EXIT_FAILURE, "no memory for a ramp of %u objects\n", RAMP_OBJS);
	report_scenario_note(sc, "one lcore allocates %u MiB of %u B objects, writing a cache"
		" line of each, as fast as it can or +paced (1 MiB per millisecond); fastmem "
		"trimmed first; +hr: rte_fastmem_set_headroom() of %zu MiB; grows inline:"
		" growths an allocation waited for", RAMP_BYTES >> 20, RAMP_OBJ,
		RAMP_HEADROOM >> 20);
	BENCH_FOREACH_ALLOC(env, kind) {
		if (!bench_is_fastmem(kind)) {
			report_note(sc, kind, "n/a (no headroom: sized up front or grown inline)");
			continue;
		}
		a.kind = kind;
		if (alloc_ctx_init(&a.ctx, kind, RAMP_OBJ, RAMP_OBJS, 1) != 0) {
			report_note(sc, kind, "FAILED: set-up");
			continue;
		}
		for (v = 0; v < 4; v++) {
			a.paced = v >= 2;
			ramp_measure(env, sc, &a, v % 2 == 1);
		}
		alloc_ctx_fini(&a.ctx);
	}
	free(a.objs);
	free(a.lat);
	if (env->opts->reserve != 0 && allocators[ALLOC_FASTMEM].available)
		rte_fastmem_reserve(env->opts->reserve, SOCKET_ID_ANY);
}

const struct bench_scenario scenario_ramp = {
	.id = 11,
	.name = "ramp",
	.title = "ramp to 256 MiB live: growths allocations waited for, allocation tail",
	.run = run_ramp,
};
