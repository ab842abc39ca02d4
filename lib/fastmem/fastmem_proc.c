/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Processes. Every process that uses a state (the primary, attached
 * secondaries) has a record in shared memory it allocated itself, listed
 * in the state's process table with the cache rows of its threads: the
 * statistics add up every process's counts, and what the caches of a
 * process that died held goes back to the bins.
 *
 * A secondary holds an flock() on a file of EAL's runtime directory,
 * named after its record's id, for as long as it lives. The kernel drops the
 * lock when the process ends, however it ends, so whoever can take the
 * lock knows the process is gone (EAL tells live users of its hugepage
 * files the same way). A secondary that called rte_fastmem_deinit() stays
 * listed until then: its threads may still point into its rows, which are
 * freed only once it is dead.
 *
 * Records outlive the state they attached to. The primary's deinit
 * revokes the records of live secondaries (their caches emptied: the
 * objects die with the state) and lists them, revoked, in the next state
 * it creates. A revoked secondary attaches to that state on its next call,
 * or fails with ENODEV while there is none.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "fastmem_heap.h"
#include "fastmem_proc.h"
#include "fastmem_pvt.h"
#include "fastmem_state.h"

struct fastmem_proc *fastmem_self;

/* The secondary's lock file, open for the process's lifetime. */
static int self_lock_fd = -1;

/* Primary: live secondaries of a state it freed, for the next state. */
static struct fastmem_proc *kept[FASTMEM_MAX_PROCS];
static unsigned int n_kept;

/*
 * A lock file is named after its record's id, never its address: a record
 * freed by whoever found its process dead may come back at the same
 * address for a new secondary, which must not look dead to another finder.
 */
static void
lock_path(char *buf, size_t len, uint64_t id)
{
	snprintf(buf, len, "%s/fastmem_proc.%016" PRIx64, rte_eal_get_runtime_dir(), id);
}

static int
lock_self(uint64_t id)
{
	char path[PATH_MAX];
	int fd;

	lock_path(path, sizeof(path), id);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -EBUSY;
	}
	self_lock_fd = fd;
	return 0;
}

static void
unlock_self(uint64_t id)
{
	char path[PATH_MAX];

	lock_path(path, sizeof(path), id);
	unlink(path);
	close(self_lock_fd);
	self_lock_fd = -1;
}

/* Is the secondary of id @p id gone? Unsure (say, no runtime directory) is alive. */
static bool
proc_dead(uint64_t id)
{
	char path[PATH_MAX];
	bool dead;
	int fd;

	lock_path(path, sizeof(path), id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	dead = flock(fd, LOCK_EX | LOCK_NB) == 0;
	/* Closing drops the lock taken, if any. */
	close(fd);
	return dead;
}

static int
table_add(struct fastmem_state *st, struct fastmem_proc *p)
{
	int i, free_slot = -1;

	for (i = 0; i < FASTMEM_MAX_PROCS; i++) {
		if (st->procs[i] == p)
			return 0;
		if (st->procs[i] == NULL && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	st->procs[free_slot] = p;
	rte_atomic_store_explicit(&st->proc_ids[free_slot], p->id, rte_memory_order_release);
	if (!p->primary)
		fastmem_set(&st->secondaries_seen, st->secondaries_seen + 1);
	return 0;
}

/* A new record for this process: in EAL's heap, and for a secondary its lock file. */
static struct fastmem_proc *
proc_create(int *rc)
{
	struct fastmem_proc *p = fastmem_heap_alloc("fastmem_proc", sizeof(*p), true,
		SOCKET_ID_ANY);

	if (p == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	p->pid = getpid();
	p->primary = rte_eal_process_type() == RTE_PROC_PRIMARY;
	/* Unique enough among a run's processes: time and pid, never 0. */
	p->id = p->primary ? 0 : (rte_get_tsc_cycles() << 16) ^ (uint64_t)p->pid ^ 1;
	*rc = p->primary ? 0 : lock_self(p->id);
	if (*rc != 0) {
		fastmem_heap_free(p);
		return NULL;
	}
	return p;
}

int
fastmem_proc_attach(struct fastmem_state *st)
{
	struct fastmem_proc *p = fastmem_self;
	bool created = false;
	unsigned int i;
	int rc;

	if (p == NULL) {
		p = proc_create(&rc);
		if (p == NULL)
			return rc;
		created = true;
	}
	rte_spinlock_lock(&st->proc_lock);
	rc = table_add(st, p);
	/* A new state of the primary: its secondaries of the last one, revoked. */
	for (i = 0; rc == 0 && i < n_kept; i++)
		if (kept[i] != NULL && table_add(st, kept[i]) == 0)
			kept[i] = NULL;
	rte_spinlock_unlock(&st->proc_lock);
	if (rc != 0) {
		/* Never listed: nobody else would ever free it. */
		if (created) {
			if (!p->primary)
				unlock_self(p->id);
			fastmem_heap_free(p);
		}
		return rc;
	}
	fastmem_self = p;
	return 0;
}

void
fastmem_proc_attached(void)
{
	/* The primary lists its kept records once its new state is published. */
	n_kept = 0;
	if (fastmem_self != NULL)
		rte_atomic_store_explicit(&fastmem_self->revoked, false, rte_memory_order_release);
}

bool
fastmem_proc_revoked(void)
{
	const struct fastmem_proc *p = fastmem_self;

	return p != NULL && rte_atomic_load_explicit(&p->revoked, rte_memory_order_acquire);
}

void
fastmem_proc_set_row(struct fastmem_state *st, unsigned int lcore_id, struct fastmem_lcore *row)
{
	rte_spinlock_lock(&st->proc_lock);
	fastmem_self->rows[lcore_id] = row;
	rte_spinlock_unlock(&st->proc_lock);
}

struct fastmem_proc *
fastmem_proc_find_dead(struct fastmem_state *st, int *slot, uint64_t *id)
{
	struct fastmem_proc *p;
	uint64_t pid;
	int i;

	/* Slots and ids are read without the lock: the check makes syscalls. */
	for (i = *slot; i < FASTMEM_MAX_PROCS; i++) {
		p = rte_atomic_load_explicit(&st->procs[i], rte_memory_order_acquire);
		pid = rte_atomic_load_explicit(&st->proc_ids[i], rte_memory_order_acquire);
		/* The primary (id 0) is never found dead: its end is everybody's. */
		if (p == NULL || p == fastmem_self || pid == 0 || !proc_dead(pid))
			continue;
		*slot = i;
		*id = pid;
		return p;
	}
	return NULL;
}

bool
fastmem_proc_remove_locked(struct fastmem_state *st, int slot, struct fastmem_proc *p,
		uint64_t id)
{
	/* Another finder may have taken it, and a new record taken its place. */
	if (st->procs[slot] != p || st->proc_ids[slot] != id)
		return false;
	st->procs[slot] = NULL;
	rte_atomic_store_explicit(&st->proc_ids[slot], 0, rte_memory_order_release);
	return true;
}

void
fastmem_proc_forget(uint64_t id)
{
	char path[PATH_MAX];

	lock_path(path, sizeof(path), id);
	unlink(path);
}

void
fastmem_proc_revoke(struct fastmem_proc *p)
{
	rte_atomic_store_explicit(&p->revoked, true, rte_memory_order_release);
	if (n_kept < RTE_DIM(kept))
		kept[n_kept++] = p;
}

void
fastmem_proc_free(struct fastmem_proc *p)
{
	fastmem_heap_free(p);
}
