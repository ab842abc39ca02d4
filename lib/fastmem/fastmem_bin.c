/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Bins: per (node, class), a depot of free objects (a pointer stack, so a
 * cache refill or flush is a copy under a short lock) in front of the
 * class's pages. Objects go back to their pages only when the depot
 * overflows or is drained, so page bookkeeping stays off the common path.
 *
 * A depot keeps about 256 KiB of objects, and more only for a class that
 * cycles more than that through it: when a flush overflows a depot that
 * a refill emptied since it last grew, its capacity doubles, up to eight
 * full caches. Going back to pages costs a cache miss per object (the
 * free list runs through them), which bursts of thousands of 4 KiB
 * objects would pay on every round. Its array grows by doubling as
 * flushes fill it, so it is as large as the most it held, not as its
 * capacity. Trim and the decay drain a depot and free its array.
 *
 * The pages behind the depot are fastmem_page.c's, under the same lock.
 *
 * A node gets its bins at its first use (fastmem_node_ready()): an idle
 * node holds none.
 */

#include <errno.h>
#include <string.h>

#include <eal_export.h>
#include <rte_cycles.h>

#include "fastmem_bin.h"
#include "fastmem_heap.h"
#include "fastmem_layout.h"
#include "fastmem_page.h"
#include "fastmem_pvt.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

static void
bin_init(struct fastmem_bin *b, int node, unsigned int cls)
{
	memset(b, 0, sizeof(*b));
	rte_spinlock_init(&b->lock);
	b->node = node;
	b->cls = cls;
	fastmem_page_init(b);
}

static void
bin_fini(struct fastmem_bin *b)
{
	fastmem_heap_free(b->depot);
	b->depot = NULL;
	b->depot_cap = 0;
	b->depot_size = 0;
	b->depot_len = 0;
}

/* Free what a node's first use made; its bins hold no depot. */
static void
node_free(struct fastmem_node *nd)
{
	fastmem_heap_free(nd->bins);
	nd->bins = NULL;
	fastmem_segment_node_fini(nd);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_node_ready)
int
fastmem_node_ready(struct fastmem_state *st, int node)
{
	struct fastmem_node *nd = &st->nodes[node];
	size_t len = sizeof(*nd->bins) * FASTMEM_NUM_CLASSES;
	unsigned int cls;
	int rc = 0;

	if (rte_atomic_load_explicit(&nd->ready, rte_memory_order_acquire))
		return 0;
	/* Forced to an external heap, a node the machine lacks never gets memory. */
	if ((uint32_t)node >= st->row_nodes)
		return -ENOMEM;
	/* Under the grow lock, which no refill takes: EAL heap calls are slow. */
	fastmem_grow_lock(nd);
	if (!nd->ready) {
		/*
		 * In shared memory, as the state: secondaries use them too.
		 * Only nodes in use have them, not every node id of the state.
		 */
		nd->bins = fastmem_heap_alloc("fastmem_bins", len, false, node);
		if (nd->bins != NULL && fastmem_segment_node_init(nd, node) == 0) {
			for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
				bin_init(&nd->bins[cls], node, cls);
			rte_atomic_store_explicit(&nd->ready, true, rte_memory_order_release);
		} else {
			node_free(nd);
			rc = -ENOMEM;
		}
	}
	rte_spinlock_unlock(&nd->grow_lock);
	return rc;
}

void
fastmem_node_bins_fini(struct fastmem_state *st)
{
	unsigned int cls;
	int node;

	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		struct fastmem_node *nd = &st->nodes[node];

		if (!nd->ready)
			continue;
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
			bin_fini(&nd->bins[cls]);
		node_free(nd);
		nd->ready = false;
	}
}

/* Entries of a depot's first array: small arrays would only be reallocated. */
#define DEPOT_MIN_ENTRIES 32u

/*
 * Before a flush of @p n objects, grow the depot's array so that they fit
 * within its capacity: a power of 2, at least DEPOT_MIN_ENTRIES, so that
 * an idle class costs nothing and a depot's array follows what it held at
 * most. Allocated without the bin lock (its figures are read without it:
 * a race only sizes the array early or late), installed under it, the
 * objects moved along. Without memory for it, the depot stays as it is
 * and objects that do not fit go back to their pages.
 */
static void
depot_fit(struct fastmem_bin *b, unsigned int n)
{
	uint32_t cap = rte_atomic_load_explicit(&b->depot_cap, rte_memory_order_relaxed);
	uint32_t len = rte_atomic_load_explicit(&b->depot_len, rte_memory_order_relaxed);
	uint32_t size;
	void **depot, **old = NULL;

	if (cap == 0)
		cap = fastmem_depot_capacity(b->cls);
	size = RTE_MIN(cap, rte_align32pow2(RTE_MAX(len + n, DEPOT_MIN_ENTRIES)));
	if (size <= rte_atomic_load_explicit(&b->depot_size, rte_memory_order_relaxed))
		return;
	/* In shared memory: secondary processes use it too. */
	depot = fastmem_heap_alloc("fastmem_depot", sizeof(void *) * size, false, b->node);
	if (depot == NULL)
		return;
	rte_spinlock_lock(&b->lock);
	if (b->depot_size < size && b->depot_len <= size) {
		if (b->depot_len > 0)
			memcpy(depot, b->depot, sizeof(void *) * b->depot_len);
		old = b->depot;
		b->depot_size = size;
		rte_atomic_store_explicit(&b->depot, depot, rte_memory_order_release);
		depot = NULL;
	}
	rte_spinlock_unlock(&b->lock);
	fastmem_heap_free(depot);
	fastmem_heap_free(old);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_bin_take)
unsigned int
fastmem_bin_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs, unsigned int min,
		unsigned int n)
{
	unsigned int k;

	rte_spinlock_lock(&b->lock);
	b->last_use = rte_get_timer_cycles();
	k = RTE_MIN(n, b->depot_len);
	b->depot_len -= k;
	if (k > 0)
		memcpy(objs, &b->depot[b->depot_len], sizeof(void *) * k);
	if (k == n) {
		rte_spinlock_unlock(&b->lock);
		return k;
	}
	b->depot_emptied = true;
	return fastmem_page_take(st, b, objs, k, min, n);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_bin_give)
void
fastmem_bin_give(struct fastmem_state *st, struct fastmem_bin *b, void * const *objs,
		unsigned int n)
{
	struct fastmem_page_head released = TAILQ_HEAD_INITIALIZER(released);
	uint32_t limit;
	unsigned int k;

	depot_fit(b, n);
	rte_spinlock_lock(&b->lock);
	b->last_use = rte_get_timer_cycles();
	if (b->depot_cap == 0)
		b->depot_cap = fastmem_depot_capacity(b->cls);
	/*
	 * An overflow of a depot that refills empty: the class cycles more
	 * than it keeps. Its capacity doubles, for the flushes after this one.
	 */
	if (n > b->depot_cap - b->depot_len && b->depot_emptied &&
			b->depot_cap < fastmem_depot_max(b->cls)) {
		b->depot_cap = RTE_MIN(2 * b->depot_cap, fastmem_depot_max(b->cls));
		b->depot_emptied = false;
	}
	/* An array sized before a drain reset the capacity holds no more than the capacity. */
	limit = RTE_MIN(b->depot_size, b->depot_cap);
	k = b->depot_len < limit ? RTE_MIN(n, limit - b->depot_len) : 0;
	if (k > 0)
		memcpy(&b->depot[b->depot_len], objs, sizeof(void *) * k);
	b->depot_len += k;
	for (; k < n; k++)
		fastmem_page_give(b, objs[k], &released);
	rte_spinlock_unlock(&b->lock);
	if (!TAILQ_EMPTY(&released))
		fastmem_segment_give_pages(st, b->node, &released);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_bin_drain)
void
fastmem_bin_drain(struct fastmem_state *st, struct fastmem_bin *b, bool release_spare)
{
	struct fastmem_page_head released = TAILQ_HEAD_INITIALIZER(released);
	void **depot = NULL;

	rte_spinlock_lock(&b->lock);
	while (b->depot_len > 0)
		fastmem_page_give(b, b->depot[--b->depot_len], &released);
	/* A trim gives the depot's memory back too (the next flush takes it again). */
	if (release_spare) {
		fastmem_page_release_spare(b, &released);
		fastmem_page_restart(b);
		depot = b->depot;
		b->depot_cap = 0;
		b->depot_size = 0;
		b->depot_emptied = false;
		rte_atomic_store_explicit(&b->depot, NULL, rte_memory_order_release);
	}
	rte_spinlock_unlock(&b->lock);
	fastmem_heap_free(depot);
	if (!TAILQ_EMPTY(&released))
		fastmem_segment_give_pages(st, b->node, &released);
}

void
fastmem_bin_decay(struct fastmem_state *st, struct fastmem_bin *b, uint64_t before)
{
	/* Read without the lock: a refill racing with it only makes the drain early. */
	if (rte_atomic_load_explicit(&b->last_use, rte_memory_order_relaxed) > before ||
			(rte_atomic_load_explicit(&b->depot, rte_memory_order_relaxed) == NULL &&
			rte_atomic_load_explicit(&b->spare, rte_memory_order_relaxed) == NULL))
		return;
	fastmem_bin_drain(st, b, true);
}

void
fastmem_bin_counts(const struct fastmem_bin *b, uint64_t *partial, uint64_t *full,
		uint64_t *empty, uint64_t *depot)
{
	/* Lock-free: readers never delay a refill; each gauge is read whole. */
	*partial = fastmem_read(&b->n_partial);
	*full = fastmem_read(&b->n_full);
	*empty = rte_atomic_load_explicit(&b->spare, rte_memory_order_relaxed) != NULL;
	*depot = rte_atomic_load_explicit(&b->depot_len, rte_memory_order_relaxed);
}
