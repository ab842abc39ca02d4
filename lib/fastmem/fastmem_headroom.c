/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Headroom: free segment memory a node keeps ready, so that lcores take
 * pages without waiting for a memzone reserve (about a millisecond). A
 * control thread of the primary process grows each node whose free slices
 * fell below its headroom. Allocating threads of any process tell it with
 * one store to the shared state when a page they take leaves less than
 * that (fastmem_segment.c); they never wait for it, and when a burst
 * outruns it they grow the node themselves, counted in grows_inline.
 * Trim and the decay keep the headroom free.
 *
 * The thread polls that flag, as an lcore cannot wake a sleeping thread
 * without a system call: every HEADROOM_POLL_US while it finds the flag
 * raised, backing off, doubling, to HEADROOM_IDLE_POLL_US while it does
 * not; and it looks at every node every HEADROOM_SCAN_US.
 */

#include <errno.h>

#include <eal_export.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_spinlock.h>
#include <rte_thread.h>

#include "fastmem_backing.h"
#include "fastmem_bin.h"
#include "fastmem_headroom.h"
#include "fastmem_pvt.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

#define HEADROOM_POLL_US 100
/*
 * Idle, the thread woke 1,100 times a second, 5,500 when it always slept
 * HEADROOM_POLL_US: EAL puts control threads on the main lcore's CPU when
 * no other is free, and each wake takes that CPU from the lcore for a
 * context switch.
 */
#define HEADROOM_IDLE_POLL_US 800
#define HEADROOM_SCAN_US 10000

/* The primary's thread: started by the first headroom set, stopped by deinit. */
static rte_spinlock_t headroom_lock = RTE_SPINLOCK_INITIALIZER; /* callers of the API */
static rte_thread_t headroom_tid;
static bool headroom_running;
static RTE_ATOMIC(bool) headroom_stopping;

/*
 * Top up the nodes with a headroom; all of them, or only if one said it ran
 * low. Did one say so?
 */
static bool
headroom_fill(struct fastmem_state *st, bool all)
{
	bool low = rte_atomic_load_explicit(&st->headroom_low, rte_memory_order_relaxed);
	int node;

	if (!all && !low)
		return false;
	/* Cleared first: a page taken while the nodes grow raises it again. */
	rte_atomic_store_explicit(&st->headroom_low, false, rte_memory_order_relaxed);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		uint64_t headroom = fastmem_read(&st->nodes[node].headroom);

		/* Up to the node's limit, then again at the next scan: limits win. */
		if (headroom != 0)
			fastmem_node_keep_free(st, node, headroom, true);
	}
	return low;
}

static uint32_t
headroom_run(void *arg)
{
	const uint64_t scan = rte_get_timer_hz() / (1000000 / HEADROOM_SCAN_US);
	struct fastmem_state *st = arg;
	unsigned int poll_us = HEADROOM_POLL_US;
	uint64_t now, next_scan = 0;
	bool all;

	while (!rte_atomic_load_explicit(&headroom_stopping, rte_memory_order_acquire)) {
		now = rte_get_timer_cycles();
		all = now >= next_scan;
		if (all)
			next_scan = now + scan;
		if (headroom_fill(st, all))
			poll_us = HEADROOM_POLL_US;
		else
			poll_us = RTE_MIN(2 * poll_us, (unsigned int)HEADROOM_IDLE_POLL_US);
		rte_delay_us_sleep(poll_us);
	}
	return 0;
}

void
fastmem_headroom_stop(void)
{
	if (!headroom_running)
		return;
	rte_atomic_store_explicit(&headroom_stopping, true, rte_memory_order_release);
	/* Waits for a growth in progress: the thread touches the state until it returns. */
	rte_thread_join(headroom_tid, NULL);
	headroom_running = false;
	headroom_stopping = false;
}

/* Nodes @p socket_id names that can hold a headroom, in @p nodes; -errno if none. */
static int
headroom_nodes(struct fastmem_state *st, int socket_id, size_t bytes, int *nodes)
{
	int node, n = 0, rc = fastmem_check_node(socket_id);

	if (rc != 0)
		return rc;
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		if (socket_id != SOCKET_ID_ANY ? node != socket_id : !fastmem_node_valid(node))
			continue;
		if (bytes > fastmem_read(&st->nodes[node].limit))
			return -ERANGE;
		nodes[n++] = node;
	}
	return n;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_headroom, 26.11)
int
rte_fastmem_set_headroom(int socket_id, size_t bytes)
{
	struct fastmem_state *st = fastmem_state_get();
	uint64_t before[FASTMEM_MAX_NODES];
	int nodes[FASTMEM_MAX_NODES];
	int n, i, rc = 0;

	if (st == NULL)
		return -ENODEV;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -E_RTE_SECONDARY;
	n = headroom_nodes(st, socket_id, bytes, nodes);
	if (n < 0)
		return n;
	rte_spinlock_lock(&headroom_lock);
	if (bytes != 0 && !headroom_running) {
		rc = rte_thread_create_internal_control(&headroom_tid, "fastmem-hr", headroom_run,
			st);
		headroom_running = rc == 0;
	}
	/* Filled here once, so that the caller finds it ready; the thread keeps it. */
	for (i = 0; i < n && rc == 0; i++) {
		before[i] = fastmem_read(&st->nodes[nodes[i]].headroom);
		rc = fastmem_node_ready(st, nodes[i]);
		if (rc == 0)
			rc = fastmem_node_keep_free(st, nodes[i], bytes, false);
		if (rc == 0)
			fastmem_set(&st->nodes[nodes[i]].headroom, bytes);
	}
	/* What the nodes got stays, as after a failed reserve; trim releases it. */
	while (rc != 0 && i-- > 0)
		fastmem_set(&st->nodes[nodes[i]].headroom, before[i]);
	/* No headroom left to keep: no thread polling for it. */
	for (i = 0; i < FASTMEM_MAX_NODES && fastmem_read(&st->nodes[i].headroom) == 0; i++)
		;
	if (i == FASTMEM_MAX_NODES)
		fastmem_headroom_stop();
	rte_spinlock_unlock(&headroom_lock);
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_get_headroom, 26.11)
size_t
rte_fastmem_get_headroom(int socket_id)
{
	const struct fastmem_node *nd = fastmem_node_setting(socket_id);

	return nd == NULL ? 0 : fastmem_read(&nd->headroom);
}
