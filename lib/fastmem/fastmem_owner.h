/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_OWNER_H
#define FASTMEM_OWNER_H

/* Which addresses are fastmem's (fastmem_owner.c). */

#include <stdbool.h>

#include <rte_memzone.h>

#include "fastmem_state.h"

/* Mark a new memzone's regions as fastmem's; -ENOMEM without memory for its map. */
int fastmem_owner_add(struct fastmem_state *st, const struct rte_memzone *mz);
/* Unmark a memzone's regions, before it goes back to EAL. */
void fastmem_owner_remove(struct fastmem_state *st, const struct rte_memzone *mz);
/* Find (or make) the group's epoch of removals; -ENOMEM without memory for it. */
int fastmem_owner_init(struct fastmem_state *st);
/* Point the inline rte_fastmem_owns() at this process's state (NULL: none). */
void fastmem_owner_attach(const struct fastmem_state *st);
void fastmem_owner_fini(struct fastmem_state *st);
/* Is @p ptr inside a memzone fastmem holds? Takes no lock. */
bool fastmem_owner_has(const struct fastmem_state *st, const void *ptr);

#endif /* FASTMEM_OWNER_H */
