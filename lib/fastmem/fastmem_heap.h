/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_HEAP_H
#define FASTMEM_HEAP_H

/* EAL heap memory for fastmem's own records (fastmem_heap.c). */

#include <stdbool.h>
#include <stddef.h>

/*
 * @p size bytes of EAL's heap (cache-line aligned, zeroed if @p zero), on
 * @p node if it can (a negative node: anywhere), else anywhere; NULL
 * without memory.
 */
void *fastmem_heap_alloc(const char *type, size_t size, bool zero, int node);
void fastmem_heap_free(void *ptr);

#endif /* FASTMEM_HEAP_H */
