/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Slab runs. A bulk free checks that its objects are of one cache (class
 * and node) without reading each object's slab header: all must lie in
 * the first object's run, a range of neighbouring slabs of its cache,
 * which every slab header of the run holds (pub.run). A class that grows
 * takes consecutive free slabs, so its run is often all of its slabs.
 *
 * A run may cross from one memzone to the next when EAL put nothing but
 * the next one's malloc header between them: a gap of one 2 MiB page,
 * which can never hold a fastmem object (slabs and large objects start at
 * 2 MiB boundaries, the gap's only one is where the first memzone ends,
 * and EAL cannot put a header inside a live memzone). Memzone records
 * note such neighbours (run_prev, run_next) from growth until trim.
 *
 * Runs change only when a slab joins a cache (taken from the node) or
 * leaves it (given back), under the node's run lock, which only those,
 * growth and trim take: never a cache hit, nor a refill that finds
 * objects in its bin. A leaving slab's neighbours get their narrower
 * runs before the slab can join another cache, so a thread that
 * frees an object of that other cache (and got it through some
 * synchronization) also sees the narrower runs. A joining slab has its
 * cache index set before any run includes it. Runs stop at the
 * boundaries of aligned 128 MiB regions: a run fits in 16 bits of the
 * header, and rebuilding one touches at most 64 slab headers.
 */

#include <rte_common.h>

#include "fastmem_pvt.h"

static struct fastmem_slab *
mz_first_slab(const struct fastmem_mz *m)
{
	return m->mz->addr;
}

static struct fastmem_slab *
mz_last_slab(const struct fastmem_mz *m)
{
	return RTE_PTR_ADD(m->mz->addr, (size_t)(m->n_slabs - 1) * FASTMEM_SLAB_SIZE);
}

static bool
same_region(const struct fastmem_slab *a, const struct fastmem_slab *b)
{
	return ((uintptr_t)a ^ (uintptr_t)b) < __RTE_FASTMEM_RUN_REGION;
}

/* The slab after (or before) @p s that a run through it would take in, or NULL. */
static struct fastmem_slab *
slab_beside(struct fastmem_state *st, struct fastmem_slab *s, bool after)
{
	const struct fastmem_mz *m = &st->mzs[s->mz_idx];
	int link = after ? m->run_next : m->run_prev;
	struct fastmem_slab *p;

	if (s != (after ? mz_last_slab(m) : mz_first_slab(m)))
		p = RTE_PTR_ADD(s, after ? FASTMEM_SLAB_SIZE : -FASTMEM_SLAB_SIZE);
	else if (link >= 0)
		p = after ? mz_first_slab(&st->mzs[link]) : mz_last_slab(&st->mzs[link]);
	else
		return NULL;
	return same_region(p, s) ? p : NULL;
}

uint32_t
fastmem_run_word(const void *first, const void *last)
{
	uintptr_t region = (uintptr_t)first & ~(uintptr_t)(__RTE_FASTMEM_RUN_REGION - 1);
	uint32_t lo = (uint32_t)(((uintptr_t)first - region) >> RTE_FASTMEM_SLAB_SHIFT);
	uint32_t hi = (uint32_t)(((uintptr_t)last - region) >> RTE_FASTMEM_SLAB_SHIFT);

	return lo | (hi - lo + 1) << 8;
}

/* Give every slab of the run through @p s (a slab of a cache) the run's range. */
static void
run_rebuild(struct fastmem_state *st, struct fastmem_slab *s)
{
	struct fastmem_slab *first = s, *last = s, *p;
	uint32_t idx = s->pub.cache_idx, run;

	while ((p = slab_beside(st, first, false)) != NULL && p->pub.cache_idx == idx)
		first = p;
	while ((p = slab_beside(st, last, true)) != NULL && p->pub.cache_idx == idx)
		last = p;
	run = fastmem_run_word(first, last);
	for (p = first; p != last; p = slab_beside(st, p, true))
		__atomic_store_n(&p->pub.run, run, __ATOMIC_RELAXED);
	__atomic_store_n(&last->pub.run, run, __ATOMIC_RELAXED);
}

void
fastmem_run_join(struct fastmem_state *st, int node, struct fastmem_slab *s, unsigned int cls)
{
	struct fastmem_node *nd = &st->nodes[node];

	rte_spinlock_lock(&nd->run_lock);
	s->pub.cache_idx = fastmem_cache_idx(node, cls);
	s->obj_size = __rte_fastmem_class_size(cls);
	run_rebuild(st, s);
	rte_spinlock_unlock(&nd->run_lock);
}

void
fastmem_run_leave(struct fastmem_state *st, int node, struct fastmem_slab_head *slabs)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_slab *s, *p;
	uint32_t idx;

	rte_spinlock_lock(&nd->run_lock);
	TAILQ_FOREACH(s, slabs, link) {
		idx = s->pub.cache_idx;
		s->pub.cache_idx = __RTE_FASTMEM_LARGE_IDX;
		s->obj_size = 0;
		__atomic_store_n(&s->pub.run, fastmem_run_word(s, s), __ATOMIC_RELAXED);
		p = slab_beside(st, s, false);
		if (p != NULL && p->pub.cache_idx == idx)
			run_rebuild(st, p);
		p = slab_beside(st, s, true);
		if (p != NULL && p->pub.cache_idx == idx)
			run_rebuild(st, p);
	}
	rte_spinlock_unlock(&nd->run_lock);
}

struct fastmem_slab *
fastmem_run_free_neighbour(struct fastmem_state *st, int node, struct fastmem_slab *s)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_slab *p = NULL;
	int side;

	rte_spinlock_lock(&nd->run_lock);
	for (side = 0; side < 2 && p == NULL; side++) {
		p = slab_beside(st, s, side == 0);
		if (p != NULL && p->list != FASTMEM_LIST_NODE)
			p = NULL;
	}
	rte_spinlock_unlock(&nd->run_lock);
	return p;
}

/* Does memzone record @p b start one page (its malloc header's) after @p a ends? */
static bool
mz_neighbours(const struct fastmem_mz *a, const struct fastmem_mz *b)
{
	return (uintptr_t)a->mz->addr + (a->n_slabs + 1) * FASTMEM_SLAB_SIZE ==
		(uintptr_t)b->mz->addr;
}

void
fastmem_run_link_mz(struct fastmem_state *st, int idx)
{
	struct fastmem_mz *m = &st->mzs[idx];
	struct fastmem_node *nd = &st->nodes[m->node];
	int i;

	rte_spinlock_lock(&nd->run_lock);
	/* Records are written under mz_lock: scan them under it too. */
	rte_spinlock_lock(&st->mz_lock);
	m->run_prev = -1;
	m->run_next = -1;
	for (i = 0; i < FASTMEM_MAX_MZ; i++) {
		struct fastmem_mz *o = &st->mzs[i];

		if (i == idx || !o->used || o->node != m->node)
			continue;
		if (mz_neighbours(o, m)) {
			m->run_prev = (int16_t)i;
			o->run_next = (int16_t)idx;
		} else if (mz_neighbours(m, o)) {
			m->run_next = (int16_t)i;
			o->run_prev = (int16_t)idx;
		}
	}
	rte_spinlock_unlock(&st->mz_lock);
	rte_spinlock_unlock(&nd->run_lock);
}

void
fastmem_run_unlink_mz(struct fastmem_state *st, int idx)
{
	struct fastmem_mz *m = &st->mzs[idx];
	struct fastmem_node *nd = &st->nodes[m->node];

	rte_spinlock_lock(&nd->run_lock);
	if (m->run_prev >= 0)
		st->mzs[m->run_prev].run_next = -1;
	if (m->run_next >= 0)
		st->mzs[m->run_next].run_prev = -1;
	m->run_prev = -1;
	m->run_next = -1;
	rte_spinlock_unlock(&nd->run_lock);
}
