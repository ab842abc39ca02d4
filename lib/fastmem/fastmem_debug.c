/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Debug mode and ASan support; see fastmem_debug.h. Built only into
 * debug (RTE_FASTMEM_DEBUG) and AddressSanitizer builds, where every
 * allocation and free goes through the slow path (the inline fast path
 * never finds a cache set up), so these hooks see every object.
 */

#include <stdlib.h>
#include <string.h>

#include <eal_export.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "fastmem_debug.h"
#include "fastmem_layout.h"
#include "fastmem_pvt.h"
#include "fastmem_state.h"

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_dbg_mode)
unsigned int
fastmem_dbg_mode(void)
{
	return (FASTMEM_DEBUG ? FASTMEM_DBG_MODE_DEBUG : 0) |
		(FASTMEM_ASAN ? FASTMEM_DBG_MODE_ASAN : 0);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_dbg_count)
uint64_t
fastmem_dbg_count(const struct fastmem_state *st, enum fastmem_dbg_kind kind)
{
	return fastmem_read(&st->dbg_errors[kind]);
}

#if FASTMEM_DEBUG || FASTMEM_ASAN

#if FASTMEM_ASAN
#include <sanitizer/asan_interface.h>

/*
 * ASan's shadow memory is per process: poison set here cannot follow an
 * object into another process, where it would look freed (or an object
 * another process allocated would look freed here). So a process poisons
 * only while it is the primary and no secondary ever attached; from its
 * first call after one did, it unpoisons fastmem's memzones and stops.
 */
static bool asan_shared;

static void
unpoison_memzone(const struct rte_memzone *mz, void *arg __rte_unused)
{
	if (strncmp(mz->name, "fastmem_", 8) == 0)
		ASAN_UNPOISON_MEMORY_REGION(mz->addr, mz->len);
}

static bool
poisoning(void)
{
	const struct fastmem_state *st = fastmem_st;

	if (asan_shared)
		return false;
	if (rte_eal_process_type() == RTE_PROC_PRIMARY &&
			(st == NULL || fastmem_read(&st->secondaries_seen) == 0))
		return true;
	asan_shared = true;
	rte_memzone_walk(unpoison_memzone, NULL);
	return false;
}

void
fastmem_dbg_sync(void)
{
	poisoning();
}

#define POISON(addr, len) do { \
	if (poisoning()) \
		ASAN_POISON_MEMORY_REGION(addr, len); \
} while (0)
#define UNPOISON(addr, len) ASAN_UNPOISON_MEMORY_REGION(addr, len)
#define is_poisoned(addr) (poisoning() && __asan_address_is_poisoned(addr))
#else
void
fastmem_dbg_sync(void)
{
}

#define POISON(addr, len) do { RTE_SET_USED(addr); RTE_SET_USED(len); } while (0)
#define UNPOISON(addr, len) do { RTE_SET_USED(addr); RTE_SET_USED(len); } while (0)
#define is_poisoned(addr) (RTE_SET_USED(addr), false)
#endif

/* Free slots are filled with this byte, so are fresh pages and trailers of free objects. */
#define POISON_BYTE 0x6b
#define FREE_STATE 0x6b6b6b6bu
#define LIVE_STATE 0xa11c0cedu
#define RED_BYTE 0xab

struct trailer {
	void *link;      /* free-list link while the slot is free in its page */
	uint32_t size;   /* requested size while live */
	uint32_t state;  /* LIVE_STATE or FREE_STATE */
};

static const char * const kind_text[FASTMEM_DBG_KINDS] = {
	[FASTMEM_DBG_DOUBLE_FREE] = "double free",
	[FASTMEM_DBG_BAD_POINTER] = "free of a pointer fastmem did not hand out",
	[FASTMEM_DBG_HANDLE_MISMATCH] = "hfree with the handle of another class or node",
	[FASTMEM_DBG_OVERFLOW] = "write past the requested size",
	[FASTMEM_DBG_USE_AFTER_FREE] = "write to a freed object",
};

/* FASTMEM_DEBUG=panic makes every detection fatal; the default logs and goes on. */
static void
report(enum fastmem_dbg_kind kind, const void *obj, int cls, int node, const char *detail)
{
	struct fastmem_state *st = fastmem_st;
	const char *mode = getenv("FASTMEM_DEBUG");

	if (st != NULL)
		fastmem_count_shared(&st->dbg_errors[kind], 1);
	FASTMEM_LOG_DP(ERR, "debug: %s: object %p, class %d B, node %d%s%s", kind_text[kind], obj,
		cls >= 0 ? (int)__rte_fastmem_class_size((unsigned int)cls) : -1, node,
		detail != NULL ? ": " : "", detail != NULL ? detail : "");
	/* A developer's stop at the first detection, in debug builds only. */
	if (mode != NULL && strcmp(mode, "panic") == 0) {
		rte_dump_stack();
		abort();
	}
}

size_t
fastmem_dbg_request(size_t size)
{
	if (!FASTMEM_DEBUG || size > SIZE_MAX - FASTMEM_DBG_TRAILER)
		return size;
	return size + FASTMEM_DBG_TRAILER;
}

static struct trailer *
trailer_of(void *obj, unsigned int cls)
{
	return RTE_PTR_ADD(obj, __rte_fastmem_class_size(cls) - sizeof(struct trailer));
}

/* Debug mode keeps a free slot's link in its trailer; a large object has none. */
static bool
link_in_trailer(unsigned int cls)
{
	return FASTMEM_DEBUG && cls < FASTMEM_NUM_CLASSES;
}

__rte_no_asan void *
fastmem_dbg_link_get(void *obj, unsigned int cls)
{
	return link_in_trailer(cls) ? trailer_of(obj, cls)->link : *(void **)obj;
}

__rte_no_asan void
fastmem_dbg_link_set(void *obj, unsigned int cls, void *next)
{
	if (link_in_trailer(cls))
		trailer_of(obj, cls)->link = next;
	else
		*(void **)obj = next;
}

void
fastmem_dbg_carve(struct fastmem_page *pg, unsigned int cls)
{
	size_t off = fastmem_page_data_offset(pg, cls);
	void *data = RTE_PTR_ADD(fastmem_page_addr(pg), off);
	size_t len = fastmem_page_data_len(pg, cls);

	/* Poison in debug mode makes fresh slots look like freed ones. */
	UNPOISON(data, len);
	if (FASTMEM_DEBUG)
		memset(data, POISON_BYTE, len);
	POISON(data, len);
}

/* First offset in [from, to) whose byte is not @byte, or @to. */
static size_t
first_not(const uint8_t *p, size_t from, size_t to, uint8_t byte)
{
	while (from < to && p[from] == byte)
		from++;
	return from;
}

void
fastmem_dbg_alloc(void *obj, unsigned int cls, size_t size)
{
	size_t slot = __rte_fastmem_class_size(cls);
	struct trailer *t;
	size_t bad;

	UNPOISON(obj, slot);
	if (FASTMEM_DEBUG) {
		t = trailer_of(obj, cls);
		bad = first_not(obj, 0, slot - sizeof(*t), POISON_BYTE);
		if (bad < slot - sizeof(*t) || t->state != FREE_STATE) {
			char detail[64];

			snprintf(detail, sizeof(detail), "byte %zu changed while free", bad);
			report(FASTMEM_DBG_USE_AFTER_FREE, obj, (int)cls, -1, detail);
		}
		/* Red zone between the requested size and the trailer. */
		memset(RTE_PTR_ADD(obj, size), RED_BYTE, slot - sizeof(*t) - size);
		t->size = (uint32_t)size;
		t->state = LIVE_STATE;
	}
	/* Only the requested bytes are the application's. */
	POISON(obj, slot);
	UNPOISON(obj, size);
}

/* Record of the segment memzone holding @obj, or NULL. */
static const struct fastmem_mz *
segment_memzone_of(struct fastmem_state *st, const void *obj)
{
	const struct fastmem_mz *found = NULL;
	int i;

	rte_spinlock_lock(&st->mz_lock);
	FASTMEM_MZ_FOREACH_USED(st, i) {
		const struct fastmem_mz *m = fastmem_mz(st, i);

		if (obj >= m->mz->addr && RTE_PTR_DIFF(obj, m->mz->addr) < m->mz->len) {
			found = m;
			break;
		}
	}
	rte_spinlock_unlock(&st->mz_lock);
	return found;
}

/* Is @obj a live large object? Walks the node lists: debug mode only. */
static bool
live_large(struct fastmem_state *st, const void *obj)
{
	const struct fastmem_large *l;
	bool found = false;
	int node;

	for (node = 0; node < FASTMEM_MAX_NODES && !found; node++) {
		struct fastmem_node *nd = &st->nodes[node];

		rte_spinlock_lock(&nd->lock);
		TAILQ_FOREACH(l, &nd->large, link)
			if (RTE_PTR_ADD(l, l->offset) == obj)
				found = true;
		rte_spinlock_unlock(&nd->lock);
	}
	return found;
}

bool
fastmem_dbg_free(struct fastmem_state *st, void *obj, uint32_t want_idx)
{
	const struct __rte_fastmem_slice *e = __rte_fastmem_slice_of(obj);
	const struct fastmem_page *pg;
	unsigned int cls, slot_idx;
	const void *start;
	struct trailer *t;
	size_t off, slot;
	char detail[96];
	int node;

	if (!FASTMEM_DEBUG) {
		if (e->cache_idx >= fastmem_no_cache(st))
			return true;
		/* ASan: a live object's first byte is accessible, a free one's is not. */
		if (is_poisoned(obj)) {
			report(FASTMEM_DBG_DOUBLE_FREE, obj, (int)fastmem_idx_class(e->cache_idx),
				fastmem_idx_node(e->cache_idx), NULL);
			return false;
		}
		POISON(obj, __rte_fastmem_class_size(fastmem_idx_class(e->cache_idx)));
		return true;
	}
	if (rte_mem_virt2memseg_list(obj) == NULL || segment_memzone_of(st, obj) == NULL) {
		if (want_idx == UINT32_MAX && live_large(st, obj))
			return true;
		report(FASTMEM_DBG_BAD_POINTER, obj, -1, -1, "not in fastmem memory");
		return false;
	}
	if (e->cache_idx >= fastmem_no_cache(st)) {
		report(FASTMEM_DBG_BAD_POINTER, obj, -1, -1, "in a free page");
		return false;
	}
	cls = fastmem_idx_class(e->cache_idx);
	node = fastmem_idx_node(e->cache_idx);
	pg = fastmem_page_of(obj);
	slot = pg->obj_size;
	start = RTE_PTR_ADD(fastmem_page_addr(pg), fastmem_page_data_offset(pg, cls));
	off = RTE_PTR_DIFF(obj, start);
	slot_idx = (unsigned int)(off / slot);
	if (obj < start || off % slot != 0 || slot_idx >= pg->bump) {
		report(FASTMEM_DBG_BAD_POINTER, obj, (int)cls, node, "not the start of an object");
		return false;
	}
	if (want_idx != UINT32_MAX && want_idx != e->cache_idx) {
		snprintf(detail, sizeof(detail), "handle is class %u B node %d",
			__rte_fastmem_class_size(fastmem_idx_class(want_idx)),
			fastmem_idx_node(want_idx));
		report(FASTMEM_DBG_HANDLE_MISMATCH, obj, (int)cls, node, detail);
		/* The object itself is fine: free it where it belongs. */
	}
	UNPOISON(obj, slot);
	t = trailer_of(obj, cls);
	if (t->state != LIVE_STATE) {
		POISON(obj, slot);
		report(t->state == FREE_STATE ? FASTMEM_DBG_DOUBLE_FREE : FASTMEM_DBG_BAD_POINTER,
			obj, (int)cls, node, NULL);
		return false;
	}
	off = first_not(obj, t->size, slot - sizeof(*t), RED_BYTE);
	if (off < slot - sizeof(*t)) {
		snprintf(detail, sizeof(detail), "requested %u B, byte %zu written", t->size, off);
		report(FASTMEM_DBG_OVERFLOW, obj, (int)cls, node, detail);
	}
	memset(obj, POISON_BYTE, slot - sizeof(*t));
	t->size = FREE_STATE;
	t->state = FREE_STATE;
	POISON(obj, slot);
	return true;
}

size_t
fastmem_dbg_usable(void *obj, unsigned int cls)
{
	size_t size = __rte_fastmem_class_size(cls);

	if (FASTMEM_DEBUG) {
		UNPOISON(obj, size);
		size = trailer_of(obj, cls)->size;
		POISON(obj, __rte_fastmem_class_size(cls));
		UNPOISON(obj, size);
	}
	return size;
}

__rte_no_asan void
fastmem_dbg_copy(void *dst, const void *src, size_t n)
{
	/* Byte by byte: ASan intercepts memcpy() and would check the poisoned tail. */
	volatile uint8_t *d = dst;
	const uint8_t *s = src;

	while (n-- > 0)
		*d++ = *s++;
}

void
fastmem_dbg_large(void *obj, size_t size, void *end)
{
	UNPOISON(obj, size);
	POISON(RTE_PTR_ADD(obj, size), RTE_PTR_DIFF(end, obj) - size);
}

void
fastmem_dbg_release(void *addr, size_t len)
{
	UNPOISON(addr, len);
}

#endif /* FASTMEM_DEBUG || FASTMEM_ASAN */
