/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_RUN_H
#define FASTMEM_RUN_H

/*
 * Runs (fastmem_run.c): the slice entries' ranges of neighbouring slices
 * of one cache, which a bulk free checks its objects against.
 */

#include <stdbool.h>

#include "fastmem_layout.h"
#include "fastmem_state.h"

/* A page joins the cache of (node, cls): its slices and the runs around it. */
void fastmem_run_join(struct fastmem_state *st, int node, struct fastmem_page *pg,
		unsigned int cls);
/* Free slices (@p n from @p first, in one segment): no cache, a run of their own each. */
void fastmem_run_free_slices(const struct fastmem_state *st, void *first, unsigned int n);
/*
 * Give every slice of the run of live object @p obj's slice the whole run,
 * if that slice recorded only a part of it; true if it did.
 */
bool fastmem_run_widen(struct fastmem_state *st, const void *obj);
/* Pages leave their cache before they go back to their segments. */
void fastmem_run_leave(struct fastmem_state *st, int node, struct fastmem_page_head *pages);
/* The slice after (or before) slice @p p that a run through it would take in, or NULL. */
void *fastmem_run_beside(struct fastmem_state *st, void *p, bool after);
/* A memzone record is new (its slices free), or goes (its slices free, node lock held). */
void fastmem_run_link_mz(struct fastmem_state *st, int idx);
void fastmem_run_unlink_mz(struct fastmem_state *st, int idx);

#endif /* FASTMEM_RUN_H */
