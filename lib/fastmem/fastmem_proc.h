/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_PROC_H
#define FASTMEM_PROC_H

/* The processes that use a state, and their threads' cache rows (fastmem_proc.c). */

#include <stdbool.h>
#include <stdint.h>

#include <rte_lcore.h>
#include <rte_stdatomic.h>

#include "fastmem_state.h"

struct fastmem_lcore;

/*
 * A process that uses fastmem, in shared memory the process allocated: it
 * outlives the state it attached to (fastmem_proc.c).
 */
struct fastmem_proc {
	int pid;
	bool primary;
	RTE_ATOMIC(bool) revoked; /* the state it attached to is gone: attach again */
	uint64_t id;    /* names its lock file; 0 for the primary, which has none */
	/* Its threads' cache rows by lcore id, set under the state's proc_lock. */
	struct fastmem_lcore *rows[RTE_MAX_LCORE];
};

/* This process's record, or NULL before its first rte_fastmem_init(). */
extern struct fastmem_proc *fastmem_self;
/* List this process in @p st (creating its record), and the records kept from a revoked state. */
int fastmem_proc_attach(struct fastmem_state *st);
/* The state this process attached to was freed: attach again before any use. */
bool fastmem_proc_revoked(void);
/* The state this process attached to is published: no longer revoked. */
void fastmem_proc_attached(void);
/* Publish this process's row of an lcore to readers of every process. */
void fastmem_proc_set_row(struct fastmem_state *st, unsigned int lcore_id,
		struct fastmem_lcore *row);
/*
 * A listed secondary that is gone, from table slot *slot on (NULL if none):
 * its slot and id in *slot and *id. The caller takes it off the table with
 * fastmem_proc_remove_locked(), then forgets it.
 */
struct fastmem_proc *fastmem_proc_find_dead(struct fastmem_state *st, int *slot, uint64_t *id);
/* Take record @p p (slot, id) off the table if it is still there; proc_lock held. */
bool fastmem_proc_remove_locked(struct fastmem_state *st, int slot, struct fastmem_proc *p,
		uint64_t id);
/* Remove the lock file of a dead secondary taken off the table. */
void fastmem_proc_forget(uint64_t id);
/* Primary's deinit: @p p, alive, goes into the next state the primary creates, revoked. */
void fastmem_proc_revoke(struct fastmem_proc *p);
/* Free the record of a dead process (its rows freed). */
void fastmem_proc_free(struct fastmem_proc *p);

#endif /* FASTMEM_PROC_H */
