/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_LAYOUT_H
#define FASTMEM_LAYOUT_H

/*
 * The segment header and the pages it describes, which runs, segments,
 * pages and bins read. A segment is 2 MiB, aligned, of 256 slices of
 * 8 KiB; its header (struct fastmem_segment) fills the start of the page
 * at slice 0, which only a page that keeps at least half its objects
 * beside it takes. A class takes pages of 1 to 256 slices (a power of 2,
 * aligned to its size) from its node's segments: free slices of a segment
 * are any class's (fastmem_segment.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "fastmem_pvt.h"

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
	bool mz_last;         /* its memzone's last: EAL has its last FASTMEM_MZ_TAIL bytes */
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
 * most 1/8. A class that keeps taking pages takes larger ones (fastmem_page.c).
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
 * Bytes at the end of a memzone of segments that are EAL's: the next
 * memzone's malloc header goes there, in a hugepage already mapped
 * (fastmem_segs_len()). With 256 bytes, EAL still mapped a page more for
 * a few headers: a probe like scenario 8 at 64 MiB live mapped 96 MiB of
 * hugepages for 78 MiB of segments, 88 MiB with 1 KiB or 4 KiB.
 */
#define FASTMEM_MZ_TAIL ((size_t)1 << 10)

/*
 * Bytes of a page of @p n slices at slice @p first of @p seg that hold no
 * object of class @p cls: the segment header at slice 0, EAL's tail at
 * the end of a memzone.
 */
static inline size_t
fastmem_page_skip(const struct fastmem_segment *seg, unsigned int first, unsigned int n,
		unsigned int cls)
{
	size_t skip = 0;

	if (first == 0)
		skip += fastmem_seg_head_size(__rte_fastmem_class_align(cls));
	if (seg->mz_last && first + n == FASTMEM_SEG_SLICES)
		skip += FASTMEM_MZ_TAIL;
	return skip;
}

/*
 * May a page of @p n slices of class @p cls lie at slice @p first of
 * @p seg? Not inside the header; over the header or EAL's tail only if it
 * holds at least half the objects it holds elsewhere.
 */
static inline bool
fastmem_page_fits(const struct fastmem_segment *seg, unsigned int first, unsigned int n,
		unsigned int cls)
{
	size_t len = n * FASTMEM_SLICE_SIZE, size = __rte_fastmem_class_size(cls);
	size_t skip = fastmem_page_skip(seg, first, n, cls);

	if (first != 0 && first < FASTMEM_SEG_HEAD_SLICES)
		return false;
	return skip == 0 || (len > skip && (len - skip) / size * 2 >= len / size);
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

/* Bytes of page @p pg, of class @p cls, from its data offset on that objects may use. */
static inline size_t
fastmem_page_data_len(const struct fastmem_page *pg, unsigned int cls)
{
	const struct fastmem_segment *seg = fastmem_segment_of(pg);

	return (size_t)pg->n_slices * FASTMEM_SLICE_SIZE -
		fastmem_page_skip(seg, (unsigned int)(pg - seg->pages), pg->n_slices, cls);
}

/* Objects page @p pg holds, for class @p cls. */
static inline uint32_t
fastmem_page_slots(const struct fastmem_page *pg, unsigned int cls)
{
	return (uint32_t)(fastmem_page_data_len(pg, cls) / __rte_fastmem_class_size(cls));
}

#endif /* FASTMEM_LAYOUT_H */
