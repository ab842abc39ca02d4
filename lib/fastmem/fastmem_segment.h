/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_SEGMENT_H
#define FASTMEM_SEGMENT_H

/* Pages from the free slices of a node's segments (fastmem_segment.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fastmem_layout.h"
#include "fastmem_state.h"

/* Make (and free) the node's bitmap of memzone records with free slices. */
int fastmem_segment_node_init(struct fastmem_node *nd, int node);
void fastmem_segment_node_fini(struct fastmem_node *nd);
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
/*
 * Grow the node until its free segment slices hold @p bytes: 0, or
 * -ENOMEM. With @p defer, stop early, returning 0, when an allocation
 * waits for the grow lock (the headroom thread comes back later).
 */
int fastmem_node_keep_free(struct fastmem_state *st, int node, uint64_t bytes, bool defer);
/*
 * Release memzones with no page in use since @p freed_before (timer
 * cycles; UINT64_MAX: any), keeping the headroom free and, with
 * @p keep_reserve, what rte_fastmem_reserve() asked for.
 */
int64_t fastmem_node_trim(struct fastmem_state *st, int node, uint64_t freed_before,
		bool keep_reserve);

#endif /* FASTMEM_SEGMENT_H */
