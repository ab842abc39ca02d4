/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_PVT_H
#define FASTMEM_PVT_H

/*
 * Private to the fastmem library: logging, atomics helpers, the shared
 * state layout and the few functions the private files share.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>
#include <rte_stdatomic.h>
#include <rte_ticketlock.h>

#include "rte_fastmem.h"

extern int fastmem_logtype;
#define RTE_LOGTYPE_FASTMEM fastmem_logtype

#define FASTMEM_LOG(level, ...) \
	RTE_LOG_LINE_PREFIX(level, FASTMEM, "%s(): ", __func__, __VA_ARGS__)

/* Whether a data-path line may be logged now (rte_fastmem.c): a few a second. */
bool fastmem_log_dp_allowed(void);

/*
 * A line on a data path (a bad free, a debug-mode detection), which an
 * application could trigger millions of times a second: rate-limited.
 */
#define FASTMEM_LOG_DP(level, ...) do { \
	if (fastmem_log_dp_allowed()) \
		FASTMEM_LOG(level, __VA_ARGS__); \
} while (0)

#define FASTMEM_NUM_CLASSES __RTE_FASTMEM_NUM_CLASSES
#define FASTMEM_MAX_NODES __RTE_FASTMEM_MAX_NODES
#define FASTMEM_SLAB_SIZE ((size_t)RTE_FASTMEM_SLAB_SIZE)

/* Debug and ASan builds keep every call out of line, where the checks are. */
#define FASTMEM_CHECKED __RTE_FASTMEM_CHECKED

/*
 * Counters. A counter has one writer at a time (its owner thread, or the
 * holder of the lock it lives under), so an update is a load and a release
 * store, never an atomic read-modify-write; readers use acquire loads and
 * never see a torn value. fastmem_count_shared() is for the rare counters
 * that several threads bump without a common lock (failure counts).
 */
static inline uint64_t
fastmem_read(const uint64_t __rte_atomic *counter)
{
	return rte_atomic_load_explicit(counter, rte_memory_order_acquire);
}

static inline void
fastmem_count(uint64_t __rte_atomic *counter, uint64_t n)
{
	rte_atomic_store_explicit(counter,
		rte_atomic_load_explicit(counter, rte_memory_order_relaxed) + n,
		rte_memory_order_release);
}

static inline void
fastmem_count_shared(uint64_t __rte_atomic *counter, uint64_t n)
{
	rte_atomic_fetch_add_explicit(counter, n, rte_memory_order_relaxed);
}

static inline void
fastmem_set(uint64_t __rte_atomic *gauge, uint64_t value)
{
	rte_atomic_store_explicit(gauge, value, rte_memory_order_release);
}

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

/* Class of a cache index, and its node. */
static inline unsigned int
fastmem_idx_class(uint32_t cache_idx)
{
	return cache_idx % FASTMEM_NUM_CLASSES;
}

static inline int
fastmem_idx_node(uint32_t cache_idx)
{
	return (int)(cache_idx / FASTMEM_NUM_CLASSES);
}

static inline uint32_t
fastmem_cache_idx(int node, unsigned int cls)
{
	return (uint32_t)node * FASTMEM_NUM_CLASSES + cls;
}

/*
 * Objects a thread cache can hold at most: about 2 MiB of objects, 4 to
 * 1024 of them (a mempool's cache of 512 can hold 1536). Its capacity, and
 * its array with it, moves below that within the thread's byte budget.
 */
static inline uint32_t
fastmem_cache_capacity(unsigned int cls)
{
	uint32_t n = (2u << 20) / __rte_fastmem_class_size(cls);

	return RTE_MAX(RTE_MIN(n, 1024u), 4u);
}

/*
 * Default byte budget of a thread's caches of one node: the guide says
 * which measurement chose it over tcmalloc's 1.5 MiB per CPU.
 */
#define FASTMEM_CACHE_BUDGET_DEFAULT ((uint64_t)3 << 19)

/* Bytes of objects a bin's depot starts with, and comes back to when drained. */
#define FASTMEM_DEPOT_BYTES ((uint32_t)1 << 18)

/* Objects a bin's depot can grow to: eight full caches, the size of its array. */
static inline uint32_t
fastmem_depot_max(unsigned int cls)
{
	return 8 * fastmem_cache_capacity(cls);
}

/* Objects a bin's depot starts with: 256 KiB of them, at least two. */
static inline uint32_t
fastmem_depot_capacity(unsigned int cls)
{
	uint32_t n = FASTMEM_DEPOT_BYTES / __rte_fastmem_class_size(cls);

	return RTE_MAX(RTE_MIN(n, fastmem_depot_max(cls)), 2u);
}

/*
 * Segments and pages. A segment is 2 MiB, aligned, of 256 slices of
 * 8 KiB; its header (struct fastmem_segment) fills the start of the page
 * at slice 0, which only a page that keeps at least half its objects
 * beside it takes.
 * A class takes pages of 1 to 256 slices (a power of 2, aligned to its
 * size) from its node's segments: free slices of a segment are any
 * class's.
 */
#define FASTMEM_SEG_SIZE FASTMEM_SLAB_SIZE
#define FASTMEM_SLICE_SHIFT __RTE_FASTMEM_SLICE_SHIFT
#define FASTMEM_SLICE_SIZE ((size_t)1 << FASTMEM_SLICE_SHIFT)
#define FASTMEM_SEG_SLICES __RTE_FASTMEM_SEG_SLICES
/* Words of a segment's bitmap of free slices. */
#define FASTMEM_SEG_WORDS (FASTMEM_SEG_SLICES / 64)

/* Which bin list a page is on. */
enum fastmem_page_list {
	FASTMEM_LIST_NONE,    /* between the segment and a bin */
	FASTMEM_LIST_PARTIAL, /* in a partial bucket */
	FASTMEM_LIST_FULL,    /* every slot out */
	FASTMEM_LIST_SPARE,   /* empty, kept by the bin */
};

/* Partial pages are kept in buckets by occupancy; refills take the fullest first. */
#define FASTMEM_FILL_BUCKETS 4

TAILQ_HEAD(fastmem_page_head, fastmem_page);

/* A page of a class, described in its segment's header (by its first slice). */
struct fastmem_page {
	void *free_head;    /* slots given back, linked through their first word */
	uint32_t obj_size;  /* class size */
	uint32_t n_used;    /* slots out of the page: in caches, depots or the application */
	uint32_t n_slots;
	uint32_t bump;      /* slots [bump, n_slots) were never handed out */
	uint8_t list;       /* enum fastmem_page_list */
	uint8_t bucket;     /* occupancy bucket, on a partial list */
	uint16_t n_slices;
	TAILQ_ENTRY(fastmem_page) link;
};

/* The header at the start of every segment. */
struct fastmem_segment {
	struct __rte_fastmem_segment_pub pub; /* read by the inline free path */
	uint64_t free_slices[FASTMEM_SEG_WORDS]; /* bit per slice in no page, node lock */
	uint16_t mz_idx;      /* backing memzone record */
	uint8_t page_first[FASTMEM_SEG_SLICES]; /* first slice of each slice's page */
	struct fastmem_page pages[FASTMEM_SEG_SLICES]; /* by first slice */
};

static inline struct fastmem_segment *
fastmem_segment_of(const void *p)
{
	return (struct fastmem_segment *)(uintptr_t)__rte_fastmem_segment_of(p);
}

static inline unsigned int
fastmem_slice_idx(const void *p)
{
	return (unsigned int)(((uintptr_t)p >> FASTMEM_SLICE_SHIFT) & (FASTMEM_SEG_SLICES - 1));
}

/*
 * Slices of a class's first pages: the fewest (a power of 2) that waste at
 * most 1/8. A class that keeps taking pages takes larger ones (fastmem_bin.c).
 */
static inline unsigned int
fastmem_page_slices(unsigned int cls)
{
	size_t size = __rte_fastmem_class_size(cls);
	unsigned int n;

	for (n = 1; n < FASTMEM_SEG_SLICES; n *= 2) {
		size_t len = n * FASTMEM_SLICE_SIZE;

		if (len >= size && (len % size) * 8 <= len)
			break;
	}
	return n;
}

/* Bytes of a page at slice 0 the header takes, for objects aligned to @p cls_align. */
static inline size_t
fastmem_seg_head_size(size_t cls_align)
{
	return RTE_ALIGN_CEIL(sizeof(struct fastmem_segment),
		RTE_MAX((size_t)RTE_CACHE_LINE_SIZE, cls_align));
}

/* Slices the segment header lies in: only the page at slice 0 may hold them. */
#define FASTMEM_SEG_HEAD_SLICES \
	((unsigned int)((sizeof(struct fastmem_segment) + FASTMEM_SLICE_SIZE - 1) >> \
		FASTMEM_SLICE_SHIFT))

/*
 * May a page of @p n slices of class @p cls start at slice @p first? Not
 * inside the header; at slice 0 only if it holds the header and at least
 * half the objects it holds elsewhere.
 */
static inline bool
fastmem_page_may_start(unsigned int first, unsigned int n, unsigned int cls)
{
	size_t len = n * FASTMEM_SLICE_SIZE, size = __rte_fastmem_class_size(cls);
	size_t head = fastmem_seg_head_size(__rte_fastmem_class_align(cls));

	if (first != 0)
		return first >= FASTMEM_SEG_HEAD_SLICES;
	return len > head && (len - head) / size * 2 >= len / size;
}

/* The page of @p obj (of a class: in a page). */
static inline struct fastmem_page *
fastmem_page_of(const void *obj)
{
	struct fastmem_segment *seg = fastmem_segment_of(obj);

	return &seg->pages[seg->page_first[fastmem_slice_idx(obj)]];
}

/* First byte of a page (its first slice). */
static inline void *
fastmem_page_addr(const struct fastmem_page *pg)
{
	struct fastmem_segment *seg = fastmem_segment_of(pg);

	return RTE_PTR_ADD(seg, (size_t)(pg - seg->pages) << FASTMEM_SLICE_SHIFT);
}

/* Where slot 0 of a page of class @p cls starts: after the segment header in slice 0. */
static inline size_t
fastmem_page_data_offset(const struct fastmem_page *pg, unsigned int cls)
{
	if (pg != &fastmem_segment_of(pg)->pages[0])
		return 0;
	return fastmem_seg_head_size(__rte_fastmem_class_align(cls));
}

/* Objects page @p pg holds, for class @p cls. */
static inline uint32_t
fastmem_page_slots(const struct fastmem_page *pg, unsigned int cls)
{
	return (uint32_t)(((size_t)pg->n_slices * FASTMEM_SLICE_SIZE -
		fastmem_page_data_offset(pg, cls)) / __rte_fastmem_class_size(cls));
}

/* Counts of allocations and frees through a thread cache, or of the shared path. */
struct fastmem_lcore_counts {
	RTE_ATOMIC(uint64_t) n_alloc;
	RTE_ATOMIC(uint64_t) n_free;
	RTE_ATOMIC(uint64_t) alloc_miss;
	RTE_ATOMIC(uint64_t) miss_bytes; /* bytes the missing allocations asked for */
	RTE_ATOMIC(uint64_t) free_miss;
	RTE_ATOMIC(uint64_t) nomem;
};

/* One (node, class) bin: the depot of free objects and the class's pages. */
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

/* Backing memzone records; memzones are at least 2 MiB, EAL allows 2560 by default. */
#define FASTMEM_MAX_MZ 4096
/* Records come in chunks, allocated as growth needs them: an idle node holds none. */
#define FASTMEM_MZ_CHUNK 64
/* Words of a node's bitmap of memzone records with free slices. */
#define FASTMEM_MZ_WORDS (FASTMEM_MAX_MZ / 64)

TAILQ_HEAD(fastmem_large_head, fastmem_large);

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
	 * that find free slices never take it. Fair: an allocation waiting
	 * for it gets it after the headroom thread's current memzone, not
	 * after the thread's whole fill.
	 */
	rte_ticketlock_t grow_lock;
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

struct fastmem_lcore;

/*
 * A process that uses fastmem, in shared memory the process allocated: it
 * outlives the state it attached to (fastmem_proc.c).
 */
struct fastmem_proc {
	int pid;
	bool primary;
	RTE_ATOMIC(bool) revoked; /* the state it attached to is gone: attach again */
	uint64_t id;    /* names its lock file; 0 for the primary, which has none */
	/* Its threads' cache rows by lcore id, set under the state's proc_lock. */
	struct fastmem_lcore *rows[RTE_MAX_LCORE];
};

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

/* rte_fastmem.c */
__rte_internal
struct fastmem_state *fastmem_state_get(void);
/* Is @p node a node id fastmem has state for (SOCKET_ID_ANY is not)? */
static inline bool
fastmem_node_in_range(int node)
{
	return node >= 0 && node < FASTMEM_MAX_NODES;
}

/*
 * The record of node @p socket_id, for reading one of its settings; NULL
 * with rte_errno ENODEV (not initialized) or EINVAL (not a node id,
 * SOCKET_ID_ANY included).
 */
const struct fastmem_node *fastmem_node_setting(int socket_id);
/* Check a node id of the API (SOCKET_ID_ANY passes): 0, -EINVAL or -ENXIO. */
int fastmem_check_node(int socket_id);

/* fastmem_heap.c */
/*
 * @p size bytes of EAL's heap (cache-line aligned, zeroed if @p zero), on
 * @p node if it can (a negative node: anywhere), else anywhere; NULL
 * without memory.
 */
void *fastmem_heap_alloc(const char *type, size_t size, bool zero, int node);
void fastmem_heap_free(void *ptr);

/* fastmem_owner.c */
/* Mark a new memzone's regions as fastmem's; -ENOMEM without memory for its map. */
int fastmem_owner_add(struct fastmem_state *st, const struct rte_memzone *mz);
/* Unmark a memzone's regions, before it goes back to EAL. */
void fastmem_owner_remove(struct fastmem_state *st, const struct rte_memzone *mz);
/* Find (or make) the group's epoch of removals; -ENOMEM without memory for it. */
int fastmem_owner_init(struct fastmem_state *st);
/* Point the inline rte_fastmem_owns() at this process's state (NULL: none). */
void fastmem_owner_attach(const struct fastmem_state *st);
void fastmem_owner_fini(struct fastmem_state *st);

/* fastmem_proc.c */
/* This process's record, or NULL before its first rte_fastmem_init(). */
extern struct fastmem_proc *fastmem_self;
/* List this process in @p st (creating its record), and the records kept from a revoked state. */
int fastmem_proc_attach(struct fastmem_state *st);
/* The state this process attached to was freed: attach again before any use. */
bool fastmem_proc_revoked(void);
/* The state this process attached to is published: no longer revoked. */
void fastmem_proc_attached(void);
/* Publish this process's row of an lcore to readers of every process. */
void fastmem_proc_set_row(struct fastmem_state *st, unsigned int lcore_id,
		struct fastmem_lcore *row);
/*
 * A listed secondary that is gone, from table slot *slot on (NULL if none):
 * its slot and id in *slot and *id. The caller takes it off the table with
 * fastmem_proc_remove_locked(), then forgets it.
 */
struct fastmem_proc *fastmem_proc_find_dead(struct fastmem_state *st, int *slot, uint64_t *id);
/* Take record @p p (slot, id) off the table if it is still there; proc_lock held. */
bool fastmem_proc_remove_locked(struct fastmem_state *st, int slot, struct fastmem_proc *p,
		uint64_t id);
/* Remove the lock file of a dead secondary taken off the table. */
void fastmem_proc_forget(uint64_t id);
/* Primary's deinit: @p p, alive, goes into the next state the primary creates, revoked. */
void fastmem_proc_revoke(struct fastmem_proc *p);
/* Free the record of a dead process (its rows freed). */
void fastmem_proc_free(struct fastmem_proc *p);

/* fastmem_backing.c: memzones from EAL (or an external heap), limits, large objects */
int fastmem_backing_init(struct fastmem_state *st);
void fastmem_backing_fini(struct fastmem_state *st);
void fastmem_backing_scan(void);
size_t fastmem_backing_max_len(void);
bool fastmem_node_valid(int node);
__rte_internal
int fastmem_node_ready(struct fastmem_state *st, int node);
/*
 * Reserve a memzone of up to @p want_segs segments (at least one) under the
 * node's limit, charged and recorded; grow lock held. Its record index, or
 * -ENOMEM, -ENOSPC (no record left).
 */
int fastmem_backing_grow(struct fastmem_state *st, int node, uint32_t want_segs);
/* Give memzone record @p idx back to EAL (taken off every list before); grow lock held. */
void fastmem_backing_release(struct fastmem_state *st, int idx);
/* IOVA of a range if it is IOVA-contiguous, else RTE_BAD_IOVA. */
rte_iova_t fastmem_backing_iova(const void *va, size_t len);
void *fastmem_large_alloc(struct fastmem_state *st, size_t size, size_t align, int node);
void fastmem_large_free(struct fastmem_state *st, struct fastmem_large *l);
struct fastmem_large *fastmem_large_of(const void *ptr);
int fastmem_node_order(int node, int *nodes, unsigned int n);
void fastmem_node_order_reset(void);
uint32_t fastmem_node_order_generation(void);

/* fastmem_segment.c: pages from the free slices of a node's segments */
/*
 * A free block of @p n slices just after or before one of the @p n_near
 * pages @p near (of a class whose bin lock the caller holds, which keeps
 * them), tried in order, off the free slices; or NULL.
 */
struct fastmem_page *fastmem_segment_claim_beside(struct fastmem_state *st, int node,
		const struct fastmem_page * const *near, unsigned int n_near, unsigned int n,
		unsigned int cls);
/*
 * Page @p claimed (from claim_beside), or else a page of @p n slices from
 * the fullest segment of the lowest memzone with room, else one of
 * @p min_n (at most @p n), or from a new memzone (at its end next to the
 * memzone holding @p near, if any); joined to (node, cls). NULL if the
 * node cannot grow.
 */
struct fastmem_page *fastmem_segment_take_page(struct fastmem_state *st, int node,
		unsigned int cls, unsigned int n, unsigned int min_n, struct fastmem_page *claimed,
		const void *near);
/* Empty pages, off every bin list, go back to their segments. */
void fastmem_segment_give_pages(struct fastmem_state *st, int node,
		struct fastmem_page_head *pages);
int fastmem_node_reserve(struct fastmem_state *st, int node, size_t size);
/* Grow the node until its free segment slices hold @p bytes: 0, or -ENOMEM. */
int fastmem_node_keep_free(struct fastmem_state *st, int node, uint64_t bytes);
/*
 * Release memzones with no page in use since @p freed_before (timer
 * cycles; UINT64_MAX: any), keeping the headroom free and, with
 * @p keep_reserve, what rte_fastmem_reserve() asked for.
 */
int64_t fastmem_node_trim(struct fastmem_state *st, int node, uint64_t freed_before,
		bool keep_reserve);

/* fastmem_run.c */
/* Run word of the run from the slice at @p first to the one at @p last (in one region). */
uint32_t fastmem_run_word(const void *first, const void *last);
/* A page joins the cache of (node, cls): its slices and the runs around it. */
void fastmem_run_join(struct fastmem_state *st, int node, struct fastmem_page *pg,
		unsigned int cls);
/* Free slices (@p n from @p first, in one segment): no cache, a run of their own each. */
void fastmem_run_free_slices(const struct fastmem_state *st, void *first, unsigned int n);
/*
 * Give every slice of the run of live object @p obj's slice the whole run,
 * if that slice recorded only a part of it; true if it did.
 */
bool fastmem_run_widen(struct fastmem_state *st, const void *obj);
/* Pages leave their cache before they go back to their segments. */
void fastmem_run_leave(struct fastmem_state *st, int node, struct fastmem_page_head *pages);
/* The slice after (or before) slice @p p that a run through it would take in, or NULL. */
void *fastmem_run_beside(struct fastmem_state *st, void *p, bool after);
/* A memzone record is new (its slices free), or goes (its slices free, node lock held). */
void fastmem_run_link_mz(struct fastmem_state *st, int idx);
void fastmem_run_unlink_mz(struct fastmem_state *st, int idx);

/* fastmem_bin.c: depots and the pages of a (node, class) */
void fastmem_bin_init(struct fastmem_bin *b, int node, unsigned int cls);
void fastmem_bin_fini(struct fastmem_bin *b);
/*
 * Take up to @p n objects of bin @p b into @p objs, from its depot, then
 * its partial pages, then new pages: after one new page, no more once it
 * has @p min. Returns how many; fewer than @p min only without memory.
 */
__rte_internal
unsigned int fastmem_bin_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs,
		unsigned int min, unsigned int n);
__rte_internal
void fastmem_bin_give(struct fastmem_state *st, struct fastmem_bin *b, void * const *objs,
		unsigned int n);
/* Return the depot's objects to their pages; with release_spare, the spare page and depot too. */
__rte_internal
void fastmem_bin_drain(struct fastmem_state *st, struct fastmem_bin *b, bool release_spare);
/* Drain a bin as trim does if it saw no refill or flush since @p before (timer cycles). */
void fastmem_bin_decay(struct fastmem_state *st, struct fastmem_bin *b, uint64_t before);
void fastmem_bin_counts(const struct fastmem_bin *b, uint64_t *partial, uint64_t *full,
		uint64_t *empty, uint64_t *depot);

/* fastmem_decay.c */
/* Stop the decay (before the state goes). */
void fastmem_decay_stop(void);

/* fastmem_headroom.c */
/* Stop the headroom thread (before the state goes); the primary process only. */
void fastmem_headroom_stop(void);

/*
 * A page was taken from @p nd: below its headroom, tell the headroom
 * thread (a store to shared memory, which it polls).
 */
static inline void
fastmem_headroom_check(struct fastmem_state *st, const struct fastmem_node *nd)
{
	uint64_t headroom = fastmem_read(&nd->headroom);

	if (headroom != 0 && fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE < headroom)
		rte_atomic_store_explicit(&st->headroom_low, true, rte_memory_order_relaxed);
}

/* fastmem_cache.c */
void *fastmem_cache_alloc(struct fastmem_state *st, int node, unsigned int cls, size_t size);
int fastmem_cache_alloc_bulk(struct fastmem_state *st, int node, unsigned int cls, void **objs,
		unsigned int n, size_t size);
void fastmem_cache_free(struct fastmem_state *st, uint32_t cache_idx, void *obj);
void fastmem_cache_free_bulk(struct fastmem_state *st, uint32_t cache_idx, void * const *objs,
		unsigned int n);
/*
 * A bulk free of @p n objects of one cache that its too shallow cache
 * could not sort into one run (see __rte_fastmem_free_bulk_runs()): to the
 * bin, as a miss that grows the cache for the next ones.
 */
void fastmem_cache_free_unsorted(struct fastmem_state *st, uint32_t cache_idx,
		void * const *objs, unsigned int n);
/* The allocation calls count an ENOMEM once per call, not per node tried. */
void fastmem_cache_note_nomem(struct fastmem_state *st, unsigned int cls);
void fastmem_cache_flush_thread(struct fastmem_state *st);
/* Byte budget of an lcore's caches per node (RTE_MAX_LCORE: every lcore, and the default). */
int fastmem_cache_set_budget(struct fastmem_state *st, unsigned int lcore_id, uint64_t bytes);
uint64_t fastmem_cache_budget(unsigned int lcore_id);
/* Bytes of free objects in an lcore's caches now. */
uint64_t fastmem_cache_bytes(unsigned int lcore_id);
/* Give back what the caches of dead processes held, free their rows. */
void fastmem_cache_reclaim_dead(struct fastmem_state *st);
void fastmem_cache_fini(struct fastmem_state *st);
int fastmem_cache_init(void);
int fastmem_thread_home(void);

/* fastmem_stats.c */
/*
 * Add an lcore's counts of a class to *c: the free half (n_free, free_miss)
 * or the allocation half. Readers take every free half before any
 * allocation half, so that a free they see has its allocation seen too.
 * With node >= 0, only that node's objects and no misses (they are kept
 * per class).
 */
void fastmem_cache_counts(unsigned int lcore_id, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *c);
/* The same over every thread of every process, and rows that are gone. */
void fastmem_cache_counts_all(struct fastmem_state *st, unsigned int cls, int node, bool frees,
		struct fastmem_lcore_counts *c);
void fastmem_stats_fini(void);

/*
 * A thread counted anything since the last reset, or its caches hold
 * objects (dump and telemetry list only those).
 */
static inline bool
fastmem_lcore_stats_active(const struct rte_fastmem_lcore_stats *s)
{
	return (s->alloc_cache_hits | s->alloc_cache_misses | s->alloc_nomem |
		s->free_cache_hits | s->free_cache_misses | s->cache_bytes) != 0;
}

/* A class has live objects, pages or counts since the last reset. */
static inline bool
fastmem_class_stats_active(const struct rte_fastmem_class_stats *s)
{
	return (s->in_use | s->alloc_cache_hits | s->alloc_cache_misses | s->alloc_nomem |
		s->free_cache_hits | s->free_cache_misses | s->slab_acquires |
		s->slab_releases | s->slabs_partial | s->slabs_full | s->slabs_empty |
		s->objs_cached) != 0;
}
/* Live objects and class-rounded bytes of a node (size classes and large objects). */
void fastmem_stats_node_usage(struct fastmem_state *st, int node, uint64_t *objs,
		uint64_t *bytes);

#endif /* FASTMEM_PVT_H */
