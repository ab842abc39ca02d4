/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_STATE_H
#define FASTMEM_STATE_H

/*
 * The state fastmem shares between processes, in the memzone
 * FASTMEM_STATE_MZ: per node, the locks and counters of each layer and
 * its bins; the memzone records, the ownership maps and the list of
 * processes.
 */

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_memzone.h>
#include <rte_spinlock.h>
#include <rte_stdatomic.h>

#include "fastmem_layout.h"
#include "fastmem_pvt.h"

struct fastmem_proc;

/* A backing memzone of segments. */
struct fastmem_mz {
	const struct rte_memzone *mz;
	int node;
	uint32_t n_segs;
	RTE_ATOMIC(uint32_t) n_free; /* slices in no page, under the node lock */
	int16_t run_prev;   /* record of the memzone a run may extend into, or -1 */
	int16_t run_next;
	RTE_ATOMIC(bool) used;
	uint64_t free_since; /* timer cycles when its slices were last all free */
};

/* A large object's header, at the 2 MiB-aligned start of its own memzone. */
struct fastmem_large {
	struct __rte_fastmem_segment_pub pub;
	const struct rte_memzone *mz;
	size_t size;        /* requested size */
	size_t offset;      /* object start, from the header */
	int node;
	uint32_t magic;
	TAILQ_ENTRY(fastmem_large) link;
};

#define FASTMEM_LARGE_MAGIC 0xfa57b16u

/*
 * Bytes of a memzone of @p n_segs segments: all of them but EAL's tail
 * (FASTMEM_MZ_TAIL). EAL puts a memzone's malloc header just before it:
 * in that tail when the next memzone follows, where a memzone of whole
 * segments would make EAL map a hugepage more for each (twice the pages
 * for memzones of one segment).
 */
static inline uint64_t
fastmem_segs_len(uint32_t n_segs)
{
	return (uint64_t)n_segs * FASTMEM_SEG_SIZE - FASTMEM_MZ_TAIL;
}

/* Backing memzone records; memzones are at least 2 MiB, EAL allows 2560 by default. */
#define FASTMEM_MAX_MZ 4096
/* Records come in chunks, allocated as growth needs them: an idle node holds none. */
#define FASTMEM_MZ_CHUNK 64
/* Words of a node's bitmap of memzone records with free slices. */
#define FASTMEM_MZ_WORDS (FASTMEM_MAX_MZ / 64)

TAILQ_HEAD(fastmem_large_head, fastmem_large);

/*
 * One (node, class) bin, under its lock: the depot of free objects
 * (fastmem_bin.c) in front of the class's pages (fastmem_page.c).
 */
struct __rte_cache_aligned fastmem_bin {
	rte_spinlock_t lock;
	uint32_t cls;
	int node;
	uint32_t page_slices; /* slices of the pages it takes now */
	uint32_t pages_at_size; /* pages it took of that size */
	RTE_ATOMIC(uint32_t) depot_len;
	/* objects it may hold, up to fastmem_depot_max(); 0: unused */
	RTE_ATOMIC(uint32_t) depot_cap;
	/* entries of its array, up to depot_cap: what it held at most */
	RTE_ATOMIC(uint32_t) depot_size;
	bool depot_emptied;  /* a refill emptied it since it last grew */
	RTE_ATOMIC(void **) depot;
	struct fastmem_page_head partial[FASTMEM_FILL_BUCKETS];
	struct fastmem_page_head full;
	RTE_ATOMIC(struct fastmem_page *) spare;
	struct fastmem_page *newest; /* page taken last, while the bin has it: runs grow from it */
	RTE_ATOMIC(uint64_t) n_partial;
	RTE_ATOMIC(uint64_t) n_full;
	/* Counters, written under lock. */
	RTE_ATOMIC(uint64_t) page_acquires;
	RTE_ATOMIC(uint64_t) page_releases;
	/*
	 * Shared path (threads without a private cache), written under lock;
	 * its failures are the state's shared_nomem, counted without bins too.
	 */
	struct fastmem_lcore_counts shared;
	/* timer cycles of the last refill or flush, for the decay */
	RTE_ATOMIC(uint64_t) last_use;
	/* Counts of cache rows that are gone, misses aside: fastmem_state.retired_miss. */
	struct fastmem_lcore_counts retired;
};

struct __rte_cache_aligned fastmem_node {
	/*
	 * Free slices of the node's segments (fastmem_segment.c); a bit per
	 * memzone record that has some. Pages come from the lowest record
	 * first, so the others drain and trim frees them.
	 */
	rte_spinlock_t lock;
	uint64_t *mz_with_free; /* FASTMEM_MZ_WORDS words, made with the bins */
	RTE_ATOMIC(uint64_t) n_free_slices;
	/*
	 * Held by one grower at a time, over the memzone reservation; refills
	 * that find free slices never take it. Taken with fastmem_grow_lock().
	 * An allocation waiting for it gets it after the headroom thread's
	 * current memzone, not after the thread's whole fill: the thread
	 * stops its fill while grow_wait says that one waits.
	 */
	rte_spinlock_t grow_lock;
	/*
	 * Timer cycles of the last try of an allocation waiting for
	 * grow_lock, 0 once one got it: a time, refreshed at every try, so
	 * that one whose process died waiting stops counting.
	 */
	RTE_ATOMIC(uint64_t) grow_wait;
	/* Runs and memzone neighbours (fastmem_run.c); inside the node lock if both. */
	rte_spinlock_t run_lock;
	RTE_ATOMIC(bool) ready; /* bins set up */
	/* bytes of memzones (segments, large objects), counted ahead */
	RTE_ATOMIC(uint64_t) backing;
	RTE_ATOMIC(uint64_t) limit;
	/* largest rte_fastmem_reserve(): the decay keeps that much */
	RTE_ATOMIC(uint64_t) reserved;
	/* free segment bytes to keep ready (fastmem_headroom.c) */
	RTE_ATOMIC(uint64_t) headroom;
	/* allocations that waited for a growth, under grow_lock */
	RTE_ATOMIC(uint64_t) grows_inline;
	/* growths by reserve and the headroom thread, under grow_lock */
	RTE_ATOMIC(uint64_t) grows_ahead;
	RTE_ATOMIC(uint64_t) seg_backing; /* bytes of segment memzones */
	RTE_ATOMIC(uint64_t) large_live;
	RTE_ATOMIC(uint64_t) large_bytes; /* requested bytes of live large objects */
	RTE_ATOMIC(uint64_t) large_alloc;
	RTE_ATOMIC(uint64_t) large_free;
	RTE_ATOMIC(uint64_t) large_nomem;
	struct fastmem_large_head large;
	struct fastmem_bin *bins; /* FASTMEM_NUM_CLASSES of them, once ready */
};


/* Processes a state serves at once: the primary and its attached secondaries. */
#define FASTMEM_MAX_PROCS 64

/* How much of each 2 MiB region of an EAL memseg list is fastmem's (fastmem_owner.c). */
struct fastmem_owner_map {
	uintptr_t base;  /* first region's address */
	RTE_ATOMIC(uint64_t) len; /* bytes of the regions; 0: retired */
	uint64_t size;   /* bytes of the regions when made (a retired map keeps it) */
	uint16_t __rte_atomic *ends; /* by region: end of fastmem's part, see fastmem_owner.c */
};

/* Memseg lists fastmem can hold memzones in at once (EAL has at most RTE_MAX_MEMSEG_LISTS). */
#define FASTMEM_OWNER_MAPS 128

#define FASTMEM_STATE_MZ "fastmem_state"
#define FASTMEM_STATE_MAGIC 0xfa57fa57u

/* Shared between processes: lives in the memzone FASTMEM_STATE_MZ. */
struct fastmem_state {
	uint32_t magic;
	/*
	 * Node ids below it are those fastmem can hold memory on; a cache
	 * row has caches for them, then the sentinel (fastmem_no_cache()).
	 */
	uint32_t row_nodes;
	RTE_ATOMIC(uint64_t) dbg_errors[8]; /* debug-mode detections, by enum fastmem_dbg_kind */
	rte_spinlock_t mz_lock;  /* memzone records, memzone names */
	uint32_t mz_seq;
	/* Memzone records, FASTMEM_MZ_CHUNK per chunk: set once, under mz_lock. */
	RTE_ATOMIC(struct fastmem_mz *) mz_chunks[FASTMEM_MAX_MZ / FASTMEM_MZ_CHUNK];
	/* Which addresses are fastmem's: maps added under mz_lock, read without it. */
	RTE_ATOMIC(uint32_t) n_owner_maps;
	/* bumped when regions stop being fastmem's; outlives the state */
	uint64_t __rte_atomic *owner_epoch;
	struct fastmem_owner_map owner_maps[FASTMEM_OWNER_MAPS];
	struct fastmem_node nodes[FASTMEM_MAX_NODES];
	/*
	 * Processes, and the counts of cache rows that are gone (a secondary's
	 * deinit or death): readers add those to the live rows' counts.
	 * Allocation paths never take proc_lock; a thread's first one does.
	 */
	rte_spinlock_t proc_lock;
	RTE_ATOMIC(struct fastmem_proc *) procs[FASTMEM_MAX_PROCS];
	/* id of each listed record, read without it */
	RTE_ATOMIC(uint64_t) proc_ids[FASTMEM_MAX_PROCS];
	RTE_ATOMIC(uint64_t) secondaries_seen; /* secondaries ever listed, under proc_lock */
	RTE_ATOMIC(uint32_t) decay_ms;         /* the primary's decay time, 0: off */
	/* a node fell below its headroom: set by any process */
	RTE_ATOMIC(bool) headroom_low;
	struct fastmem_lcore_counts retired_miss[FASTMEM_NUM_CLASSES]; /* misses are per class */
	/*
	 * Allocation calls of threads without a cache row that failed with
	 * ENOMEM, per class, of every node: the statistics only sum them over
	 * nodes, and 32 node ids of counts took 14 KiB of the state.
	 */
	RTE_ATOMIC(uint64_t) shared_nomem[FASTMEM_NUM_CLASSES];
};

/*
 * Take @p nd's grow lock. Its holder works for about a millisecond per
 * memzone and may share this CPU: EAL puts control threads, the headroom
 * thread among them, on the main lcore's CPU when no other is free. A
 * waiter that spun would keep the holder off the CPU until the scheduler
 * preempted it (in scenario 11, a 4 KiB ramp with a headroom waited 20 M
 * cycles at p99.9, ten times a growth of its own): it yields instead.
 */
static inline void
fastmem_grow_lock(struct fastmem_node *nd)
{
	while (!rte_spinlock_trylock(&nd->grow_lock))
		sched_yield();
}

/* Bin @p cls of @p node, or NULL before the node's bins are set up. */
static inline const struct fastmem_bin *
fastmem_node_bin(const struct fastmem_state *st, int node, unsigned int cls)
{
	const struct fastmem_node *nd = &st->nodes[node];

	return rte_atomic_load_explicit(&nd->ready,
			rte_memory_order_acquire) ? &nd->bins[cls] : NULL;
}

/* Memzone record @p idx, which a segment header or a run link names: its chunk exists. */
static inline struct fastmem_mz *
fastmem_mz(const struct fastmem_state *st, int idx)
{
	return &st->mz_chunks[idx / FASTMEM_MZ_CHUNK][idx % FASTMEM_MZ_CHUNK];
}

/* Memzone record @p idx (any index below FASTMEM_MAX_MZ) if in use, else NULL. */
static inline struct fastmem_mz *
fastmem_mz_used(const struct fastmem_state *st, int idx)
{
	struct fastmem_mz *chunk = rte_atomic_load_explicit(&st->mz_chunks[idx / FASTMEM_MZ_CHUNK],
		rte_memory_order_acquire);

	if (chunk == NULL || !rte_atomic_load_explicit(&chunk[idx % FASTMEM_MZ_CHUNK].used,
			rte_memory_order_acquire))
		return NULL;
	return &chunk[idx % FASTMEM_MZ_CHUNK];
}

/*
 * The first memzone record in use from @p idx on, or FASTMEM_MAX_MZ. It
 * skips chunks never allocated whole: a scan of all records costs what
 * the chunks in use hold, where one of FASTMEM_MAX_MZ records cost 40 K
 * instructions, under locks that refills take (growth, trim).
 */
static inline int
fastmem_mz_next_used(const struct fastmem_state *st, int idx)
{
	for (; idx < FASTMEM_MAX_MZ; idx++) {
		if (rte_atomic_load_explicit(&st->mz_chunks[idx / FASTMEM_MZ_CHUNK],
				rte_memory_order_acquire) == NULL)
			idx |= FASTMEM_MZ_CHUNK - 1;
		else if (fastmem_mz_used(st, idx) != NULL)
			break;
	}
	return idx;
}

/* Loop over the indexes of the memzone records in use. */
#define FASTMEM_MZ_FOREACH_USED(st, idx) \
	for ((idx) = fastmem_mz_next_used(st, 0); (idx) < FASTMEM_MAX_MZ; \
			(idx) = fastmem_mz_next_used(st, (idx) + 1))

/*
 * Cache index of no cache: a cache row's sentinel, after the caches of the
 * state's nodes, whose capacity stays 0. Large objects and free slices
 * name it, so that their frees take the slow path with no branch of
 * their own on the fast path.
 */
static inline uint32_t
fastmem_no_cache(const struct fastmem_state *st)
{
	return st->row_nodes * FASTMEM_NUM_CLASSES;
}

/* This process's view of the state; NULL when not initialized or attached. */
extern RTE_ATOMIC(struct fastmem_state *) fastmem_st;

/*
 * For the API's entry points (rte_fastmem.c): the state, which a secondary
 * attaches to on its first call. The layers below take it as an argument.
 */
__rte_internal
struct fastmem_state *fastmem_state_get(void);

/*
 * The record of node @p socket_id, for reading one of its settings; NULL
 * with rte_errno ENODEV (not initialized) or EINVAL (not a node id,
 * SOCKET_ID_ANY included).
 */
const struct fastmem_node *fastmem_node_setting(int socket_id);
/* Check a node id of the API (SOCKET_ID_ANY passes): 0, -EINVAL or -ENXIO. */
int fastmem_check_node(int socket_id);

#endif /* FASTMEM_STATE_H */
