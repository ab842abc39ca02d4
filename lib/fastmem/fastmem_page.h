/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_PAGE_H
#define FASTMEM_PAGE_H

/*
 * Pages of a bin (fastmem_page.c): the pages of a (node, class) behind
 * its depot. Every call runs under the bin's lock.
 */

#include "fastmem_layout.h"
#include "fastmem_state.h"

/* A new bin's empty lists; its class and node are set. */
void fastmem_page_init(struct fastmem_bin *b);
/*
 * Fill @p objs from entry @p k up to @p n with objects of the bin's pages:
 * its partial ones, then new pages from the node's segments, which it
 * takes without the bin lock; after one new page, no more once @p objs
 * holds @p min. Returns how many @p objs holds; fewer than @p min only
 * without memory. Bin lock held, released on return.
 */
unsigned int fastmem_page_take(struct fastmem_state *st, struct fastmem_bin *b, void **objs,
		unsigned int k, unsigned int min, unsigned int n);
/* Give one object back to its page; pages the bin no longer keeps go to @p released. */
void fastmem_page_give(struct fastmem_bin *b, void *obj, struct fastmem_page_head *released);
/* The spare page, if any, goes to @p released. */
void fastmem_page_release_spare(struct fastmem_bin *b, struct fastmem_page_head *released);
/* The class takes pages of its first size (a new bin), or again (after a trim). */
void fastmem_page_restart(struct fastmem_bin *b);

#endif /* FASTMEM_PAGE_H */
