/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_autotest: functional tests of every public allocator call.
 *
 * Each case runs on a freshly initialized allocator (setup/teardown) and
 * checks results, rte_errno codes and the allocator's consistency
 * afterwards: contents survive, objects never overlap, statistics balance
 * and no backing memory is lost. Cases needing a second lcore, hugepages
 * or a secondary process skip when those are missing.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_thread.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_bin.h"
#include "fastmem_debug.h"
#include "fastmem_layout.h"
#include "fastmem_state.h"
#include "fastmem_test_util.h"
#include "test.h"

#define MIB (UINT64_C(1) << 20)

static int
fm_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init failed");
	return TEST_SUCCESS;
}

static void
fm_teardown(void)
{
	rte_fastmem_deinit();
}

/* Fill an object with a pattern derived from its address and a seed. */
static void
stamp(void *obj, size_t len, uint32_t seed)
{
	uint8_t *p = obj;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

static int
stamp_ok(const void *obj, size_t len, uint32_t seed)
{
	const uint8_t *p = obj;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed * 31 + i * 7))
			return 0;
	return 1;
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* No two of n objects of size len overlap. */
static int
no_overlap(void **objs, unsigned int n, size_t len)
{
	void **sorted = malloc(sizeof(void *) * n);
	unsigned int i;
	int ok = 1;

	if (sorted == NULL)
		return 0;
	memcpy(sorted, objs, sizeof(void *) * n);
	qsort(sorted, n, sizeof(void *), cmp_ptr);
	for (i = 1; i < n; i++)
		if ((uintptr_t)sorted[i - 1] + len > (uintptr_t)sorted[i])
			ok = 0;
	free(sorted);
	return ok;
}

static uint64_t
live_objects(void)
{
	struct rte_fastmem_stats st;

	if (rte_fastmem_stats(&st) != 0)
		return UINT64_MAX;
	return st.objs_in_use;
}

/* Every call before init gives ENODEV (or is a harmless no-op). */
static int
test_uninitialized(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats gs;
	rte_fastmem_handle_t h;
	void *ptrs[2];

	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 0, 0), "alloc before init");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "alloc errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, 0), "alloc_socket before init");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "alloc_socket errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(NULL, 64, 0), "realloc before init");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "realloc errno %d", rte_errno);
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(ptrs, 2, 64, 0, 0), -ENODEV, "bulk");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "bulk errno %d", rte_errno);
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(MIB, SOCKET_ID_ANY), -ENODEV, "reserve");
	TEST_ASSERT_EQUAL(rte_fastmem_set_limit(0, MIB), -ENODEV, "set_limit");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(0), 0, "get_limit");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "get_limit errno %d", rte_errno);
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(64, 0, 0, &h), -ENODEV, "hlookup");
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_halloc(0, 0), "halloc before init");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "halloc errno %d", rte_errno);
	TEST_ASSERT_EQUAL(rte_fastmem_halloc_bulk(0, ptrs, 2, 0), -ENODEV, "halloc_bulk");
	TEST_ASSERT_EQUAL(rte_fastmem_trim(), -ENODEV, "trim");
	TEST_ASSERT_EQUAL(rte_fastmem_stats(&gs), -ENODEV, "stats");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_class(64, &cs), -ENODEV, "stats_class");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore(0, &ls), -ENODEV, "stats_lcore");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore_class(0, 64, &lcs), -ENODEV, "lcore_class");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_shared(&ls), -ENODEV, "stats_shared");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_shared_class(64, &lcs), -ENODEV, "shared_class");
	TEST_ASSERT(!rte_fastmem_owns(ptrs), "owns before init");
	/* No-ops that must not crash: nothing to free, flush or reset. */
	rte_fastmem_free(NULL);
	rte_fastmem_free_bulk(NULL, 0);
	rte_fastmem_hfree(0, NULL);
	rte_fastmem_hfree_bulk(0, NULL, 0);
	rte_fastmem_cache_flush();
	rte_fastmem_stats_reset();
	rte_fastmem_deinit();
	TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(NULL), RTE_BAD_IOVA, "virt2iova(NULL)");
	/* Init works afterwards, once. */
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	TEST_ASSERT_EQUAL(rte_fastmem_init(), -EBUSY, "second init");
	rte_fastmem_deinit();
	rte_fastmem_deinit();
	return TEST_SUCCESS;
}

/* Classes: increasing, <= 25 % waste from 64 B up, small requests packed. */
static int
test_classes(void)
{
	size_t sizes[64];
	unsigned int n = rte_fastmem_classes(NULL), i;
	size_t req, prev = 0;

	TEST_ASSERT(n > 0 && n <= RTE_DIM(sizes), "classes %u", n);
	TEST_ASSERT_EQUAL(rte_fastmem_classes(sizes), n, "count differs");
	for (i = 0; i < n; i++) {
		TEST_ASSERT(sizes[i] > prev, "class %u not increasing", i);
		TEST_ASSERT_EQUAL(sizes[i] % 16, 0, "class %zu not a multiple of 16", sizes[i]);
		prev = sizes[i];
	}
	TEST_ASSERT_EQUAL(sizes[0], 16, "smallest class %zu", sizes[0]);
	/* Worst case waste of each class is a request one byte above the class below. */
	for (i = 1; i < n; i++) {
		req = sizes[i - 1] + 1;
		if (req < 64)
			continue;
		TEST_ASSERT(sizes[i] - req <= req / 4,
			"request %zu gets %zu: %.1f %% waste", req, sizes[i],
			100.0 * (double)(sizes[i] - req) / (double)req);
	}
	/* Every request gets the smallest class holding it (sizes unknown at build time). */
	for (req = 1; req <= sizes[n - 1]; req++) {
		volatile size_t opaque = req;
		unsigned int cls = __rte_fastmem_size_to_class(opaque, 0);

		TEST_ASSERT(cls < n && sizes[cls] >= req && (cls == 0 || sizes[cls - 1] < req),
			"request %zu gets class %u", req, cls);
	}
	TEST_ASSERT(rte_fastmem_max_size() >= 512 * MIB || rte_fastmem_max_size() > sizes[n - 1],
		"max size %zu", rte_fastmem_max_size());
	return TEST_SUCCESS;
}

/* The cache index of large objects and free slices. */
static uint32_t
no_cache(void)
{
	return fastmem_no_cache(fastmem_state_get());
}

/* Which class an object got, from its slice entry; 0 for a large object. */
static size_t
obj_class_size(const void *obj)
{
	uint32_t idx = __rte_fastmem_slice_of(obj)->cache_idx;

	if (idx >= no_cache())
		return 0;
	return __rte_fastmem_class_size(idx % __RTE_FASTMEM_NUM_CLASSES);
}

/* Debug builds add a trailer to every object, and always move on realloc. */
static bool
release_layout(void)
{
	return !(fastmem_dbg_mode() & FASTMEM_DBG_MODE_DEBUG);
}

static bool
release_realloc(void)
{
	return fastmem_dbg_mode() == 0;
}

static int
test_small_packing(void)
{
	void *a, *b;

	if (!release_layout())
		return TEST_SKIPPED;

	a = rte_fastmem_alloc(24, 0, 0);
	b = rte_fastmem_alloc(8, 0, 0);
	TEST_ASSERT(a != NULL && b != NULL, "alloc");
	TEST_ASSERT_EQUAL(obj_class_size(a), 32, "24 B costs %zu", obj_class_size(a));
	TEST_ASSERT_EQUAL(obj_class_size(b), 16, "8 B costs %zu", obj_class_size(b));
	TEST_ASSERT_EQUAL((uintptr_t)a % 16, 0, "default alignment below 16 B");
	rte_fastmem_free(a);
	rte_fastmem_free(b);
	/* Class sizes that are multiples of 64 are cache-line aligned by default. */
	a = rte_fastmem_alloc(192, 0, 0);
	TEST_ASSERT_NOT_NULL(a, "alloc 192");
	TEST_ASSERT_EQUAL((uintptr_t)a % 64, 0, "192 B object %p not cache aligned", a);
	rte_fastmem_free(a);
	return TEST_SUCCESS;
}

/* Bad arguments: the documented errno and nothing allocated. */
static int
test_bad_args(void)
{
	uint64_t live = live_objects();

	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(0, 0, 0), "size 0");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "size 0 errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 3, 0), "align 3");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "align 3 errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 0, 0x80), "bad flags");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "bad flags errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(rte_fastmem_max_size() + 1, 0, 0), "too big");
	TEST_ASSERT_EQUAL(rte_errno, E2BIG, "too big errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(SIZE_MAX, 0, 0), "SIZE_MAX");
	TEST_ASSERT_EQUAL(rte_errno, E2BIG, "SIZE_MAX errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, -7), "node -7");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "node -7 errno %d", rte_errno);
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, 4096), "node 4096");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "node 4096 errno %d", rte_errno);
	if (rte_socket_count() < RTE_MAX_NUMA_NODES) {
		rte_errno = 0;
		TEST_ASSERT_NULL(rte_fastmem_alloc_socket(64, 0, 0, RTE_MAX_NUMA_NODES - 1),
			"node without memory");
		TEST_ASSERT_EQUAL(rte_errno, ENXIO, "node without memory errno %d", rte_errno);
	}
	TEST_ASSERT_EQUAL(live_objects(), live, "bad calls changed the live count");
	return TEST_SUCCESS;
}

/* Many objects of every class: contents intact, no overlap, all freed. */
static int
test_all_classes(void)
{
	enum { PER_CLASS = 40 };
	size_t sizes[64];
	unsigned int n = rte_fastmem_classes(sizes), c, i;
	void *objs[PER_CLASS];

	for (c = 0; c < n; c++) {
		for (i = 0; i < PER_CLASS; i++) {
			objs[i] = rte_fastmem_alloc(sizes[c], 0, 0);
			TEST_ASSERT_NOT_NULL(objs[i], "class %zu obj %u: %d", sizes[c], i,
				rte_errno);
			stamp(objs[i], sizes[c], c * PER_CLASS + i);
		}
		TEST_ASSERT(no_overlap(objs, PER_CLASS, sizes[c]), "class %zu overlaps", sizes[c]);
		for (i = 0; i < PER_CLASS; i++) {
			TEST_ASSERT(stamp_ok(objs[i], sizes[c], c * PER_CLASS + i),
				"class %zu obj %u corrupted", sizes[c], i);
			rte_fastmem_free(objs[i]);
		}
	}
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	return TEST_SUCCESS;
}

/* Many objects of one class: several pages, the depot and the caches all in play. */
static int
test_many_objects(void)
{
	enum { N = 100000 };
	void **objs = malloc(sizeof(void *) * N);
	unsigned int i;

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	for (i = 0; i < N; i++) {
		objs[i] = rte_fastmem_alloc(48, 0, 0);
		if (objs[i] == NULL)
			break;
		*(uint32_t *)objs[i] = i;
	}
	if (i < N) {
		rte_fastmem_free_bulk(objs, i);
		free(objs);
		TEST_ASSERT(0, "alloc %u failed: %d", i, rte_errno);
	}
	TEST_ASSERT(no_overlap(objs, N, 48), "overlap");
	TEST_ASSERT_EQUAL(live_objects(), N, "live %" PRIu64, live_objects());
	for (i = 0; i < N; i++)
		TEST_ASSERT_EQUAL(*(uint32_t *)objs[i], i, "object %u corrupted", i);
	for (i = 0; i < N; i += 2)
		rte_fastmem_free(objs[i]);
	for (i = 1; i < N; i += 2)
		rte_fastmem_free(objs[i]);
	free(objs);
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	return TEST_SUCCESS;
}

static int
test_alignment(void)
{
	size_t align, size;
	void *p;

	for (align = 1; align <= MIB; align *= 2) {
		for (size = 1; size <= 8192; size = size * 3 + 1) {
			p = rte_fastmem_alloc(size, align, 0);
			TEST_ASSERT_NOT_NULL(p, "size %zu align %zu: %d", size, align, rte_errno);
			TEST_ASSERT_EQUAL(((uintptr_t)p & (align - 1)), 0, "size %zu align %zu: %p",
				size, align, p);
			memset(p, 0xa5, size);
			rte_fastmem_free(p);
		}
	}
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc(64, 2 * MIB, 0), "alignment above 1 MiB");
	TEST_ASSERT_EQUAL(rte_errno, E2BIG, "alignment above 1 MiB errno %d", rte_errno);
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	return TEST_SUCCESS;
}

static int
test_zero_flag(void)
{
	size_t sizes[] = { 16, 100, 4096, 700 * 1024 };
	unsigned int i, k;
	uint8_t *p;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		p = rte_fastmem_alloc(sizes[i], 0, 0);
		TEST_ASSERT_NOT_NULL(p, "alloc");
		memset(p, 0xff, sizes[i]);
		rte_fastmem_free(p);
		p = rte_fastmem_alloc(sizes[i], 0, RTE_FASTMEM_F_ZERO);
		TEST_ASSERT_NOT_NULL(p, "alloc zero");
		for (k = 0; k < sizes[i]; k++)
			TEST_ASSERT_EQUAL(p[k], 0, "size %zu byte %u not zero", sizes[i], k);
		rte_fastmem_free(p);
	}
	return TEST_SUCCESS;
}

/* Objects beyond the size classes, through the same alloc/free/realloc. */
static int
test_large(void)
{
	size_t sizes[] = { 448 * 1024 + 1, MIB, 3 * MIB + 5, 64 * MIB };
	uint64_t backing0 = fm_test_backing_bytes();
	unsigned int i;
	uint8_t *p;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		p = rte_fastmem_alloc(sizes[i], 0, 0);
		TEST_ASSERT_NOT_NULL(p, "large %zu: %d", sizes[i], rte_errno);
		stamp(p, sizes[i], i);
		TEST_ASSERT(fm_test_backing_bytes() >= backing0 + sizes[i], "backing not counted");
		TEST_ASSERT(stamp_ok(p, sizes[i], i), "large %zu corrupted", sizes[i]);
		/* IOVA-contiguous: the object's IOVA plus an offset is the byte's IOVA. */
		if (rte_fastmem_virt2iova(p) != RTE_BAD_IOVA)
			TEST_ASSERT_EQUAL(rte_mem_virt2iova(p + sizes[i] - 1),
				rte_fastmem_virt2iova(p) + sizes[i] - 1, "iova not contiguous");
		rte_fastmem_free(p);
		TEST_ASSERT_EQUAL(fm_test_backing_bytes(), backing0, "large backing not returned");
	}
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	return TEST_SUCCESS;
}

static int
test_virt2iova(void)
{
	uint8_t *p = rte_fastmem_alloc(1000, 0, 0);
	rte_iova_t iova;

	TEST_ASSERT_NOT_NULL(p, "alloc");
	iova = rte_fastmem_virt2iova(p);
	TEST_ASSERT_EQUAL(iova, rte_mem_virt2iova(p), "iova differs from EAL's");
	TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(p + 999), rte_mem_virt2iova(p + 999),
		"iova of last byte differs from EAL's");
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		TEST_ASSERT_EQUAL(iova, (rte_iova_t)(uintptr_t)p, "IOVA-as-VA mode");
	rte_fastmem_free(p);
	return TEST_SUCCESS;
}

/*
 * Objects in every segment of a memzone of eight segments have the IOVAs
 * EAL gives their bytes: segments' memzones are not asked to be
 * IOVA-contiguous, each segment has its own IOVA. On hugepages of 2 MiB
 * or more, where EAL gives IOVAs, a segment is one page: its objects then
 * have a valid IOVA.
 */
static int
test_virt2iova_segments(void)
{
	const size_t size = 448 * 1024; /* the largest class: four per segment */
	const struct rte_memseg_list *msl;
	void *objs[32];
	unsigned int i;
	uint8_t *p;

	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 * MIB, SOCKET_ID_ANY), "reserve");
	for (i = 0; i < RTE_DIM(objs); i++) {
		p = objs[i] = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(p, "alloc %u: %s", i, rte_strerror(rte_errno));
		TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(p), rte_mem_virt2iova(p),
			"object %u: iova differs from EAL's", i);
		TEST_ASSERT_EQUAL(rte_fastmem_virt2iova(p + size - 1),
			rte_mem_virt2iova(p + size - 1), "object %u: iova of its last byte", i);
		msl = rte_mem_virt2memseg_list(p);
		if (msl != NULL && msl->page_sz >= RTE_FASTMEM_SLAB_SIZE)
			TEST_ASSERT(rte_mem_virt2iova(p) == RTE_BAD_IOVA ||
				rte_fastmem_virt2iova(p) != RTE_BAD_IOVA,
				"object %u: no IOVA on hugepages", i);
	}
	for (i = 0; i < RTE_DIM(objs); i++)
		rte_fastmem_free(objs[i]);
	return TEST_SUCCESS;
}

static int
test_socket(void)
{
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	const struct rte_memseg_list *msl;
	void *p;

	TEST_ASSERT(node >= 0, "lcore node %d", node);
	p = rte_fastmem_alloc_socket(64, 0, 0, node);
	TEST_ASSERT_NOT_NULL(p, "alloc on node %d: %d", node, rte_errno);
	TEST_ASSERT_EQUAL(fastmem_idx_node(__rte_fastmem_slice_of(p)->cache_idx), node,
		"object on another node");
	msl = rte_mem_virt2memseg_list(p);
	TEST_ASSERT(msl != NULL && msl->socket_id == node, "memory of another socket");
	rte_fastmem_free(p);
	/* SOCKET_ID_ANY follows the resolver: the lcore's own node first. */
	p = rte_fastmem_alloc_socket(64, 0, 0, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(p, "alloc any");
	TEST_ASSERT_EQUAL(fastmem_idx_node(__rte_fastmem_slice_of(p)->cache_idx), node,
		"SOCKET_ID_ANY did not pick the lcore's node");
	rte_fastmem_free(p);
	return TEST_SUCCESS;
}

static int
test_bulk(void)
{
	void *objs[300], *mixed[6];
	unsigned int i;
	uint64_t live = live_objects();

	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, 0, 64, 0, 0), "n == 0");
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(NULL, 4, 64, 0, 0), -EINVAL, "NULL ptrs");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "NULL ptrs errno");
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(objs, 4, 0, 0, 0), -EINVAL, "size 0");
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(objs, 4, 64, 6, 0), -EINVAL, "align 6");
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk(objs, 4, SIZE_MAX, 0, 0), -E2BIG, "too big");
	TEST_ASSERT_EQUAL(rte_fastmem_alloc_bulk_socket(objs, 4, 64, 0, 0, -3), -EINVAL, "node");
	/* Small bulks (cache), a bulk larger than the cache (bin), zeroing. */
	for (i = 1; i <= RTE_DIM(objs); i = i * 4 + 3) {
		unsigned int k;

		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, i, 200, 0, RTE_FASTMEM_F_ZERO),
			"bulk %u: %d", i, rte_errno);
		for (k = 0; k < i; k++) {
			TEST_ASSERT_EQUAL(((uint8_t *)objs[k])[199], 0, "not zeroed");
			stamp(objs[k], 200, k);
		}
		TEST_ASSERT(no_overlap(objs, i, 200), "bulk %u overlaps", i);
		for (k = 0; k < i; k++)
			TEST_ASSERT(stamp_ok(objs[k], 200, k), "bulk obj %u corrupted", k);
		rte_fastmem_free_bulk(objs, i);
	}
	/* Large objects in bulk; zeroed ones zero where the bulk chained them too. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, 8, MIB, 0, 0), "large bulk");
	TEST_ASSERT(no_overlap(objs, 8, MIB), "large bulk overlaps");
	for (i = 0; i < 8; i++)
		memset(objs[i], 0xa5, 64);
	rte_fastmem_free_bulk(objs, 8);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, 8, MIB, 0, RTE_FASTMEM_F_ZERO),
		"zeroed large bulk");
	for (i = 0; i < 8; i++) {
		unsigned int k;

		for (k = 0; k < 64; k++)
			TEST_ASSERT_EQUAL(((uint8_t *)objs[i])[k], 0, "large object %u byte %u",
				i, k);
	}
	TEST_ASSERT(no_overlap(objs, 8, MIB), "zeroed large bulk overlaps");
	rte_fastmem_free_bulk(objs, 8);
	/*
	 * Requests smaller than a pointer, aligned above the classes: large
	 * objects too, chained through memory the request does not cover
	 * (ASan poisons it).
	 */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, 4, 3, 2 * __RTE_FASTMEM_MAX_CLASS_ALIGN,
		RTE_FASTMEM_F_ZERO), "tiny over-aligned bulk");
	for (i = 0; i < 4; i++) {
		TEST_ASSERT(rte_is_aligned(objs[i], 2 * __RTE_FASTMEM_MAX_CLASS_ALIGN),
			"object %u misaligned", i);
		TEST_ASSERT(((uint8_t *)objs[i])[0] == 0 && ((uint8_t *)objs[i])[2] == 0,
			"object %u not zeroed", i);
	}
	TEST_ASSERT(no_overlap(objs, 4, 3), "tiny over-aligned bulk overlaps");
	rte_fastmem_free_bulk(objs, 4);
	/* free_bulk: mixed classes and kinds, NULL entries skipped. */
	mixed[0] = rte_fastmem_alloc(16, 0, 0);
	mixed[1] = NULL;
	mixed[2] = rte_fastmem_alloc(5000, 0, 0);
	mixed[3] = rte_fastmem_alloc(MIB, 0, 0);
	mixed[4] = rte_fastmem_alloc(16, 0, 0);
	mixed[5] = rte_fastmem_alloc(16, 0, 0);
	rte_fastmem_free_bulk(mixed, RTE_DIM(mixed));
	TEST_ASSERT_EQUAL(live_objects(), live, "bulk calls leaked");
	return TEST_SUCCESS;
}

/* Same n pointers, in any order. */
static int
same_set(void * const *a, void * const *b, unsigned int n)
{
	void *x[64], *y[64];

	if (n > RTE_DIM(x))
		return 0;
	memcpy(x, a, sizeof(void *) * n);
	memcpy(y, b, sizeof(void *) * n);
	qsort(x, n, sizeof(void *), cmp_ptr);
	qsort(y, n, sizeof(void *), cmp_ptr);
	return memcmp(x, y, sizeof(void *) * n) == 0;
}

/* Every object is of the class of @p ref (debug builds pad objects: not computed). */
static int
same_class(void * const *objs, unsigned int n, const void *ref)
{
	size_t class_size = obj_class_size(ref);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (obj_class_size(objs[i]) != class_size)
			return 0;
	return 1;
}

/* Less than a class size by more than debug builds pad objects with. */
#define UNDER(class_size) ((class_size) - 64)

/* Class a request of @p size bytes gets (debug builds pad objects). */
static unsigned int
class_of(size_t size)
{
	return __rte_fastmem_size_to_class(size + fm_test_overhead(), 0);
}

/* Objects a first page of the class of @p size holds, if not at a segment's start. */
static unsigned int
page_slots_of(size_t size)
{
	unsigned int cls = class_of(size);

	return (unsigned int)(fastmem_page_slices(cls) * FASTMEM_SLICE_SIZE /
		__rte_fastmem_class_size(cls));
}

/*
 * Take the start of the segment the next pages come from: a page at slice
 * 0 holds the segment header too, so fewer objects than page_slots_of()
 * says. Tests that count objects per page start after it; they free the
 * object this returns at the end.
 */
static void *
segment_head_take(void)
{
	return rte_fastmem_alloc(UNDER(448 * 1024), 0, 0);
}

/* First byte of the page of @p obj. */
static void *
page_start(const void *obj)
{
	return fastmem_page_addr(fastmem_page_of(obj));
}

/* Is @p obj in the run of @p of's slice? */
static bool
in_run_of(const void *obj, const void *of)
{
	uint32_t run = __rte_fastmem_slice_of(of)->run;

	return (uintptr_t)obj - __rte_fastmem_run_base(of, run) < __rte_fastmem_run_len(run);
}

/*
 * The inline bulk paths: one page; several pages of one class (one run
 * when taken in a burst; test_page_runs frees objects of two runs);
 * several classes (slow path); a free_bulk whose class differs from the
 * last one's (the cache guess); NULL entries. Each free must reach its
 * own class's cache: the objects come back from an allocation of that
 * class, and (without debug checks, which bypass the caches) they are the
 * ones just freed.
 */
static int
test_bulk_paths(void)
{
	enum { N4K = 1100 };
	void **big = malloc(sizeof(void *) * N4K);
	void *bulk[8], *got[8], *small[8], *mid[8], *mixed[5], *other;
	uint64_t live = live_objects();
	rte_fastmem_handle_t h;
	unsigned int i, a = 0, b = 0, round;
	void *page0, *first0;
	bool one_run;

	TEST_ASSERT_NOT_NULL(big, "malloc");
	/* 4 KiB objects fill a page at 16: these span many. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(big, N4K, 4096, 0, 0), "4 KiB objects");
	first0 = big[0];
	page0 = page_start(first0);
	/*
	 * Four of the first page alternating with four of another, of its run
	 * if it has one (a run ends at an 8 MiB boundary).
	 */
	for (i = 0; i < N4K; i++)
		if (page_start(big[i]) != page0 && in_run_of(big[i], first0))
			break;
	one_run = i < N4K;
	for (i = 0; i < N4K && (a < 4 || b < 4); i++) {
		bool first = page_start(big[i]) == page0;

		if (first && a < 4)
			bulk[2 * a++] = big[i];
		else if (!first && b < 4 && (!one_run || in_run_of(big[i], first0)))
			bulk[2 * b++ + 1] = big[i];
		else
			continue;
		big[i] = NULL;
	}
	TEST_ASSERT(a == 4 && b == 4, "no objects of two pages");
	rte_fastmem_free_bulk(big, N4K);
	rte_fastmem_free_bulk(bulk, RTE_DIM(bulk));
	TEST_ASSERT_EQUAL(live_objects(), live, "multi-page free_bulk: %" PRIu64 " live",
		live_objects() - live);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(got, RTE_DIM(got), 4096, 0, 0), "realloc");
	TEST_ASSERT(same_class(got, RTE_DIM(got), bulk[0]), "multi-page objects mis-routed");
	/* Two runs may go to the bin instead (see test_bulk_unsorted). */
	TEST_ASSERT(__RTE_FASTMEM_CHECKED || !one_run || same_set(got, bulk, RTE_DIM(got)),
		"multi-page free_bulk did not reach the cache");

	/* Two pages and another class: each object to its own cache. */
	other = rte_fastmem_alloc(2048, 0, 0);
	TEST_ASSERT_NOT_NULL(other, "2 KiB object");
	mixed[0] = got[0];
	mixed[1] = got[1];
	mixed[2] = other;
	mixed[3] = got[2];
	mixed[4] = got[3];
	rte_fastmem_free_bulk(mixed, RTE_DIM(mixed));
	rte_fastmem_free_bulk(&got[4], 4);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(got, RTE_DIM(got), 4096, 0, 0), "realloc");
	TEST_ASSERT(same_class(got, RTE_DIM(got), bulk[0]), "mixed free_bulk mis-routed");
	TEST_ASSERT(!same_class(&other, 1, bulk[0]), "2 KiB and 4 KiB of one class");
	mixed[0] = other;
	other = rte_fastmem_alloc(2048, 0, 0);
	TEST_ASSERT(same_class(&other, 1, mixed[0]), "2 KiB object mis-routed");
	rte_fastmem_free(other);
	rte_fastmem_free_bulk(got, RTE_DIM(got));

	/* Alternating classes: the guess of the last free_bulk's cache misses. */
	for (round = 0; round < 3; round++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(small, 8, 64, 0, 0), "64 B");
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(mid, 8, 256, 0, 0), "256 B");
		memcpy(bulk, small, sizeof(small));
		memcpy(got, mid, sizeof(mid));
		rte_fastmem_free_bulk(small, 8);
		rte_fastmem_free_bulk(mid, 8);
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(small, 8, 64, 0, 0), "64 B again");
		TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(mid, 8, 256, 0, 0), "256 B again");
		TEST_ASSERT(same_class(small, 8, bulk[0]) && same_class(mid, 8, got[0]) &&
			!same_class(small, 1, got[0]),
			"alternating free_bulk mis-routed (round %u)", round);
		TEST_ASSERT(__RTE_FASTMEM_CHECKED ||
			(same_set(small, bulk, 8) && same_set(mid, got, 8)),
			"alternating free_bulk missed its caches (round %u)", round);
		rte_fastmem_free_bulk(mid, 8);
		rte_fastmem_free_bulk(small, 8);
	}

	/* NULL entries: skipped by free_bulk (one page) and hfree_bulk. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(small, 3, 64, 0, 0), "64 B");
	rte_fastmem_free(small[1]);
	small[1] = NULL;
	rte_fastmem_free_bulk(small, 3);
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(128, 0, rte_fastmem_lcore_node(rte_lcore_id()),
		&h), "hlookup");
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, mid, 8, 0), "halloc_bulk");
	rte_fastmem_hfree(h, mid[5]);
	mid[5] = NULL;
	rte_fastmem_hfree_bulk(h, mid, 8);
	rte_fastmem_hfree_bulk(h, mid, 0);
	TEST_ASSERT_EQUAL(live_objects(), live, "bulk paths leaked %" PRIu64 " objects",
		live_objects() - live);
	free(big);
	return TEST_SUCCESS;
}


/* Every object is in its own slice's run, and none in a run of the other set's. */
static int
runs_apart(void * const *a, unsigned int na, void * const *b, unsigned int nb)
{
	unsigned int i, j;

	for (i = 0; i < na; i++)
		if (!in_run_of(a[i], a[i]))
			return 0;
	for (j = 0; j < nb; j++)
		if (!in_run_of(b[j], b[j]))
			return 0;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (in_run_of(b[j], a[i]) || in_run_of(a[i], b[j]))
				return 0;
	return 1;
}

/*
 * free_bulk of class A's objects as @p pattern lays them out: 'a' the next
 * of @p a, 'b' the next of @p b, 'o' @p other (of another class), 'n' a
 * NULL. A's objects must go to A's cache, the other object to its own.
 */
static int
pattern_free_bulk(const char *pattern, void * const *a, void * const *b, size_t size,
		void *other, size_t other_size)
{
	void *objs[8], *freed[8], *got_other;
	unsigned int i, n_a = 0, n_b = 0, n = 0, len = strlen(pattern);

	TEST_ASSERT(len <= RTE_DIM(objs), "pattern %s too long", pattern);
	/* Nothing below the freed objects to sort in: they come back as a set. */
	rte_fastmem_cache_flush();
	for (i = 0; i < len; i++) {
		char c = pattern[i];

		objs[i] = c == 'a' ? a[n_a++] : c == 'b' ? b[n_b++] : c == 'o' ? other : NULL;
		if (c == 'a' || c == 'b')
			freed[n++] = objs[i];
	}
	rte_fastmem_free_bulk(objs, len);
	if (strchr(pattern, 'o') != NULL) {
		got_other = rte_fastmem_alloc(other_size, 0, 0);
		TEST_ASSERT(same_class(&got_other, 1, other) &&
			(__RTE_FASTMEM_CHECKED || got_other == other),
			"%s: object of another class mis-routed", pattern);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, n, size, 0, 0), "realloc");
	TEST_ASSERT(same_class(objs, n, a[0]) &&
		(__RTE_FASTMEM_CHECKED || same_set(objs, freed, n)),
		"%s: A's objects missed A's cache", pattern);
	return TEST_SUCCESS;
}

/*
 * free_bulk of objects of two runs of class A (a: one run, b: the other),
 * alone or with an object of another class or a NULL among them.
 */
static int
two_run_free_bulk(void * const *a, void * const *b, size_t size, void *other, size_t other_size)
{
	static const char * const patterns[] = { "ababa", "ababo", "ababn", "aobab", "abnab" };
	unsigned int p;
	int rc;

	TEST_ASSERT(!in_run_of(b[0], a[0]) && !in_run_of(a[0], b[0]), "A in one run");
	for (p = 0; p < RTE_DIM(patterns); p++) {
		rc = pattern_free_bulk(patterns[p], a, b, size, other, other_size);
		if (rc != TEST_SUCCESS)
			return rc;
	}
	return TEST_SUCCESS;
}

/*
 * A free_bulk mixing A's two runs leaves one run on the cache's top, the
 * run of most of its objects (@p first_in_run says whether the first one
 * is in it): the others swap with objects of that run just below. The
 * cache holds 4 objects of run a below them, so the burst's 5 objects
 * come back from one run, and every object freed comes back from A's
 * cache. The cache must have room for all 9 (its capacity grows with
 * misses: see the caller). The burst then recycles as it is, above the
 * rest (two runs: freed and allocated one by one, last in first out).
 * Debug builds free object by object, out of line: no sort.
 */
static int
sorted_free_bulk(void **a, void * const *b, size_t size, bool first_in_run)
{
	void *burst[5] = { a[4], b[0], a[5], b[1], a[6] }, *freed[9], *got[9];
	unsigned int i;

	if (!first_in_run) {
		burst[0] = b[0];
		burst[1] = a[4];
	}
	memcpy(freed, a, sizeof(void *) * 4);
	memcpy(&freed[4], burst, sizeof(burst));
	rte_fastmem_free_bulk(a, 4);
	rte_fastmem_free_bulk(burst, RTE_DIM(burst));
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(got, 5, size, 0, 0), "realloc the burst");
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(&got[5], 4, size, 0, 0), "realloc the rest");
	TEST_ASSERT(same_class(got, 9, a[0]), "A's objects missed A's cache");
	if (__RTE_FASTMEM_CHECKED)
		return TEST_SUCCESS;
	TEST_ASSERT(same_set(got, freed, 9), "A's cache lost objects");
	for (i = 0; i < 5; i++)
		TEST_ASSERT(in_run_of(got[i], a[0]), "burst object %u outside run a", i);
	memcpy(burst, got, sizeof(burst));
	for (i = 5; i < 9; i++)
		rte_fastmem_free(got[i]);
	rte_fastmem_free_bulk(burst, RTE_DIM(burst));
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(got, 5, size, 0, 0), "realloc the burst");
	TEST_ASSERT(memcmp(got, burst, sizeof(burst)) == 0, "a one-run burst was reordered");
	for (i = 9; i-- > 5; ) {
		got[i] = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(got[i], "realloc the rest");
	}
	/* The caller goes on with the objects of a[] and b[]: they must be these. */
	TEST_ASSERT(same_set(got, freed, 9), "A's cache lost objects");
	return TEST_SUCCESS;
}

/*
 * Runs (fastmem_run.c): a bulk free trusts the first object's run to hold
 * objects of its cache only. In one reserved memzone pages are
 * neighbours: class A (pages of 3 objects), taking three pages in a
 * burst, gets one run over them; B's page (1 object, half as many slices)
 * after them ends
 * it, and A's fourth page starts a second run. A's middle page, once
 * free, leaves A's run before B takes it. At each step no object lies in
 * a run of the other class, and a free_bulk mixing them sends each object
 * to its own cache; one mixing A's two runs (entries read out of line)
 * keeps them all in A's cache, with one run on its top.
 */
static int
test_page_runs(void)
{
	const size_t a_size = UNDER(40 * 1024), b_size = UNDER(56 * 1024);
	const unsigned int per_a = page_slots_of(a_size), per_b = page_slots_of(b_size);
	void *a[4 * 3], *b[3], *room[12], *page1, *head;
	unsigned int i;
	int rc;

	TEST_ASSERT(fastmem_page_slices(class_of(a_size)) ==
		2 * fastmem_page_slices(class_of(b_size)) && per_a == 3 && per_b == 1,
		"pages of %u / %u objects", per_a, per_b);
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(32 * MIB, SOCKET_ID_ANY), "reserve");
	head = segment_head_take();
	TEST_ASSERT_NOT_NULL(head, "segment start");
	/* A: three neighbouring pages, one run. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(a, 3 * per_a, a_size, 0, 0), "A, 3 pages");
	for (i = 1; i < 3 * per_a; i++)
		TEST_ASSERT(in_run_of(a[i], a[0]),
			"A's object %u is not in the run of its burst", i);
	/* B: the slice after them. A again: a page past B's, a second run. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(b, per_b, b_size, 0, 0), "B");
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(&a[3 * per_a], per_a, a_size, 0, 0), "A");
	TEST_ASSERT(runs_apart(a, 4 * per_a, b, per_b), "A and B share a run");
	rc = pattern_free_bulk("aob", a, &a[3 * per_a], a_size, b[0], b_size);
	if (rc != TEST_SUCCESS)
		return rc;
	rc = two_run_free_bulk(a, &a[3 * per_a], a_size, b[0], b_size);
	if (rc != TEST_SUCCESS)
		return rc;
	/*
	 * A bulk alloc of 12 gives A's empty cache room for them (capacity
	 * grows with misses); they stay live to the end, the room empty, and
	 * their pages A's.
	 */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(room, RTE_DIM(room), a_size, 0, 0), "room");
	rc = sorted_free_bulk(a, &a[3 * per_a], a_size, true);
	if (rc == TEST_SUCCESS)
		rc = sorted_free_bulk(a, &a[3 * per_a], a_size, false);
	if (rc != TEST_SUCCESS)
		return rc;

	/* A's middle page goes back to its segment, and B takes it. */
	page1 = page_start(a[per_a]);
	rte_fastmem_free_bulk(&a[per_a], per_a);
	rte_fastmem_cache_flush();
	rte_fastmem_trim();
	TEST_ASSERT_EQUAL(__rte_fastmem_slice_of(page1)->cache_idx, no_cache(),
		"A's middle page is still A's");
	TEST_ASSERT(!in_run_of(page1, a[0]) && !in_run_of(page1, a[2 * per_a]),
		"a free page is in A's run");
	memmove(&a[per_a], &a[2 * per_a], sizeof(void *) * 2 * per_a);
	/* B's next page follows its first (slice 7), the one after is A's old one. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(&b[per_b], 2, b_size, 0, 0), "B again");
	TEST_ASSERT(page_start(b[per_b]) == page1 || page_start(b[per_b + 1]) == page1,
		"B did not take A's old page");
	TEST_ASSERT(runs_apart(a, 3 * per_a, b, per_b + 2), "A and B share a run");
	rc = pattern_free_bulk("aob", a, &a[per_a], a_size, b[per_b], b_size);
	if (rc != TEST_SUCCESS)
		return rc;
	rte_fastmem_free_bulk(a, 3 * per_a);
	rte_fastmem_free_bulk(b, per_b + 2);
	rte_fastmem_free_bulk(room, RTE_DIM(room));
	rte_fastmem_free(head);
	return TEST_SUCCESS;
}

/* Does memzone record @p b start where @p a's segments end? */
static bool
mz_before(const struct fastmem_mz *a, const struct fastmem_mz *b)
{
	return (uintptr_t)a->mz->addr + a->n_segs * FASTMEM_SEG_SIZE == (uintptr_t)b->mz->addr;
}

/*
 * Runs across memzones: growth reserves small memzones, which EAL puts
 * next to each other, the next one's malloc header in the tail of the
 * one before; a class growing
 * in a burst gets one run across such neighbours: each page's run holds
 * the page before it (the earlier page keeps the part it had once the
 * run is longer than a segment). Checked for every pair of consecutive
 * pages of the burst whose memzones are neighbours.
 */
static int
test_page_run_links(void)
{
	const size_t size = UNDER(448 * 1024);
	const unsigned int per_page = page_slots_of(size);
	struct fastmem_state *st = fastmem_state_get();
	void *objs[24];
	unsigned int i, n = RTE_DIM(objs), linked = 0;

	TEST_ASSERT(per_page == 1, "%u objects per page", per_page);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, n, size, 0, 0), "burst");
	for (i = 1; i < n; i++) {
		const struct fastmem_segment *s = fastmem_segment_of(objs[i - 1]);
		const struct fastmem_segment *t = fastmem_segment_of(objs[i]);
		const struct fastmem_mz *ms = fastmem_mz(st, s->mz_idx);
		const struct fastmem_mz *mt = fastmem_mz(st, t->mz_idx);

		/* EAL carves memzones upwards with hugepages, downwards without. */
		if (ms == mt || ((uintptr_t)s ^ (uintptr_t)t) >= __RTE_FASTMEM_RUN_REGION ||
				(!mz_before(ms, mt) && !mz_before(mt, ms)))
			continue;
		linked++;
		TEST_ASSERT(in_run_of(objs[i - 1], objs[i]),
			"pages of neighbour memzones are not in one run");
	}
	printf("%u of %u page pairs crossed to a neighbour memzone\n", linked, n - 1);
	rte_fastmem_free_bulk(objs, n);
	return TEST_SUCCESS;
}

/*
 * A memzone of segments leaves EAL its tail, where the next memzone's
 * malloc header goes: objects of 4 KiB, which fill their pages exactly,
 * fill the last slice of memzones but for it, and rte_fastmem_owns() says
 * where it starts, also once the thread remembers the region.
 */
#define TAIL_OBJS 2048u
static void *tail_objs[TAIL_OBJS];

static int
test_memzone_tail(void)
{
	const size_t size = 4096;
	struct fastmem_state *st = fastmem_state_get();
	unsigned int i, at_end = 0;

	for (i = 0; i < TAIL_OBJS; i++) {
		const struct rte_memzone *mz;
		uintptr_t end;

		tail_objs[i] = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(tail_objs[i], "alloc %u", i);
		mz = fastmem_mz(st, fastmem_segment_of(tail_objs[i])->mz_idx)->mz;
		end = (uintptr_t)mz->addr + mz->len;
		TEST_ASSERT_EQUAL(mz->len % FASTMEM_SEG_SIZE, FASTMEM_SEG_SIZE - FASTMEM_MZ_TAIL,
			"memzone of %zu B", mz->len);
		TEST_ASSERT((uintptr_t)tail_objs[i] + size <= end,
			"object %u reaches into EAL's tail", i);
		fm_test_fill(tail_objs[i], size, i);
		at_end += end - (uintptr_t)tail_objs[i] < FASTMEM_SLICE_SIZE;
		TEST_ASSERT(rte_fastmem_owns((void *)(end - 1)), "object %u: memzone's end", i);
		TEST_ASSERT(!rte_fastmem_owns((void *)end), "object %u: EAL's tail", i);
	}
	printf("%u objects in a memzone's last slice\n", at_end);
	TEST_ASSERT(at_end > 0, "no object in a memzone's last slice: case not tested");
	for (i = 0; i < TAIL_OBJS; i++) {
		TEST_ASSERT_EQUAL(fm_test_check(tail_objs[i], size, i), size,
			"object %u overwritten", i);
		rte_fastmem_free(tail_objs[i]);
	}
	return TEST_SUCCESS;
}

/*
 * A page leaves a run longer than a segment, whose pages that joined later
 * record runs over it and earlier ones a part: no entry may still hold it,
 * and every object stays in its own slice's run.
 */
#define RUN_LEAVE_OBJS 65536u
static void *run_leave_objs[RUN_LEAVE_OBJS];

/*
 * Allocate run_leave_objs one at a time, 64 B each: a run longer than a
 * segment. Its object whose entry records the longest run goes to
 * @p longest.
 */
static int
long_run_build(void **longest)
{
	void **objs = run_leave_objs;
	unsigned int i;
	uint32_t run;

	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16u << 20, SOCKET_ID_ANY), "reserve");
	for (i = 0; i < RUN_LEAVE_OBJS; i++) {
		objs[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "object %u", i);
	}
	*longest = objs[0];
	for (i = 1; i < RUN_LEAVE_OBJS; i++)
		if (__rte_fastmem_run_len(__rte_fastmem_slice_of(objs[i])->run) >
				__rte_fastmem_run_len(__rte_fastmem_slice_of(*longest)->run))
			*longest = objs[i];
	run = __rte_fastmem_slice_of(*longest)->run;
	TEST_ASSERT(__rte_fastmem_run_len(run) > FASTMEM_SEG_SIZE, "runs of at most %zu B",
		(size_t)__rte_fastmem_run_len(run));
	return TEST_SUCCESS;
}

static int
test_page_run_leave(void)
{
	void **objs = run_leave_objs, *longest, *gone = NULL;
	unsigned int i, n = RUN_LEAVE_OBJS, older = 0, bad = 0;
	uint32_t run;

	TEST_ASSERT_SUCCESS(long_run_build(&longest), "a run longer than a segment");
	/* The pages of the longest run that record a part of it. */
	run = __rte_fastmem_slice_of(longest)->run;
	for (i = 0; i < n; i++)
		older += in_run_of(objs[i], longest) &&
			__rte_fastmem_slice_of(objs[i])->run != run;
	TEST_ASSERT(older > 0, "no page of the run records a part of it");
	/* The middle one of those objects' page leaves. */
	older /= 2;
	for (i = 0; i < n && gone == NULL; i++)
		if (in_run_of(objs[i], longest) &&
				__rte_fastmem_slice_of(objs[i])->run != run && older-- == 0)
			gone = page_start(objs[i]);
	for (i = 0; i < n; i++) {
		if (page_start(objs[i]) == gone) {
			rte_fastmem_free(objs[i]);
			objs[i] = NULL;
		}
	}
	rte_fastmem_cache_flush();
	rte_fastmem_trim();
	TEST_ASSERT_EQUAL(__rte_fastmem_slice_of(gone)->cache_idx, no_cache(),
		"the emptied page did not leave its class");
	for (i = 0; i < n; i++) {
		if (objs[i] != NULL)
			bad += !in_run_of(objs[i], objs[i]) || in_run_of(gone, objs[i]);
		rte_fastmem_free(objs[i]);
	}
	TEST_ASSERT_EQUAL(bad, 0, "%u objects outside their run, or with the free page in it",
		bad);
	return TEST_SUCCESS;
}

/*
 * A bulk free whose objects lie beyond the part of the run their first
 * object's entry records widens the entries to the whole run: its objects
 * go to the cache as one run, and later bulk frees of such objects are
 * inline. Without debug checks, which free a bulk object by object.
 */
static int
test_page_run_widen(void)
{
	void **objs = run_leave_objs, *longest, *older = NULL, *pair[2];
	unsigned int i, n = RUN_LEAVE_OBJS;
	struct rte_fastmem_lcore_class_stats before, after;
	uint32_t run;

	TEST_ASSERT_SUCCESS(long_run_build(&longest), "a run longer than a segment");
	run = __rte_fastmem_slice_of(longest)->run;
	for (i = 0; i < n && older == NULL; i++)
		if (in_run_of(objs[i], longest) && !in_run_of(longest, objs[i]))
			older = objs[i];
	TEST_ASSERT_NOT_NULL(older, "every entry of the run records the object of its longest");
	for (i = 0; i < n; i++)
		if (objs[i] == older || objs[i] == longest)
			objs[i] = NULL;
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(rte_lcore_id(), 64, &before), "stats");
	pair[0] = older;
	pair[1] = longest;
	rte_fastmem_free_bulk(pair, 2);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(rte_lcore_id(), 64, &after), "stats");
	/* Debug checks free a bulk object by object, past the caches. */
	TEST_ASSERT(__RTE_FASTMEM_CHECKED || in_run_of(longest, older),
		"the entry of the first object was not widened");
	TEST_ASSERT(__RTE_FASTMEM_CHECKED || __rte_fastmem_slice_of(older)->run == run,
		"the first object's entry does not record the whole run");
	TEST_ASSERT(__RTE_FASTMEM_CHECKED || after.free_cache_misses == before.free_cache_misses,
		"the objects did not go to the cache");
	rte_fastmem_free_bulk(objs, n);
	return TEST_SUCCESS;
}

/*
 * A node that cannot grow serves objects as long as it has free slices:
 * with 8 MiB reserved and the limit at that, 4 KiB objects allocated one
 * at a time fill its segments to 90 %, although their cache's refills
 * ask for pages of a whole segment once it has grown (about 2 MiB of
 * objects), which no segment has free by then.
 */
static int
test_fill_under_limit(void)
{
	enum { N = 8 * MIB / 4096 * 9 / 10 };
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	void **objs = calloc(N, sizeof(void *));
	unsigned int i;

	TEST_ASSERT_NOT_NULL(objs, "calloc");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(8 * MIB, node), "reserve");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, 8 * MIB), "limit");
	for (i = 0; i < N; i++) {
		objs[i] = rte_fastmem_alloc_socket(UNDER(4096), 0, 0, node);
		if (objs[i] == NULL)
			break;
	}
	rte_fastmem_free_bulk(objs, i);
	free(objs);
	rte_fastmem_set_limit(node, SIZE_MAX);
	TEST_ASSERT_EQUAL(i, N, "ENOMEM after %u of %u objects, with free slices left", i, N);
	return TEST_SUCCESS;
}

/* All or nothing under a limit, and the allocator recovers. */
static int
test_bulk_limit(void)
{
	enum { N = 4096 };
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	void **objs = calloc(N, sizeof(void *));
	struct rte_fastmem_stats before, after;
	unsigned int i;
	uint64_t live;
	int rc;

	TEST_ASSERT_NOT_NULL(objs, "calloc");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 4 * MIB), "limit");
	live = live_objects();
	for (i = 0; i < N; i++)
		objs[i] = (void *)(uintptr_t)0xdead;
	/* 4096 x 4 KiB = 16 MiB cannot fit under 4 MiB. */
	rc = rte_fastmem_alloc_bulk(objs, N, 4096, 0, 0);
	TEST_ASSERT_EQUAL(rc, -ENOMEM, "bulk under limit: %d", rc);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "errno %d", rte_errno);
	for (i = 0; i < N; i++)
		TEST_ASSERT_EQUAL(objs[i], (void *)(uintptr_t)0xdead, "ptrs touched at %u", i);
	TEST_ASSERT_EQUAL(live_objects(), live, "partial bulk leaked");
	/*
	 * Large objects, one memzone each: 8 x 1 MiB cannot fit either. The
	 * first fits, so the failure gives back what the call took. On one
	 * node: each large object of SOCKET_ID_ANY takes the next node that
	 * has room, and several nodes under 4 MiB each hold eight.
	 */
	rte_fastmem_cache_flush();
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&before), "stats");
	rc = rte_fastmem_alloc_bulk_socket(objs, 8, MIB, 0, 0, node);
	TEST_ASSERT_EQUAL(rc, -ENOMEM, "large bulk under limit: %d", rc);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "large errno %d", rte_errno);
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQUAL(objs[i], (void *)(uintptr_t)0xdead, "ptrs touched at %u", i);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&after), "stats");
	TEST_ASSERT(after.alloc_total > before.alloc_total,
		"no large object was allocated before the failure");
	TEST_ASSERT_EQUAL(after.alloc_total - before.alloc_total,
		after.free_total - before.free_total, "partial large bulk kept objects");
	TEST_ASSERT_EQUAL(live_objects(), live, "partial large bulk leaked");
	/* What fits still works. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(objs, 256, 4096, 0, 0), "small bulk");
	rte_fastmem_free_bulk(objs, 256);
	free(objs);
	return TEST_SUCCESS;
}

static int
test_limits(void)
{
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	void *objs[64];
	unsigned int n, i;
	struct rte_fastmem_stats st;

	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(node), SIZE_MAX, "default limit");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(-1), 0, "get_limit(-1)");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "get_limit(-1) errno");
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(SOCKET_ID_ANY), 0, "get_limit(ANY)");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "get_limit(ANY) errno");
	TEST_ASSERT_EQUAL(rte_fastmem_set_limit(-5, 0), -EINVAL, "set_limit(-5)");
	TEST_ASSERT_EQUAL(rte_fastmem_set_limit(RTE_MAX_NUMA_NODES, 0), -EINVAL, "set_limit(max)");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(node, 8 * MIB), "set_limit");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(node), 8 * MIB, "get_limit");
	/* 1 MiB objects are large: the limit stops them after a few. */
	for (n = 0; n < RTE_DIM(objs); n++) {
		objs[n] = rte_fastmem_alloc_socket(MIB, 0, 0, node);
		if (objs[n] == NULL)
			break;
	}
	TEST_ASSERT(n > 0 && n < RTE_DIM(objs), "limit not enforced: %u objects", n);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "errno %d", rte_errno);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT(st.bytes_backing <= 8 * MIB, "backing %" PRIu64 " above limit",
		st.bytes_backing);
	TEST_ASSERT(st.alloc_nomem > 0, "nomem not counted");
	/* Freed memory is usable again under the same limit. */
	for (i = 0; i < n; i++)
		rte_fastmem_free(objs[i]);
	for (i = 0; i < n; i++) {
		objs[i] = rte_fastmem_alloc_socket(MIB, 0, 0, node);
		TEST_ASSERT_NOT_NULL(objs[i], "realloc after free %u", i);
	}
	for (i = 0; i < n; i++)
		rte_fastmem_free(objs[i]);
	/* A limit below the current backing stops growth, releases nothing. */
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(4 * MIB, node), "reserve");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "limit 0 everywhere");
	TEST_ASSERT_EQUAL(rte_fastmem_get_limit(node), 0, "ANY did not set node");
	TEST_ASSERT(fm_test_backing_bytes() >= 4 * MIB, "limit released memory");
	TEST_ASSERT_NULL(rte_fastmem_alloc(MIB, 0, 0), "large alloc over limit 0");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	return TEST_SUCCESS;
}

/* After ENOMEM: frees are reusable, contents intact, nothing leaked. */
static int
test_oom_recovery(void)
{
	enum { MAX = 200000 };
	void **objs = malloc(sizeof(void *) * MAX);
	unsigned int n, i;

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 6 * MIB), "limit");
	for (n = 0; n < MAX; n++) {
		objs[n] = rte_fastmem_alloc(256, 0, 0);
		if (objs[n] == NULL)
			break;
		stamp(objs[n], 256, n);
	}
	TEST_ASSERT(n > 0 && n < MAX, "no ENOMEM after %u objects", n);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "errno %d", rte_errno);
	TEST_ASSERT_EQUAL(live_objects(), n, "live count after ENOMEM");
	for (i = 0; i < n; i++)
		TEST_ASSERT(stamp_ok(objs[i], 256, i), "object %u corrupted by OOM", i);
	for (i = 0; i < n; i += 2)
		rte_fastmem_free(objs[i]);
	/* Other classes share the freed pages only once they are empty: same class here. */
	for (i = 0; i < n; i += 2) {
		objs[i] = rte_fastmem_alloc(256, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "reuse %u after OOM", i);
	}
	rte_fastmem_free_bulk(objs, n);
	free(objs);
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	return TEST_SUCCESS;
}

static int
test_reserve(void)
{
	uint64_t b;
	int node;

	TEST_ASSERT_EQUAL(rte_fastmem_reserve(MIB, -2), -EINVAL, "bad node");
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(MIB, RTE_MAX_NUMA_NODES), -EINVAL, "bad node");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 * MIB, SOCKET_ID_ANY), "reserve 16 MiB");
	b = fm_test_backing_bytes();
	TEST_ASSERT(b >= 16 * MIB, "backing %" PRIu64, b);
	/* Cumulative, not additive. */
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(8 * MIB, SOCKET_ID_ANY), "reserve 8 MiB");
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), b, "smaller reserve grew backing");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(0, SOCKET_ID_ANY), "reserve 0");
	/* More than EAL has fails cleanly; what was reserved stays usable and trimmable. */
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(SIZE_MAX / 2, SOCKET_ID_ANY), -ENOMEM, "huge");
	TEST_ASSERT(rte_fastmem_trim() > 0, "nothing to trim after a failed reserve");
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "trim left backing");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 20 * MIB), "limit");
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(64 * MIB, SOCKET_ID_ANY), -ENOMEM, "over limit");
	/* The limit is per node: SOCKET_ID_ANY may spread over several. */
	for (node = 0; node < RTE_MAX_NUMA_NODES; node++)
		TEST_ASSERT(fastmem_state_get()->nodes[node].backing <= 20 * MIB,
			"reserve passed node %d's limit", node);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	rte_fastmem_free(rte_fastmem_alloc(64, 0, 0));
	return TEST_SUCCESS;
}

static int
test_trim(void)
{
	enum { N = 20000 };
	void **objs = malloc(sizeof(void *) * N);
	struct rte_fastmem_stats st;
	unsigned int i;
	int64_t released;

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	for (i = 0; i < N; i++) {
		objs[i] = rte_fastmem_alloc(16 + (i % 64) * 64, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %u", i);
	}
	rte_fastmem_free_bulk(objs, N);
	free(objs);
	TEST_ASSERT(fm_test_backing_bytes() > 0, "no backing");
	rte_fastmem_cache_flush();
	released = rte_fastmem_trim();
	TEST_ASSERT(released > 0, "trim released %" PRId64, released);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.bytes_backing, 0, "backing left after trim: %" PRIu64,
		st.bytes_backing);
	TEST_ASSERT_EQUAL(rte_fastmem_trim(), 0, "second trim released more");
	/* Works again after trimming everything. */
	objs = (void **)rte_fastmem_alloc(64, 0, 0);
	TEST_ASSERT_NOT_NULL(objs, "alloc after trim");
	rte_fastmem_free(objs);
	return TEST_SUCCESS;
}

/* fastmem's backing memzones. */
static unsigned int
memzones(void)
{
	return fm_test_backing_memzones().count;
}

/*
 * The fixed overhead: what fastmem takes of EAL's heap once initialized,
 * and what stays once a lcore has used a node and freed and trimmed
 * everything, follows the nodes and lcores used, not the limits fastmem
 * was built with (4096 memzone records, 32 node ids): about 15 KiB, plus
 * about 22 KiB for a node and its first lcore. Deinit gives it all back,
 * but the memzone of the group's epoch of ownership removals, which the
 * first init made and which stays (a secondary may still read it).
 */
#define IDLE_OVERHEAD_MAX (32u << 10)
#define NODE_LCORE_OVERHEAD_MAX (128u << 10)

static int
test_fixed_overhead(void)
{
	uint64_t before, idle, used;
	void *obj;

	/* The epoch's memzone, made once. */
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	rte_fastmem_deinit();
	before = fm_test_heap_used();
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	idle = fm_test_heap_used() - before;
	TEST_ASSERT(idle <= IDLE_OVERHEAD_MAX, "an idle fastmem takes %" PRIu64 " B", idle);
	obj = rte_fastmem_alloc(64, 0, 0);
	TEST_ASSERT_NOT_NULL(obj, "alloc");
	rte_fastmem_free(obj);
	rte_fastmem_cache_flush();
	rte_fastmem_trim();
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "backing after trim");
	used = fm_test_heap_used() - before;
	printf("fixed overhead: %" PRIu64 " B idle, %" PRIu64 " B after a node's first use\n",
		idle, used);
	TEST_ASSERT(used <= idle + NODE_LCORE_OVERHEAD_MAX,
		"a node and a lcore take %" PRIu64 " B", used - idle);
	rte_fastmem_deinit();
	TEST_ASSERT_EQUAL(fm_test_heap_used(), before, "deinit left %" PRIu64 " B",
		fm_test_heap_used() - before);
	return TEST_SUCCESS;
}

/*
 * Memzone records come in chunks of 64 as growth needs them: a node grown
 * by small memzones past the first chunk works on, and trim gives every
 * memzone back. (Below 128 MiB a node grows one 2 MiB memzone at a time.)
 */
static int
test_memzone_records(void)
{
	const size_t size = UNDER(448 * 1024);
	const unsigned int max = 1024;
	unsigned int before = memzones(), n;
	void **objs = calloc(max, sizeof(void *));

	TEST_ASSERT_NOT_NULL(objs, "calloc");
	for (n = 0; n < max && memzones() - before <= 2 * FASTMEM_MZ_CHUNK; n++) {
		objs[n] = rte_fastmem_alloc(size, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[n], "alloc %u: %s", n, rte_strerror(rte_errno));
		stamp(objs[n], 64, n);
	}
	printf("%u objects in %u memzones\n", n, memzones() - before);
	TEST_ASSERT(memzones() - before > 2 * FASTMEM_MZ_CHUNK, "%u memzones",
		memzones() - before);
	while (n-- > 0) {
		TEST_ASSERT(stamp_ok(objs[n], 64, n), "object %u overwritten", n);
		rte_fastmem_free(objs[n]);
	}
	free(objs);
	rte_fastmem_cache_flush();
	TEST_ASSERT(rte_fastmem_trim() > 0, "trim released nothing");
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "backing after trim");
	TEST_ASSERT_EQUAL(memzones(), before, "memzones after trim");
	return TEST_SUCCESS;
}

/*
 * rte_fastmem_owns(): true for any address inside fastmem's memory (small
 * and large objects, their insides), false for anything else, EAL heap
 * memory right after a large object included, and for all once freed and
 * trimmed or before init. rte_fastmem_usable_size() covers what was asked.
 */
static int
test_owns(void)
{
	const size_t big = 3 * MIB + 100, sizes[] = { 1, 100, 4000, 300 * 1024, big };
	void *objs[RTE_DIM(sizes)], *eal[64];
	unsigned int i, near = 0;
	int local = 0;

	TEST_ASSERT(!rte_fastmem_owns(NULL), "NULL");
	TEST_ASSERT(!rte_fastmem_owns(&local), "a stack address");
	TEST_ASSERT_EQUAL(rte_fastmem_usable_size(NULL), 0, "usable size of NULL");
	for (i = 0; i < RTE_DIM(sizes); i++) {
		objs[i] = rte_fastmem_alloc(sizes[i], 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %zu", sizes[i]);
		TEST_ASSERT(rte_fastmem_owns(objs[i]), "object of %zu B", sizes[i]);
		TEST_ASSERT(rte_fastmem_owns(RTE_PTR_ADD(objs[i], sizes[i] - 1)),
			"last byte of %zu B", sizes[i]);
		TEST_ASSERT(rte_fastmem_usable_size(objs[i]) >= sizes[i], "usable size %zu of %zu",
			rte_fastmem_usable_size(objs[i]), sizes[i]);
	}
	/* EAL's heap fills what the large object's memzone leaves of its last 2 MiB. */
	for (i = 0; i < RTE_DIM(eal); i++) {
		eal[i] = rte_malloc(NULL, 64 * 1024, 0);
		TEST_ASSERT_NOT_NULL(eal[i], "rte_malloc");
		TEST_ASSERT(!rte_fastmem_owns(eal[i]), "rte_malloc() memory %p", eal[i]);
		near += ((uintptr_t)eal[i] ^ ((uintptr_t)objs[RTE_DIM(sizes) - 1] + big)) <
			RTE_FASTMEM_SLAB_SIZE;
	}
	printf("%u rte_malloc() blocks in the last 2 MiB of a large object's memzone\n", near);
	/* Without hugepages EAL's heap puts them there (with them, below the memzone). */
	if (!rte_eal_has_hugepages())
		TEST_ASSERT(near > 0, "no EAL block beside the large object: case not tested");
	for (i = 0; i < RTE_DIM(eal); i++)
		rte_free(eal[i]);
	for (i = 0; i < RTE_DIM(sizes); i++)
		rte_fastmem_free(objs[i]);
	rte_fastmem_cache_flush();
	rte_fastmem_trim();
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), 0, "backing after trim");
	for (i = 0; i < RTE_DIM(sizes); i++)
		TEST_ASSERT(!rte_fastmem_owns(objs[i]), "trimmed object of %zu B", sizes[i]);
	return TEST_SUCCESS;
}

static int
test_realloc(void)
{
	struct rte_fastmem_stats st;
	uint8_t *p, *q;
	uint64_t live;

	/* NULL: allocates; size 0: frees. */
	p = rte_fastmem_realloc(NULL, 1000, 0);
	TEST_ASSERT_NOT_NULL(p, "realloc(NULL)");
	stamp(p, 1000, 1);
	live = live_objects();
	/* Same class, and a shrink that saves less than half: in place. */
	if (release_realloc()) {
		TEST_ASSERT_EQUAL(rte_fastmem_realloc(p, 1024, 0), p, "grow within class moved");
		TEST_ASSERT_EQUAL(rte_fastmem_realloc(p, 600, 0), p, "small shrink moved");
	} else {
		p = rte_fastmem_realloc(p, 600, 0);
		TEST_ASSERT_NOT_NULL(p, "realloc 600");
	}
	TEST_ASSERT(stamp_ok(p, 600, 1), "in-place shrink corrupted");
	/* A big shrink moves to a smaller class, keeping the content. */
	q = rte_fastmem_realloc(p, 40, 0);
	TEST_ASSERT(q != NULL && q != p, "big shrink stayed");
	TEST_ASSERT(stamp_ok(q, 40, 1), "shrink lost content");
	TEST_ASSERT(!release_layout() || obj_class_size(q) == 48, "shrunk to class %zu",
		obj_class_size(q));
	/* Growth moves and keeps the content. */
	p = rte_fastmem_realloc(q, 5000, 0);
	TEST_ASSERT_NOT_NULL(p, "grow");
	TEST_ASSERT(stamp_ok(p, 40, 1), "grow lost content");
	stamp(p, 5000, 2);
	/* Into and out of large objects. */
	q = rte_fastmem_realloc(p, 3 * MIB, 0);
	TEST_ASSERT_NOT_NULL(q, "grow to large");
	TEST_ASSERT(stamp_ok(q, 5000, 2), "grow to large lost content");
	TEST_ASSERT_EQUAL(rte_fastmem_realloc(q, 2 * MIB, 0), q, "large shrink moved");
	TEST_ASSERT(stamp_ok(q, 5000, 2), "large shrink lost content");
	p = rte_fastmem_realloc(q, 100, 0);
	TEST_ASSERT(p != NULL && p != q, "large to small");
	TEST_ASSERT(stamp_ok(p, 100, 2), "large to small lost content");
	TEST_ASSERT_EQUAL(live_objects(), live, "realloc leaked");
	/* A stricter alignment the object lacks moves it. */
	q = rte_fastmem_realloc(p, 100, 4096);
	TEST_ASSERT(q != NULL && ((uintptr_t)q & 4095) == 0, "realloc align");
	TEST_ASSERT(stamp_ok(q, 100, 2), "realloc align lost content");
	/* Failures leave the old object valid. */
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(q, 100, 3), "bad align");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "bad align errno");
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(q, SIZE_MAX, 0), "too big");
	TEST_ASSERT_EQUAL(rte_errno, E2BIG, "too big errno");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, 0), "limit");
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_realloc(q, 8 * MIB, 0), "over limit");
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "over limit errno");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX), "unlimit");
	TEST_ASSERT(stamp_ok(q, 100, 2), "failed realloc damaged the object");
	TEST_ASSERT_NULL(rte_fastmem_realloc(q, 0, 0), "size 0");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, live - 1, "realloc(0) did not free");
	return TEST_SUCCESS;
}

static int
test_handles(void)
{
	rte_fastmem_handle_t h, h2;
	void *objs[200];
	unsigned int i;
	uint64_t live = live_objects();
	void *p;

	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(64, 0, 0, NULL), -EINVAL, "NULL handle");
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(0, 0, 0, &h), -EINVAL, "size 0");
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(64, 5, 0, &h), -EINVAL, "align 5");
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(MIB, 0, 0, &h), -E2BIG, "large size");
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(64, 0, -9, &h), -EINVAL, "bad node");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(100, 0, SOCKET_ID_ANY, &h), "lookup any");
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(100, 0,
		rte_fastmem_lcore_node(rte_lcore_id()), &h2), "lookup node");
	TEST_ASSERT_EQUAL(h, h2, "ANY and the local node differ");
	/* Handle objects are ordinary objects: generic free works too. */
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_halloc(h, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "halloc %u", i);
		TEST_ASSERT(!release_layout() || obj_class_size(objs[i]) == 112, "class %zu",
			obj_class_size(objs[i]));
		stamp(objs[i], 100, i);
	}
	TEST_ASSERT(no_overlap(objs, RTE_DIM(objs), 112), "overlap");
	for (i = 0; i < RTE_DIM(objs); i++) {
		TEST_ASSERT(stamp_ok(objs[i], 100, i), "corrupted %u", i);
		if (i % 2)
			rte_fastmem_hfree(h, objs[i]);
		else
			rte_fastmem_free(objs[i]);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, objs, RTE_DIM(objs), RTE_FASTMEM_F_ZERO),
		"halloc_bulk");
	TEST_ASSERT_EQUAL(((uint8_t *)objs[7])[111], 0, "bulk zero");
	rte_fastmem_hfree_bulk(h, objs, RTE_DIM(objs));
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, objs, 0, 0), "halloc_bulk n 0");
	/* Bad handles and flags. */
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_halloc(UINT32_MAX, 0), "bad handle");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "bad handle errno");
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_halloc(h, 0x10), "bad flags");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "bad flags errno");
	TEST_ASSERT_EQUAL(rte_fastmem_halloc_bulk(UINT32_MAX, objs, 2, 0), -EINVAL, "bulk handle");
	TEST_ASSERT_EQUAL(rte_fastmem_halloc_bulk(h, NULL, 2, 0), -EINVAL, "bulk NULL");
	/* hfree with a bad handle still frees by the object's header. */
	p = rte_fastmem_halloc(h, 0);
	TEST_ASSERT_NOT_NULL(p, "halloc");
	rte_fastmem_hfree(UINT32_MAX, p);
	rte_fastmem_hfree(h, NULL);
	TEST_ASSERT_EQUAL(live_objects(), live, "handle calls leaked");
	return TEST_SUCCESS;
}

/*
 * A thread's row has caches for the nodes fastmem can hold memory on, and
 * the sentinel after them: handles of the node ids past them, the
 * sentinel's own and the ones past the largest row are bad handles, and
 * hfree with one frees by the object's header, whatever the thread's
 * row is.
 */
static int
test_handles_past_nodes(void)
{
	const uint32_t last = FASTMEM_MAX_NODES * FASTMEM_NUM_CLASSES + 1;
	uint64_t live = live_objects();
	rte_fastmem_handle_t h, bad;
	void *objs[2];

	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h), "lookup");
	TEST_ASSERT(h < no_cache(), "handle %u past the caches (%u)", h, no_cache());
	/* The thread's own row on the fast path, not the idle one. */
	rte_fastmem_hfree(h, rte_fastmem_halloc(h, 0));
	for (bad = no_cache(); bad <= last; bad++) {
		rte_errno = 0;
		TEST_ASSERT_NULL(rte_fastmem_halloc(bad, 0), "handle %u", bad);
		TEST_ASSERT_EQUAL(rte_errno, EINVAL, "handle %u errno %d", bad, rte_errno);
		TEST_ASSERT_EQUAL(rte_fastmem_halloc_bulk(bad, objs, 2, 0), -EINVAL,
			"bulk handle %u", bad);
		TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, objs, 2, 0), "halloc_bulk");
		rte_fastmem_hfree(bad, objs[0]);
		rte_fastmem_hfree_bulk(bad, &objs[1], 1);
		TEST_ASSERT_EQUAL(live_objects(), live, "handle %u: objects not freed", bad);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_halloc_bulk(h, objs, 2, 0), "halloc_bulk after");
	TEST_ASSERT(objs[0] != objs[1], "one object twice");
	rte_fastmem_hfree_bulk(h, objs, 2);
	TEST_ASSERT_EQUAL(live_objects(), live, "leak");
	return TEST_SUCCESS;
}

/* Cross-lcore: a worker allocates, the main lcore frees (and back). */
static void *xfer[4096];

static int
worker_alloc(void *arg)
{
	unsigned int n = *(unsigned int *)arg, i;

	for (i = 0; i < n; i++) {
		xfer[i] = rte_fastmem_alloc(16 + (i % 200) * 8, 0, 0);
		if (xfer[i] == NULL)
			return -1;
		stamp(xfer[i], 16, i);
	}
	return 0;
}

static int
worker_free(void *arg)
{
	unsigned int n = *(unsigned int *)arg, i;

	for (i = 0; i < n; i++)
		rte_fastmem_free(xfer[i]);
	return 0;
}

static int
test_cross_lcore(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), n = RTE_DIM(xfer), i, round;
	struct rte_fastmem_lcore_stats ls;

	if (worker >= RTE_MAX_LCORE)
		return TEST_SKIPPED;
	for (round = 0; round < 4; round++) {
		rte_eal_remote_launch(worker_alloc, &n, worker);
		TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker alloc");
		for (i = 0; i < n; i++) {
			TEST_ASSERT(stamp_ok(xfer[i], 16, i), "object %u corrupted", i);
			rte_fastmem_free(xfer[i]);
		}
		TEST_ASSERT_SUCCESS(worker_alloc(&n), "main alloc");
		rte_eal_remote_launch(worker_free, &n, worker);
		TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker free");
	}
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(worker, &ls), "stats worker");
	TEST_ASSERT_EQUAL(ls.alloc_cache_hits + ls.alloc_cache_misses, 4 * n, "worker allocs");
	TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, 4 * n, "worker frees");
	return TEST_SUCCESS;
}

/* A thread without an lcore id (shared path), then registered (private cache). */
struct thread_result {
	int unregistered_ok;
	int registered_ok;
	unsigned int lcore_id;
};

static uint32_t
thread_body(void *arg)
{
	struct thread_result *r = arg;
	rte_fastmem_handle_t h;
	void *objs[100];
	unsigned int i;

	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(128, 0, 0);
		if (objs[i] == NULL)
			return 0;
		stamp(objs[i], 128, i);
	}
	for (i = 0; i < RTE_DIM(objs); i++)
		if (!stamp_ok(objs[i], 128, i))
			return 0;
	rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	if (rte_fastmem_hlookup(64, 0, SOCKET_ID_ANY, &h) != 0)
		return 0;
	rte_fastmem_hfree(h, rte_fastmem_halloc(h, 0));
	r->unregistered_ok = 1;
	if (rte_thread_register() != 0)
		return 0;
	r->lcore_id = rte_lcore_id();
	for (i = 0; i < 1000; i++)
		rte_fastmem_free(rte_fastmem_alloc(128, 0, 0));
	r->registered_ok = 1;
	rte_thread_unregister();
	return 0;
}

static int
test_non_eal_thread(void)
{
	struct rte_fastmem_lcore_stats shared0, shared1, ls;
	struct thread_result r = { 0, 0, 0 };
	rte_thread_t t;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared(&shared0), "shared stats");
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, thread_body, &r), "rte_thread_create");
	TEST_ASSERT_SUCCESS(rte_thread_join(t, NULL), "join");
	TEST_ASSERT(r.unregistered_ok, "unregistered thread failed");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared(&shared1), "shared stats");
	TEST_ASSERT(shared1.alloc_cache_misses >= shared0.alloc_cache_misses + 101,
		"shared path not counted");
	if (!r.registered_ok)
		return TEST_SUCCESS; /* no free lcore id to register with */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(r.lcore_id, &ls), "lcore stats");
	/* A private cache: most of 1000 alloc/free pairs hit. */
	TEST_ASSERT(ls.alloc_cache_hits >= 900, "registered thread hits %" PRIu64,
		ls.alloc_cache_hits);
	TEST_ASSERT_EQUAL(live_objects(), 0, "objects left (unregister must flush)");
	return TEST_SUCCESS;
}

static int
test_stats(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_stats st;
	unsigned int lcore = rte_lcore_id(), i;
	void *objs[1000];
	size_t cls;

	TEST_ASSERT_EQUAL(rte_fastmem_stats(NULL), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_class(64, NULL), -EINVAL, "class NULL");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_class(65, &cs), -EINVAL, "no such class");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore(RTE_MAX_LCORE, &ls), -EINVAL, "bad lcore");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore(lcore, NULL), -EINVAL, "lcore NULL");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore_class(lcore, 63, &lcs), -EINVAL, "no class");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_lcore_class(RTE_MAX_LCORE, 64, &lcs), -EINVAL, "lc");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_shared(NULL), -EINVAL, "shared NULL");
	TEST_ASSERT_EQUAL(rte_fastmem_stats_shared_class(1, &lcs), -EINVAL, "shared no class");

	for (i = 0; i < RTE_DIM(objs); i++)
		objs[i] = rte_fastmem_alloc(64, 0, 0);
	cls = obj_class_size(objs[0]);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total, 1000, "alloc_total %" PRIu64, st.alloc_total);
	TEST_ASSERT_EQUAL(st.objs_in_use, 1000, "objs_in_use %" PRIu64, st.objs_in_use);
	TEST_ASSERT_EQUAL(st.bytes_in_use, 1000 * cls, "bytes_in_use %" PRIu64, st.bytes_in_use);
	TEST_ASSERT_EQUAL(st.bytes_wasted, 1000 * (cls - 64), "wasted %" PRIu64, st.bytes_wasted);
	TEST_ASSERT_EQUAL(st.n_classes, rte_fastmem_classes(NULL), "n_classes");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "class stats");
	TEST_ASSERT_EQUAL(cs.in_use, 1000, "class in_use");
	TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses, 1000, "class allocs");
	TEST_ASSERT(cs.alloc_cache_misses > 0 && cs.slab_acquires > 0, "no refill counted");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore_class(lcore, cls, &lcs), "lcore class");
	TEST_ASSERT_EQUAL(lcs.class_size, cls, "class_size");
	TEST_ASSERT_EQUAL(lcs.alloc_cache_hits + lcs.alloc_cache_misses, 1000, "lcore allocs");
	/* Reset: counters restart, gauges stay. */
	rte_fastmem_stats_reset();
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total, 0, "reset alloc_total");
	TEST_ASSERT_EQUAL(st.objs_in_use, 1000, "reset touched objs_in_use");
	rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.free_total, 1000, "free_total after reset");
	TEST_ASSERT_EQUAL(st.objs_in_use, 0, "objs_in_use");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore, &ls), "lcore stats");
	TEST_ASSERT_EQUAL(ls.free_cache_hits + ls.free_cache_misses, 1000, "lcore frees");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "class stats");
	TEST_ASSERT_EQUAL(cs.free_cache_hits + cs.free_cache_misses, 1000, "class frees");
	/* 100 B objects in the 112 B class (release layout): 12 B each lost to rounding. */
	for (i = 0; i < 10; i++)
		objs[i] = rte_fastmem_alloc(100, 0, 0);
	cls = obj_class_size(objs[0]);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "class stats");
	TEST_ASSERT_EQUAL(cs.bytes_wasted, 10 * (cls - 100), "wasted %" PRIu64, cs.bytes_wasted);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.bytes_wasted, 10 * (cls - 100), "global wasted %" PRIu64,
		st.bytes_wasted);
	rte_fastmem_free_bulk(objs, 10);
	return TEST_SUCCESS;
}

/* All lcores allocate and free while the main lcore reads and resets stats. */
static RTE_ATOMIC(int) mt_stop;

static int
worker_churn(void *arg __rte_unused)
{
	void *objs[256];
	unsigned int i, k = 0;

	while (!rte_atomic_load_explicit(&mt_stop, rte_memory_order_relaxed)) {
		for (i = 0; i < RTE_DIM(objs); i++) {
			objs[i] = rte_fastmem_alloc(16 + ((k + i) % 97) * 16, 0, 0);
			if (objs[i] == NULL)
				return -1;
		}
		rte_fastmem_free_bulk(objs, RTE_DIM(objs));
		k++;
	}
	return 0;
}

/* Objects of many classes, allocated on the main lcore, half freed on a worker. */
static void *kept[1000];

static int
worker_free_half(void *arg)
{
	void **objs = arg;

	rte_fastmem_free_bulk(objs, RTE_DIM(kept));
	return 0;
}

static int
worker_fill(void)
{
	void *other[RTE_DIM(kept)];
	unsigned int i, worker = rte_get_next_lcore(-1, 1, 0);

	for (i = 0; i < RTE_DIM(kept); i++) {
		kept[i] = rte_fastmem_alloc(16 + i * 40, 0, 0);
		other[i] = rte_fastmem_alloc(16 + i * 40, 0, 0);
		if (kept[i] == NULL || other[i] == NULL)
			return -1;
	}
	rte_eal_remote_launch(worker_free_half, other, worker);
	return rte_eal_wait_lcore(worker);
}

/* Allocations and frees of class @p cls by lcore @p lcore, or -1 on error. */
static int
lcore_class_counts(unsigned int lcore, size_t cls, uint64_t *allocs, uint64_t *frees)
{
	struct rte_fastmem_lcore_class_stats s;

	if (rte_fastmem_stats_lcore_class(lcore, cls, &s) != 0)
		return -1;
	*allocs = s.alloc_cache_hits + s.alloc_cache_misses;
	*frees = s.free_cache_hits + s.free_cache_misses;
	return 0;
}

#define COUNTS_ARE(n_alloc, n_free, n_live, what) do { \
	TEST_ASSERT_SUCCESS(lcore_class_counts(lcore, cls, &a, &f), "%s: stats", what); \
	TEST_ASSERT(a == (n_alloc) && f == (n_free), "%s: %" PRIu64 " allocs, %" PRIu64 \
		" frees, expected %u and %u", what, a, f, (n_alloc), (n_free)); \
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(cls, &cs), "%s: class stats", what); \
	TEST_ASSERT_EQUAL(cs.in_use, (n_live), "%s: %" PRIu64 " in use", what, cs.in_use); \
} while (0)

/*
 * A cache hit counts frees only; allocations follow from what the slow
 * path moves. Every way objects move between a cache and its bin keeps
 * the counts exact: refills, flushes of a full cache, capacity given back
 * to the budget, allocations and frees past a cache of capacity 0, unsorted
 * bulk frees, handles and rte_fastmem_cache_flush().
 */
static int
test_stats_slow_moves(void)
{
	unsigned int lcore = rte_lcore_id(), i, k;
	struct rte_fastmem_lcore_stats ls;
	struct rte_fastmem_class_stats cs;
	static void *objs[3000];
	void *strided[64];
	rte_fastmem_handle_t h;
	uint64_t budget, a, f;
	size_t cls;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore, &ls), "lcore stats");
	budget = ls.cache_budget;
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc %u", i);
	}
	cls = obj_class_size(objs[0]);
	COUNTS_ARE(3000u, 0u, 3000u, "refills");
	/* Frees one by one fill the cache and flush it. */
	for (i = 0; i < 2000; i++)
		rte_fastmem_free(objs[i]);
	COUNTS_ARE(3000u, 2000u, 1000u, "flushes");
	/* Capacity 0: the cached objects go back, then every call passes the cache. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(lcore, 0), "budget 0");
	COUNTS_ARE(3000u, 2000u, 1000u, "capacity given back");
	for (i = 0; i < 100; i++)
		objs[i] = rte_fastmem_alloc(64, 0, 0);
	COUNTS_ARE(3100u, 2000u, 1100u, "allocations past the cache");
	rte_fastmem_free_bulk(objs, 100);
	COUNTS_ARE(3100u, 2100u, 1000u, "frees past the cache");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_cache_budget(lcore, budget), "budget back");
	/* Handles count in the same cache. */
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(64, 0, rte_fastmem_lcore_node(lcore), &h),
		"hlookup");
	for (i = 0; i < 100; i++)
		objs[i] = rte_fastmem_halloc(h, 0);
	COUNTS_ARE(3200u, 2100u, 1100u, "handle allocations");
	rte_fastmem_cache_flush();
	COUNTS_ARE(3200u, 2100u, 1100u, "cache flushed");
	for (i = 0; i < 100; i++)
		rte_fastmem_hfree(h, objs[i]);
	COUNTS_ARE(3200u, 2200u, 1000u, "handle frees");
	/* Bursts of objects 15 apart (objs[2000 ... 2959]): sorted into runs or to the bin. */
	for (k = 0; k < 15; k++) {
		for (i = 0; i < RTE_DIM(strided); i++)
			strided[i] = objs[2000 + i * 15 + k];
		rte_fastmem_free_bulk(strided, RTE_DIM(strided));
	}
	COUNTS_ARE(3200u, 3160u, 40u, "strided bursts");
	rte_fastmem_free_bulk(&objs[2960], 40);
	COUNTS_ARE(3200u, 3200u, 0u, "all freed");
	return TEST_SUCCESS;
}

static int
test_stats_multi_lcore(void)
{
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats st;
	size_t sizes[64];
	unsigned int lcore, n = rte_fastmem_classes(sizes), c, i;
	uint64_t prev_alloc = 0;
	int rc = 0;

	if (rte_lcore_count() < 2)
		return TEST_SKIPPED;
	rte_atomic_store_explicit(&mt_stop, 0, rte_memory_order_relaxed);
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(worker_churn, NULL, lcore);
	for (i = 0; i < 2000; i++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
		/*
		 * Counters only grow; before the reset, allocations seen never
		 * run behind frees seen (the reader takes frees first).
		 */
		TEST_ASSERT(st.alloc_total >= prev_alloc, "alloc_total went back");
		if (i < 1000)
			TEST_ASSERT(st.alloc_total >= st.free_total, "frees ahead of allocations");
		else
			TEST_ASSERT(st.free_total <= st.alloc_total + 256 * (rte_lcore_count() - 1),
				"frees too far ahead after reset");
		prev_alloc = st.alloc_total;
		if (i == 999) {
			rte_fastmem_stats_reset();
			prev_alloc = 0;
		}
	}
	rte_atomic_store_explicit(&mt_stop, 1, rte_memory_order_relaxed);
	RTE_LCORE_FOREACH_WORKER(lcore)
		rc |= rte_eal_wait_lcore(lcore);
	TEST_ASSERT_SUCCESS(rc, "worker failed");
	/* Quiet now: per class and in total, allocations - frees == live objects. */
	rte_fastmem_stats_reset();
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, 0, "live %" PRIu64, st.objs_in_use);
	TEST_ASSERT_EQUAL(st.alloc_total, 0, "reset while quiet");
	/* Quiet, with live objects: allocations - frees == live, per class and in total. */
	TEST_ASSERT_SUCCESS(worker_fill(), "fill");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.alloc_total - st.free_total, st.objs_in_use,
		"total allocs %" PRIu64 " frees %" PRIu64 " live %" PRIu64,
		st.alloc_total, st.free_total, st.objs_in_use);
	TEST_ASSERT_EQUAL(st.objs_in_use, RTE_DIM(kept), "live %" PRIu64, st.objs_in_use);
	for (c = 0; c < n; c++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(sizes[c], &cs), "class");
		TEST_ASSERT_EQUAL(cs.alloc_cache_hits + cs.alloc_cache_misses -
			cs.free_cache_hits - cs.free_cache_misses, cs.in_use,
			"class %zu unbalanced", sizes[c]);
	}
	rte_fastmem_free_bulk(kept, RTE_DIM(kept));
	return TEST_SUCCESS;
}

/* Has @p b no page on its lists and no spare? */
static bool
bin_holds_no_page(const struct fastmem_bin *b)
{
	unsigned int i;

	for (i = 0; i < FASTMEM_FILL_BUCKETS; i++)
		if (!TAILQ_EMPTY(&b->partial[i]))
			return false;
	return TAILQ_EMPTY(&b->full) && b->spare == NULL;
}

/*
 * White box, on one bin: an empty page is kept (no re-carving when the
 * working set oscillates around a page boundary), and refills take the
 * fullest partial page. Pages of 40 KiB objects hold 3 wherever they are.
 */
static int
test_page_policy(void)
{
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	unsigned int cls = class_of(UNDER(40 * 1024)), slots, round;
	struct fastmem_bin *b;
	void *objs[64], *one, *head;
	uint64_t acquires;

	TEST_ASSERT_NOT_NULL(st, "state");
	TEST_ASSERT_SUCCESS(fastmem_node_ready(st, node), "node");
	head = segment_head_take();
	TEST_ASSERT_NOT_NULL(head, "segment start");
	b = &st->nodes[node].bins[cls];
	slots = page_slots_of(UNDER(40 * 1024));
	TEST_ASSERT(slots >= 2 && 3 * slots + 1 <= RTE_DIM(objs), "slots %u", slots);
	/* One full page plus one object in a second page. */
	TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, objs, slots + 1, slots + 1), slots + 1, "take");
	acquires = b->page_acquires;
	TEST_ASSERT_EQUAL(acquires, 2, "acquires %" PRIu64, acquires);
	for (round = 0; round < 100; round++) {
		fastmem_bin_give(st, b, &objs[slots], 1);
		fastmem_bin_drain(st, b, false);
		TEST_ASSERT(b->spare != NULL, "empty page not kept");
		TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, &objs[slots], 1, 1), 1, "retake");
	}
	TEST_ASSERT_EQUAL(b->page_acquires, acquires, "page ping-pong: %" PRIu64 " acquires",
		b->page_acquires);
	TEST_ASSERT_EQUAL(b->page_releases, 0, "releases %" PRIu64, b->page_releases);
	/* Three pages: full, 1 used, slots - 1 used. Refills must pick the fullest. */
	TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, &objs[slots + 1], 2 * slots - 1, 2 * slots - 1),
		2 * slots - 1, "take more");
	fastmem_bin_give(st, b, &objs[slots + 1], slots - 1);  /* page 2 back to 1 used */
	fastmem_bin_give(st, b, &objs[2 * slots], 1);          /* page 3: slots - 1 used */
	fastmem_bin_drain(st, b, false);
	TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, &one, 1, 1), 1, "take one");
	TEST_ASSERT(page_start(one) == page_start(objs[2 * slots + 1]),
		"refill did not take the fullest partial page");
	objs[2 * slots] = one;
	fastmem_bin_give(st, b, objs, slots + 1);
	fastmem_bin_give(st, b, &objs[2 * slots], slots);
	fastmem_bin_drain(st, b, true);
	TEST_ASSERT(bin_holds_no_page(b), "pages left");
	rte_fastmem_free(head);
	return TEST_SUCCESS;
}

/* Is every page of @p b on the list its occupancy says? */
static bool
bin_lists_consistent(const struct fastmem_bin *b)
{
	const struct fastmem_page *pg;
	unsigned int i;

	for (i = 0; i < FASTMEM_FILL_BUCKETS; i++)
		TAILQ_FOREACH(pg, &b->partial[i], link)
			if (pg->n_used == 0 || pg->n_used >= pg->n_slots ||
					pg->n_used * FASTMEM_FILL_BUCKETS / pg->n_slots != i)
				return false;
	TAILQ_FOREACH(pg, &b->full, link)
		if (pg->n_used != pg->n_slots)
			return false;
	return true;
}

/*
 * White box, on one bin: objects coming back one by one leave their page
 * where it is until its occupancy falls into the bucket below (a give
 * neither divides nor relinks), yet every page stays on the list its
 * occupancy says, an emptied page leaves them, and refills still take the
 * fullest partial page, through random gives and takes.
 */
static int
test_page_buckets(void)
{
	enum { PAGES = 4, ROUNDS = 4000 };
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	unsigned int cls = class_of(UNDER(256)), slots, n, out, i, k, round;
	const struct fastmem_page *pg, *fullest = NULL;
	uint64_t rng = 42;
	struct fastmem_bin *b;
	void **objs, *one, *head;
	int rc = TEST_SUCCESS;

	TEST_ASSERT_NOT_NULL(st, "state");
	TEST_ASSERT_SUCCESS(fastmem_node_ready(st, node), "node");
	b = &st->nodes[node].bins[cls];
	slots = page_slots_of(UNDER(256));
	TEST_ASSERT(slots >= 4 * FASTMEM_FILL_BUCKETS, "slots %u", slots);
	n = PAGES * slots;
	objs = calloc(n, sizeof(*objs));
	TEST_ASSERT_NOT_NULL(objs, "objs");
	head = segment_head_take();
	if (head == NULL || fastmem_bin_take(st, b, objs, n, n) != n) {
		rc = TEST_FAILED;
		goto out;
	}
	/* A page that lost one object is in the top bucket, and stays there for a quarter. */
	pg = fastmem_page_of(objs[0]);
	for (i = 0; i < slots / FASTMEM_FILL_BUCKETS; i++) {
		fastmem_bin_give(st, b, &objs[i], 1);
		fastmem_bin_drain(st, b, false);
		if (pg->list != FASTMEM_LIST_PARTIAL || pg->bucket != FASTMEM_FILL_BUCKETS - 1 ||
				!bin_lists_consistent(b)) {
			printf("give %u of %u: list %u bucket %u\n", i + 1, slots, pg->list,
				pg->bucket);
			rc = TEST_FAILED;
			goto out;
		}
	}
	fastmem_bin_give(st, b, &objs[i], 1);
	fastmem_bin_drain(st, b, false);
	if (pg->bucket != FASTMEM_FILL_BUCKETS - 2 || !bin_lists_consistent(b)) {
		printf("below a quarter: bucket %u\n", pg->bucket);
		rc = TEST_FAILED;
		goto out;
	}
	/* Random gives and takes: objs[0, out) are out, the rest in the bin. */
	memmove(objs, &objs[i + 1], sizeof(*objs) * (n - i - 1));
	out = n - i - 1;
	for (round = 0; round < ROUNDS && rc == TEST_SUCCESS; round++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (unsigned int)(rng >> 33) % out;
		if ((rng >> 20) % 3 != 0 && out > 1) {
			fastmem_bin_give(st, b, &objs[k], 1);
			objs[k] = objs[--out];
		} else if (out < n) {
			if (fastmem_bin_take(st, b, &objs[out], 1, 1) != 1)
				rc = TEST_FAILED;
			out++;
		}
		fastmem_bin_drain(st, b, false);
		if (!bin_lists_consistent(b)) {
			printf("round %u: a page is on the wrong list\n", round);
			rc = TEST_FAILED;
		}
	}
	/* The fullest partial page is the one a refill takes from. */
	for (i = FASTMEM_FILL_BUCKETS; i-- > 0 && fullest == NULL;)
		TAILQ_FOREACH(pg, &b->partial[i], link)
			if (fullest == NULL || pg->n_used > fullest->n_used)
				fullest = pg;
	if (rc == TEST_SUCCESS && fullest != NULL) {
		if (fastmem_bin_take(st, b, &one, 1, 1) != 1 ||
				fastmem_page_of(one)->bucket != fullest->bucket) {
			printf("refill took a page of bucket %u, the fullest is in %u\n",
				fastmem_page_of(one)->bucket, fullest->bucket);
			rc = TEST_FAILED;
		} else {
			objs[out++] = one;
		}
	}
	fastmem_bin_give(st, b, objs, out);
	out = 0;
	fastmem_bin_drain(st, b, true);
	if (!bin_holds_no_page(b))
		rc = TEST_FAILED;
out:
	if (rc != TEST_SUCCESS && out > 0)
		fastmem_bin_give(st, b, objs, out);
	free(objs);
	rte_fastmem_free(head);
	return rc;
}

/*
 * White box: a bin that keeps taking pages takes larger ones. Its first
 * eight pages have the class's size, then each size doubles after eight
 * pages, up to eight times the first; trim starts the bin small again.
 */
static int
test_page_growth(void)
{
	enum { N = 1400 };
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	unsigned int cls = class_of(UNDER(4096)), base = fastmem_page_slices(cls);
	unsigned int i, pages = 0, at_size = 0, size;
	const struct fastmem_page *pg, *last = NULL;
	struct fastmem_bin *b;
	void **objs = malloc(sizeof(void *) * N);

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	TEST_ASSERT_SUCCESS(fastmem_node_ready(st, node), "node");
	b = &st->nodes[node].bins[cls];
	TEST_ASSERT_EQUAL(b->page_slices, base, "first page size %u, class's %u",
		b->page_slices, base);
	/* A few objects at a time: a refill of many pages takes one page for all. */
	for (i = 0; i < N; i += 4)
		TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, &objs[i], 4, 4), 4, "take");
	size = base;
	for (i = 0; i < N; i++) {
		pg = fastmem_page_of(objs[i]);
		if (pg == last)
			continue;
		last = pg;
		pages++;
		if (pg->n_slices != size) {
			TEST_ASSERT(at_size == 8 && pg->n_slices == 2 * size &&
				pg->n_slices <= 8 * base, "page %u: %u slices after %u of %u",
				pages, pg->n_slices, at_size, size);
			size = pg->n_slices;
			at_size = 0;
		}
		at_size++;
		TEST_ASSERT(pg->n_slots == fastmem_page_slots(pg, cls), "page %u: %u slots",
			pages, pg->n_slots);
	}
	TEST_ASSERT_EQUAL(size, 8 * base, "largest pages %u slices, first %u", size, base);
	fastmem_bin_give(st, b, objs, N);
	fastmem_bin_drain(st, b, true);
	TEST_ASSERT(b->page_slices == base && b->pages_at_size == 0,
		"trim left pages of %u slices", b->page_slices);
	free(objs);
	return TEST_SUCCESS;
}

/*
 * White box: a take for one object that needs more than eight pages of the
 * bin's size takes one larger page for them, of up to 32 slices, and stops
 * after it; a take that needs them all takes larger pages, up to a
 * segment, until it has them. Each such page of a take for one object
 * lies just after the page before it in its segment, whatever the sizes in
 * between (pages are aligned to their size), unless only a page of fewer
 * than 32 objects, and under a quarter of the size wanted, could lie there.
 */
static int
test_page_refill(void)
{
	static const unsigned int takes[] = { 20, 70, 20, 150, 40, 300, 20, 70 };
	enum { N = 1024 };
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	unsigned int cls = class_of(UNDER(4096)), base = fastmem_page_slices(cls);
	unsigned int i, j, k, got, more, size, end, taken = 0;
	const struct fastmem_page *pg, *last = NULL;
	uint64_t acquires;
	struct fastmem_bin *b;
	void **objs = malloc(sizeof(void *) * N);

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 * MIB, SOCKET_ID_ANY), "reserve");
	TEST_ASSERT_SUCCESS(fastmem_node_ready(st, node), "node");
	b = &st->nodes[node].bins[cls];
	acquires = b->page_acquires;
	got = fastmem_bin_take(st, b, objs, 1, N);
	pg = fastmem_page_of(objs[0]);
	TEST_ASSERT(got == pg->n_slots && b->page_acquires == acquires + 1,
		"took %u objects in %" PRIu64 " pages, not one page's %u", got,
		b->page_acquires - acquires, pg->n_slots);
	TEST_ASSERT(pg->n_slices > 8 * base && pg->n_slices <= 32,
		"a page of %u slices for %u objects", pg->n_slices, N);
	more = fastmem_bin_take(st, b, &objs[got], N - got, N - got);
	TEST_ASSERT_EQUAL(more, N - got, "took %u of %u", more, N - got);
	pg = fastmem_page_of(objs[got]);
	TEST_ASSERT(pg->n_slices > 32, "a page of %u slices for all %u objects", pg->n_slices,
		N - got);
	fastmem_bin_give(st, b, objs, N);
	fastmem_bin_drain(st, b, true);

	/*
	 * A class starting with small pages: once its newest page ends where
	 * only a page of fewer than 32 objects, under a quarter of the size
	 * wanted, could follow it, the page wanted is taken elsewhere.
	 */
	for (got = 0; got < 8; got++) {
		TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, &objs[got], 1, 1), 1, "small take");
		end = fastmem_slice_idx(fastmem_page_addr(b->newest)) + b->newest->n_slices;
		if (end % 4 != 0)
			break;
	}
	TEST_ASSERT(got < 8, "the newest page keeps ending 4-aligned");
	more = fastmem_bin_take(st, b, &objs[got + 1], 1, 300);
	/* Its first object may come from the last small page. */
	pg = fastmem_page_of(objs[got + more]);
	TEST_ASSERT(pg->n_slices == 32, "a page of %u slices after one ending at slice %u",
		pg->n_slices, end);
	fastmem_bin_give(st, b, objs, got + 1 + more);
	fastmem_bin_drain(st, b, true);

	/* Takes for one object, of changing sizes: larger pages follow the last one. */
	for (i = 0; i < RTE_DIM(takes); i++) {
		size = b->page_slices;
		k = fastmem_bin_take(st, b, &objs[taken], 1, takes[i]);
		TEST_ASSERT(k >= 1 && k <= takes[i], "take %u: %u objects", i, k);
		for (j = taken; j < taken + k; j++) {
			pg = fastmem_page_of(objs[j]);
			if (pg == last)
				continue;
			TEST_ASSERT(last == NULL || pg->n_slices <= size ||
				fastmem_segment_of(pg) != fastmem_segment_of(last) ||
				fastmem_page_addr(pg) == RTE_PTR_ADD(fastmem_page_addr(last),
					last->n_slices * FASTMEM_SLICE_SIZE),
				"take %u: a page of %u slices not after the last one, of %u",
				i, pg->n_slices, last->n_slices);
			last = pg;
		}
		taken += k;
	}
	fastmem_bin_give(st, b, objs, taken);
	fastmem_bin_drain(st, b, true);
	free(objs);
	return TEST_SUCCESS;
}

/*
 * Capacities of the calling thread's cache of the class of @p size after
 * each of @p n allocations of that size, into @p caps: the distinct
 * values, in order. With @p others, each allocation that will miss comes
 * after the first one of a smaller class not used yet (rte_fastmem_classes()
 * in order), which misses too. The
 * objects go to @p objs, the others' after the @p n; *n_others says how
 * many. Returns how many capacities, or 0 if an allocation failed.
 */
static unsigned int
cache_caps(size_t size, bool others, unsigned int n, void **objs, unsigned int *n_others,
		uint32_t *caps)
{
	size_t classes[__RTE_FASTMEM_NUM_CLASSES];
	unsigned int n_classes = rte_fastmem_classes(classes);
	const struct __rte_fastmem_cache *c = NULL;
	unsigned int i, k = 0;

	*n_others = 0;
	for (i = 0; i < n; i++) {
		if (others && c != NULL && c->len == 0) {
			if (*n_others == n_classes || classes[*n_others] >= size)
				return 0;
			objs[n + *n_others] = rte_fastmem_alloc(classes[*n_others], 0, 0);
			if (objs[n + (*n_others)++] == NULL)
				return 0;
		}
		objs[i] = rte_fastmem_alloc(size, 0, 0);
		if (objs[i] == NULL)
			return 0;
		if (c == NULL)
			c = RTE_PER_LCORE(_fastmem_thread).caches +
				__rte_fastmem_slice_of(objs[0])->cache_idx;
		if (k == 0 || caps[k - 1] != c->cap)
			caps[k++] = c->cap;
	}
	return k;
}

/*
 * White box: a cache that misses with no other class missing since its own
 * last miss (one class allocated in a long run) grows sixteenfold; one whose
 * misses come after other classes' doubles. Both start at one 4 KiB object
 * (CACHE_START_BYTES).
 */
static int
test_cache_growth(void)
{
	enum { N = 100 };
	/* The budget's objects: the cap of the last growth. */
	const uint32_t most = (uint32_t)(rte_fastmem_get_cache_budget(rte_lcore_id()) / 4096);
	void *objs[2 * N];
	uint32_t caps[N];
	unsigned int k, i, n_others;

	if (__RTE_FASTMEM_CHECKED)
		return TEST_SKIPPED;
	k = cache_caps(4096, false, N, objs, &n_others, caps);
	TEST_ASSERT(k >= 4, "%u capacities", k);
	for (i = 1; i < k; i++)
		TEST_ASSERT_EQUAL(caps[i], RTE_MIN(16 * caps[i - 1], most),
			"alone: capacity %u after %u", caps[i], caps[i - 1]);
	rte_fastmem_free_bulk(objs, N);
	/* Capacities back to 0, and fewer objects: within the budget. */
	rte_fastmem_cache_flush();
	k = cache_caps(UNDER(3584), true, N / 8, objs, &n_others, caps);
	TEST_ASSERT(k >= 4, "%u capacities", k);
	for (i = 1; i < k; i++)
		TEST_ASSERT_EQUAL(caps[i], 2 * caps[i - 1], "in turn: capacity %u after %u",
			caps[i], caps[i - 1]);
	rte_fastmem_free_bulk(objs, N / 8);
	rte_fastmem_free_bulk(&objs[N / 8], n_others);
	return TEST_SUCCESS;
}

/*
 * White box: a depot's capacity is set at the first flush and doubles
 * after a flush overflows it when a refill emptied it since it last grew
 * (not otherwise); its array grows with what it holds, keeping its
 * objects, up to the capacity; both go with a trim.
 */
static int
test_depot_growth(void)
{
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	unsigned int cls = class_of(UNDER(4096)), cap = fastmem_depot_capacity(cls);
	unsigned int n = 4 * cap;
	void **objs = malloc(sizeof(void *) * n), **back = malloc(sizeof(void *) * n);
	struct fastmem_bin *b;

	TEST_ASSERT(objs != NULL && back != NULL, "malloc");
	TEST_ASSERT_SUCCESS(fastmem_node_ready(st, node), "node");
	b = &st->nodes[node].bins[cls];
	TEST_ASSERT(b->depot == NULL && b->depot_cap == 0, "a depot before any flush");
	/* This take finds the depot empty. */
	TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, objs, n, n), n, "take");
	fastmem_bin_give(st, b, objs, 1);
	TEST_ASSERT(b->depot != NULL && b->depot_cap == cap && b->depot_len == 1 &&
		b->depot_size < cap, "first flush: depot of %u holds %u in %u entries",
		b->depot_cap, b->depot_len, b->depot_size);
	fastmem_bin_give(st, b, &objs[1], cap - 1);
	TEST_ASSERT(b->depot_cap == cap && b->depot_len == cap && b->depot_size == cap,
		"filled: depot of %u holds %u in %u entries, capacity %u", b->depot_cap,
		b->depot_len, b->depot_size, cap);
	fastmem_bin_give(st, b, &objs[cap], 1);
	TEST_ASSERT(b->depot_cap == 2 * cap && b->depot_len == cap,
		"after an overflow: depot of %u holds %u", b->depot_cap, b->depot_len);
	/* No refill emptied it since: a full depot stays as it is. */
	fastmem_bin_give(st, b, &objs[cap + 1], cap + 1);
	TEST_ASSERT(b->depot_cap == 2 * cap && b->depot_len == 2 * cap &&
		b->depot_size == 2 * cap, "without a refill: depot of %u holds %u in %u entries",
		b->depot_cap, b->depot_len, b->depot_size);
	/* What it holds comes back, of its class. */
	TEST_ASSERT_EQUAL(fastmem_bin_take(st, b, back, 2 * cap, 2 * cap), 2 * cap,
		"take the depot");
	TEST_ASSERT(same_class(back, 2 * cap, objs[0]), "objects of another class");
	TEST_ASSERT_EQUAL(b->depot_len, 0, "depot not emptied");
	fastmem_bin_give(st, b, back, 2 * cap);
	fastmem_bin_give(st, b, &objs[2 * cap + 2], n - 2 * cap - 2);
	fastmem_bin_drain(st, b, true);
	TEST_ASSERT(b->depot == NULL && b->depot_cap == 0 && b->depot_size == 0 &&
		b->depot_len == 0, "a trim left a depot of %u", b->depot_cap);
	free(objs);
	free(back);
	return TEST_SUCCESS;
}

/*
 * A bulk free whose objects lie in two runs of their class, which the
 * cache cannot sort into one (it holds nothing below them), goes to the
 * bin as a miss, and the cache does not keep them; no live object is
 * handed out again.
 */
static int
test_bulk_unsorted(void)
{
	const size_t a_size = UNDER(40 * 1024), b_size = UNDER(56 * 1024);
	const unsigned int per_a = page_slots_of(a_size);
	const size_t class_size = __rte_fastmem_class_size(class_of(a_size));
	void *a[4 * 3], *other, *head, *burst[4], *got[4], *warm[8], *drained[1024];
	struct rte_fastmem_class_stats before, after;
	const struct __rte_fastmem_cache *c;
	unsigned int i, k;

	if (__RTE_FASTMEM_CHECKED)
		return TEST_SKIPPED;
	TEST_ASSERT_EQUAL(per_a, 3, "%u objects per page", per_a);
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(32 * MIB, SOCKET_ID_ANY), "reserve");
	head = segment_head_take();
	TEST_ASSERT_NOT_NULL(head, "segment start");
	/* Two runs of A, B's page between them (see test_page_runs). */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(a, 3 * per_a, a_size, 0, 0), "A");
	other = rte_fastmem_alloc(b_size, 0, 0);
	TEST_ASSERT_NOT_NULL(other, "B");
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(&a[3 * per_a], per_a, a_size, 0, 0), "A");
	TEST_ASSERT(!in_run_of(a[3 * per_a], a[0]), "A in one run");
	burst[0] = a[0];
	burst[1] = a[3 * per_a];
	burst[2] = a[1];
	burst[3] = a[3 * per_a + 1];
	/* The objects kept: a[2 .. 3 * per_a] and the last one. */
	for (i = 2; i < 4 * per_a; i++)
		stamp(a[i], a_size, i);
	/* A's cache with room for the burst (single frees grow it), then emptied. */
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(warm, RTE_DIM(warm), a_size, 0, 0), "warm");
	for (i = 0; i < RTE_DIM(warm); i++)
		rte_fastmem_free(warm[i]);
	c = RTE_PER_LCORE(_fastmem_thread).caches + __rte_fastmem_slice_of(a[0])->cache_idx;
	k = c->len;
	TEST_ASSERT(c->cap >= RTE_DIM(burst) && k <= RTE_DIM(drained), "cache %u of %u",
		k, c->cap);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(drained, k, a_size, 0, 0), "drain");
	TEST_ASSERT_EQUAL(c->len, 0, "cache not emptied");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(class_size, &before), "stats");
	rte_fastmem_free_bulk(burst, RTE_DIM(burst));
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(class_size, &after), "stats");
	TEST_ASSERT_EQUAL(after.free_cache_misses - before.free_cache_misses, RTE_DIM(burst),
		"%" PRIu64 " free misses", after.free_cache_misses - before.free_cache_misses);
	TEST_ASSERT_EQUAL(after.in_use, before.in_use - RTE_DIM(burst), "in use");
	TEST_ASSERT_EQUAL(c->len, 0, "the cache kept %u of them", c->len);
	TEST_ASSERT_SUCCESS(rte_fastmem_alloc_bulk(got, RTE_DIM(got), a_size, 0, 0), "realloc");
	TEST_ASSERT(same_class(got, RTE_DIM(got), a[0]), "objects of another class");
	/* No live object was handed out again: they all keep their stamps. */
	for (i = 0; i < RTE_DIM(got); i++)
		memset(got[i], 0, a_size);
	for (i = 2; i < 4 * per_a; i++)
		if (i < 3 * per_a || i > 3 * per_a + 1)
			TEST_ASSERT(stamp_ok(a[i], a_size, i), "object %u overwritten", i);
	rte_fastmem_free_bulk(got, RTE_DIM(got));
	rte_fastmem_free_bulk(drained, k);
	rte_fastmem_free(other);
	rte_fastmem_free(head);
	rte_fastmem_free_bulk(&a[2], 3 * per_a - 2);
	rte_fastmem_free_bulk(&a[3 * per_a + 2], per_a - 2);
	return TEST_SUCCESS;
}

/* Free slices are shared between classes: a class's empty pages serve another. */
static int
test_page_sharing(void)
{
	enum { N = 3000 };
	struct fastmem_state *st = fastmem_state_get();
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	void **objs = malloc(sizeof(void *) * N);
	uint64_t backing;
	unsigned int i;

	TEST_ASSERT_NOT_NULL(objs, "malloc");
	for (i = 0; i < N; i++) {
		objs[i] = rte_fastmem_alloc(4000, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc 4000");
	}
	rte_fastmem_free_bulk(objs, N);
	rte_fastmem_cache_flush();
	/* The 4 KiB class gives its pages back to their segments, which keep them. */
	fastmem_bin_drain(st, &st->nodes[node].bins[__rte_fastmem_size_to_class(4000, 0)], true);
	backing = fm_test_backing_bytes();
	for (i = 0; i < N; i++) {
		objs[i] = rte_fastmem_alloc(1500, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc 1500");
	}
	TEST_ASSERT_EQUAL(fm_test_backing_bytes(), backing,
		"backing grew from %" PRIu64 " to %" PRIu64, backing, fm_test_backing_bytes());
	rte_fastmem_free_bulk(objs, N);
	free(objs);
	return TEST_SUCCESS;
}

/*
 * Growth holds only the node's grow lock: while another thread holds it
 * (as during a long memzone reservation), an lcore still allocates and
 * frees, refilling from free slabs and depots.
 */
static int
worker_churn_classes(void *arg)
{
	unsigned int __rte_atomic *done = arg;
	unsigned int i, k;
	void *objs[64];

	for (i = 0; i < 2000; i++) {
		for (k = 0; k < RTE_DIM(objs); k++) {
			objs[k] = rte_fastmem_alloc(16 << (k % 8), 0, 0);
			if (objs[k] == NULL)
				return -1;
		}
		rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	}
	rte_atomic_store_explicit(done, 1, rte_memory_order_release);
	return 0;
}

static int
test_growth_does_not_block(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), finished, ms;
	RTE_ATOMIC(unsigned int) done = 0;
	struct fastmem_state *st = fastmem_state_get();
	int node;

	if (worker >= RTE_MAX_LCORE)
		return TEST_SKIPPED;
	node = rte_fastmem_lcore_node(worker);
	/* Enough free slabs for every class the worker uses. */
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(64 * MIB, node), "reserve");
	rte_spinlock_lock(&st->nodes[node].grow_lock);
	rte_eal_remote_launch(worker_churn_classes, &done, worker);
	for (ms = 0; ms < 20000 && !rte_atomic_load_explicit(&done, rte_memory_order_acquire); ms++)
		rte_delay_ms(1);
	finished = rte_atomic_load_explicit(&done, rte_memory_order_acquire);
	rte_spinlock_unlock(&st->nodes[node].grow_lock);
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker failed");
	TEST_ASSERT(finished, "allocations waited for the grow lock");
	return TEST_SUCCESS;
}

static int
worker_alloc_page(void *arg)
{
	void **obj = arg;

	*obj = rte_fastmem_alloc(4096, 0, 0);
	return *obj == NULL ? -1 : 0;
}

/* Wait up to 10 s for an allocation to say that it waits for @p nd's grow lock. */
static bool
wait_grow_waiter(struct fastmem_node *nd)
{
	unsigned int ms;

	for (ms = 0; ms < 10000; ms++) {
		if (rte_atomic_load_explicit(&nd->grow_wait, rte_memory_order_relaxed) != 0)
			return true;
		rte_delay_ms(1);
	}
	return false;
}

/* Free bytes of @p node's segments, UINT64_MAX on error. */
static uint64_t
node_free_bytes(int node)
{
	struct rte_fastmem_node_stats ns;

	if (rte_fastmem_stats_node(node, &ns) != 0)
		return UINT64_MAX;
	return ns.bytes_free_slabs;
}

/* Wait up to 2 s for @p node to have @p bytes free in its segments: its free bytes then. */
static uint64_t
wait_free_bytes(int node, uint64_t bytes)
{
	unsigned int ms;

	for (ms = 0; ms < 2000 && node_free_bytes(node) < bytes; ms++)
		rte_delay_ms(1);
	return node_free_bytes(node);
}

/* Most 4 KiB objects test_grow_waiters() allocates per step. */
#define STEP_OBJS 1024

/*
 * Allocate 4 KiB objects on @p node into @p objs until its free segment
 * bytes fall below 3 MiB (or STEP_OBJS of them): the number allocated, or
 * -1 if one failed.
 */
static int
alloc_below_3mib(int node, void **objs)
{
	int i;

	for (i = 0; i < STEP_OBJS && node_free_bytes(node) >= 3 * MIB; i++) {
		objs[i] = rte_fastmem_alloc_socket(4096, 0, 0, node);
		if (objs[i] == NULL)
			return -1;
	}
	return i;
}

/*
 * An allocation that finds no free slice while another thread grows the
 * node says that it waits (grow_wait), gets the node grown and counts a
 * growth it waited for; the headroom thread leaves the grow lock to such
 * an allocation: while one waits, it grows nothing, and it keeps the
 * headroom again once none does; one that stopped saying so long ago (its
 * process died) does not stop the thread.
 */
static int
test_grow_waiters(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), ms;
	struct fastmem_state *st = fastmem_state_get();
	uint64_t inline_before, backing, ahead, refilled;
	static void *objs[2 * STEP_OBJS];
	struct rte_fastmem_node_stats ns;
	struct fastmem_node *nd;
	int node, n1, n2, i;
	void *obj = NULL;
	bool waited;

	if (worker >= RTE_MAX_LCORE)
		return TEST_SKIPPED;
	node = rte_fastmem_lcore_node(worker);
	nd = &st->nodes[node];
	/* The node's bins set up, then no free slice left. */
	obj = rte_fastmem_alloc_socket(64, 0, 0, node);
	TEST_ASSERT_NOT_NULL(obj, "alloc");
	rte_fastmem_free(obj);
	rte_fastmem_cache_flush();
	rte_fastmem_trim();
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	TEST_ASSERT_EQUAL(ns.bytes_backing, 0, "%" PRIu64 " bytes left after trim",
		ns.bytes_backing);
	inline_before = ns.grows_inline;

	rte_spinlock_lock(&nd->grow_lock);
	rte_eal_remote_launch(worker_alloc_page, &obj, worker);
	waited = wait_grow_waiter(nd);
	rte_spinlock_unlock(&nd->grow_lock);
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "allocation failed");
	TEST_ASSERT(waited, "the allocation did not say it waits");
	TEST_ASSERT_EQUAL(rte_atomic_load_explicit(&nd->grow_wait, rte_memory_order_relaxed),
		0, "the allocation still says it waits");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	TEST_ASSERT_EQUAL(ns.grows_inline, inline_before + 1, "growths waited for: %" PRIu64
		" then %" PRIu64, inline_before, ns.grows_inline);
	TEST_ASSERT(ns.bytes_backing > 0, "the node did not grow");
	rte_fastmem_free(obj);

	/*
	 * This thread says that it waits, as an allocation does at every try,
	 * while allocations take the headroom: the thread grows nothing, then
	 * fills it again once none waits.
	 */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(node, 4 * MIB), "headroom");
	TEST_ASSERT(node_free_bytes(node) >= 4 * MIB, "no headroom");
	rte_atomic_store_explicit(&nd->grow_wait, rte_get_timer_cycles(), rte_memory_order_relaxed);
	n1 = alloc_below_3mib(node, objs);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	backing = ns.bytes_backing;
	for (ms = 0; ms < 200; ms++) {
		rte_atomic_store_explicit(&nd->grow_wait, rte_get_timer_cycles(),
			rte_memory_order_relaxed);
		rte_delay_ms(1);
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	rte_atomic_store_explicit(&nd->grow_wait, 0, rte_memory_order_relaxed);
	refilled = wait_free_bytes(node, 4 * MIB);
	TEST_ASSERT(n1 >= 0, "alloc failed");
	TEST_ASSERT_EQUAL(ns.bytes_backing, backing, "the node grew while an allocation waited");
	TEST_ASSERT(refilled >= 4 * MIB, "headroom not kept after the wait: %" PRIu64
		" free bytes", refilled);

	/* A waiter that tried last a second ago is gone: the thread grows the node. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	ahead = ns.grows_ahead;
	rte_atomic_store_explicit(&nd->grow_wait, rte_get_timer_cycles() - rte_get_timer_hz(),
		rte_memory_order_relaxed);
	n2 = alloc_below_3mib(node, &objs[STEP_OBJS]);
	wait_free_bytes(node, 4 * MIB);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "node stats");
	rte_atomic_store_explicit(&nd->grow_wait, 0, rte_memory_order_relaxed);
	for (i = 0; i < n1; i++)
		rte_fastmem_free(objs[i]);
	for (i = 0; i < n2; i++)
		rte_fastmem_free(objs[STEP_OBJS + i]);
	TEST_ASSERT(n2 >= 0, "alloc failed");
	TEST_ASSERT(ns.grows_ahead > ahead && ns.bytes_free_slabs >= 4 * MIB,
		"a stale waiter stopped the headroom: %" PRIu64 " growths ahead, %" PRIu64
		" free bytes", ns.grows_ahead - ahead, ns.bytes_free_slabs);
	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(node, 0), "headroom off");
	return TEST_SUCCESS;
}

static struct unit_test_suite fastmem_suite = {
	.suite_name = "fastmem autotest",
	.unit_test_cases = {
		TEST_CASE(test_uninitialized),
		TEST_CASE(test_classes),
		TEST_CASE_ST(fm_setup, fm_teardown, test_small_packing),
		TEST_CASE_ST(fm_setup, fm_teardown, test_bad_args),
		TEST_CASE_ST(fm_setup, fm_teardown, test_all_classes),
		TEST_CASE_ST(fm_setup, fm_teardown, test_many_objects),
		TEST_CASE_ST(fm_setup, fm_teardown, test_alignment),
		TEST_CASE_ST(fm_setup, fm_teardown, test_zero_flag),
		TEST_CASE_ST(fm_setup, fm_teardown, test_large),
		TEST_CASE_ST(fm_setup, fm_teardown, test_virt2iova),
		TEST_CASE_ST(fm_setup, fm_teardown, test_virt2iova_segments),
		TEST_CASE_ST(fm_setup, fm_teardown, test_socket),
		TEST_CASE_ST(fm_setup, fm_teardown, test_bulk),
		TEST_CASE_ST(fm_setup, fm_teardown, test_bulk_paths),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_runs),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_run_links),
		TEST_CASE_ST(fm_setup, fm_teardown, test_memzone_tail),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_run_leave),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_run_widen),
		TEST_CASE_ST(fm_setup, fm_teardown, test_bulk_limit),
		TEST_CASE_ST(fm_setup, fm_teardown, test_limits),
		TEST_CASE_ST(fm_setup, fm_teardown, test_fill_under_limit),
		TEST_CASE_ST(fm_setup, fm_teardown, test_oom_recovery),
		TEST_CASE_ST(fm_setup, fm_teardown, test_reserve),
		TEST_CASE_ST(fm_setup, fm_teardown, test_trim),
		TEST_CASE(test_fixed_overhead),
		TEST_CASE_ST(fm_setup, fm_teardown, test_memzone_records),
		TEST_CASE_ST(fm_setup, fm_teardown, test_owns),
		TEST_CASE_ST(fm_setup, fm_teardown, test_realloc),
		TEST_CASE_ST(fm_setup, fm_teardown, test_handles),
		TEST_CASE_ST(fm_setup, fm_teardown, test_handles_past_nodes),
		TEST_CASE_ST(fm_setup, fm_teardown, test_cross_lcore),
		TEST_CASE_ST(fm_setup, fm_teardown, test_non_eal_thread),
		TEST_CASE_ST(fm_setup, fm_teardown, test_stats),
		TEST_CASE_ST(fm_setup, fm_teardown, test_stats_slow_moves),
		TEST_CASE_ST(fm_setup, fm_teardown, test_stats_multi_lcore),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_policy),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_buckets),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_sharing),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_growth),
		TEST_CASE_ST(fm_setup, fm_teardown, test_page_refill),
		TEST_CASE_ST(fm_setup, fm_teardown, test_cache_growth),
		TEST_CASE_ST(fm_setup, fm_teardown, test_depot_growth),
		TEST_CASE_ST(fm_setup, fm_teardown, test_bulk_unsorted),
		TEST_CASE_ST(fm_setup, fm_teardown, test_growth_does_not_block),
		TEST_CASE_ST(fm_setup, fm_teardown, test_grow_waiters),
		TEST_CASES_END()
	}
};

static int
test_fastmem(void)
{
	return unit_test_suite_runner(&fastmem_suite);
}

REGISTER_FAST_TEST(fastmem_autotest, true, true, test_fastmem);
