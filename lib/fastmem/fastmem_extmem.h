/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_EXTMEM_H
#define FASTMEM_EXTMEM_H

/*
 * Private to the fastmem library: backing memory for the nodes EAL has no
 * heap on (CPU-less HBM, CXL or NVM nodes, which EAL never makes a socket).
 *
 * Such a node gets an EAL external malloc heap, "fastmem_node<N>", which
 * grows by chunks of 2 MiB hugepages mapped from a hugetlbfs file, bound to
 * the node with mbind(MPOL_BIND), faulted in and checked to be on the node
 * before the heap gets them. fastmem_backing.c reserves the node's memzones
 * there through fastmem_extmem_reserve(); a chunk goes back to the kernel
 * when its last memzone is freed, the heap goes when its last chunk does.
 *
 * External memory is mapped in the primary process only: secondary
 * processes do not see these nodes as usable (see fastmem_extmem_usable()).
 */

#include <stdbool.h>
#include <stddef.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

/* Name of a node's external heap, e.g. "fastmem_node4". */
#define FASTMEM_EXTMEM_HEAP_FMT "fastmem_node%d"

/*
 * Whether fastmem can back a node with an external heap in this process:
 * a node of the running machine that the resolver knows and that has a
 * 2 MiB hugepage pool (free pages or not), or a node forced by
 * rte_fastmem_set_external_heap(); never in a secondary process, nor before EAL is
 * initialized. Cheap: called on every allocation naming a node.
 */
__rte_internal
bool fastmem_extmem_usable(int node);

/*
 * Changes with every rte_fastmem_set_external_heap(): the nodes fastmem
 * can use may have changed, and threads recompute their order of nodes.
 */
uint32_t fastmem_extmem_generation(void);

/* Whether rte_fastmem_set_external_heap() sends the node's memzones to its external heap. */
bool fastmem_extmem_forced(int node);

/* Whether a memzone lives on an external heap. */
static inline bool
fastmem_extmem_of(const struct rte_memzone *mz)
{
	return rte_malloc_heap_socket_is_external(mz->socket_id) == 1;
}

/* Reserve a memzone on a heap (socket id), as fastmem wants them; NULL if it cannot. */
typedef const struct rte_memzone *(*fastmem_extmem_reserve_t)(const char *name, size_t len,
		int socket_id);

/*
 * Reserve a memzone for @node on its external heap with @reserve, first
 * adding a chunk of hugepages to the heap (and creating the heap) when the
 * memzone does not fit. A chunk is what the memzone needs plus one page for
 * the heap's element header, or, when that is less, as much as the node has
 * mapped already, up to 1 GiB and to @room bytes: chunks double, so that a
 * node uses few of EAL's memseg lists (one per chunk). Failures are logged
 * with their reason; nothing stays mapped or registered for a failed call.
 * Returns the memzone, or NULL.
 */
const struct rte_memzone *fastmem_extmem_reserve(int node, const char *name, size_t len,
		size_t room, fastmem_extmem_reserve_t reserve);

/*
 * Free a memzone of an external heap; its chunk is removed from the heap
 * and unmapped once no memzone uses it, the heap destroyed once it has no
 * chunk left.
 */
void fastmem_extmem_free(int node, const struct rte_memzone *mz);

#endif /* FASTMEM_EXTMEM_H */
