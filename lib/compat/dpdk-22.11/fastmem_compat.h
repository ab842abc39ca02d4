/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_H
#define FASTMEM_COMPAT_H

/*
 * Included before every source of the library and of its users, against
 * DPDK 22.11 only: what its headers lack of the 25.11 API the sources use.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_telemetry.h>
#include <rte_thread.h>

/* A log line with a prefix and its arguments (23.11). */
#define RTE_LOG_LINE_PREFIX(l, t, prefix, args, ...) \
	rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, RTE_FMT(#t ": " prefix \
		RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", args, RTE_FMT_TAIL(__VA_ARGS__ ,)))

/* Telemetry's unsigned values (23.03). */
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64

/* Bits set in a 64-bit value (23.11). */
static inline unsigned int
rte_popcount64(uint64_t v)
{
	return (unsigned int)__builtin_popcountll(v);
}

/* A control thread's function and argument, for the pthread start routine below. */
struct fastmem_compat_thread {
	rte_thread_func func;
	void *arg;
};

static inline void *
fastmem_compat_thread_start(void *p)
{
	struct fastmem_compat_thread t = *(struct fastmem_compat_thread *)p;

	free(p);
	return (void *)(uintptr_t)t.func(t.arg);
}

/*
 * An internal control thread named "dpdk-<name>" (23.11), over
 * rte_ctrl_thread_create(); rte_thread_join() takes its id.
 */
static inline int
rte_thread_create_internal_control(rte_thread_t *id, const char *name, rte_thread_func func,
		void *arg)
{
	struct fastmem_compat_thread *t = (struct fastmem_compat_thread *)malloc(sizeof(*t));
	char full[RTE_MAX_THREAD_NAME_LEN];
	pthread_t tid;
	int rc;

	if (t == NULL)
		return -ENOMEM;
	t->func = func;
	t->arg = arg;
	snprintf(full, sizeof(full), "dpdk-%s", name);
	rc = rte_ctrl_thread_create(&tid, full, NULL, fastmem_compat_thread_start, t);
	if (rc != 0) {
		free(t);
		return rc;
	}
	id->opaque_id = (uintptr_t)tid;
	return 0;
}

#endif /* FASTMEM_COMPAT_H */
