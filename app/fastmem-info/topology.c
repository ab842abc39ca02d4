/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * "topology": what fastmem's node resolver answers, for every CPU (OS
 * number) and node of this machine or of a loaded topology, without EAL;
 * with EAL arguments, for every lcore too. The answers come from the
 * library's own resolver (lib/fastmem/fastmem_topology.c), so they are
 * what the allocator uses.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_lcore.h>

#include "fastmem_topology.h"
#include "fastmem_info.h"

/* Room for an order over this many nodes; more nodes are not printed. */
#define MAX_NODES 1024
#define LIST_LEN 8192

static const enum rte_fastmem_attr attrs[] = {
	RTE_FASTMEM_ATTR_LATENCY,
	RTE_FASTMEM_ATTR_BANDWIDTH,
	RTE_FASTMEM_ATTR_CAPACITY,
};

/* What to report about a CPU set (a CPU or an lcore). */
struct answers {
	int node;
	int best[RTE_DIM(attrs)];
	int n_order;
	int order[MAX_NODES];
};

struct options {
	bool json;
	bool has_cpus;
	rte_cpuset_t cpus;
	const char *input;
};

static void
topology_help(FILE *f)
{
	fmi_print_usage(f, &fmi_cmd_topology);
	fprintf(f,
		"\n"
		"Print what fastmem's node resolver answers, without EAL: for each CPU\n"
		"(OS number) its default node, its best local node for latency,\n"
		"bandwidth and capacity, and the order the allocator falls back in;\n"
		"for each node its tier, capacity, CPUs and flags. Node numbers are OS\n"
		"NUMA node numbers.\n"
		"\n"
		"Options:\n"
		"  --cpus LIST    only these CPUs, e.g. 0-3,8 (default: all)\n"
		"  --input PATH   an hwloc XML file, or the root of a Linux sysfs/procfs\n"
		"                 snapshot (hwloc-gather-topology), instead of this machine\n"
		"  --json         JSON: {\"cpus\": [...], \"nodes\": [...]} (and \"lcores\"\n"
		"                 with EAL arguments)\n"
		"  -h, --help     this help\n"
		"\n"
		"With EAL arguments after \"--\", EAL is initialized and each lcore's\n"
		"answers are printed too (its CPU set in the topology above), and the\n"
		"\"eal\" flag of a node tells whether EAL can allocate there.\n"
		"\n"
		"Environment: HWLOC_XMLFILE and HWLOC_FSROOT work as with hwloc's tools;\n"
		"FASTMEM_TOPOLOGY=eal shows the answers fastmem gives without hwloc.\n"
		"\n"
		"Examples:\n"
		"  %s topology\n"
		"  %s topology --input machine.xml --cpus 0-7 --json\n"
		"  %s topology -- -l 0-3 --no-huge --no-pci\n",
		fmi_prog, fmi_prog, fmi_prog);
}

/* The resolver's answers for a CPU set, or for an lcore when cpus is NULL. */
static int
get_answers(const rte_cpuset_t *cpus, unsigned int lcore, struct answers *a)
{
	unsigned int i;

	a->node = cpus != NULL ? fastmem_topo_cpuset_node(cpus) : rte_fastmem_lcore_node(lcore);
	if (a->node < 0)
		return a->node;
	for (i = 0; i < RTE_DIM(attrs); i++)
		a->best[i] = cpus != NULL ? fastmem_topo_cpuset_best_node(cpus, attrs[i]) :
			rte_fastmem_lcore_best_node(lcore, attrs[i]);
	a->n_order = cpus != NULL ?
		fastmem_topo_cpuset_nodes(cpus, a->order, RTE_DIM(a->order)) :
		rte_fastmem_lcore_nodes(lcore, a->order, RTE_DIM(a->order));
	a->n_order = RTE_MIN(a->n_order, (int)RTE_DIM(a->order));
	return 0;
}

static void
print_order(const struct answers *a, bool json)
{
	int i;

	for (i = 0; i < a->n_order; i++)
		printf("%s%d", i == 0 ? "" : json ? ", " : ",", a->order[i]);
}

static void
json_answers(const struct answers *a)
{
	unsigned int i;

	printf("\"node\": %d, \"best\": {", a->node);
	for (i = 0; i < RTE_DIM(attrs); i++)
		printf("%s\"%s\": %d", i ? ", " : "", fastmem_topo_attr_name(attrs[i]),
			a->best[i]);
	printf("}, \"order\": [");
	print_order(a, true);
	printf("]");
}

static void
text_answers(const struct answers *a)
{
	unsigned int i;

	printf("%5d", a->node);
	for (i = 0; i < RTE_DIM(attrs); i++)
		printf(" %9d", a->best[i]);
	printf("  ");
	print_order(a, false);
	printf("\n");
}

/* Start a row of the CPU or lcore list: its own columns follow, then its answers. */
static void
row_start(const struct options *o, bool *first)
{
	if (o->json)
		printf("%s\n    {", *first ? "" : ",");
	else
		printf("  ");
	*first = false;
}

/* The answers that end a row of the CPU or lcore list. */
static void
print_answers(const struct options *o, const struct answers *a)
{
	if (o->json) {
		json_answers(a);
		printf("}");
	} else {
		text_answers(a);
	}
}

static struct answers *
answers_alloc(void)
{
	struct answers *a = malloc(sizeof(*a));

	if (a == NULL)
		fprintf(stderr, "%s topology: out of memory\n", fmi_prog);
	return a;
}

/* End the CPU or lcore list. */
static int
list_end(const struct options *o, struct answers *a)
{
	printf(o->json ? "\n  ]" : "");
	free(a);
	return FMI_EXIT_OK;
}

static int
print_nodes(const struct options *o, const int *ids, int n_nodes)
{
	static char cpus[LIST_LEN];
	struct rte_fastmem_node_info info;
	rte_cpuset_t set;
	char size[32];
	int i;

	if (o->json)
		printf("  \"nodes\": [");
	else
		printf("Nodes:\n  %5s  %-7s  %10s  %-11s  %s\n", "node", "tier", "capacity",
			"flags", "cpus");
	for (i = 0; i < n_nodes; i++) {
		if (rte_fastmem_node_info(ids[i], &info) < 0 ||
				fastmem_topo_node_cpus(ids[i], &set) < 0) {
			fprintf(stderr, "%s topology: node %d vanished\n", fmi_prog, ids[i]);
			return FMI_EXIT_FAIL;
		}
		if (fastmem_topo_format_cpulist(&set, cpus, sizeof(cpus)) < 0)
			snprintf(cpus, sizeof(cpus), "?");
		if (o->json) {
			printf("%s\n    {\"node\": %d, \"tier\": \"%s\", \"capacity\": %" PRIu64
				", \"cpus\": \"%s\", \"default\": %s, \"eal\": %s}",
				i ? "," : "", info.node_id, fastmem_topo_tier_name(info.tier),
				info.capacity, cpus, info.is_default ? "true" : "false",
				info.eal_usable ? "true" : "false");
			continue;
		}
		printf("  %5d  %-7s  %10s  %-11s  %s\n", info.node_id,
			fastmem_topo_tier_name(info.tier),
			info.capacity != 0 ?
				fmi_human_size(info.capacity, size, sizeof(size)) : "unknown",
			fmi_node_flags(info.is_default, info.eal_usable),
			info.n_cpus ? cpus : "(none)");
	}
	printf(o->json ? "\n  ]" : "");
	return FMI_EXIT_OK;
}

static int
print_cpus(const struct options *o, const rte_cpuset_t *cpus)
{
	struct answers *a = answers_alloc();
	rte_cpuset_t one;
	bool first = true;
	int cpu;

	if (a == NULL)
		return FMI_EXIT_FAIL;
	if (o->json)
		printf("  \"cpus\": [");
	else
		printf("CPUs:\n  %5s %5s %9s %9s %9s  %s\n", "cpu", "node", "latency", "bandwidth",
			"capacity", "order");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, cpus))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (get_answers(&one, 0, a) < 0) {
			fprintf(stderr, "%s topology: no answer for CPU %d\n", fmi_prog, cpu);
			free(a);
			return FMI_EXIT_FAIL;
		}
		row_start(o, &first);
		printf(o->json ? "\"cpu\": %d, " : "%5d ", cpu);
		print_answers(o, a);
	}
	return list_end(o, a);
}

static int
print_lcores(const struct options *o)
{
	static char cpus[LIST_LEN];
	struct answers *a = answers_alloc();
	bool first = true;
	unsigned int lcore;

	if (a == NULL)
		return FMI_EXIT_FAIL;
	if (o->json)
		printf("  \"lcores\": [");
	else
		printf("Lcores:\n  %5s %-9s %5s %9s %9s %9s  %s\n", "lcore", "cpus", "node",
			"latency", "bandwidth", "capacity", "order");
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		rte_cpuset_t set;

		if (rte_lcore_has_role(lcore, ROLE_OFF) || get_answers(NULL, lcore, a) < 0)
			continue;
		set = rte_lcore_cpuset(lcore);
		if (fastmem_topo_format_cpulist(&set, cpus, sizeof(cpus)) < 0)
			snprintf(cpus, sizeof(cpus), "?");
		row_start(o, &first);
		printf(o->json ? "\"lcore\": %u, \"cpus\": \"%s\", " : "%5u %-9s ", lcore, cpus);
		print_answers(o, a);
	}
	return list_end(o, a);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "input", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (fastmem_topo_parse_cpulist(optarg, &o->cpus) <= 0)
				return fmi_usage_error(&fmi_cmd_topology,
					"bad CPU list \"%s\" (expected e.g. 0-3,8)", optarg);
			o->has_cpus = true;
			break;
		case 'h':
			topology_help(stdout);
			return -1;
		case 'i':
			o->input = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		default:
			return fmi_option_error(&fmi_cmd_topology, opt, argv);
		}
	}
	if (optind < argc)
		return fmi_usage_error(&fmi_cmd_topology, "unexpected argument \"%s\"",
			argv[optind]);
	return 0;
}

/* Load --input: an XML file, or the root of a sysfs snapshot as hwloc's tools take it. */
static int
load_input(const char *path)
{
	struct stat st;
	int ret;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s topology: %s: %s\n", fmi_prog, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		/* What hwloc-calc -i DIR does: the Linux backend reads DIR, nothing else. */
		if (setenv("HWLOC_FSROOT", path, 1) < 0 ||
				setenv("HWLOC_COMPONENTS", "linux,stop", 1) < 0)
			return -1;
		ret = rte_fastmem_topology_load(NULL);
		if (ret == 0 && !fastmem_topo_uses_hwloc()) {
			fprintf(stderr, "%s topology: cannot read a topology from %s\n",
				fmi_prog, path);
			return -1;
		}
	} else {
		ret = rte_fastmem_topology_load(path);
	}
	if (ret == -ENOTSUP) {
		fprintf(stderr, "%s topology: --input needs fastmem built with hwloc"
			" (and FASTMEM_TOPOLOGY not \"eal\")\n", fmi_prog);
		return -1;
	}
	if (ret < 0) {
		fprintf(stderr, "%s topology: cannot load %s: %s\n", fmi_prog, path,
			strerror(-ret));
		return -1;
	}
	return 0;
}

static int
topology_run(int argc, char **argv)
{
	static int ids[MAX_NODES];
	char desc[PATH_MAX + 256];
	rte_cpuset_t all, cpus;
	struct options o;
	int n_nodes, ret, cpu;

	ret = parse_options(argc, argv, &o);
	if (ret != 0)
		return ret < 0 ? FMI_EXIT_OK : ret;
	/* EAL first: the "eal" flags and the EAL-mode node list depend on it. */
	if (fmi_has_eal_args() && fmi_eal_init() < 0)
		return FMI_EXIT_FAIL;
	if (o.input != NULL && load_input(o.input) < 0)
		return FMI_EXIT_FAIL;

	n_nodes = fastmem_topo_node_ids(ids, RTE_DIM(ids));
	if (fastmem_topo_cpus(&all) < 0 || n_nodes <= 0) {
		fprintf(stderr, "%s topology: no topology\n", fmi_prog);
		return FMI_EXIT_FAIL;
	}
	n_nodes = RTE_MIN(n_nodes, (int)RTE_DIM(ids));
	cpus = all;
	if (o.has_cpus) {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &o.cpus) && !CPU_ISSET(cpu, &all)) {
				static char list[LIST_LEN];

				fastmem_topo_format_cpulist(&all, list, sizeof(list));
				return fmi_usage_error(&fmi_cmd_topology,
					"--cpus: CPU %d is not in the topology (CPUs %s)",
					cpu, list);
			}
		cpus = o.cpus;
	}

	fastmem_topo_describe(desc, sizeof(desc));
	if (o.json)
		printf("{\n");
	else
		printf("Topology: %s\n", desc);
	ret = print_cpus(&o, &cpus);
	if (ret == FMI_EXIT_OK) {
		printf(o.json ? ",\n" : "");
		ret = print_nodes(&o, ids, n_nodes);
	}
	if (ret == FMI_EXIT_OK && fmi_has_eal_args()) {
		printf(o.json ? ",\n" : "");
		ret = print_lcores(&o);
	}
	if (o.json)
		printf("\n}\n");
	return ret;
}

const struct fmi_command fmi_cmd_topology = {
	.name = "topology",
	.synopsis = "[--cpus LIST] [--input FILE.xml|DIR] [--json]",
	.summary = "NUMA nodes, tiers and each CPU's nodes as fastmem's resolver sees them",
	.run = topology_run,
	.help = topology_help,
};
