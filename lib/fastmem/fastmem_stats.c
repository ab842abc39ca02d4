/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Statistics. Counters live where they are bumped (thread caches, bins,
 * nodes) and have one writer each; readers sum them with acquire loads,
 * frees before allocations. A cache hit counts frees only: a cache's
 * allocations are derived from what its slow path moved (see
 * struct __rte_fastmem_cache), and a reader racing with the owner may be
 * off by the objects in flight, so class views clamp live objects at 0.
 * A reset records a baseline that readers subtract: no counter is ever
 * written by anybody but its owner, so a reset needs no quiescence. Live
 * objects and bytes are gauges and are not reset.
 *
 * Lcore ids are per process: the per-lcore views cover this process's
 * threads. The global, class and node views add up the threads of every
 * process (their rows are in shared memory), and the counts of rows that
 * are gone, so live objects are exact whoever allocated or freed them.
 * Baselines are per process: a reset rebases the calling process's views.
 */

#include <errno.h>
#include <string.h>

#include <eal_export.h>
#include <rte_lcore.h>
#include <rte_spinlock.h>

#include "fastmem_bin.h"
#include "fastmem_cache.h"
#include "fastmem_pvt.h"
#include "fastmem_state.h"
#include "fastmem_stats.h"

/*
 * Baselines: per lcore and class, every process's threads per class, the
 * shared path per class, large objects.
 */
/* By lcore id, and the shared path's at RTE_MAX_LCORE. */
static struct fastmem_lcore_counts base_lcore[RTE_MAX_LCORE + 1][FASTMEM_NUM_CLASSES];
static struct fastmem_lcore_counts base_threads[FASTMEM_NUM_CLASSES];
static struct fastmem_lcore_counts base_large;
static uint64_t base_slab_acquires[FASTMEM_NUM_CLASSES];
static uint64_t base_slab_releases[FASTMEM_NUM_CLASSES];
/* Serializes readers against a reset; allocation paths never take it. */
static rte_spinlock_t stats_lock = RTE_SPINLOCK_INITIALIZER;

static void
counts_sub(struct fastmem_lcore_counts *a, const struct fastmem_lcore_counts *b)
{
	a->miss_bytes -= b->miss_bytes;
	a->n_alloc -= b->n_alloc;
	a->n_free -= b->n_free;
	a->alloc_miss -= b->alloc_miss;
	a->free_miss -= b->free_miss;
	a->nomem -= b->nomem;
}

static void
counts_add(struct fastmem_lcore_counts *a, const struct fastmem_lcore_counts *b)
{
	a->miss_bytes += b->miss_bytes;
	a->n_alloc += b->n_alloc;
	a->n_free += b->n_free;
	a->alloc_miss += b->alloc_miss;
	a->free_miss += b->free_miss;
	a->nomem += b->nomem;
}

/*
 * Add the shared path's counts of a class (one half, see
 * fastmem_cache_counts()), of one node or of all (node < 0).
 */
static void
shared_counts(const struct fastmem_state *st, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *c)
{
	int n;

	/* Counted even when no node's bins could be set up, and for all nodes. */
	if (!frees && node < 0)
		c->nomem += fastmem_read(&st->shared_nomem[cls]);
	for (n = 0; n < FASTMEM_MAX_NODES; n++) {
		const struct fastmem_bin *b;

		if (node >= 0 && n != node)
			continue;
		b = fastmem_node_bin(st, n, cls);
		if (b == NULL)
			continue;
		if (frees) {
			c->n_free += fastmem_read(&b->shared.n_free);
			c->free_miss += fastmem_read(&b->shared.free_miss);
		} else {
			c->miss_bytes += fastmem_read(&b->shared.miss_bytes);
			c->n_alloc += fastmem_read(&b->shared.n_alloc);
			c->alloc_miss += fastmem_read(&b->shared.alloc_miss);
		}
	}
}

/* Both halves of a thread's (or the shared path's, lcore_id RTE_MAX_LCORE) counts. */
static void
thread_counts(const struct fastmem_state *st, unsigned int lcore_id, unsigned int cls,
		struct fastmem_lcore_counts *c)
{
	bool frees = true;

	memset(c, 0, sizeof(*c));
	do {
		if (lcore_id < RTE_MAX_LCORE)
			fastmem_cache_counts(lcore_id, cls, -1, frees, c);
		else
			shared_counts(st, cls, -1, frees, c);
		frees = !frees;
	} while (!frees);
}

static void
large_counts(const struct fastmem_state *st, struct fastmem_lcore_counts *c)
{
	int node;

	memset(c, 0, sizeof(*c));
	for (node = 0; node < FASTMEM_MAX_NODES; node++)
		c->n_free += fastmem_read(&st->nodes[node].large_free);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		c->n_alloc += fastmem_read(&st->nodes[node].large_alloc);
		c->nomem += fastmem_read(&st->nodes[node].large_nomem);
	}
	/* Large objects never go through a cache. */
	c->alloc_miss = c->n_alloc;
	c->free_miss = c->n_free;
}

static void
to_lcore_stats(const struct fastmem_lcore_counts *c, struct rte_fastmem_lcore_stats *s)
{
	s->alloc_cache_hits = c->n_alloc - c->alloc_miss;
	s->alloc_cache_misses = c->alloc_miss;
	s->alloc_nomem = c->nomem;
	s->free_cache_hits = c->n_free - c->free_miss;
	s->free_cache_misses = c->free_miss;
	s->cache_bytes = 0;
	s->cache_budget = 0;
}

static void
to_lcore_class_stats(const struct fastmem_lcore_counts *c, unsigned int cls,
		struct rte_fastmem_lcore_class_stats *s)
{
	struct rte_fastmem_lcore_stats ls;

	to_lcore_stats(c, &ls);
	s->class_size = __rte_fastmem_class_size(cls);
	s->alloc_cache_hits = ls.alloc_cache_hits;
	s->alloc_cache_misses = ls.alloc_cache_misses;
	s->alloc_nomem = ls.alloc_nomem;
	s->free_cache_hits = ls.free_cache_hits;
	s->free_cache_misses = ls.free_cache_misses;
}

/* Exact class match, or -1. */
static int
class_of_size(size_t class_size)
{
	unsigned int cls = __rte_fastmem_size_to_class(class_size, 0);

	if (cls >= FASTMEM_NUM_CLASSES || __rte_fastmem_class_size(cls) != class_size)
		return -1;
	return (int)cls;
}

/*
 * Raw (not rebased) counts of a class, of one node or of all (node < 0),
 * over every thread of every process and the shared path: every free
 * half first.
 */
static void
class_counts(struct fastmem_state *st, unsigned int cls, int node,
		struct fastmem_lcore_counts *total)
{
	bool frees = true;

	memset(total, 0, sizeof(*total));
	do {
		shared_counts(st, cls, node, frees, total);
		fastmem_cache_counts_all(st, cls, node, frees, total);
		frees = !frees;
	} while (!frees);
}

/* class_counts() of all nodes, and the baseline to subtract. */
static void
class_raw(struct fastmem_state *st, unsigned int cls, struct fastmem_lcore_counts *total,
		struct fastmem_lcore_counts *base)
{
	class_counts(st, cls, -1, total);
	*base = base_lcore[RTE_MAX_LCORE][cls];
	counts_add(base, &base_threads[cls]);
}

/*
 * Bytes lost to rounding by the live objects of a class. Sizes are not
 * kept per object, and a cache hit does not count its size: the mean
 * request size is that of the allocations that missed, a sample taken
 * each time a cache runs empty.
 */
static uint64_t
class_waste(unsigned int cls, const struct fastmem_lcore_counts *raw)
{
	uint64_t size = __rte_fastmem_class_size(cls);
	uint64_t live = raw->n_alloc > raw->n_free ? raw->n_alloc - raw->n_free : 0;
	uint64_t mean;

	if (raw->alloc_miss == 0)
		return 0;
	mean = raw->miss_bytes / raw->alloc_miss;
	return mean < size ? live * (size - mean) : 0;
}

void
fastmem_stats_node_usage(struct fastmem_state *st, int node, uint64_t *objs,
		uint64_t *bytes)
{
	struct fastmem_lcore_counts c;
	unsigned int cls;

	*objs = fastmem_read(&st->nodes[node].large_live);
	*bytes = fastmem_read(&st->nodes[node].large_bytes);
	for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
		class_counts(st, cls, node, &c);
		if (c.n_alloc > c.n_free) {
			*objs += c.n_alloc - c.n_free;
			*bytes += (c.n_alloc - c.n_free) * __rte_fastmem_class_size(cls);
		}
	}
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats, 26.11)
int
rte_fastmem_stats(struct rte_fastmem_stats *stats)
{
	struct fastmem_lcore_counts total, base, c, b;
	struct fastmem_state *st = fastmem_state_get();
	uint64_t live, in_use_bytes = 0, live_objs = 0;
	unsigned int cls;
	int node;

	if (st == NULL)
		return -ENODEV;
	if (stats == NULL)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	memset(&total, 0, sizeof(total));
	rte_spinlock_lock(&stats_lock);
	base = base_large;
	for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
		class_raw(st, cls, &c, &b);
		live = c.n_alloc > c.n_free ? c.n_alloc - c.n_free : 0;
		live_objs += live;
		in_use_bytes += live * __rte_fastmem_class_size(cls);
		stats->bytes_wasted += class_waste(cls, &c);
		counts_add(&total, &c);
		counts_add(&base, &b);
	}
	large_counts(st, &c);
	counts_add(&total, &c);
	rte_spinlock_unlock(&stats_lock);
	counts_sub(&total, &base);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		const struct fastmem_node *nd = &st->nodes[node];

		stats->bytes_backing += fastmem_read(&nd->backing);
		stats->bytes_free_slabs += fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE;
		in_use_bytes += fastmem_read(&nd->large_bytes);
		live_objs += fastmem_read(&nd->large_live);
	}
	stats->bytes_in_use = in_use_bytes;
	stats->objs_in_use = live_objs;
	stats->alloc_total = total.n_alloc;
	stats->free_total = total.n_free;
	stats->alloc_nomem = total.nomem;
	stats->n_classes = FASTMEM_NUM_CLASSES;
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_node, 26.11)
int
rte_fastmem_stats_node(int socket_id, struct rte_fastmem_node_stats *stats)
{
	struct fastmem_state *st = fastmem_state_get();
	const struct fastmem_node *nd;

	if (st == NULL)
		return -ENODEV;
	if (stats == NULL || !fastmem_node_in_range(socket_id))
		return -EINVAL;
	nd = &st->nodes[socket_id];
	stats->bytes_backing = fastmem_read(&nd->backing);
	stats->bytes_free_slabs = fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE;
	stats->headroom = fastmem_read(&nd->headroom);
	stats->grows_inline = fastmem_read(&nd->grows_inline);
	stats->grows_ahead = fastmem_read(&nd->grows_ahead);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_class, 26.11)
int
rte_fastmem_stats_class(size_t class_size, struct rte_fastmem_class_stats *stats)
{
	struct fastmem_state *st = fastmem_state_get();
	struct fastmem_lcore_counts c, base;
	struct rte_fastmem_lcore_stats ls;
	int cls = class_of_size(class_size);
	uint64_t partial, full, empty, depot;
	int node;

	if (st == NULL)
		return -ENODEV;
	if (stats == NULL || cls < 0)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	rte_spinlock_lock(&stats_lock);
	class_raw(st, (unsigned int)cls, &c, &base);
	stats->in_use = c.n_alloc > c.n_free ? c.n_alloc - c.n_free : 0;
	stats->bytes_wasted = class_waste((unsigned int)cls, &c);
	counts_sub(&c, &base);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		const struct fastmem_bin *b;

		b = fastmem_node_bin(st, node, cls);
		if (b == NULL)
			continue;
		stats->slab_acquires += fastmem_read(&b->page_acquires);
		stats->slab_releases += fastmem_read(&b->page_releases);
		fastmem_bin_counts(b, &partial, &full, &empty, &depot);
		stats->slabs_partial += partial;
		stats->slabs_full += full;
		stats->slabs_empty += empty;
		stats->objs_cached += depot;
	}
	stats->slab_acquires -= base_slab_acquires[cls];
	stats->slab_releases -= base_slab_releases[cls];
	rte_spinlock_unlock(&stats_lock);
	to_lcore_stats(&c, &ls);
	stats->class_size = class_size;
	stats->alloc_cache_hits = ls.alloc_cache_hits;
	stats->alloc_cache_misses = ls.alloc_cache_misses;
	stats->alloc_nomem = ls.alloc_nomem;
	stats->free_cache_hits = ls.free_cache_hits;
	stats->free_cache_misses = ls.free_cache_misses;
	return 0;
}

/*
 * The counts of a thread (lcore_id RTE_MAX_LCORE: the shared path) since
 * the last reset, of class @p cls, or of them all (cls FASTMEM_NUM_CLASSES).
 */
static void
thread_stats(const struct fastmem_state *st, unsigned int lcore_id, unsigned int cls,
		struct fastmem_lcore_counts *total)
{
	struct fastmem_lcore_counts c;
	unsigned int i;

	memset(total, 0, sizeof(*total));
	rte_spinlock_lock(&stats_lock);
	for (i = 0; i < FASTMEM_NUM_CLASSES; i++) {
		if (cls != FASTMEM_NUM_CLASSES && i != cls)
			continue;
		thread_counts(st, lcore_id, i, &c);
		counts_sub(&c, &base_lcore[lcore_id][i]);
		counts_add(total, &c);
	}
	rte_spinlock_unlock(&stats_lock);
}

/* A thread's counts of every class; 0, or -errno as the API says. */
static int
thread_stats_all(unsigned int lcore_id, struct rte_fastmem_lcore_stats *stats)
{
	struct fastmem_state *st = fastmem_state_get();
	struct fastmem_lcore_counts total;

	if (st == NULL)
		return -ENODEV;
	if (stats == NULL)
		return -EINVAL;
	thread_stats(st, lcore_id, FASTMEM_NUM_CLASSES, &total);
	to_lcore_stats(&total, stats);
	return 0;
}

/* A thread's counts of the class of @p class_size; 0, or -errno as the API says. */
static int
thread_stats_class(unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats)
{
	struct fastmem_state *st = fastmem_state_get();
	struct fastmem_lcore_counts c;
	int cls = class_of_size(class_size);

	if (st == NULL)
		return -ENODEV;
	if (stats == NULL || cls < 0)
		return -EINVAL;
	thread_stats(st, lcore_id, (unsigned int)cls, &c);
	to_lcore_class_stats(&c, (unsigned int)cls, stats);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_lcore, 26.11)
int
rte_fastmem_stats_lcore(unsigned int lcore_id, struct rte_fastmem_lcore_stats *stats)
{
	int rc;

	if (lcore_id >= RTE_MAX_LCORE)
		return fastmem_state_get() == NULL ? -ENODEV : -EINVAL;
	rc = thread_stats_all(lcore_id, stats);
	if (rc == 0) {
		stats->cache_bytes = fastmem_cache_bytes(lcore_id);
		stats->cache_budget = fastmem_cache_budget(lcore_id);
	}
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_lcore_class, 26.11)
int
rte_fastmem_stats_lcore_class(unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats)
{
	if (lcore_id >= RTE_MAX_LCORE)
		return fastmem_state_get() == NULL ? -ENODEV : -EINVAL;
	return thread_stats_class(lcore_id, class_size, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_shared, 26.11)
int
rte_fastmem_stats_shared(struct rte_fastmem_lcore_stats *stats)
{
	return thread_stats_all(RTE_MAX_LCORE, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_shared_class, 26.11)
int
rte_fastmem_stats_shared_class(size_t class_size, struct rte_fastmem_lcore_class_stats *stats)
{
	return thread_stats_class(RTE_MAX_LCORE, class_size, stats);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_stats_reset, 26.11)
void
rte_fastmem_stats_reset(void)
{
	struct fastmem_state *st = fastmem_state_get();
	unsigned int lcore_id, cls, half;
	int node;

	if (st == NULL)
		return;
	rte_spinlock_lock(&stats_lock);
	/*
	 * Every allocation half before any free half, the readers' order
	 * reversed: a free counted after the reset then belongs to an
	 * allocation counted after it, or to an object live at the reset.
	 */
	memset(base_lcore, 0, sizeof(base_lcore));
	memset(base_threads, 0, sizeof(base_threads));
	for (half = 0; half < 2; half++) {
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
			for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++)
				fastmem_cache_counts(lcore_id, cls, -1, half == 1,
					&base_lcore[lcore_id][cls]);
			fastmem_cache_counts_all(st, cls, -1, half == 1, &base_threads[cls]);
			shared_counts(st, cls, -1, half == 1, &base_lcore[RTE_MAX_LCORE][cls]);
		}
	}
	for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
		base_slab_acquires[cls] = 0;
		base_slab_releases[cls] = 0;
		for (node = 0; node < FASTMEM_MAX_NODES; node++) {
			const struct fastmem_bin *b;

			b = fastmem_node_bin(st, node, cls);
			if (b == NULL)
				continue;
			base_slab_acquires[cls] += fastmem_read(&b->page_acquires);
			base_slab_releases[cls] += fastmem_read(&b->page_releases);
		}
	}
	large_counts(st, &base_large);
	rte_spinlock_unlock(&stats_lock);
}

void
fastmem_stats_fini(void)
{
	rte_spinlock_lock(&stats_lock);
	memset(base_lcore, 0, sizeof(base_lcore));
	memset(base_threads, 0, sizeof(base_threads));
	memset(&base_large, 0, sizeof(base_large));
	memset(base_slab_acquires, 0, sizeof(base_slab_acquires));
	memset(base_slab_releases, 0, sizeof(base_slab_releases));
	rte_spinlock_unlock(&stats_lock);
}
