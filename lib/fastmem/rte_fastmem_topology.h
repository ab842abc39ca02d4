/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef RTE_FASTMEM_TOPOLOGY_H
#define RTE_FASTMEM_TOPOLOGY_H

/**
 * @file
 * RTE fastmem node resolver: which NUMA node each lcore should allocate from.
 *
 * @warning
 * @b EXPERIMENTAL: All functions in this file may be changed or removed
 * without prior notice.
 *
 * Node ids are OS NUMA node numbers (what EAL calls socket ids). On Intel
 * SNC and AMD NPS a package holds several nodes; on heterogeneous machines
 * some nodes are HBM, CXL or NVM memory, often without CPUs (invisible to
 * EAL). The resolver answers from hwloc (memory attributes, distances,
 * locality) when fastmem was built with it and the topology loads; else
 * from EAL's socket ids, and says so once in the log.
 *
 * The topology is the running machine's, unless hwloc's HWLOC_XMLFILE or
 * HWLOC_FSROOT environment variables point elsewhere, or
 * rte_fastmem_topology_load() loaded a file.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What "best" means for rte_fastmem_lcore_best_node(). */
enum rte_fastmem_attr {
	RTE_FASTMEM_ATTR_LATENCY,    /**< Lowest access latency. */
	RTE_FASTMEM_ATTR_BANDWIDTH,  /**< Highest access bandwidth. */
	RTE_FASTMEM_ATTR_CAPACITY,   /**< Largest capacity. */
};

/** Kind of memory behind a node. */
enum rte_fastmem_tier {
	RTE_FASTMEM_TIER_UNKNOWN,  /**< Not known. */
	RTE_FASTMEM_TIER_DRAM,     /**< Ordinary DRAM. */
	RTE_FASTMEM_TIER_HBM,      /**< High-bandwidth memory (HBM, MCDRAM). */
	RTE_FASTMEM_TIER_NVM,      /**< Non-volatile memory used as memory. */
	RTE_FASTMEM_TIER_CXL,      /**< CXL-attached memory. */
	RTE_FASTMEM_TIER_SPM,      /**< Other special-purpose memory. */
};

/** What the resolver knows about a node. */
struct rte_fastmem_node_info {
	int node_id;                /**< OS NUMA node number. */
	enum rte_fastmem_tier tier; /**< Memory kind. */
	uint64_t capacity;          /**< Bytes of memory the node has (0: unknown). */
	unsigned int n_cpus;        /**< CPUs whose default node it is; 0 for a CPU-less node. */
	/** In the default nodeset: ordinary memory (see rte_fastmem_lcore_node()). */
	bool is_default;
	/**
	 * fastmem can allocate there: EAL has memory on it, or (primary
	 * process) an external heap of hugepages bound to it backs it.
	 */
	bool eal_usable;
};

/**
 * The local default memory node of an lcore.
 *
 * Among the nodes of the default nodeset (ordinary DRAM) whose locality
 * contains the lcore's CPUs, the one with the smallest locality: on SNC/NPS
 * the sub-socket node, not the package. An lcore whose CPUs span several
 * nodes gets the node local to its lowest-numbered CPU.
 *
 * The default nodeset, as hwloc 2.10 defines it for
 * hwloc_topology_get_default_nodeset() (which hwloc 2.9 lacks: fastmem
 * computes it): DRAM nodes, from the smallest locality up, whose CPUs no
 * node taken before covers; CPUs left without one (no DRAM near them) get
 * a CXL, HBM or NVM node.
 *
 * @param lcore_id
 *   An lcore EAL runs (any role but ROLE_OFF).
 * @return
 *   The node id (>= 0), or -EINVAL for a bad or disabled lcore, or when
 *   EAL is not initialized.
 */
__rte_experimental
int
rte_fastmem_lcore_node(unsigned int lcore_id);

/**
 * The best node for an attribute among the nodes local to an lcore.
 *
 * Candidates are hwloc's local NUMA nodes of the lcore's CPU set (with
 * smaller or larger locality, any memory kind); the attribute's value is
 * taken with the lcore's CPU set as initiator, and ties go to the first
 * node in hwloc's order, as with hwloc-calc --best-memattr. Nodes without
 * a value are skipped; when none has one (no HMAT): latency falls back to
 * the distance matrix from rte_fastmem_lcore_node(), then to the smallest
 * locality (ties to rte_fastmem_lcore_node()); bandwidth falls back to the
 * nearest local HBM node, then rte_fastmem_lcore_node(); capacity always
 * has values (node sizes).
 *
 * @param lcore_id
 *   An enabled lcore.
 * @param attr
 *   The attribute.
 * @return
 *   The node id (>= 0), or -EINVAL (bad lcore or attribute).
 */
__rte_experimental
int
rte_fastmem_lcore_best_node(unsigned int lcore_id, enum rte_fastmem_attr attr);

/**
 * Every node, nearest first, as seen from an lcore.
 *
 * rte_fastmem_lcore_node() first, then the others by the latency attribute
 * from the lcore's CPU set when hwloc has it for every node, else by the
 * distance matrix from rte_fastmem_lcore_node() when it covers every
 * node, else by locality alone. Ties: the node under the smaller common
 * ancestor with the lcore's CPUs first, then default nodes, then by node
 * id. This is the order fastmem falls back in when a node is exhausted.
 *
 * @param lcore_id
 *   An enabled lcore.
 * @param nodes
 *   Array to fill; may be NULL when @p n is 0.
 * @param n
 *   Entries in @p nodes.
 * @return
 *   The number of nodes (which may exceed @p n: only @p n are written), or
 *   -EINVAL (bad lcore, NULL @p nodes with n > 0).
 */
__rte_experimental
int
rte_fastmem_lcore_nodes(unsigned int lcore_id, int *nodes, unsigned int n);

/**
 * The node the calling thread should allocate from.
 *
 * For an lcore, rte_fastmem_lcore_node(); for another thread, the answer
 * for its CPU affinity as for an lcore (the node of its lowest CPU when it
 * spans several), or the main lcore's node when the affinity cannot be
 * read. Answers are cached per thread until the topology or the thread's
 * affinity changes. Works without EAL too.
 *
 * @return
 *   A node id (>= 0).
 */
__rte_experimental
int
rte_fastmem_thread_node(void);

/**
 * Describe a node.
 *
 * @param node_id
 *   OS NUMA node number.
 * @param info
 *   Filled on success.
 * @return
 *   0, or -EINVAL (NULL @p info), -ENOENT (no such node).
 */
__rte_experimental
int
rte_fastmem_node_info(int node_id, struct rte_fastmem_node_info *info);

/**
 * Load the topology from an hwloc XML file instead of the running machine.
 *
 * For tests and tools. Answers about lcores then use each lcore's CPU set
 * (OS CPU numbers) in the loaded topology. A loaded topology is not this
 * system: fastmem never binds memory or threads from it. It stays loaded
 * across rte_fastmem_deinit().
 *
 * @param xml_path
 *   hwloc XML file, or NULL to go back to the running machine (which
 *   honours HWLOC_XMLFILE and HWLOC_FSROOT, and falls back to EAL socket
 *   ids if hwloc cannot load it: NULL always succeeds).
 * @return
 *   0, -ENOENT (file cannot be loaded; the previous topology stays),
 *   -ENOTSUP (@p xml_path not NULL but built without hwloc, or hwloc
 *   disabled with FASTMEM_TOPOLOGY=eal), -ENOMEM.
 */
__rte_experimental
int
rte_fastmem_topology_load(const char *xml_path);

#ifdef __cplusplus
}
#endif

#endif /* RTE_FASTMEM_TOPOLOGY_H */
