/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Segments: the 2 MiB-aligned pieces of a node's backing memzones, each
 * cut into 256 slices of 8 KiB. A bin takes a page (1 to 256 slices, a
 * power of 2, aligned to its size) from the free slices of the node's
 * segments and gives it back as soon as it is empty (after the one spare
 * it keeps), so any class can take it next.
 *
 * Pages come from the lowest memzone record with free slices and, in it,
 * from the fullest segment with room: the other memzones drain and trim
 * gives them back to EAL. A bin growing takes the page just after (or
 * before) its newest one if it is free, and the end of a new memzone next
 * to the newest one's, so the class's run (fastmem_run.c) grows too.
 *
 * Locks: the node lock covers the free slices (each segment's bitmap,
 * each memzone's count, the node's bitmap of memzones with some). Growth
 * reserves a memzone holding only the node's grow lock, which refills
 * that find free slices never take; the grower takes its page in the same
 * node lock section that publishes the new slices.
 */

#include <errno.h>
#include <sched.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_cycles.h>

#include "fastmem_backing.h"
#include "fastmem_heap.h"
#include "fastmem_layout.h"
#include "fastmem_pvt.h"
#include "fastmem_run.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"

/*
 * Growth reserves memzones of a 64th of what the node has, 1 to 64
 * segments (2 to 128 MiB): small enough for trim to find wholly free ones,
 * few enough for EAL's memzone table when the node is big (about 64
 * memzones per doubling).
 */
#define GROW_MIN_SEGS 1u
#define GROW_MAX_SEGS 64u
#define GROW_FRACTION 64u

int
fastmem_segment_node_init(struct fastmem_node *nd, int node)
{
	/* In shared memory, as the state: secondaries take pages too. */
	nd->mz_with_free = fastmem_heap_alloc("fastmem_mz_bits",
		sizeof(*nd->mz_with_free) * FASTMEM_MZ_WORDS, true, node);
	return nd->mz_with_free != NULL ? 0 : -ENOMEM;
}

void
fastmem_segment_node_fini(struct fastmem_node *nd)
{
	fastmem_heap_free(nd->mz_with_free);
	nd->mz_with_free = NULL;
}

/*
 * A page was taken from @p nd: below its headroom, tell the headroom
 * thread (a store to shared memory, which it polls).
 */
static void
headroom_check(struct fastmem_state *st, const struct fastmem_node *nd)
{
	uint64_t headroom = fastmem_read(&nd->headroom);

	if (headroom != 0 && fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE < headroom)
		rte_atomic_store_explicit(&st->headroom_low, true, rte_memory_order_relaxed);
}

static struct fastmem_segment *
mz_segment(const struct fastmem_mz *m, uint32_t i)
{
	return RTE_PTR_ADD(m->mz->addr, (size_t)i * FASTMEM_SEG_SIZE);
}

/*
 * Bits of block [first, first + n) in each bitmap word it covers: blocks
 * are aligned to their size, a power of 2, so a block below 64 slices
 * lies in one word and a larger one covers whole words.
 */
static uint64_t
block_word_mask(unsigned int first, unsigned int n)
{
	return n >= 64 ? UINT64_MAX : ((UINT64_C(1) << n) - 1) << (first % 64);
}

static bool
block_is_free(const struct fastmem_segment *seg, unsigned int first, unsigned int n)
{
	uint64_t mask = block_word_mask(first, n);
	unsigned int w;

	for (w = first / 64; w * 64 < first + n; w++)
		if ((seg->free_slices[w] & mask) != mask)
			return false;
	return true;
}

static void
block_mark(struct fastmem_segment *seg, unsigned int first, unsigned int n, bool free)
{
	uint64_t mask = block_word_mask(first, n);
	unsigned int w;

	for (w = first / 64; w * 64 < first + n; w++) {
		if (free)
			seg->free_slices[w] |= mask;
		else
			seg->free_slices[w] &= ~mask;
	}
}

/*
 * First slice of the lowest free block of @p n slices (aligned to n) of
 * @p seg for class @p cls, or -1: a block at slice 0 holds the header too.
 */
static int
block_fit(const struct fastmem_segment *seg, unsigned int n, unsigned int cls)
{
	uint64_t free, starts = 0;
	unsigned int w, k;

	if (n >= 64) {
		for (w = 0; w < FASTMEM_SEG_SLICES; w += n)
			if (fastmem_page_fits(seg, w, n, cls) && block_is_free(seg, w, n))
				return (int)w;
		return -1;
	}
	for (k = 0; k < 64; k += n)
		starts |= UINT64_C(1) << k;
	for (w = 0; w < FASTMEM_SEG_WORDS; w++) {
		/* Bit i stays set when slices i to i + n - 1 are all free. */
		free = seg->free_slices[w];
		for (k = 1; k < n; k *= 2)
			free &= free >> k;
		free &= starts;
		/* Blocks starting in the header, as its page allows. */
		for (k = 0; w == 0 && k < FASTMEM_SEG_HEAD_SLICES; k += n)
			if (!fastmem_page_fits(seg, k, n, cls))
				free &= ~(UINT64_C(1) << k);
		/* The block over EAL's tail, likewise. */
		if (w == FASTMEM_SEG_WORDS - 1 && seg->mz_last &&
				!fastmem_page_fits(seg, FASTMEM_SEG_SLICES - n, n, cls))
			free &= ~(UINT64_C(1) << (64 - n));
		if (free != 0)
			return (int)(w * 64 + rte_bsf64(free));
	}
	return -1;
}

static unsigned int
seg_free_count(const struct fastmem_segment *seg)
{
	unsigned int w, n = 0;

	for (w = 0; w < FASTMEM_SEG_WORDS; w++)
		n += (unsigned int)rte_popcount64(seg->free_slices[w]);
	return n;
}

/* Take slices [first, first + n) of segment @p seg off the free ones; node lock held. */
static struct fastmem_page *
take_block(struct fastmem_state *st, struct fastmem_node *nd, struct fastmem_segment *seg,
		unsigned int first, unsigned int n)
{
	struct fastmem_mz *m = fastmem_mz(st, seg->mz_idx);
	struct fastmem_page *pg = &seg->pages[first];

	block_mark(seg, first, n, false);
	memset(&seg->page_first[first], (int)first, n);
	m->n_free -= n;
	if (m->n_free == 0)
		nd->mz_with_free[seg->mz_idx / 64] &= ~(UINT64_C(1) << (seg->mz_idx % 64));
	fastmem_set(&nd->n_free_slices, nd->n_free_slices - n);
	memset(pg, 0, sizeof(*pg));
	pg->n_slices = (uint16_t)n;
	return pg;
}

/*
 * The free block of @p n slices just after (or before) page @p near,
 * across segment and memzone boundaries as runs go, or NULL; node lock
 * held.
 */
static struct fastmem_page *
take_beside(struct fastmem_state *st, struct fastmem_node *nd, const struct fastmem_page *near,
		unsigned int n, unsigned int cls, bool after)
{
	void *addr = fastmem_page_addr(near);
	struct fastmem_segment *seg;
	unsigned int first;
	void *q;

	if (after)
		q = fastmem_run_beside(st, RTE_PTR_ADD(addr,
			(near->n_slices - 1) * FASTMEM_SLICE_SIZE), true);
	else
		q = fastmem_run_beside(st, addr, false);
	if (q == NULL)
		return NULL;
	seg = fastmem_segment_of(q);
	first = fastmem_slice_idx(q);
	if (!after) {
		if (first + 1 < n)
			return NULL;
		first -= n - 1;
	}
	if (first % n != 0 || !fastmem_page_fits(seg, first, n, cls) ||
			!block_is_free(seg, first, n))
		return NULL;
	return take_block(st, nd, seg, first, n);
}

/* A free block of @p n slices in the fullest segment of memzone @p m that has one, or NULL. */
static struct fastmem_page *
take_in_mz(struct fastmem_state *st, struct fastmem_node *nd, const struct fastmem_mz *m,
		unsigned int n, unsigned int cls)
{
	struct fastmem_segment *seg, *best = NULL;
	unsigned int i, best_free = FASTMEM_SEG_SLICES + 1, n_free;
	int first, best_first = -1;

	for (i = 0; i < m->n_segs; i++) {
		seg = mz_segment(m, i);
		n_free = seg_free_count(seg);
		if (n_free < n || n_free >= best_free)
			continue;
		first = block_fit(seg, n, cls);
		if (first < 0)
			continue;
		best = seg;
		best_first = first;
		best_free = n_free;
	}
	return best == NULL ? NULL : take_block(st, nd, best, (unsigned int)best_first, n);
}

/* A page of @p n slices in the lowest memzone with room; node lock held. */
static struct fastmem_page *
take_locked(struct fastmem_state *st, struct fastmem_node *nd, unsigned int n,
		unsigned int cls)
{
	struct fastmem_page *pg = NULL;
	unsigned int w;
	uint64_t bits;

	for (w = 0; w < FASTMEM_MZ_WORDS && pg == NULL; w++) {
		for (bits = nd->mz_with_free[w]; bits != 0 && pg == NULL; bits &= bits - 1) {
			const struct fastmem_mz *m =
				fastmem_mz(st, (int)(w * 64 + rte_bsf64(bits)));

			if (m->n_free >= n)
				pg = take_in_mz(st, nd, m, n, cls);
		}
	}
	return pg;
}

/* Write the headers of a new memzone's segments, all slices free. */
static void
segments_init(struct fastmem_state *st, int idx)
{
	const struct fastmem_mz *m = fastmem_mz(st, idx);
	struct fastmem_segment *seg;
	unsigned int i;

	for (i = 0; i < m->n_segs; i++) {
		seg = mz_segment(m, i);
		memset(seg, 0, sizeof(*seg));
		fastmem_run_free_slices(st, seg, FASTMEM_SEG_SLICES);
		memset(seg->free_slices, 0xff, sizeof(seg->free_slices));
		seg->mz_idx = (uint16_t)idx;
		seg->mz_last = i + 1 == m->n_segs;
		seg->pub.iova = fastmem_backing_iova(seg,
			FASTMEM_SEG_SIZE - (seg->mz_last ? FASTMEM_MZ_TAIL : 0));
	}
}

/*
 * Offer a new memzone's slices to the node; node lock held. Its run links
 * too: take_beside() follows them under the node lock, to published
 * memzones only.
 */
static void
publish_locked(struct fastmem_state *st, struct fastmem_node *nd, int idx)
{
	struct fastmem_mz *m = fastmem_mz(st, idx);
	uint32_t n = m->n_segs * FASTMEM_SEG_SLICES;

	fastmem_run_link_mz(st, idx);

	m->n_free = n;
	m->free_since = rte_get_timer_cycles();
	nd->mz_with_free[idx / 64] |= UINT64_C(1) << (idx % 64);
	fastmem_set(&nd->n_free_slices, nd->n_free_slices + n);
}

/* Segments of the next memzone of a node: a 64th of what it has, 1 to @p max. */
static uint32_t
grow_segs(const struct fastmem_node *nd, uint32_t max)
{
	uint64_t segs = fastmem_read(&nd->seg_backing) / FASTMEM_SEG_SIZE / GROW_FRACTION;

	return (uint32_t)RTE_MAX(RTE_MIN(segs, (uint64_t)max), (uint64_t)GROW_MIN_SEGS);
}

/* Grow the node by a memzone; grow lock held. Its record, or a negative errno. */
static int
grow(struct fastmem_state *st, int node, uint32_t want_segs)
{
	int idx = fastmem_backing_grow(st, node, want_segs);

	if (idx >= 0)
		segments_init(st, idx);
	return idx;
}

struct fastmem_page *
fastmem_segment_claim_beside(struct fastmem_state *st, int node,
		const struct fastmem_page * const *near, unsigned int n_near, unsigned int n,
		unsigned int cls)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_page *pg = NULL;
	unsigned int i;

	rte_spinlock_lock(&nd->lock);
	for (i = 0; i < n_near && pg == NULL; i++) {
		pg = take_beside(st, nd, near[i], n, cls, true);
		if (pg == NULL)
			pg = take_beside(st, nd, near[i], n, cls, false);
	}
	rte_spinlock_unlock(&nd->lock);
	return pg;
}

/*
 * In new memzone @p idx, the block next to the memzone holding @p near
 * (an address that may be stale: only memzone records are read) when
 * the two are neighbours, else the block the fullest-first rule picks;
 * node lock held.
 */
static struct fastmem_page *
take_in_new_mz(struct fastmem_state *st, struct fastmem_node *nd, int idx, uintptr_t near,
		unsigned int n, unsigned int cls)
{
	const struct fastmem_mz *m = fastmem_mz(st, idx), *o;
	struct fastmem_segment *last = mz_segment(m, m->n_segs - 1);
	int side;

	for (side = 0; side < 2 && near != 0; side++) {
		int link = side == 0 ? m->run_prev : m->run_next;

		if (link < 0 || !fastmem_page_fits(side == 0 ? mz_segment(m, 0) : last,
				side == 0 ? 0 : FASTMEM_SEG_SLICES - n, n, cls))
			continue;
		o = fastmem_mz(st, link);
		if (near - (uintptr_t)o->mz->addr >= (size_t)o->n_segs * FASTMEM_SEG_SIZE)
			continue;
		/* After its neighbour: its start; before it: its end. */
		return side == 0 ? take_block(st, nd, mz_segment(m, 0), 0, n) :
			take_block(st, nd, last, FASTMEM_SEG_SLICES - n, n);
	}
	return take_in_mz(st, nd, m, n, cls);
}

/*
 * A page of @p n slices, else of @p min_n; node lock held. A page for a
 * whole refill saves page takes, but where the free slices are scattered
 * smaller ones do rather than growing the node.
 */
static struct fastmem_page *
take_fitting(struct fastmem_state *st, struct fastmem_node *nd, unsigned int n,
		unsigned int min_n, unsigned int cls)
{
	struct fastmem_page *pg = take_locked(st, nd, n, cls);

	if (pg == NULL && min_n < n)
		pg = take_locked(st, nd, min_n, cls);
	return pg;
}

/*
 * Take the grow lock for an allocation that found no free slice, telling
 * the headroom thread while it waits, so that the thread leaves the lock
 * to it after its current memzone (fastmem_node_keep_free()).
 */
static void
grow_lock_for_alloc(struct fastmem_node *nd)
{
	if (rte_spinlock_trylock(&nd->grow_lock))
		return;
	do {
		rte_atomic_store_explicit(&nd->grow_wait, rte_get_timer_cycles(),
			rte_memory_order_relaxed);
		sched_yield();
	} while (!rte_spinlock_trylock(&nd->grow_lock));
	rte_atomic_store_explicit(&nd->grow_wait, 0, rte_memory_order_relaxed);
}

/*
 * Does an allocation wait for the grow lock? One that has not tried for
 * GROW_WAIT_STALE_MS is gone (its process died); a live one tries again
 * as soon as it runs.
 */
#define GROW_WAIT_STALE_MS 100

static bool
grow_waited(const struct fastmem_node *nd)
{
	uint64_t since = rte_atomic_load_explicit(&nd->grow_wait, rte_memory_order_relaxed);

	/* Signed: another CPU's timer may read a little behind this one's. */
	return since != 0 && (int64_t)(rte_get_timer_cycles() - since) <
		(int64_t)(rte_get_timer_hz() / 1000 * GROW_WAIT_STALE_MS);
}

struct fastmem_page *
fastmem_segment_take_page(struct fastmem_state *st, int node, unsigned int cls, unsigned int n,
		unsigned int min_n, struct fastmem_page *claimed, const void *near)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_page *pg = claimed;
	int idx;

	if (pg == NULL) {
		rte_spinlock_lock(&nd->lock);
		pg = take_fitting(st, nd, n, min_n, cls);
		rte_spinlock_unlock(&nd->lock);
	}
	if (pg == NULL) {
		grow_lock_for_alloc(nd);
		/* The allocation waited for a growth, its own or another's: no headroom left. */
		fastmem_set(&nd->grows_inline, nd->grows_inline + 1);
		/* Another grower may have been faster. */
		rte_spinlock_lock(&nd->lock);
		pg = take_fitting(st, nd, n, min_n, cls);
		rte_spinlock_unlock(&nd->lock);
		if (pg == NULL) {
			idx = grow(st, node, grow_segs(nd, GROW_MAX_SEGS));
			if (idx >= 0) {
				/* Others take free slices without the grow lock: ours first. */
				rte_spinlock_lock(&nd->lock);
				publish_locked(st, nd, idx);
				pg = take_in_new_mz(st, nd, idx, (uintptr_t)near, n, cls);
				rte_spinlock_unlock(&nd->lock);
			}
		}
		rte_spinlock_unlock(&nd->grow_lock);
	}
	if (pg != NULL) {
		fastmem_run_join(st, node, pg, cls);
		headroom_check(st, nd);
	}
	return pg;
}

void
fastmem_segment_give_pages(struct fastmem_state *st, int node, struct fastmem_page_head *pages)
{
	struct fastmem_node *nd = &st->nodes[node];
	uint64_t now = rte_get_timer_cycles();
	struct fastmem_segment *seg;
	struct fastmem_page *pg;
	struct fastmem_mz *m;
	unsigned int n;

	/* Out of their runs before another class can take them. */
	fastmem_run_leave(st, node, pages);
	rte_spinlock_lock(&nd->lock);
	while ((pg = TAILQ_FIRST(pages)) != NULL) {
		TAILQ_REMOVE(pages, pg, link);
		pg->list = FASTMEM_LIST_NONE;
		seg = fastmem_segment_of(pg);
		m = fastmem_mz(st, seg->mz_idx);
		n = pg->n_slices;
		block_mark(seg, (unsigned int)(pg - seg->pages), n, true);
		m->n_free += n;
		if (m->n_free == m->n_segs * FASTMEM_SEG_SLICES)
			m->free_since = now;
		nd->mz_with_free[seg->mz_idx / 64] |= UINT64_C(1) << (seg->mz_idx % 64);
		fastmem_set(&nd->n_free_slices, nd->n_free_slices + n);
	}
	rte_spinlock_unlock(&nd->lock);
}

/* Grow the node by a memzone of @p segs ahead of demand, offered to all; grow lock held. */
static int
grow_ahead(struct fastmem_state *st, struct fastmem_node *nd, int node, uint32_t segs)
{
	int idx = grow(st, node, segs);

	if (idx < 0)
		return idx;
	fastmem_set(&nd->grows_ahead, nd->grows_ahead + 1);
	rte_spinlock_lock(&nd->lock);
	publish_locked(st, nd, idx);
	rte_spinlock_unlock(&nd->lock);
	return 0;
}

/* Segments that hold @p bytes, at most @p max. */
static uint32_t
segs_for(uint64_t bytes, uint32_t max)
{
	return (uint32_t)RTE_MIN((bytes + FASTMEM_SEG_SIZE - 1) / FASTMEM_SEG_SIZE, (uint64_t)max);
}

/* Grow the node's segments to @p size bytes ahead of demand; grow lock held. */
static int
grow_to_locked(struct fastmem_state *st, struct fastmem_node *nd, int node, uint64_t size)
{
	uint64_t have;
	int rc;

	for (;;) {
		have = fastmem_read(&nd->seg_backing);
		if (have >= size)
			return 0;
		rc = grow_ahead(st, nd, node, segs_for(size - have, GROW_MAX_SEGS));
		if (rc < 0)
			return rc;
	}
}

int
fastmem_node_reserve(struct fastmem_state *st, int node, size_t size)
{
	struct fastmem_node *nd = &st->nodes[node];
	int rc;

	fastmem_grow_lock(nd);
	rc = grow_to_locked(st, nd, node, size);
	/* The decay keeps what a reserve got; a failed one asked for more than there is. */
	if (rc == 0 && size > nd->reserved)
		fastmem_set(&nd->reserved, size);
	rte_spinlock_unlock(&nd->grow_lock);
	return rc;
}

/*
 * Memzones that keep a headroom free are sized as growth sizes them, up
 * to this many segments, and the grow lock is free between them: an
 * allocation that finds no free slice waits for one of them, not for the
 * whole headroom.
 */
#define KEEP_FREE_MAX_SEGS 8u

int
fastmem_node_keep_free(struct fastmem_state *st, int node, uint64_t bytes, bool defer)
{
	struct fastmem_node *nd = &st->nodes[node];
	uint64_t free;
	int rc;

	for (;;) {
		/* An allocation waits for a growth (fastmem_segment_take_page()): it goes first. */
		if (defer && grow_waited(nd))
			return 0;
		fastmem_grow_lock(nd);
		free = fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE;
		rc = free >= bytes ? 0 : grow_ahead(st, nd, node,
			segs_for(bytes - free, grow_segs(nd, KEEP_FREE_MAX_SEGS)));
		rte_spinlock_unlock(&nd->grow_lock);
		if (free >= bytes || rc < 0)
			return rc;
	}
}

/* Segment bytes the headroom keeps: those in pages, plus it (none without one). */
static uint64_t
headroom_keep(const struct fastmem_node *nd)
{
	uint64_t headroom = fastmem_read(&nd->headroom);
	uint64_t free = fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE;
	uint64_t backing = fastmem_read(&nd->seg_backing);

	if (headroom == 0)
		return 0;
	return (backing > free ? backing - free : 0) + headroom;
}

int64_t
fastmem_node_trim(struct fastmem_state *st, int node, uint64_t freed_before, bool keep_reserve)
{
	struct fastmem_node *nd = &st->nodes[node];
	int victims[64];
	unsigned int n_victims, i;
	int64_t released = 0;
	uint64_t len, have, keep;
	int idx;

	fastmem_grow_lock(nd);
	/* Read under the grow lock: a reserve in progress has set what it keeps. */
	keep = headroom_keep(nd);
	if (keep_reserve)
		keep = RTE_MAX(keep, fastmem_read(&nd->reserved));
	have = fastmem_read(&nd->seg_backing);
	do {
		n_victims = 0;
		rte_spinlock_lock(&nd->lock);
		FASTMEM_MZ_FOREACH_USED(st, idx) {
			struct fastmem_mz *m = fastmem_mz(st, idx);

			if (n_victims == RTE_DIM(victims))
				break;
			len = (uint64_t)m->n_segs * FASTMEM_SEG_SIZE;
			if (m->node != node ||
					m->n_free != m->n_segs * FASTMEM_SEG_SLICES ||
					m->free_since > freed_before ||
					have < keep || have - keep < len)
				continue;
			/* Off the node with one bit: no bin can take its slices now. */
			nd->mz_with_free[idx / 64] &= ~(UINT64_C(1) << (idx % 64));
			fastmem_set(&nd->n_free_slices, nd->n_free_slices - m->n_free);
			m->n_free = 0;
			fastmem_run_unlink_mz(st, idx);
			have -= len;
			released += (int64_t)len;
			victims[n_victims++] = idx;
		}
		rte_spinlock_unlock(&nd->lock);
		for (i = 0; i < n_victims; i++)
			fastmem_backing_release(st, victims[i]);
	} while (n_victims == RTE_DIM(victims));
	rte_spinlock_unlock(&nd->grow_lock);
	return released;
}
