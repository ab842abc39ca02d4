/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Ownership: is an address in memory fastmem holds? Exact, and without
 * reading memory that may not be fastmem's (rte_fastmem_owns(), and the
 * rte_malloc interposer deciding between fastmem and EAL for a pointer).
 *
 * Every fastmem memzone starts at a 2 MiB boundary, so at most one starts
 * in a 2 MiB region, at its base. For each EAL memseg list fastmem has
 * reserved memzones in, a map gives each region of the list the end of
 * fastmem's part of it, in cache lines (memzones are multiples of one):
 * 0 when none is, END_FULL when all is (a segment but a memzone's last,
 * or a large object's memzone that goes on). A memzone ending inside a
 * region leaves the rest to EAL's heap, which may put other blocks there.
 *
 * A region gets its end before the memzone's first object is handed out
 * and loses it before the memzone goes back to EAL; no object of the
 * memzone is live then, so a lookup of a live object never races with a
 * change of its region. Maps are added under mz_lock; a map of a list EAL
 * has since replaced (an external heap destroyed, another made where it
 * was) is retired, not freed, as a lookup may still be reading it, and is
 * reused by a list of the same bounds. Lookups take no lock.
 *
 * Each thread remembers fastmem's part of the last region it found an
 * address in, with the group's epoch of removals then, where the inline
 * rte_fastmem_owns() looks first: frees of objects of one segment in a row
 * (an rte_free() loop) skip the map. A region that stops being fastmem's
 * is cleared, then the epoch is bumped (release): a lookup that read the
 * new epoch (acquire) sees the region cleared, and whoever frees EAL
 * memory there later (and got it after the removal) sees a new epoch.
 */

#include <eal_export.h>
#include <rte_cycles.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "fastmem_heap.h"
#include "fastmem_owner.h"
#include "fastmem_state.h"

#define REGION_SHIFT RTE_FASTMEM_SLAB_SHIFT
#define REGION_SIZE (UINT64_C(1) << REGION_SHIFT)
#define END_UNIT RTE_CACHE_LINE_SIZE
#define END_FULL UINT16_MAX

/* The epoch of a process without fastmem state: 0, below any real one. */
static const RTE_ATOMIC(uint64_t) no_epoch;
RTE_EXPORT_EXPERIMENTAL_SYMBOL(__rte_fastmem_owner_epoch, 26.11)
RTE_ATOMIC(const uint64_t __rte_atomic *) __rte_fastmem_owner_epoch = &no_epoch;

/*
 * The group's epoch lives in a memzone of its own, never freed: a
 * secondary whose state the primary has freed may still compare it with
 * what its threads remember, and a state made again goes on counting.
 */
#define OWNER_EPOCH_MZ "fastmem_epoch"

int
fastmem_owner_init(struct fastmem_state *st)
{
	const struct rte_memzone *mz = rte_memzone_lookup(OWNER_EPOCH_MZ);

	RTE_BUILD_BUG_ON(REGION_SIZE / END_UNIT >= END_FULL);
	if (mz == NULL) {
		mz = rte_memzone_reserve(OWNER_EPOCH_MZ, sizeof(uint64_t), SOCKET_ID_ANY, 0);
		if (mz == NULL)
			return -ENOMEM;
		/* Not 0, and far from it. */
		rte_atomic_store_explicit((uint64_t __rte_atomic *)mz->addr,
			rte_get_tsc_cycles() | 1, rte_memory_order_relaxed);
	}
	st->owner_epoch = mz->addr;
	return 0;
}

void
fastmem_owner_attach(const struct fastmem_state *st)
{
	rte_atomic_store_explicit(&__rte_fastmem_owner_epoch,
			st != NULL ? st->owner_epoch : &no_epoch,
		rte_memory_order_release);
}

static uint64_t
region_of(uintptr_t addr)
{
	return addr >> REGION_SHIFT;
}

/* The map of the memseg list holding @p addr, or NULL. */
static struct fastmem_owner_map *
map_of(const struct fastmem_state *st, uintptr_t addr)
{
	uint32_t i, n = rte_atomic_load_explicit(&st->n_owner_maps, rte_memory_order_acquire);

	for (i = 0; i < n; i++) {
		struct fastmem_owner_map *m = (struct fastmem_owner_map *)(uintptr_t)
			&st->owner_maps[i];

		if (addr - m->base < rte_atomic_load_explicit(&m->len, rte_memory_order_acquire))
			return m;
	}
	return NULL;
}

/*
 * Under mz_lock: retire the maps that overlap [base, base + len) without
 * being it, and return the one that is it (live or retired, then live
 * again), or NULL.
 */
static struct fastmem_owner_map *
map_claim_locked(struct fastmem_state *st, uintptr_t base, uint64_t len)
{
	struct fastmem_owner_map *m, *same = NULL;
	uint32_t i;

	for (i = 0; i < st->n_owner_maps; i++) {
		m = &st->owner_maps[i];
		if (m->base == base && m->size == len) {
			same = m;
			continue;
		}
		if (m->len != 0 && m->base < base + len && base < m->base + m->len)
			rte_atomic_store_explicit(&m->len, 0, rte_memory_order_release);
	}
	if (same != NULL)
		rte_atomic_store_explicit(&same->len, len, rte_memory_order_release);
	return same;
}

/*
 * The map of the memseg list of memzone @p mz, made (its array allocated
 * outside the lock) if it is the first memzone there; NULL without memory
 * for it, or with every slot taken.
 */
static struct fastmem_owner_map *
map_add(struct fastmem_state *st, const struct rte_memzone *mz)
{
	struct rte_memseg_list *msl = rte_mem_virt2memseg_list(mz->addr);
	struct fastmem_owner_map *m;
	uint64_t first, n_regions, len;
	uintptr_t base;
	uint16_t __rte_atomic *ends;

	if (msl == NULL)
		return NULL;
	first = region_of((uintptr_t)msl->base_va);
	n_regions = region_of((uintptr_t)msl->base_va + msl->len - 1) - first + 1;
	base = first << REGION_SHIFT;
	len = n_regions << REGION_SHIFT;
	m = map_of(st, (uintptr_t)mz->addr);
	if (m != NULL && m->base == base && m->len == len)
		return m;
	/* Never in the external heap it maps: that one must empty to go. */
	ends = fastmem_heap_alloc("fastmem_owner", sizeof(*ends) * n_regions, true,
		msl->external ? SOCKET_ID_ANY : msl->socket_id);
	if (ends == NULL)
		return NULL;
	rte_spinlock_lock(&st->mz_lock);
	m = map_claim_locked(st, base, len);
	if (m == NULL && st->n_owner_maps < RTE_DIM(st->owner_maps)) {
		m = &st->owner_maps[st->n_owner_maps];
		m->base = base;
		m->size = len;
		m->ends = ends;
		ends = NULL;
		rte_atomic_store_explicit(&m->len, len, rte_memory_order_release);
		rte_atomic_store_explicit(&st->n_owner_maps, st->n_owner_maps + 1,
				rte_memory_order_release);
	}
	rte_spinlock_unlock(&st->mz_lock);
	fastmem_heap_free(ends);
	return m;
}

int
fastmem_owner_add(struct fastmem_state *st, const struct rte_memzone *mz)
{
	struct fastmem_owner_map *m = map_add(st, mz);
	uintptr_t addr = (uintptr_t)mz->addr, end = addr + mz->len, r_base;
	uint64_t r;

	if (m == NULL)
		return -ENOMEM;
	for (r = region_of(addr); r <= region_of(end - 1); r++) {
		r_base = r << REGION_SHIFT;
		rte_atomic_store_explicit(&m->ends[r - region_of(m->base)],
			end - r_base >= REGION_SIZE ? END_FULL :
			(uint16_t)((end - r_base) / END_UNIT), rte_memory_order_release);
	}
	return 0;
}

void
fastmem_owner_remove(struct fastmem_state *st, const struct rte_memzone *mz)
{
	struct fastmem_owner_map *m = map_of(st, (uintptr_t)mz->addr);
	uintptr_t addr = (uintptr_t)mz->addr;
	uint64_t r;

	if (m == NULL)
		return;
	for (r = region_of(addr); r <= region_of(addr + mz->len - 1); r++)
		rte_atomic_store_explicit(&m->ends[r - region_of(m->base)], 0,
				rte_memory_order_relaxed);
	rte_atomic_fetch_add_explicit(st->owner_epoch, 1, rte_memory_order_release);
}

bool
fastmem_owner_has(const struct fastmem_state *st, const void *ptr)
{
	uint64_t epoch = rte_atomic_load_explicit(st->owner_epoch, rte_memory_order_acquire);
	struct __rte_fastmem_thread *t = &RTE_PER_LCORE(_fastmem_thread);
	uintptr_t addr = (uintptr_t)ptr;
	const struct fastmem_owner_map *m;
	uint64_t len;
	uint16_t end;

	m = map_of(st, addr);
	if (m == NULL)
		return false;
	end = rte_atomic_load_explicit(&m->ends[region_of(addr) - region_of(m->base)],
			rte_memory_order_acquire);
	len = end == END_FULL ? REGION_SIZE : (uint64_t)end * END_UNIT;
	if ((addr & (REGION_SIZE - 1)) >= len)
		return false;
	t->owned_base = RTE_ALIGN_FLOOR(addr, REGION_SIZE);
	t->owned_len = len;
	t->owned_epoch = epoch;
	return true;
}

void
fastmem_owner_fini(struct fastmem_state *st)
{
	uint32_t i;

	for (i = 0; i < st->n_owner_maps; i++) {
		fastmem_heap_free(st->owner_maps[i].ends);
		st->owner_maps[i].ends = NULL;
	}
	st->n_owner_maps = 0;
}
