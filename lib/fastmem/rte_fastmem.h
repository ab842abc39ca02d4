/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef RTE_FASTMEM_H
#define RTE_FASTMEM_H

/**
 * @file
 * RTE fastmem: a general-purpose object allocator for DPDK lcores.
 *
 * @warning
 * @b EXPERIMENTAL: All functions in this file may be changed or removed
 * without prior notice.
 *
 * fastmem serves objects of any size from hugepage memzones, grows on
 * demand, and serves the common case from a per-thread LIFO cache without
 * a lock or an atomic read-modify-write, like a mempool's per-lcore cache.
 *
 * - Objects up to 448 KiB come from size classes (16 B steps up to 64 B,
 *   then four classes per doubling) carved from pages of 8 KiB to 1 MiB
 *   inside 2 MiB-aligned segments; an object's class and NUMA node are
 *   found from its address (a mask, a shift and one load of its segment's
 *   header), so objects carry no metadata. Larger objects get a memzone of
 *   their own.
 * - Every @p socket_id parameter is a NUMA node id: the OS node number,
 *   which is what EAL calls a socket id. On Intel SNC and AMD NPS a
 *   package holds several nodes. SOCKET_ID_ANY means the calling thread's
 *   local node (see rte_fastmem_lcore_node()), then the other nodes in
 *   rte_fastmem_lcore_nodes() order.
 * - Default alignment (@p align 0): 16 B for every class, the class size's
 *   power-of-two part up to 4 KiB (so 64 B, a cache line, for every class
 *   size that is a multiple of 64). A request of 24 B takes the 32 B class.
 *   A non-zero @p align must be a power of 2, at most 1 MiB.
 *
 * Thread safety: all allocation and free calls are MT-safe and may be
 * made from any thread: EAL lcores and threads registered with
 * rte_thread_register() get private caches; other threads use the shared
 * path (a short lock per call). An object may be freed by any thread.
 * rte_fastmem_init(), rte_fastmem_deinit() are not thread-safe.
 * rte_fastmem_cache_flush() acts on the calling thread's caches only.
 *
 * Multi-process: a secondary process may allocate and free; its threads
 * get private caches too, and any process may free any object. Memory
 * should be reserved by the primary (rte_fastmem_reserve()). A secondary
 * need do nothing before it exits: whatever its caches hold goes back to
 * the shared bins at the next rte_fastmem_trim() (in any process) after
 * its end, however it ended, as do the caches' own memory and counters.
 * Objects it allocated and did not free stay allocated. A secondary that
 * ends while one of its threads is inside a slow-path call may leave a
 * fastmem lock held, as with any DPDK shared-memory lock, and lose the
 * objects that thread was moving (never hand them out twice).
 * rte_fastmem_cache_flush() on each of its threads (or rte_fastmem_deinit())
 * gives its cached objects back at once. When the primary calls
 * rte_fastmem_deinit() while secondaries are attached, their cached
 * objects die with the state; on their next call they attach to the
 * primary's next state, or fail with ENODEV while there is none.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_memory.h>

#include "rte_fastmem_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * DPDK 22.11 has no __rte_malloc: there, the allocation calls go without
 * it. There is no __rte_dealloc pairing either: compilers ignore it when
 * the deallocator is inline, as rte_fastmem_free() is.
 */
#ifndef __rte_malloc
#define __rte_malloc
#endif

/** Flag: zero the object (its whole class size) before returning it. */
#define RTE_FASTMEM_F_ZERO RTE_BIT32(0)

/** Handle to a (size class, NUMA node) pair, see rte_fastmem_hlookup(). */
typedef uint32_t rte_fastmem_handle_t;

/**
 * Global statistics, of every process. Counters count objects, not calls.
 * A reset rebases the views of the calling process only.
 */
struct rte_fastmem_stats {
	/**
	 * Bytes of memzones fastmem holds: large objects' and segments'. A
	 * memzone of segments counts them whole, though it leaves the last
	 * 1 KiB of the last one to EAL, for the next memzone's malloc header.
	 */
	uint64_t bytes_backing;
	uint64_t bytes_in_use;   /**< Class size x live objects (exact for large objects). */
	uint64_t alloc_total;    /**< Objects allocated since the last reset. */
	uint64_t free_total;     /**< Objects freed since the last reset. */
	uint64_t alloc_nomem;    /**< Allocation calls failed with ENOMEM since the last reset. */
	unsigned int n_classes;  /**< Number of size classes. */
	uint64_t objs_in_use;    /**< Live objects (not reset by rte_fastmem_stats_reset()). */
	uint64_t bytes_free_slabs; /**< Backing bytes in segments no class's page uses. */
	uint64_t bytes_wasted;   /**< Estimate of bytes_in_use lost to class rounding. */
};

/** Statistics of one NUMA node, of every process. */
struct rte_fastmem_node_stats {
	uint64_t bytes_backing;    /**< Bytes of the node's memzones, as in rte_fastmem_stats. */
	uint64_t bytes_free_slabs; /**< Bytes of its segments in no class's page. */
	uint64_t headroom;         /**< Free bytes kept ready (rte_fastmem_set_headroom()). */
	/** Growths an allocating thread waited for (none while the headroom keeps up). */
	uint64_t grows_inline;
	/** Growths ahead of demand: rte_fastmem_reserve() and the headroom's thread. */
	uint64_t grows_ahead;
};

/** Statistics of one size class, over all nodes and the threads of every process. */
struct rte_fastmem_class_stats {
	uint64_t class_size;          /**< Size of the class in bytes. */
	uint64_t in_use;              /**< Live objects (not reset). */
	uint64_t alloc_cache_hits;    /**< Allocations served by a cache without refill. */
	uint64_t alloc_cache_misses;  /**< Allocations that refilled a cache or bypassed it. */
	uint64_t alloc_nomem;         /**< Allocation calls failed with ENOMEM. */
	uint64_t free_cache_hits;     /**< Frees absorbed by a cache without flush. */
	uint64_t free_cache_misses;   /**< Frees that flushed a cache or bypassed it. */
	uint64_t slab_acquires;       /**< Pages the class took from its node's segments. */
	uint64_t slab_releases;       /**< Pages the class gave back to its node's segments. */
	uint64_t slabs_partial;       /**< Pages with both used and free objects. */
	uint64_t slabs_full;          /**< Pages with no free object. */
	uint64_t slabs_empty;         /**< Empty pages the class keeps (hysteresis). */
	uint64_t objs_cached;         /**< Free objects in depots (thread caches not included). */
	/**
	 * Estimate: in_use x (class_size - mean size asked for by the
	 * allocations that missed a cache, a sample of them all).
	 */
	uint64_t bytes_wasted;
};

/** Per-thread statistics (one lcore of the calling process, or the shared path). */
struct rte_fastmem_lcore_stats {
	uint64_t alloc_cache_hits;    /**< Allocations served by the cache without refill. */
	uint64_t alloc_cache_misses;  /**< Allocations that refilled the cache or bypassed it. */
	uint64_t alloc_nomem;         /**< Allocation calls failed with ENOMEM. */
	uint64_t free_cache_hits;     /**< Frees absorbed by the cache without flush. */
	uint64_t free_cache_misses;   /**< Frees that flushed the cache or bypassed it. */
	/** Bytes of free objects in the lcore's caches now, all nodes (0: shared path). */
	uint64_t cache_bytes;
	/** The lcore's cache budget per node (0: shared path): rte_fastmem_set_cache_budget(). */
	uint64_t cache_budget;
};

/** Per-thread statistics of one size class. */
struct rte_fastmem_lcore_class_stats {
	uint64_t class_size;          /**< Size of the class in bytes. */
	uint64_t alloc_cache_hits;    /**< See struct rte_fastmem_lcore_stats. */
	uint64_t alloc_cache_misses;  /**< See struct rte_fastmem_lcore_stats. */
	uint64_t alloc_nomem;         /**< See struct rte_fastmem_lcore_stats. */
	uint64_t free_cache_hits;     /**< See struct rte_fastmem_lcore_stats. */
	uint64_t free_cache_misses;   /**< See struct rte_fastmem_lcore_stats. */
};

/**
 * Initialize the allocator.
 *
 * In the primary process, creates the allocator state (a memzone named
 * "fastmem_state"); no backing memory is reserved yet. In a secondary
 * process, attaches to the primary's state (secondaries also attach
 * implicitly on their first call). Must be called after rte_eal_init().
 *
 * @return
 *   - 0: Success.
 *   - -EBUSY: Already initialized in this process.
 *   - -ENOMEM: The state memzone (or this process's record in EAL's heap)
 *     could not be reserved.
 *   - -ENOENT: Secondary process, and the primary has not initialized fastmem.
 *   - -ENOSPC: Secondary process, and 64 processes are listed: attached,
 *     or ended and not yet found dead by a rte_fastmem_trim().
 *   - Another negative errno: Secondary process, and its lock file in EAL's
 *     runtime directory (which tells other processes it is alive) could
 *     not be created or locked.
 *   - -ENODEV: EAL is not initialized.
 */
__rte_experimental
int
rte_fastmem_init(void);

/**
 * Release everything the allocator holds.
 *
 * In the primary: flushes nothing and frees all backing memzones and the
 * state. Objects still allocated become invalid, in every process;
 * attached secondaries must not be inside a fastmem call. In a secondary:
 * gives the caches of all its threads back and detaches; no other thread
 * of the process may be inside a fastmem call. A no-op if not initialized.
 */
__rte_experimental
void
rte_fastmem_deinit(void);

/**
 * Make sure at least @p size bytes of backing memory exist on a node.
 *
 * Cumulative and monotonic, not additive: reserve(1 GiB) twice leaves
 * 1 GiB. Memory is reserved in memzones of up to 128 MiB; allocations
 * served from it never reserve memzones.
 *
 * @param size
 *   Minimum backing memory, in bytes, for @p socket_id.
 * @param socket_id
 *   NUMA node id, or SOCKET_ID_ANY: the caller's node first, then the
 *   others in rte_fastmem_lcore_nodes() order.
 * @return
 *   - 0: Success.
 *   - -EINVAL: Bad node id.
 *   - -ENXIO: A node EAL cannot allocate on.
 *   - -ENOMEM: Not enough memory (EAL) or above the node's limit; what was
 *     reserved stays, counted in bytes_backing, and rte_fastmem_trim()
 *     releases it.
 *   - -ENODEV: Not initialized (the RFC returned -EINVAL).
 */
__rte_experimental
int
rte_fastmem_reserve(size_t size, int socket_id);

/**
 * Cap the backing memory of a node.
 *
 * Growth that would take the node's backing memory above @p max_bytes
 * fails with ENOMEM, also when several threads grow the node at once; the
 * check is at segment (2 MiB) granularity. A limit
 * below the current backing releases nothing, it only stops growth;
 * rte_fastmem_trim() then releases free memzones.
 *
 * @param socket_id
 *   NUMA node id, or SOCKET_ID_ANY for every node.
 * @param max_bytes
 *   The cap, SIZE_MAX for none (the default).
 * @return
 *   - 0: Success.
 *   - -EINVAL: Bad node id.
 *   - -ENXIO: A node EAL cannot allocate on (and no external heap backs).
 *   - -ENODEV: Not initialized.
 */
__rte_experimental
int
rte_fastmem_set_limit(int socket_id, size_t max_bytes);

/**
 * Keep free memory ready on a node, ahead of demand.
 *
 * fastmem keeps at least @p bytes of the node's segments free (in no
 * class's page), so that allocations take pages without waiting for a
 * memzone reserve, which takes about a millisecond. The call grows the
 * node to that before it returns; then a control thread of the primary
 * process ("dpdk-fastmem-hr") grows it again whenever allocations leave
 * less free, within a millisecond: lcores tell it with a store to shared
 * memory and never wait for it. An allocation that finds no free memory
 * (a burst faster than the thread) grows the node itself, as without a
 * headroom, and counts in grows_inline of rte_fastmem_stats_node(): a
 * headroom large enough for the allocations of about two milliseconds
 * (the thread's reaction, then its memzone reserve) keeps it at 0. The
 * node's limit wins: the thread never grows the node above it.
 * rte_fastmem_trim() and the decay keep the headroom free; set it to 0 to
 * give it back with them. The thread runs while some node has a headroom;
 * rte_fastmem_deinit() stops it. Large objects (above 448 KiB) get
 * memzones of their own and take nothing from the headroom.
 *
 * @param socket_id
 *   NUMA node id, or SOCKET_ID_ANY for every node EAL can allocate on.
 * @param bytes
 *   Free bytes to keep, rounded up to 2 MiB segments when the node grows;
 *   0 turns it off (the default).
 * @return
 *   - 0: Success.
 *   - -EINVAL: Bad node id.
 *   - -ENXIO: A node EAL cannot allocate on.
 *   - -ERANGE: @p bytes above the limit of a node (rte_fastmem_set_limit()).
 *   - -ENOMEM: The node could not grow that much now; its headroom stays
 *     as it was, and what it got stays, counted in bytes_backing, until
 *     rte_fastmem_trim() releases it.
 *   - -E_RTE_SECONDARY: Called from a secondary process.
 *   - -ENODEV: Not initialized.
 *   - Another negative errno: the thread could not be created.
 *   Nothing changes on an error, other than what -ENOMEM says.
 */
__rte_experimental
int
rte_fastmem_set_headroom(int socket_id, size_t bytes);

/**
 * Read the headroom of a node, in any process.
 *
 * @param socket_id
 *   NUMA node id.
 * @return
 *   The headroom in bytes (0: off), or 0 with rte_errno set to EINVAL (bad
 *   node id, SOCKET_ID_ANY) or ENODEV (not initialized).
 */
__rte_experimental
size_t
rte_fastmem_get_headroom(int socket_id);

/**
 * Read the backing-memory cap of a node.
 *
 * @param socket_id
 *   NUMA node id.
 * @return
 *   The cap (SIZE_MAX: none), or 0 with rte_errno set to EINVAL (bad node
 *   id, SOCKET_ID_ANY) or ENODEV (not initialized).
 */
__rte_experimental
size_t
rte_fastmem_get_limit(int socket_id);

/**
 * Back a node with hugepages fastmem maps itself, even where EAL has memory.
 *
 * fastmem backs a node EAL has no memory on (a CPU-less HBM or CXL node,
 * say) with 2 MiB hugepages it maps from files in a hugetlbfs directory
 * and binds to the node, registered as an external heap of EAL's (primary
 * process only). This call makes it do so for a node EAL has memory on
 * too: to keep fastmem out of the memory EAL was given (its -m or
 * --socket-mem), or to test that path on a machine whose nodes all have
 * EAL memory. Memory fastmem holds already stays where it is until
 * released; what the node takes next comes from the new source. May be
 * called before rte_fastmem_init(); the setting outlives
 * rte_fastmem_deinit().
 *
 * @param socket_id
 *   NUMA node id (not SOCKET_ID_ANY). A node the machine lacks may be
 *   named: its growth then fails with ENOMEM.
 * @param on
 *   true: fastmem's own hugepages; false: EAL's memory where EAL has some
 *   (the default).
 * @return
 *   - 0: Success.
 *   - -EINVAL: Bad node id; nothing changes.
 */
__rte_experimental
int
rte_fastmem_set_external_heap(int socket_id, bool on);

/**
 * Choose the directory of the hugepage files behind external heaps.
 *
 * The files of the hugepages fastmem maps itself (see
 * rte_fastmem_set_external_heap()) are created, and removed at once, in
 * this directory, which must be on a hugetlbfs mount of 2 MiB pages; by
 * default fastmem takes the first such mount of /proc/mounts. The
 * directory is checked when fastmem next maps hugepages: a node that
 * cannot grow from it logs why and fails the growth with ENOMEM. May be
 * called before rte_fastmem_init().
 *
 * @param dir
 *   The directory, or NULL for the default.
 * @return
 *   - 0: Success.
 *   - -ENAMETOOLONG: @p dir is PATH_MAX bytes or longer; nothing changes.
 */
__rte_experimental
int
rte_fastmem_set_hugepage_dir(const char *dir);

/**
 * Largest object size rte_fastmem_alloc() can serve.
 *
 * @return
 *   The largest size a memzone can have (EAL's memory bounds it further);
 *   sizes up to 448 KiB come from size classes, larger ones from a memzone each.
 */
__rte_experimental
size_t
rte_fastmem_max_size(void);

/**
 * Slab size classes.
 *
 * @param sizes
 *   If not NULL, an array of at least the returned number of entries,
 *   filled with the class sizes in increasing order.
 * @return
 *   The number of size classes.
 */
__rte_experimental
unsigned int
rte_fastmem_classes(size_t *sizes);

/**
 * @internal Out-of-line allocation: everything the inline cache hit does not cover.
 */
__rte_fastmem_slow_path
void *
__rte_fastmem_alloc_slow(size_t size, size_t align, unsigned int flags, int socket_id);

/** @internal Out-of-line free. */
__rte_fastmem_slow_path
void
__rte_fastmem_free_slow(void *ptr);

/** @internal Out-of-line handle allocation. */
__rte_fastmem_slow_path
void *
__rte_fastmem_halloc_slow(rte_fastmem_handle_t handle, unsigned int flags);

/** @internal Out-of-line handle free. */
__rte_fastmem_slow_path
void
__rte_fastmem_hfree_slow(rte_fastmem_handle_t handle, void *ptr);

/**
 * Free an object.
 *
 * @param ptr
 *   An object from any fastmem allocation call, or NULL (no-op). Any thread
 *   may free any object.
 */
__rte_experimental
static inline void
rte_fastmem_free(void *ptr)
{
	struct __rte_fastmem_cache *c;

	if (unlikely(ptr == NULL))
		return;
	if (__RTE_FASTMEM_CHECKED) {
		__rte_fastmem_free_slow(ptr);
		return;
	}
	c = __rte_fastmem_free_cache(__rte_fastmem_slice_of(ptr)->cache_idx);
	if (likely(c->len < c->cap)) {
		__rte_fastmem_cache_push(c, ptr);
		return;
	}
	__rte_fastmem_free_slow(ptr);
}

/**
 * Allocate an object on the calling thread's NUMA node.
 *
 * Unlike the RFC, falls back to other nodes (rte_fastmem_lcore_nodes()
 * order) when the local node has no memory left, like
 * rte_fastmem_alloc_socket() with SOCKET_ID_ANY.
 *
 * @param size
 *   Object size in bytes, 1 to rte_fastmem_max_size().
 * @param align
 *   0 for the default alignment (see the file description), or a power of 2.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   The object, or NULL with rte_errno set:
 *   - EINVAL: @p size is 0, @p align is not a power of 2, unknown @p flags.
 *   - E2BIG: @p size above rte_fastmem_max_size(), @p align above 1 MiB.
 *   - ENOMEM: No memory on any node (EAL or limits).
 *   - ENODEV: Not initialized.
 */
__rte_experimental
static inline void *
rte_fastmem_alloc(size_t size, size_t align, unsigned int flags)
	__rte_malloc;

/**
 * @internal An allocation, from the home node's cache when it has an object
 * and @p socket_id is SOCKET_ID_ANY or the home node, else out of line.
 */
static __rte_always_inline void *
__rte_fastmem_alloc_on(size_t size, size_t align, unsigned int flags, int socket_id)
{
	unsigned int cls = __rte_fastmem_size_to_class(size, align);
	struct __rte_fastmem_thread *t = &RTE_PER_LCORE(_fastmem_thread);
	struct __rte_fastmem_cache *home = t->home, *c;
	void *obj;

	if (likely(cls < __RTE_FASTMEM_NUM_CLASSES && !__RTE_FASTMEM_CHECKED &&
			(socket_id == SOCKET_ID_ANY ||
			home - t->caches == (ptrdiff_t)socket_id * __RTE_FASTMEM_NUM_CLASSES))) {
		c = home + cls;
		if (likely(c->len > 0 && (flags & ~RTE_FASTMEM_F_ZERO) == 0)) {
			obj = __rte_fastmem_cache_pop(c);
			if (flags != 0)
				memset(obj, 0, __rte_fastmem_class_size(cls));
			return obj;
		}
	}
	return __rte_fastmem_alloc_slow(size, align, flags, socket_id);
}

static inline void *
rte_fastmem_alloc(size_t size, size_t align, unsigned int flags)
{
	return __rte_fastmem_alloc_on(size, align, flags, SOCKET_ID_ANY);
}

/**
 * Allocate an object on a given NUMA node.
 *
 * @param size
 *   Object size in bytes.
 * @param align
 *   0 or a power of 2, see rte_fastmem_alloc().
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @param socket_id
 *   NUMA node id: only that node is used. SOCKET_ID_ANY: the caller's node,
 *   then the others.
 * @return
 *   The object, or NULL with rte_errno set as for rte_fastmem_alloc(), and
 *   EINVAL for a bad node id, ENXIO for a node EAL cannot allocate on.
 */
__rte_experimental
static inline void *
rte_fastmem_alloc_socket(size_t size, size_t align, unsigned int flags, int socket_id)
	__rte_malloc;

static inline void *
rte_fastmem_alloc_socket(size_t size, size_t align, unsigned int flags, int socket_id)
{
	return __rte_fastmem_alloc_on(size, align, flags, socket_id);
}

/**
 * Resize an object.
 *
 * The object keeps its address when the new size maps to its class, or
 * fits its class (for a large object, its memzone) and is more than half
 * of it; otherwise it moves to a new object on the same node, the first
 * min(old, new) bytes are copied and the old object is freed. Debug and
 * ASan builds always move objects of the size classes.
 *
 * @param ptr
 *   The object, or NULL to allocate.
 * @param size
 *   New size; 0 frees @p ptr and returns NULL (rte_errno not set).
 * @param align
 *   0 or a power of 2; an object not aligned to it moves.
 * @return
 *   The object, or NULL with rte_errno set as for rte_fastmem_alloc(); on
 *   failure @p ptr is left valid and unchanged.
 */
__rte_experimental
void *
rte_fastmem_realloc(void *ptr, size_t size, size_t align);

/**
 * Allocate @p n objects of one size on a node, all or nothing.
 *
 * @param ptrs
 *   Array of at least @p n entries, filled on success, untouched on failure.
 * @param n
 *   Number of objects; 0 (with valid other arguments) succeeds and does nothing.
 * @param size
 *   Object size.
 * @param align
 *   0 or a power of 2.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @param socket_id
 *   NUMA node id or SOCKET_ID_ANY.
 * @return
 *   0 on success, or a negative errno (also stored in rte_errno): -EINVAL
 *   (NULL @p ptrs with n > 0, bad size/align/flags/node), -ENXIO (node
 *   without EAL memory), -E2BIG, -ENOMEM, -ENODEV.
 */
__rte_experimental
int
rte_fastmem_alloc_bulk_socket(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags, int socket_id);

/** @internal Out-of-line bulk allocation on the caller's node. */
__rte_fastmem_slow_path
int
__rte_fastmem_alloc_bulk_slow(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags);

/**
 * Allocate @p n objects of one size on the caller's node, all or nothing.
 *
 * Like rte_fastmem_alloc_bulk_socket() with SOCKET_ID_ANY; inline when
 * the calling thread's cache holds @p n objects.
 *
 * @param ptrs
 *   Array of at least @p n entries, filled on success, untouched on failure.
 * @param n
 *   Number of objects; 0 (with valid other arguments) succeeds and does nothing.
 * @param size
 *   Object size.
 * @param align
 *   0 or a power of 2.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   As rte_fastmem_alloc_bulk_socket().
 */
__rte_experimental
static inline int
rte_fastmem_alloc_bulk(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags)
{
	unsigned int cls = __rte_fastmem_size_to_class(size, align);
	struct __rte_fastmem_cache *c;

	if (likely(cls < __RTE_FASTMEM_NUM_CLASSES && flags == 0 && ptrs != NULL &&
			!__RTE_FASTMEM_CHECKED)) {
		c = RTE_PER_LCORE(_fastmem_thread).home + cls;
		/* 0 < n <= len: an idle cache (len 0, no stack) never gets here. */
		if (likely(n - 1 < c->len)) {
			__rte_fastmem_cache_pop_bulk(c, ptrs, n);
			return 0;
		}
	}
	return __rte_fastmem_alloc_bulk_slow(ptrs, n, size, align, flags);
}

/** @internal Out-of-line bulk free. */
__rte_fastmem_slow_path
void
__rte_fastmem_free_bulk_slow(void **ptrs, unsigned int n);

/**
 * @internal Bulk free of @p n objects, not all of the first one's run,
 * already copied above the top of cache @p c, of the first object's cache
 * @p idx. If all are of that cache, keeps the copy sorted into one run
 * when a run holds enough objects below it, else gives them to the bin
 * as a miss that grows the cache.
 */
__rte_fastmem_slow_path
void
__rte_fastmem_free_bulk_runs(struct __rte_fastmem_cache *c, uint32_t idx, void **ptrs,
		unsigned int n);

/**
 * Free @p n objects of any classes and nodes.
 *
 * Inline when all objects are of the first one's run (neighbouring pages
 * of one class and node, often all of a class's) and fit in the cache;
 * objects of other pages but the same class and node still go to
 * their cache in one copy, out of line, which also swaps objects of the
 * cache's top with objects below, where it holds some, so that the next
 * bulk alloc of @p n objects gets one run; otherwise each run of such
 * objects goes to its cache in one copy.
 *
 * @param ptrs
 *   The objects; NULL entries are skipped. NULL @p ptrs is a no-op.
 * @param n
 *   Number of entries.
 */
__rte_experimental
static inline void
rte_fastmem_free_bulk(void **ptrs, unsigned int n)
{
	const struct __rte_fastmem_slice *slice;
	struct __rte_fastmem_cache *c;
	uint32_t idx, run;

	if (likely(ptrs != NULL && n > 0 && ptrs[0] != NULL && !__RTE_FASTMEM_CHECKED)) {
		slice = __rte_fastmem_slice_of(ptrs[0]);
		idx = slice->cache_idx;
		c = __rte_fastmem_free_cache(idx);
		/*
		 * Copied above the stack's top, and kept if all objects are in
		 * the first one's run. Others have their slices checked
		 * out of line: that loop would make every caller's inline code
		 * heavy.
		 */
		if (likely(c->cap - c->len >= n)) {
			run = rte_atomic_load_explicit(&slice->run, rte_memory_order_relaxed);
			if (likely(!__rte_fastmem_copy_objs(&c->objs[c->len], ptrs, n,
					__RTE_FASTMEM_COPY_IN_RANGE,
					__rte_fastmem_run_base(ptrs[0], run),
					__rte_fastmem_run_len(run))))
				__rte_fastmem_cache_pushed(c, n);
			else
				__rte_fastmem_free_bulk_runs(c, idx, ptrs, n);
			return;
		}
	}
	__rte_fastmem_free_bulk_slow(ptrs, n);
}

/**
 * Resolve a (size, alignment, node) once, for rte_fastmem_halloc().
 *
 * @param size
 *   Object size, at most the largest size class (448 KiB).
 * @param align
 *   0 or a power of 2.
 * @param socket_id
 *   NUMA node id, or SOCKET_ID_ANY for the caller's node (the RFC rejected
 *   SOCKET_ID_ANY).
 * @param handle
 *   Where to store the handle.
 * @return
 *   0, or -EINVAL (NULL @p handle, size 0, bad align or node), -ENXIO (a
 *   node EAL cannot allocate on), -E2BIG (size beyond the size classes),
 *   -ENOMEM (no memory for the node's bookkeeping, or a node the machine
 *   lacks, forced with rte_fastmem_set_external_heap()), -ENODEV.
 */
__rte_experimental
int
rte_fastmem_hlookup(size_t size, size_t align, int socket_id, rte_fastmem_handle_t *handle);

/**
 * @internal Whether this thread's row has a cache for @p handle; a value
 * past its caches takes the slow path, which rejects it. A row has caches
 * for the nodes fastmem can hold memory on only, so the bound is the
 * thread's: a branch, which the CPU predicts, where clamping the value to
 * it would make the cache's address wait for the bound (a handle alloc
 * and free pair took 4.77 to 4.85 cycles, clamped 4.86 to 4.99; AMD EPYC).
 */
static __rte_always_inline bool
__rte_fastmem_handle_in_row(rte_fastmem_handle_t handle)
{
	return handle < RTE_PER_LCORE(_fastmem_thread).no_cache;
}

/** @internal This thread's cache of a handle __rte_fastmem_handle_in_row() accepted. */
static __rte_always_inline struct __rte_fastmem_cache *
__rte_fastmem_handle_cache(rte_fastmem_handle_t handle)
{
	return RTE_PER_LCORE(_fastmem_thread).caches + handle;
}

/**
 * Allocate an object of a handle's class and node.
 *
 * @param handle
 *   From rte_fastmem_hlookup().
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   The object, or NULL with rte_errno ENOMEM, EINVAL (bad handle or flags)
 *   or ENODEV.
 */
__rte_experimental
static inline void *
rte_fastmem_halloc(rte_fastmem_handle_t handle, unsigned int flags)
	__rte_malloc;

static inline void *
rte_fastmem_halloc(rte_fastmem_handle_t handle, unsigned int flags)
{
	struct __rte_fastmem_cache *c;

	if (likely(flags == 0 && !__RTE_FASTMEM_CHECKED && __rte_fastmem_handle_in_row(handle))) {
		c = __rte_fastmem_handle_cache(handle);
		if (likely(c->len > 0))
			return __rte_fastmem_cache_pop(c);
	}
	return __rte_fastmem_halloc_slow(handle, flags);
}

/**
 * Free an object allocated with a handle (or of the handle's class and node).
 *
 * Skips the slice lookup. In debug builds a mismatch is detected;
 * in release builds it is undefined behaviour.
 *
 * @param handle
 *   The handle of the object's class and node.
 * @param ptr
 *   The object, or NULL (no-op).
 */
__rte_experimental
static inline void
rte_fastmem_hfree(rte_fastmem_handle_t handle, void *ptr)
{
	struct __rte_fastmem_cache *c;

	if (likely(ptr != NULL && !__RTE_FASTMEM_CHECKED && __rte_fastmem_handle_in_row(handle))) {
		c = __rte_fastmem_handle_cache(handle);
		if (likely(c->len < c->cap)) {
			__rte_fastmem_cache_push(c, ptr);
			return;
		}
	}
	__rte_fastmem_hfree_slow(handle, ptr);
}

/** @internal Out-of-line handle bulk allocation. */
__rte_fastmem_slow_path
int
__rte_fastmem_halloc_bulk_slow(rte_fastmem_handle_t handle, void **ptrs, unsigned int n,
		unsigned int flags);

/** @internal Out-of-line handle bulk free. */
__rte_fastmem_slow_path
void
__rte_fastmem_hfree_bulk_slow(rte_fastmem_handle_t handle, void **ptrs, unsigned int n);

/**
 * Allocate @p n objects with a handle, all or nothing.
 *
 * @param handle
 *   From rte_fastmem_hlookup().
 * @param ptrs
 *   Array of at least @p n entries, untouched on failure.
 * @param n
 *   Number of objects; 0 (with valid other arguments) succeeds and does nothing.
 * @param flags
 *   0 or RTE_FASTMEM_F_ZERO.
 * @return
 *   0, or -EINVAL (bad handle, flags, NULL @p ptrs with n > 0), -ENOMEM,
 *   -ENODEV; also stored in rte_errno.
 */
__rte_experimental
static inline int
rte_fastmem_halloc_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n,
		unsigned int flags)
{
	struct __rte_fastmem_cache *c;

	if (likely(flags == 0 && ptrs != NULL && !__RTE_FASTMEM_CHECKED &&
			__rte_fastmem_handle_in_row(handle))) {
		c = __rte_fastmem_handle_cache(handle);
		if (likely(n - 1 < c->len)) {
			__rte_fastmem_cache_pop_bulk(c, ptrs, n);
			return 0;
		}
	}
	return __rte_fastmem_halloc_bulk_slow(handle, ptrs, n, flags);
}

/**
 * Free @p n objects of a handle's class and node.
 *
 * @param handle
 *   The objects' handle.
 * @param ptrs
 *   The objects; NULL entries are skipped. NULL @p ptrs is a no-op.
 * @param n
 *   Number of entries.
 */
__rte_experimental
static inline void
rte_fastmem_hfree_bulk(rte_fastmem_handle_t handle, void **ptrs, unsigned int n)
{
	struct __rte_fastmem_cache *c;

	if (likely(ptrs != NULL && n > 0 && !__RTE_FASTMEM_CHECKED &&
			__rte_fastmem_handle_in_row(handle))) {
		c = __rte_fastmem_handle_cache(handle);
		/* Copied above the stack's top, kept if no entry is NULL. */
		if (likely(c->cap - c->len >= n)) {
			if (likely(!__rte_fastmem_copy_objs(&c->objs[c->len], ptrs, n,
					__RTE_FASTMEM_COPY_NOT_NULL, 0, 0))) {
				__rte_fastmem_cache_pushed(c, n);
				return;
			}
		}
	}
	__rte_fastmem_hfree_bulk_slow(handle, ptrs, n);
}

/**
 * IOVA of an object byte, in O(1).
 *
 * @param ptr
 *   Pointer into a live fastmem object; for an object above 448 KiB, into
 *   the part before the first 2 MiB boundary after its start (the object is
 *   IOVA-contiguous: add the offset for bytes further in).
 * @return
 *   The IOVA, or RTE_BAD_IOVA if the backing memory has none (or @p ptr is
 *   NULL). A pointer fastmem did not hand out is undefined behaviour.
 */
__rte_experimental
static inline rte_iova_t
rte_fastmem_virt2iova(const void *ptr)
{
	const struct __rte_fastmem_segment_pub *s = __rte_fastmem_segment_of(ptr);

	if (unlikely(ptr == NULL || s->iova == RTE_BAD_IOVA))
		return RTE_BAD_IOVA;
	return s->iova + (uintptr_t)RTE_PTR_DIFF(ptr, s);
}

/**
 * Is an address in memory fastmem holds?
 *
 * Exact and lock-free, in O(1) for the few EAL memseg lists fastmem uses:
 * each of fastmem's memzones starts at a 2 MiB boundary, and a map per
 * memseg list gives the end of fastmem's part of each 2 MiB region (a
 * large object's memzone may end inside one, where EAL's heap has other
 * blocks). Only the map is read, so any address may be asked about.
 * Inline when the address is in the segment the thread found last (and
 * no region has stopped being fastmem's since).
 *
 * @param ptr
 *   Any address (NULL, a stack address, an rte_malloc() pointer...).
 * @return
 *   true if @p ptr lies in a memzone of fastmem (segments, a large
 *   object's), whichever process of the group reserved it (a live object
 *   or not); false otherwise (the last 1 KiB of a memzone's last segment
 *   is EAL's), and when this process has not initialized or attached
 *   fastmem.
 */
__rte_experimental
static inline bool
rte_fastmem_owns(const void *ptr);

/** @internal rte_fastmem_owns() out of line: the maps. */
__rte_fastmem_slow_path
bool
__rte_fastmem_owns_slow(const void *ptr);

static inline bool
rte_fastmem_owns(const void *ptr)
{
	const struct __rte_fastmem_thread *t = &RTE_PER_LCORE(_fastmem_thread);

	if (likely((uintptr_t)ptr - t->owned_base < t->owned_len &&
			rte_atomic_load_explicit(__rte_fastmem_owner_epoch,
				rte_memory_order_acquire) ==
			t->owned_epoch))
		return true;
	return __rte_fastmem_owns_slow(ptr);
}

/**
 * @internal Bytes the caller may use at an object: at least what it asked
 * for, up to the end of its class (or of a large object's memzone); the
 * size asked for in debug builds, which check the bytes after it.
 *
 * @param ptr
 *   An object fastmem returned (rte_fastmem_owns() is true), or NULL.
 * @return
 *   The usable size, 0 for NULL.
 */
__rte_internal
size_t
rte_fastmem_usable_size(const void *ptr);

/**
 * @internal Have fastmem's own bookkeeping (bins, cache rows, depots...)
 * use these functions for EAL's heap instead of rte_malloc_socket() and
 * rte_free(): an rte_malloc interposer passes EAL's own, so that fastmem
 * never serves itself. Call before rte_fastmem_init(); NULL restores the
 * default.
 */
__rte_internal
void
rte_fastmem_set_eal_heap(void *(*malloc_socket)(const char *type, size_t size,
		unsigned int align, int socket),
	void (*free_fn)(void *ptr));

/**
 * Give the calling thread's cached objects back to the shared bins.
 *
 * Also frees the caches' own memory, until the thread's next allocation or
 * free. Call it before a thread stops allocating for a long time.
 * Statistics are kept. No effect on threads without caches.
 */
__rte_experimental
void
rte_fastmem_cache_flush(void);

/**
 * Set the byte budget of an lcore's caches.
 *
 * An lcore's caches of one node hold at most @p bytes of free objects
 * together (each cache's capacity times its class size), shared among the
 * classes the lcore uses: a cache gets 4 KiB of objects (at least one)
 * when its class first misses and doubles on later misses (a refill only
 * when the lcore streams the class: few other caches missed since its
 * last), taking budget from the lcore's other classes: all of it
 * from classes that stopped missing, else half of the largest cache's, as
 * long as it is larger (the objects above a smaller capacity go back to
 * the shared bins). So idle classes give way to busy ones. A class's
 * cache also holds at most 1024 objects or about 2 MiB. The budget bounds
 * what the caches keep from the shared bins, not the objects an lcore can
 * allocate. No cost on a cache hit.
 *
 * @param lcore_id
 *   An lcore id of the calling process (also one that has not used
 *   fastmem yet), or RTE_MAX_LCORE for every lcore, including those that
 *   start using fastmem later (the default budget, 1.5 MiB). Budgets last
 *   until rte_fastmem_deinit().
 * @param bytes
 *   The budget per node; 0 turns the caches off (every call then takes
 *   the shared bins' lock).
 * @return
 *   0, -EINVAL (@p lcore_id above RTE_MAX_LCORE) or -ENODEV. The calling
 *   thread's own caches follow the budget before it returns; another
 *   lcore's caches of a node at its next cache miss on that node. A
 *   secondary that attaches again after the primary's deinit has the
 *   default budgets again.
 */
__rte_experimental
int
rte_fastmem_set_cache_budget(unsigned int lcore_id, size_t bytes);

/**
 * Read the byte budget of an lcore's caches.
 *
 * @param lcore_id
 *   An lcore id of the calling process, or RTE_MAX_LCORE for the default.
 * @return
 *   The budget per node, or 0 with rte_errno set to EINVAL (@p lcore_id
 *   above RTE_MAX_LCORE) or ENODEV (not initialized); a budget of 0 leaves
 *   rte_errno alone (clear it before the call to tell them apart).
 */
__rte_experimental
size_t
rte_fastmem_get_cache_budget(unsigned int lcore_id);

/**
 * Give free memory back to EAL on its own, after it stayed unused.
 *
 * Off by default. When on, an EAL alarm of the primary process (in EAL's
 * interrupt thread, never on an lcore) checks a few times per @p ms: the
 * shared bins that saw no cache refill or flush for @p ms are drained as
 * rte_fastmem_trim() drains them, and the backing memzones whose pages all
 * stayed free for @p ms are freed, as long as the node keeps what
 * rte_fastmem_reserve() asked for and its headroom (see
 * rte_fastmem_set_headroom()). Objects in threads' caches stay there
 * (see rte_fastmem_set_cache_budget() for their bound). rte_fastmem_deinit()
 * stops it.
 *
 * @param ms
 *   The decay time in milliseconds, at most 3600000 (an hour); 0 turns it
 *   off.
 * @return
 *   0, -EINVAL (@p ms above an hour; nothing changed), -E_RTE_SECONDARY
 *   (called from a secondary process), -ENODEV (not initialized), or the
 *   negative errno of rte_eal_alarm_set() (the decay is then off).
 */
__rte_experimental
int
rte_fastmem_set_decay(unsigned int ms);

/**
 * Read the decay time, in any process.
 *
 * @return
 *   The decay time in milliseconds (0: off), or -ENODEV (not initialized).
 */
__rte_experimental
int
rte_fastmem_get_decay(void);

/**
 * Return free backing memory to EAL.
 *
 * Gives what the caches of ended secondary processes held back to the
 * shared bins, moves the free objects held in the shared bins back to
 * their pages, and frees every backing memzone none of whose pages is in
 * use, as long as each node keeps its headroom (rte_fastmem_set_headroom()).
 * Objects in other live threads' caches stay there: have those threads
 * call rte_fastmem_cache_flush() first.
 *
 * @return
 *   Number of bytes returned to EAL (>= 0), or -ENODEV.
 */
__rte_experimental
int64_t
rte_fastmem_trim(void);

/**
 * Read the global statistics.
 *
 * Safe while other threads allocate; takes no lock the allocation paths
 * need. Each counter is read without tearing.
 *
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL (NULL @p stats) or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats(struct rte_fastmem_stats *stats);

/**
 * Read the statistics of one NUMA node.
 *
 * Safe while other threads allocate; takes no lock the allocation paths
 * need. The counts are not reset by rte_fastmem_stats_reset().
 *
 * @param socket_id
 *   NUMA node id.
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL (bad node id, SOCKET_ID_ANY, NULL @p stats) or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_node(int socket_id, struct rte_fastmem_node_stats *stats);

/**
 * Read the statistics of one size class.
 *
 * @param class_size
 *   A size returned by rte_fastmem_classes() (exact match).
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL (NULL @p stats, no such class) or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_class(size_t class_size, struct rte_fastmem_class_stats *stats);

/**
 * Read the statistics of one lcore's private caches, all classes and nodes.
 *
 * @param lcore_id
 *   lcore id, below RTE_MAX_LCORE.
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL (NULL @p stats, bad lcore) or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_lcore(unsigned int lcore_id, struct rte_fastmem_lcore_stats *stats);

/**
 * Read the statistics of one lcore's private caches for one class.
 *
 * @param lcore_id
 *   lcore id.
 * @param class_size
 *   A class size (exact match).
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_lcore_class(unsigned int lcore_id, size_t class_size,
		struct rte_fastmem_lcore_class_stats *stats);

/**
 * Read the statistics of the shared path (threads without an lcore id).
 *
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_shared(struct rte_fastmem_lcore_stats *stats);

/**
 * Read the shared-path statistics of one class.
 *
 * @param class_size
 *   A class size (exact match).
 * @param stats
 *   Filled on success.
 * @return
 *   0, -EINVAL or -ENODEV.
 */
__rte_experimental
int
rte_fastmem_stats_shared_class(size_t class_size, struct rte_fastmem_lcore_class_stats *stats);

/**
 * Reset the counters (not the live-object and byte gauges).
 *
 * Safe while other threads allocate (the RFC required quiescence): it
 * records a baseline that readers subtract, and never writes a counter
 * another thread owns.
 */
__rte_experimental
void
rte_fastmem_stats_reset(void);

/**
 * Print the allocator's state in human-readable form.
 *
 * Global counters, then per node (backing, limit, in use, free pages),
 * per class (objects, pages, cache hit rates, rounding waste) and per lcore.
 * Like rte_mempool_dump(), safe while other threads allocate.
 *
 * @param f
 *   Where to print; NULL is a no-op.
 */
__rte_experimental
void
rte_fastmem_dump(FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* RTE_FASTMEM_H */
