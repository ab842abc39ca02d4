/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_RACE_H
#define FASTMEM_RACE_H

/**
 * @file
 * Two lcores racing in rounds, for the reliability and stress tests of
 * fastmem's limit and trim: what each lcore allocates and saw, a barrier
 * that lets them start at once, their parts of a limit round and of a trim
 * round, and a thread without an lcore id that trims in a loop meanwhile.
 * Public API only.
 */

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_thread.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "test.h"

/** Objects one lcore allocates in a round at most. */
#define FM_RACE_MAX_OBJS 1100

/** Between two trims: long enough for a preempted lcore to get its CPU back. */
#define FM_RACE_TRIMMER_PAUSE_US 10

struct fm_race;

/** What one lcore does in a round, and what it saw. */
struct fm_race_role {
	struct fm_race *race;
	size_t size;
	unsigned int attempts;
	void *objs[FM_RACE_MAX_OBJS];
	unsigned int n_ok;
	unsigned int n_nomem;
	unsigned int n_other;    /**< Failures with another errno. */
	int other_errno;
};

/** The two lcores of a race and what they share. */
struct fm_race {
	int node;                /**< Where both lcores allocate. */
	unsigned int worker;     /**< The second lcore. */
	struct fm_race_role roles[2]; /**< [0] main lcore, [1] worker. */
	RTE_ATOMIC(uint32_t) bar_count;
	RTE_ATOMIC(uint32_t) bar_gen;
	RTE_ATOMIC(bool) trim_stop;
	RTE_ATOMIC(uint64_t) trims;/**< Calls the trimmer made. */
};

/** Find the worker lcore and the node; TEST_SKIPPED with one lcore (@p who says). */
static inline int
fm_race_init(struct fm_race *race, const char *who)
{
	race->worker = rte_get_next_lcore(-1, 1, 0);
	if (race->worker >= RTE_MAX_LCORE) {
		printf("%s: needs two lcores (-l 0-1), skipped\n", who);
		return TEST_SKIPPED;
	}
	race->node = rte_fastmem_lcore_node(rte_get_main_lcore());
	TEST_ASSERT(race->node >= 0, "main lcore has no node");
	race->roles[0].race = race;
	race->roles[1].race = race;
	return TEST_SUCCESS;
}

/** Barrier of the two lcores: both leave it at once, as far as spinning allows. */
static inline void
fm_race_barrier(struct fm_race *race)
{
	uint32_t gen = rte_atomic_load_explicit(&race->bar_gen, rte_memory_order_acquire);

	if ((rte_atomic_fetch_add_explicit(&race->bar_count, 1,
			rte_memory_order_acq_rel) + 1) == 2) {
		rte_atomic_store_explicit(&race->bar_count, 0, rte_memory_order_relaxed);
		rte_atomic_store_explicit(&race->bar_gen, gen + 1, rte_memory_order_release);
		return;
	}
	while (rte_atomic_load_explicit(&race->bar_gen, rte_memory_order_acquire) == gen)
		rte_pause();
}

/** Make the role's attempts, counting successes and failures by errno. */
static inline void
fm_race_alloc(struct fm_race_role *r)
{
	unsigned int i;
	void *p;

	r->n_ok = 0;
	r->n_nomem = 0;
	r->n_other = 0;
	for (i = 0; i < r->attempts && i < FM_RACE_MAX_OBJS; i++) {
		p = rte_fastmem_alloc_socket(r->size, 0, 0, r->race->node);
		if (p != NULL) {
			*(volatile char *)p = 1;
			r->objs[r->n_ok++] = p;
		} else if (rte_errno == ENOMEM) {
			r->n_nomem++;
		} else {
			r->n_other++;
			r->other_errno = rte_errno;
		}
	}
}

/** Free the role's objects and flush the calling thread's caches. */
static inline void
fm_race_free(struct fm_race_role *r)
{
	unsigned int i;

	for (i = 0; i < r->n_ok; i++)
		rte_fastmem_free(r->objs[i]);
	r->n_ok = 0;
	rte_fastmem_cache_flush();
}

/**
 * An lcore's part of a limit round: allocate at the same time as the
 * other, wait while the main lcore reads the statistics, free and flush.
 * The main lcore runs the same barriers around its own part.
 */
static inline int
fm_race_limit_lcore(void *arg)
{
	struct fm_race_role *r = arg;

	fm_race_barrier(r->race);
	fm_race_alloc(r);
	fm_race_barrier(r->race);
	fm_race_barrier(r->race); /* the main lcore checked */
	fm_race_free(r);
	return 0;
}

/** An lcore's part of a trim round: allocate and free at once with the other, then flush. */
static inline int
fm_race_trim_lcore(void *arg)
{
	struct fm_race_role *r = arg;

	fm_race_barrier(r->race);
	fm_race_alloc(r);
	fm_race_free(r);
	return 0;
}

/**
 * A thread without an lcore id, free to run on both lcores' CPUs: trims
 * until told to stop, pausing between calls so that the lcore it preempts
 * gets its CPU back soon.
 */
static inline uint32_t
fm_race_trimmer(void *arg)
{
	struct fm_race *race = arg;
	uint64_t n = 0;

	while (!rte_atomic_load_explicit(&race->trim_stop, rte_memory_order_acquire)) {
		rte_fastmem_trim();
		n++;
		usleep(FM_RACE_TRIMMER_PAUSE_US);
	}
	rte_atomic_fetch_add_explicit(&race->trims, n, rte_memory_order_relaxed);
	return 0;
}

/** Start the trimmer thread; 0 or an error number. */
static inline int
fm_race_start_trimmer(struct fm_race *race, rte_thread_t *t)
{
	rte_cpuset_t cpus = rte_lcore_cpuset(rte_get_main_lcore());
	rte_cpuset_t worker_cpus = rte_lcore_cpuset(race->worker);
	rte_thread_attr_t attr;
	int rc;

	CPU_OR(&cpus, &cpus, &worker_cpus);
	rte_atomic_store_explicit(&race->trim_stop, false, rte_memory_order_relaxed);
	if (rte_thread_attr_init(&attr) != 0)
		return -1;
	rc = rte_thread_attr_set_affinity(&attr, &cpus);
	if (rc == 0)
		rc = rte_thread_create(t, &attr, fm_race_trimmer, race);
	return rc;
}

/** Stop the trimmer thread and wait for it. */
static inline void
fm_race_stop_trimmer(struct fm_race *race, rte_thread_t t)
{
	rte_atomic_store_explicit(&race->trim_stop, true, rte_memory_order_release);
	rte_thread_join(t, NULL);
}

#endif /* FASTMEM_RACE_H */
