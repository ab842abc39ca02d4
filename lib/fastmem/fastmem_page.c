/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Pages of a bin: the pages of a (node, class), behind its depot
 * (fastmem_bin.c), and under the bin's lock.
 *
 * Partial pages sit in buckets by occupancy and refills take from the
 * fullest first: new objects pack into few pages and the emptiest pages
 * get a chance to drain completely. An empty page is kept as the bin's
 * spare (hysteresis) and only a second empty page goes back to its
 * segment, so a working set oscillating around a page boundary does not
 * re-carve.
 *
 * New pages come from the node's segments (fastmem_segment.c), beside the
 * class's newest pages when they can, so that its run grows
 * (fastmem_run.c), and larger as the class keeps taking them.
 */

#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "fastmem_debug.h"
#include "fastmem_layout.h"
#include "fastmem_page.h"
#include "fastmem_pvt.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

/* A page's occupancy bucket: a division, which fastmem_page_give() avoids. */
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
 * @p objs, a vector of them per store, four stores per iteration (a loop
 * of one spends more on its count than on the stores): a refill carves
 * hundreds.
 */
static void
carve(void **objs, uint8_t *data, uint32_t size, unsigned int n)
{
	const unsigned int w = __RTE_FASTMEM_CHUNK_OBJS;
	__rte_fastmem_chunk_t addr, step;
	unsigned int i, j;

	for (i = 0; i < w; i++) {
		addr[i] = (uintptr_t)data + (uintptr_t)size * i;
		step[i] = (uintptr_t)size * w;
	}
	for (i = 0; i + 4 * w <= n; i += 4 * w)
		for (j = 0; j < 4 * w; j += w, addr += step)
			memcpy(&objs[i + j], &addr, sizeof(addr));
	for (; i + w <= n; i += w, addr += step)
		memcpy(&objs[i], &addr, sizeof(addr));
	for (; i < n; i++)
		objs[i] = data + (size_t)size * i;
}

/* Hand out up to n slots of a linked page; returns how many. */
static unsigned int
take_from(struct fastmem_bin *b, struct fastmem_page *s, void **objs, unsigned int n)
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

void
fastmem_page_init(struct fastmem_bin *b)
{
	unsigned int i;

	fastmem_page_restart(b);
	for (i = 0; i < FASTMEM_FILL_BUCKETS; i++)
		TAILQ_INIT(&b->partial[i]);
	TAILQ_INIT(&b->full);
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
 * page beyond what its caller needs (fastmem_page_take()): that cost is one
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
	unsigned int n = 0, most = BESIDE_PAGES;
	struct fastmem_page *got;
	int i;

	/* The newest alone first: a class growing in a burst finds room there. */
	if (b->newest != NULL) {
		near[0] = b->newest;
		got = fastmem_segment_claim_beside(st, b->node, near, 1, slices, b->cls);
		if (got != NULL)
			return got;
		most--;
	}
	TAILQ_FOREACH(pg, &b->full, link) {
		if (n == most)
			break;
		if (pg != b->newest)
			near[n++] = pg;
	}
	for (i = FASTMEM_FILL_BUCKETS - 1; i >= 0 && n < most; i--) {
		TAILQ_FOREACH(pg, &b->partial[i], link) {
			if (n == most)
				break;
			if (pg != b->newest)
				near[n++] = pg;
		}
	}
	return n == 0 ? NULL :
		fastmem_segment_claim_beside(st, b->node, near, n, slices, b->cls);
}

unsigned int
fastmem_page_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs, unsigned int k,
		unsigned int min, unsigned int n)
{
	struct fastmem_page *s, *near;
	uint32_t slices, min_slices;
	bool took_page = false;

	while (k < n) {
		s = page_pick(b);
		if (s != NULL) {
			k += take_from(b, s, objs + k, n - k);
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
		k += take_from(b, s, objs + k, n - k);
	}
	rte_spinlock_unlock(&b->lock);
	return k;
}

/* An empty page, off the bin's lists, leaves the bin: to @p released. */
static void
page_release(struct fastmem_bin *b, struct fastmem_page *s, struct fastmem_page_head *released)
{
	if (s == b->newest)
		b->newest = NULL;
	TAILQ_INSERT_TAIL(released, s, link);
	fastmem_count(&b->page_releases, 1);
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
void
fastmem_page_give(struct fastmem_bin *b, void *obj, struct fastmem_page_head *released)
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
		page_release(b, s, released);
	}
}

void
fastmem_page_release_spare(struct fastmem_bin *b, struct fastmem_page_head *released)
{
	struct fastmem_page *s = b->spare;

	if (s == NULL)
		return;
	page_unlink(b, s);
	page_release(b, s, released);
}

void
fastmem_page_restart(struct fastmem_bin *b)
{
	b->page_slices = fastmem_page_slices(b->cls);
	b->pages_at_size = 0;
}
