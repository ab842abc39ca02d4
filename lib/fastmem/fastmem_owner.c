/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Ownership: is an address in memory fastmem holds? Exact, and without
 * reading memory that may not be fastmem's (rte_fastmem_owns(), and the
 * rte_malloc interposer deciding between fastmem and EAL for a pointer).
 *
 * Every fastmem memzone starts at a 2 MiB boundary. For each EAL memseg
 * list fastmem has reserved memzones in, a map gives each 2 MiB region of
 * the list two bits: none, a segment (the memzone covers all of it), the
 * first region of a large object's memzone, or a later one. A segment
 * answers at once; a large object's memzone may end inside its last
 * region, where EAL's heap can put other elements, so the header at the
 * memzone's start, fastmem's own memory, gives its end.
 *
 * Regions are marked before the memzone's first object is handed out and
 * cleared before it goes back to EAL; no object of a memzone is live
 * then, so a lookup of a live object never races with a change of its
 * region. Maps are added under mz_lock and never removed before deinit:
 * lookups take no lock.
 *
 * Each thread remembers the last segment region it found, with the
 * group's epoch of removals then, where the inline rte_fastmem_owns()
 * looks first: frees of objects of one segment in a row (an rte_free()
 * loop) skip the map. A region that stops being fastmem's bumps the epoch
 * first, so whoever frees EAL memory there later (and got it after the
 * removal) sees a new epoch.
 */

#include <rte_cycles.h>
#include <rte_memory.h>

#include "fastmem_pvt.h"

enum region_kind {
	REGION_NONE,
	REGION_SEGMENT,
	REGION_LARGE,      /* first region of a large object's memzone */
	REGION_LARGE_MORE, /* a later one */
};

#define REGION_SHIFT RTE_FASTMEM_SLAB_SHIFT
#define KINDS_PER_WORD 32u

/* The epoch of a process without fastmem state: even, where real ones are odd. */
static const uint64_t no_epoch;
const uint64_t *__rte_fastmem_owner_epoch = &no_epoch;

void
fastmem_owner_init(struct fastmem_state *st)
{
	/* Odd: a thread's memory of an earlier state, or of none, never matches. */
	st->owner_epoch = rte_get_tsc_cycles() | 1;
}

void
fastmem_owner_attach(const struct fastmem_state *st)
{
	__atomic_store_n(&__rte_fastmem_owner_epoch, st != NULL ? &st->owner_epoch : &no_epoch,
		__ATOMIC_RELEASE);
}

static uint64_t
region_of(uintptr_t addr)
{
	return addr >> REGION_SHIFT;
}

static enum region_kind
kind_get(const struct fastmem_owner_map *m, uint64_t r)
{
	uint64_t w = __atomic_load_n(&m->kinds[r / KINDS_PER_WORD], __ATOMIC_ACQUIRE);

	return (enum region_kind)((w >> (2 * (r % KINDS_PER_WORD))) & 3);
}

/* Set region @p r of map @p m to @p kind; it was REGION_NONE, or @p kind is. */
static void
kind_set(struct fastmem_owner_map *m, uint64_t r, enum region_kind kind)
{
	uint64_t shift = 2 * (r % KINDS_PER_WORD);

	if (kind == REGION_NONE)
		__atomic_fetch_and(&m->kinds[r / KINDS_PER_WORD], ~(UINT64_C(3) << shift),
			__ATOMIC_RELEASE);
	else
		__atomic_fetch_or(&m->kinds[r / KINDS_PER_WORD], (uint64_t)kind << shift,
			__ATOMIC_RELEASE);
}

/* The map of the memseg list holding @p addr, or NULL. */
static struct fastmem_owner_map *
map_of(const struct fastmem_state *st, uintptr_t addr)
{
	uint32_t i, n = __atomic_load_n(&st->n_owner_maps, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		struct fastmem_owner_map *m = (struct fastmem_owner_map *)(uintptr_t)
			&st->owner_maps[i];

		if (addr - m->base < __atomic_load_n(&m->len, __ATOMIC_ACQUIRE))
			return m;
	}
	return NULL;
}

/* Is map @p m the one of the regions [base, base + len)? */
static bool
map_is(const struct fastmem_owner_map *m, uintptr_t base, uint64_t len)
{
	return m != NULL && m->base == base && m->len == len;
}

/*
 * The map of the memseg list of memzone @p mz, added (outside the lock
 * for its allocation) if it is the first memzone there; NULL without
 * memory for it. A map of other bounds there belongs to a list EAL has
 * since replaced (an external heap destroyed, and another one made at
 * that address): it answers no more, and its array stays until deinit,
 * as a lookup may still be reading it.
 */
static struct fastmem_owner_map *
map_add(struct fastmem_state *st, const struct rte_memzone *mz)
{
	struct rte_memseg_list *msl = rte_mem_virt2memseg_list(mz->addr);
	struct fastmem_owner_map *m;
	uint64_t first, n_regions, len;
	uintptr_t base;
	uint64_t *kinds;

	if (msl == NULL)
		return NULL;
	first = region_of((uintptr_t)msl->base_va);
	n_regions = region_of((uintptr_t)msl->base_va + msl->len - 1) - first + 1;
	base = first << REGION_SHIFT;
	len = n_regions << REGION_SHIFT;
	m = map_of(st, (uintptr_t)mz->addr);
	if (map_is(m, base, len))
		return m;
	/* Never in the external heap it maps: that one must empty to go. */
	kinds = fastmem_heap_alloc("fastmem_owner",
		sizeof(uint64_t) * RTE_ALIGN_CEIL(n_regions, KINDS_PER_WORD) / KINDS_PER_WORD,
		true, msl->external ? SOCKET_ID_ANY : msl->socket_id);
	if (kinds == NULL)
		return NULL;
	rte_spinlock_lock(&st->mz_lock);
	m = map_of(st, (uintptr_t)mz->addr);
	if (m != NULL && !map_is(m, base, len)) {
		__atomic_store_n(&m->len, 0, __ATOMIC_RELEASE);
		m = NULL;
	}
	if (m == NULL && st->n_owner_maps < RTE_DIM(st->owner_maps)) {
		m = &st->owner_maps[st->n_owner_maps];
		m->base = base;
		m->len = len;
		m->kinds = kinds;
		kinds = NULL;
		__atomic_store_n(&st->n_owner_maps, st->n_owner_maps + 1, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&st->mz_lock);
	fastmem_heap_free(kinds);
	return m;
}

int
fastmem_owner_add(struct fastmem_state *st, const struct rte_memzone *mz, bool large)
{
	struct fastmem_owner_map *m = map_add(st, mz);
	uint64_t r, first = region_of((uintptr_t)mz->addr);
	uint64_t last = region_of((uintptr_t)mz->addr + mz->len - 1);

	if (m == NULL)
		return -ENOMEM;
	first -= region_of(m->base);
	last -= region_of(m->base);
	for (r = first; r <= last; r++)
		kind_set(m, r, !large ? REGION_SEGMENT :
			r == first ? REGION_LARGE : REGION_LARGE_MORE);
	return 0;
}

void
fastmem_owner_remove(struct fastmem_state *st, const struct rte_memzone *mz)
{
	struct fastmem_owner_map *m = map_of(st, (uintptr_t)mz->addr);
	uint64_t r, first = region_of((uintptr_t)mz->addr);
	uint64_t last = region_of((uintptr_t)mz->addr + mz->len - 1);

	if (m == NULL)
		return;
	__atomic_fetch_add(&st->owner_epoch, 1, __ATOMIC_RELEASE);
	for (r = first - region_of(m->base); r <= last - region_of(m->base); r++)
		kind_set(m, r, REGION_NONE);
}

/* Is @p ptr inside a memzone fastmem holds? */
static inline bool
owner_has(const struct fastmem_state *st, const void *ptr)
{
	uint64_t epoch = __atomic_load_n(&st->owner_epoch, __ATOMIC_ACQUIRE);
	const struct fastmem_owner_map *m;
	const struct fastmem_large *l;
	enum region_kind kind;
	uint64_t r;

	m = map_of(st, (uintptr_t)ptr);
	if (m == NULL)
		return false;
	r = region_of((uintptr_t)ptr) - region_of(m->base);
	kind = kind_get(m, r);
	if (kind == REGION_SEGMENT) {
		RTE_PER_LCORE(_fastmem_thread).owned_region = region_of((uintptr_t)ptr);
		RTE_PER_LCORE(_fastmem_thread).owned_epoch = epoch;
		return true;
	}
	/* Back to the memzone's first region: its header gives the end. */
	while (kind == REGION_LARGE_MORE && r > 0)
		kind = kind_get(m, --r);
	if (kind != REGION_LARGE)
		return false;
	l = (const struct fastmem_large *)(m->base + (r << REGION_SHIFT));
	return RTE_PTR_DIFF(ptr, l) < l->mz->len;
}

bool
__rte_fastmem_owns_slow(const void *ptr)
{
	const struct fastmem_state *st = fastmem_st;

	return st != NULL && ptr != NULL && owner_has(st, ptr);
}

void
fastmem_owner_fini(struct fastmem_state *st)
{
	uint32_t i;

	for (i = 0; i < st->n_owner_maps; i++) {
		fastmem_heap_free(st->owner_maps[i].kinds);
		st->owner_maps[i].kinds = NULL;
	}
	st->n_owner_maps = 0;
}
