/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_extmem_autotest: backing for nodes EAL has no memory on, through
 * external heaps of hugepages bound to the node (fastmem_extmem.c).
 *
 * A one-node machine has no such node, so the success path runs on node 0
 * with rte_fastmem_set_external_heap(), which sends its memzones to an
 * external heap as if EAL had none there: objects must land in an
 * external memseg list of heap "fastmem_node0", on node 0, with IOVAs that
 * agree with EAL's, and trim and deinit must give everything back, the
 * heap included. Error paths: a node that does not exist (as such, and
 * forced), a node without enough free hugepages, no usable hugetlbfs
 * directory (missing, not hugetlbfs, not permitted), the node's limit.
 * After each: ENOMEM (or ENXIO), a log line from the library, and nothing
 * half-registered: no heap, no fastmem memzone, no hugepage file mapped.
 *
 * The cases that map hugepages skip without free 2 MiB hugepages on
 * node 0; they run with --no-huge too (EAL's memory does not matter, the
 * machine's hugepages do).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_extmem.h"
#include "fastmem_test_numa.h"
#include "fastmem_test_util.h"
#include "test.h"

#define PAGE ((size_t)2 << 20)
#define HEAP0 "fastmem_node0"
/* Free hugepages the success cases need on node 0 (the largest takes 24). */
#define NEED_PAGES 48
/* A node id no machine running this test has: out of RTE_MAX_NUMA_NODES but in range. */
#define NO_NODE (RTE_MAX_NUMA_NODES - 1)

/* HugePages_Free of /proc/meminfo, if the default hugepage size is 2 MiB. */
static int64_t
meminfo_free_2m(void)
{
	char line[128];
	int64_t free_pages = -1, size_kb = 0, v;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "HugePages_Free: %" SCNd64, &v) == 1)
			free_pages = v;
		else if (sscanf(line, "Hugepagesize: %" SCNd64 " kB", &v) == 1)
			size_kb = v;
	}
	fclose(f);
	return size_kb == 2048 ? free_pages : -1;
}

/* Whether node 0 has the hugepages a case maps; says why not. */
static bool
have_hugepages(int64_t pages)
{
	int64_t node_free = fm_test_pool(0, "free_hugepages");

	if (node_free >= pages && meminfo_free_2m() >= pages)
		return true;
	printf("needs %" PRId64 " free 2 MiB hugepages on node 0, has %" PRId64
		" (/proc/meminfo: %" PRId64 "); EAL %s\n",
		pages, node_free, meminfo_free_2m(),
		rte_eal_has_hugepages() ? "uses hugepages" : "runs with --no-huge");
	return false;
}

/* Bytes of fastmem's hugepage files for a node mapped in this process (/proc/self/maps). */
static uint64_t
mapped_bytes(int node)
{
	char line[512], tag[64];
	uint64_t total = 0;
	uint64_t lo, hi;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return UINT64_MAX;
	snprintf(tag, sizeof(tag), "/fastmem_%d_n%d_", (int)getpid(), node);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, tag) != NULL &&
				sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) == 2)
			total += hi - lo;
	fclose(f);
	return total;
}

static int
heap_socket(int node)
{
	char name[32];

	snprintf(name, sizeof(name), FASTMEM_EXTMEM_HEAP_FMT, node);
	return rte_malloc_heap_get_socket(name);
}

/* After a failure, a trim or a deinit: no heap, no memzone, no mapping. */
static int
check_nothing_left(int node, const char *when)
{
	struct fm_test_backing b = fm_test_backing_memzones();

	TEST_ASSERT(heap_socket(node) < 0, "%s: heap %d still there", when, node);
	TEST_ASSERT_EQUAL(b.count, 0u, "%s: %u fastmem memzones left", when, b.count);
	TEST_ASSERT_EQUAL(mapped_bytes(node), 0, "%s: %" PRIu64 " bytes still mapped", when,
		mapped_bytes(node));
	return TEST_SUCCESS;
}

/* An allocation that must fail with @err, leaving nothing behind. */
static int
check_alloc_fails(size_t size, int node, int err, const char *what)
{
	rte_errno = 0;
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(size, 0, 0, node), "%s: allocated", what);
	TEST_ASSERT_EQUAL(rte_errno, err, "%s: rte_errno %d, want %d", what, rte_errno, err);
	return check_nothing_left(node, what);
}

/*
 * An object of forced node 0: in an external memseg list of the node's
 * heap, on node 0, and rte_fastmem_virt2iova() as EAL's memseg says (a
 * large object spanning pages may have RTE_BAD_IOVA in PA mode: they need
 * not be physically contiguous).
 */
static int
check_object(const void *p, size_t size, bool large)
{
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(p);
	const struct rte_memseg *ms;
	rte_iova_t want, got = rte_fastmem_virt2iova(p);

	TEST_ASSERT(msl != NULL && msl->external, "%p not in an external memseg list", p);
	TEST_ASSERT_EQUAL(msl->socket_id, heap_socket(0), "%p: socket %d", p, msl->socket_id);
	TEST_ASSERT_EQUAL(fm_test_page_node(p), 0, "%p on node %d", p, fm_test_page_node(p));
	TEST_ASSERT_EQUAL(fm_test_page_node(RTE_PTR_ADD(p, size - 1)), 0, "end of %p", p);
	ms = rte_mem_virt2memseg(p, msl);
	TEST_ASSERT_NOT_NULL(ms, "no memseg for %p", p);
	want = ms->iova == RTE_BAD_IOVA ? RTE_BAD_IOVA : ms->iova + RTE_PTR_DIFF(p, ms->addr);
	TEST_ASSERT_EQUAL(want, rte_mem_virt2iova(p), "%p: memseg IOVA 0x%" PRIx64 ", EAL 0x%"
		PRIx64, p, want, rte_mem_virt2iova(p));
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		TEST_ASSERT_EQUAL(want, (rte_iova_t)(uintptr_t)p, "IOVA-as-VA: %p", p);
	TEST_ASSERT(got == want || (large && got == RTE_BAD_IOVA),
		"%p: virt2iova 0x%" PRIx64 ", memseg 0x%" PRIx64, p, got, want);
	return TEST_SUCCESS;
}

static int
forced_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_set_external_heap(0, true), "force");
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	return TEST_SUCCESS;
}

static void
forced_teardown(void)
{
	rte_fastmem_deinit();
	rte_fastmem_set_external_heap(0, false);
	rte_fastmem_set_external_heap(NO_NODE, false);
	rte_fastmem_set_hugepage_dir(NULL);
}

/* A node the machine does not have: not usable, unless forced, and then it fails cleanly. */
static int
test_no_such_node(void)
{
	struct rte_fastmem_node_info info;
	rte_fastmem_handle_t h;
	int rc;

	TEST_ASSERT_EQUAL(rte_fastmem_set_external_heap(-1, true), -EINVAL, "force -1");
	TEST_ASSERT_EQUAL(rte_fastmem_set_external_heap(SOCKET_ID_ANY, true), -EINVAL, "any");
	TEST_ASSERT_EQUAL(rte_fastmem_set_external_heap(RTE_MAX_NUMA_NODES, true), -EINVAL,
		"force max");
	TEST_ASSERT(!fastmem_extmem_usable(NO_NODE), "node %d usable", NO_NODE);
	TEST_ASSERT_EQUAL(rte_fastmem_node_info(NO_NODE, &info), -ENOENT, "node info");
	TEST_ASSERT_EQUAL(check_alloc_fails(64, NO_NODE, ENXIO, "no such node"), TEST_SUCCESS,
		"no such node");
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(PAGE, NO_NODE), -ENXIO, "reserve");
	TEST_ASSERT_EQUAL(rte_fastmem_hlookup(64, 0, NO_NODE, &h), -ENXIO, "hlookup");
	/* Forced, it is tried: no hugepage pool in sysfs. */
	TEST_ASSERT_SUCCESS(rte_fastmem_set_external_heap(NO_NODE, true), "force");
	TEST_ASSERT(fastmem_extmem_usable(NO_NODE), "forced node not usable");
	TEST_ASSERT_EQUAL(check_alloc_fails(64, NO_NODE, ENOMEM, "forced, no such node"),
		TEST_SUCCESS, "forced, no such node");
	TEST_ASSERT_EQUAL(check_alloc_fails(3 * PAGE, NO_NODE, ENOMEM, "forced, large"),
		TEST_SUCCESS, "forced, large");
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(PAGE, NO_NODE), -ENOMEM, "forced reserve");
	/* A handle is refused, or has no memory: past the machine's nodes, no cache row has it. */
	rc = rte_fastmem_hlookup(64, 0, NO_NODE, &h);
	if (rc == 0) {
		rte_errno = 0;
		TEST_ASSERT_NULL(rte_fastmem_halloc(h, 0), "forced: halloc");
		TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "forced: halloc rte_errno %d", rte_errno);
	} else {
		TEST_ASSERT_EQUAL(rc, -ENOMEM, "forced: hlookup %d", rc);
	}
	return check_nothing_left(NO_NODE, "forced reserve");
}

/* More hugepages than node 0 has in all: the free-page check refuses before mapping any. */
static int
test_no_hugepages(void)
{
	int64_t total = fm_test_pool(0, "nr_hugepages");
	size_t size;

	if (total < 0) {
		printf("node 0 has no 2 MiB hugepage pool\n");
		return TEST_SKIPPED;
	}
	/* Its memzone takes every page of the pool, its heap element header one more. */
	size = (size_t)(total - 1) * PAGE + 1;
	if (size > rte_fastmem_max_size()) {
		printf("node 0 has %" PRId64 " hugepages: more than the largest object"
			" (%zu bytes)\n", total, rte_fastmem_max_size());
		return TEST_SKIPPED;
	}
	return check_alloc_fails(size, 0, ENOMEM, "more than the pool");
}

/* No usable hugetlbfs directory: missing, not hugetlbfs, or not writable. */
static int
test_hugedir(void)
{
	char name[PATH_MAX + 2];
	int rc;

	if (!have_hugepages(4))
		return TEST_SKIPPED;
	memset(name, 'x', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	TEST_ASSERT_EQUAL(rte_fastmem_set_hugepage_dir(name), -ENAMETOOLONG, "long name");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_hugepage_dir("/nonexistent/fastmem"), "set");
	TEST_ASSERT_EQUAL(check_alloc_fails(64, 0, ENOMEM, "missing dir"), TEST_SUCCESS, "missing");
	/* A name too long changes nothing: the missing directory stays. */
	TEST_ASSERT_EQUAL(rte_fastmem_set_hugepage_dir(name), -ENAMETOOLONG, "long name");
	TEST_ASSERT_EQUAL(check_alloc_fails(64, 0, ENOMEM, "still missing"), TEST_SUCCESS,
		"still missing");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_hugepage_dir("/proc"), "set");
	TEST_ASSERT_EQUAL(check_alloc_fails(64, 0, ENOMEM, "not hugetlbfs"), TEST_SUCCESS,
		"not hugetlbfs");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_hugepage_dir(NULL), "reset");
	if (geteuid() != 0) {
		printf("not root: the permission case is not run\n");
		return TEST_SUCCESS;
	}
	/*
	 * Not permitted: the hugetlbfs mount is root's, mode 0755; as
	 * "nobody" (file system uid only, this thread only) the file
	 * cannot be created.
	 */
	setfsuid(65534);
	rc = check_alloc_fails(64, 0, ENOMEM, "not permitted");
	setfsuid(0);
	return rc;
}

/* The node's limit caps its memzones, and what is mapped for them. */
static int
test_limit(void)
{
	void *objs[64];
	unsigned int n = 0, i;
	struct rte_fastmem_stats st;

	if (!have_hugepages(8))
		return TEST_SKIPPED;
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(0, 2 * PAGE), "limit");
	while (n < RTE_DIM(objs) && (objs[n] = rte_fastmem_alloc_socket(100000, 0, 0, 0)) != NULL)
		n++;
	TEST_ASSERT(n > 0 && n < RTE_DIM(objs), "%u objects under a 4 MiB limit", n);
	TEST_ASSERT_EQUAL(rte_errno, ENOMEM, "errno %d", rte_errno);
	TEST_ASSERT_NULL(rte_fastmem_alloc_socket(PAGE, 0, 0, 0), "large object over the limit");
	TEST_ASSERT_EQUAL(rte_fastmem_reserve(4 * PAGE, 0), -ENOMEM, "reserve over the limit");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.bytes_backing, 2 * PAGE, "backing %" PRIu64, st.bytes_backing);
	TEST_ASSERT(st.alloc_nomem >= 2, "nomem %" PRIu64, st.alloc_nomem);
	/*
	 * Two memzones of one segment (a node's first growth is one, the
	 * limit caps the next), and a page for each one's heap element header.
	 */
	TEST_ASSERT_EQUAL(mapped_bytes(0), 4 * PAGE, "mapped %" PRIu64, mapped_bytes(0));
	for (i = 0; i < n; i++)
		TEST_ASSERT_SUCCESS(check_object(objs[i], 100000, false), "object %u", i);
	rte_fastmem_free_bulk(objs, n);
	rte_fastmem_cache_flush();
	TEST_ASSERT_EQUAL(rte_fastmem_trim(), (int64_t)(2 * PAGE), "trim");
	return check_nothing_left(0, "trim");
}

static int
dump_has(const char *needle)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	if (f == NULL)
		return 0;
	rte_fastmem_dump(f);
	fclose(f);
	found = buf != NULL && strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

/*
 * The success path: objects of every kind, their content, placement and
 * IOVAs, statistics and dump, then trim gives everything back and the
 * node grows again.
 */
static int
test_forced_node(void)
{
	enum { N_SMALL = 2000 };
	static void *small[N_SMALL];
	struct rte_fastmem_node_info info;
	struct rte_fastmem_stats st;
	rte_fastmem_handle_t h;
	void *big, *hobj;
	char line[96];
	unsigned int i;
	int64_t released;

	if (!have_hugepages(NEED_PAGES))
		return TEST_SKIPPED;
	TEST_ASSERT_SUCCESS(rte_fastmem_node_info(0, &info), "node info");
	TEST_ASSERT(info.eal_usable, "node 0 not usable");
	for (i = 0; i < N_SMALL; i++) {
		small[i] = rte_fastmem_alloc_socket(64 + i % 2000, 0, 0, i % 2 ? 0 : SOCKET_ID_ANY);
		TEST_ASSERT_NOT_NULL(small[i], "object %u: %s", i, rte_strerror(rte_errno));
		fm_test_fill(small[i], 64 + i % 2000, i);
	}
	TEST_ASSERT(heap_socket(0) >= RTE_MAX_NUMA_NODES, "heap socket %d", heap_socket(0));
	big = rte_fastmem_alloc_socket(5 * PAGE + 100, 0, 0, 0);
	TEST_ASSERT_NOT_NULL(big, "large object: %s", rte_strerror(rte_errno));
	fm_test_fill(big, 5 * PAGE + 100, 7);
	TEST_ASSERT_SUCCESS(rte_fastmem_hlookup(256, 0, 0, &h), "hlookup");
	hobj = rte_fastmem_halloc(h, 0);
	TEST_ASSERT_NOT_NULL(hobj, "halloc");
	TEST_ASSERT_SUCCESS(rte_fastmem_reserve(16 * PAGE, 0), "reserve");
	for (i = 0; i < N_SMALL; i++) {
		TEST_ASSERT_EQUAL(fm_test_check(small[i], 64 + i % 2000, i), 64 + i % 2000,
			"object %u corrupted", i);
		if (i % 100 == 0)
			TEST_ASSERT_SUCCESS(check_object(small[i], 64 + i % 2000, false),
				"object %u", i);
	}
	TEST_ASSERT_EQUAL(fm_test_check(big, 5 * PAGE + 100, 7), 5 * PAGE + 100, "big corrupted");
	TEST_ASSERT_SUCCESS(check_object(big, 5 * PAGE + 100, true), "big");
	TEST_ASSERT_SUCCESS(check_object(hobj, 256, false), "handle object");
	/* Statistics and dump see the node like any other. */
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&st), "stats");
	TEST_ASSERT_EQUAL(st.objs_in_use, (uint64_t)N_SMALL + 2, "objs %" PRIu64, st.objs_in_use);
	TEST_ASSERT(st.bytes_backing >= 21 * PAGE, "backing %" PRIu64,
		st.bytes_backing);
	snprintf(line, sizeof(line), "bytes_backing=%" PRIu64, st.bytes_backing);
	TEST_ASSERT(dump_has("node 0:") && dump_has(line), "dump lacks node 0 %s", line);
	TEST_ASSERT(mapped_bytes(0) >= st.bytes_backing, "mapped %" PRIu64 " < backing",
		mapped_bytes(0));
	printf("node 0 external: %" PRIu64 " bytes backing, %" PRIu64 " mapped, heap socket %d,"
		" IOVA mode %s, IOVAs %s\n", st.bytes_backing, mapped_bytes(0), heap_socket(0),
		rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "PA",
		rte_fastmem_virt2iova(hobj) == RTE_BAD_IOVA ? "unknown" : "valid");
	rte_fastmem_free(big);
	rte_fastmem_hfree(h, hobj);
	rte_fastmem_free_bulk(small, N_SMALL);
	rte_fastmem_cache_flush();
	/* The large object's memzone went with it: trim releases the segments. */
	released = rte_fastmem_trim();
	TEST_ASSERT(released >= 16 * (int64_t)PAGE, "trim released %" PRId64, released);
	TEST_ASSERT_SUCCESS(check_nothing_left(0, "trim"), "trim");
	/* Grows again: a new heap. */
	small[0] = rte_fastmem_alloc_socket(64, 0, 0, 0);
	TEST_ASSERT_NOT_NULL(small[0], "after trim: %s", rte_strerror(rte_errno));
	TEST_ASSERT_SUCCESS(check_object(small[0], 64, false), "after trim");
	rte_fastmem_free(small[0]);
	return TEST_SUCCESS;
}

/* Deinit gives everything back, live objects included; init starts over. */
static int
test_deinit(void)
{
	void *p, *big;

	if (!have_hugepages(NEED_PAGES))
		return TEST_SKIPPED;
	p = rte_fastmem_alloc_socket(1000, 0, 0, 0);
	big = rte_fastmem_alloc_socket(3 * PAGE, 0, 0, 0);
	TEST_ASSERT(p != NULL && big != NULL, "alloc: %s", rte_strerror(rte_errno));
	TEST_ASSERT(heap_socket(0) >= 0 && mapped_bytes(0) > 0, "no heap");
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(check_nothing_left(0, "deinit"), "deinit");
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init again");
	p = rte_fastmem_alloc_socket(1000, 0, 0, 0);
	TEST_ASSERT_NOT_NULL(p, "alloc after init: %s", rte_strerror(rte_errno));
	TEST_ASSERT_SUCCESS(check_object(p, 1000, false), "after init");
	rte_fastmem_free(p);
	return TEST_SUCCESS;
}

static struct unit_test_suite extmem_suite = {
	.suite_name = "fastmem external heap autotest",
	.unit_test_cases = {
		TEST_CASE_ST(forced_setup, forced_teardown, test_no_such_node),
		TEST_CASE_ST(forced_setup, forced_teardown, test_no_hugepages),
		TEST_CASE_ST(forced_setup, forced_teardown, test_hugedir),
		TEST_CASE_ST(forced_setup, forced_teardown, test_limit),
		TEST_CASE_ST(forced_setup, forced_teardown, test_forced_node),
		TEST_CASE_ST(forced_setup, forced_teardown, test_deinit),
		TEST_CASES_END()
	}
};

static int
test_fastmem_extmem(void)
{
	return unit_test_suite_runner(&extmem_suite);
}

REGISTER_FAST_TEST(fastmem_extmem_autotest, true, true, test_fastmem_extmem);
