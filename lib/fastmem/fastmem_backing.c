/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Backing memory: per NUMA node, memzones of 2 MiB-aligned slabs, reserved
 * on demand (geometrically growing, up to 128 MiB each) or up front, and
 * given back to EAL by trim once all their slabs are free. Large objects
 * get a memzone of their own, starting with a header at a 2 MiB boundary
 * so that the same pointer mask finds it.
 *
 * Nodes EAL has no memory on (CPU-less HBM, CXL or NVM nodes) get their
 * memzones from an external heap of hugepages bound to the node
 * (fastmem_extmem.c); the rest of the allocator sees no difference.
 *
 * Locks: the node lock covers only the free-slab list. Growth reserves a
 * memzone holding nothing but the node's grow lock, which only other
 * growers of the same node wait for: refills that find a slab never do.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "fastmem_debug.h"
#include "fastmem_extmem.h"
#include "fastmem_pvt.h"
#include "fastmem_topology.h"

/*
 * Growth reserves memzones of a 64th of what the node has, 2 to 64 slabs
 * (4 to 128 MiB): small enough for trim to find wholly free ones while
 * the node is small, few enough for EAL's memzone table when it is big
 * (about 64 memzones per doubling).
 */
#define GROW_MIN_SLABS 2u
#define GROW_MAX_SLABS 64u
#define GROW_FRACTION 64u

/*
 * Nodes EAL has memory on (bit per node) and the largest memzone it could
 * make; scanned at init, or on first use when fastmem is not initialized.
 */
static uint64_t eal_nodes;
static size_t eal_max_len;
static bool eal_scanned;

static int
scan_memseg_list(const struct rte_memseg_list *msl, void *arg __rte_unused)
{
	if (msl->external || msl->socket_id < 0 || msl->socket_id >= FASTMEM_MAX_NODES)
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
	__atomic_store_n(&eal_scanned, true, __ATOMIC_RELEASE);
	fastmem_node_order_reset();
}

static void
scan_once(void)
{
	if (!__atomic_load_n(&eal_scanned, __ATOMIC_ACQUIRE) && rte_lcore_count() > 0)
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
	return node >= 0 && node < FASTMEM_MAX_NODES &&
		(eal_node(node) || fastmem_extmem_usable(node));
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
static uint32_t order_gen = 1;
static RTE_DEFINE_PER_LCORE(uint32_t, thread_order_gen);
static RTE_DEFINE_PER_LCORE(int, thread_order_len);
static RTE_DEFINE_PER_LCORE(int, thread_order[FASTMEM_MAX_NODES]);

void
fastmem_node_order_reset(void)
{
	__atomic_fetch_add(&order_gen, 1, __ATOMIC_RELEASE);
}

uint32_t
fastmem_node_order_generation(void)
{
	/* Both only grow: the sum changes whenever either does. */
	return __atomic_load_n(&order_gen, __ATOMIC_ACQUIRE) + fastmem_topo_generation();
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

int
fastmem_backing_init(struct fastmem_state *st)
{
	int i;

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

/* Set up a node's bins on first use. */
int
fastmem_node_ready(struct fastmem_state *st, int node)
{
	struct fastmem_node *nd = &st->nodes[node];
	unsigned int cls;
	int rc = 0;

	if (__atomic_load_n(&nd->ready, __ATOMIC_ACQUIRE))
		return 0;
	rte_spinlock_lock(&nd->grow_lock);
	if (!nd->ready) {
		for (cls = 0; cls < FASTMEM_NUM_CLASSES && rc == 0; cls++)
			rc = fastmem_bin_init(&nd->bins[cls], node, cls);
		if (rc == 0)
			__atomic_store_n(&nd->ready, true, __ATOMIC_RELEASE);
		else
			while (cls-- > 0)
				fastmem_bin_fini(&nd->bins[cls]);
	}
	rte_spinlock_unlock(&nd->grow_lock);
	return rc;
}

/* IOVA of a range if it is IOVA-contiguous, else RTE_BAD_IOVA. */
static rte_iova_t
range_iova(const void *va, size_t len)
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
 * (>= bytes) fit under the limit: concurrent growers (slabs and large
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
	} while (!__atomic_compare_exchange_n(&nd->backing, &backing, backing + bytes, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return true;
}

/* Uncount backing: a memzone that could not be reserved, or that is released. */
static void
backing_uncharge(struct fastmem_node *nd, uint64_t bytes)
{
	__atomic_fetch_sub(&nd->backing, bytes, __ATOMIC_ACQ_REL);
}

/* Reserve a 2 MiB-aligned memzone on a heap, IOVA-contiguous if EAL can. */
static const struct rte_memzone *
reserve_aligned(const char *name, size_t len, int socket_id)
{
	const struct rte_memzone *mz;

	mz = rte_memzone_reserve_aligned(name, len, socket_id, RTE_MEMZONE_IOVA_CONTIG,
			FASTMEM_SLAB_SIZE);
	if (mz == NULL)
		mz = rte_memzone_reserve_aligned(name, len, socket_id, 0, FASTMEM_SLAB_SIZE);
	return mz;
}

/* Reserve a memzone for a node: on EAL's heap of the node, or on the node's external heap. */
static const struct rte_memzone *
reserve_memzone(struct fastmem_state *st, size_t len, int node, char kind)
{
	char name[RTE_MEMZONE_NAMESIZE];
	uint32_t seq;

	rte_spinlock_lock(&st->mz_lock);
	seq = st->mz_seq++;
	rte_spinlock_unlock(&st->mz_lock);
	snprintf(name, sizeof(name), "fastmem_%c%d_%" PRIu32, kind, node, seq);
	if (eal_node(node) && !fastmem_extmem_forced(node))
		return reserve_aligned(name, len, node);
	return fastmem_extmem_reserve(node, name, len, limit_room(&st->nodes[node]),
			reserve_aligned);
}

/* Give a memzone of a node back, accessible again for whoever gets it next. */
static void
release_memzone(const struct rte_memzone *mz, int node)
{
	fastmem_dbg_release(mz->addr, mz->len);
	if (fastmem_extmem_of(mz))
		fastmem_extmem_free(node, mz);
	else
		rte_memzone_free(mz);
}

static int
mz_record(struct fastmem_state *st, const struct rte_memzone *mz, int node, uint32_t n_slabs)
{
	int i, idx = -1;

	rte_spinlock_lock(&st->mz_lock);
	for (i = 0; i < FASTMEM_MAX_MZ; i++) {
		if (!st->mzs[i].used) {
			st->mzs[i] = (struct fastmem_mz){
				.mz = mz, .node = node, .n_slabs = n_slabs,
				.run_prev = -1, .run_next = -1, .used = true,
			};
			idx = i;
			break;
		}
	}
	rte_spinlock_unlock(&st->mz_lock);
	return idx;
}

/*
 * Reserve one memzone of up to want_slabs slabs (at least one) and put its
 * slabs on the node's free list; with @p taken, all but the first, which
 * goes to the caller: others take free slabs without the grow lock, and
 * could take every new one before the grower. Called with the grow lock
 * held.
 */
static int
grow(struct fastmem_state *st, int node, uint32_t want_slabs, struct fastmem_slab **taken)
{
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *mz = NULL;
	uint32_t n, i, first;
	int idx;

	n = RTE_MIN(want_slabs, (uint32_t)(limit_room(nd) / FASTMEM_SLAB_SIZE));
	/* EAL may be fragmented: halve the request down to one slab. */
	for (; n > 0; n /= 2) {
		uint64_t len = (uint64_t)n * FASTMEM_SLAB_SIZE;

		if (!backing_charge(nd, len, len))
			continue;
		mz = reserve_memzone(st, len, node, 's');
		if (mz != NULL)
			break;
		backing_uncharge(nd, len);
	}
	if (mz == NULL)
		return -ENOMEM;
	idx = mz_record(st, mz, node, n);
	if (idx < 0) {
		release_memzone(mz, node);
		backing_uncharge(nd, (uint64_t)n * FASTMEM_SLAB_SIZE);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		struct fastmem_slab *s = RTE_PTR_ADD(mz->addr, (size_t)i * FASTMEM_SLAB_SIZE);

		memset(s, 0, sizeof(*s));
		s->pub.cache_idx = __RTE_FASTMEM_LARGE_IDX;
		s->pub.run = fastmem_run_word(s, s);
		s->pub.iova = range_iova(s, FASTMEM_SLAB_SIZE);
		s->mz_idx = (uint16_t)idx;
	}
	fastmem_run_link_mz(st, idx);
	first = taken != NULL ? 1 : 0;
	if (taken != NULL)
		*taken = mz->addr;
	rte_spinlock_lock(&nd->lock);
	TAILQ_INIT(&st->mzs[idx].free);
	for (i = first; i < n; i++) {
		struct fastmem_slab *s = RTE_PTR_ADD(mz->addr, (size_t)i * FASTMEM_SLAB_SIZE);

		/* Claimable by a neighbour's bin from now on, not before. */
		s->list = FASTMEM_LIST_NODE;
		TAILQ_INSERT_TAIL(&st->mzs[idx].free, s, link);
	}
	if (n > first)
		nd->mz_with_free[idx / 64] |= UINT64_C(1) << (idx % 64);
	fastmem_set(&nd->n_free_slabs, nd->n_free_slabs + n - first);
	st->mzs[idx].n_free = n - first;
	st->mzs[idx].free_since = rte_get_timer_cycles();
	fastmem_set(&nd->slab_backing, nd->slab_backing + (uint64_t)n * FASTMEM_SLAB_SIZE);
	rte_spinlock_unlock(&nd->lock);
	FASTMEM_LOG(DEBUG, "node %d: +%u slabs (memzone %s)", node, n, mz->name);
	return 0;
}

/* Take free slab @p s off its memzone's list; node lock held. */
static void
free_slab_remove(struct fastmem_state *st, struct fastmem_node *nd, struct fastmem_slab *s)
{
	struct fastmem_mz *m = &st->mzs[s->mz_idx];

	TAILQ_REMOVE(&m->free, s, link);
	if (--m->n_free == 0)
		nd->mz_with_free[s->mz_idx / 64] &= ~(UINT64_C(1) << (s->mz_idx % 64));
	fastmem_set(&nd->n_free_slabs, nd->n_free_slabs - 1);
	s->list = FASTMEM_LIST_NONE;
}

/* A free slab of the lowest memzone record that has one; node lock held. */
static struct fastmem_slab *
pop_free_slab_locked(struct fastmem_state *st, struct fastmem_node *nd)
{
	struct fastmem_slab *s;
	unsigned int w, idx;

	for (w = 0; w < RTE_DIM(nd->mz_with_free) && nd->mz_with_free[w] == 0; w++)
		;
	if (w == RTE_DIM(nd->mz_with_free))
		return NULL;
	idx = w * 64 + rte_bsf64(nd->mz_with_free[w]);
	s = TAILQ_FIRST(&st->mzs[idx].free);
	free_slab_remove(st, nd, s);
	return s;
}

static struct fastmem_slab *
pop_free_slab(struct fastmem_state *st, struct fastmem_node *nd)
{
	struct fastmem_slab *s;

	rte_spinlock_lock(&nd->lock);
	s = pop_free_slab_locked(st, nd);
	rte_spinlock_unlock(&nd->lock);
	return s;
}

/* A free slab of the node, growing it if there is none; not yet of any class. */
static struct fastmem_slab *
node_take_free_slab(struct fastmem_state *st, int node)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_slab *s;
	uint32_t want;

	s = pop_free_slab(st, nd);
	if (s != NULL)
		return s;
	rte_spinlock_lock(&nd->grow_lock);
	/* Another grower may have been faster. */
	s = pop_free_slab(st, nd);
	if (s == NULL) {
		want = (uint32_t)(fastmem_read(&nd->slab_backing) / FASTMEM_SLAB_SIZE /
			GROW_FRACTION);
		want = RTE_MAX(RTE_MIN(want, GROW_MAX_SLABS), GROW_MIN_SLABS);
		if (grow(st, node, want, &s) != 0)
			s = NULL;
	}
	rte_spinlock_unlock(&nd->grow_lock);
	return s;
}

struct fastmem_slab *
fastmem_node_claim_near(struct fastmem_state *st, int node, struct fastmem_slab *near)
{
	struct fastmem_node *nd = &st->nodes[node];
	struct fastmem_slab *s;

	rte_spinlock_lock(&nd->lock);
	s = fastmem_run_free_neighbour(st, node, near);
	if (s != NULL)
		free_slab_remove(st, nd, s);
	rte_spinlock_unlock(&nd->lock);
	return s;
}

struct fastmem_slab *
fastmem_node_take_slab(struct fastmem_state *st, int node, unsigned int cls,
		struct fastmem_slab *claimed)
{
	struct fastmem_slab *s = claimed != NULL ? claimed : node_take_free_slab(st, node);

	if (s != NULL)
		fastmem_run_join(st, node, s, cls);
	return s;
}

void
fastmem_node_give_slabs(struct fastmem_state *st, int node, struct fastmem_slab_head *slabs,
		unsigned int n)
{
	struct fastmem_node *nd = &st->nodes[node];
	uint64_t now = rte_get_timer_cycles();
	struct fastmem_slab *s;
	struct fastmem_mz *m;

	/* Out of their runs before another class can take them. */
	fastmem_run_leave(st, node, slabs);
	rte_spinlock_lock(&nd->lock);
	while ((s = TAILQ_FIRST(slabs)) != NULL) {
		TAILQ_REMOVE(slabs, s, link);
		s->list = FASTMEM_LIST_NODE;
		m = &st->mzs[s->mz_idx];
		/* LIFO within the memzone: the most recently used slab is the warmest. */
		TAILQ_INSERT_HEAD(&m->free, s, link);
		if (++m->n_free == m->n_slabs)
			m->free_since = now;
		nd->mz_with_free[s->mz_idx / 64] |= UINT64_C(1) << (s->mz_idx % 64);
	}
	fastmem_set(&nd->n_free_slabs, nd->n_free_slabs + n);
	rte_spinlock_unlock(&nd->lock);
}

int
fastmem_node_reserve(struct fastmem_state *st, int node, size_t size)
{
	struct fastmem_node *nd = &st->nodes[node];
	uint64_t have;
	uint32_t need;
	int rc = 0;

	rte_spinlock_lock(&nd->grow_lock);
	for (;;) {
		have = fastmem_read(&nd->slab_backing);
		if (have >= size)
			break;
		need = (uint32_t)RTE_MIN((size - have + FASTMEM_SLAB_SIZE - 1) / FASTMEM_SLAB_SIZE,
				(uint64_t)GROW_MAX_SLABS);
		rc = grow(st, node, need, NULL);
		if (rc != 0)
			break;
	}
	/* The decay keeps what a reserve got; a failed one asked for more than there is. */
	if (rc == 0 && size > nd->reserved)
		fastmem_set(&nd->reserved, size);
	rte_spinlock_unlock(&nd->grow_lock);
	return rc;
}

int64_t
fastmem_node_trim(struct fastmem_state *st, int node, uint64_t freed_before, uint64_t keep)
{
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *victims[64];
	unsigned int n_victims, i;
	int64_t released = 0;
	uint64_t len;
	int idx;

	rte_spinlock_lock(&nd->grow_lock);
	do {
		n_victims = 0;
		rte_spinlock_lock(&nd->lock);
		for (idx = 0; idx < FASTMEM_MAX_MZ && n_victims < RTE_DIM(victims); idx++) {
			struct fastmem_mz *m = &st->mzs[idx];

			len = (uint64_t)m->n_slabs * FASTMEM_SLAB_SIZE;
			if (!m->used || m->node != node || m->n_free != m->n_slabs ||
					m->free_since > freed_before ||
					nd->slab_backing < keep || nd->slab_backing - keep < len)
				continue;
			/* All its slabs are on its own list: off the node with one bit. */
			nd->mz_with_free[idx / 64] &= ~(UINT64_C(1) << (idx % 64));
			fastmem_set(&nd->n_free_slabs, nd->n_free_slabs - m->n_slabs);
			fastmem_set(&nd->slab_backing, nd->slab_backing - len);
			backing_uncharge(nd, len);
			released += (int64_t)len;
			victims[n_victims++] = m->mz;
			fastmem_run_unlink_mz(st, idx);
			/* Readers of the records (telemetry) take only mz_lock. */
			rte_spinlock_lock(&st->mz_lock);
			m->used = false;
			rte_spinlock_unlock(&st->mz_lock);
		}
		rte_spinlock_unlock(&nd->lock);
		/* Slabs are off every list now: free the memzones without the node lock. */
		for (i = 0; i < n_victims; i++)
			release_memzone(victims[i], node);
	} while (n_victims == RTE_DIM(victims));
	rte_spinlock_unlock(&nd->grow_lock);
	return released;
}

struct fastmem_large *
fastmem_large_of(const void *ptr)
{
	return (struct fastmem_large *)(uintptr_t)__rte_fastmem_slab_of(ptr);
}

void *
fastmem_large_alloc(struct fastmem_state *st, size_t size, size_t align, int node)
{
	struct fastmem_node *nd = &st->nodes[node];
	const struct rte_memzone *mz;
	struct fastmem_large *l;
	size_t offset, len;

	offset = RTE_ALIGN_CEIL(sizeof(*l), RTE_MAX(align, (size_t)RTE_CACHE_LINE_SIZE));
	if (size > SIZE_MAX - offset) {
		rte_errno = E2BIG;
		return NULL;
	}
	/* The memzone's length, as EAL rounds it. */
	len = RTE_ALIGN_CEIL(offset + size, RTE_CACHE_LINE_SIZE);
	/* A large object takes whole slabs of the limit: EAL rounds it up anyway. */
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
		__atomic_fetch_add(&nd->backing, mz->len - len, __ATOMIC_ACQ_REL);
	l = mz->addr;
	*l = (struct fastmem_large){
		.pub = {
			.cache_idx = __RTE_FASTMEM_LARGE_IDX,
			.run = fastmem_run_word(mz->addr, mz->addr),
			.iova = range_iova(mz->addr, len),
		},
		.mz = mz,
		.size = size,
		.offset = offset,
		.node = node,
		.magic = FASTMEM_LARGE_MAGIC,
	};
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
	release_memzone(mz, node);
}

void
fastmem_backing_fini(struct fastmem_state *st)
{
	struct fastmem_large *l;
	unsigned int cls;
	int node, idx;

	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		struct fastmem_node *nd = &st->nodes[node];

		while ((l = TAILQ_FIRST(&nd->large)) != NULL)
			fastmem_large_free(st, l);
		if (nd->ready)
			for (cls = 0; cls < FASTMEM_NUM_CLASSES; cls++)
				fastmem_bin_fini(&nd->bins[cls]);
	}
	for (idx = 0; idx < FASTMEM_MAX_MZ; idx++) {
		if (st->mzs[idx].used) {
			rte_spinlock_lock(&st->mz_lock);
			st->mzs[idx].used = false;
			rte_spinlock_unlock(&st->mz_lock);
			release_memzone(st->mzs[idx].mz, st->mzs[idx].node);
		}
	}
}
