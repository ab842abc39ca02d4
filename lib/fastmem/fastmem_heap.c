/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * EAL's heap, for fastmem's own bookkeeping (bins, cache rows and arrays,
 * depots, records, ownership maps): shared memory, so that every process
 * of the group can use it and give it back. Calls go through pointers,
 * which an rte_malloc interposer sets to EAL's own functions, so that the
 * bookkeeping never comes back to fastmem. Zeroing is done here: EAL's
 * rte_zmalloc_socket() calls rte_malloc_socket() through its PLT entry,
 * which the interposer would serve.
 */

#include <stdbool.h>
#include <string.h>

#include <eal_export.h>
#include <rte_malloc.h>

#include "fastmem_heap.h"
#include "fastmem_pvt.h"

static void *(*heap_malloc)(const char *type, size_t size, unsigned int align, int socket);
static void (*heap_free)(void *ptr);

RTE_EXPORT_INTERNAL_SYMBOL(rte_fastmem_set_eal_heap)
void
rte_fastmem_set_eal_heap(void *(*malloc_socket)(const char *, size_t, unsigned int, int),
		void (*free_fn)(void *))
{
	heap_malloc = malloc_socket;
	heap_free = free_fn;
}

void *
fastmem_heap_alloc(const char *type, size_t size, bool zero, int node)
{
	void *(*fn)(const char *, size_t, unsigned int, int) =
		heap_malloc != NULL ? heap_malloc : rte_malloc_socket;
	void *p = NULL;

	if (node >= 0)
		p = fn(type, size, RTE_CACHE_LINE_SIZE, node);
	if (p == NULL)
		p = fn(type, size, RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
	if (p != NULL && zero)
		memset(p, 0, size);
	return p;
}

void
fastmem_heap_free(void *ptr)
{
	if (heap_free != NULL)
		heap_free(ptr);
	else
		rte_free(ptr);
}
