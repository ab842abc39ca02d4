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
 * Partial pages sit in buckets by occupancy and refills take from the
 * fullest first: new objects pack into few pages and the emptiest pages
 * get a chance to drain completely. An empty page is kept as the bin's
 * spare (hysteresis) and only a second empty page goes back to its
 * segment, so a working set oscillating around a page boundary does not
 * re-carve.
 *
 * A node gets its bins at its first use (fastmem_node_ready()): an idle
 * node holds none.
 */

#include <errno.h>
#include <string.h>

#include <eal_export.h>
#include <rte_cycles.h>

#include "fastmem_bin.h"
#include "fastmem_debug.h"
#include "fastmem_heap.h"
#include "fastmem_page.h"
#include "fastmem_pvt.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

/* A page's occupancy bucket: a division, which page_give() avoids. */
static unsigned int
fill_bucket(const struct fastmem_page *s)
{
	return s->n_used * FASTMEM_FILL_BUCKETS / s->n_slots;
}

static void
page_unlink(struct fastmem_bin *b, struct fastmem_page *s)
{
	switch (s->list) {
	case FASTMEM_LIST_PARTIAL:
		TAILQ_REMOVE(&b->partial[s->bucket], s, link);
		fastmem_set(&b->n_partial, b->n_partial - 1);
		break;
	case FASTMEM_LIST_FULL:
		TAILQ_REMOVE(&b->full, s, link);
		fastmem_set(&b->n_full, b->n_full - 1);
		break;
	case FASTMEM_LIST_SPARE:
		b->spare = NULL;
		break;
	default:
		break;
	}
	s->list = FASTMEM_LIST_NONE;
}

/* Put a page with 0 < n_used or a fresh page where its occupancy says. */
static void
page_link(struct fastmem_bin *b, struct fastmem_page *s)
{
	if (s->n_used == s->n_slots) {
		TAILQ_INSERT_HEAD(&b->full, s, link);
		fastmem_set(&b->n_full, b->n_full + 1);
		s->list = FASTMEM_LIST_FULL;
	} else {
		s->bucket = (uint8_t)fill_bucket(s);
		TAILQ_INSERT_HEAD(&b->partial[s->bucket], s, link);
		fastmem_set(&b->n_partial, b->n_partial + 1);
		s->list = FASTMEM_LIST_PARTIAL;
	}
}

/* Set up a page that joined a bin's class; O(1): slots are handed out by bumping. */
static void
page_carve(struct fastmem_bin *b, struct fastmem_page *s)
{
	s->free_head = NULL;
	s->obj_size = __rte_fastmem_class_size(b->cls);
	s->n_used = 0;
	s->n_slots = fastmem_page_slots(s, b->cls);
	s->bump = 0;
	s->list = FASTMEM_LIST_NONE;
	fastmem_dbg_carve(s, b->cls);
}

/*
 * Write the addresses of @p n slots of @p size bytes from @p data to
 * @p objs, a vector of them per store: a refill carves hundreds.
 */
static void
carve(void **objs, uint8_t *data, uint32_t size, unsigned int n)
{
	const unsigned int w = __RTE_FASTMEM_CHUNK_OBJS;
	__rte_fastmem_chunk_t addr, step;
	unsigned int i;

	for (i = 0; i < w; i++) {
		addr[i] = (uintptr_t)data + (uintptr_t)size * i;
		step[i] = (uintptr_t)size * w;
	}
	for (i = 0; i + w <= n; i += w, addr += step)
		memcpy(&objs[i], &addr, sizeof(addr));
	for (; i < n; i++)
		objs[i] = data + (size_t)size * i;
}

/* Hand out up to n slots of a linked page; returns how many. */
static unsigned int
page_take(struct fastmem_bin *b, struct fastmem_page *s, void **objs, unsigned int n)
{
	uint8_t *data = (uint8_t *)fastmem_page_addr(s) + fastmem_page_data_offset(s, b->cls);
	uint32_t size = s->obj_size, bump = s->bump, end;
	void *head = s->free_head;
	unsigned int k = 0;

	/*
	 * In locals: stores to objs[] may alias the page's fields for the
	 * compiler (-fno-strict-aliasing), which would reload them per object.
	 */
	page_unlink(b, s);
	while (k < n && head != NULL) {
		objs[k++] = head;
		head = fastmem_dbg_link_get(head, b->cls);
	}
	end = RTE_MIN(s->n_slots, bump + (n - k));
	carve(objs + k, data + (size_t)size * bump, size, end - bump);
	k += end - bump;
	s->free_head = head;
	s->bump = end;
	s->n_used += k;
	page_link(b, s);
	return k;
}

/* The page refills should use: the fullest partial one, else the spare. */
static struct fastmem_page *
page_pick(struct fastmem_bin *b)
{
	struct fastmem_page *s;
	int i;

	for (i = FASTMEM_FILL_BUCKETS - 1; i >= 0; i--) {
		s = TAILQ_FIRST(&b->partial[i]);
		if (s != NULL)
			return s;
	}
	return b->spare;
}

static void
bin_init(struct fastmem_bin *b, int node, unsigned int cls)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	rte_spinlock_init(&b->lock);
	b->node = node;
	b->cls = cls;
	b->page_slices = fastmem_page_slices(cls);
	for (i = 0; i < FASTMEM_FILL_BUCKETS; i++)
		TAILQ_INIT(&b->partial[i]);
	TAILQ_INIT(&b->full);
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
	rte_ticketlock_lock(&nd->grow_lock);
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
	rte_ticketlock_unlock(&nd->grow_lock);
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

/*
 * A class that took PAGE_GROWTH pages of one size takes pages twice as
 * large, up to PAGE_MAX_GROWTH times its first size: a class with few
 * objects keeps small pages, one with many gets long runs cheaply (a
 * bulk free is inline only when its objects lie in one run), fewer page
 * takes and fewer headers to visit. A trim starts it small again.
 */
#define PAGE_GROWTH 8u
#define PAGE_MAX_GROWTH 8u

/*
 * Largest page a refill for one object takes for the objects it still
 * needs when they would fill more than PAGE_GROWTH pages of the bin's
 * size: one page take instead of many, but no larger than this, since a
 * page take writes an entry per slice and a refill takes at most one new
 * page beyond what its caller needs (fastmem_bin_take()): that cost is one
 * allocation's latency. In scenario 9's loop, pages of a whole segment
 * made refills of 289 objects of 4 KiB take 2-4 K cycles, 0.6-1.6 K of
 * them writing the 256 entries; with pages of at most 256 KiB, the p99.9
 * of allocating 1 KiB objects fell from 2.2-3.8 K cycles to 1.0-1.2 K.
 * A refill for a bulk allocation takes pages up to a segment, so that a
 * burst lies in one page, one run: with pages of 256 KiB, bursts of 128
 * objects of 4 KiB in scenario 4 spanned pages apart and every bulk free
 * went through the bin (8.7 cycles an object instead of 0.7).
 */
#define PAGE_REFILL_MAX_SLICES 32u

/*
 * Objects below which a page is too small to be worth a refill's page take
 * (0.5 to 1 K cycles) when a larger one is wanted (page_slices_for()).
 */
#define PAGE_TAKE_MIN_OBJS 32u

static uint32_t
page_slices_max(const struct fastmem_bin *b)
{
	return RTE_MIN(fastmem_page_slices(b->cls) * PAGE_MAX_GROWTH,
		(uint32_t)FASTMEM_SEG_SLICES);
}

static void
page_size_next(struct fastmem_bin *b)
{
	if (++b->pages_at_size >= PAGE_GROWTH && b->page_slices < page_slices_max(b)) {
		b->page_slices *= 2;
		b->pages_at_size = 0;
	}
}

/*
 * Slices of the page to take for @p objs more objects, for a caller that
 * needs @p min of them: the bin's size, or for a refill that would take
 * more than PAGE_GROWTH such pages, a page for them all. For a bulk
 * allocation, up to a segment; for a single object, up to
 * PAGE_REFILL_MAX_SLICES and no more aligned than the newest page's end,
 * so that it can lie just after it (pages are aligned to their size),
 * unless such a page would hold fewer than PAGE_TAKE_MIN_OBJS objects and
 * be under a quarter of the size wanted: a class of large objects whose
 * newest pages are small (it started, or a trim started it again) then
 * leaves its run once. Pages doubling from the newest one's end took a
 * refill each: in scenario 9's loop, 4 KiB objects took pages of 8, 16
 * and 32 slices at the 13th, 29th and 61st allocations after a trim, three
 * of the eight slowest, where one page of 32 slices now serves the 5th to
 * the 68th.
 */
static uint32_t
page_slices_for(const struct fastmem_bin *b, unsigned int objs, unsigned int min)
{
	uint64_t size = __rte_fastmem_class_size(b->cls), bytes = objs * size;
	uint32_t n = b->page_slices, end, aligned;
	uint32_t max = min > 1 ? FASTMEM_SEG_SLICES : PAGE_REFILL_MAX_SLICES;

	if (bytes <= (uint64_t)PAGE_GROWTH * n * FASTMEM_SLICE_SIZE)
		return n;
	while (n < max && (uint64_t)n * FASTMEM_SLICE_SIZE < bytes)
		n *= 2;
	if (min <= 1 && b->newest != NULL) {
		end = fastmem_slice_idx(fastmem_page_addr(b->newest)) + b->newest->n_slices;
		end %= FASTMEM_SEG_SLICES;
		aligned = end == 0 ? n : UINT32_C(1) << rte_bsf32(end);
		if (aligned < n && (4 * aligned >= n ||
				aligned * FASTMEM_SLICE_SIZE >= PAGE_TAKE_MIN_OBJS * size))
			n = aligned;
	}
	return n;
}

/* Pages of a bin a new page should lengthen the runs of, at most. */
#define BESIDE_PAGES 8

/*
 * A free block of @p slices beside one of the bin's pages, the newest
 * first, then the full ones and the fullest partial ones: a class whose
 * pages lie together has long runs, and bulk frees stay inline (a run
 * must hold a whole burst). Bin lock held.
 */
static struct fastmem_page *
claim_beside(struct fastmem_state *st, struct fastmem_bin *b, uint32_t slices)
{
	const struct fastmem_page *near[BESIDE_PAGES], *pg;
	unsigned int n = 0;
	int i;

	if (b->newest != NULL)
		near[n++] = b->newest;
	TAILQ_FOREACH(pg, &b->full, link) {
		if (n == BESIDE_PAGES)
			break;
		if (pg != b->newest)
			near[n++] = pg;
	}
	for (i = FASTMEM_FILL_BUCKETS - 1; i >= 0 && n < BESIDE_PAGES; i--) {
		TAILQ_FOREACH(pg, &b->partial[i], link) {
			if (n == BESIDE_PAGES)
				break;
			if (pg != b->newest)
				near[n++] = pg;
		}
	}
	return n == 0 ? NULL :
		fastmem_segment_claim_beside(st, b->node, near, n, slices, b->cls);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_bin_take)
unsigned int
fastmem_bin_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs, unsigned int min,
		unsigned int n)
{
	struct fastmem_page *s, *near;
	uint32_t slices, min_slices;
	bool took_page = false;
	unsigned int k;

	rte_spinlock_lock(&b->lock);
	b->last_use = rte_get_timer_cycles();
	k = RTE_MIN(n, b->depot_len);
	b->depot_len -= k;
	if (k > 0)
		memcpy(objs, &b->depot[b->depot_len], sizeof(void *) * k);
	if (k < n)
		b->depot_emptied = true;
	while (k < n) {
		s = page_pick(b);
		if (s != NULL) {
			k += page_take(b, s, objs + k, n - k);
			continue;
		}
		/* One page take per call beyond @p min: each one costs the caller's latency. */
		if (took_page && k >= min)
			break;
		took_page = true;
		/*
		 * A free page beside one of the class's lengthens its run; the
		 * bin lock keeps them alive while the node looks. Never hold
		 * the bin lock while the node finds (or grows) any other page.
		 */
		near = b->newest;
		slices = page_slices_for(b, n - k, min);
		min_slices = b->page_slices;
		s = claim_beside(st, b, slices);
		rte_spinlock_unlock(&b->lock);
		/* A new memzone still starts next to the newest page's, if it can. */
		s = fastmem_segment_take_page(st, b->node, b->cls, slices, min_slices, s, near);
		if (s == NULL)
			return k;
		page_carve(b, s);
		rte_spinlock_lock(&b->lock);
		fastmem_count(&b->page_acquires, 1);
		page_size_next(b);
		b->newest = s;
		/*
		 * Objects come from the new page at once, even if another page
		 * came back meanwhile: a page on the partial lists with none of
		 * its objects out would never empty, so never go back.
		 */
		k += page_take(b, s, objs + k, n - k);
	}
	rte_spinlock_unlock(&b->lock);
	return k;
}

/*
 * Give one object back to its page; collect pages that became surplus
 * empties. A partial page stays where it is in its list until its
 * occupancy falls below its bucket: a flush gives back hundreds of
 * objects, and two divisions and a move of the page per object made the
 * slowest frees of scenario 9's loop (flushes of 512 objects) take 13 to
 * 15 K cycles at p99.9 for 256 B objects, 4.1 to 5.0 K without.
 * For 4 KiB objects that the application never touched, writing each
 * one's link is a cache miss, about 45 cycles apiece, and dominates.
 */
static void
page_give(struct fastmem_bin *b, void *obj, struct fastmem_page_head *released)
{
	struct fastmem_page *s = fastmem_page_of(obj);

	fastmem_dbg_link_set(obj, b->cls, s->free_head);
	s->free_head = obj;
	s->n_used--;
	if (s->list == FASTMEM_LIST_PARTIAL && s->n_used > 0 &&
			s->n_used * FASTMEM_FILL_BUCKETS >= s->bucket * s->n_slots)
		return;
	page_unlink(b, s);
	if (s->n_used > 0) {
		page_link(b, s);
	} else if (b->spare == NULL) {
		b->spare = s;
		s->list = FASTMEM_LIST_SPARE;
	} else {
		if (s == b->newest)
			b->newest = NULL;
		TAILQ_INSERT_TAIL(released, s, link);
		fastmem_count(&b->page_releases, 1);
	}
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
		page_give(b, objs[k], &released);
	rte_spinlock_unlock(&b->lock);
	if (!TAILQ_EMPTY(&released))
		fastmem_segment_give_pages(st, b->node, &released);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_bin_drain)
void
fastmem_bin_drain(struct fastmem_state *st, struct fastmem_bin *b, bool release_spare)
{
	struct fastmem_page_head released = TAILQ_HEAD_INITIALIZER(released);
	struct fastmem_page *s;
	void **depot = NULL;

	rte_spinlock_lock(&b->lock);
	while (b->depot_len > 0)
		page_give(b, b->depot[--b->depot_len], &released);
	s = b->spare;
	if (s != NULL && release_spare) {
		if (s == b->newest)
			b->newest = NULL;
		page_unlink(b, s);
		TAILQ_INSERT_TAIL(&released, s, link);
		fastmem_count(&b->page_releases, 1);
	}
	/* A trim gives the depot's memory back too (the next flush takes it again). */
	if (release_spare) {
		depot = b->depot;
		b->depot_cap = 0;
		b->depot_size = 0;
		b->depot_emptied = false;
		b->page_slices = fastmem_page_slices(b->cls);
		b->pages_at_size = 0;
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
