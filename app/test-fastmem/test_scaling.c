/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Scenario 7, scaling: the hot path (1), the larson-like server (5) and the
 * pipeline (6) on 1, 2, 4, ... lcores and on all of them. The "eff" column
 * is the per-lcore throughput relative to one lcore: 100 % is perfect
 * scaling. The pipeline needs lcores in pairs, so it skips odd counts.
 */

#include <math.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "bench.h"
#include "report.h"

#define HOTPATH_SIZE 64

/* Per-lcore throughput on k lcores relative to one lcore, from the cost per lcore. */
static void
add_efficiency(const struct bench_scenario *sc)
{
	unsigned int i, n = report_count();
	const struct result *one;
	struct result r;

	for (i = 0; i < n; i++) {
		r = *report_get(i);
		if (r.scenario != sc->id || strcmp(r.metric, "alloc+free") != 0)
			continue;
		one = report_find(sc->id, r.alloc, "alloc+free", r.param, 1);
		if (one == NULL)
			continue;
		strlcpy(r.metric, "eff", sizeof(r.metric));
		strlcpy(r.unit, "% of 1 lcore", sizeof(r.unit));
		r.median = 100 * one->median / r.median;
		r.min = NAN;
		r.max = NAN;
		r.mops = NAN;
		report_add(&r);
	}
}

static void
run_scaling(const struct bench_env *env, const struct bench_scenario *sc)
{
	unsigned int points[RTE_MAX_LCORE], n_points = 0, k, i;
	size_t size = env->opts->sizes[0];

	for (i = 0; i < env->opts->n_sizes; i++)
		if (env->opts->sizes[i] == HOTPATH_SIZE)
			size = HOTPATH_SIZE;
	for (k = 1; k < env->n_lcores; k *= 2)
		points[n_points++] = k;
	points[n_points++] = env->n_lcores;
	if (env->n_lcores == 1)
		report_scenario_note(sc, "1 lcore: nothing to scale (give EAL 2 or more lcores)");
	report_scenario_note(sc, "scenario column: 1 hot path (%zu B), 5 larson, 6 pipeline"
		" (%zu B, lcores in pairs); eff: per-lcore throughput vs 1 lcore", size, size);
	report_scenario_note(sc, "hot path and pipeline: the repetitions of every allocator"
		" (on 1..N lcores for the hot path) take turns, so that a slower spell of the"
		" machine weighs on all alike");
	report_scenario_note(sc, "%s: the hot path of a per-lcore cache without an allocator"
		" (a private pointer stack): what the machine keeps on N lcores", REFERENCE_NAME);
	hotpath_run(env, sc, size, points, n_points, 1, true);
	for (i = 0; i < n_points; i++)
		larson_run(env, sc, points[i], 5);
	for (i = 0; i < n_points; i++)
		if (points[i] == 1 || points[i] % 2 == 0)
			pipeline_run(env, sc, size, points[i], 6);
	add_efficiency(sc);
}

const struct bench_scenario scenario_scaling = {
	.id = 7,
	.name = "scaling",
	.title = "scaling: scenarios 1, 5 and 6 on 1..N lcores (cost per lcore)",
	.param_name = "scenario",
	.run = run_scaling,
};
