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
 * named after its record, for as long as it lives. The kernel drops the
 * lock when the process ends, however it ends, so whoever can take the
 * lock knows the process is gone (EAL tells live users of its hugepage
 * files the same way). A secondary that called rte_fastmem_deinit() stays
 * listed, detached, until then: its threads may still point into its
 * rows, which are freed only once it is dead.
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

#include <rte_eal.h>
#include <rte_malloc.h>

#include "fastmem_pvt.h"

struct fastmem_proc *fastmem_self;

/* The secondary's lock file, open for the process's lifetime. */
static int self_lock_fd = -1;

/* Primary: live secondaries of a state it freed, for the next state. */
static struct fastmem_proc *kept[FASTMEM_MAX_PROCS];
static unsigned int n_kept;

static void
lock_path(char *buf, size_t len, const struct fastmem_proc *p)
{
	snprintf(buf, len, "%s/fastmem_proc.%" PRIxPTR, rte_eal_get_runtime_dir(), (uintptr_t)p);
}

static int
lock_self(void)
{
	char path[PATH_MAX];
	int fd;

	lock_path(path, sizeof(path), fastmem_self);
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

/* Is the secondary of record @p p gone? Unsure (say, no runtime directory) is alive. */
static bool
proc_dead(const struct fastmem_proc *p)
{
	char path[PATH_MAX];
	bool dead;
	int fd;

	lock_path(path, sizeof(path), p);
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
	if (!p->primary)
		fastmem_set(&st->secondaries_seen, st->secondaries_seen + 1);
	return 0;
}

int
fastmem_proc_attach(struct fastmem_state *st)
{
	struct fastmem_proc *p = fastmem_self;
	unsigned int i;
	int rc;

	if (p == NULL) {
		p = rte_zmalloc("fastmem_proc", sizeof(*p), RTE_CACHE_LINE_SIZE);
		if (p == NULL)
			return -ENOMEM;
		p->pid = getpid();
		p->primary = rte_eal_process_type() == RTE_PROC_PRIMARY;
		fastmem_self = p;
		rc = p->primary ? 0 : lock_self();
		if (rc != 0) {
			fastmem_self = NULL;
			rte_free(p);
			return rc;
		}
	}
	rte_spinlock_lock(&st->proc_lock);
	rc = table_add(st, p);
	/* A new state of the primary: its secondaries of the last one, revoked. */
	for (i = 0; rc == 0 && i < n_kept; i++)
		if (table_add(st, kept[i]) == 0)
			kept[i] = NULL;
	rte_spinlock_unlock(&st->proc_lock);
	if (rc != 0)
		return rc;
	n_kept = 0;
	p->detached = false;
	__atomic_store_n(&p->revoked, false, __ATOMIC_RELEASE);
	return 0;
}

void
fastmem_proc_detach(void)
{
	if (fastmem_self != NULL)
		fastmem_self->detached = true;
}

bool
fastmem_proc_revoked(void)
{
	const struct fastmem_proc *p = fastmem_self;

	return p != NULL && __atomic_load_n(&p->revoked, __ATOMIC_ACQUIRE);
}

void
fastmem_proc_set_row(struct fastmem_state *st, unsigned int lcore_id, struct fastmem_lcore *row)
{
	rte_spinlock_lock(&st->proc_lock);
	fastmem_self->rows[lcore_id] = row;
	rte_spinlock_unlock(&st->proc_lock);
}

struct fastmem_proc *
fastmem_proc_take_dead(struct fastmem_state *st)
{
	struct fastmem_proc *seen[FASTMEM_MAX_PROCS], *p;
	char path[PATH_MAX];
	int i;

	/* Copied under the lock, checked without it: the check makes syscalls. */
	rte_spinlock_lock(&st->proc_lock);
	memcpy(seen, st->procs, sizeof(seen));
	rte_spinlock_unlock(&st->proc_lock);
	for (i = 0; i < FASTMEM_MAX_PROCS; i++) {
		p = seen[i];
		if (p == NULL || p == fastmem_self || p->primary || !proc_dead(p))
			continue;
		rte_spinlock_lock(&st->proc_lock);
		/* Another process may have taken it meanwhile. */
		if (st->procs[i] == p)
			st->procs[i] = NULL;
		else
			p = NULL;
		rte_spinlock_unlock(&st->proc_lock);
		if (p == NULL)
			continue;
		lock_path(path, sizeof(path), p);
		unlink(path);
		return p;
	}
	return NULL;
}

void
fastmem_proc_revoke(struct fastmem_proc *p)
{
	__atomic_store_n(&p->revoked, true, __ATOMIC_RELEASE);
	if (n_kept < RTE_DIM(kept))
		kept[n_kept++] = p;
}

void
fastmem_proc_free(struct fastmem_proc *p)
{
	rte_free(p);
}
