/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_TOPOLOGY_H
#define FASTMEM_TOPOLOGY_H

/*
 * This file is private to the fastmem library: the node resolver as the
 * allocator, the dpdk-fastmem-info tool and the unit tests see it.
 *
 * The public lcore functions of rte_fastmem_topology.h are thin wrappers
 * over the CPU-set functions below, which need no EAL: the tool runs them
 * on any topology without initializing EAL.
 *
 * Every function loads the topology on first use and is thread-safe.
 * Node ids are OS NUMA node numbers, CPU numbers are OS CPU numbers.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_lcore.h>

#include "rte_fastmem_topology.h"

/* Environment variable: "eal" makes the resolver ignore hwloc. */
#define FASTMEM_TOPO_ENV "FASTMEM_TOPOLOGY"

/*
 * Load the topology if it is not loaded yet; called by rte_fastmem_init().
 * Idempotent. Never fatal: without hwloc it answers from EAL socket ids.
 * Returns 0 or -ENOMEM.
 */
__rte_internal
int fastmem_topo_init(void);

/* Drop the topology (rte_fastmem_deinit()); the next call loads it again. */
__rte_internal
void fastmem_topo_fini(void);

/*
 * The calling thread's fallback order: its node (rte_fastmem_thread_node())
 * first, then the others nearest first. Returns the number of nodes, which
 * may exceed n (only n are written), or -EINVAL (nodes NULL with n > 0).
 */
__rte_internal
int fastmem_topo_thread_order(int *nodes, unsigned int n);

/*
 * What the topology says of a node: rte_fastmem_node_info() without
 * eal_usable (false), which the allocator adds. 0, -EINVAL or -ENOENT.
 */
int fastmem_topo_node_info(int node_id, struct rte_fastmem_node_info *info);

/*
 * Answers for a set of OS CPUs (what the lcore functions answer for the
 * lcore's CPU set). CPUs the topology does not have are ignored; a set
 * with none of the topology's CPUs is answered as if it were the whole
 * machine. Return -EINVAL for NULL or empty sets.
 */
__rte_internal
int fastmem_topo_cpuset_node(const rte_cpuset_t *cpus);
__rte_internal
int fastmem_topo_cpuset_best_node(const rte_cpuset_t *cpus, enum rte_fastmem_attr attr);
__rte_internal
int fastmem_topo_cpuset_nodes(const rte_cpuset_t *cpus, int *nodes, unsigned int n);

/* Nodes of the topology, in ascending id order; returns the count like above. */
__rte_internal
int fastmem_topo_node_ids(int *ids, unsigned int n);

/* The CPUs of the topology (only those below CPU_SETSIZE); returns their count. */
__rte_internal
int fastmem_topo_cpus(rte_cpuset_t *cpus);

/*
 * The CPUs whose default node is @node (none for a CPU-less node).
 * Returns their count, or -ENOENT.
 */
__rte_internal
int fastmem_topo_node_cpus(int node, rte_cpuset_t *cpus);

/* Whether the answers come from hwloc (false: from EAL socket ids). */
__rte_internal
bool fastmem_topo_uses_hwloc(void);

/*
 * Describe where the answers come from, e.g. "hwloc 2.9.0, this system",
 * "hwloc 2.9.0, file x.xml" or "EAL socket ids (<reason>)".
 */
__rte_internal
void fastmem_topo_describe(char *buf, size_t len);

/* Incremented each time the topology is loaded or dropped, for caches. */
uint32_t fastmem_topo_generation(void);

/* Parse a CPU list such as "0-3,8"; returns the number of CPUs or -EINVAL. */
__rte_internal
int fastmem_topo_parse_cpulist(const char *s, rte_cpuset_t *cpus);

/* The highest node id the kernel may bring online (sysfs "possible"), or -1 if it does not say. */
int fastmem_topo_max_possible_node(void);

/* Format a CPU set as a list ("" when empty); returns its length or -ENOSPC. */
__rte_internal
int fastmem_topo_format_cpulist(const rte_cpuset_t *cpus, char *buf, size_t len);

/* Name of a tier: "DRAM", "HBM", "NVM", "CXL", "SPM" or "unknown". */
__rte_internal
const char *fastmem_topo_tier_name(enum rte_fastmem_tier tier);

/* Name of an attribute: "latency", "bandwidth", "capacity" or NULL. */
__rte_internal
const char *fastmem_topo_attr_name(enum rte_fastmem_attr attr);

#endif /* FASTMEM_TOPOLOGY_H */
