/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_stress_autotest: every lcore makes random allocator calls for a
 * bounded time, and the allocator is checked against what the lcores know
 * they hold.
 *
 * - Calls: alloc, alloc_socket, realloc, alloc_bulk, free, free_bulk,
 *   halloc, hfree, halloc_bulk, hfree_bulk, and now and then cache_flush,
 *   trim, reserve and statistics reads, over every class and large objects
 *   up to 6 MiB, with alignments up to 1 MiB and the zero flag.
 * - Every object is filled with a pattern seeded by its owner, sequence
 *   number and size, and verified before it is freed or resized.
 * - Each lcore sends a share of its objects through an rte_ring to the
 *   next lcore, which verifies and frees them, or adopts them.
 * - Every EPOCH_MS the lcores meet at a checkpoint: rings drained, every
 *   object verified, all live ranges sorted and checked for overlap, and
 *   the statistics compared with the lcores' own counts: live objects and
 *   bytes per class and in total, allocations and frees per lcore, ENOMEM
 *   failures, and bytes_backing against the memzones EAL holds.
 * - Halfway, a limit phase: the limit is set just above the backing, every
 *   lcore allocates until it gets ENOMEM and checks that bulk, large and
 *   realloc calls then fail cleanly; the limit is lifted and allocation
 *   must recover.
 * - Cache budgets: the main lcore, while it churns, sets the budget of
 *   each other lcore and of all (RTE_MAX_LCORE) in turn, cycling through
 *   BUDGETS[]; every lcore now and then sets its own budget and checks at
 *   once that its caches hold no more (the documented guarantee; another
 *   lcore's budget applies only at its next miss, so it is not checked).
 *   The limit phase runs with the default budget.
 * - Decay: on (5, 10 or 20 ms) for DECAY_STRETCH epochs, off for the next
 *   ones, toggled at checkpoints; the EAL alarm drains bins and frees
 *   memzones while the lcores allocate. It is paused while a checkpoint
 *   compares the statistics with the memzones, and off in the limit phase
 *   (a memzone it frees there would let an allocation succeed after
 *   ENOMEM). Half the runs (by the seed) make no rte_fastmem_reserve() call
 *   (its floor lasts until deinit and the decay keeps it), but trims:
 *   whether a seed reserves is printed with the summary.
 * - At the end, everything freed and every cache flushed: with the decay
 *   on and no trim, the backing drains within DECAY_WAIT_MS, to 0 or, when
 *   reserve was called, to the reserve's floor; then nothing in use,
 *   allocations equal frees, and trim gives back every memzone.
 *
 * The meson suite passes no arguments: FASTMEM_STRESS_DURATION sets the
 * duration in seconds (default 60), FASTMEM_STRESS_SEED the random seed
 * (printed at the start). With one lcore, everything but the rings runs.
 *
 * fastmem_race_stress_autotest: the races of fastmem_reliability_autotest
 * (test_fastmem_reliability.c) for longer, with random sizes, counts and
 * limits, through the public API only (see race_stress() below). Same
 * variables, default duration 30 s; it needs two lcores.
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring_elem.h>
#include <rte_thread.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_race.h"
#include "fastmem_test_util.h"
#include "test.h"

#define DEFAULT_DURATION_S 60
#define EPOCH_MS 500
#define MAX_CLASSES 64
/* What one lcore holds at most: bounds the memory and the checks' cost. */
#define MAX_LIVE 2048
#define MAX_LIVE_COST (32 * FM_TEST_MIB)
#define MAX_BURST 32
#define RING_SIZE 1024
#define N_HANDLES 8
/* Room the limit leaves above the backing, and the smallest object of the limit phase. */
#define LIMIT_HEADROOM (16 * FM_TEST_MIB)
#define LIMIT_MIN_SIZE (16 * 1024)
/* Large enough never to fit in what a limit leaves: more than a segment. */
#define LIMIT_LARGE_SIZE (3 * FM_TEST_MIB)
/* Cache budgets the lcores cycle through; the default last. */
static const size_t BUDGETS[] = {
	0, 16 * 1024, 256 * 1024, 4 * FM_TEST_MIB, 3 * FM_TEST_MIB / 2,
};
#define DEFAULT_BUDGET (3 * FM_TEST_MIB / 2)
/* How often the main lcore changes a budget while it churns. */
#define BUDGET_PERIOD_US 2000
/* One batch of 64 ops in this many also sets and checks the lcore's own budget. */
#define OWN_BUDGET_ODDS 16
/* Decay times used, and epochs the decay stays on (then off). */
static const unsigned int DECAY_MS[] = { 5, 10, 20 };
#define DECAY_STRETCH 4
#define DECAY_FINAL_MS 10
#define DECAY_WAIT_MS 2000

/* An object an lcore holds, and what travels through the rings. */
struct obj {
	void *ptr;
	size_t size;       /* requested bytes, all filled */
	uint64_t seed;     /* of the fill pattern: owner, sequence number and size */
	uint64_t cost;     /* memory it ties up, see fm_test_cost() */
	uint16_t cls;      /* expected class index; n_classes for a large object */
	uint16_t by_handle;
	rte_fastmem_handle_t handle;
};

struct handle {
	rte_fastmem_handle_t h;
	size_t size;
	size_t align;
	unsigned int cls;
};

enum phase {
	PHASE_CHURN,
	PHASE_LIMIT,    /* allocate until ENOMEM under the limit */
	PHASE_RECOVER,  /* limit lifted: allocation works, the limit phase's objects go */
};

struct lcore_ctx {
	unsigned int idx;
	unsigned int lcore_id;
	int node;
	bool sense;              /* barrier */
	uint64_t rng;
	uint64_t seq;
	struct obj live[MAX_LIVE];
	unsigned int n_live;
	uint64_t live_cost;
	struct obj *held;        /* objects of the limit phase */
	unsigned int n_held;
	size_t nomem_size;       /* the request that got ENOMEM in the limit phase */
	struct rte_ring *in;     /* objects sent here to be verified and freed */
	struct rte_ring *out;
	struct handle handles[N_HANDLES];
	/* The counts the statistics must match. */
	uint64_t class_allocs;   /* size-class objects this lcore allocated */
	uint64_t class_frees;
	uint64_t nomem[MAX_CLASSES + 1]; /* ENOMEM failures per class, large last */
	/* For the summary. */
	uint64_t ops;
	uint64_t sent;
	uint64_t received;
	uint64_t own_budget_sets;  /* each followed by a check of cache_bytes */
	uint64_t max_cache_bytes;  /* seen right after such a set */
};

static struct {
	unsigned int n;          /* lcores taking part */
	struct lcore_ctx *lcores;
	size_t sizes[MAX_CLASSES];
	unsigned int n_classes;
	uint64_t nodes;          /* with memory */
	unsigned int n_nodes;
	uint64_t epoch_cycles;
	uint64_t limit_at;       /* timer cycles: the first checkpoint after it sets the limit */
	uint64_t deadline;
	enum phase phase;        /* of the next epoch, set at checkpoints */
	bool limit_done;
	bool done;
	RTE_ATOMIC(int) failed;
	size_t limit;
	unsigned int held_cap;
	unsigned int checkpoints;
	uint64_t max_backing;
	RTE_ATOMIC(uint32_t) bar_count;
	RTE_ATOMIC(bool) bar_sense;
	/* Budgets and decay. */
	bool reserves;           /* rte_fastmem_reserve() calls allowed */
	RTE_ATOMIC(uint64_t) max_reserve;/* largest reserve that succeeded */
	uint64_t next_budget;    /* timer cycles: the main lcore's next budget change */
	uint64_t budget_sets;    /* by the main lcore, for others or all */
	unsigned int decay_ms;   /* of the current epoch, 0: off */
	unsigned int decay_toggles;
	unsigned int decay_epochs; /* epochs with the decay on */
	uint64_t decay_drain_ms; /* time the final drain took */
	uint64_t decay_drain_from;
} ctl;

static size_t
max_class_size(void)
{
	return ctl.sizes[ctl.n_classes - 1];
}

static bool
failed(void)
{
	return rte_atomic_load_explicit(&ctl.failed, rte_memory_order_relaxed) != 0;
}

static void
note(int rc)
{
	if (rc != 0)
		rte_atomic_store_explicit(&ctl.failed, 1, rte_memory_order_relaxed);
}

/* Sense-reversing barrier of the ctl.n lcores. */
static void
barrier(struct lcore_ctx *lc)
{
	lc->sense = !lc->sense;
	if ((rte_atomic_fetch_add_explicit(&ctl.bar_count, 1,
			rte_memory_order_acq_rel) + 1) == ctl.n) {
		rte_atomic_store_explicit(&ctl.bar_count, 0, rte_memory_order_relaxed);
		rte_atomic_store_explicit(&ctl.bar_sense, lc->sense, rte_memory_order_release);
		return;
	}
	while (rte_atomic_load_explicit(&ctl.bar_sense, rte_memory_order_acquire) != lc->sense)
		rte_pause();
}

/* xorshift64*: each lcore has its own sequence. */
static uint64_t
rnd(struct lcore_ctx *lc)
{
	lc->rng ^= lc->rng >> 12;
	lc->rng ^= lc->rng << 25;
	lc->rng ^= lc->rng >> 27;
	return lc->rng * UINT64_C(2685821657736338717);
}

/* Mostly small, often a class size or one byte off it, sometimes large (up to 6 MiB). */
static size_t
rand_size(struct lcore_ctx *lc)
{
	unsigned int r = rnd(lc) % 1000;

	if (r < 450)
		return 1 + rnd(lc) % 512;
	if (r < 700)
		return 513 + rnd(lc) % (32 * 1024);
	if (r < 850)
		return ctl.sizes[rnd(lc) % ctl.n_classes] - 1 + rnd(lc) % 3;
	if (r < 960)
		return 32 * 1024 + rnd(lc) % (max_class_size() - 32 * 1024 + 1);
	if (r < 995)
		return max_class_size() + 1 + rnd(lc) % (2 * FM_TEST_MIB);
	return 2 * FM_TEST_MIB + rnd(lc) % (4 * FM_TEST_MIB);
}

/* Mostly the default; alignments above 4 KiB make large objects. */
static size_t
rand_align(struct lcore_ctx *lc)
{
	unsigned int r = rnd(lc) % 100;

	if (r < 75)
		return 0;
	if (r < 97)
		return (size_t)1 << (rnd(lc) % 13);
	return (size_t)1 << (13 + rnd(lc) % 8);
}

static unsigned int
rand_flags(struct lcore_ctx *lc)
{
	return rnd(lc) % 8 == 0 ? RTE_FASTMEM_F_ZERO : 0;
}

/* SOCKET_ID_ANY, the lcore's node, or any node with memory. */
static int
rand_node(struct lcore_ctx *lc)
{
	unsigned int r = rnd(lc) % 4, k;
	int node;

	if (r < 2)
		return SOCKET_ID_ANY;
	if (r == 2)
		return lc->node;
	k = rnd(lc) % ctl.n_nodes;
	for (node = 0; k > 0 || !(ctl.nodes & (UINT64_C(1) << node)); node++)
		if (ctl.nodes & (UINT64_C(1) << node))
			k--;
	return node;
}

static unsigned int
class_of(size_t size, size_t align)
{
	return fm_test_class_of(ctl.sizes, ctl.n_classes, size, align);
}

/* Bytes an object takes: its class, or exactly its size when large. */
static size_t
footprint(const struct obj *o)
{
	return fm_test_footprint(ctl.sizes, ctl.n_classes, o->cls, o->size);
}

static uint64_t
cost(unsigned int cls, size_t size, size_t align)
{
	return fm_test_cost(ctl.sizes, ctl.n_classes, cls, size, align);
}

/* Whether n more objects of a cost each fit in the lcore's bounds. */
static bool
room_for(const struct lcore_ctx *lc, unsigned int n, uint64_t each)
{
	return lc->n_live + n <= MAX_LIVE && lc->live_cost + n * each <= MAX_LIVE_COST;
}

static int
verify(const struct lcore_ctx *lc, const struct obj *o)
{
	size_t off = fm_test_check(o->ptr, o->size, o->seed);

	TEST_ASSERT_EQUAL(off, o->size,
		"lcore %u: object %p of %zu B (class %u) corrupted at byte %zu",
		lc->lcore_id, o->ptr, o->size, o->cls, off);
	return TEST_SUCCESS;
}

/* A fresh object (or one resized in place) is aligned as documented. */
static int
check_align(const struct lcore_ctx *lc, const void *ptr, size_t size, size_t align,
		unsigned int cls)
{
	size_t need = fm_test_align(ctl.sizes, ctl.n_classes, cls, align);

	TEST_ASSERT_EQUAL((uintptr_t)ptr % need, 0,
		"lcore %u: %p (%zu B, align %zu) not %zu-aligned", lc->lcore_id, ptr, size, align,
		need);
	return TEST_SUCCESS;
}

/* Give an object a seed of its own and fill it: a stale copy or a neighbour's write shows. */
static void
stamp(struct lcore_ctx *lc, struct obj *o)
{
	o->seed = fm_test_word(((uint64_t)lc->idx << 48) | lc->seq++, o->size);
	fm_test_fill(o->ptr, o->size, o->seed);
}

/* Check a fresh object, then stamp and count it. */
static int
record(struct lcore_ctx *lc, struct obj *o, void *ptr, size_t size, size_t align,
		unsigned int flags, unsigned int cls)
{
	const uint8_t *p = ptr;
	size_t i;

	TEST_ASSERT_SUCCESS(check_align(lc, ptr, size, align, cls), "new object");
	if (flags & RTE_FASTMEM_F_ZERO)
		for (i = 0; i < size; i++)
			TEST_ASSERT_EQUAL(p[i], 0, "lcore %u: %p (%zu B) byte %zu not zeroed",
				lc->lcore_id, ptr, size, i);
	*o = (struct obj){
		.ptr = ptr,
		.size = size,
		.cost = cost(cls, size, align),
		.cls = (uint16_t)cls,
	};
	stamp(lc, o);
	if (cls < ctl.n_classes)
		lc->class_allocs++;
	return TEST_SUCCESS;
}

/* The caller checked room_for(). */
static int
add_live(struct lcore_ctx *lc, void *ptr, size_t size, size_t align, unsigned int flags,
		unsigned int cls)
{
	struct obj *o = &lc->live[lc->n_live++];

	TEST_ASSERT_SUCCESS(record(lc, o, ptr, size, align, flags, cls), "new object");
	lc->live_cost += o->cost;
	return TEST_SUCCESS;
}

/* Take a live object out of the table, verified; the caller frees or sends it. */
static int
take(struct lcore_ctx *lc, unsigned int idx, struct obj *out)
{
	*out = lc->live[idx];
	lc->live[idx] = lc->live[--lc->n_live];
	lc->live_cost -= out->cost;
	return verify(lc, out);
}

static void
count_free(struct lcore_ctx *lc, const struct obj *o)
{
	if (o->cls < ctl.n_classes)
		lc->class_frees++;
}

/* An allocation call failed: only ENOMEM under the limit is acceptable. */
static int
alloc_failed(struct lcore_ctx *lc, const char *call, size_t size, size_t align, unsigned int cls)
{
	int err = rte_errno;

	TEST_ASSERT(err == ENOMEM && ctl.phase == PHASE_LIMIT,
		"lcore %u: %s of %zu B (align %zu) failed: %s", lc->lcore_id, call, size, align,
		rte_strerror(err));
	lc->nomem[cls]++;
	return TEST_SUCCESS;
}

static int
op_alloc(struct lcore_ctx *lc)
{
	size_t size = rand_size(lc), align = rand_align(lc);
	unsigned int flags = rand_flags(lc), cls = class_of(size, align);
	bool socket = rnd(lc) % 4 == 0;
	int node = rand_node(lc);
	void *p;

	if (!room_for(lc, 1, cost(cls, size, align)))
		return TEST_SUCCESS;
	p = socket ? rte_fastmem_alloc_socket(size, align, flags, node) :
		rte_fastmem_alloc(size, align, flags);
	if (p == NULL)
		return alloc_failed(lc, socket ? "alloc_socket" : "alloc", size, align, cls);
	return add_live(lc, p, size, align, flags, cls);
}

static int
op_alloc_bulk(struct lcore_ctx *lc)
{
	size_t size = rand_size(lc), align = rand_align(lc);
	unsigned int flags = rand_flags(lc), cls = class_of(size, align), n, i;
	bool socket = rnd(lc) % 4 == 0;
	int node = rand_node(lc), rc;
	void *ptrs[MAX_BURST];

	n = 1 + rnd(lc) % (cls < ctl.n_classes ? MAX_BURST : 3);
	while (n > 0 && !room_for(lc, n, cost(cls, size, align)))
		n /= 2;
	if (n == 0)
		return TEST_SUCCESS;
	rc = socket ? rte_fastmem_alloc_bulk_socket(ptrs, n, size, align, flags, node) :
		rte_fastmem_alloc_bulk(ptrs, n, size, align, flags);
	if (rc != 0) {
		TEST_ASSERT_EQUAL(rc, -rte_errno, "bulk returned %d, rte_errno %d", rc, rte_errno);
		return alloc_failed(lc, "alloc_bulk", size, align, cls);
	}
	for (i = 0; i < n; i++)
		TEST_ASSERT_SUCCESS(add_live(lc, ptrs[i], size, align, flags, cls), "bulk object");
	return TEST_SUCCESS;
}

static int
op_halloc(struct lcore_ctx *lc)
{
	const struct handle *h = &lc->handles[rnd(lc) % N_HANDLES];
	unsigned int flags = rand_flags(lc), n, i;
	void *ptrs[MAX_BURST];
	bool bulk = rnd(lc) % 3 == 0;

	n = bulk ? 1 + rnd(lc) % MAX_BURST : 1;
	if (!room_for(lc, n, cost(h->cls, h->size, h->align)))
		return TEST_SUCCESS;
	if (bulk) {
		if (rte_fastmem_halloc_bulk(h->h, ptrs, n, flags) != 0)
			return alloc_failed(lc, "halloc_bulk", h->size, h->align, h->cls);
	} else {
		ptrs[0] = rte_fastmem_halloc(h->h, flags);
		if (ptrs[0] == NULL)
			return alloc_failed(lc, "halloc", h->size, h->align, h->cls);
	}
	for (i = 0; i < n; i++) {
		TEST_ASSERT_SUCCESS(add_live(lc, ptrs[i], h->size, h->align, flags, h->cls),
			"handle object");
		lc->live[lc->n_live - 1].by_handle = 1;
		lc->live[lc->n_live - 1].handle = h->h;
	}
	return TEST_SUCCESS;
}

/* Resize: the common prefix survives, the object stays put only if aligned. */
static int
op_realloc(struct lcore_ctx *lc)
{
	size_t size = rand_size(lc), align = rnd(lc) % 4 == 0 ? rand_align(lc) : 0;
	struct obj *o, old;
	size_t keep, off;
	void *p;

	if (lc->n_live == 0)
		return TEST_SUCCESS;
	o = &lc->live[rnd(lc) % lc->n_live];
	old = *o;
	TEST_ASSERT_SUCCESS(verify(lc, o), "before realloc");
	if (lc->live_cost - old.cost + cost(class_of(size, align), size, align) > MAX_LIVE_COST) {
		size = 1 + size % 4096;
		align = 0;
	}
	p = rte_fastmem_realloc(old.ptr, size, align);
	if (p == NULL) {
		TEST_ASSERT_SUCCESS(verify(lc, o), "failed realloc damaged the object");
		return alloc_failed(lc, "realloc", size, align, class_of(size, align));
	}
	keep = RTE_MIN(old.size, size);
	off = fm_test_check(p, keep, old.seed);
	TEST_ASSERT_EQUAL(off, keep, "lcore %u: realloc %p (%zu B) -> %p (%zu B) lost byte %zu",
		lc->lcore_id, old.ptr, old.size, p, size, off);
	if (p == old.ptr) {
		/* In place: same class and node, so its handle still fits it. */
		TEST_ASSERT_SUCCESS(check_align(lc, p, size, align, old.cls), "in place");
		o->size = size;
		stamp(lc, o);
		return TEST_SUCCESS;
	}
	count_free(lc, &old);
	TEST_ASSERT_SUCCESS(record(lc, o, p, size, align, 0, class_of(size, align)), "moved");
	lc->live_cost += o->cost - old.cost;
	return TEST_SUCCESS;
}

/* Free one object: free, hfree, realloc to 0 or a bulk of one. */
static int
op_free(struct lcore_ctx *lc)
{
	struct obj o;

	if (lc->n_live == 0)
		return TEST_SUCCESS;
	TEST_ASSERT_SUCCESS(take(lc, rnd(lc) % lc->n_live, &o), "free");
	count_free(lc, &o);
	switch (rnd(lc) % 4) {
	case 0:
		rte_errno = 0;
		TEST_ASSERT_NULL(rte_fastmem_realloc(o.ptr, 0, 0), "realloc to 0");
		TEST_ASSERT_EQUAL(rte_errno, 0, "realloc to 0 set rte_errno %d", rte_errno);
		break;
	case 1:
		rte_fastmem_free_bulk(&o.ptr, 1);
		break;
	default:
		if (o.by_handle)
			rte_fastmem_hfree(o.handle, o.ptr);
		else
			rte_fastmem_free(o.ptr);
	}
	return TEST_SUCCESS;
}

/* Free a bulk of any objects, with a NULL entry now and then. */
static int
op_free_bulk(struct lcore_ctx *lc)
{
	unsigned int n = 1 + rnd(lc) % MAX_BURST, i;
	void *ptrs[MAX_BURST + 1];
	struct obj o;

	n = RTE_MIN(n, lc->n_live);
	for (i = 0; i < n; i++) {
		TEST_ASSERT_SUCCESS(take(lc, rnd(lc) % lc->n_live, &o), "free_bulk");
		count_free(lc, &o);
		ptrs[i] = o.ptr;
	}
	if (rnd(lc) % 4 == 0) {
		i = rnd(lc) % (n + 1);
		ptrs[n] = ptrs[i];
		ptrs[i] = NULL;
		n++;
	}
	rte_fastmem_free_bulk(ptrs, n);
	return TEST_SUCCESS;
}

/* hfree_bulk the objects of one handle (they may come from several lcores). */
static int
op_hfree_bulk(struct lcore_ctx *lc)
{
	rte_fastmem_handle_t h = lc->handles[rnd(lc) % N_HANDLES].h;
	unsigned int n = 0, i = 0;
	void *ptrs[MAX_BURST];
	struct obj o;

	while (i < lc->n_live && n < MAX_BURST) {
		if (!lc->live[i].by_handle || lc->live[i].handle != h) {
			i++;
			continue;
		}
		TEST_ASSERT_SUCCESS(take(lc, i, &o), "hfree_bulk");
		count_free(lc, &o);
		ptrs[n++] = o.ptr;
	}
	rte_fastmem_hfree_bulk(h, ptrs, n);
	return TEST_SUCCESS;
}

/* Send a few objects to the next lcore; what the ring cannot take stays here. */
static int
op_send(struct lcore_ctx *lc)
{
	unsigned int n = 1 + rnd(lc) % MAX_BURST, sent, i;
	struct obj objs[MAX_BURST];

	if (lc->out == NULL)
		return TEST_SUCCESS;
	n = RTE_MIN(n, lc->n_live / 2);
	for (i = 0; i < n; i++)
		TEST_ASSERT_SUCCESS(take(lc, rnd(lc) % lc->n_live, &objs[i]), "send");
	sent = rte_ring_enqueue_burst_elem(lc->out, objs, sizeof(objs[0]), n, NULL);
	for (i = sent; i < n; i++) {
		lc->live[lc->n_live++] = objs[i];
		lc->live_cost += objs[i].cost;
	}
	lc->sent += sent;
	return TEST_SUCCESS;
}

/* Verify and free (or adopt) what other lcores sent; returns the count or TEST_FAILED. */
static int
drain(struct lcore_ctx *lc)
{
	struct obj objs[MAX_BURST];
	void *ptrs[MAX_BURST];
	unsigned int n, i, how;

	if (lc->in == NULL)
		return 0;
	n = rte_ring_dequeue_burst_elem(lc->in, objs, sizeof(objs[0]), MAX_BURST, NULL);
	how = rnd(lc) % 3;
	for (i = 0; i < n; i++) {
		TEST_ASSERT_SUCCESS(verify(lc, &objs[i]), "object from another lcore");
		if (how == 0 && room_for(lc, 1, objs[i].cost)) {
			lc->live[lc->n_live++] = objs[i];
			lc->live_cost += objs[i].cost;
			continue;
		}
		count_free(lc, &objs[i]);
		if (how == 2)
			ptrs[i] = objs[i].ptr;
		else if (objs[i].by_handle)
			rte_fastmem_hfree(objs[i].handle, objs[i].ptr);
		else
			rte_fastmem_free(objs[i].ptr);
	}
	if (how == 2)
		rte_fastmem_free_bulk(ptrs, n);
	lc->received += n;
	return (int)n;
}

/* Calls that touch shared state without objects, racing with the other lcores. */
static int
op_misc(struct lcore_ctx *lc)
{
	struct rte_fastmem_stats st;
	unsigned int r = rnd(lc) % 100;

	if (r < 50) {
		/* Frees are read first: allocations seen never trail them. */
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		TEST_ASSERT(st.alloc_total >= st.free_total, "frees %" PRIu64 " ahead of allocs %"
			PRIu64, st.free_total, st.alloc_total);
	} else if (r < 80) {
		rte_fastmem_cache_flush();
	} else if (r < 95) {
		TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	} else {
		size_t size = 1 + rnd(lc) % (8 * FM_TEST_MIB);
		uint64_t max;

		if (!ctl.reserves) {
			TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
			return TEST_SUCCESS;
		}
		TEST_ASSERT_SUCCESS(rte_fastmem_reserve(size, SOCKET_ID_ANY), "reserve");
		max = rte_atomic_load_explicit(&ctl.max_reserve, rte_memory_order_relaxed);
		while (size > max && !rte_atomic_compare_exchange_strong_explicit(&ctl.max_reserve,
				&max, size, rte_memory_order_relaxed, rte_memory_order_relaxed))
			;
	}
	return TEST_SUCCESS;
}

/*
 * Set a budget; the calling thread's caches follow it before the call
 * returns, so they hold at most that much per node right after it.
 */
static int
set_budget_checked(struct lcore_ctx *lc, unsigned int target, size_t bytes)
{
	struct rte_fastmem_lcore_stats ls;
	int rc = rte_fastmem_set_cache_budget(target, bytes);

	TEST_ASSERT_EQUAL(rc, 0, "lcore %u: set_cache_budget(%u, %zu): %d", lc->lcore_id, target,
		bytes, rc);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lc->lcore_id, &ls), "lcore stats");
	TEST_ASSERT(ls.cache_bytes <= (uint64_t)bytes * ctl.n_nodes, "lcore %u: caches hold %"
		PRIu64 " B right after set_cache_budget(%u, %zu) (%u nodes)", lc->lcore_id,
		ls.cache_bytes, target, bytes, ctl.n_nodes);
	lc->max_cache_bytes = RTE_MAX(lc->max_cache_bytes, ls.cache_bytes);
	return TEST_SUCCESS;
}

/* An lcore sets its own budget and checks its caches at once. */
static int
own_budget(struct lcore_ctx *lc)
{
	lc->own_budget_sets++;
	return set_budget_checked(lc, lc->lcore_id, BUDGETS[rnd(lc) % RTE_DIM(BUDGETS)]);
}

/*
 * The main lcore changes the budget of the next lcore, or of all, in turn;
 * the others' caches follow at their next miss: not checked. Setting all
 * sets the main lcore's own too, which is checked.
 */
static int
coordinate_budgets(struct lcore_ctx *lc)
{
	uint64_t now = rte_get_timer_cycles();
	unsigned int k = (unsigned int)(ctl.budget_sets % ctl.n), target;
	size_t bytes = BUDGETS[(ctl.budget_sets / ctl.n) % RTE_DIM(BUDGETS)];
	int rc;

	if (now < ctl.next_budget)
		return TEST_SUCCESS;
	ctl.next_budget = now + rte_get_timer_hz() * BUDGET_PERIOD_US / 1000000;
	ctl.budget_sets++;
	if (k == 0)
		return set_budget_checked(lc, RTE_MAX_LCORE, bytes);
	target = ctl.lcores[k].lcore_id;
	rc = rte_fastmem_set_cache_budget(target, bytes);
	TEST_ASSERT_EQUAL(rc, 0, "set_cache_budget(%u, %zu): %d", target, bytes, rc);
	return TEST_SUCCESS;
}

static int
one_op(struct lcore_ctx *lc)
{
	unsigned int r = rnd(lc) % 1000;

	lc->ops++;
	/* At the bounds, only calls that free. */
	if (!room_for(lc, MAX_BURST, 0))
		r = 500 + r % 500;
	if (r < 200)
		return op_alloc(lc);
	if (r < 290)
		return op_alloc_bulk(lc);
	if (r < 400)
		return op_halloc(lc);
	if (r < 500)
		return op_realloc(lc);
	if (r < 750)
		return op_free(lc);
	if (r < 850)
		return op_free_bulk(lc);
	if (r < 900)
		return op_hfree_bulk(lc);
	if (r < 995)
		return op_send(lc);
	return op_misc(lc);
}

static int
churn(struct lcore_ctx *lc, uint64_t end)
{
	unsigned int i;

	while (rte_get_timer_cycles() < end && !failed()) {
		for (i = 0; i < 64; i++)
			TEST_ASSERT_SUCCESS(one_op(lc), "op %" PRIu64, lc->ops);
		TEST_ASSERT(drain(lc) >= 0, "drain");
		if (rnd(lc) % OWN_BUDGET_ODDS == 0)
			TEST_ASSERT_SUCCESS(own_budget(lc), "own budget");
		if (lc->idx == 0)
			TEST_ASSERT_SUCCESS(coordinate_budgets(lc), "budgets");
	}
	return TEST_SUCCESS;
}

/*
 * Under the limit, allocate until ENOMEM. Nobody frees in this phase, so
 * from then on every call needing new memory must fail the same way.
 */
static int
limit_fill(struct lcore_ctx *lc)
{
	void *ptrs[8], *p;
	unsigned int i, cls;
	struct obj *o;
	size_t size;
	int rc;

	lc->held = malloc(sizeof(*lc->held) * ctl.held_cap);
	TEST_ASSERT_NOT_NULL(lc->held, "malloc");
	for (;;) {
		TEST_ASSERT(lc->n_held < ctl.held_cap, "lcore %u: no ENOMEM after %u objects under "
			"a limit of %zu B", lc->lcore_id, lc->n_held, ctl.limit);
		size = LIMIT_MIN_SIZE + rnd(lc) % (max_class_size() - LIMIT_MIN_SIZE + 1);
		cls = class_of(size, 0);
		p = rte_fastmem_alloc(size, 0, 0);
		if (p == NULL)
			break;
		o = &lc->held[lc->n_held++];
		TEST_ASSERT_SUCCESS(record(lc, o, p, size, 0, 0, cls), "held");
	}
	TEST_ASSERT_SUCCESS(alloc_failed(lc, "alloc", size, 0, cls), "limit");
	lc->nomem_size = size;

	for (i = 0; i < RTE_DIM(ptrs); i++)
		ptrs[i] = &ptrs[i];
	rc = rte_fastmem_alloc_bulk(ptrs, RTE_DIM(ptrs), size, 0, 0);
	TEST_ASSERT_EQUAL(rc, -ENOMEM, "bulk after ENOMEM: %d", rc);
	TEST_ASSERT_SUCCESS(alloc_failed(lc, "alloc_bulk", size, 0, cls), "limit");
	for (i = 0; i < RTE_DIM(ptrs); i++)
		TEST_ASSERT_EQUAL(ptrs[i], (void *)&ptrs[i], "failed bulk wrote entry %u", i);

	TEST_ASSERT_NULL(rte_fastmem_alloc(LIMIT_LARGE_SIZE, 0, 0), "large alloc over the limit");
	TEST_ASSERT_SUCCESS(alloc_failed(lc, "large alloc", LIMIT_LARGE_SIZE, 0, ctl.n_classes),
		"limit");
	/* A size-class object cannot grow to a large one in place. */
	if (lc->n_held > 0) {
		o = &lc->held[rnd(lc) % lc->n_held];
		TEST_ASSERT_NULL(rte_fastmem_realloc(o->ptr, LIMIT_LARGE_SIZE, 0),
			"realloc over the limit");
		TEST_ASSERT_SUCCESS(alloc_failed(lc, "realloc", LIMIT_LARGE_SIZE, 0, ctl.n_classes),
			"limit");
		TEST_ASSERT_SUCCESS(verify(lc, o), "failed realloc damaged the object");
	}
	return TEST_SUCCESS;
}

/* Allocate, fill and free at once: the live table may be full. */
static int
alloc_once(struct lcore_ctx *lc, size_t size)
{
	struct obj o;
	void *p = rte_fastmem_alloc(size, 0, 0);

	TEST_ASSERT_NOT_NULL(p, "lcore %u: %zu B after the limit was lifted: %s", lc->lcore_id,
		size, rte_strerror(rte_errno));
	TEST_ASSERT_SUCCESS(record(lc, &o, p, size, 0, 0, class_of(size, 0)), "recovered");
	TEST_ASSERT_SUCCESS(verify(lc, &o), "recovered");
	count_free(lc, &o);
	rte_fastmem_free(p);
	return TEST_SUCCESS;
}

/* The limit is lifted: what failed works, while the limit phase's objects still hold memory. */
static int
limit_recover(struct lcore_ctx *lc)
{
	void *ptrs[MAX_BURST];
	unsigned int i, n;
	struct obj o;

	TEST_ASSERT_SUCCESS(alloc_once(lc, lc->nomem_size), "recover");
	TEST_ASSERT_SUCCESS(alloc_once(lc, LIMIT_LARGE_SIZE), "recover");
	while (lc->n_held > 0) {
		n = RTE_MIN(lc->n_held, (unsigned int)MAX_BURST);
		for (i = 0; i < n; i++) {
			o = lc->held[--lc->n_held];
			TEST_ASSERT_SUCCESS(verify(lc, &o), "object of the limit phase");
			count_free(lc, &o);
			ptrs[i] = o.ptr;
		}
		rte_fastmem_free_bulk(ptrs, n);
	}
	free(lc->held);
	lc->held = NULL;
	return TEST_SUCCESS;
}

static int
run_epoch(struct lcore_ctx *lc)
{
	switch (ctl.phase) {
	case PHASE_LIMIT:
		return limit_fill(lc);
	case PHASE_RECOVER:
		TEST_ASSERT_SUCCESS(limit_recover(lc), "recover");
		break;
	default:
		break;
	}
	return churn(lc, rte_get_timer_cycles() + ctl.epoch_cycles);
}

static int
verify_all(struct lcore_ctx *lc)
{
	unsigned int i;

	for (i = 0; i < lc->n_live; i++)
		TEST_ASSERT_SUCCESS(verify(lc, &lc->live[i]), "checkpoint");
	for (i = 0; i < lc->n_held; i++)
		TEST_ASSERT_SUCCESS(verify(lc, &lc->held[i]), "checkpoint");
	return TEST_SUCCESS;
}

static int
free_all(struct lcore_ctx *lc)
{
	void *ptrs[MAX_BURST];
	unsigned int n;
	struct obj o;

	while (lc->n_live > 0) {
		for (n = 0; n < MAX_BURST && lc->n_live > 0; n++) {
			TEST_ASSERT_SUCCESS(take(lc, lc->n_live - 1, &o), "final free");
			count_free(lc, &o);
			ptrs[n] = o.ptr;
		}
		rte_fastmem_free_bulk(ptrs, n);
	}
	return TEST_SUCCESS;
}

/* What the statistics must say, from the lcores' tables (all lcores stopped). */
struct model {
	uint64_t objs;
	uint64_t bytes;
	uint64_t nomem;
	uint64_t cls[MAX_CLASSES];
	uint64_t cls_nomem[MAX_CLASSES];
};

struct range {
	uintptr_t start;
	uintptr_t end;
	unsigned int lcore_id;
};

static int
cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void
model_add(struct model *m, struct range *r, unsigned int *n_ranges, const struct obj *o,
		unsigned int lcore_id)
{
	m->objs++;
	m->bytes += footprint(o);
	if (o->cls < ctl.n_classes)
		m->cls[o->cls]++;
	r[*n_ranges] = (struct range){
		.start = (uintptr_t)o->ptr,
		.end = (uintptr_t)o->ptr + footprint(o),
		.lcore_id = lcore_id,
	};
	(*n_ranges)++;
}

/* No two live objects share a byte: all ranges sorted, each ends before the next starts. */
static int
build_model(struct model *m)
{
	unsigned int i, k, n_ranges = 0, total = 0;
	const struct lcore_ctx *lc;
	struct range *r;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < ctl.n; i++)
		total += ctl.lcores[i].n_live + ctl.lcores[i].n_held;
	r = malloc(sizeof(*r) * (total + 1));
	TEST_ASSERT_NOT_NULL(r, "malloc");
	for (i = 0; i < ctl.n; i++) {
		lc = &ctl.lcores[i];
		for (k = 0; k < lc->n_live; k++)
			model_add(m, r, &n_ranges, &lc->live[k], lc->lcore_id);
		for (k = 0; k < lc->n_held; k++)
			model_add(m, r, &n_ranges, &lc->held[k], lc->lcore_id);
		for (k = 0; k < ctl.n_classes; k++)
			m->cls_nomem[k] += lc->nomem[k];
		for (k = 0; k <= ctl.n_classes; k++)
			m->nomem += lc->nomem[k];
	}
	qsort(r, n_ranges, sizeof(*r), cmp_range);
	for (i = 1; i < n_ranges; i++)
		if (r[i].start < r[i - 1].end)
			break;
	if (i < n_ranges) {
		printf("overlap: [%#" PRIxPTR ", %#" PRIxPTR ") of lcore %u and [%#" PRIxPTR ", %#"
			PRIxPTR ") of lcore %u\n", r[i - 1].start, r[i - 1].end, r[i - 1].lcore_id,
			r[i].start, r[i].end, r[i].lcore_id);
	}
	free(r);
	TEST_ASSERT(i >= n_ranges, "two live objects overlap");
	return TEST_SUCCESS;
}

/* All lcores stopped, rings empty: the statistics must match the model exactly. */
static int
check_stats(void)
{
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	struct fm_test_backing mz;
	const struct lcore_ctx *lc;
	uint64_t nomem;
	struct model m;
	unsigned int c, i;

	TEST_ASSERT_SUCCESS(build_model(&m), "model");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, m.objs, "objs_in_use %" PRIu64 ", lcores hold %" PRIu64,
		st.objs_in_use, m.objs);
	TEST_ASSERT_EQUAL(st.alloc_total - st.free_total, m.objs,
		"allocs %" PRIu64 " - frees %" PRIu64 " != %" PRIu64 " live", st.alloc_total,
		st.free_total, m.objs);
	TEST_ASSERT_EQUAL(st.bytes_in_use, m.bytes, "bytes_in_use %" PRIu64 ", expected %" PRIu64,
		st.bytes_in_use, m.bytes);
	TEST_ASSERT_EQUAL(st.alloc_nomem, m.nomem, "alloc_nomem %" PRIu64 ", %" PRIu64
		" calls failed with ENOMEM", st.alloc_nomem, m.nomem);
	mz = fm_test_backing_memzones();
	TEST_ASSERT_EQUAL(st.bytes_backing, mz.bytes,
		"bytes_backing %" PRIu64 ", %u memzones hold %" PRIu64, st.bytes_backing, mz.count,
		mz.bytes);
	ctl.max_backing = RTE_MAX(ctl.max_backing, st.bytes_backing);
	for (c = 0; c < ctl.n_classes; c++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(ctl.sizes[c], &cs), "class stats");
		TEST_ASSERT_EQUAL(cs.in_use, m.cls[c],
			"class %zu: in_use %" PRIu64 ", lcores hold %" PRIu64, ctl.sizes[c],
			cs.in_use, m.cls[c]);
		TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses - cs.free_cache_hits -
			cs.free_cache_misses, m.cls[c],
			"class %zu: allocs - frees != %" PRIu64 " live", ctl.sizes[c], m.cls[c]);
		TEST_ASSERT_EQUAL(cs.alloc_nomem, m.cls_nomem[c], "class %zu: alloc_nomem %" PRIu64
			", %" PRIu64 " calls failed", ctl.sizes[c], cs.alloc_nomem, m.cls_nomem[c]);
	}
	for (i = 0; i < ctl.n; i++) {
		lc = &ctl.lcores[i];
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lc->lcore_id, &ls), "lcore stats");
		TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses, lc->class_allocs,
			"lcore %u: %" PRIu64 " allocations counted, %" PRIu64 " made", lc->lcore_id,
			ls.alloc_cache_hits + ls.alloc_cache_misses, lc->class_allocs);
		TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, lc->class_frees,
			"lcore %u: %" PRIu64 " frees counted, %" PRIu64 " made", lc->lcore_id,
			ls.free_cache_hits + ls.free_cache_misses, lc->class_frees);
		for (nomem = 0, c = 0; c < ctl.n_classes; c++)
			nomem += lc->nomem[c];
		TEST_ASSERT_EQUAL(ls.alloc_nomem, nomem,
			"lcore %u: alloc_nomem %" PRIu64 ", %" PRIu64 " calls failed", lc->lcore_id,
			ls.alloc_nomem, nomem);
	}
	return TEST_SUCCESS;
}

/* Set the limit for the next epoch, or check and lift it after it. */
static int
limit_step(void)
{
	struct rte_fastmem_stats st;
	unsigned int i;
	int node;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	if (ctl.phase == PHASE_CHURN) {
		/*
		 * The default budget for every lcore: a lower one set by the main
		 * lcore and not applied yet would give objects back to the bins at
		 * a miss in the limit phase, and an allocation could succeed after
		 * ENOMEM.
		 */
		TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(RTE_MAX_LCORE, DEFAULT_BUDGET),
			"default budget");
		ctl.budget_sets++;
		ctl.limit = st.bytes_backing + LIMIT_HEADROOM;
		ctl.held_cap = (unsigned int)(ctl.limit * ctl.n_nodes / LIMIT_MIN_SIZE + 1);
		TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, ctl.limit), "set_limit");
		for (node = 0; node < RTE_MAX_NUMA_NODES; node++)
			TEST_ASSERT_EQUAL(rte_fastmem_get_limit(node), ctl.limit, "node %d", node);
		printf("fastmem_stress: limit %zu B (backing %" PRIu64 " B, %" PRIu64
			" live objects)\n", ctl.limit, st.bytes_backing, st.objs_in_use);
		ctl.phase = PHASE_LIMIT;
		return TEST_SUCCESS;
	}
	TEST_ASSERT(st.bytes_backing <= ctl.limit * ctl.n_nodes, "backing %" PRIu64
		" above the limit %zu", st.bytes_backing, ctl.limit);
	for (i = 0; i < ctl.n; i++)
		printf("fastmem_stress: lcore %u: ENOMEM after %u objects of the limit phase\n",
			ctl.lcores[i].lcore_id, ctl.lcores[i].n_held);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "lift the limit");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(ctl.lcores[0].node), SIZE_MAX, "limit not lifted");
	ctl.phase = PHASE_RECOVER;
	ctl.limit_done = true;
	return TEST_SUCCESS;
}

static int
set_decay(unsigned int ms)
{
	int rc = rte_fastmem_set_decay(ms);

	TEST_ASSERT_EQUAL(rc, 0, "rte_fastmem_set_decay(%u): %d", ms, rc);
	TEST_ASSERT_EQUAL(rte_fastmem_get_decay(), (int)ms, "decay not set to %u ms", ms);
	return TEST_SUCCESS;
}

/* The next epoch's decay: on for DECAY_STRETCH epochs, off for as many, off under the limit. */
static int
decay_step(void)
{
	unsigned int stretch = ctl.checkpoints / DECAY_STRETCH, ms = 0;

	if (ctl.phase != PHASE_LIMIT && stretch % 2 == 0)
		ms = DECAY_MS[(stretch / 2) % RTE_DIM(DECAY_MS)];
	if ((ms != 0) != (ctl.decay_ms != 0))
		ctl.decay_toggles++;
	ctl.decay_ms = ms;
	if (ms != 0)
		ctl.decay_epochs++;
	return set_decay(ms);
}

/*
 * Main lcore, all others waiting: check, then choose the next epoch. The
 * decay pauses meanwhile: it would free memzones between the reading of
 * the statistics and the walk of the memzones.
 */
static int
checkpoint(void)
{
	uint64_t now = rte_get_timer_cycles();

	ctl.checkpoints++;
	if (ctl.decay_ms != 0)
		TEST_ASSERT_SUCCESS(set_decay(0), "pause the decay");
	TEST_ASSERT_SUCCESS(check_stats(), "%s %u", __func__, ctl.checkpoints);
	if (ctl.phase == PHASE_LIMIT || (!ctl.limit_done && now >= ctl.limit_at)) {
		TEST_ASSERT_SUCCESS(limit_step(), "limit");
	} else {
		ctl.phase = PHASE_CHURN;
		ctl.done = ctl.limit_done && now >= ctl.deadline;
	}
	return decay_step();
}

/* Backing memzones of one node: bytes and the smallest. */
struct node_backing {
	uint64_t bytes[RTE_MAX_NUMA_NODES];
	uint64_t min_len[RTE_MAX_NUMA_NODES];
	bool bad;   /* one of unknown node */
};

static void
node_backing_add(const struct rte_memzone *mz, void *arg)
{
	struct node_backing *b = arg;
	int node = mz->socket_id;

	if (!fm_test_is_backing(mz))
		return;
	if (node < 0 || node >= RTE_MAX_NUMA_NODES) {
		b->bad = true;
		return;
	}
	b->bytes[node] += mz->len;
	if (b->min_len[node] == 0 || mz->len < b->min_len[node])
		b->min_len[node] = mz->len;
}

/*
 * Whether the decay gave back all it may: everything, or after a reserve
 * the memzones above its floor (no node keeps a memzone it could free
 * and stay at the largest reserve).
 */
static bool
decayed(uint64_t backing)
{
	struct node_backing b;
	int node;

	if (ctl.max_reserve == 0)
		return backing == 0;
	memset(&b, 0, sizeof(b));
	rte_memzone_walk(node_backing_add, &b);
	if (b.bad)
		return false;
	for (node = 0; node < RTE_MAX_NUMA_NODES; node++)
		if (b.bytes[node] != 0 && b.bytes[node] - b.min_len[node] >= ctl.max_reserve)
			return false;
	return true;
}

/*
 * All freed and flushed: with the decay on and no trim, the backing goes
 * within DECAY_WAIT_MS. The decay is off again for the final checks.
 */
static int
decay_drain(void)
{
	uint64_t start = rte_get_timer_cycles(), hz = rte_get_timer_hz(), waited;
	struct rte_fastmem_stats st;
	bool done;

	if (ctl.decay_ms == 0)
		ctl.decay_toggles++;
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	ctl.decay_drain_from = st.bytes_backing;
	ctl.decay_ms = DECAY_FINAL_MS;
	TEST_ASSERT_SUCCESS(set_decay(DECAY_FINAL_MS), "decay on");
	for (;;) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		done = decayed(st.bytes_backing);
		waited = (rte_get_timer_cycles() - start) * 1000 / hz;
		if (done || waited >= DECAY_WAIT_MS)
			break;
		rte_delay_us_sleep(1000);
	}
	ctl.decay_drain_ms = waited;
	ctl.decay_toggles++;
	ctl.decay_ms = 0;
	TEST_ASSERT_SUCCESS(set_decay(0), "decay off");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	printf("fastmem_stress: decay %u ms, no trim: backing %" PRIu64 " B -> %" PRIu64
		" B in %" PRIu64 " ms (largest reserve %" PRIu64 " B)\n", DECAY_FINAL_MS,
		ctl.decay_drain_from, st.bytes_backing, waited, ctl.max_reserve);
	TEST_ASSERT(done, "decay left %" PRIu64 " B of backing after %" PRIu64 " ms (largest "
		"reserve %" PRIu64 " B)", st.bytes_backing, waited, ctl.max_reserve);
	return TEST_SUCCESS;
}

/* After everything is freed and flushed: nothing live, and trim returns every memzone. */
static int
final_check(void)
{
	struct rte_fastmem_stats st;
	struct fm_test_backing mz;
	int64_t released;

	TEST_ASSERT_SUCCESS(check_stats(), "final statistics");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	released = rte_fastmem_trim();
	TEST_ASSERT_EQUAL(released, (int64_t)st.bytes_backing, "trim released %" PRId64 " of %"
		PRIu64 " B", released, st.bytes_backing);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	mz = fm_test_backing_memzones();
	TEST_ASSERT_EQUAL(st.bytes_backing, 0, "backing left after trim: %" PRIu64,
		st.bytes_backing);
	TEST_ASSERT_EQUAL(mz.count, 0, "%u memzones (%" PRIu64 " B) left after trim", mz.count,
		mz.bytes);
	return TEST_SUCCESS;
}

static int
stress_lcore(void *arg __rte_unused)
{
	struct lcore_ctx *lc = ctl.lcores;
	bool main_lcore;

	while (lc->lcore_id != rte_lcore_id())
		lc++;
	main_lcore = lc->idx == 0;
	while (!ctl.done) {
		if (!failed())
			note(run_epoch(lc));
		barrier(lc); /* nobody sends any more */
		while (!failed() && lc->in != NULL && rte_ring_count(lc->in) > 0)
			note(drain(lc) < 0);
		barrier(lc); /* rings empty */
		if (!failed())
			note(verify_all(lc));
		barrier(lc);
		if (main_lcore) {
			if (!failed())
				note(checkpoint());
			ctl.done |= failed();
		}
		barrier(lc);
	}
	if (!failed())
		note(free_all(lc));
	rte_fastmem_cache_flush();
	barrier(lc);
	if (main_lcore && !failed())
		note(decay_drain());
	if (main_lcore && !failed())
		note(final_check());
	return 0;
}

static int
parse_env(const char *name, uint64_t *value)
{
	const char *s = getenv(name);
	char *end;

	if (s == NULL)
		return 0;
	errno = 0;
	*value = strtoull(s, &end, 0);
	TEST_ASSERT(errno == 0 && end != s && *end == '\0' && *value > 0,
		"%s=%s: expected a positive integer", name, s);
	return 0;
}

/* Bits set in @p v: rte_popcount64() is not in DPDK 22.11. */
static unsigned int
bits_set(uint64_t v)
{
	unsigned int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static int
setup(uint64_t duration, uint64_t seed)
{
	unsigned int lcore_id, i, k;
	char name[RTE_RING_NAMESIZE];
	struct lcore_ctx *lc;
	struct handle *h;
	uint64_t hz = rte_get_timer_hz(), now = rte_get_timer_cycles();
	int node;

	memset(&ctl, 0, sizeof(ctl));
	ctl.n = rte_lcore_count();
	ctl.n_classes = rte_fastmem_classes(NULL);
	TEST_ASSERT(ctl.n_classes <= MAX_CLASSES, "%u classes", ctl.n_classes);
	rte_fastmem_classes(ctl.sizes);
	ctl.nodes = fm_test_memory_nodes();
	ctl.n_nodes = bits_set(ctl.nodes);
	TEST_ASSERT(ctl.n_nodes > 0, "no node with memory");
	ctl.epoch_cycles = hz * EPOCH_MS / 1000;
	ctl.limit_at = now + hz * duration / 2;
	ctl.deadline = now + hz * duration;
	/* Half the seeds (mixed: the TSC's low bits are often fixed). */
	ctl.reserves = (fm_test_word(seed, N_HANDLES) >> 40) % 2 != 0;
	ctl.lcores = calloc(ctl.n, sizeof(*ctl.lcores));
	TEST_ASSERT_NOT_NULL(ctl.lcores, "calloc");
	i = 0;
	RTE_LCORE_FOREACH(lcore_id) {
		lc = &ctl.lcores[lcore_id == rte_get_main_lcore() ? 0 : ++i];
		lc->lcore_id = lcore_id;
		lc->node = rte_fastmem_lcore_node(lcore_id);
		TEST_ASSERT(lc->node >= 0 && (ctl.nodes & (UINT64_C(1) << lc->node)),
			"lcore %u: node %d", lcore_id, lc->node);
	}
	for (i = 0; i < ctl.n; i++) {
		lc = &ctl.lcores[i];
		lc->idx = i;
		lc->rng = fm_test_word(seed, i) | 1;
		if (ctl.n > 1) {
			snprintf(name, sizeof(name), "fmstress_%u", i);
			lc->in = rte_ring_create_elem(name, sizeof(struct obj), RING_SIZE,
				SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
			TEST_ASSERT_NOT_NULL(lc->in, "ring: %s", rte_strerror(rte_errno));
		}
		/* Handles for the lcore's node and for SOCKET_ID_ANY (the main lcore's node). */
		for (k = 0; k < N_HANDLES; k++) {
			h = &lc->handles[k];
			h->size = 1 + rnd(lc) % (k < N_HANDLES / 2 ? 1024 : max_class_size());
			h->align = rnd(lc) % 2 ? 0 : (size_t)1 << (rnd(lc) % 13);
			h->cls = class_of(h->size, h->align);
			node = k % 2 ? SOCKET_ID_ANY : lc->node;
			TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(h->size, h->align, node, &h->h),
				"hlookup(%zu, %zu, %d)", h->size, h->align, node);
		}
	}
	for (i = 0; i < ctl.n && ctl.n > 1; i++)
		ctl.lcores[i].out = ctl.lcores[(i + 1) % ctl.n].in;
	return TEST_SUCCESS;
}

static void
teardown(void)
{
	unsigned int i;

	for (i = 0; i < ctl.n && ctl.lcores != NULL; i++) {
		rte_ring_free(ctl.lcores[i].in);
		free(ctl.lcores[i].held);
	}
	free(ctl.lcores);
	ctl.lcores = NULL;
	rte_fastmem_deinit();
}

static void
summary(uint64_t start)
{
	double secs = (double)(rte_get_timer_cycles() - start) / (double)rte_get_timer_hz();
	uint64_t own, max_cache = 0;
	const struct lcore_ctx *lc;
	unsigned int i;

	for (i = 0; i < ctl.n; i++) {
		lc = &ctl.lcores[i];
		printf("fastmem_stress: lcore %u: %" PRIu64 " ops, %" PRIu64 " size-class objects"
			" allocated, %" PRIu64 " objects sent, %" PRIu64 " received\n",
			lc->lcore_id, lc->ops, lc->class_allocs, lc->sent, lc->received);
	}
	printf("fastmem_stress: %u checkpoints in %.1f s, backing up to %" PRIu64 " MiB\n",
		ctl.checkpoints, secs, ctl.max_backing >> 20);
	for (i = 0, own = 0; i < ctl.n; i++) {
		own += ctl.lcores[i].own_budget_sets;
		max_cache = RTE_MAX(max_cache, ctl.lcores[i].max_cache_bytes);
	}
	printf("fastmem_stress: %" PRIu64 " budget changes (%" PRIu64 " by the main lcore for "
		"others or all, %" PRIu64 " own, checked, caches up to %" PRIu64 " B right after), "
		"%u decay toggles (on for %u of %u epochs), reserve %s\n", ctl.budget_sets + own,
		ctl.budget_sets, own, max_cache, ctl.decay_toggles, ctl.decay_epochs,
		ctl.checkpoints, ctl.reserves ? "on" : "off");
}

static int
test_fastmem_stress(void)
{
	uint64_t duration = DEFAULT_DURATION_S, seed = rte_rdtsc(), start = rte_get_timer_cycles();
	struct fm_test_backing mz;
	int rc;

	TEST_ASSERT_SUCCESS(parse_env("FASTMEM_STRESS_DURATION", &duration), "duration");
	TEST_ASSERT_SUCCESS(parse_env("FASTMEM_STRESS_SEED", &seed), "seed");
	printf("fastmem_stress: %u lcores, %" PRIu64 " s, seed %#" PRIx64 "\n", rte_lcore_count(),
		duration, seed);
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	mz = fm_test_backing_memzones();
	if (mz.count != 0) {
		rte_fastmem_deinit();
		TEST_ASSERT(0, "%u backing memzones before the first allocation", mz.count);
	}
	rc = setup(duration, seed);
	if (rc == TEST_SUCCESS) {
		rte_fastmem_stats_reset();
		rc = rte_eal_mp_remote_launch(stress_lcore, NULL, CALL_MAIN);
		rte_eal_mp_wait_lcore();
		if (rc == 0 && failed())
			rc = TEST_FAILED;
		summary(start);
	}
	teardown();
	TEST_ASSERT_SUCCESS(rc, "stress failed (seed %#" PRIx64 ")", seed);
	return TEST_SUCCESS;
}

REGISTER_STRESS_TEST(fastmem_stress_autotest, test_fastmem_stress);

/*
 * fastmem_race_stress_autotest. Two lcores, in rounds that each start from
 * an empty allocator; the kind of round cycles:
 * - limit, large: under a random limit (8 to 32 MiB, SOCKET_ID_ANY), of
 *   which the main lcore first takes a random share with 4 MiB objects, both
 *   lcores allocate at once more than the limit of large objects of random
 *   sizes (up to 6 MiB). Checks: every failure is ENOMEM, the limit was
 *   reached, bytes_backing is at most the limit.
 * - limit, mixed: the same, one lcore with large objects, the other with
 *   size-class objects of a random size (32 KiB up to the largest class).
 * - trim: no limit; both lcores allocate and free a random number of objects
 *   of a random size up to the largest class (mostly the same for both), while a thread
 *   without an lcore calls rte_fastmem_trim() in a loop. Checks: once all is
 *   freed and each lcore flushed its caches, trim leaves no object and no
 *   backing, and no allocation failed (there is no limit: a thread that
 *   grew the node once lost all the new slices to the other before it took
 *   a page, and failed with ENOMEM).
 * The first round that breaks a contract stops the test, with its
 * parameters and the seed.
 */

#define RACE_DEFAULT_DURATION_S 30
#define RACE_LARGE_PREFILL (4 * FM_TEST_MIB - 64) /* one 4 MiB memzone */
#define RACE_MAX_PREFILL 8
#define RACE_MAX_LARGE (6 * FM_TEST_MIB)
#define RACE_MIN_CLASS (32 * 1024)
#define RACE_TRIM_BYTES (16 * FM_TEST_MIB)
#define RACE_TRIM_MAX_OBJS 64

enum race_kind {
	RACE_LIMIT_LARGE,
	RACE_LIMIT_MIXED,
	RACE_TRIM,
	RACE_KINDS,
};

static const char * const race_kind_name[RACE_KINDS] = {
	"limit large", "limit mixed", "trim",
};

static struct {
	struct fm_race r;           /* the two lcores and what they share */
	size_t max_class;
	uint64_t rng;
	uint64_t rounds[RACE_KINDS];
	uint64_t nomem[RACE_KINDS];
} race;

static uint64_t
race_rnd(void)
{
	race.rng ^= race.rng >> 12;
	race.rng ^= race.rng << 25;
	race.rng ^= race.rng >> 27;
	return race.rng * UINT64_C(2685821657736338717);
}

/* Uniform in [lo, hi]. */
static size_t
race_between(size_t lo, size_t hi)
{
	return lo + race_rnd() % (hi - lo + 1);
}

static int
race_check_errors(uint64_t round, enum race_kind kind)
{
	const struct fm_race_role *r;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		r = &race.r.roles[k];
		TEST_ASSERT_EQUAL(r->n_other, 0, "round %" PRIu64 " (%s), %s lcore: %u allocations "
			"of %zu B failed with %s, not ENOMEM", round, race_kind_name[kind],
			k ? "worker" : "main", r->n_other, r->size, rte_strerror(r->other_errno));
		race.nomem[kind] += r->n_nomem;
	}
	return TEST_SUCCESS;
}

/* A limit round: backing within a random limit while both lcores grow. */
static int
race_limit_round(uint64_t round, enum race_kind kind)
{
	size_t limit = race_between(4, 16) * 2 * FM_TEST_MIB;
	unsigned int n_pre = race_rnd() % (limit / (4 * FM_TEST_MIB)), k;
	unsigned int class_k = kind == RACE_LIMIT_MIXED ? race_rnd() % 2 : 2;
	struct rte_fastmem_stats st;
	void *pre[RACE_MAX_PREFILL];
	struct fm_race_role *r;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, limit), "set_limit");
	for (k = 0; k < n_pre; k++) {
		pre[k] = rte_fastmem_alloc_socket(RACE_LARGE_PREFILL, 0, 0, race.r.node);
		TEST_ASSERT_NOT_NULL(pre[k], "round %" PRIu64 ": object %u of %u below the %zu B "
			"limit: %s", round, k, n_pre, limit, rte_strerror(rte_errno));
	}
	for (k = 0; k < 2; k++) {
		r = &race.r.roles[k];
		if (k == class_k)
			r->size = race_between(RACE_MIN_CLASS, race.max_class);
		else
			r->size = race_between(race.max_class + 1, RACE_MAX_LARGE);
		/* Each lcore alone asks for more than the limit. */
		r->attempts = RTE_MIN(limit / r->size + 2, (size_t)FM_RACE_MAX_OBJS);
	}
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(fm_race_limit_lcore, &race.r.roles[1],
		race.r.worker), "launch");
	fm_race_barrier(&race.r);
	fm_race_alloc(&race.r.roles[0]);
	fm_race_barrier(&race.r);
	rc = rte_fastmem_stats(&st);
	fm_race_barrier(&race.r);
	fm_race_free(&race.r.roles[0]);
	rte_eal_wait_lcore(race.r.worker);
	for (k = 0; k < n_pre; k++)
		rte_fastmem_free(pre[k]);
	TEST_ASSERT_SUCCESS(rc, "stats");
	TEST_ASSERT_SUCCESS(race_check_errors(round, kind), "errors");
	TEST_ASSERT(race.r.roles[0].n_nomem + race.r.roles[1].n_nomem > 0,
		"round %" PRIu64 ": the limit was never reached", round);
	TEST_ASSERT(st.bytes_backing <= limit, "round %" PRIu64 " (%s): backing %" PRIu64
		" B above the %zu B limit; %u MiB taken first, main lcore %u x %zu B (%u failed), "
		"worker %u x %zu B (%u failed)", round, race_kind_name[kind], st.bytes_backing,
		limit, n_pre * 4, race.r.roles[0].attempts, race.r.roles[0].size,
		race.r.roles[0].n_nomem, race.r.roles[1].attempts, race.r.roles[1].size,
		race.r.roles[1].n_nomem);
	return TEST_SUCCESS;
}

/* A trim round: nothing left behind after concurrent trims, frees, flushes and a trim. */
static int
race_trim_round(uint64_t round)
{
	struct rte_fastmem_stats st;
	struct fm_race_role *r;
	unsigned int k;
	rte_thread_t t;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "set_limit");
	for (k = 0; k < 2; k++) {
		r = &race.r.roles[k];
		if (k == 0 || race_rnd() % 4 == 0)
			r->size = race_between(16 * 1024, race.max_class);
		else
			r->size = race.r.roles[0].size;
		r->attempts = race_between(1, RTE_MIN(RACE_TRIM_BYTES / r->size,
			(size_t)RACE_TRIM_MAX_OBJS));
	}
	TEST_ASSERT_SUCCESS(fm_race_start_trimmer(&race.r, &t), "trimmer thread");
	rc = rte_eal_remote_launch(fm_race_trim_lcore, &race.r.roles[1], race.r.worker);
	if (rc == 0) {
		fm_race_trim_lcore(&race.r.roles[0]);
		rte_eal_wait_lcore(race.r.worker);
	}
	fm_race_stop_trimmer(&race.r, t);
	TEST_ASSERT_SUCCESS(rc, "launch");
	TEST_ASSERT_SUCCESS(race_check_errors(round, RACE_TRIM), "errors");
	TEST_ASSERT(race.r.roles[0].n_nomem + race.r.roles[1].n_nomem == 0, "round %" PRIu64
		" (trim): %u allocations failed with ENOMEM without a limit", round,
		race.r.roles[0].n_nomem + race.r.roles[1].n_nomem);
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.objs_in_use == 0 && st.bytes_backing == 0, "round %" PRIu64 " (trim): %"
		PRIu64 " objects, %" PRIu64 " B of backing left after flush and trim; main lcore %u"
		" x %zu B, worker %u x %zu B", round, st.objs_in_use, st.bytes_backing,
		race.r.roles[0].attempts, race.r.roles[0].size, race.r.roles[1].attempts,
		race.r.roles[1].size);
	return TEST_SUCCESS;
}

static int
race_stress(uint64_t duration)
{
	uint64_t start = rte_get_timer_cycles(), round;
	uint64_t deadline = start + duration * rte_get_timer_hz();
	struct rte_fastmem_stats st;
	enum race_kind kind;
	size_t sizes[MAX_CLASSES];
	unsigned int n;

	int rc = fm_race_init(&race.r, "fastmem_race_stress");

	if (rc != TEST_SUCCESS)
		return rc;
	n = rte_fastmem_classes(NULL);
	TEST_ASSERT(n > 0 && n <= MAX_CLASSES, "%u classes", n);
	rte_fastmem_classes(sizes);
	race.max_class = sizes[n - 1];
	TEST_ASSERT(race.max_class > RACE_MIN_CLASS, "largest class %zu B", race.max_class);
	for (round = 0; rte_get_timer_cycles() < deadline; round++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		TEST_ASSERT(st.objs_in_use == 0 && st.bytes_backing == 0, "before round %" PRIu64
			": %" PRIu64 " objects, %" PRIu64 " B of backing", round, st.objs_in_use,
			st.bytes_backing);
		kind = (enum race_kind)(round % RACE_KINDS);
		if (kind == RACE_TRIM)
			TEST_ASSERT_SUCCESS(race_trim_round(round), "trim round");
		else
			TEST_ASSERT_SUCCESS(race_limit_round(round, kind), "limit round");
		TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
		race.rounds[kind]++;
	}
	for (kind = 0; kind < RACE_KINDS; kind++)
		printf("fastmem_race_stress: %s: %" PRIu64 " rounds, %" PRIu64
			" allocations failed with ENOMEM\n", race_kind_name[kind],
			race.rounds[kind], race.nomem[kind]);
	printf("fastmem_race_stress: %" PRIu64 " concurrent trims, %.1f s\n", race.r.trims,
		(double)(rte_get_timer_cycles() - start) / rte_get_timer_hz());
	return TEST_SUCCESS;
}

static int
test_fastmem_race_stress(void)
{
	uint64_t duration = RACE_DEFAULT_DURATION_S, seed = rte_rdtsc();
	int rc;

	TEST_ASSERT_SUCCESS(parse_env("FASTMEM_STRESS_DURATION", &duration), "duration");
	TEST_ASSERT_SUCCESS(parse_env("FASTMEM_STRESS_SEED", &seed), "seed");
	printf("fastmem_race_stress: %" PRIu64 " s, seed %#" PRIx64 "\n", duration, seed);
	memset(&race, 0, sizeof(race));
	race.rng = seed | 1;
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	rc = race_stress(duration);
	rte_fastmem_deinit();
	if (rc == TEST_SKIPPED)
		return rc;
	TEST_ASSERT_SUCCESS(rc, "race stress failed (seed %#" PRIx64 ")", seed);
	return TEST_SUCCESS;
}

REGISTER_STRESS_TEST(fastmem_race_stress_autotest, test_fastmem_race_stress);
