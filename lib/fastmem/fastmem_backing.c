/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Backing memory: per NUMA node, memzones of 2 MiB-aligned segments,
 * reserved on demand or up front (fastmem_segment.c sizes them), charged
 * against the node's limit, and given back to EAL when trim finds all
 * their slices free. Large objects get a memzone of their own, starting
 * with a header at a 2 MiB boundary so that the same pointer mask finds
 * it.
 *
 * Nodes EAL has no memory on (CPU-less HBM, CXL or NVM nodes) get their
 * memzones from an external heap of hugepages bound to the node
 * (fastmem_extmem.c); the rest of the allocator sees no difference.
 *
 * Locks: growth reserves a memzone holding nothing but the node's grow
 * lock, which only other growers of the same node wait for; the node lock
 * covers its list of large objects.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <eal_export.h>
#include <rte_cycles.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "fastmem_backing.h"
#include "fastmem_debug.h"
#include "fastmem_extmem.h"
#include "fastmem_heap.h"
#include "fastmem_owner.h"
#include "fastmem_pvt.h"
#include "fastmem_state.h"
#include "fastmem_topology.h"

/*
 * Nodes EAL has memory on (bit per node) and the largest memzone it could
 * make; scanned at init, or on first use when fastmem is not initialized.
 */
static uint64_t eal_nodes;
static size_t eal_max_len;
static RTE_ATOMIC(bool) eal_scanned;
/* Changes with each scan: threads recompute their order of nodes (fastmem_node_order()). */
static RTE_ATOMIC(uint32_t) order_gen = 1;

static int
scan_memseg_list(const struct rte_memseg_list *msl, void *arg __rte_unused)
{
	if (msl->external || !fastmem_node_in_range(msl->socket_id))
		return 0;
	eal_nodes |= UINT64_C(1) << msl->socket_id;
	/* A memzone cannot span memseg lists. */
	eal_max_len = RTE_MAX(eal_max_len, (size_t)msl->len);
	return 0;
}

void
fastmem_backing_scan(void)
{
	eal_nodes = 0;
	eal_max_len = 0;
	rte_memseg_list_walk(scan_memseg_list, NULL);
	rte_atomic_store_explicit(&eal_scanned, true, rte_memory_order_release);
	rte_atomic_fetch_add_explicit(&order_gen, 1, rte_memory_order_release);
}

static void
scan_once(void)
{
	if (!rte_atomic_load_explicit(&eal_scanned,
			rte_memory_order_acquire) && rte_lcore_count() > 0)
		fastmem_backing_scan();
}

static bool
eal_node(int node)
{
	return (eal_nodes & (UINT64_C(1) << node)) != 0;
}

/* A node EAL has memory on, or one an external heap can back. */
bool
fastmem_node_valid(int node)
{
	scan_once();
	return fastmem_node_in_range(node) && (eal_node(node) || fastmem_extmem_usable(node));
}

size_t
fastmem_backing_max_len(void)
{
	scan_once();
	return eal_max_len;
}

/*
 * The calling thread's fallback order over the nodes EAL can use, computed
 * once per thread (the resolver may look at CPU affinity) and again when
 * the nodes EAL can use or the topology change.
 */
static RTE_DEFINE_PER_LCORE(uint32_t, thread_order_gen);
static RTE_DEFINE_PER_LCORE(int, thread_order_len);
static RTE_DEFINE_PER_LCORE(int, thread_order[FASTMEM_MAX_NODES]);

uint32_t
fastmem_node_order_generation(void)
{
	/* Each only grows: the sum changes whenever one does. */
	return rte_atomic_load_explicit(&order_gen, rte_memory_order_acquire) +
		fastmem_topo_generation() + fastmem_extmem_generation();
}

static void
thread_order_compute(void)
{
	int order[FASTMEM_MAX_NODES];
	int *out = RTE_PER_LCORE(thread_order);
	int i, count, k = 0;

	count = RTE_MIN(fastmem_topo_thread_order(order, RTE_DIM(order)), (int)RTE_DIM(order));
	for (i = 0; i < count; i++)
		if (fastmem_node_valid(order[i]))
			out[k++] = order[i];
	/* Nodes the resolver does not know but EAL has (e.g. no hwloc data) come last. */
	for (i = 0; i < FASTMEM_MAX_NODES; i++) {
		int j;

		if (!fastmem_node_valid(i))
			continue;
		for (j = 0; j < k && out[j] != i; j++)
			;
		if (j == k)
			out[k++] = i;
	}
	RTE_PER_LCORE(thread_order_len) = k;
}

int
fastmem_node_order(int node, int *nodes, unsigned int n)
{
	uint32_t gen = fastmem_node_order_generation();
	int i, len;

	if (node != SOCKET_ID_ANY) {
		if (n > 0)
			nodes[0] = node;
		return 1;
	}
	if (RTE_PER_LCORE(thread_order_gen) != gen) {
		thread_order_compute();
		RTE_PER_LCORE(thread_order_gen) = gen;
	}
	len = RTE_MIN(RTE_PER_LCORE(thread_order_len), (int)n);
	for (i = 0; i < len; i++)
		nodes[i] = RTE_PER_LCORE(thread_order)[i];
	return len;
}

/*
 * Node ids fastmem can hold memory on are below this: EAL's nodes and
 * every node the kernel may have (an external heap's), within fastmem's
 * bound. Each thread's cache row has caches for these nodes only: 2.2 KiB
 * per node, where caches for every node id took 66 KiB.
 */
static uint32_t
row_nodes(void)
{
	int max = fastmem_topo_max_possible_node(), node;

	for (node = 0; node < FASTMEM_MAX_NODES; node++)
		if (eal_node(node))
			max = RTE_MAX(max, node);
	return (uint32_t)RTE_MIN(RTE_MAX(max + 1, 1), FASTMEM_MAX_NODES);
}

int
fastmem_backing_init(struct fastmem_state *st)
{
	int i;

	st->row_nodes = row_nodes();
	rte_spinlock_init(&st->mz_lock);
	for (i = 0; i < FASTMEM_MAX_NODES; i++) {
		struct fastmem_node *nd = &st->nodes[i];

		rte_spinlock_init(&nd->lock);
		rte_spinlock_init(&nd->grow_lock);
		rte_spinlock_init(&nd->run_lock);
		TAILQ_INIT(&nd->large);
		nd->limit = SIZE_MAX;
	}
	return 0;
}

rte_iova_t
fastmem_backing_iova(const void *va, size_t len)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(va);
	rte_iova_t iova = rte_mem_virt2iova(va);
	size_t pg, off;

	if (msl == NULL || iova == RTE_BAD_IOVA)
		return RTE_BAD_IOVA;
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		return iova;
	pg = msl->page_sz;
	for (off = pg - ((uintptr_t)va & (pg - 1)); off < len; off += pg)
		if (rte_mem_virt2iova(RTE_PTR_ADD(va, off)) != iova + off)
			return RTE_BAD_IOVA;
	return iova;
}

/* Room left under a node's limit, in bytes. */
static size_t
limit_room(const struct fastmem_node *nd)
{
	uint64_t limit = fastmem_read(&nd->limit);
	uint64_t backing = fastmem_read(&nd->backing);

	return backing >= limit ? 0 : limit - backing;
}

/*
 * Count @p bytes of backing before the memzone exists, if @p room bytes
 * (>= bytes) fit under the limit: concurrent growers (segments and large
 * objects, which do not share a lock) then never overshoot it together.
 */
static bool
backing_charge(struct fastmem_node *nd, uint64_t bytes, uint64_t room)
{
	uint64_t backing = fastmem_read(&nd->backing), limit;

	do {
		limit = fastmem_read(&nd->limit);
		if (room > limit || backing > limit - room)
			return false;
	} while (!rte_atomic_compare_exchange_strong_explicit(&nd->backing, &backing,
			backing + bytes,
			rte_memory_order_acq_rel, rte_memory_order_acquire));
	return true;
}

/* Uncount backing: a memzone that could not be reserved, or that is released. */
static void
backing_uncharge(struct fastmem_node *nd, uint64_t bytes)
{
	rte_atomic_fetch_sub_explicit(&nd->backing, bytes, rte_memory_order_acq_rel);
}

/*
 * Reserve a 2 MiB-aligned memzone for segments, fastmem_segs_len() long.
 * EAL puts a memzone's malloc header just before it, and grows its heap
 * by a hugepage more than the memzone when the previous one ends on a
 * page boundary: memzones of one segment took twice their hugepages.
 * Leaving EAL a tail of 1 KiB (FASTMEM_MZ_TAIL), the next memzone's
 * header goes there.
 *
 * Objects never cross a segment, each of which has its own IOVA
 * (fastmem_backing_iova()): on hugepages of 2 MiB or more a segment is
 * one page, IOVA-contiguous whatever the memzone is. With
 * RTE_MEMZONE_IOVA_CONTIG in IOVA-as-PA mode, EAL wants all the pages it
 * grows by physically contiguous: it seldom gets them, frees them
 * (zeroing each) and allocates again. A growth of one segment took 0.9 to
 * 1.2 ms that way, 0.56 to 0.62 without.
 */
static const struct rte_memzone *
reserve_segments(const char *name, size_t len, int socket_id)
{
	return rte_memzone_reserve_aligned(name, len, socket_id, 0, FASTMEM_SLAB_SIZE);
}

/* Reserve a 2 MiB-aligned memzone for a large object, IOVA-contiguous if EAL can. */
static const struct rte_memzone *
reserve_contig(const char *name, size_t len, int socket_id)
{
	const struct rte_memzone *mz;

	mz = rte_memzone_reserve_aligned(name, len, socket_id, RTE_MEMZONE_IOVA_CONTIG,
			FASTMEM_SLAB_SIZE);
	return mz != NULL ? mz : reserve_segments(name, len, socket_id);
}

static void
free_memzone(const struct rte_memzone *mz, int node)
{
	if (fastmem_extmem_of(mz))
		fastmem_extmem_free(node, mz);
	else
		rte_memzone_free(mz);
}

/*
 * Reserve a memzone for a node, on EAL's heap of the node or on the node's
 * external heap, its regions marked as fastmem's.
 */
static const struct rte_memzone *
reserve_memzone(struct fastmem_state *st, size_t len, int node, char kind)
{
	char name[RTE_MEMZONE_NAMESIZE];
	fastmem_extmem_reserve_t reserve = kind == 's' ? reserve_segments : reserve_contig;
	const struct rte_memzone *mz;
	uint32_t seq;

	rte_spinlock_lock(&st->mz_lock);
	seq = st->mz_seq++;
	rte_spinlock_unlock(&st->mz_lock);
	snprintf(name, sizeof(name), "fastmem_%c%d_%" PRIu32, kind, node, seq);
	if (eal_node(node) && !fastmem_extmem_forced(node))
		mz = reserve(name, len, node);
	else
		mz = fastmem_extmem_reserve(node, name, len, limit_room(&st->nodes[node]),
			reserve);
	if (mz != NULL && fastmem_owner_add(st, mz) != 0) {
		free_memzone(mz, node);
		mz = NULL;
	}
	return mz;
}

/* Give a memzone of a node back, accessible again for whoever gets it next. */
static void
release_memzone(struct fastmem_state *st, const struct rte_memzone *mz, int node)
{
	fastmem_owner_remove(st, mz);
	fastmem_dbg_release(mz->addr, mz->len);
	free_memzone(mz, node);
}

/*
 * Record a new memzone in the first free record, adding a chunk of
 * records (allocated outside the lock) when all are in use. Its index, or
 * -ENOSPC (all FASTMEM_MAX_MZ in use), -ENOMEM (no memory for a chunk).
 */
static int
mz_record(struct fastmem_state *st, const struct rte_memzone *mz, int node, uint32_t n_segs)
{
	struct fastmem_mz *chunk = NULL, *records, *m;
	int i = 0, idx = -ENOSPC;

	for (;;) {
		rte_spinlock_lock(&st->mz_lock);
		for (i = 0; i < FASTMEM_MAX_MZ; i++) {
			/* Chunks are written under mz_lock only: a plain read will do. */
			records = st->mz_chunks[i / FASTMEM_MZ_CHUNK];
			if (records == NULL && chunk == NULL)
				break;
			if (records == NULL) {
				rte_atomic_store_explicit(&st->mz_chunks[i / FASTMEM_MZ_CHUNK],
					chunk, rte_memory_order_release);
				records = chunk;
				chunk = NULL;
			}
			m = &records[i % FASTMEM_MZ_CHUNK];
			if (!m->used) {
				/* Readers without mz_lock see it used only once filled. */
				*m = (struct fastmem_mz){
					.mz = mz, .node = node, .n_segs = n_segs,
					.run_prev = -1, .run_next = -1,
				};
				rte_atomic_store_explicit(&m->used, true, rte_memory_order_release);
				idx = i;
				break;
			}
		}
		rte_spinlock_unlock(&st->mz_lock);
		if (i == FASTMEM_MAX_MZ || idx >= 0)
			break;
		chunk = fastmem_heap_alloc("fastmem_mzs", sizeof(*chunk) * FASTMEM_MZ_CHUNK, true,
				node);
		if (chunk == NULL) {
			idx = -ENOMEM;
			break;
		}
	}
	/* Another node's grower added the chunk first. */
	fastmem_heap_free(chunk);
	return idx;
}

int
fastmem_backing_grow(struct fastmem_state *st, int node, uint32_t want_segs)
{
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *mz = NULL;
	uint64_t len = 0;
	uint32_t n;
	int idx;

	n = (uint32_t)RTE_MIN((uint64_t)want_segs, limit_room(nd) / FASTMEM_SEG_SIZE);
	/* EAL may be fragmented: halve the request down to one segment. */
	for (; n > 0; n /= 2) {
		/* Counted whole: EAL's tail shares the last segment's page. */
		len = (uint64_t)n * FASTMEM_SEG_SIZE;
		if (!backing_charge(nd, len, len))
			continue;
		mz = reserve_memzone(st, fastmem_segs_len(n), node, 's');
		if (mz != NULL)
			break;
		backing_uncharge(nd, len);
	}
	if (mz == NULL)
		return -ENOMEM;
	idx = mz_record(st, mz, node, n);
	if (idx < 0) {
		release_memzone(st, mz, node);
		backing_uncharge(nd, len);
		return idx;
	}
	fastmem_set(&nd->seg_backing, nd->seg_backing + len);
	FASTMEM_LOG(DEBUG, "node %d: +%u segments (memzone %s)", node, n, mz->name);
	return idx;
}

void
fastmem_backing_release(struct fastmem_state *st, int idx)
{
	struct fastmem_mz *m = fastmem_mz(st, idx);
	struct fastmem_node *nd = &st->nodes[m->node];
	const struct rte_memzone *mz = m->mz;
	uint64_t len = (uint64_t)m->n_segs * FASTMEM_SEG_SIZE;
	int node = m->node;

	fastmem_set(&nd->seg_backing, nd->seg_backing - len);
	backing_uncharge(nd, len);
	/* Readers of the records (telemetry) take only mz_lock. */
	rte_spinlock_lock(&st->mz_lock);
	m->used = false;
	rte_spinlock_unlock(&st->mz_lock);
	release_memzone(st, mz, node);
}

struct fastmem_large *
fastmem_large_of(const void *ptr)
{
	return (struct fastmem_large *)(uintptr_t)__rte_fastmem_segment_of(ptr);
}

void *
fastmem_large_alloc(struct fastmem_state *st, size_t size, size_t align, int node)
{
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *mz;
	struct fastmem_large *l;
	size_t offset, len;
	unsigned int i;

	offset = RTE_ALIGN_CEIL(sizeof(*l), RTE_MAX(align, (size_t)RTE_CACHE_LINE_SIZE));
	if (size > SIZE_MAX - offset) {
		rte_errno = E2BIG;
		return NULL;
	}
	/* The memzone's length, as EAL rounds it. */
	len = RTE_ALIGN_CEIL(offset + size, RTE_CACHE_LINE_SIZE);
	/* A large object takes whole segments of the limit: EAL rounds it up anyway. */
	if (!backing_charge(nd, len, RTE_ALIGN_CEIL(len, FASTMEM_SLAB_SIZE))) {
		rte_errno = ENOMEM;
		return NULL;
	}
	mz = reserve_memzone(st, len, node, 'l');
	if (mz == NULL) {
		backing_uncharge(nd, len);
		rte_errno = ENOMEM;
		return NULL;
	}
	/* Free uncharges mz->len: should EAL have rounded differently, count what it took. */
	if (mz->len != len)
		rte_atomic_fetch_add_explicit(&nd->backing, mz->len - len,
				rte_memory_order_acq_rel);
	l = mz->addr;
	*l = (struct fastmem_large){
		.pub.iova = fastmem_backing_iova(mz->addr, len),
		.mz = mz,
		.size = size,
		.offset = offset,
		.node = node,
		.magic = FASTMEM_LARGE_MAGIC,
	};
	for (i = 0; i < FASTMEM_SEG_SLICES; i++) {
		l->pub.slice[i].cache_idx = fastmem_no_cache(st);
		l->pub.slice[i].run = fastmem_run_word(mz->addr, mz->addr);
	}
	rte_spinlock_lock(&nd->lock);
	TAILQ_INSERT_TAIL(&nd->large, l, link);
	fastmem_set(&nd->large_live, nd->large_live + 1);
	fastmem_set(&nd->large_bytes, nd->large_bytes + size);
	fastmem_count(&nd->large_alloc, 1);
	rte_spinlock_unlock(&nd->lock);
	fastmem_dbg_large(RTE_PTR_ADD(l, offset), size, RTE_PTR_ADD(mz->addr, mz->len));
	return RTE_PTR_ADD(l, offset);
}

void
fastmem_large_free(struct fastmem_state *st, struct fastmem_large *l)
{
	int node = l->node;
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *mz = l->mz;

	rte_spinlock_lock(&nd->lock);
	TAILQ_REMOVE(&nd->large, l, link);
	backing_uncharge(nd, mz->len);
	fastmem_set(&nd->large_live, nd->large_live - 1);
	fastmem_set(&nd->large_bytes, nd->large_bytes - l->size);
	fastmem_count(&nd->large_free, 1);
	l->magic = 0;
	rte_spinlock_unlock(&nd->lock);
	release_memzone(st, mz, node);
}

void
fastmem_backing_fini(struct fastmem_state *st)
{
	struct fastmem_large *l;
	int node, idx;

	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		struct fastmem_node *nd = &st->nodes[node];

		while ((l = TAILQ_FIRST(&nd->large)) != NULL)
			fastmem_large_free(st, l);
	}
	FASTMEM_MZ_FOREACH_USED(st, idx) {
		struct fastmem_mz *m = fastmem_mz(st, idx);

		rte_spinlock_lock(&st->mz_lock);
		m->used = false;
		rte_spinlock_unlock(&st->mz_lock);
		release_memzone(st, m->mz, m->node);
	}
	for (idx = 0; idx < (int)RTE_DIM(st->mz_chunks); idx++) {
		fastmem_heap_free(st->mz_chunks[idx]);
		st->mz_chunks[idx] = NULL;
	}
	fastmem_owner_fini(st);
}
