/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_BACKING_H
#define FASTMEM_BACKING_H

/*
 * Backing memory (fastmem_backing.c): memzones from EAL (or an external
 * heap) per node, charged against the node's limit; large objects, each
 * in a memzone of its own; the nodes fastmem can use, in each thread's
 * order.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_memory.h>
#include <rte_memzone.h>

#include "fastmem_state.h"

int fastmem_backing_init(struct fastmem_state *st);
void fastmem_backing_fini(struct fastmem_state *st);
void fastmem_backing_scan(void);
size_t fastmem_backing_max_len(void);
bool fastmem_node_valid(int node);
/*
 * Reserve a memzone of up to @p want_segs segments (at least one) under the
 * node's limit, charged and recorded; grow lock held. Its record index, or
 * -ENOMEM, -ENOSPC (no record left).
 */
int fastmem_backing_grow(struct fastmem_state *st, int node, uint32_t want_segs);
/* Give memzone record @p idx back to EAL (taken off every list before); grow lock held. */
void fastmem_backing_release(struct fastmem_state *st, int idx);
/* IOVA of a range if it is IOVA-contiguous, else RTE_BAD_IOVA. */
rte_iova_t fastmem_backing_iova(const void *va, size_t len);
void *fastmem_large_alloc(struct fastmem_state *st, size_t size, size_t align, int node);
void fastmem_large_free(struct fastmem_state *st, struct fastmem_large *l);
struct fastmem_large *fastmem_large_of(const void *ptr);
int fastmem_node_order(int node, int *nodes, unsigned int n);
uint32_t fastmem_node_order_generation(void);

#endif /* FASTMEM_BACKING_H */
