/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Decay: free memory goes back to EAL on its own once it stayed unused
 * for a while, without the application calling rte_fastmem_trim(). An EAL
 * alarm of the primary process, never an lcore, drains the bins that saw
 * no refill or flush for the decay time (their depots' objects back to
 * their slabs, their spare slabs to the node) and frees the memzones whose
 * slabs all stayed free that long, down to what rte_fastmem_reserve()
 * asked for and the headroom (fastmem_headroom.c). Hugepage memory goes
 * back to EAL a whole memzone at a time, so a delay (as mimalloc's and
 * jemalloc's purge delays) keeps a working set that breathes from
 * reserving and freeing memzones in turn.
 */

#include <errno.h>

#include <eal_export.h>
#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "fastmem_backing.h"
#include "fastmem_bin.h"
#include "fastmem_decay.h"
#include "fastmem_pvt.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

/* Longest decay time accepted: an hour. */
#define DECAY_MAX_MS 3600000u

/* Checks per decay time: memory goes back between 1 and 1.25 times it after it is free. */
#define DECAY_CHECKS 4

static void decay_tick(void *arg);

/* The decay time of the state (in shared memory: every process reads it). */
static unsigned int
decay_ms(const struct fastmem_state *st)
{
	return rte_atomic_load_explicit(&st->decay_ms, rte_memory_order_relaxed);
}

static int
decay_arm(const struct fastmem_state *st)
{
	uint64_t us = (uint64_t)decay_ms(st) * 1000 / DECAY_CHECKS;

	return rte_eal_alarm_set(RTE_MAX(us, (uint64_t)1000), decay_tick, NULL);
}

static void
decay_tick(void *arg __rte_unused)
{
	struct fastmem_state *st = rte_atomic_load_explicit(&fastmem_st, rte_memory_order_acquire);
	uint64_t now = rte_get_timer_cycles(), age, before;
	unsigned int cls;
	int node;

	if (st == NULL || decay_ms(st) == 0)
		return;
	age = (uint64_t)decay_ms(st) * rte_get_timer_hz() / 1000;
	before = now > age ? now - age : 0;
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		struct fastmem_node *nd = &st->nodes[node];

		if (!rte_atomic_load_explicit(&nd->ready,
				rte_memory_order_acquire) || !fastmem_node_valid(node))
			continue;
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
			fastmem_bin_decay(st, &nd->bins[cls], before);
		fastmem_node_trim(st, node, before, true);
	}
	if (decay_arm(st) != 0)
		FASTMEM_LOG(ERR, "decay: cannot set an EAL alarm, it stops");
}

void
fastmem_decay_stop(void)
{
	/* Waits for a tick running in EAL's interrupt thread. */
	rte_eal_alarm_cancel(decay_tick, (void *)-1);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_decay, 26.11)
int
rte_fastmem_set_decay(unsigned int ms)
{
	struct fastmem_state *st = fastmem_state_get();
	int rc;

	if (st == NULL)
		return -ENODEV;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -E_RTE_SECONDARY;
	if (ms > DECAY_MAX_MS)
		return -EINVAL;
	fastmem_decay_stop();
	rte_atomic_store_explicit(&st->decay_ms, ms, rte_memory_order_relaxed);
	if (ms == 0)
		return 0;
	rc = decay_arm(st);
	if (rc != 0)
		rte_atomic_store_explicit(&st->decay_ms, 0, rte_memory_order_relaxed);
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_get_decay, 26.11)
int
rte_fastmem_get_decay(void)
{
	struct fastmem_state *st = fastmem_state_get();

	if (st == NULL)
		return -ENODEV;
	return (int)decay_ms(st);
}
