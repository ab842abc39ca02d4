/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_DEBUG_H
#define FASTMEM_DEBUG_H

/*
 * Private to the fastmem library: checks that catch the application's
 * bugs, compiled in by the fastmem_debug meson option (RTE_FASTMEM_DEBUG)
 * and by AddressSanitizer builds. Release builds get empty inline hooks
 * and keep zero per-object metadata.
 *
 * Debug mode gives every object a 16-byte trailer at the end of its slot:
 * its requested size, a live/free state and, while the object is free in
 * its page, the free-list link. Between the requested size and the trailer
 * lies a red zone; free objects are filled with a poison byte, checked
 * when they are handed out again.
 *
 * ASan builds poison every free slot, and unpoison exactly the requested
 * bytes of a live object, so ASan reports a use after free or an overflow
 * past the requested size of a fastmem object like one of a malloc object.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fastmem_pvt.h"

struct fastmem_page;
struct fastmem_state;

#define FASTMEM_ASAN __RTE_FASTMEM_ASAN

#ifdef RTE_FASTMEM_DEBUG
#define FASTMEM_DEBUG 1
#else
#define FASTMEM_DEBUG 0
#endif

/* What debug mode detects; counted per kind in the shared state. */
enum fastmem_dbg_kind {
	FASTMEM_DBG_DOUBLE_FREE,
	FASTMEM_DBG_BAD_POINTER,    /* not from fastmem, interior, or never handed out */
	FASTMEM_DBG_HANDLE_MISMATCH,
	FASTMEM_DBG_OVERFLOW,       /* write past the requested size */
	FASTMEM_DBG_USE_AFTER_FREE, /* write to a free object */
	FASTMEM_DBG_KINDS,
};

/* Checks this build has: bit 0 debug mode, bit 1 ASan. For tests. */
#define FASTMEM_DBG_MODE_DEBUG 1u
#define FASTMEM_DBG_MODE_ASAN 2u
__rte_internal
unsigned int fastmem_dbg_mode(void);

/* Detections of each kind since init (always 0 without the checks). */
__rte_internal
uint64_t fastmem_dbg_count(const struct fastmem_state *st, enum fastmem_dbg_kind kind);

/* Bytes debug mode adds to a request: the trailer, and at least one red-zone byte. */
#define FASTMEM_DBG_TRAILER 16

#if FASTMEM_DEBUG || FASTMEM_ASAN

/* The size whose class a request of @size takes. */
size_t fastmem_dbg_request(size_t size);

/* A page was carved for class @cls: mark all its slots free. */
void fastmem_dbg_carve(struct fastmem_page *pg, unsigned int cls);

/* An object of class @cls is handed out for @size bytes: check and arm it. */
void fastmem_dbg_alloc(void *obj, unsigned int cls, size_t size);

/*
 * An object is freed, by handle @want_idx (or UINT32_MAX: by pointer).
 * Returns false when the free must not go on (bad pointer, double free).
 */
bool fastmem_dbg_free(struct fastmem_state *st, void *obj, uint32_t want_idx);

/*
 * The free-list link of a free slot, or with @cls FASTMEM_NUM_CLASSES the
 * first bytes of a large object, which a request smaller than a pointer
 * leaves poisoned: only these touch them.
 */
void *fastmem_dbg_link_get(void *obj, unsigned int cls);
void fastmem_dbg_link_set(void *obj, unsigned int cls, void *next);

/* A large object has @size bytes: those accessible, the rest up to @end not. */
void fastmem_dbg_large(void *obj, size_t size, void *end);

/* Make memory accessible again before it goes back to EAL. */
void fastmem_dbg_release(void *addr, size_t len);

/* Bytes of a live object of class @cls that hold data: its requested size where known. */
size_t fastmem_dbg_usable(void *obj, unsigned int cls);

/* memcpy() that may read the unrequested (poisoned) tail of a slot. */
void fastmem_dbg_copy(void *dst, const void *src, size_t n);
/* ASan: stop poisoning once a secondary attached (poison cannot cross processes). */
void fastmem_dbg_sync(void);

#else

static inline size_t
fastmem_dbg_request(size_t size)
{
	return size;
}

static inline void
fastmem_dbg_carve(struct fastmem_page *pg __rte_unused, unsigned int cls __rte_unused)
{
}

static inline void
fastmem_dbg_alloc(void *obj __rte_unused, unsigned int cls __rte_unused,
		size_t size __rte_unused)
{
}

static inline bool
fastmem_dbg_free(struct fastmem_state *st __rte_unused, void *obj __rte_unused,
		uint32_t want_idx __rte_unused)
{
	return true;
}

static inline void *
fastmem_dbg_link_get(void *obj, unsigned int cls __rte_unused)
{
	return *(void **)obj;
}

static inline void
fastmem_dbg_link_set(void *obj, unsigned int cls __rte_unused, void *next)
{
	*(void **)obj = next;
}

static inline void
fastmem_dbg_large(void *obj __rte_unused, size_t size __rte_unused, void *end __rte_unused)
{
}

static inline void
fastmem_dbg_release(void *addr __rte_unused, size_t len __rte_unused)
{
}

static inline size_t
fastmem_dbg_usable(void *obj __rte_unused, unsigned int cls)
{
	return __rte_fastmem_class_size(cls);
}

static inline void
fastmem_dbg_copy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

static inline void
fastmem_dbg_sync(void)
{
}

#endif

#endif /* FASTMEM_DEBUG_H */
