/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * rte_fastmem_dump(): the allocator's state for people, like
 * rte_mempool_dump(). Fields are named as in the statistics structures
 * and the telemetry replies. It reads what the telemetry endpoints read,
 * the same way: no lock an allocation or free path needs.
 */

#include <inttypes.h>
#include <stdio.h>

#include <eal_export.h>
#include <rte_lcore.h>

#include "fastmem_pvt.h"
#include "fastmem_state.h"
#include "fastmem_stats.h"
#include "fastmem_topology.h"

/* "hits/(hits + misses)" as a percentage, "-" when there was no call. */
static const char *
hit_rate(uint64_t hits, uint64_t misses, char *buf, size_t len)
{
	if (hits + misses == 0)
		return "-";
	snprintf(buf, len, "%.1f%%", 100.0 * (double)hits / (double)(hits + misses));
	return buf;
}

/* The cache counters of a class or a thread, two lines. */
static void
dump_cache(FILE *f, uint64_t alloc_hits, uint64_t alloc_misses, uint64_t alloc_nomem,
		uint64_t free_hits, uint64_t free_misses)
{
	char ar[16], fr[16];

	fprintf(f, "  alloc_cache_hits=%" PRIu64 " alloc_cache_misses=%" PRIu64
		" (hit rate %s) alloc_nomem=%" PRIu64 "\n"
		"  free_cache_hits=%" PRIu64 " free_cache_misses=%" PRIu64 " (hit rate %s)\n",
		alloc_hits, alloc_misses, hit_rate(alloc_hits, alloc_misses, ar, sizeof(ar)),
		alloc_nomem, free_hits, free_misses,
		hit_rate(free_hits, free_misses, fr, sizeof(fr)));
}

static void
dump_global(FILE *f, const struct rte_fastmem_stats *s)
{
	fprintf(f, "fastmem:\n"
		"  n_classes=%u slab_size=%" PRIu64 "\n"
		"  bytes_backing=%" PRIu64 " bytes_in_use=%" PRIu64 " objs_in_use=%" PRIu64 "\n"
		"  bytes_free_slabs=%" PRIu64 " bytes_wasted=%" PRIu64 "\n"
		"  alloc_total=%" PRIu64 " free_total=%" PRIu64 " alloc_nomem=%" PRIu64 "\n",
		s->n_classes, (uint64_t)FASTMEM_SLAB_SIZE,
		s->bytes_backing, s->bytes_in_use, s->objs_in_use,
		s->bytes_free_slabs, s->bytes_wasted,
		s->alloc_total, s->free_total, s->alloc_nomem);
}

/* Nodes the resolver knows or that hold memory. */
static void
dump_nodes(FILE *f, struct fastmem_state *st)
{
	struct rte_fastmem_node_info info;
	uint64_t backing, objs, bytes;
	size_t limit;
	bool known;
	int node;

	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		const struct fastmem_node *nd = &st->nodes[node];

		known = rte_fastmem_node_info(node, &info) == 0;
		backing = fastmem_read(&nd->backing);
		if (!known && backing == 0)
			continue;
		fprintf(f, "node %d:", node);
		if (known)
			fprintf(f, " tier=%s capacity=%" PRIu64 " n_cpus=%u is_default=%d"
				" eal_usable=%d", fastmem_topo_tier_name(info.tier), info.capacity,
				info.n_cpus, info.is_default, info.eal_usable);
		fprintf(f, "\n  bytes_backing=%" PRIu64, backing);
		limit = rte_fastmem_get_limit(node);
		if (limit == SIZE_MAX)
			fprintf(f, " limit=unlimited");
		else
			fprintf(f, " limit=%zu", limit);
		fastmem_stats_node_usage(st, node, &objs, &bytes);
		fprintf(f, " bytes_in_use=%" PRIu64 " objs_in_use=%" PRIu64 "\n"
			"  bytes_free_slabs=%" PRIu64 " large_objs=%" PRIu64
			" large_bytes=%" PRIu64 "\n"
			"  headroom=%" PRIu64 " grows_inline=%" PRIu64 " grows_ahead=%" PRIu64 "\n",
			bytes, objs, fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE,
			fastmem_read(&nd->large_live), fastmem_read(&nd->large_bytes),
			fastmem_read(&nd->headroom), fastmem_read(&nd->grows_inline),
			fastmem_read(&nd->grows_ahead));
	}
}

/* Classes with live objects, pages or counts since the last reset. */
static void
dump_classes(FILE *f)
{
	size_t sizes[FASTMEM_NUM_CLASSES];
	struct rte_fastmem_class_stats s;
	unsigned int cls, n_classes;

	n_classes = rte_fastmem_classes(sizes);
	for (cls = 0; cls < n_classes; cls++) {
		if (rte_fastmem_stats_class(sizes[cls], &s) != 0)
			continue;
		if (!fastmem_class_stats_active(&s))
			continue;
		fprintf(f, "class %zu:\n"
			"  in_use=%" PRIu64 " bytes_wasted=%" PRIu64 " slabs_partial=%" PRIu64
			" slabs_full=%" PRIu64 " slabs_empty=%" PRIu64 " objs_cached=%" PRIu64 "\n",
			sizes[cls], s.in_use, s.bytes_wasted, s.slabs_partial, s.slabs_full,
			s.slabs_empty, s.objs_cached);
		dump_cache(f, s.alloc_cache_hits, s.alloc_cache_misses, s.alloc_nomem,
			s.free_cache_hits, s.free_cache_misses);
		fprintf(f, "  slab_acquires=%" PRIu64 " slab_releases=%" PRIu64 "\n",
			s.slab_acquires, s.slab_releases);
	}
}

/* One thread's counts; nothing for a thread without any. */
static void
dump_thread(FILE *f, const char *name, const struct rte_fastmem_lcore_stats *s)
{
	if (!fastmem_lcore_stats_active(s))
		return;
	fprintf(f, "%s:\n", name);
	dump_cache(f, s->alloc_cache_hits, s->alloc_cache_misses, s->alloc_nomem,
		s->free_cache_hits, s->free_cache_misses);
	if (s->cache_budget != 0 || s->cache_bytes != 0)
		fprintf(f, "  cache_bytes=%" PRIu64 " cache_budget=%" PRIu64 "\n", s->cache_bytes,
			s->cache_budget);
}

static void
dump_lcores(FILE *f)
{
	struct rte_fastmem_lcore_stats s;
	unsigned int lcore_id;
	char name[32];

	for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++) {
		if (rte_fastmem_stats_lcore(lcore_id, &s) != 0)
			continue;
		snprintf(name, sizeof(name), "lcore %u", lcore_id);
		dump_thread(f, name, &s);
	}
	if (rte_fastmem_stats_shared(&s) == 0)
		dump_thread(f, "shared (threads without lcore id)", &s);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_dump, 26.11)
void
rte_fastmem_dump(FILE *f)
{
	struct fastmem_state *st = fastmem_state_get();
	struct rte_fastmem_stats s;

	if (f == NULL)
		return;
	if (st == NULL || rte_fastmem_stats(&s) != 0) {
		fprintf(f, "fastmem: not initialized\n");
		return;
	}
	dump_global(f, &s);
	dump_nodes(f, st);
	dump_classes(f);
	dump_lcores(f);
}
