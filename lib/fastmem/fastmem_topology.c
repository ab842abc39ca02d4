/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * The node resolver: which NUMA node a CPU set (an lcore, a thread) should
 * allocate from, which local node is best for latency, bandwidth or
 * capacity, and in which order to fall back to the others.
 *
 * The answers come from hwloc when fastmem was built with it and the
 * topology loads: locality (which nodes are attached where), memory
 * attributes (HMAT latency and bandwidth as seen from an initiator CPU set),
 * the NUMA latency matrix (SLIT) and node subtypes. Otherwise they come from
 * EAL socket ids, and the log says so once.
 *
 * A loaded topology is an immutable snapshot. One spinlock covers both the
 * pointer to it and every query, because hwloc refreshes memory attribute
 * caches lazily inside its getters: concurrent queries on one hwloc
 * topology are not safe. Queries are short; only the first one (which
 * loads the running machine's topology) is slow.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <eal_export.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_per_lcore.h>
#include <rte_spinlock.h>
#include <rte_thread.h>

#ifdef RTE_FASTMEM_HAS_HWLOC
#include <hwloc.h>
/* Local NUMA node objects and memory attributes: hwloc 2.3; distance names: 2.5. */
#if HWLOC_API_VERSION >= 0x00020500
#define TOPO_HWLOC 1
#endif
#endif

#include "fastmem_pvt.h"
#include "fastmem_topology.h"

#define SYSFS_NODE_DIR "/sys/devices/system/node"

/* Thread answers cached per thread cover machines up to this many nodes. */
#define TC_MAX_NODES 64

struct topo_node {
	int id;                     /* OS node number */
	enum rte_fastmem_tier tier;
	bool is_default;
	uint64_t capacity;
	unsigned int n_cpus;
	unsigned int locality;      /* CPUs in the node's locality */
	rte_cpuset_t cpus;          /* CPUs whose default node this is */
#ifdef TOPO_HWLOC
	hwloc_obj_t obj;
	unsigned int logical;       /* hwloc logical index */
	bool explicit_tier;         /* tier from subtype or DAXType, not inferred */
#endif
};

/* A node being sorted by fallback order. */
struct order_ent {
	int id;
	bool first;          /* the default node, always first */
	uint64_t key;        /* latency, distance, or 0 in locality mode */
	unsigned int close;  /* CPUs under the nearest object covering the CPU set and node */
	bool is_default;
};

struct topo {
	bool hwloc;                 /* false: EAL socket ids */
	unsigned int eal_sockets;   /* EAL mode: rte_socket_count() when built */
	char desc[PATH_MAX + 192];  /* room for "EAL socket ids (<why>)" */
	unsigned int n_nodes;
	struct topo_node *nodes;    /* ascending id */
	rte_cpuset_t cpus;          /* CPUs of the topology */
	struct order_ent *ord;      /* scratch for queries, under topo_lock */
#ifdef TOPO_HWLOC
	hwloc_topology_t hw;
	struct hwloc_distances_s *dist; /* NUMA latency matrix, or NULL */
	hwloc_obj_t *cand;          /* scratch: local nodes of a query */
	struct topo_node **pick;    /* scratch */
	hwloc_bitmap_t set;         /* scratch: the CPU set of a query */
	hwloc_bitmap_t tmp;         /* scratch */
#endif
};

/* Per-thread cache of rte_fastmem_thread_node() and the thread's order. */
struct thread_cache {
	uint32_t gen;               /* topo_gen when filled; 0: empty */
	rte_cpuset_t cpus;
	int node;
	int n_order;
	int order[TC_MAX_NODES];
};

static rte_spinlock_t topo_lock = RTE_SPINLOCK_INITIALIZER;
static struct topo *topo_cur;       /* under topo_lock */
static char *topo_xml;              /* file loaded by rte_fastmem_topology_load() */
static RTE_ATOMIC(bool) topo_logged; /* the "EAL socket ids" line was logged */
static RTE_ATOMIC(uint32_t) topo_gen = 1; /* bumped on every snapshot change */

static RTE_DEFINE_PER_LCORE(struct thread_cache, topo_tc);

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_tier_name)
const char *
fastmem_topo_tier_name(enum rte_fastmem_tier tier)
{
	switch (tier) {
	case RTE_FASTMEM_TIER_DRAM:
		return "DRAM";
	case RTE_FASTMEM_TIER_HBM:
		return "HBM";
	case RTE_FASTMEM_TIER_NVM:
		return "NVM";
	case RTE_FASTMEM_TIER_CXL:
		return "CXL";
	case RTE_FASTMEM_TIER_SPM:
		return "SPM";
	default:
		return "unknown";
	}
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_attr_name)
const char *
fastmem_topo_attr_name(enum rte_fastmem_attr attr)
{
	switch (attr) {
	case RTE_FASTMEM_ATTR_LATENCY:
		return "latency";
	case RTE_FASTMEM_ATTR_BANDWIDTH:
		return "bandwidth";
	case RTE_FASTMEM_ATTR_CAPACITY:
		return "capacity";
	default:
		return NULL;
	}
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_parse_cpulist)
int
fastmem_topo_parse_cpulist(const char *s, rte_cpuset_t *cpus)
{
	CPU_ZERO(cpus);
	if (s == NULL)
		return -EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s != '\0' && *s != '\n') {
		unsigned long first, last;
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		first = strtoul(s, &end, 10);
		last = first;
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			last = strtoul(s, &end, 10);
		}
		if (last < first || last >= CPU_SETSIZE)
			return -EINVAL;
		for (; first <= last; first++)
			CPU_SET(first, cpus);
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0' && *s != '\n')
			return -EINVAL;
	}
	return CPU_COUNT(cpus);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_format_cpulist)
int
fastmem_topo_format_cpulist(const rte_cpuset_t *cpus, char *buf, size_t len)
{
	size_t off = 0;
	int cpu, first = -1;
	int ret;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	/* One past the end closes the last range. */
	for (cpu = 0; cpu <= CPU_SETSIZE; cpu++) {
		bool in = cpu < CPU_SETSIZE && CPU_ISSET(cpu, cpus);

		if (in && first < 0)
			first = cpu;
		if (in || first < 0)
			continue;
		if (first == cpu - 1)
			ret = snprintf(buf + off, len - off, "%s%d", off ? "," : "", first);
		else
			ret = snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "",
				first, cpu - 1);
		if (ret < 0 || (size_t)ret >= len - off)
			return -ENOSPC;
		off += ret;
		first = -1;
	}
	return (int)off;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a;
	int y = *(const int *)b;

	return (x > y) - (x < y);
}

static struct topo_node *
node_by_id(const struct topo *t, int id)
{
	unsigned int lo = 0, hi = t->n_nodes;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (t->nodes[mid].id == id)
			return &t->nodes[mid];
		if (t->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
topo_free(struct topo *t)
{
	if (t == NULL)
		return;
#ifdef TOPO_HWLOC
	if (t->dist != NULL)
		hwloc_distances_release(t->hw, t->dist);
	hwloc_bitmap_free(t->set);
	hwloc_bitmap_free(t->tmp);
	free(t->cand);
	free(t->pick);
	if (t->hw != NULL)
		hwloc_topology_destroy(t->hw);
#endif
	free(t->ord);
	free(t->nodes);
	free(t);
}

static struct topo *
topo_alloc(unsigned int n_nodes)
{
	struct topo *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->n_nodes = n_nodes;
	t->nodes = calloc(n_nodes, sizeof(*t->nodes));
	t->ord = calloc(n_nodes, sizeof(*t->ord));
	if (t->nodes == NULL || t->ord == NULL) {
		topo_free(t);
		return NULL;
	}
	return t;
}

/*
 * EAL mode: the node ids are EAL's socket ids; before rte_eal_init() (the
 * tool) they are read where EAL reads them, sysfs. CPU to node comes from
 * sysfs too (EAL's own source for lcore socket ids).
 */
static int
sysfs_node_ids(int *ids, unsigned int max)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	d = opendir(SYSFS_NODE_DIR);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		char *end;
		long id;

		if (strncmp(de->d_name, "node", 4) != 0)
			continue;
		id = strtol(de->d_name + 4, &end, 10);
		if (end == de->d_name + 4 || *end != '\0' || id < 0 || id > INT_MAX)
			continue;
		ids[n++] = (int)id;
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), cmp_int);
	return (int)n;
}

/*
 * Read a sysfs file in the kernel's list format ("0-3,8": CPU and node
 * lists alike) into @p set; empty if the file is missing or unreadable.
 */
static void
sysfs_list(const char *path, rte_cpuset_t *set)
{
	char line[4096];
	FILE *f;

	CPU_ZERO(set);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) == NULL || fastmem_topo_parse_cpulist(line, set) < 0)
		CPU_ZERO(set);
	fclose(f);
}

int
fastmem_topo_max_possible_node(void)
{
	rte_cpuset_t ids;
	int node = -1, i;

	sysfs_list(SYSFS_NODE_DIR "/possible", &ids);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &ids))
			node = i;
	return node;
}

static void
sysfs_node_cpus(int node, rte_cpuset_t *cpus)
{
	char path[64];

	snprintf(path, sizeof(path), SYSFS_NODE_DIR "/node%d/cpulist", node);
	sysfs_list(path, cpus);
}

static struct topo *
topo_build_eal(const char *why)
{
	int ids[RTE_MAX_NUMA_NODES > 64 ? RTE_MAX_NUMA_NODES : 64];
	unsigned int i, n, sockets = rte_socket_count();
	unsigned int lcore;
	struct topo *t;

	if (sockets > 0) {
		n = RTE_MIN(sockets, (unsigned int)RTE_DIM(ids));
		for (i = 0; i < n; i++)
			ids[i] = rte_socket_id_by_idx(i);
		qsort(ids, n, sizeof(*ids), cmp_int);
	} else {
		n = (unsigned int)sysfs_node_ids(ids, RTE_DIM(ids));
	}
	if (n == 0) {
		ids[0] = 0;
		n = 1;
	}
	t = topo_alloc(n);
	if (t == NULL)
		return NULL;
	t->eal_sockets = sockets;
	snprintf(t->desc, sizeof(t->desc), "EAL socket ids (%s)", why);
	CPU_ZERO(&t->cpus);
	for (i = 0; i < n; i++) {
		struct topo_node *nd = &t->nodes[i];

		nd->id = ids[i];
		nd->tier = RTE_FASTMEM_TIER_UNKNOWN;
		nd->is_default = true;
		sysfs_node_cpus(nd->id, &nd->cpus);
		CPU_OR(&t->cpus, &t->cpus, &nd->cpus);
		if (sockets == 0) {
			nd->n_cpus = CPU_COUNT(&nd->cpus);
			continue;
		}
		/* EAL knows CPUs through its lcores. */
		for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++)
			if (!rte_lcore_has_role(lcore, ROLE_OFF) &&
					rte_lcore_to_socket_id(lcore) == (unsigned int)nd->id)
				nd->n_cpus++;
		nd->locality = nd->n_cpus;
	}
	/* Once per process: snapshots are rebuilt, the reason does not change. */
	if (!rte_atomic_exchange_explicit(&topo_logged, true, rte_memory_order_relaxed))
		FASTMEM_LOG(NOTICE, "node resolver uses EAL socket ids: %s", why);
	return t;
}

#ifdef TOPO_HWLOC

static const char *
obj_info(hwloc_obj_t obj, const char *name)
{
	unsigned int i;

	for (i = 0; i < obj->infos_count; i++)
		if (strcmp(obj->infos[i].name, name) == 0)
			return obj->infos[i].value;
	return NULL;
}

/*
 * The tier a node declares: hwloc's subtype (set by the OS backend, by
 * hwloc's own guesses, or in the XML), else the DAX device type of
 * memory onlined from a DAX device. Returns false when the node declares
 * nothing (no subtype: VMs and synthetic topologies on hwloc 2.9).
 */
static bool
declared_tier(hwloc_obj_t obj, enum rte_fastmem_tier *tier)
{
	const char *s = obj->subtype;

	if (s == NULL || *s == '\0')
		s = obj_info(obj, "DAXType");
	if (s == NULL || *s == '\0')
		return false;
	if (strcasecmp(s, "DRAM") == 0)
		*tier = RTE_FASTMEM_TIER_DRAM;
	else if (strcasecmp(s, "HBM") == 0 || strcasecmp(s, "MCDRAM") == 0)
		*tier = RTE_FASTMEM_TIER_HBM;
	else if (strcasecmp(s, "NVM") == 0)
		*tier = RTE_FASTMEM_TIER_NVM;
	else if (strncasecmp(s, "CXL", 3) == 0)
		*tier = RTE_FASTMEM_TIER_CXL;   /* CXL-DRAM, CXL-NVM (hwloc 2.10+) */
	else if (strcasecmp(s, "SPM") == 0 || strcasecmp(s, "GPUMemory") == 0)
		*tier = RTE_FASTMEM_TIER_SPM;
	else
		*tier = RTE_FASTMEM_TIER_UNKNOWN;
	return true;
}

/* Rank of a tier when a CPU has no DRAM node and another node must be its default. */
static unsigned int
default_rank(const struct topo_node *nd)
{
	if (!nd->explicit_tier || nd->tier == RTE_FASTMEM_TIER_DRAM)
		return 0;
	switch (nd->tier) {
	case RTE_FASTMEM_TIER_CXL:
		return 1;
	case RTE_FASTMEM_TIER_HBM:
		return 2;
	case RTE_FASTMEM_TIER_NVM:
		return 3;
	default:
		return 4;
	}
}

static int
cmp_default_cand(const void *a, const void *b)
{
	const struct topo_node *x = *(const struct topo_node * const *)a;
	const struct topo_node *y = *(const struct topo_node * const *)b;
	unsigned int rx = default_rank(x), ry = default_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->locality != y->locality)
		return x->locality < y->locality ? -1 : 1;
	return (x->logical > y->logical) - (x->logical < y->logical);
}

/*
 * hwloc's default nodeset (hwloc_topology_get_default_nodeset() is 2.10+):
 * the nodes ordinary allocations should use, with non-overlapping CPU sets.
 * Take DRAM-like nodes (subtype DRAM or none) from the smallest locality
 * up, in hwloc's order (vendors list default nodes first), each if none
 * of its CPUs is covered yet; then cover CPUs left without such a node
 * with other kinds (CXL, HBM, NVM, then the rest), the same way. On SNC
 * and NPS this picks the sub-package nodes, never the HBM, NVM or CXL
 * nodes that share their locality or sit above them.
 */
static int
compute_default_nodes(struct topo *t, struct topo_node **sorted)
{
	hwloc_bitmap_t covered = hwloc_bitmap_alloc();
	unsigned int i;

	if (covered == NULL)
		return -ENOMEM;
	for (i = 0; i < t->n_nodes; i++)
		sorted[i] = &t->nodes[i];
	qsort(sorted, t->n_nodes, sizeof(*sorted), cmp_default_cand);
	for (i = 0; i < t->n_nodes; i++) {
		struct topo_node *nd = sorted[i];
		hwloc_const_cpuset_t cs = nd->obj->cpuset;

		if (hwloc_bitmap_iszero(cs) || hwloc_bitmap_intersects(cs, covered))
			continue;
		nd->is_default = true;
		hwloc_bitmap_or(covered, covered, cs);
	}
	hwloc_bitmap_free(covered);
	return 0;
}

static int
memattr_value(struct topo *t, hwloc_memattr_id_t attr, const struct topo_node *nd,
		hwloc_cpuset_t initiator, uint64_t *value)
{
	struct hwloc_location loc;
	hwloc_uint64_t v;

	loc.type = HWLOC_LOCATION_TYPE_CPUSET;
	loc.location.cpuset = initiator;
	if (hwloc_memattr_get_value(t->hw, attr, nd->obj, &loc, 0, &v) < 0)
		return -ENOENT;
	*value = v;
	return 0;
}

/* The default node of the first CPU of a set, or NULL. */
static struct topo_node *
default_node_of_cpu(struct topo *t, hwloc_const_cpuset_t set)
{
	int cpu = hwloc_bitmap_first(set);
	unsigned int i;

	if (cpu < 0)
		return NULL;
	for (i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].is_default && hwloc_bitmap_isset(t->nodes[i].obj->cpuset, cpu))
			return &t->nodes[i];
	return NULL;
}

/*
 * Tier of a node that declares none. A default node is ordinary memory.
 * A CPU-less node is compared with the default node of its locality, as
 * seen from that node's CPUs: more bandwidth means HBM; less bandwidth or
 * more latency means memory behind a slower link, which today is CXL.
 * Without attribute values a node is taken for DRAM, as hwloc does. NVM is
 * never inferred: only the OS knows it (subtype or DAXType).
 */
static enum rte_fastmem_tier
infer_tier(struct topo *t, struct topo_node *nd)
{
	uint64_t x, r;
	struct topo_node *ref;

	if (nd->is_default)
		return RTE_FASTMEM_TIER_DRAM;
	ref = default_node_of_cpu(t, nd->obj->cpuset);
	if (ref == NULL)
		return RTE_FASTMEM_TIER_DRAM;
	hwloc_bitmap_copy(t->tmp, ref->obj->cpuset);
	if (memattr_value(t, HWLOC_MEMATTR_ID_BANDWIDTH, nd, t->tmp, &x) == 0 &&
			memattr_value(t, HWLOC_MEMATTR_ID_BANDWIDTH, ref, t->tmp, &r) == 0) {
		if (x > r)
			return RTE_FASTMEM_TIER_HBM;
		if (x < r)
			return RTE_FASTMEM_TIER_CXL;
	}
	if (memattr_value(t, HWLOC_MEMATTR_ID_LATENCY, nd, t->tmp, &x) == 0 &&
			memattr_value(t, HWLOC_MEMATTR_ID_LATENCY, ref, t->tmp, &r) == 0 &&
			x > r)
		return RTE_FASTMEM_TIER_CXL;
	return RTE_FASTMEM_TIER_DRAM;
}

static int
cmp_node_id(const void *a, const void *b)
{
	const struct topo_node *x = a;
	const struct topo_node *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The NUMA latency matrix (SLIT): "NUMALatency", else the largest latency matrix. */
static void
load_distances(struct topo *t)
{
	struct hwloc_distances_s *d[8];
	unsigned int nr = 1, i, best = 0;

	if (hwloc_distances_get_by_name(t->hw, "NUMALatency", &nr, d, 0) == 0 && nr >= 1) {
		if (d[0]->nbobjs > 0 && d[0]->objs[0]->type == HWLOC_OBJ_NUMANODE) {
			t->dist = d[0];
			return;
		}
		hwloc_distances_release(t->hw, d[0]);
	}
	nr = RTE_DIM(d);
	if (hwloc_distances_get_by_type(t->hw, HWLOC_OBJ_NUMANODE, &nr, d,
			HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) < 0 || nr == 0)
		return;
	nr = RTE_MIN(nr, (unsigned int)RTE_DIM(d));
	for (i = 1; i < nr; i++)
		if (d[i]->nbobjs > d[best]->nbobjs)
			best = i;
	for (i = 0; i < nr; i++)
		if (i != best)
			hwloc_distances_release(t->hw, d[i]);
	t->dist = d[best];
}

static int
dist_value(const struct topo *t, const struct topo_node *from, const struct topo_node *to,
		uint64_t *value)
{
	hwloc_uint64_t ab, ba;

	if (t->dist == NULL ||
			hwloc_distances_obj_pair_values(t->dist, from->obj, to->obj, &ab, &ba) < 0)
		return -ENOENT;
	*value = ab;
	return 0;
}

/* Where hwloc's view came from, for the logs, dumps and dpdk-fastmem-info. */
static void
describe_source(struct topo *t, hwloc_topology_t hw, const char *xml)
{
	const char *fsroot = getenv("HWLOC_FSROOT");
	const char *xmlfile = getenv("HWLOC_XMLFILE");

	if (xml != NULL)
		snprintf(t->desc, sizeof(t->desc), "hwloc, file %s", xml);
	else if (hwloc_topology_is_thissystem(hw))
		snprintf(t->desc, sizeof(t->desc), "hwloc, this system");
	else if (fsroot != NULL)
		snprintf(t->desc, sizeof(t->desc), "hwloc, HWLOC_FSROOT=%s", fsroot);
	else if (xmlfile != NULL)
		snprintf(t->desc, sizeof(t->desc), "hwloc, HWLOC_XMLFILE=%s", xmlfile);
	else
		snprintf(t->desc, sizeof(t->desc), "hwloc, not this system");
}

static struct topo *
topo_build_hwloc(const char *xml, char *why, size_t why_len)
{
	struct topo_node **sorted = NULL;
	hwloc_topology_t hw;
	struct topo *t = NULL;
	unsigned int i;
	int n, cpu;

	/* hwloc's ABI changes with its major version. */
	if ((hwloc_get_api_version() >> 16) != (HWLOC_API_VERSION >> 16)) {
		snprintf(why, why_len, "hwloc library version %#x, built with %#x",
			hwloc_get_api_version(), HWLOC_API_VERSION);
		return NULL;
	}
	if (hwloc_topology_init(&hw) < 0) {
		snprintf(why, why_len, "hwloc_topology_init: %s", strerror(errno));
		return NULL;
	}
	if (xml != NULL && hwloc_topology_set_xml(hw, xml) < 0) {
		snprintf(why, why_len, "cannot read %s: %s", xml, strerror(errno));
		goto fail;
	}
	if (hwloc_topology_load(hw) < 0) {
		snprintf(why, why_len, "hwloc_topology_load%s%s: %s", xml ? " " : "",
			xml ? xml : "", strerror(errno));
		goto fail;
	}
	n = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);
	if (n <= 0 || hwloc_bitmap_iszero(hwloc_topology_get_topology_cpuset(hw))) {
		snprintf(why, why_len, "hwloc found no NUMA node or no CPU%s%s",
			xml ? " in " : "", xml ? xml : "");
		goto fail;
	}
	t = topo_alloc((unsigned int)n);
	sorted = calloc(n, sizeof(*sorted));
	if (t == NULL || sorted == NULL)
		goto nomem;
	t->hwloc = true;
	t->hw = hw;
	t->cand = calloc(n, sizeof(*t->cand));
	t->pick = calloc(n, sizeof(*t->pick));
	t->set = hwloc_bitmap_alloc();
	t->tmp = hwloc_bitmap_alloc();
	if (t->cand == NULL || t->pick == NULL || t->set == NULL || t->tmp == NULL)
		goto nomem;

	CPU_ZERO(&t->cpus);
	hwloc_bitmap_foreach_begin(cpu, hwloc_topology_get_topology_cpuset(hw))
		if (cpu < CPU_SETSIZE)
			CPU_SET(cpu, &t->cpus);
	hwloc_bitmap_foreach_end();

	for (i = 0; i < (unsigned int)n; i++) {
		hwloc_obj_t obj = hwloc_get_obj_by_type(hw, HWLOC_OBJ_NUMANODE, i);
		struct topo_node *nd = &t->nodes[i];

		nd->obj = obj;
		nd->id = (int)obj->os_index;
		nd->logical = obj->logical_index;
		nd->capacity = obj->attr->numanode.local_memory;
		nd->locality = (unsigned int)hwloc_bitmap_weight(obj->cpuset);
		nd->explicit_tier = declared_tier(obj, &nd->tier);
	}
	if (compute_default_nodes(t, sorted) < 0)
		goto nomem;
	load_distances(t);
	for (i = 0; i < (unsigned int)n; i++) {
		struct topo_node *nd = &t->nodes[i];

		if (!nd->explicit_tier)
			nd->tier = infer_tier(t, nd);
		CPU_ZERO(&nd->cpus);
		if (!nd->is_default)
			continue;
		nd->n_cpus = nd->locality;
		hwloc_bitmap_foreach_begin(cpu, nd->obj->cpuset)
			if (cpu < CPU_SETSIZE)
				CPU_SET(cpu, &nd->cpus);
		hwloc_bitmap_foreach_end();
	}
	qsort(t->nodes, n, sizeof(*t->nodes), cmp_node_id);
	for (i = 0; i < (unsigned int)n; i++)
		t->nodes[i].obj->userdata = &t->nodes[i];
	free(sorted);

	describe_source(t, hw, xml);
	FASTMEM_LOG(DEBUG, "node resolver: %s, %u nodes", t->desc, t->n_nodes);
	return t;

nomem:
	snprintf(why, why_len, "out of memory");
	free(sorted);
	if (t != NULL) {
		t->hw = NULL;
		topo_free(t);
	}
fail:
	hwloc_topology_destroy(hw);
	return NULL;
}

/* Fill t->set with a query's CPUs; the whole machine when it has none of them. */
static void
hw_set_from_cpuset(struct topo *t, const rte_cpuset_t *cpus)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(t->hw);
	int cpu;

	hwloc_bitmap_zero(t->set);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, cpus))
			hwloc_bitmap_set(t->set, cpu);
	hwloc_bitmap_and(t->set, t->set, all);
	if (hwloc_bitmap_iszero(t->set))
		hwloc_bitmap_copy(t->set, all);
}

/* Best of the local nodes by smallest locality; ties: def, then hwloc's order. */
static struct topo_node *
pick_smallest_locality(struct topo_node **cand, unsigned int nr, struct topo_node *def)
{
	struct topo_node *best = NULL;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (best == NULL || cand[i]->locality < best->locality ||
				(cand[i]->locality == best->locality && cand[i] == def))
			best = cand[i];
	return best;
}

/*
 * The default node of t->set: the default node containing all of it;
 * else the default node of its lowest CPU; else (a CPU the default nodes
 * do not cover, only on odd topologies) its smallest-locality local node.
 */
static struct topo_node *
hw_default_node(struct topo *t)
{
	struct topo_node *nd = NULL;
	struct hwloc_location loc;
	unsigned int i, nr;

	for (i = 0; i < t->n_nodes; i++) {
		struct topo_node *c = &t->nodes[i];

		if (c->is_default && hwloc_bitmap_isincluded(t->set, c->obj->cpuset) &&
				(nd == NULL || c->locality < nd->locality))
			nd = c;
	}
	if (nd == NULL)
		nd = default_node_of_cpu(t, t->set);
	if (nd != NULL)
		return nd;
	hwloc_bitmap_only(t->tmp, hwloc_bitmap_first(t->set));
	loc.type = HWLOC_LOCATION_TYPE_CPUSET;
	loc.location.cpuset = t->tmp;
	nr = t->n_nodes;
	if (hwloc_get_local_numanode_objs(t->hw, &loc, &nr, t->cand,
			HWLOC_LOCAL_NUMANODE_FLAG_LARGER_LOCALITY) == 0 && nr > 0) {
		nr = RTE_MIN(nr, t->n_nodes);
		for (i = 0; i < nr; i++)
			t->pick[i] = t->cand[i]->userdata;
		return pick_smallest_locality(t->pick, nr, NULL);
	}
	return &t->nodes[0];
}

/*
 * Best local node by a memory attribute (as hwloc-calc --best-memattr does:
 * the nodes with a value, ties to the first in hwloc's order), or NULL
 * when none has a value from this initiator.
 */
static struct topo_node *
hw_best_by_memattr(struct topo *t, unsigned int nr, hwloc_memattr_id_t attr, bool higher)
{
	struct topo_node *best = NULL;
	uint64_t best_v = 0, v;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct topo_node *nd = t->cand[i]->userdata;

		if (memattr_value(t, attr, nd, t->set, &v) < 0)
			continue;
		if (best == NULL || (higher ? v > best_v : v < best_v)) {
			best = nd;
			best_v = v;
		}
	}
	return best;
}

static int
hw_best_node(struct topo *t, enum rte_fastmem_attr attr)
{
	struct topo_node *def = hw_default_node(t);
	struct topo_node *best = NULL, *nd;
	struct hwloc_location loc;
	uint64_t v, best_v = 0;
	unsigned int i, nr = t->n_nodes;

	loc.type = HWLOC_LOCATION_TYPE_CPUSET;
	loc.location.cpuset = t->set;
	if (hwloc_get_local_numanode_objs(t->hw, &loc, &nr, t->cand,
			HWLOC_LOCAL_NUMANODE_FLAG_SMALLER_LOCALITY |
			HWLOC_LOCAL_NUMANODE_FLAG_LARGER_LOCALITY) < 0 || nr == 0)
		return def->id;
	nr = RTE_MIN(nr, t->n_nodes);

	switch (attr) {
	case RTE_FASTMEM_ATTR_LATENCY:
		best = hw_best_by_memattr(t, nr, HWLOC_MEMATTR_ID_LATENCY, false);
		if (best != NULL)
			break;
		/* No HMAT latency: the NUMA latency matrix, from the default node. */
		for (i = 0; i < nr; i++) {
			nd = t->cand[i]->userdata;
			if (dist_value(t, def, nd, &v) < 0)
				continue;
			if (best == NULL || v < best_v || (v == best_v && nd == def)) {
				best = nd;
				best_v = v;
			}
		}
		if (best != NULL)
			break;
		/* No matrix: the nodes attached closest to the CPUs. */
		for (i = 0; i < nr; i++)
			t->pick[i] = t->cand[i]->userdata;
		best = pick_smallest_locality(t->pick, nr, def);
		break;
	case RTE_FASTMEM_ATTR_BANDWIDTH:
		best = hw_best_by_memattr(t, nr, HWLOC_MEMATTR_ID_BANDWIDTH, true);
		if (best != NULL)
			break;
		/* No HMAT bandwidth: the nearest local HBM, else the default node. */
		for (i = 0; i < nr; i++) {
			nd = t->cand[i]->userdata;
			if (nd->tier == RTE_FASTMEM_TIER_HBM &&
					(best == NULL || nd->locality < best->locality))
				best = nd;
		}
		break;
	case RTE_FASTMEM_ATTR_CAPACITY:
		best = hw_best_by_memattr(t, nr, HWLOC_MEMATTR_ID_CAPACITY, true);
		break;
	default:
		return -EINVAL;
	}
	return best != NULL ? best->id : def->id;
}

static int
cmp_order(const void *a, const void *b)
{
	const struct order_ent *x = a;
	const struct order_ent *y = b;

	if (x->first != y->first)
		return x->first ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->close != y->close)
		return x->close < y->close ? -1 : 1;
	if (x->is_default != y->is_default)
		return x->is_default ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Every node, nearest first. The key is the HMAT latency from the CPU set
 * when hwloc has it for every node; else the NUMA latency matrix from the
 * default node when it covers every node; else nothing, and the locality
 * decides: nodes under a smaller common ancestor with the CPU set first.
 */
static int
hw_order(struct topo *t, int *nodes, unsigned int n)
{
	enum { BY_LATENCY, BY_DISTANCE, BY_LOCALITY } mode = BY_LATENCY;
	struct topo_node *def = hw_default_node(t);
	unsigned int i;
	uint64_t v;

	for (i = 0; i < t->n_nodes && mode == BY_LATENCY; i++)
		if (memattr_value(t, HWLOC_MEMATTR_ID_LATENCY, &t->nodes[i], t->set, &v) < 0)
			mode = BY_DISTANCE;
	for (i = 0; i < t->n_nodes && mode == BY_DISTANCE; i++)
		if (dist_value(t, def, &t->nodes[i], &v) < 0)
			mode = BY_LOCALITY;

	for (i = 0; i < t->n_nodes; i++) {
		struct topo_node *nd = &t->nodes[i];
		struct order_ent *e = &t->ord[i];
		hwloc_obj_t cover;

		e->id = nd->id;
		e->first = nd == def;
		e->is_default = nd->is_default;
		e->key = 0;
		if (mode == BY_LATENCY)
			memattr_value(t, HWLOC_MEMATTR_ID_LATENCY, nd, t->set, &e->key);
		else if (mode == BY_DISTANCE)
			dist_value(t, def, nd, &e->key);
		hwloc_bitmap_or(t->tmp, t->set, nd->obj->cpuset);
		cover = hwloc_get_obj_covering_cpuset(t->hw, t->tmp);
		e->close = (unsigned int)hwloc_bitmap_weight(cover != NULL ? cover->cpuset :
			hwloc_topology_get_topology_cpuset(t->hw));
	}
	qsort(t->ord, t->n_nodes, sizeof(*t->ord), cmp_order);
	for (i = 0; i < t->n_nodes && i < n; i++)
		nodes[i] = t->ord[i].id;
	return (int)t->n_nodes;
}

#endif /* TOPO_HWLOC */

/* EAL mode: the node of the lowest CPU of a set EAL (sysfs) knows. */
static struct topo_node *
eal_cpuset_node(struct topo *t, const rte_cpuset_t *cpus)
{
	unsigned int i;
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, cpus))
			continue;
		for (i = 0; i < t->n_nodes; i++)
			if (CPU_ISSET(cpu, &t->nodes[i].cpus))
				return &t->nodes[i];
	}
	return &t->nodes[0];
}

/* EAL mode: a node, then the others in ascending order. */
static int
eal_order(struct topo *t, int first, int *nodes, unsigned int n)
{
	unsigned int i, k = 0;

	if (n > 0)
		nodes[k] = first;
	k++;
	for (i = 0; i < t->n_nodes; i++) {
		if (t->nodes[i].id == first)
			continue;
		if (k < n)
			nodes[k] = t->nodes[i].id;
		k++;
	}
	return (int)k;
}

static bool
env_wants_eal(void)
{
	const char *env = getenv(FASTMEM_TOPO_ENV);

	return env != NULL && strcasecmp(env, "eal") == 0;
}

/*
 * Build a snapshot from @xml (NULL: the running machine, or what hwloc's
 * environment variables point at). Returns NULL with *err = -ENOENT when
 * @xml cannot be loaded, -ENOMEM; never fails for the running machine but
 * on memory: it falls back to EAL socket ids.
 */
static struct topo *
topo_build(const char *xml, int *err)
{
	char why[PATH_MAX + 128];

	*err = -ENOMEM;
	if (env_wants_eal()) {
		snprintf(why, sizeof(why), FASTMEM_TOPO_ENV "=eal");
	} else {
#ifdef TOPO_HWLOC
		struct topo *t = topo_build_hwloc(xml, why, sizeof(why));

		if (t != NULL)
			return t;
		if (xml != NULL) {
			FASTMEM_LOG(ERR, "cannot load topology: %s", why);
			*err = -ENOENT;
			return NULL;
		}
#else
#ifdef RTE_FASTMEM_HAS_HWLOC
		snprintf(why, sizeof(why), "hwloc older than 2.5");
#else
		snprintf(why, sizeof(why), "fastmem built without hwloc");
#endif
#endif
	}
	if (xml != NULL) {
		*err = -ENOTSUP;
		return NULL;
	}
	return topo_build_eal(why);
}

static void
topo_bump_gen(void)
{
	uint32_t g = rte_atomic_load_explicit(&topo_gen, rte_memory_order_relaxed) + 1;

	/* 0 marks an empty thread cache. */
	if (g == 0)
		g = 1;
	rte_atomic_store_explicit(&topo_gen, g, rte_memory_order_release);
}

/*
 * The current snapshot, built on first use; topo_lock held. An EAL-mode
 * snapshot made before rte_eal_init() is rebuilt once EAL knows its sockets.
 */
static struct topo *
topo_get(void)
{
	struct topo *t = topo_cur;
	int err;

	if (t != NULL && (t->hwloc || t->eal_sockets == rte_socket_count()))
		return t;
	t = topo_build(topo_xml, &err);
	if (t == NULL && topo_xml != NULL) {
		/* The file loaded before is gone: back to the running machine. */
		free(topo_xml);
		topo_xml = NULL;
		t = topo_build(NULL, &err);
	}
	if (t == NULL)
		return topo_cur;
	topo_free(topo_cur);
	topo_cur = t;
	topo_bump_gen();
	return t;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_init)
int
fastmem_topo_init(void)
{
	struct topo *t;

	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	rte_spinlock_unlock(&topo_lock);
	return t != NULL ? 0 : -ENOMEM;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_fini)
void
fastmem_topo_fini(void)
{
	struct topo *t;

	rte_spinlock_lock(&topo_lock);
	t = topo_cur;
	topo_cur = NULL;
	topo_bump_gen();
	rte_spinlock_unlock(&topo_lock);
	topo_free(t);
}

uint32_t
fastmem_topo_generation(void)
{
	return rte_atomic_load_explicit(&topo_gen, rte_memory_order_acquire);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_uses_hwloc)
bool
fastmem_topo_uses_hwloc(void)
{
	struct topo *t;
	bool ret;

	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	ret = t != NULL && t->hwloc;
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_describe)
void
fastmem_topo_describe(char *buf, size_t len)
{
	struct topo *t;

	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	snprintf(buf, len, "%s", t != NULL ? t->desc : "no topology (out of memory)");
	rte_spinlock_unlock(&topo_lock);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_topology_load, 26.11)
int
rte_fastmem_topology_load(const char *xml_path)
{
	struct topo *t, *old;
	char *path = NULL;
	int err;

	if (xml_path != NULL) {
		path = strdup(xml_path);
		if (path == NULL)
			return -ENOMEM;
	}
	/* Build outside the lock: loading a machine takes milliseconds. */
	t = topo_build(xml_path, &err);
	if (t == NULL) {
		free(path);
		return err;
	}
	rte_spinlock_lock(&topo_lock);
	old = topo_cur;
	topo_cur = t;
	free(topo_xml);
	topo_xml = path;
	topo_bump_gen();
	rte_spinlock_unlock(&topo_lock);
	topo_free(old);
	return 0;
}

enum query {
	Q_NODE,
	Q_BEST,
	Q_ORDER,
};

/* Answer a query about a CPU set; topo_lock held. */
static int
query_locked(struct topo *t, const rte_cpuset_t *cpus, enum query q,
		enum rte_fastmem_attr attr, int *nodes, unsigned int n)
{
	struct topo_node *nd;

#ifdef TOPO_HWLOC
	if (t->hwloc) {
		hw_set_from_cpuset(t, cpus);
		switch (q) {
		case Q_NODE:
			return hw_default_node(t)->id;
		case Q_BEST:
			return hw_best_node(t, attr);
		default:
			return hw_order(t, nodes, n);
		}
	}
#else
	RTE_SET_USED(attr);
#endif
	nd = eal_cpuset_node(t, cpus);
	if (q == Q_ORDER)
		return eal_order(t, nd->id, nodes, n);
	return nd->id;
}

/* The arguments of a query are valid (whoever it is about). */
static bool
query_args_valid(enum query q, enum rte_fastmem_attr attr, const int *nodes, unsigned int n)
{
	if (q == Q_BEST && fastmem_topo_attr_name(attr) == NULL)
		return false;
	return q != Q_ORDER || nodes != NULL || n == 0;
}

static int
query(const rte_cpuset_t *cpus, enum query q, enum rte_fastmem_attr attr, int *nodes,
		unsigned int n)
{
	struct topo *t;
	int ret;

	if (cpus == NULL || CPU_COUNT(cpus) == 0 || !query_args_valid(q, attr, nodes, n))
		return -EINVAL;
	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	ret = t != NULL ? query_locked(t, cpus, q, attr, nodes, n) : -ENOMEM;
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_cpuset_node)
int
fastmem_topo_cpuset_node(const rte_cpuset_t *cpus)
{
	return query(cpus, Q_NODE, RTE_FASTMEM_ATTR_LATENCY, NULL, 0);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_cpuset_best_node)
int
fastmem_topo_cpuset_best_node(const rte_cpuset_t *cpus, enum rte_fastmem_attr attr)
{
	return query(cpus, Q_BEST, attr, NULL, 0);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_cpuset_nodes)
int
fastmem_topo_cpuset_nodes(const rte_cpuset_t *cpus, int *nodes, unsigned int n)
{
	return query(cpus, Q_ORDER, RTE_FASTMEM_ATTR_LATENCY, nodes, n);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_node_ids)
int
fastmem_topo_node_ids(int *ids, unsigned int n)
{
	struct topo *t;
	unsigned int i;
	int ret;

	if (ids == NULL && n > 0)
		return -EINVAL;
	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	if (t != NULL) {
		for (i = 0; i < t->n_nodes && i < n; i++)
			ids[i] = t->nodes[i].id;
		ret = (int)t->n_nodes;
	} else {
		ret = -ENOMEM;
	}
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

/*
 * Copy the CPUs of the whole topology (all) or of a node; returns their
 * count, -ENOMEM without a topology or -ENOENT for a node it does not have.
 */
static int
copy_cpus(bool all, int node, rte_cpuset_t *cpus)
{
	const rte_cpuset_t *src = NULL;
	struct topo_node *nd;
	struct topo *t;
	int ret;

	if (cpus == NULL)
		return -EINVAL;
	CPU_ZERO(cpus);
	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	if (all) {
		ret = -ENOMEM;
		if (t != NULL)
			src = &t->cpus;
	} else {
		ret = -ENOENT;
		nd = t != NULL ? node_by_id(t, node) : NULL;
		if (nd != NULL)
			src = &nd->cpus;
	}
	if (src != NULL) {
		*cpus = *src;
		ret = CPU_COUNT(cpus);
	}
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_cpus)
int
fastmem_topo_cpus(rte_cpuset_t *cpus)
{
	return copy_cpus(true, 0, cpus);
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_node_cpus)
int
fastmem_topo_node_cpus(int node, rte_cpuset_t *cpus)
{
	return copy_cpus(false, node, cpus);
}

int
fastmem_topo_node_info(int node_id, struct rte_fastmem_node_info *info)
{
	struct topo_node *nd;
	struct topo *t;
	int ret = -ENOENT;

	if (info == NULL)
		return -EINVAL;
	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	nd = t != NULL ? node_by_id(t, node_id) : NULL;
	if (nd != NULL) {
		memset(info, 0, sizeof(*info));
		info->node_id = nd->id;
		info->tier = nd->tier;
		info->capacity = nd->capacity;
		info->n_cpus = nd->n_cpus;
		info->is_default = nd->is_default;
		ret = 0;
	}
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

/*
 * An lcore's CPU set, or -EINVAL for an lcore EAL does not run (or when EAL
 * is not initialized: every lcore then looks enabled but has no CPUs).
 */
static int
lcore_cpuset(unsigned int lcore_id, rte_cpuset_t *cpus)
{
	if (lcore_id >= RTE_MAX_LCORE || rte_lcore_count() == 0 ||
			rte_lcore_has_role(lcore_id, ROLE_OFF))
		return -EINVAL;
	*cpus = rte_lcore_cpuset(lcore_id);
	/* A registered non-EAL thread may have no CPU set: the whole machine. */
	if (CPU_COUNT(cpus) == 0)
		memset(cpus, 0xff, sizeof(*cpus));
	return 0;
}

/* EAL mode answers an lcore with EAL's own socket id for it. */
static int
lcore_query(unsigned int lcore_id, enum query q, enum rte_fastmem_attr attr, int *nodes,
		unsigned int n)
{
	rte_cpuset_t cpus;
	struct topo *t;
	int ret;

	ret = lcore_cpuset(lcore_id, &cpus);
	if (ret < 0)
		return ret;
	if (!query_args_valid(q, attr, nodes, n))
		return -EINVAL;
	rte_spinlock_lock(&topo_lock);
	t = topo_get();
	if (t == NULL) {
		ret = -ENOMEM;
	} else if (!t->hwloc && node_by_id(t, (int)rte_lcore_to_socket_id(lcore_id)) != NULL) {
		ret = (int)rte_lcore_to_socket_id(lcore_id);
		if (q == Q_ORDER)
			ret = eal_order(t, ret, nodes, n);
	} else {
		ret = query_locked(t, &cpus, q, attr, nodes, n);
	}
	rte_spinlock_unlock(&topo_lock);
	return ret;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_lcore_node, 26.11)
int
rte_fastmem_lcore_node(unsigned int lcore_id)
{
	return lcore_query(lcore_id, Q_NODE, RTE_FASTMEM_ATTR_LATENCY, NULL, 0);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_lcore_best_node, 26.11)
int
rte_fastmem_lcore_best_node(unsigned int lcore_id, enum rte_fastmem_attr attr)
{
	return lcore_query(lcore_id, Q_BEST, attr, NULL, 0);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_lcore_nodes, 26.11)
int
rte_fastmem_lcore_nodes(unsigned int lcore_id, int *nodes, unsigned int n)
{
	return lcore_query(lcore_id, Q_ORDER, RTE_FASTMEM_ATTR_LATENCY, nodes, n);
}

/*
 * The calling thread's CPU set: an lcore's, else what EAL recorded for a
 * registered thread, else the OS affinity.
 */
static void
thread_cpuset(rte_cpuset_t *cpus)
{
	unsigned int lcore = rte_lcore_id();

	CPU_ZERO(cpus);
	if (lcore != LCORE_ID_ANY && lcore_cpuset(lcore, cpus) == 0)
		return;
	rte_thread_get_affinity(cpus);
	if (CPU_COUNT(cpus) > 0)
		return;
	if (sched_getaffinity(0, sizeof(*cpus), cpus) == 0 && CPU_COUNT(cpus) > 0)
		return;
	/* No affinity to read: the main lcore's, else the whole machine. */
	if (lcore_cpuset(rte_get_main_lcore(), cpus) < 0)
		memset(cpus, 0xff, sizeof(*cpus));
}

/*
 * Fill the thread cache. Answers are kept while the topology and the
 * thread's CPU set stay the same: the allocator asks on every SOCKET_ID_ANY
 * refill.
 */
static struct thread_cache *
thread_answers(void)
{
	struct thread_cache *tc = &RTE_PER_LCORE(topo_tc);
	uint32_t gen = fastmem_topo_generation();
	unsigned int lcore = rte_lcore_id();
	rte_cpuset_t cpus;
	int ret;

	thread_cpuset(&cpus);
	if (tc->gen == gen && CPU_EQUAL(&cpus, &tc->cpus))
		return tc;
	tc->gen = 0;
	tc->cpus = cpus;
	if (lcore != LCORE_ID_ANY && rte_lcore_count() > 0)
		ret = rte_fastmem_lcore_nodes(lcore, tc->order, RTE_DIM(tc->order));
	else
		ret = fastmem_topo_cpuset_nodes(&cpus, tc->order, RTE_DIM(tc->order));
	if (ret <= 0) {
		tc->node = 0;
		tc->order[0] = 0;
		tc->n_order = 1;
		return tc;
	}
	tc->node = tc->order[0];
	tc->n_order = ret;
	/* Machines with more nodes than the cache holds ask every time. */
	if (ret <= (int)RTE_DIM(tc->order))
		tc->gen = gen;
	return tc;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_thread_node, 26.11)
int
rte_fastmem_thread_node(void)
{
	return thread_answers()->node;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_topo_thread_order)
int
fastmem_topo_thread_order(int *nodes, unsigned int n)
{
	struct thread_cache *tc;
	rte_cpuset_t cpus;
	unsigned int i;

	if (nodes == NULL && n > 0)
		return -EINVAL;
	tc = thread_answers();
	if (tc->n_order > (int)RTE_DIM(tc->order)) {
		thread_cpuset(&cpus);
		return fastmem_topo_cpuset_nodes(&cpus, nodes, n);
	}
	for (i = 0; i < (unsigned int)tc->n_order && i < n; i++)
		nodes[i] = tc->order[i];
	return tc->n_order;
}
