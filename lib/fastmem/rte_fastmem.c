/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Library life cycle and the out-of-line API: argument checks, node
 * choice and fallback, large objects, bulk calls, realloc and handles.
 * The cache-hit paths are inline in rte_fastmem.h.
 */

#include <errno.h>
#include <string.h>

#include <eal_export.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>

#include "fastmem_backing.h"
#include "fastmem_bin.h"
#include "fastmem_cache.h"
#include "fastmem_debug.h"
#include "fastmem_decay.h"
#include "fastmem_headroom.h"
#include "fastmem_layout.h"
#include "fastmem_owner.h"
#include "fastmem_proc.h"
#include "fastmem_pvt.h"
#include "fastmem_run.h"
#include "fastmem_segment.h"
#include "fastmem_state.h"
#include "fastmem_stats.h"
#include "fastmem_topology.h"

RTE_LOG_REGISTER_DEFAULT(fastmem_logtype, NOTICE);

/* Data-path lines logged per second at most; the others are counted and reported. */
#define LOG_DP_PER_SECOND 10u

static RTE_ATOMIC(uint64_t) log_dp_second; /* timer cycles / hz of the current second */
static RTE_ATOMIC(uint32_t) log_dp_lines;  /* lines asked for in that second */

bool
fastmem_log_dp_allowed(void)
{
	uint64_t now = rte_get_timer_cycles() / rte_get_timer_hz();
	uint64_t second = rte_atomic_load_explicit(&log_dp_second, rte_memory_order_relaxed);
	uint32_t lines;

	if (now != second &&
			rte_atomic_compare_exchange_strong_explicit(&log_dp_second, &second, now,
				rte_memory_order_relaxed, rte_memory_order_relaxed)) {
		lines = rte_atomic_exchange_explicit(&log_dp_lines, 0, rte_memory_order_relaxed);
		if (lines > LOG_DP_PER_SECOND)
			FASTMEM_LOG(WARNING, "%u more lines of errors were not logged",
				lines - LOG_DP_PER_SECOND);
	}
	return rte_atomic_fetch_add_explicit(&log_dp_lines, 1, rte_memory_order_relaxed) <
		LOG_DP_PER_SECOND;
}

RTE_ATOMIC(struct fastmem_state *) fastmem_st;

static const struct rte_memzone *state_mz;

/*
 * The state, attaching a secondary process on its first call, and again
 * after the primary's deinit revoked the state it had.
 */
RTE_EXPORT_INTERNAL_SYMBOL(fastmem_state_get)
struct fastmem_state *
fastmem_state_get(void)
{
	struct fastmem_state *st;
	unsigned int attempt;
	int rc;

	if (FASTMEM_CHECKED)
		fastmem_dbg_sync();
	/*
	 * The state, then the revocation, then the state again: a thread that
	 * attached meanwhile published the new state before it cleared the
	 * revocation, so a state read on both sides of it is current.
	 */
	for (attempt = 0; attempt < 3; attempt++) {
		st = rte_atomic_load_explicit(&fastmem_st, rte_memory_order_acquire);
		if (likely(st != NULL && !fastmem_proc_revoked() &&
				rte_atomic_load_explicit(&fastmem_st,
						rte_memory_order_acquire) == st))
			return st;
		if (rte_eal_process_type() != RTE_PROC_SECONDARY)
			return NULL;
		/* -EBUSY: another thread of this process attached first. */
		rc = rte_fastmem_init();
		if (rc != 0 && rc != -EBUSY)
			return NULL;
	}
	return NULL;
}

static int
attach(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(FASTMEM_STATE_MZ);
	struct fastmem_state *st;

	if (mz == NULL)
		return -ENOENT;
	st = mz->addr;
	if (st->magic != FASTMEM_STATE_MAGIC)
		return -ENOENT;
	state_mz = mz;
	return 0;
}

static int
create(void)
{
	const struct rte_memzone *mz;
	struct fastmem_state *st;

	mz = rte_memzone_reserve_aligned(FASTMEM_STATE_MZ, sizeof(*st), SOCKET_ID_ANY, 0,
			RTE_CACHE_LINE_SIZE);
	if (mz == NULL)
		return rte_errno == EEXIST ? -EBUSY : -ENOMEM;
	st = mz->addr;
	memset(st, 0, sizeof(*st));
	fastmem_backing_init(st);
	if (fastmem_owner_init(st) != 0) {
		rte_memzone_free(mz);
		return -ENOMEM;
	}
	st->magic = FASTMEM_STATE_MAGIC;
	state_mz = mz;
	return 0;
}

/* Leave a state that is gone or going: this process's part only. */
static void
detach_local(struct fastmem_state *st)
{
	fastmem_owner_attach(NULL);
	rte_atomic_store_explicit(&fastmem_st, NULL, rte_memory_order_release);
	fastmem_cache_fini(st);
	fastmem_stats_fini();
	fastmem_topo_fini();
}

/* List this process in the state; a full table may hold dead processes. */
static int
proc_attach(struct fastmem_state *st)
{
	int rc = fastmem_proc_attach(st);

	if (rc == -ENOSPC) {
		fastmem_cache_reclaim_dead(st);
		rc = fastmem_proc_attach(st);
	}
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_init, 26.11)
int
rte_fastmem_init(void)
{
	static rte_spinlock_t init_lock = RTE_SPINLOCK_INITIALIZER;
	bool primary = rte_eal_process_type() == RTE_PROC_PRIMARY;
	int rc;

	RTE_BUILD_BUG_ON(FASTMEM_MAX_NODES > 64);
	/* Whole bitmap words of slices; page_first holds 8 bits; the header in word 0. */
	RTE_BUILD_BUG_ON(FASTMEM_SEG_SLICES > 256 || FASTMEM_SEG_SLICES % 64 != 0);
	RTE_BUILD_BUG_ON(FASTMEM_SEG_HEAD_SLICES >= 64);
	RTE_BUILD_BUG_ON(FASTMEM_MAX_NODES * FASTMEM_NUM_CLASSES > UINT16_MAX);
	/* Two to a cache line: see struct __rte_fastmem_cache. */
	RTE_BUILD_BUG_ON(sizeof(struct __rte_fastmem_cache) != 32);

	if (rte_lcore_count() == 0)
		return -ENODEV;
	rte_spinlock_lock(&init_lock);
	if (fastmem_st != NULL && !fastmem_proc_revoked()) {
		rte_spinlock_unlock(&init_lock);
		return -EBUSY;
	}
	/* A revoked state is gone: never touch it again. */
	if (fastmem_st != NULL) {
		detach_local(NULL);
		state_mz = NULL;
	}
	fastmem_backing_scan();
	rc = primary ? create() : attach();
	if (rc == 0) {
		fastmem_topo_init();
		rc = proc_attach(state_mz->addr);
		if (rc == 0)
			rc = fastmem_cache_init();
		if (rc != 0 && primary)
			rte_memzone_free(state_mz);
	}
	if (rc == 0) {
		fastmem_owner_attach(state_mz->addr);
		rte_atomic_store_explicit(&fastmem_st, (struct fastmem_state *)state_mz->addr,
			rte_memory_order_release);
		fastmem_proc_attached();
	}
	rte_spinlock_unlock(&init_lock);
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_deinit, 26.11)
void
rte_fastmem_deinit(void)
{
	struct fastmem_state *st = fastmem_st;

	if (st == NULL)
		return;
	if (fastmem_proc_revoked()) {
		detach_local(NULL);
		state_mz = NULL;
		return;
	}
	fastmem_decay_stop();
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		fastmem_headroom_stop();
	detach_local(st);
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		fastmem_node_bins_fini(st);
		fastmem_backing_fini(st);
		st->magic = 0;
		rte_memzone_free(state_mz);
	}
	state_mz = NULL;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_owns_slow, 26.11)
bool
__rte_fastmem_owns_slow(const void *ptr)
{
	/* Not a state the primary has freed (a secondary finds it revoked). */
	const struct fastmem_state *st = ptr != NULL ? fastmem_state_get() : NULL;

	return st != NULL && fastmem_owner_has(st, ptr);
}

const struct fastmem_node *
fastmem_node_setting(int socket_id)
{
	struct fastmem_state *st = fastmem_state_get();

	if (st == NULL) {
		rte_errno = ENODEV;
		return NULL;
	}
	if (!fastmem_node_in_range(socket_id)) {
		rte_errno = EINVAL;
		return NULL;
	}
	return &st->nodes[socket_id];
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_node_info, 26.11)
int
rte_fastmem_node_info(int node_id, struct rte_fastmem_node_info *info)
{
	int rc = fastmem_topo_node_info(node_id, info);

	/* Without EAL (the info tool), no node is usable. */
	if (rc == 0)
		info->eal_usable = rte_lcore_count() > 0 && fastmem_node_valid(node_id);
	return rc;
}

int
fastmem_check_node(int socket_id)
{
	if (socket_id == SOCKET_ID_ANY)
		return 0;
	if (!fastmem_node_in_range(socket_id))
		return -EINVAL;
	return fastmem_node_valid(socket_id) ? 0 : -ENXIO;
}

/*
 * Validate size, alignment and flags; return the class (or
 * FASTMEM_NUM_CLASSES for a large object) or -errno.
 */
static int
check_request(size_t size, size_t align, unsigned int flags)
{
	unsigned int cls;

	if (size == 0 || (align & (align - 1)) != 0 || (flags & ~RTE_FASTMEM_F_ZERO) != 0)
		return -EINVAL;
	cls = __rte_fastmem_size_to_class(fastmem_dbg_request(size), align);
	if (cls < FASTMEM_NUM_CLASSES)
		return (int)cls;
	/* A large object must not start at a 2 MiB boundary: its header is there. */
	if (size > rte_fastmem_max_size() || align > FASTMEM_SLAB_SIZE / 2)
		return -E2BIG;
	return FASTMEM_NUM_CLASSES;
}

/* One allocation attempt on one node. */
static void *
alloc_on(struct fastmem_state *st, int node, unsigned int cls, size_t size, size_t align)
{
	if (fastmem_node_ready(st, node) != 0)
		return NULL;
	if (cls < FASTMEM_NUM_CLASSES)
		return fastmem_cache_alloc(st, node, cls, size);
	return fastmem_large_alloc(st, size, align, node);
}

static void
count_nomem(struct fastmem_state *st, int node, unsigned int cls)
{
	if (cls < FASTMEM_NUM_CLASSES)
		fastmem_cache_note_nomem(st, cls);
	else
		fastmem_count_shared(&st->nodes[node].large_nomem, 1);
}

/*
 * Objects of a size class leave the allocator: arm the debug checks, and
 * zero them if asked (the whole class; debug builds only the requested
 * bytes, the rest is their red zone).
 */
static void
hand_out(void * const *objs, unsigned int n, unsigned int cls, size_t size, unsigned int flags)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (FASTMEM_CHECKED)
			fastmem_dbg_alloc(objs[i], cls, size);
		if (flags & RTE_FASTMEM_F_ZERO)
			memset(objs[i], 0, FASTMEM_CHECKED ? size : __rte_fastmem_class_size(cls));
	}
}

/* The requested size a handle's objects get: the class, less the debug trailer. */
static size_t
handle_size(unsigned int cls)
{
	return __rte_fastmem_class_size(cls) - (fastmem_dbg_request(1) - 1);
}

static void *
alloc_checked(struct fastmem_state *st, size_t size, size_t align, unsigned int flags,
		int socket_id)
{
	int nodes[FASTMEM_MAX_NODES];
	int cls, n, i, rc;
	void *obj;

	cls = check_request(size, align, flags);
	if (cls < 0) {
		rte_errno = -cls;
		return NULL;
	}
	rc = fastmem_check_node(socket_id);
	if (rc != 0) {
		rte_errno = -rc;
		return NULL;
	}
	n = fastmem_node_order(socket_id, nodes, RTE_DIM(nodes));
	obj = NULL;
	for (i = 0; i < n && obj == NULL; i++)
		obj = alloc_on(st, nodes[i], (unsigned int)cls, size, align);
	if (obj == NULL) {
		if (n > 0)
			count_nomem(st, nodes[0], (unsigned int)cls);
		rte_errno = ENOMEM;
		return NULL;
	}
	if (cls < FASTMEM_NUM_CLASSES)
		hand_out(&obj, 1, (unsigned int)cls, size, flags);
	else if (flags & RTE_FASTMEM_F_ZERO)
		memset(obj, 0, size);
	return obj;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_alloc_slow, 26.11)
void *
__rte_fastmem_alloc_slow(size_t size, size_t align, unsigned int flags, int socket_id)
{
	struct fastmem_state *st = fastmem_state_get();

	if (st == NULL) {
		rte_errno = ENODEV;
		return NULL;
	}
	return alloc_checked(st, size, align, flags, socket_id);
}

/* Free one object whose header says it is large (or is not ours at all). */
static void
free_large(struct fastmem_state *st, void *ptr)
{
	struct fastmem_large *l = fastmem_large_of(ptr);

	if (l->magic != FASTMEM_LARGE_MAGIC || RTE_PTR_ADD(l, l->offset) != ptr) {
		FASTMEM_LOG_DP(ERR, "%p is not a live fastmem object, ignored", ptr);
		return;
	}
	fastmem_large_free(st, l);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_free_slow, 26.11)
void
__rte_fastmem_free_slow(void *ptr)
{
	struct fastmem_state *st = fastmem_state_get();
	uint32_t idx;

	if (ptr == NULL)
		return;
	if (st == NULL) {
		FASTMEM_LOG_DP(ERR, "free(%p) while fastmem is not initialized, ignored", ptr);
		return;
	}
	if (FASTMEM_CHECKED && !fastmem_dbg_free(st, ptr, UINT32_MAX))
		return;
	idx = __rte_fastmem_slice_of(ptr)->cache_idx;
	if (idx >= fastmem_no_cache(st))
		free_large(st, ptr);
	else
		fastmem_cache_free(st, idx, ptr);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_free_bulk_slow, 26.11)
void
__rte_fastmem_free_bulk_slow(void **ptrs, unsigned int n)
{
	struct fastmem_state *st;
	unsigned int i, run;
	uint32_t idx;

	if (ptrs == NULL || n == 0)
		return;
	st = fastmem_state_get();
	if (st == NULL) {
		FASTMEM_LOG_DP(ERR, "free_bulk while fastmem is not initialized, ignored");
		return;
	}
	if (FASTMEM_CHECKED) {
		for (i = 0; i < n; i++)
			__rte_fastmem_free_slow(ptrs[i]);
		return;
	}
	for (i = 0; i < n; i += run) {
		run = 1;
		if (ptrs[i] == NULL)
			continue;
		idx = __rte_fastmem_slice_of(ptrs[i])->cache_idx;
		if (idx >= fastmem_no_cache(st)) {
			free_large(st, ptrs[i]);
			continue;
		}
		/* Objects of one class and node go to their cache in one copy. */
		while (i + run < n && ptrs[i + run] != NULL &&
				(((uintptr_t)ptrs[i + run] ^ (uintptr_t)ptrs[i + run - 1]) <
					FASTMEM_SLICE_SIZE ||
				__rte_fastmem_slice_of(ptrs[i + run])->cache_idx == idx))
			run++;
		fastmem_cache_free_bulk(st, idx, &ptrs[i], run);
	}
}

/* A run as a range: the objects p with p - base < len. */
struct run_range {
	uintptr_t base;
	uintptr_t len;
};

static struct run_range
run_range_of(const void *obj)
{
	uint32_t run = rte_atomic_load_explicit(&__rte_fastmem_slice_of(obj)->run,
			rte_memory_order_relaxed);

	return (struct run_range){
		.base = __rte_fastmem_run_base(obj, run),
		.len = __rte_fastmem_run_len(run),
	};
}

static inline bool
in_run(struct run_range r, const void *obj)
{
	return (uintptr_t)obj - r.base < r.len;
}

/* Entries below a bulk free's objects that its sort looks at, per object. */
#define SORT_DEPTH 16u

/* The entries of cache @p c a sort of the @p n objects above its top draws from. */
static void **
sort_floor(const struct __rte_fastmem_cache *c, unsigned int n)
{
	return &c->objs[c->len - RTE_MIN(c->len, SORT_DEPTH * n)];
}

/* Objects of run @p r from the sort floor to the top of the @p n objects above the top. */
static unsigned int
run_count(const struct __rte_fastmem_cache *c, unsigned int n, struct run_range r)
{
	void * const *p, * const *end = &c->objs[c->len + n];
	unsigned int k = 0;

	for (p = sort_floor(c, n); p != end; p++)
		k += in_run(r, *p);
	return k;
}

/*
 * Give the @p n objects above the top of cache @p c the run @p r, which
 * holds at least n objects from the sort floor up to them, by swapping
 * the others with objects of the run below. The next bulk alloc of as
 * many objects takes them, and their bulk free is then inline: a burst
 * recycled through a cache that holds enough of the run settles in it
 * instead of coming here on every call.
 */
static void
sort_into_run(struct __rte_fastmem_cache *c, unsigned int n, struct run_range r)
{
	void **top = &c->objs[c->len];
	void **below = top, **floor = sort_floor(c, n);
	unsigned int i;
	void *obj;

	for (i = 0; i < n; i++) {
		if (in_run(r, top[i]))
			continue;
		while (below > floor && !in_run(r, below[-1]))
			below--;
		below--;
		obj = *below;
		*below = top[i];
		top[i] = obj;
	}
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_free_bulk_runs, 26.11)
void
__rte_fastmem_free_bulk_runs(struct __rte_fastmem_cache *c, uint32_t idx, void **ptrs,
		unsigned int n)
{
	void **top = &c->objs[c->len];
	struct run_range r = run_range_of(top[0]);
	unsigned int i, in, first_out = 0;
	struct fastmem_state *st;
	uint32_t diff = 0;

	/*
	 * One branch per object, on NULL: predicted, where one on the run
	 * would not be (objects of two runs often alternate in a cache).
	 * top[0] is in its own run: first_out 0 means none is outside.
	 */
	for (i = 0; i < n; i++) {
		if (unlikely(top[i] == NULL))
			break;
		diff |= __rte_fastmem_slice_of(top[i])->cache_idx ^ idx;
		in = in_run(r, top[i]);
		first_out = first_out == 0 && !in ? i : first_out;
	}
	st = fastmem_state_get();
	if (i < n || diff != 0 || st == NULL) {
		__rte_fastmem_free_bulk_slow(ptrs, n);
		return;
	}
	/*
	 * The first object's entry may record only a part of its run: widened
	 * to the whole run, it may hold them all, now and in later bulk frees
	 * (the sort below then swaps none).
	 */
	if (fastmem_run_widen(st, top[0]))
		r = run_range_of(top[0]);
	/*
	 * The first object's run if it can hold them all, else the first
	 * other one's, else that of the object below them (the cache's last
	 * sorted burst, often).
	 */
	in = run_count(c, n, r);
	if (in < n) {
		r = run_range_of(top[first_out]);
		in = run_count(c, n, r);
	}
	if (in < n && c->len > 0) {
		r = run_range_of(top[-1]);
		in = run_count(c, n, r);
	}
	if (in >= n) {
		sort_into_run(c, n, r);
		__rte_fastmem_cache_pushed(c, n);
		return;
	}
	/*
	 * No run to sort them into: the burst goes to the bin as a miss,
	 * which grows the cache; the next allocations take other objects, or
	 * a refill with more to sort with.
	 */
	fastmem_cache_free_unsorted(st, idx, top, n);
}

/*
 * Large objects, one memzone each: all or nothing, ptrs untouched on
 * failure. Until all are there they are chained through their first bytes
 * (always there, if beyond a request smaller than a pointer, with an
 * alignment above the classes'): nothing is allocated for them on the way.
 */
static int
alloc_bulk_large(struct fastmem_state *st, void **ptrs, unsigned int n, size_t size,
		size_t align, unsigned int flags, int socket_id)
{
	void *chain = NULL, *obj;
	unsigned int j;
	int rc;

	for (j = 0; j < n; j++) {
		obj = alloc_checked(st, size, align, flags, socket_id);
		if (obj == NULL) {
			rc = rte_errno;
			while (chain != NULL) {
				obj = chain;
				chain = fastmem_dbg_link_get(obj, FASTMEM_NUM_CLASSES);
				__rte_fastmem_free_slow(obj);
			}
			rte_errno = rc;
			return -rc;
		}
		fastmem_dbg_link_set(obj, FASTMEM_NUM_CLASSES, chain);
		chain = obj;
	}
	for (j = n; j-- > 0; ) {
		ptrs[j] = chain;
		chain = fastmem_dbg_link_get(chain, FASTMEM_NUM_CLASSES);
		if (flags & RTE_FASTMEM_F_ZERO)
			fastmem_dbg_link_set(ptrs[j], FASTMEM_NUM_CLASSES, NULL);
	}
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_alloc_bulk_socket, 26.11)
int
rte_fastmem_alloc_bulk_socket(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags, int socket_id)
{
	int nodes[FASTMEM_MAX_NODES];
	struct fastmem_state *st;
	int cls, rc, k, i;

	st = fastmem_state_get();
	if (st == NULL) {
		rc = -ENODEV;
		goto fail;
	}
	if (ptrs == NULL && n > 0) {
		rc = -EINVAL;
		goto fail;
	}
	cls = check_request(size, align, flags);
	if (cls < 0) {
		rc = cls;
		goto fail;
	}
	rc = fastmem_check_node(socket_id);
	if (rc != 0 || n == 0)
		goto fail;
	if (cls == FASTMEM_NUM_CLASSES)
		return alloc_bulk_large(st, ptrs, n, size, align, flags, socket_id);
	k = fastmem_node_order(socket_id, nodes, RTE_DIM(nodes));
	rc = -ENOMEM;
	for (i = 0; i < k && rc != 0; i++)
		if (fastmem_node_ready(st, nodes[i]) == 0)
			rc = fastmem_cache_alloc_bulk(st, nodes[i], (unsigned int)cls, ptrs, n,
				size);
	if (rc != 0) {
		if (k > 0)
			count_nomem(st, nodes[0], (unsigned int)cls);
		goto fail;
	}
	hand_out(ptrs, n, (unsigned int)cls, size, flags);
	return 0;
fail:
	if (rc != 0)
		rte_errno = -rc;
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_alloc_bulk_slow, 26.11)
int
__rte_fastmem_alloc_bulk_slow(void **ptrs, unsigned int n, size_t size, size_t align,
		unsigned int flags)
{
	return rte_fastmem_alloc_bulk_socket(ptrs, n, size, align, flags, SOCKET_ID_ANY);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_realloc, 26.11)
void *
rte_fastmem_realloc(void *ptr, size_t size, size_t align)
{
	const struct __rte_fastmem_slice *s;
	struct fastmem_state *st;
	size_t old_size, room;
	unsigned int cls, new_cls;
	int node;
	void *obj;

	if (ptr == NULL)
		return __rte_fastmem_alloc_slow(size, align, 0, SOCKET_ID_ANY);
	if (size == 0) {
		rte_fastmem_free(ptr);
		return NULL;
	}
	st = fastmem_state_get();
	if (st == NULL) {
		rte_errno = ENODEV;
		return NULL;
	}
	if ((align & (align - 1)) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	s = __rte_fastmem_slice_of(ptr);
	if (s->cache_idx >= fastmem_no_cache(st)) {
		struct fastmem_large *l = fastmem_large_of(ptr);

		node = l->node;
		old_size = l->size;
		room = l->mz->len - l->offset;
		/* In place while it fits and wastes less than half of the memzone. */
		if (size <= room && size > room / 2 &&
				(align == 0 || ((uintptr_t)ptr & (align - 1)) == 0)) {
			struct fastmem_node *nd = &st->nodes[node];

			rte_spinlock_lock(&nd->lock);
			fastmem_set(&nd->large_bytes, nd->large_bytes - l->size + size);
			l->size = size;
			rte_spinlock_unlock(&nd->lock);
			fastmem_dbg_large(ptr, size, RTE_PTR_ADD(ptr, room));
			return ptr;
		}
	} else {
		cls = fastmem_idx_class(s->cache_idx);
		node = fastmem_idx_node(s->cache_idx);
		old_size = fastmem_dbg_usable(ptr, cls);
		new_cls = __rte_fastmem_size_to_class(fastmem_dbg_request(size), align);
		/*
		 * In place in the same class, or when the size fits the class and
		 * is more than half of it. Debug and ASan builds always move: the
		 * checks and poisoning follow the requested size.
		 */
		if (!FASTMEM_CHECKED && (new_cls == cls || (new_cls < cls &&
				size > old_size / 2 &&
				((uintptr_t)ptr & (RTE_MAX(align, (size_t)1) - 1)) == 0)))
			return ptr;
	}
	obj = alloc_checked(st, size, align, 0, node);
	if (obj == NULL)
		return NULL;
	fastmem_dbg_copy(obj, ptr, RTE_MIN(old_size, size));
	rte_fastmem_free(ptr);
	return obj;
}

/* The node SOCKET_ID_ANY means for the calling thread, or -errno. */
static int
thread_node(void)
{
	int node = fastmem_thread_home();

	return node < 0 ? -ENOMEM : node;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_hlookup, 26.11)
int
rte_fastmem_hlookup(size_t size, size_t align, int socket_id, rte_fastmem_handle_t *handle)
{
	struct fastmem_state *st = fastmem_state_get();
	int cls, rc, node;

	if (st == NULL)
		return -ENODEV;
	if (handle == NULL)
		return -EINVAL;
	cls = check_request(size, align, 0);
	if (cls < 0)
		return cls;
	if (cls == FASTMEM_NUM_CLASSES)
		return -E2BIG;
	rc = fastmem_check_node(socket_id);
	if (rc != 0)
		return rc;
	node = socket_id == SOCKET_ID_ANY ? thread_node() : socket_id;
	if (node < 0)
		return node;
	rc = fastmem_node_ready(st, node);
	if (rc != 0)
		return rc;
	*handle = fastmem_cache_idx(node, (unsigned int)cls);
	return 0;
}

/* The node and class of a handle, or -EINVAL / -ENODEV. */
static int
check_handle(struct fastmem_state *st, rte_fastmem_handle_t handle)
{
	if (st == NULL)
		return -ENODEV;
	if (handle >= fastmem_no_cache(st) || !fastmem_node_valid(fastmem_idx_node(handle)))
		return -EINVAL;
	return fastmem_node_ready(st, fastmem_idx_node(handle));
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_halloc_slow, 26.11)
void *
__rte_fastmem_halloc_slow(rte_fastmem_handle_t handle, unsigned int flags)
{
	struct fastmem_state *st = fastmem_state_get();
	int rc = check_handle(st, handle);
	void *obj;

	if (rc == 0 && (flags & ~RTE_FASTMEM_F_ZERO) != 0)
		rc = -EINVAL;
	if (rc != 0) {
		rte_errno = -rc;
		return NULL;
	}
	obj = fastmem_cache_alloc(st, fastmem_idx_node(handle), fastmem_idx_class(handle),
			handle_size(fastmem_idx_class(handle)));
	if (obj == NULL) {
		count_nomem(st, fastmem_idx_node(handle), fastmem_idx_class(handle));
		rte_errno = ENOMEM;
		return NULL;
	}
	hand_out(&obj, 1, fastmem_idx_class(handle), handle_size(fastmem_idx_class(handle)), flags);
	return obj;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_hfree_slow, 26.11)
void
__rte_fastmem_hfree_slow(rte_fastmem_handle_t handle, void *ptr)
{
	struct fastmem_state *st = fastmem_state_get();

	if (ptr == NULL)
		return;
	if (check_handle(st, handle) != 0) {
		/* A bad handle still frees the object correctly, by its header. */
		__rte_fastmem_free_slow(ptr);
		return;
	}
	if (FASTMEM_CHECKED) {
		if (fastmem_dbg_free(st, ptr, handle))
			fastmem_cache_free(st, __rte_fastmem_slice_of(ptr)->cache_idx, ptr);
		return;
	}
	fastmem_cache_free(st, handle, ptr);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_halloc_bulk_slow, 26.11)
int
__rte_fastmem_halloc_bulk_slow(rte_fastmem_handle_t handle, void **ptrs, unsigned int n,
		unsigned int flags)
{
	struct fastmem_state *st = fastmem_state_get();
	int rc = check_handle(st, handle);
	unsigned int cls = fastmem_idx_class(handle);

	if (rc == 0 && ((ptrs == NULL && n > 0) || (flags & ~RTE_FASTMEM_F_ZERO) != 0))
		rc = -EINVAL;
	if (rc == 0 && n > 0) {
		rc = fastmem_cache_alloc_bulk(st, fastmem_idx_node(handle), cls, ptrs, n,
			handle_size(cls));
		if (rc == -ENOMEM)
			count_nomem(st, fastmem_idx_node(handle), cls);
	}
	if (rc != 0) {
		rte_errno = -rc;
		return rc;
	}
	hand_out(ptrs, n, cls, handle_size(cls), flags);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_hfree_bulk_slow, 26.11)
void
__rte_fastmem_hfree_bulk_slow(rte_fastmem_handle_t handle, void **ptrs, unsigned int n)
{
	struct fastmem_state *st = fastmem_state_get();
	unsigned int i, run;

	if (ptrs == NULL || n == 0)
		return;
	if (check_handle(st, handle) != 0) {
		__rte_fastmem_free_bulk_slow(ptrs, n);
		return;
	}
	if (FASTMEM_CHECKED) {
		for (i = 0; i < n; i++)
			rte_fastmem_hfree(handle, ptrs[i]);
		return;
	}
	/* Runs between NULL entries go to the cache in one copy. */
	for (i = 0; i < n; i += run + 1) {
		for (run = 0; i + run < n && ptrs[i + run] != NULL; run++)
			;
		if (run > 0)
			fastmem_cache_free_bulk(st, handle, &ptrs[i], run);
	}
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_reserve, 26.11)
int
rte_fastmem_reserve(size_t size, int socket_id)
{
	struct fastmem_state *st = fastmem_state_get();
	int nodes[FASTMEM_MAX_NODES];
	int n, i, rc;

	if (st == NULL)
		return -ENODEV;
	rc = fastmem_check_node(socket_id);
	if (rc != 0)
		return rc;
	n = fastmem_node_order(socket_id, nodes, RTE_DIM(nodes));
	rc = -ENOMEM;
	for (i = 0; i < n && rc != 0; i++) {
		rc = fastmem_node_ready(st, nodes[i]);
		if (rc == 0)
			rc = fastmem_node_reserve(st, nodes[i], size);
	}
	return rc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_limit, 26.11)
int
rte_fastmem_set_limit(int socket_id, size_t max_bytes)
{
	struct fastmem_state *st = fastmem_state_get();
	int node, rc;

	if (st == NULL)
		return -ENODEV;
	rc = fastmem_check_node(socket_id);
	if (rc != 0)
		return rc;
	for (node = 0; node < FASTMEM_MAX_NODES; node++)
		if (socket_id == SOCKET_ID_ANY || node == socket_id)
			fastmem_set(&st->nodes[node].limit, max_bytes);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_get_limit, 26.11)
size_t
rte_fastmem_get_limit(int socket_id)
{
	const struct fastmem_node *nd = fastmem_node_setting(socket_id);

	return nd == NULL ? 0 : fastmem_read(&nd->limit);
}

RTE_EXPORT_INTERNAL_SYMBOL(rte_fastmem_usable_size)
size_t
rte_fastmem_usable_size(const void *ptr)
{
	const struct fastmem_state *st = fastmem_state_get();
	const struct __rte_fastmem_slice *s;
	const struct fastmem_large *l;

	/* Not initialized: @p ptr cannot be fastmem's. */
	if (ptr == NULL || st == NULL)
		return 0;
	s = __rte_fastmem_slice_of(ptr);
	if (s->cache_idx < fastmem_no_cache(st))
		return fastmem_dbg_usable((void *)(uintptr_t)ptr, fastmem_idx_class(s->cache_idx));
	l = fastmem_large_of(ptr);
	return FASTMEM_CHECKED ? l->size : l->mz->len - l->offset;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_max_size, 26.11)
size_t
rte_fastmem_max_size(void)
{
	size_t len = fastmem_backing_max_len();

	/* Room for the large-object header; the class limit when EAL is not up. */
	return len > RTE_CACHE_LINE_SIZE ? len - RTE_CACHE_LINE_SIZE : __RTE_FASTMEM_MAX_CLASS_SIZE;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_classes, 26.11)
unsigned int
rte_fastmem_classes(size_t *sizes)
{
	unsigned int cls;

	if (sizes != NULL)
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
			sizes[cls] = __rte_fastmem_class_size(cls);
	return FASTMEM_NUM_CLASSES;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_cache_flush, 26.11)
void
rte_fastmem_cache_flush(void)
{
	struct fastmem_state *st = fastmem_state_get();

	if (st != NULL)
		fastmem_cache_flush_thread(st);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_trim, 26.11)
int64_t
rte_fastmem_trim(void)
{
	struct fastmem_state *st = fastmem_state_get();
	int64_t released = 0;
	unsigned int cls;
	int node;

	if (st == NULL)
		return -ENODEV;
	fastmem_cache_reclaim_dead(st);
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		/* Not valid here: a secondary cannot reach external-heap nodes. */
		if (!rte_atomic_load_explicit(&st->nodes[node].ready, rte_memory_order_acquire) ||
				!fastmem_node_valid(node))
			continue;
		for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
			fastmem_bin_drain(st, &st->nodes[node].bins[cls], true);
		released += fastmem_node_trim(st, node, UINT64_MAX, false);
	}
	return released;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_cache_budget, 26.11)
int
rte_fastmem_set_cache_budget(unsigned int lcore_id, size_t bytes)
{
	struct fastmem_state *st = fastmem_state_get();

	if (st == NULL)
		return -ENODEV;
	return fastmem_cache_set_budget(st, lcore_id, bytes);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_get_cache_budget, 26.11)
size_t
rte_fastmem_get_cache_budget(unsigned int lcore_id)
{
	if (fastmem_state_get() == NULL) {
		rte_errno = ENODEV;
		return 0;
	}
	if (lcore_id > RTE_MAX_LCORE) {
		rte_errno = EINVAL;
		return 0;
	}
	return (size_t)fastmem_cache_budget(lcore_id);
}
