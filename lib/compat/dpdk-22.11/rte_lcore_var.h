/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_COMPAT_RTE_LCORE_VAR_H
#define FASTMEM_COMPAT_RTE_LCORE_VAR_H

/*
 * DPDK 24.11's lcore variables, as much of them as the library uses: a
 * value per lcore id, zeroed, each in a cache line of its own (DPDK keeps
 * all of an lcore's values together instead; the handle's use is the same).
 * Only on the library's include path against DPDK 22.11.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_lcore.h>

/* Bytes between two lcores' values of a variable: a value fits in it. */
#define FASTMEM_COMPAT_LCORE_VAR_STRIDE RTE_CACHE_LINE_SIZE

#define RTE_LCORE_VAR_HANDLE_TYPE(type) type *

#define RTE_LCORE_VAR_HANDLE(type, name) RTE_LCORE_VAR_HANDLE_TYPE(type) name

static inline void *
fastmem_compat_lcore_var_alloc(size_t size)
{
	void *p;

	if (size > FASTMEM_COMPAT_LCORE_VAR_STRIDE)
		rte_panic("lcore variable of %zu bytes, more than the compat stride\n", size);
	p = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_MAX_LCORE * FASTMEM_COMPAT_LCORE_VAR_STRIDE);
	if (p == NULL)
		rte_panic("no memory for an lcore variable\n");
	return memset(p, 0, RTE_MAX_LCORE * FASTMEM_COMPAT_LCORE_VAR_STRIDE);
}

/* Never freed, as DPDK's. */
#define RTE_LCORE_VAR_ALLOC(handle) \
	((handle) = fastmem_compat_lcore_var_alloc(sizeof(*(handle))))

#define RTE_LCORE_VAR_INIT(name) \
	RTE_INIT(rte_lcore_var_init_ ## name) \
	{ \
		RTE_LCORE_VAR_ALLOC(name); \
	}

static inline void *
rte_lcore_var_lcore(unsigned int lcore_id, void *handle)
{
	return RTE_PTR_ADD(handle, (size_t)lcore_id * FASTMEM_COMPAT_LCORE_VAR_STRIDE);
}

#define RTE_LCORE_VAR_LCORE(lcore_id, handle) \
	((__typeof__(handle))rte_lcore_var_lcore(lcore_id, handle))

#define RTE_LCORE_VAR_FOREACH(lcore_id, value, handle) \
	for ((lcore_id) = (((value) = RTE_LCORE_VAR_LCORE(0, handle)), 0); \
			(lcore_id) < RTE_MAX_LCORE; \
			(lcore_id)++, (value) = RTE_LCORE_VAR_LCORE(lcore_id, handle))

#endif /* FASTMEM_COMPAT_RTE_LCORE_VAR_H */
