/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Runs. A bulk free checks that its objects are of one cache (class and
 * node) without reading each object's slice entry: all must lie in the
 * first object's run, a range of neighbouring slices of its cache, which
 * every slice entry of the run holds (run). A class that grows takes the
 * free page after its newest one when it can, so its run is often all of
 * its pages.
 *
 * A run crosses the segments of a memzone, and may cross from one
 * memzone to the next when EAL put nothing but the next one's malloc
 * header between them, in the first one's tail (FASTMEM_MZ_TAIL), which
 * no object of a page reaches into. Memzone records note such neighbours
 * (run_prev, run_next) from growth until trim.
 *
 * Runs change only when a page joins a cache (taken from its segment) or
 * leaves it (given back), under the node's run lock, which only those,
 * growth and trim take: never a cache hit, nor a refill that finds
 * objects in its bin. A leaving page's neighbours get their narrower
 * runs before the page can join another cache, so a thread that frees an
 * object of that other cache (and got it through some synchronization)
 * also sees the narrower runs. A joining page has its cache index set
 * before any run includes it. Runs stop at the boundaries of aligned
 * 32 MiB regions, 4096 slices.
 *
 * A slice's entry records a range of its cache's slices around it: its
 * run, or a part of it. A page that joins reads its neighbours' entries
 * for the run's ends, gives its own slices the whole run and, while the
 * run is at most a segment's slices, the run's older slices too: beyond,
 * they keep the part they had, so that a class growing by a page need not
 * store the entries of all its pages (up to a region's, 4096, at every
 * page: a refill of 4 KiB objects in scenario 9 spent a third of its
 * 5 K cycles there). A bulk free of objects that lie beyond the part their
 * first object's entry records goes out of line, and widens the entries of
 * that run to the whole run (fastmem_run_widen()): once per run after
 * pages joined it, not at every page, and the next such bulk free is
 * inline again (without it, 128 objects of 4 KiB recycled through a cache
 * of several parts of one run took 8 cycles each, 0.7 inline, in
 * scenario 4 after scenario 3). A page that leaves walks
 * the recorded parts out to the run's ends and gives each side its exact
 * run. Walking slice by slice to find a run's ends made a refill take up
 * to 66 K cycles in scenario 9 (1 KiB objects, runs of 2048 slices).
 */

#include <rte_common.h>
#include <rte_prefetch.h>

#include "fastmem_layout.h"
#include "fastmem_pvt.h"
#include "fastmem_run.h"
#include "fastmem_state.h"

static struct __rte_fastmem_slice *
slice_entry(void *slice)
{
	return &fastmem_segment_of(slice)->pub.slice[fastmem_slice_idx(slice)];
}

static void *
mz_first_slice(const struct fastmem_mz *m)
{
	return m->mz->addr;
}

static void *
mz_last_slice(const struct fastmem_mz *m)
{
	return RTE_PTR_ADD(m->mz->addr, (size_t)m->n_segs * FASTMEM_SEG_SIZE - FASTMEM_SLICE_SIZE);
}

static bool
same_region(const void *a, const void *b)
{
	return ((uintptr_t)a ^ (uintptr_t)b) < __RTE_FASTMEM_RUN_REGION;
}

void *
fastmem_run_beside(struct fastmem_state *st, void *p, bool after)
{
	unsigned int i = fastmem_slice_idx(p);
	void *q = after ? RTE_PTR_ADD(p, FASTMEM_SLICE_SIZE) : RTE_PTR_SUB(p, FASTMEM_SLICE_SIZE);
	const struct fastmem_mz *m;
	int link;

	/* Inside a segment: no memzone edge to look up (most calls). */
	if (after ? i < FASTMEM_SEG_SLICES - 1 : i > 0)
		return q;
	m = fastmem_mz(st, fastmem_segment_of(p)->mz_idx);
	/* At the memzone's edge, the neighbour is the linked memzone's, if any. */
	if (p == (after ? mz_last_slice(m) : mz_first_slice(m))) {
		link = after ? m->run_next : m->run_prev;
		if (link < 0)
			return NULL;
		q = after ? mz_first_slice(fastmem_mz(st, link)) :
			mz_last_slice(fastmem_mz(st, link));
	}
	return same_region(p, q) ? q : NULL;
}

static __rte_always_inline void
entry_store(struct __rte_fastmem_slice *e, uint32_t idx, uint32_t run, bool with_idx)
{
	if (with_idx)
		e->cache_idx = idx;
	rte_atomic_store_explicit(&e->run, run, rte_memory_order_relaxed);
}

/*
 * Give @p n entries from @p e runs from @p run, @p step apart, and with
 * @p with_idx cache index @p idx. Inline, so that @p step and @p with_idx
 * are constants: a page's join stores up to 256 entries, and the run's
 * older slices up to a segment's.
 */
static __rte_always_inline void
entries_store(struct __rte_fastmem_slice *e, unsigned int n, uint32_t idx, uint32_t run,
		uint32_t step, bool with_idx)
{
	unsigned int i;

	/* A run's older slices were written at their pages' joins: no prefetch. */
	for (i = 0; with_idx && i < n; i += RTE_CACHE_LINE_SIZE / sizeof(*e))
		rte_prefetch0_write(&e[i]);
	/*
	 * Four entries per iteration, at constant offsets from a pointer: one
	 * a loop took more for its count than its stores.
	 */
	for (; n >= 4; n -= 4, e += 4, run += 4 * step) {
		entry_store(&e[0], idx, run, with_idx);
		entry_store(&e[1], idx, run + step, with_idx);
		entry_store(&e[2], idx, run + 2 * step, with_idx);
		entry_store(&e[3], idx, run + 3 * step, with_idx);
	}
	for (; n > 0; n--, e++, run += step)
		entry_store(e, idx, run, with_idx);
}

/* Give every slice from @p from to @p to the range @p run. */
static void
run_store(struct fastmem_state *st, void *from, void *to, uint32_t run)
{
	struct fastmem_segment *seg, *last_seg = fastmem_segment_of(to);
	unsigned int i, end;
	void *q = from;

	for (;;) {
		seg = fastmem_segment_of(q);
		end = seg == last_seg ? fastmem_slice_idx(to) : FASTMEM_SEG_SLICES - 1;
		i = fastmem_slice_idx(q);
		entries_store(&seg->pub.slice[i], end + 1 - i, 0, run, 0, false);
		if (seg == last_seg)
			break;
		q = fastmem_run_beside(st, RTE_PTR_ADD(seg, (size_t)end << FASTMEM_SLICE_SHIFT),
			true);
	}
}

/* Give every slice from @p first to @p last, a whole run, the run's range. */
static void
run_set(struct fastmem_state *st, void *first, void *last)
{
	run_store(st, first, last, fastmem_run_word(first, last));
}

/*
 * The first (or last) slice of the range that slice @p q records, if @p q
 * is of cache @p idx, else NULL.
 */
static void *
recorded_end(void *q, uint32_t idx, bool after)
{
	const struct __rte_fastmem_slice *e;
	uint32_t run;
	uintptr_t base;

	if (q == NULL)
		return NULL;
	e = slice_entry(q);
	if (e->cache_idx != idx)
		return NULL;
	run = rte_atomic_load_explicit(&e->run, rte_memory_order_relaxed);
	base = __rte_fastmem_run_base(q, run);
	return (void *)(after ? base + __rte_fastmem_run_len(run) - FASTMEM_SLICE_SIZE : base);
}

/*
 * The first (or last) slice of the run of slice @p p, of cache @p idx:
 * from one recorded range to the next until the slice beyond is of
 * another cache.
 */
static void *
run_end(struct fastmem_state *st, void *p, uint32_t idx, bool after)
{
	void *end = recorded_end(p, idx, after), *q;

	while ((q = recorded_end(fastmem_run_beside(st, end, after), idx, after)) != NULL)
		end = q;
	return end;
}

/*
 * Give @p n slices from @p first, in one segment, cache index @p idx and
 * runs from @p run, @p step apart: 0 for one run, 1 for a run per slice.
 */
static __rte_always_inline void
slices_store(void *first, unsigned int n, uint32_t idx, uint32_t run, uint32_t step)
{
	entries_store(slice_entry(first), n, idx, run, step, true);
}

void
fastmem_run_free_slices(const struct fastmem_state *st, void *first, unsigned int n)
{
	slices_store(first, n, fastmem_no_cache(st), fastmem_run_word(first, first), 1);
}

bool
fastmem_run_widen(struct fastmem_state *st, const void *obj)
{
	void *slice = (void *)RTE_ALIGN_FLOOR((uintptr_t)obj, FASTMEM_SLICE_SIZE);
	struct __rte_fastmem_slice *e = slice_entry(slice);
	uint32_t idx = e->cache_idx, run;
	struct fastmem_node *nd = &st->nodes[fastmem_idx_node(idx)];
	void *lo, *hi;
	bool widen;

	/* The object is live: its page stays in the run while the lock is taken. */
	rte_spinlock_lock(&nd->run_lock);
	lo = run_end(st, slice, idx, false);
	hi = run_end(st, slice, idx, true);
	run = fastmem_run_word(lo, hi);
	widen = rte_atomic_load_explicit(&e->run, rte_memory_order_relaxed) != run;
	if (widen)
		run_store(st, lo, hi, run);
	rte_spinlock_unlock(&nd->run_lock);
	return widen;
}

/* Slices up to which a joining page gives the run's older slices the run too. */
#define RUN_REFRESH_SLICES FASTMEM_SEG_SLICES

void
fastmem_run_join(struct fastmem_state *st, int node, struct fastmem_page *pg, unsigned int cls)
{
	struct fastmem_node *nd = &st->nodes[node];
	uint32_t idx = fastmem_cache_idx(node, cls), run;
	void *addr = fastmem_page_addr(pg);
	void *last = RTE_PTR_ADD(addr, (pg->n_slices - 1) * FASTMEM_SLICE_SIZE);
	void *before, *after, *lo, *hi;

	rte_spinlock_lock(&nd->run_lock);
	before = fastmem_run_beside(st, addr, false);
	after = fastmem_run_beside(st, last, true);
	lo = recorded_end(before, idx, false);
	hi = recorded_end(after, idx, true);
	run = fastmem_run_word(lo != NULL ? lo : addr, hi != NULL ? hi : last);
	slices_store(addr, pg->n_slices, idx, run, 0);
	if (run >> 16 <= RUN_REFRESH_SLICES) {
		if (lo != NULL)
			run_store(st, lo, before, run);
		if (hi != NULL)
			run_store(st, after, hi, run);
	}
	rte_spinlock_unlock(&nd->run_lock);
}

void
fastmem_run_leave(struct fastmem_state *st, int node, struct fastmem_page_head *pages)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_page *pg;
	void *addr, *last, *lo, *hi;
	uint32_t idx;

	rte_spinlock_lock(&nd->run_lock);
	TAILQ_FOREACH(pg, pages, link) {
		addr = fastmem_page_addr(pg);
		last = RTE_PTR_ADD(addr, (pg->n_slices - 1) * FASTMEM_SLICE_SIZE);
		idx = slice_entry(addr)->cache_idx;
		/* The run's ends, before the page's entries forget them. */
		lo = run_end(st, addr, idx, false);
		hi = run_end(st, last, idx, true);
		fastmem_run_free_slices(st, addr, pg->n_slices);
		if (lo != addr)
			run_set(st, lo, fastmem_run_beside(st, addr, false));
		if (hi != last)
			run_set(st, fastmem_run_beside(st, last, true), hi);
	}
	rte_spinlock_unlock(&nd->run_lock);
}

/*
 * Does memzone record @p b start where @p a's last segment ends, its
 * malloc header in a's tail? (Where EAL put it in a page of its own, that
 * page may later hold another memzone: not neighbours.)
 */
static bool
mz_neighbours(const struct fastmem_mz *a, const struct fastmem_mz *b)
{
	return (uintptr_t)a->mz->addr + (uintptr_t)a->n_segs * FASTMEM_SEG_SIZE ==
		(uintptr_t)b->mz->addr;
}

void
fastmem_run_link_mz(struct fastmem_state *st, int idx)
{
	struct fastmem_mz *m = fastmem_mz(st, idx);
	struct fastmem_node *nd = &st->nodes[m->node];
	int i;

	rte_spinlock_lock(&nd->run_lock);
	/* Records are written under mz_lock: scan them under it too. */
	rte_spinlock_lock(&st->mz_lock);
	m->run_prev = -1;
	m->run_next = -1;
	FASTMEM_MZ_FOREACH_USED(st, i) {
		struct fastmem_mz *o = fastmem_mz(st, i);

		if (i == idx || o->node != m->node)
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
	struct fastmem_mz *m = fastmem_mz(st, idx);
	struct fastmem_node *nd = &st->nodes[m->node];

	rte_spinlock_lock(&nd->run_lock);
	if (m->run_prev >= 0)
		fastmem_mz(st, m->run_prev)->run_next = -1;
	if (m->run_next >= 0)
		fastmem_mz(st, m->run_next)->run_prev = -1;
	m->run_prev = -1;
	m->run_next = -1;
	rte_spinlock_unlock(&nd->run_lock);
}
