/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Per-thread caches. Each lcore (EAL or registered with
 * rte_thread_register()) has a row of LIFO caches, one per (node, class),
 * found by the inline fast path through two thread-local pointers. Until
 * a thread's first slow-path call those point to an idle row whose caches
 * have capacity 0, so the fast path needs no "set up yet?" test: an empty
 * or full cache sends it here, where the row is set up.
 *
 * Rows belong to a process (lcore ids are per process) but live in
 * shared memory, listed in the process's record (fastmem_proc.c): readers
 * in every process add up their counters, and the caches of a process
 * that died go back to the bins. A process keeps its rows for its
 * lifetime, so a thread's pointers never dangle across
 * rte_fastmem_deinit()/init(); a dead process's rows are freed by whoever
 * finds it dead. Threads without an lcore id use the shared path:
 * straight to the bin, under its lock.
 *
 * Debug and ASan builds never publish a row to the fast path: every call
 * then comes here through the checking slow path.
 */

#include <string.h>

#include <eal_export.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_lcore_var.h>
#include <rte_malloc.h>

#include "fastmem_backing.h"
#include "fastmem_bin.h"
#include "fastmem_cache.h"
#include "fastmem_debug.h"
#include "fastmem_heap.h"
#include "fastmem_proc.h"
#include "fastmem_pvt.h"
#include "fastmem_state.h"

/*
 * A field of a thread's cache (struct __rte_fastmem_cache), whole: the
 * owner's inline functions access it plainly (rte_fastmem_core.h), the
 * slow path and statistics readers through these.
 */
#define FASTMEM_CACHE_LOAD(field) \
	rte_atomic_load_explicit((const typeof(field) __rte_atomic *)&(field), \
		rte_memory_order_acquire)
#define FASTMEM_CACHE_STORE(field, value) \
	rte_atomic_store_explicit((typeof(field) __rte_atomic *)&(field), (value), \
		rte_memory_order_release)

/* Misses and failures per (lcore, class), counted on slow paths only. */
struct fastmem_miss {
	RTE_ATOMIC(uint64_t) alloc_miss;
	RTE_ATOMIC(uint64_t) miss_bytes; /* bytes the missing allocations asked for */
	RTE_ATOMIC(uint64_t) free_miss;
	RTE_ATOMIC(uint64_t) nomem;
};

/* What the slow path keeps of each cache of a row. */
struct fastmem_cache_side {
	uint32_t last_miss; /* the row's clock at the cache's last miss */
	uint16_t objs_size; /* entries of the cache's objs array */
};

/*
 * A thread's row: a cache per (node, class) for the state's nodes, then
 * the sentinel (fastmem_no_cache()), then what the slow path keeps of
 * each cache (sides()).
 */
struct fastmem_lcore {
	struct fastmem_miss miss[FASTMEM_NUM_CLASSES];
	uint64_t nodes_setup;               /* bit per node whose caches are set up */
	RTE_ATOMIC(uint64_t) nodes_counted; /* bit per node whose caches have counts */
	/* Byte budget of each node's caches; any thread sets it, the owner applies it. */
	RTE_ATOMIC(uint64_t) budget;
	uint64_t cap_bytes[FASTMEM_MAX_NODES]; /* sum of capacity x class size, per node */
	/* Per node, at least the capacity x class size of each cache (exact after a scan). */
	uint64_t most_bytes[FASTMEM_MAX_NODES];
	uint32_t misses;                    /* the row's cache misses, a clock for idleness */
	uint32_t idle_scan[FASTMEM_MAX_NODES]; /* misses at each node's last scan for idle caches */
	int home;                           /* node of the fast-path alloc row */
	uint32_t home_gen;                  /* fastmem_node_order_generation() of home */
	uint32_t no_cache;                  /* index of the sentinel: caches before it */
	struct __rte_fastmem_cache caches[];
};

static struct fastmem_cache_side *
sides(struct fastmem_lcore *lc)
{
	return (struct fastmem_cache_side *)&lc->caches[lc->no_cache + 1];
}

/* Budget of the lcores no budget was set for. */
static RTE_ATOMIC(uint64_t) default_budget = FASTMEM_CACHE_BUDGET_DEFAULT;

/* What this process keeps of each lcore id. */
struct lcore_slot {
	RTE_ATOMIC(struct fastmem_lcore *) row; /* set up by the thread's first slow path */
	/* A budget set for the lcore, kept while its row is not set up yet. */
	RTE_ATOMIC(uint64_t) budget;
	RTE_ATOMIC(bool) budget_set;
};

static RTE_LCORE_VAR_HANDLE(struct lcore_slot, lcore_slots);
RTE_LCORE_VAR_INIT(lcore_slots);

static struct lcore_slot *
slot_of(unsigned int lcore_id)
{
	return RTE_LCORE_VAR_LCORE(lcore_id, lcore_slots);
}

/* The row of an lcore id, or NULL. */
static struct fastmem_lcore *
row_of(unsigned int lcore_id)
{
	return rte_atomic_load_explicit(&slot_of(lcore_id)->row, rte_memory_order_acquire);
}

/* The calling thread's row if it has one (never set up here), else NULL. */
static struct fastmem_lcore *
own_row(void)
{
	unsigned int lcore_id = rte_lcore_id();

	return lcore_id < RTE_MAX_LCORE ? row_of(lcore_id) : NULL;
}

/* Capacity a cache starts with: 4 KiB of objects, at least one. */
#define CACHE_START_BYTES (4u << 10)

/*
 * An allocation miss grows a cache only if other caches missed on at most
 * this many objects since (the row's clock, see cache_grow()).
 */
#define CACHE_HOT_MISSES 4u

/* A cache is idle when the lcore's other caches missed on that many objects since it last did. */
#define CACHE_IDLE_MISSES 1024u

/*
 * Misses between two scans of a node's caches for idle ones: a cache is
 * found idle within CACHE_IDLE_MISSES plus this many misses, and a row
 * whose budget is taken does not scan all classes at every miss.
 */
#define CACHE_IDLE_SCAN_MISSES (CACHE_IDLE_MISSES / 16)

/* The row of threads without one: every index a state may use, its caches all sentinels. */
#define IDLE_NO_CACHE (FASTMEM_MAX_NODES * FASTMEM_NUM_CLASSES)
static struct __rte_fastmem_cache idle_row[IDLE_NO_CACHE + 1];

RTE_EXPORT_EXPERIMENTAL_SYMBOL(per_lcore__fastmem_thread, 26.11)
RTE_DEFINE_PER_LCORE(struct __rte_fastmem_thread, _fastmem_thread) __rte_fastmem_tls = {
	.caches = idle_row,
	.home = idle_row,
	.no_cache = IDLE_NO_CACHE,
};

/* The shared path counts under the bin lock: every shared call is a miss. */
static void
shared_count_alloc(struct fastmem_bin *b, unsigned int n, size_t size)
{
	rte_spinlock_lock(&b->lock);
	fastmem_count(&b->shared.n_alloc, n);
	fastmem_count(&b->shared.alloc_miss, n);
	fastmem_count(&b->shared.miss_bytes, (uint64_t)n * size);
	rte_spinlock_unlock(&b->lock);
}

/* @p n allocations of @p size bytes missed the calling thread's cache of class @p cls. */
static void
count_alloc_miss(struct fastmem_lcore *lc, unsigned int cls, unsigned int n, size_t size)
{
	fastmem_count(&lc->miss[cls].alloc_miss, n);
	fastmem_count(&lc->miss[cls].miss_bytes, (uint64_t)n * size);
}

/* @p n objects were freed past the calling thread's cache @p idx, to its bin. */
static void
count_free_past(struct fastmem_lcore *lc, uint32_t idx, unsigned int n)
{
	struct __rte_fastmem_cache *c = &lc->caches[idx];

	fastmem_count(&lc->miss[fastmem_idx_class(idx)].free_miss, n);
	__rte_fastmem_count(&c->n_free, n);
	__rte_fastmem_count(&c->n_filled, -(uint64_t)n);
}

/* @p n allocations of @p size bytes took objects past the calling thread's cache @p idx. */
static void
count_alloc_past(struct fastmem_lcore *lc, uint32_t idx, unsigned int n, size_t size)
{
	count_alloc_miss(lc, fastmem_idx_class(idx), n, size);
	__rte_fastmem_count(&lc->caches[idx].n_filled, n);
}

/*
 * Give the objects of cache @p c above its first @p keep to bin @p b:
 * out of the cache first, so that a process dying here loses them, never
 * gives them twice.
 */
static void
cache_give_above(struct fastmem_state *st, struct __rte_fastmem_cache *c, struct fastmem_bin *b,
		uint32_t keep)
{
	uint32_t len = c->len;

	if (len <= keep)
		return;
	c->len = keep;
	__rte_fastmem_count(&c->n_filled, -(uint64_t)(len - keep));
	fastmem_bin_give(st, b, &c->objs[keep], len - keep);
}

/*
 * Allocations through a cache: every object the slow path put in and the
 * frees put in, less what is still there. Read while the owner moves
 * objects, it may be off by those in flight; exact when the owner is not
 * in a call.
 */
static uint64_t
cache_allocs(const struct __rte_fastmem_cache *c)
{
	uint32_t len = FASTMEM_CACHE_LOAD(c->len);

	return FASTMEM_CACHE_LOAD(c->n_free) + FASTMEM_CACHE_LOAD(c->n_filled) - len;
}


/* Send the calling thread's fast path to the idle row: every call to the slow path. */
static void
thread_idle(void)
{
	RTE_PER_LCORE(_fastmem_thread).caches = idle_row;
	RTE_PER_LCORE(_fastmem_thread).home = idle_row;
	RTE_PER_LCORE(_fastmem_thread).no_cache = IDLE_NO_CACHE;
}

/* The budget set for an lcore, or the default. */
static uint64_t
budget_setting(unsigned int lcore_id)
{
	const struct lcore_slot *slot = slot_of(lcore_id);

	if (rte_atomic_load_explicit(&slot->budget_set, rte_memory_order_acquire))
		return rte_atomic_load_explicit(&slot->budget, rte_memory_order_relaxed);
	return rte_atomic_load_explicit(&default_budget, rte_memory_order_relaxed);
}

/* The row of lcore @p lcore_id, made at its first call (on the calling thread's node). */
static struct fastmem_lcore *
lcore_row_new(struct fastmem_state *st, unsigned int lcore_id)
{
	struct fastmem_lcore *lc;
	uint32_t no_cache = fastmem_no_cache(st);
	unsigned int socket = rte_socket_id();

	lc = fastmem_heap_alloc("fastmem_lcore", sizeof(*lc) +
		(no_cache + 1) * sizeof(lc->caches[0]) +
		no_cache * sizeof(struct fastmem_cache_side), true,
		socket < RTE_MAX_NUMA_NODES ? (int)socket : SOCKET_ID_ANY);
	if (lc == NULL)
		return NULL;
	lc->no_cache = no_cache;
	lc->home = -1;
	/* Set before readers can find the row, read again after (below). */
	lc->budget = budget_setting(lcore_id);
	fastmem_proc_set_row(st, lcore_id, lc);
	rte_atomic_store_explicit(&slot_of(lcore_id)->row, lc, rte_memory_order_release);
	/* Against a budget set meanwhile, which looked for the row: one sees the other. */
	rte_atomic_thread_fence(rte_memory_order_seq_cst);
	rte_atomic_store_explicit(&lc->budget, budget_setting(lcore_id), rte_memory_order_relaxed);
	return lc;
}

static struct fastmem_lcore *
lcore_row(struct fastmem_state *st, unsigned int lcore_id)
{
	struct fastmem_lcore *lc = row_of(lcore_id);

	return likely(lc != NULL) ? lc : lcore_row_new(st, lcore_id);
}

int
fastmem_thread_home(void)
{
	int node;

	return fastmem_node_order(SOCKET_ID_ANY, &node, 1) == 1 ? node : -1;
}

/*
 * The calling thread's row, ready for use, or NULL for a thread without
 * an lcore id (or without memory for its row): those take the shared path.
 */
static struct fastmem_lcore *
thread_row(struct fastmem_state *st)
{
	unsigned int lcore_id = rte_lcore_id();
	struct fastmem_lcore *lc;

	if (lcore_id >= RTE_MAX_LCORE)
		return NULL;
	lc = lcore_row(st, lcore_id);
	if (lc == NULL)
		return NULL;
	/*
	 * A row outlives states, but every state of a process has the same
	 * nodes: EAL's memseg lists and the kernel's possible nodes, both
	 * fixed for the process's life (fastmem_backing_init()).
	 */
	RTE_ASSERT(lc->no_cache == fastmem_no_cache(st));
	if (lc->home < 0 || lc->home_gen != fastmem_node_order_generation()) {
		lc->home_gen = fastmem_node_order_generation();
		lc->home = fastmem_thread_home();
	}
	/* No home, or one the row has no caches for (forced, and the machine lacks it). */
	if (lc->home < 0 || (uint32_t)lc->home >= st->row_nodes)
		return NULL;
	if (!FASTMEM_CHECKED) {
		RTE_PER_LCORE(_fastmem_thread).caches = lc->caches;
		RTE_PER_LCORE(_fastmem_thread).home = &lc->caches[fastmem_cache_idx(lc->home, 0)];
		RTE_PER_LCORE(_fastmem_thread).no_cache = lc->no_cache;
	}
	return lc;
}

/*
 * Set up a row's caches of one node. Capacities stay 0 until a class
 * misses, and a cache gets an object array as large as its capacity when
 * that grows: only classes in use take memory.
 */
static void
row_node_setup(struct fastmem_lcore *lc, int node)
{
	unsigned int cls;

	for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
		struct __rte_fastmem_cache *c = &lc->caches[fastmem_cache_idx(node, cls)];

		c->objs = NULL;
		c->len = 0;
	}
	lc->cap_bytes[node] = 0;
	lc->nodes_setup |= UINT64_C(1) << node;
	/* Statistics readers add up the counters of the nodes set here. */
	rte_atomic_store_explicit(&lc->nodes_counted, lc->nodes_counted | UINT64_C(1) << node,
		rte_memory_order_release);
}

static bool
row_node_ready(const struct fastmem_lcore *lc, int node)
{
	return (lc->nodes_setup & UINT64_C(1) << node) != 0;
}

static struct __rte_fastmem_cache *
row_cache(struct fastmem_lcore *lc, int node, unsigned int cls)
{
	if (!row_node_ready(lc, node))
		row_node_setup(lc, node);
	return &lc->caches[fastmem_cache_idx(node, cls)];
}

/*
 * Give cache @p idx of the calling thread's row an object array for
 * @p cap objects (up to the class's largest cache), moving its objects;
 * false without memory for it. Capacities double, so an array rounded
 * up to a power of 2 would only hold unused entries.
 */
static bool
cache_array_fit(struct fastmem_lcore *lc, uint32_t idx, uint32_t cap)
{
	struct __rte_fastmem_cache *c = &lc->caches[idx];
	void **objs;

	if (cap <= sides(lc)[idx].objs_size)
		return true;
	/* Shared memory: another process gives back what a dead one's caches held. */
	objs = fastmem_heap_alloc("fastmem_cache", sizeof(void *) * cap, false, lc->home);
	if (objs == NULL)
		return false;
	if (c->len > 0)
		memcpy(objs, c->objs, sizeof(void *) * c->len);
	fastmem_heap_free(c->objs);
	c->objs = objs;
	sides(lc)[idx].objs_size = (uint16_t)cap;
	return true;
}

/* Free the object array of cache @p idx, empty and of capacity 0. */
static void
cache_array_free(struct fastmem_lcore *lc, uint32_t idx)
{
	fastmem_heap_free(lc->caches[idx].objs);
	lc->caches[idx].objs = NULL;
	sides(lc)[idx].objs_size = 0;
}

/* Bytes of budget a cache's capacity takes. */
static uint64_t
cache_cap_bytes(const struct fastmem_lcore *lc, int node, unsigned int cls)
{
	return (uint64_t)lc->caches[fastmem_cache_idx(node, cls)].cap *
		__rte_fastmem_class_size(cls);
}

/* Bytes of a node's budget no cache of the row takes. */
static uint64_t
budget_left(const struct fastmem_lcore *lc, int node)
{
	uint64_t budget = rte_atomic_load_explicit(&lc->budget, rte_memory_order_relaxed);

	return budget > lc->cap_bytes[node] ? budget - lc->cap_bytes[node] : 0;
}

/*
 * Set the capacity of a cache of the calling thread, giving back the
 * objects above it. Only the owner thread changes capacities: the inline
 * functions read them without a lock.
 */
static void
cache_set_cap(struct fastmem_state *st, struct fastmem_lcore *lc, int node, unsigned int cls,
		uint32_t cap)
{
	uint32_t idx = fastmem_cache_idx(node, cls);
	struct __rte_fastmem_cache *c = &lc->caches[idx];
	uint64_t size = __rte_fastmem_class_size(cls);

	if (!cache_array_fit(lc, idx, cap))
		return;
	cache_give_above(st, c, &st->nodes[node].bins[cls], cap);
	lc->cap_bytes[node] = lc->cap_bytes[node] - c->cap * size + cap * size;
	lc->most_bytes[node] = RTE_MAX(lc->most_bytes[node], cap * size);
	FASTMEM_CACHE_STORE(c->cap, cap);
	/* An idle class gives its array back too. */
	if (cap == 0)
		cache_array_free(lc, idx);
}

/*
 * Free @p need bytes of a node's budget for class @p keep_cls (or bring a
 * row back within a budget lowered since: @p keep_cls past the classes).
 * Idle classes (no miss in the lcore's last CACHE_IDLE_MISSES) give all
 * their capacity back; then the class with the most capacity is halved,
 * as long as it has more than @p keep_cls would after growing: capacity
 * moves from the classes with more than their share to those that miss,
 * and classes at equal shares do not take from each other. Returns the
 * bytes of budget left.
 */
static uint64_t
budget_make_room(struct fastmem_state *st, struct fastmem_lcore *lc, int node,
		unsigned int keep_cls, uint64_t need)
{
	uint64_t budget = rte_atomic_load_explicit(&lc->budget, rte_memory_order_relaxed);
	uint64_t mine = 0, most, bytes;
	unsigned int cls, victim;
	uint32_t idx;

	if (keep_cls < FASTMEM_NUM_CLASSES)
		mine = cache_cap_bytes(lc, node, keep_cls);
	/* Nothing to take: a class allocated alone misses at every refill, at its cap. */
	if (lc->cap_bytes[node] == mine)
		return budget_left(lc, node);
	/* First the classes that did not miss for a while: they give all back. */
	if (lc->cap_bytes[node] + need > budget &&
			lc->misses - lc->idle_scan[node] >= CACHE_IDLE_SCAN_MISSES) {
		lc->idle_scan[node] = lc->misses;
		for (cls = 0; cls < FASTMEM_NUM_CLASSES &&
				lc->cap_bytes[node] + need > budget; cls++) {
			idx = fastmem_cache_idx(node, cls);
			if (cls != keep_cls && lc->caches[idx].cap > 0 &&
					lc->misses - sides(lc)[idx].last_miss > CACHE_IDLE_MISSES)
				cache_set_cap(st, lc, node, cls, 0);
		}
	}
	/* No scan while the bound says no class has more than keep_cls would. */
	while (lc->cap_bytes[node] + need > budget && lc->most_bytes[node] > mine + need) {
		most = 0;
		victim = FASTMEM_NUM_CLASSES;
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
			bytes = cache_cap_bytes(lc, node, cls);
			if (cls != keep_cls && bytes > most) {
				most = bytes;
				victim = cls;
			}
		}
		lc->most_bytes[node] = RTE_MAX(most, mine);
		if (victim == FASTMEM_NUM_CLASSES || most <= mine + need)
			break;
		cache_set_cap(st, lc, node, victim,
			lc->caches[fastmem_cache_idx(node, victim)].cap / 2);
	}
	return budget_left(lc, node);
}

/*
 * Capacity a cache gets at its class's first miss: CACHE_START_BYTES of
 * objects, at least one. A refill fills three quarters of the capacity,
 * and every page it takes objects from stays in use: a class used once
 * must not pull megabytes of pages into a cache. Classes that keep
 * missing double their capacity at each miss.
 */
static uint32_t
cache_start(uint64_t size)
{
	return (uint32_t)RTE_MAX((uint64_t)CACHE_START_BYTES / size, (uint64_t)1);
}

/*
 * A cache missed (@p alloc: it was empty) on a call for @p objs objects,
 * needing a capacity of @p need objects: double its capacity (start it at
 * CACHE_START_BYTES of objects), at least to @p need, within its array and
 * the node's budget, taking budget from other classes.
 *
 * The row's clock of misses advances by @p objs: a bulk call of n objects
 * that misses moves it as n single calls would, so that a class recycled
 * in bursts larger than its cache (its budget held by classes that stopped
 * missing) finds them idle as soon. Counted per call, 128 objects of 4 KiB
 * allocated and freed in bulks after batches of 2048 objects of five sizes
 * (scenarios 2 to 4) went past the cache of 44 objects for 344 rounds.
 *
 * An empty cache whose lcore's other caches missed on more than
 * CACHE_HOT_MISSES objects since its own last miss keeps its capacity: its
 * class is one of many allocated in turn (a mix of sizes), and a larger
 * cache would only hold more objects pulled from pages. A class the lcore
 * streams (a pipeline's producer) misses with few others in between, and a
 * full cache (frees coming back in bursts) grows either way; one that
 * missed with no other class missing since grows sixteenfold. Each growth
 * reallocates the cache's array on EAL's heap, 0.3-1.2 K cycles: ten
 * doublings from one 4 KiB object to the budget's 384 were the ten
 * slowest allocations of scenario 9, and so its p99.9. After a trim, its
 * 4 KiB objects' cache now grows from 1 to 16, 256 and the budget's 384
 * objects (fourfold: 4, 16, 64, 256 and 384).
 */
static void
cache_grow(struct fastmem_state *st, struct fastmem_lcore *lc, int node, unsigned int cls,
		unsigned int need, unsigned int objs, bool alloc)
{
	uint32_t idx = fastmem_cache_idx(node, cls);
	struct __rte_fastmem_cache *c = &lc->caches[idx];
	uint64_t size = __rte_fastmem_class_size(cls), room;
	uint32_t cap = c->cap, want, others = lc->misses - sides(lc)[idx].last_miss;

	lc->misses += objs;
	sides(lc)[idx].last_miss = lc->misses;

	/* Back within a budget lowered since: every class, this one too, may shrink. */
	if (lc->cap_bytes[node] > rte_atomic_load_explicit(&lc->budget, rte_memory_order_relaxed)) {
		budget_make_room(st, lc, node, FASTMEM_NUM_CLASSES, 0);
		cap = c->cap;
	}
	if (alloc && cap != 0 && need <= cap && others > CACHE_HOT_MISSES)
		return;
	want = cap == 0 ? cache_start(size) : (others == 0 ? 16 : 2) * cap;
	want = RTE_MIN(RTE_MAX(want, need), fastmem_cache_capacity(cls));
	room = budget_make_room(st, lc, node, cls, want > cap ? (want - cap) * size : 0);
	want = (uint32_t)RTE_MIN((uint64_t)want, cap + room / size);
	if (want <= cap)
		return;
	/*
	 * A class the lcore streams grows again soon: its array for the most
	 * the budget lets it hold, at once, so that those growths reallocate
	 * nothing (two of the three reallocations were among the eight
	 * slowest allocations of scenario 9 at 4 KiB, at 2.5 to 4 K cycles).
	 * On failure the array fits the capacity, as for other classes.
	 */
	if (others == 0 && cap != 0)
		cache_array_fit(lc, idx, (uint32_t)RTE_MIN((uint64_t)fastmem_cache_capacity(cls),
			rte_atomic_load_explicit(&lc->budget, rte_memory_order_relaxed) / size));
	cache_set_cap(st, lc, node, cls, want);
}

/*
 * Refill a cache so that it holds at least n objects; false if it can't.
 * It fills up to three quarters (few refills, and room for frees after
 * them), taking at most one new page beyond the n.
 */
static bool
cache_refill(struct fastmem_state *st, struct __rte_fastmem_cache *c, struct fastmem_bin *b,
		unsigned int n)
{
	unsigned int want = RTE_MIN(c->cap, n + c->cap * 3 / 4) - c->len;
	unsigned int got = fastmem_bin_take(st, b, &c->objs[c->len], n - c->len, want);

	__rte_fastmem_count(&c->n_filled, got);
	c->len += got;
	return c->len >= n;
}

/* Make room for n objects by flushing the newest ones above the low mark. */
static void
cache_make_room(struct fastmem_state *st, struct __rte_fastmem_cache *c, struct fastmem_bin *b,
		unsigned int n)
{
	cache_give_above(st, c, b, RTE_MIN(c->cap / 2, c->cap - n));
}

void *
fastmem_cache_alloc(struct fastmem_state *st, int node, unsigned int cls, size_t size)
{
	struct fastmem_bin *b = &st->nodes[node].bins[cls];
	struct fastmem_lcore *lc = thread_row(st);
	struct __rte_fastmem_cache *c;
	void *obj;

	if (lc == NULL) {
		if (fastmem_bin_take(st, b, &obj, 1, 1) == 1) {
			shared_count_alloc(b, 1, size);
			return obj;
		}
		return NULL;
	}
	c = row_cache(lc, node, cls);
	if (c->len == 0) {
		cache_grow(st, lc, node, cls, 1, 1, true);
		/* No budget left for this class: straight from the bin. */
		if (c->cap == 0) {
			if (fastmem_bin_take(st, b, &obj, 1, 1) != 1)
				return NULL;
			count_alloc_past(lc, fastmem_cache_idx(node, cls), 1, size);
			return obj;
		}
		if (!cache_refill(st, c, b, 1))
			return NULL;
		count_alloc_miss(lc, cls, 1, size);
	}
	return __rte_fastmem_cache_pop(c);
}

/* Objects a bin hands over per call while bin_take_all() gathers them. */
#define TAKE_BATCH 64u

/*
 * Take @p n objects from bin @p b into @p objs, all or nothing: on failure
 * they go back and @p objs is as it was. They are chained through their
 * own (free) memory until all are there, so that nothing is allocated
 * for them on the way.
 */
static int
bin_take_all(struct fastmem_state *st, struct fastmem_bin *b, void **objs, unsigned int n)
{
	void *batch[TAKE_BATCH], *chain = NULL;
	unsigned int got = 0, want, k, i;

	while (got < n) {
		want = RTE_MIN(n - got, TAKE_BATCH);
		k = fastmem_bin_take(st, b, batch, want, want);
		for (i = 0; i < k; i++) {
			fastmem_dbg_link_set(batch[i], b->cls, chain);
			chain = batch[i];
		}
		got += k;
		if (k < want)
			break;
	}
	if (got < n) {
		while (chain != NULL) {
			for (k = 0; k < TAKE_BATCH && chain != NULL; k++) {
				batch[k] = chain;
				chain = fastmem_dbg_link_get(chain, b->cls);
			}
			fastmem_bin_give(st, b, batch, k);
		}
		return -ENOMEM;
	}
	for (i = n; i-- > 0; ) {
		objs[i] = chain;
		chain = fastmem_dbg_link_get(chain, b->cls);
	}
	return 0;
}

int
fastmem_cache_alloc_bulk(struct fastmem_state *st, int node, unsigned int cls, void **objs,
		unsigned int n, size_t size)
{
	struct fastmem_bin *b = &st->nodes[node].bins[cls];
	struct fastmem_lcore *lc = thread_row(st);
	struct __rte_fastmem_cache *c = NULL;

	if (lc != NULL) {
		c = row_cache(lc, node, cls);
		if (c->len < n)
			cache_grow(st, lc, node, cls, n, n, true);
	}
	if (c == NULL || n > c->cap) {
		/* Too many for the cache, or no cache: straight from the bin. */
		if (bin_take_all(st, b, objs, n) != 0)
			return -ENOMEM;
		if (lc != NULL)
			count_alloc_past(lc, fastmem_cache_idx(node, cls), n, size);
		else
			shared_count_alloc(b, n, size);
		return 0;
	}
	if (c->len < n) {
		if (!cache_refill(st, c, b, n))
			return -ENOMEM;
		count_alloc_miss(lc, cls, n, size);
	}
	__rte_fastmem_cache_pop_bulk(c, objs, n);
	return 0;
}

void
fastmem_cache_note_nomem(struct fastmem_state *st, unsigned int cls)
{
	struct fastmem_lcore *lc = own_row();

	/* An lcore whose row could not be set up failed on the shared path. */
	if (lc != NULL)
		fastmem_count(&lc->miss[cls].nomem, 1);
	else
		fastmem_count_shared(&st->shared_nomem[cls], 1);
}

void
fastmem_cache_free_bulk(struct fastmem_state *st, uint32_t cache_idx, void * const *objs,
		unsigned int n)
{
	unsigned int cls = fastmem_idx_class(cache_idx);
	int node = fastmem_idx_node(cache_idx);
	struct fastmem_bin *b = &st->nodes[node].bins[cls];
	struct fastmem_lcore *lc = thread_row(st);
	struct __rte_fastmem_cache *c = NULL;

	if (lc != NULL) {
		c = row_cache(lc, node, cls);
		if (c->len + n > c->cap)
			cache_grow(st, lc, node, cls, c->len + n, n, false);
	}
	if (c == NULL || n > c->cap) {
		fastmem_bin_give(st, b, objs, n);
		if (lc != NULL) {
			count_free_past(lc, cache_idx, n);
		} else {
			rte_spinlock_lock(&b->lock);
			fastmem_count(&b->shared.n_free, n);
			fastmem_count(&b->shared.free_miss, n);
			rte_spinlock_unlock(&b->lock);
		}
		return;
	}
	if (c->len + n > c->cap) {
		cache_make_room(st, c, b, n);
		fastmem_count(&lc->miss[cls].free_miss, n);
	}
	__rte_fastmem_cache_push_bulk(c, objs, n);
}

void
fastmem_cache_free_unsorted(struct fastmem_state *st, uint32_t cache_idx, void * const *objs,
		unsigned int n)
{
	unsigned int cls = fastmem_idx_class(cache_idx);
	int node = fastmem_idx_node(cache_idx);
	struct fastmem_lcore *lc = thread_row(st);

	if (lc == NULL) {
		fastmem_cache_free_bulk(st, cache_idx, objs, n);
		return;
	}
	/* They lie above the cache's top: to the bin before its array may move. */
	fastmem_bin_give(st, &st->nodes[node].bins[cls], objs, n);
	/* Room for four bursts below the next one, as far as the budget allows. */
	cache_grow(st, lc, node, cls, 5 * n, n, false);
	count_free_past(lc, cache_idx, n);
}

void
fastmem_cache_free(struct fastmem_state *st, uint32_t cache_idx, void *obj)
{
	fastmem_cache_free_bulk(st, cache_idx, &obj, 1);
}

/* Give a row's cached objects back to their bins. */
static void
row_flush(struct fastmem_state *st, struct fastmem_lcore *lc)
{
	unsigned int idx;

	/* Only caches that hold objects: the bins of a node never used are not there. */
	for (idx = 0; idx < lc->no_cache; idx++)
		if (lc->caches[idx].len > 0)
			cache_give_above(st, &lc->caches[idx],
				&st->nodes[fastmem_idx_node(idx)].bins[fastmem_idx_class(idx)], 0);
}

/*
 * Free a row's object arrays, its caches empty: capacity 0 sends every
 * call to the slow path, which sets them up again. Counters are kept.
 */
static void
row_drop_storage(struct fastmem_lcore *lc)
{
	unsigned int idx;
	int node;

	for (idx = 0; idx < lc->no_cache; idx++) {
		FASTMEM_CACHE_STORE(lc->caches[idx].cap, 0);
		lc->caches[idx].len = 0;
		cache_array_free(lc, idx);
	}
	for (node = 0; node < FASTMEM_MAX_NODES; node++)
		lc->cap_bytes[node] = 0;
	lc->nodes_setup = 0;
}

/* Zero a row's counters: what its caches hold counts as neither allocated nor freed. */
static void
row_zero_counts(struct fastmem_lcore *lc)
{
	unsigned int idx;

	for (idx = 0; idx < lc->no_cache; idx++) {
		FASTMEM_CACHE_STORE(lc->caches[idx].n_free, 0);
		FASTMEM_CACHE_STORE(lc->caches[idx].n_filled, lc->caches[idx].len);
	}
	memset(lc->miss, 0, sizeof(lc->miss));
	rte_atomic_store_explicit(&lc->nodes_counted, 0, rte_memory_order_release);
}

/* Add one row's counts of a class (one half, see fastmem_cache_counts()) to *cnt. */
static void
row_counts(const struct fastmem_lcore *lc, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *cnt)
{
	uint64_t counted = rte_atomic_load_explicit(&lc->nodes_counted, rte_memory_order_acquire);
	int n;

	for (n = 0; n < FASTMEM_MAX_NODES; n++) {
		const struct __rte_fastmem_cache *c = &lc->caches[fastmem_cache_idx(n, cls)];

		if ((node >= 0 && n != node) || (counted & UINT64_C(1) << n) == 0)
			continue;
		if (frees)
			cnt->n_free += FASTMEM_CACHE_LOAD(c->n_free);
		else
			cnt->n_alloc += cache_allocs(c);
	}
	/* Misses are per class: only the all-nodes view has them. */
	if (node >= 0)
		return;
	if (frees) {
		cnt->free_miss += fastmem_read(&lc->miss[cls].free_miss);
	} else {
		cnt->alloc_miss += fastmem_read(&lc->miss[cls].alloc_miss);
		cnt->miss_bytes += fastmem_read(&lc->miss[cls].miss_bytes);
		cnt->nomem += fastmem_read(&lc->miss[cls].nomem);
	}
}

/*
 * Move a row's counters to the counts of rows that are gone (the bins of
 * the nodes it counted, the state's for misses), in one step for readers
 * (under proc_lock), and zero them.
 */
static void
row_retire_locked(struct fastmem_state *st, struct fastmem_lcore *lc)
{
	struct fastmem_lcore_counts *r;
	unsigned int cls;
	int node;

	for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++) {
		for (node = 0; node < FASTMEM_MAX_NODES; node++) {
			/* A row counts a node once it used it: its bins are set up. */
			if ((lc->nodes_counted & UINT64_C(1) << node) == 0)
				continue;
			r = &st->nodes[node].bins[cls].retired;
			row_counts(lc, cls, node, true, r);
			row_counts(lc, cls, node, false, r);
		}
		r = &st->retired_miss[cls];
		fastmem_count(&r->alloc_miss, lc->miss[cls].alloc_miss);
		fastmem_count(&r->miss_bytes, lc->miss[cls].miss_bytes);
		fastmem_count(&r->free_miss, lc->miss[cls].free_miss);
		fastmem_count(&r->nomem, lc->miss[cls].nomem);
	}
	row_zero_counts(lc);
}

void
fastmem_cache_flush_thread(struct fastmem_state *st)
{
	struct fastmem_lcore *lc = own_row();

	if (lc != NULL) {
		row_flush(st, lc);
		row_drop_storage(lc);
	}
}

void
fastmem_cache_reclaim_dead(struct fastmem_state *st)
{
	struct fastmem_proc *p;
	unsigned int lcore_id;
	int slot = 0;
	uint64_t id;
	bool taken;

	while ((p = fastmem_proc_find_dead(st, &slot, &id)) != NULL) {
		/* Off the table and its counts to the state's in one step for readers. */
		rte_spinlock_lock(&st->proc_lock);
		taken = fastmem_proc_remove_locked(st, slot, p, id);
		for (lcore_id = 0; taken && lcore_id < RTE_MAX_LCORE; lcore_id++)
			if (p->rows[lcore_id] != NULL)
				row_retire_locked(st, p->rows[lcore_id]);
		rte_spinlock_unlock(&st->proc_lock);
		slot++;
		if (!taken)
			continue;
		fastmem_proc_forget(id);
		for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++) {
			struct fastmem_lcore *lc = p->rows[lcore_id];

			if (lc == NULL)
				continue;
			row_flush(st, lc);
			row_drop_storage(lc);
			fastmem_heap_free(lc);
		}
		FASTMEM_LOG(INFO, "process %d is gone: its caches are back", p->pid);
		fastmem_proc_free(p);
	}
}

/* An lcore id is released (rte_thread_unregister()): its thread gives its objects back. */
static void
lcore_uninit(unsigned int lcore_id, void *arg __rte_unused)
{
	struct fastmem_state *st = fastmem_st;
	struct fastmem_lcore *lc;

	/* Only in the lcore's own thread: anyone else would race with it. */
	if (lcore_id != rte_lcore_id())
		return;
	lc = row_of(lcore_id);
	if (lc == NULL)
		return;
	if (st != NULL)
		row_flush(st, lc);
	row_drop_storage(lc);
	thread_idle();
	lc->home = -1;
}

static int
lcore_init(unsigned int lcore_id __rte_unused, void *arg __rte_unused)
{
	return 0;
}

static void *lcore_cb;

int
fastmem_cache_init(void)
{
	lcore_cb = rte_lcore_callback_register("fastmem", lcore_init, lcore_uninit, NULL);
	return lcore_cb == NULL ? -ENOMEM : 0;
}

/* The primary's deinit: live secondaries' caches die with the state, they attach again. */
static void
revoke_secondaries(struct fastmem_state *st)
{
	struct fastmem_proc *p;
	unsigned int lcore_id;
	int i;

	fastmem_cache_reclaim_dead(st);
	for (i = 0; i < FASTMEM_MAX_PROCS; i++) {
		p = st->procs[i];
		if (p == NULL || p == fastmem_self)
			continue;
		for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++) {
			if (p->rows[lcore_id] != NULL) {
				row_drop_storage(p->rows[lcore_id]);
				row_zero_counts(p->rows[lcore_id]);
			}
		}
		fastmem_proc_revoke(p);
	}
}

void
fastmem_cache_fini(struct fastmem_state *st)
{
	bool primary = rte_eal_process_type() == RTE_PROC_PRIMARY;
	struct lcore_slot *slot;
	unsigned int lcore_id;

	if (primary)
		revoke_secondaries(st);
	/* Budgets are settings of an initialized fastmem: the next init has the default. */
	rte_atomic_store_explicit(&default_budget, FASTMEM_CACHE_BUDGET_DEFAULT,
			rte_memory_order_relaxed);
	RTE_LCORE_VAR_FOREACH(lcore_id, slot, lcore_slots) {
		struct fastmem_lcore *lc = rte_atomic_load_explicit(&slot->row,
				rte_memory_order_acquire);

		rte_atomic_store_explicit(&slot->budget_set, false, rte_memory_order_relaxed);
		if (lc == NULL)
			continue;
		lc->budget = FASTMEM_CACHE_BUDGET_DEFAULT;
		/*
		 * A secondary's objects stay in the state: back to the bins, and
		 * the counts to the state's. The primary's die with the state;
		 * its counters restart with the next init.
		 */
		if (!primary && !fastmem_proc_revoked()) {
			row_flush(st, lc);
			rte_spinlock_lock(&st->proc_lock);
			row_retire_locked(st, lc);
			rte_spinlock_unlock(&st->proc_lock);
		}
		row_drop_storage(lc);
		row_zero_counts(lc);
		lc->home = -1;
	}
	/*
	 * Last: unregistering runs lcore_uninit() for the calling thread,
	 * which, without a state, drops its caches without giving them back.
	 */
	if (lcore_cb != NULL) {
		rte_lcore_callback_unregister(lcore_cb);
		lcore_cb = NULL;
	}
}

void
fastmem_cache_counts(unsigned int lcore_id, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *cnt)
{
	const struct fastmem_lcore *lc = row_of(lcore_id);

	if (lc != NULL)
		row_counts(lc, cls, node, frees, cnt);
}

void
fastmem_cache_counts_all(struct fastmem_state *st, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *cnt)
{
	const struct fastmem_lcore_counts *r;
	unsigned int lcore_id;
	int i, n;

	rte_spinlock_lock(&st->proc_lock);
	for (i = 0; i < FASTMEM_MAX_PROCS; i++) {
		const struct fastmem_proc *p = st->procs[i];

		if (p == NULL)
			continue;
		for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++)
			if (p->rows[lcore_id] != NULL)
				row_counts(p->rows[lcore_id], cls, node, frees, cnt);
	}
	for (n = 0; n < FASTMEM_MAX_NODES; n++) {
		const struct fastmem_bin *b = fastmem_node_bin(st, n, cls);

		if ((node >= 0 && n != node) || b == NULL)
			continue;
		r = &b->retired;
		if (frees)
			cnt->n_free += fastmem_read(&r->n_free);
		else
			cnt->n_alloc += fastmem_read(&r->n_alloc);
	}
	/* Misses are per class: only the all-nodes view has them. */
	r = &st->retired_miss[cls];
	if (node < 0 && frees) {
		cnt->free_miss += fastmem_read(&r->free_miss);
	} else if (node < 0) {
		cnt->alloc_miss += fastmem_read(&r->alloc_miss);
		cnt->miss_bytes += fastmem_read(&r->miss_bytes);
		cnt->nomem += fastmem_read(&r->nomem);
	}
	rte_spinlock_unlock(&st->proc_lock);
}

int
fastmem_cache_set_budget(struct fastmem_state *st, unsigned int lcore_id, uint64_t bytes)
{
	unsigned int id, self = rte_lcore_id();
	struct fastmem_lcore *lc;
	int node;

	if (lcore_id > RTE_MAX_LCORE)
		return -EINVAL;
	if (lcore_id == RTE_MAX_LCORE)
		rte_atomic_store_explicit(&default_budget, bytes, rte_memory_order_relaxed);
	for (id = 0; id < RTE_MAX_LCORE; id++) {
		if (id != lcore_id && lcore_id != RTE_MAX_LCORE)
			continue;
		rte_atomic_store_explicit(&slot_of(id)->budget, bytes, rte_memory_order_relaxed);
		rte_atomic_store_explicit(&slot_of(id)->budget_set, lcore_id != RTE_MAX_LCORE,
			rte_memory_order_release);
		/* See lcore_row_new(): a row published meanwhile reads this setting. */
		rte_atomic_thread_fence(rte_memory_order_seq_cst);
		lc = row_of(id);
		if (lc == NULL)
			continue;
		rte_atomic_store_explicit(&lc->budget, bytes, rte_memory_order_relaxed);
		/* The calling thread's own caches follow now; others' at their next miss. */
		if (id != self)
			continue;
		for (node = 0; node < FASTMEM_MAX_NODES; node++)
			if (row_node_ready(lc, node))
				budget_make_room(st, lc, node, FASTMEM_NUM_CLASSES, 0);
	}
	return 0;
}

uint64_t
fastmem_cache_budget(unsigned int lcore_id)
{
	const struct fastmem_lcore *lc;

	if (lcore_id == RTE_MAX_LCORE)
		return rte_atomic_load_explicit(&default_budget, rte_memory_order_relaxed);
	lc = row_of(lcore_id);
	if (lc != NULL)
		return rte_atomic_load_explicit(&lc->budget, rte_memory_order_relaxed);
	return budget_setting(lcore_id);
}

uint64_t
fastmem_cache_bytes(unsigned int lcore_id)
{
	const struct fastmem_lcore *lc = row_of(lcore_id);
	uint64_t counted, bytes = 0;
	unsigned int cls;
	int node;

	if (lc == NULL)
		return 0;
	counted = rte_atomic_load_explicit(&lc->nodes_counted, rte_memory_order_acquire);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		if ((counted & UINT64_C(1) << node) == 0)
			continue;
		/* Read while the owner moves them: each length is read whole. */
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
			bytes += (uint64_t)FASTMEM_CACHE_LOAD(
				lc->caches[fastmem_cache_idx(node, cls)].len) *
				__rte_fastmem_class_size(cls);
	}
	return bytes;
}
