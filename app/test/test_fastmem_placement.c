/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_placement_autotest: where fastmem's memory really is, for every
 * lcore and every node, against what the node resolver answered. It
 * proves placement only on a machine with several nodes with hugepages
 * (devtools/numa-vm/run.sh runs it in multi-node VMs); elsewhere, the fast
 * suite checks that the resolver's answers and the memory agree.
 *
 * On each lcore in turn:
 * - the resolver's answers: the lcore's node (which must be the kernel's
 *   node of its CPU), best nodes for bandwidth and latency, node order;
 * - for each node the resolver knows, rte_fastmem_alloc_socket(node),
 *   then SOCKET_ID_ANY (expected: the lcore's node), then the best node
 *   for bandwidth and for latency: a small and a 64 KiB object (both of
 *   size classes) and a large one each, written, and the node of their
 *   first and last page asked from the kernel (get_mempolicy(MPOL_F_NODE |
 *   MPOL_F_ADDR)).
 * A node must give its memory unless it has none to give: EAL has no
 * memory there and it had no free 2 MiB hugepage at the start (then
 * ENOMEM is expected, and no external heap for it). One line per request,
 * then rte_fastmem_dump() with every object live, then everything freed
 * and trimmed: the external heaps must be gone and the CPU-less nodes'
 * free hugepages back to their count at the start.
 * Last line: "PLACEMENT RESULT: PASS|FAIL ...".
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_extmem.h"
#include "fastmem_test_numa.h"
#include "fastmem_test_util.h"
#include "fastmem_topology.h"
#include "test.h"

#define MAX_NODES RTE_MAX_NUMA_NODES
/* Objects per request: small and 64 KiB (size classes), large (a memzone of its own). */
#define N_SIZES 3
/* Free hugepages a node needs at the start to be expected to give memory. */
#define MIN_FREE_PAGES 16
/* Requests per lcore: one per node, SOCKET_ID_ANY, best bandwidth, best latency. */
#define MAX_OBJS (RTE_MAX_LCORE * (MAX_NODES + 3) * N_SIZES)

static const size_t sizes[N_SIZES] = { 64, 64 << 10, 3 << 20 };

static struct {
	int ids[MAX_NODES];
	int n;
	struct rte_fastmem_node_info info[MAX_NODES];
	int64_t free_start[MAX_NODES]; /* free hugepages before the run */
	bool can_give[MAX_NODES];
	uint64_t eal_nodes;
	unsigned int checks, mismatches, hbm_best, hbm_best_ok;
	unsigned int n_objs;
	void *objs[MAX_OBJS];
} pl;

static const char *
tier(int node)
{
	int i;

	for (i = 0; i < pl.n; i++)
		if (pl.ids[i] == node)
			return fastmem_topo_tier_name(pl.info[i].tier);
	return "?";
}

static int
node_index(int node)
{
	int i;

	for (i = 0; i < pl.n; i++)
		if (pl.ids[i] == node)
			return i;
	return -1;
}

/* The kernel's node of a CPU: its nodeN link in sysfs. */
static int
cpu_node(int cpu)
{
	char path[96];
	int i;

	for (i = 0; i < pl.n; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/node%d", cpu,
			pl.ids[i]);
		if (access(path, F_OK) == 0)
			return pl.ids[i];
	}
	return -1;
}

static int
first_cpu(unsigned int lcore)
{
	rte_cpuset_t cs = rte_lcore_cpuset(lcore);
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &cs))
			return cpu;
	return -1;
}

/* Where an object is: "EAL" or "ext<socket>" of its memseg list. */
static void
heap_of(const void *p, char *buf, size_t len)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(p);

	if (msl == NULL)
		snprintf(buf, len, "none");
	else if (msl->external)
		snprintf(buf, len, "ext%d", msl->socket_id);
	else
		snprintf(buf, len, "EAL");
}

/*
 * One request: the three sizes on @socket_id, expected on @want (or
 * ENOMEM when that node has nothing to give); one report line. Returns
 * whether the objects are on @want.
 */
static bool
request(unsigned int lcore, const char *what, int socket_id, int want)
{
	bool expect_ok = pl.can_give[node_index(want)];
	char line[512], heap[32] = "-";
	unsigned int i;
	int off, first, last;
	bool ok = true, placed = true;

	off = snprintf(line, sizeof(line), "  lcore %u %-22s expect %d(%s)%s ->", lcore, what,
		want, tier(want), expect_ok ? "" : " ENOMEM");
	for (i = 0; i < N_SIZES; i++) {
		void *p = rte_fastmem_alloc_socket(sizes[i], 0, 0, socket_id);

		pl.checks++;
		if (p == NULL) {
			placed = false;
			ok = ok && !expect_ok && rte_errno == ENOMEM;
			off += snprintf(line + off, sizeof(line) - off, " %zu:%s", sizes[i],
				rte_strerror(rte_errno));
			continue;
		}
		memset(p, 0xa5, sizes[i]);
		first = fm_test_page_node(p);
		last = fm_test_page_node(RTE_PTR_ADD(p, sizes[i] - 1));
		heap_of(p, heap, sizeof(heap));
		placed = placed && first == want && last == want;
		ok = ok && expect_ok && first == want && last == want;
		off += snprintf(line + off, sizeof(line) - off, " %zu:%d", sizes[i], first);
		if (last != first)
			off += snprintf(line + off, sizeof(line) - off, "..%d", last);
		pl.objs[pl.n_objs++] = p;
	}
	if (!ok)
		pl.mismatches++;
	printf("%s [%s] %s\n", line, heap, ok ? "ok" : "MISMATCH");
	return placed;
}

static int
lcore_check(void *arg __rte_unused)
{
	unsigned int lcore = rte_lcore_id();
	int order[MAX_NODES], n_order, node, bw, lat, cpu, knode, i;
	char what[64], list[3 * MAX_NODES + 1] = "";

	node = rte_fastmem_lcore_node(lcore);
	bw = rte_fastmem_lcore_best_node(lcore, RTE_FASTMEM_ATTR_BANDWIDTH);
	lat = rte_fastmem_lcore_best_node(lcore, RTE_FASTMEM_ATTR_LATENCY);
	n_order = RTE_MIN(rte_fastmem_lcore_nodes(lcore, order, RTE_DIM(order)), MAX_NODES);
	for (i = 0; i < n_order; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d", i ? "," : "",
			order[i]);
	cpu = first_cpu(lcore);
	knode = cpu_node(cpu);
	printf("lcore %u cpu %d (kernel node %d): node %d %s, best bandwidth %d %s, "
		"best latency %d %s, order %s%s\n", lcore, cpu, knode, node, tier(node), bw,
		tier(bw), lat, tier(lat), list, knode == node ? "" : "  MISMATCH (kernel node)");
	pl.checks++;
	if (knode != node || node_index(node) < 0 || node_index(bw) < 0 || node_index(lat) < 0) {
		pl.mismatches++;
		return 0;
	}
	for (i = 0; i < pl.n; i++) {
		snprintf(what, sizeof(what), "alloc_socket(%d)", pl.ids[i]);
		request(lcore, what, pl.ids[i], pl.ids[i]);
	}
	request(lcore, "SOCKET_ID_ANY", SOCKET_ID_ANY, node);
	snprintf(what, sizeof(what), "best bandwidth (%d)", bw);
	if (request(lcore, what, bw, bw) && pl.info[node_index(bw)].tier == RTE_FASTMEM_TIER_HBM)
		pl.hbm_best_ok++;
	pl.hbm_best += pl.info[node_index(bw)].tier == RTE_FASTMEM_TIER_HBM;
	snprintf(what, sizeof(what), "best latency (%d)", lat);
	request(lcore, what, lat, lat);
	return 0;
}

static int
flush_cache(void *arg __rte_unused)
{
	rte_fastmem_cache_flush();
	return 0;
}

static void
collect_nodes(void)
{
	int i;

	pl.n = 0;
	for (i = 0; i < MAX_NODES; i++) {
		if (rte_fastmem_node_info(i, &pl.info[pl.n]) != 0)
			continue;
		pl.ids[pl.n] = i;
		pl.free_start[pl.n] = fm_test_pool(i, "free_hugepages");
		pl.can_give[pl.n] = pl.info[pl.n].eal_usable &&
			((pl.eal_nodes & (UINT64_C(1) << i)) != 0 ||
			pl.free_start[pl.n] >= MIN_FREE_PAGES);
		printf("node %d: %s, %u CPUs, %s, %" PRId64 " free 2 MiB hugepages%s\n", i,
			fastmem_topo_tier_name(pl.info[pl.n].tier), pl.info[pl.n].n_cpus,
			(pl.eal_nodes & (UINT64_C(1) << i)) ? "EAL memory" :
			pl.info[pl.n].eal_usable ? "external heap" : "not usable",
			pl.free_start[pl.n], pl.can_give[pl.n] ? "" : ": expect ENOMEM");
		pl.n++;
	}
}

/* After trim: no external heap left, CPU-less nodes' hugepages all back. */
static void
check_released(void)
{
	char name[32];
	int64_t now;
	int i;

	for (i = 0; i < pl.n; i++) {
		int node = pl.ids[i];

		if (pl.eal_nodes & (UINT64_C(1) << node))
			continue;
		snprintf(name, sizeof(name), FASTMEM_EXTMEM_HEAP_FMT, node);
		now = fm_test_pool(node, "free_hugepages");
		pl.checks++;
		if (rte_malloc_heap_get_socket(name) >= 0 || now != pl.free_start[i]) {
			pl.mismatches++;
			printf("node %d after trim: heap %s %s, %" PRId64
				" free hugepages (%" PRId64 " before)  MISMATCH\n", node, name,
				rte_malloc_heap_get_socket(name) >= 0 ? "left" : "gone", now,
				pl.free_start[i]);
		} else {
			printf("node %d after trim: heap %s gone, %" PRId64
				" free hugepages as before\n", node, name, now);
		}
	}
}

static int
test_fastmem_placement(void)
{
	struct fm_test_backing left;
	unsigned int lcore;
	char desc[256];
	int64_t released;

	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	memset(&pl, 0, sizeof(pl));
	fastmem_topo_describe(desc, sizeof(desc));
	printf("resolver: %s; IOVA mode %s\n", desc,
		rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "PA");
	pl.eal_nodes = fm_test_memory_nodes();
	collect_nodes();
	RTE_LCORE_FOREACH(lcore) {
		if (lcore == rte_get_main_lcore()) {
			lcore_check(NULL);
			continue;
		}
		rte_eal_remote_launch(lcore_check, NULL, lcore);
		rte_eal_wait_lcore(lcore);
	}
	printf("--- rte_fastmem_dump() with every object live\n");
	rte_fastmem_dump(stdout);
	rte_fastmem_free_bulk(pl.objs, pl.n_objs);
	rte_fastmem_cache_flush();
	/* The worker lcores' caches: their objects stay cached until flushed on them. */
	RTE_LCORE_FOREACH_WORKER(lcore) {
		rte_eal_remote_launch(flush_cache, NULL, lcore);
		rte_eal_wait_lcore(lcore);
	}
	released = rte_fastmem_trim();
	left = fm_test_backing_memzones();
	printf("--- trim released %" PRId64 " bytes, %u fastmem memzones left\n", released,
		left.count);
	check_released();
	rte_fastmem_deinit();
	printf("PLACEMENT RESULT: %s checks=%u mismatches=%u best-bandwidth-on-HBM=%u/%u\n",
		pl.mismatches == 0 ? "PASS" : "FAIL", pl.checks, pl.mismatches, pl.hbm_best_ok,
		pl.hbm_best);
	return pl.mismatches == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_FAST_TEST(fastmem_placement_autotest, true, true, test_fastmem_placement);
