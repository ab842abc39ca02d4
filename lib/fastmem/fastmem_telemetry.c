/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Telemetry endpoints: fastmem's statistics for dpdk-telemetry.py and
 * dpdk-fastmem-info. They are registered by a constructor, as lib/ring
 * and lib/mempool do, so they exist before rte_fastmem_init(): until then
 * /fastmem/stats answers "initialized": 0 and the others fail (-ENODEV,
 * a null reply).
 *
 * Handlers run in the telemetry thread and only read: through the
 * statistics calls (acquire loads of single-writer counters) and gauges
 * read whole without a lock. The locks they take are none an allocation
 * or a free waits for, except growth: the stats lock (readers and resets
 * only), the resolver's lock in rte_fastmem_node_info() (a thread takes it
 * once, to compute its node order) and mz_lock, around the copy of each
 * memzone record, which an allocation takes only to reserve a memzone.
 *
 * DPDK 22.11 prints a reply into 16 KiB and silently drops the entries
 * that do not fit. So list replies are pages: each holds the entries that
 * fit, and "next" is the parameter that gets the next page (-1: last).
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_string_fns.h>
#include <rte_telemetry.h>

#include "fastmem_pvt.h"
#include "fastmem_state.h"
#include "fastmem_stats.h"
#include "fastmem_topology.h"

/* JSON bytes a page may take: the reply's prefix, "next" and braces need the rest. */
#define PAGE_ROOM (16 * 1024 - 256)

/* Name of the shared path (threads without an lcore id) in the lcore endpoints. */
#define SHARED_NAME "shared"

/* A telemetry dict and the length of the JSON it prints as. */
struct dict {
	struct rte_tel_data *d;
	size_t len;
};

static int
dict_start(struct dict *dt, struct rte_tel_data *d)
{
	dt->d = d;
	dt->len = 2; /* {} */
	return rte_tel_data_start_dict(d);
}

/* A dict to add to another: freed by telemetry once printed. */
static int
dict_new(struct dict *dt)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d == NULL)
		return -ENOMEM;
	return dict_start(dt, d);
}

/* Each entry prints as "name":value, (22.11 writes no spaces). */
static void
dict_u64(struct dict *dt, const char *name, uint64_t v)
{
	char num[24];

	rte_tel_data_add_dict_uint(dt->d, name, v);
	dt->len += strlen(name) + 4 + (size_t)snprintf(num, sizeof(num), "%" PRIu64, v);
}

static void
dict_int(struct dict *dt, const char *name, int v)
{
	char num[16];

	rte_tel_data_add_dict_int(dt->d, name, v);
	dt->len += strlen(name) + 4 + (size_t)snprintf(num, sizeof(num), "%d", v);
}

static void
dict_string(struct dict *dt, const char *name, const char *v)
{
	rte_tel_data_add_dict_string(dt->d, name, v);
	dt->len += strlen(name) + 6 + strlen(v);
}

/* Add an entry to a page; false, the entry freed, when the page is full. */
static bool
page_add(struct dict *page, const char *name, struct dict *entry)
{
	size_t len = strlen(name) + 4 + entry->len;

	if (page->len + len > PAGE_ROOM ||
			rte_tel_data_add_dict_container(page->d, name, entry->d, 0) != 0) {
		rte_tel_data_free(entry->d);
		return false;
	}
	page->len += len;
	return true;
}

/* Add an entry named by a number (class size, lcore id, node); as page_add(). */
static bool
page_add_num(struct dict *page, uint64_t num, struct dict *entry)
{
	char name[24];

	snprintf(name, sizeof(name), "%" PRIu64, num);
	return page_add(page, name, entry);
}

/* A decimal number, nothing else (strtoull would take spaces and signs). */
static int
parse_u64(const char *s, const char **end, uint64_t *v)
{
	char *e;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno != 0)
		return -EINVAL;
	*end = e;
	return 0;
}

/* The optional first-entry parameter of a list: 0 without one. */
static int
parse_from(const char *params, uint64_t *from)
{
	const char *end;

	*from = 0;
	if (params == NULL || *params == '\0')
		return 0;
	if (parse_u64(params, &end, from) != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

/*
 * Start a list reply: -ENODEV before rte_fastmem_init(), -EINVAL when the
 * first-entry parameter is bad.
 */
static int
page_start(struct dict *page, struct rte_tel_data *d, const char *params, uint64_t *from,
		struct fastmem_state **st)
{
	*st = fastmem_state_get();
	if (*st == NULL)
		return -ENODEV;
	if (parse_from(params, from) != 0)
		return -EINVAL;
	dict_start(page, d);
	return 0;
}

/* The cache counters of class or per-lcore class statistics, as per-lcore statistics. */
#define CACHE_COUNTS(s) ((struct rte_fastmem_lcore_stats){ \
	.alloc_cache_hits = (s)->alloc_cache_hits, \
	.alloc_cache_misses = (s)->alloc_cache_misses, \
	.alloc_nomem = (s)->alloc_nomem, \
	.free_cache_hits = (s)->free_cache_hits, \
	.free_cache_misses = (s)->free_cache_misses, \
})

static void
lcore_fill(struct dict *dt, const struct rte_fastmem_lcore_stats *s)
{
	dict_u64(dt, "alloc_cache_hits", s->alloc_cache_hits);
	dict_u64(dt, "alloc_cache_misses", s->alloc_cache_misses);
	dict_u64(dt, "alloc_nomem", s->alloc_nomem);
	dict_u64(dt, "free_cache_hits", s->free_cache_hits);
	dict_u64(dt, "free_cache_misses", s->free_cache_misses);
}

/* What an lcore's caches hold and may hold (not of the shared path, which has none). */
static void
lcore_fill_cache(struct dict *dt, const struct rte_fastmem_lcore_stats *s)
{
	dict_u64(dt, "cache_bytes", s->cache_bytes);
	dict_u64(dt, "cache_budget", s->cache_budget);
}

static void
class_fill(struct dict *dt, const struct rte_fastmem_class_stats *s)
{
	const struct rte_fastmem_lcore_stats cache = CACHE_COUNTS(s);

	dict_u64(dt, "class_size", s->class_size);
	dict_u64(dt, "in_use", s->in_use);
	lcore_fill(dt, &cache);
	dict_u64(dt, "slab_acquires", s->slab_acquires);
	dict_u64(dt, "slab_releases", s->slab_releases);
	dict_u64(dt, "slabs_partial", s->slabs_partial);
	dict_u64(dt, "slabs_full", s->slabs_full);
	dict_u64(dt, "slabs_empty", s->slabs_empty);
	dict_u64(dt, "objs_cached", s->objs_cached);
	dict_u64(dt, "bytes_wasted", s->bytes_wasted);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct rte_fastmem_stats s;
	struct dict dt;

	dict_start(&dt, d);
	if (rte_fastmem_stats(&s) != 0) {
		dict_int(&dt, "initialized", 0);
		return 0;
	}
	dict_int(&dt, "initialized", 1);
	dict_u64(&dt, "n_classes", s.n_classes);
	dict_u64(&dt, "slab_size", FASTMEM_SLAB_SIZE);
	dict_u64(&dt, "bytes_backing", s.bytes_backing);
	dict_u64(&dt, "bytes_in_use", s.bytes_in_use);
	dict_u64(&dt, "objs_in_use", s.objs_in_use);
	dict_u64(&dt, "bytes_free_slabs", s.bytes_free_slabs);
	dict_u64(&dt, "bytes_wasted", s.bytes_wasted);
	dict_u64(&dt, "alloc_total", s.alloc_total);
	dict_u64(&dt, "free_total", s.free_total);
	dict_u64(&dt, "alloc_nomem", s.alloc_nomem);
	return 0;
}

/* /fastmem/classes[,<size>]: the active classes from the first of at least <size> bytes. */
static int
tel_classes(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	size_t sizes[FASTMEM_NUM_CLASSES];
	struct rte_fastmem_class_stats s;
	unsigned int cls, n_classes;
	struct fastmem_state *st;
	struct dict page, entry;
	uint64_t from;
	int next = -1;
	int ret;

	ret = page_start(&page, d, params, &from, &st);
	if (ret != 0)
		return ret;
	n_classes = rte_fastmem_classes(sizes);
	for (cls = 0; cls < n_classes; cls++) {
		if (sizes[cls] < from || rte_fastmem_stats_class(sizes[cls], &s) != 0 ||
				!fastmem_class_stats_active(&s))
			continue;
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		class_fill(&entry, &s);
		if (!page_add_num(&page, sizes[cls], &entry)) {
			next = (int)sizes[cls];
			break;
		}
	}
	dict_int(&page, "next", next);
	return 0;
}

/* /fastmem/class,<size>: one class, <size> exactly a class size. */
static int
tel_class(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_fastmem_class_stats s;
	const char *end;
	uint64_t size;
	struct dict dt;
	int ret;

	if (parse_u64(params, &end, &size) != 0 || *end != '\0')
		return -EINVAL;
	ret = rte_fastmem_stats_class((size_t)size, &s);
	if (ret != 0)
		return ret;
	dict_start(&dt, d);
	class_fill(&dt, &s);
	return 0;
}

/*
 * /fastmem/lcores[,<lcore>]: lcores with counts since the last reset, from
 * <lcore> on; the first page starts with the shared path if it has counts.
 */
static int
tel_lcores(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_fastmem_lcore_stats s;
	struct fastmem_state *st;
	struct dict page, entry;
	unsigned int lcore_id;
	uint64_t from;
	int next = -1;
	int ret;

	ret = page_start(&page, d, params, &from, &st);
	if (ret != 0)
		return ret;
	if (from == 0 && rte_fastmem_stats_shared(&s) == 0 && fastmem_lcore_stats_active(&s)) {
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		lcore_fill(&entry, &s);
		/* The first entry of a page always fits. */
		page_add(&page, SHARED_NAME, &entry);
	}
	for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++) {
		if (lcore_id < from || rte_fastmem_stats_lcore(lcore_id, &s) != 0 ||
				!fastmem_lcore_stats_active(&s))
			continue;
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		lcore_fill(&entry, &s);
		lcore_fill_cache(&entry, &s);
		if (!page_add_num(&page, lcore_id, &entry)) {
			next = (int)lcore_id;
			break;
		}
	}
	dict_int(&page, "next", next);
	return 0;
}

/*
 * /fastmem/lcore,<lcore>|shared[,<size>]: totals, then per active class
 * from the first of at least <size> bytes.
 */
static int
tel_lcore(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_fastmem_lcore_class_stats cs;
	size_t sizes[FASTMEM_NUM_CLASSES];
	struct rte_fastmem_lcore_stats s;
	unsigned int cls, n_classes;
	struct dict page, entry;
	uint64_t lcore_id = 0, from = 0;
	const char *end;
	bool shared;
	int next = -1;
	int ret;

	if (params == NULL)
		return -EINVAL;
	shared = strncmp(params, SHARED_NAME, strlen(SHARED_NAME)) == 0;
	if (shared)
		end = params + strlen(SHARED_NAME);
	else if (parse_u64(params, &end, &lcore_id) != 0 || lcore_id >= RTE_MAX_LCORE)
		return -EINVAL;
	if (*end == ',' && parse_from(end + 1, &from) != 0)
		return -EINVAL;
	if (*end != ',' && *end != '\0')
		return -EINVAL;
	ret = shared ? rte_fastmem_stats_shared(&s) :
		rte_fastmem_stats_lcore((unsigned int)lcore_id, &s);
	if (ret != 0)
		return ret;
	dict_start(&page, d);
	lcore_fill(&page, &s);
	if (!shared)
		lcore_fill_cache(&page, &s);
	n_classes = rte_fastmem_classes(sizes);
	for (cls = 0; cls < n_classes; cls++) {
		if (sizes[cls] < from)
			continue;
		ret = shared ? rte_fastmem_stats_shared_class(sizes[cls], &cs) :
			rte_fastmem_stats_lcore_class((unsigned int)lcore_id, sizes[cls], &cs);
		if (ret != 0)
			continue;
		s = CACHE_COUNTS(&cs);
		if (!fastmem_lcore_stats_active(&s))
			continue;
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		lcore_fill(&entry, &s);
		if (!page_add_num(&page, sizes[cls], &entry)) {
			next = (int)sizes[cls];
			break;
		}
	}
	dict_int(&page, "next", next);
	return 0;
}

/* /fastmem/nodes[,<node>]: nodes the resolver knows or that hold memory, from <node> on. */
static int
tel_nodes(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct rte_fastmem_node_info info;
	uint64_t from, backing, objs, bytes;
	struct fastmem_state *st;
	struct dict page, entry;
	int node, known, ret;
	size_t limit;
	int next = -1;

	ret = page_start(&page, d, params, &from, &st);
	if (ret != 0)
		return ret;
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		const struct fastmem_node *nd = &st->nodes[node];

		if ((uint64_t)node < from)
			continue;
		known = rte_fastmem_node_info(node, &info) == 0;
		backing = fastmem_read(&nd->backing);
		if (!known && backing == 0)
			continue;
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		fastmem_stats_node_usage(st, node, &objs, &bytes);
		limit = rte_fastmem_get_limit(node);
		dict_u64(&entry, "bytes_backing", backing);
		if (limit == SIZE_MAX)
			dict_int(&entry, "limit", -1);
		else
			dict_u64(&entry, "limit", limit);
		dict_u64(&entry, "bytes_in_use", bytes);
		dict_u64(&entry, "objs_in_use", objs);
		dict_u64(&entry, "bytes_free_slabs",
			fastmem_read(&nd->n_free_slices) * FASTMEM_SLICE_SIZE);
		dict_u64(&entry, "headroom", fastmem_read(&nd->headroom));
		dict_u64(&entry, "grows_inline", fastmem_read(&nd->grows_inline));
		dict_u64(&entry, "grows_ahead", fastmem_read(&nd->grows_ahead));
		if (known) {
			dict_string(&entry, "tier", fastmem_topo_tier_name(info.tier));
			dict_u64(&entry, "capacity", info.capacity);
			dict_u64(&entry, "n_cpus", info.n_cpus);
			dict_int(&entry, "is_default", info.is_default);
			dict_int(&entry, "eal_usable", info.eal_usable);
		}
		if (!page_add_num(&page, (uint64_t)node, &entry)) {
			next = node;
			break;
		}
	}
	dict_int(&page, "next", next);
	return 0;
}

/* Large objects (they have a memzone each) per node holding any. */
static int
large_add(struct dict *page, const struct fastmem_state *st)
{
	struct dict objs, bytes;
	uint64_t n;
	char name[16];
	int node;

	if (dict_new(&objs) != 0)
		return -ENOMEM;
	if (dict_new(&bytes) != 0) {
		rte_tel_data_free(objs.d);
		return -ENOMEM;
	}
	for (node = 0; node < FASTMEM_MAX_NODES; node++) {
		n = fastmem_read(&st->nodes[node].large_live);
		if (n == 0)
			continue;
		snprintf(name, sizeof(name), "%d", node);
		dict_u64(&objs, name, n);
		dict_u64(&bytes, name, fastmem_read(&st->nodes[node].large_bytes));
	}
	/* First on the page: they fit. */
	page_add(page, "large_objs", &objs);
	page_add(page, "large_bytes", &bytes);
	return 0;
}

/* One memzone record, as copied under mz_lock. */
struct mz_copy {
	char name[RTE_MEMZONE_NAMESIZE];
	uint64_t len;
	int node;
	uint32_t n_segs;
	uint32_t n_free;
};

/*
 * Copy a record if in use. Growth fills a record under mz_lock, so the
 * copy is never half of one. Trim clears a record under the node lock and
 * then frees its memzone: a record trimmed during the copy can show a
 * cleared name, never fault (EAL keeps freed memzone descriptors mapped).
 */
static bool
mz_copy(struct fastmem_state *st, int idx, struct mz_copy *c)
{
	const struct fastmem_mz *m;
	bool used;

	rte_spinlock_lock(&st->mz_lock);
	m = fastmem_mz_used(st, idx);
	used = m != NULL;
	if (used) {
		strlcpy(c->name, m->mz->name, sizeof(c->name));
		c->len = m->mz->len;
		c->node = m->node;
		c->n_segs = m->n_segs;
		/* Slices leave and join the free ones under the node lock, not this one. */
		c->n_free = rte_atomic_load_explicit(&m->n_free, rte_memory_order_relaxed);
	}
	rte_spinlock_unlock(&st->mz_lock);
	return used;
}

/* /fastmem/memzones[,<record>]: segment memzone records from index <record> on. */
static int
tel_memzones(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	uint64_t from, n_used = 0;
	struct fastmem_state *st;
	struct dict page, entry;
	int idx, next = -1;
	struct mz_copy c;
	int ret;

	ret = page_start(&page, d, params, &from, &st);
	if (ret != 0)
		return ret;
	FASTMEM_MZ_FOREACH_USED(st, idx)
		n_used++;
	dict_u64(&page, "memzones", n_used);
	if (large_add(&page, st) != 0)
		return -ENOMEM;
	for (idx = 0; idx < FASTMEM_MAX_MZ; idx++) {
		if ((uint64_t)idx < from || !mz_copy(st, idx, &c))
			continue;
		if (dict_new(&entry) != 0)
			return -ENOMEM;
		dict_int(&entry, "node", c.node);
		dict_u64(&entry, "len", c.len);
		dict_u64(&entry, "segments", c.n_segs);
		dict_u64(&entry, "free_slices", c.n_free);
		if (!page_add(&page, c.name, &entry)) {
			next = idx;
			break;
		}
	}
	dict_int(&page, "next", next);
	return 0;
}

RTE_INIT(fastmem_telemetry_init)
{
	/* 22.11 refuses help texts of 128 bytes or more. */
	rte_telemetry_register_cmd("/fastmem/stats", tel_stats,
		"Global statistics; \"initialized\": 0 before rte_fastmem_init(). No parameters.");
	rte_telemetry_register_cmd("/fastmem/classes", tel_classes,
		"Size classes with activity. Parameters: [first class size]");
	rte_telemetry_register_cmd("/fastmem/class", tel_class,
		"One size class. Parameters: class size");
	rte_telemetry_register_cmd("/fastmem/lcores", tel_lcores,
		"Cache statistics of active lcores and the shared path. "
		"Parameters: [first lcore id]");
	rte_telemetry_register_cmd("/fastmem/lcore", tel_lcore,
		"Cache statistics of an lcore per class. "
		"Parameters: lcore id|shared[,first class size]");
	rte_telemetry_register_cmd("/fastmem/nodes", tel_nodes,
		"Memory per NUMA node. Parameters: [first node]");
	rte_telemetry_register_cmd("/fastmem/memzones", tel_memzones,
		"Backing memzones and large objects. Parameters: [first record index]");
}
