/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * rte_malloc's contract under librte_fastmem_malloc.so: a DPDK program
 * that does not link fastmem, run with LD_PRELOAD. It finds fastmem's
 * rte_fastmem_owns() and rte_fastmem_stats() with dlsym() to tell which
 * allocator served a pointer. Checked: fastmem serves; cache-line
 * alignment for align 0, any power of 2 above; zeroed memory from zmalloc
 * and calloc, also when fastmem reuses an object; realloc keeping contents
 * and alignment within fastmem, from EAL to fastmem and back; sockets;
 * IOVAs; bad inputs as EAL answers them; frees of EAL's pointers, those
 * of a device EAL probed inside rte_eal_init() included; a secondary
 * process that reads the primary's objects and allocates and frees its
 * own.
 *
 * Usage: fastmem-interpose-test <EAL args, --vdev=net_null0 among them>
 * Exit status 0 when every check passed.
 */

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "fastmem_test_heap.h"

#define MIB (UINT64_C(1) << 20)
#define SHARED_MZ "fm_interpose_test"

/* The fastmem functions the preloaded library brought in. */
struct fm_stats {
	uint64_t bytes_backing;
	uint64_t bytes_in_use;
	uint64_t alloc_total;
	uint64_t free_total;
	uint64_t alloc_nomem;
	unsigned int n_classes;
	uint64_t objs_in_use;
	uint64_t bytes_free_slabs;
	uint64_t bytes_wasted;
};
static bool (*fm_owns)(const void *ptr);
static int (*fm_stats)(struct fm_stats *st);
/* EAL's own rte_malloc_socket(), the reference for bad inputs. */
static void *(*eal_malloc_socket)(const char *type, size_t size, unsigned int align, int socket);

static unsigned int failures;

#define CHECK(cond, fmt, ...) do { \
	if (!(cond)) { \
		printf("FAIL %s:%d: " fmt "\n", __func__, __LINE__, ##__VA_ARGS__); \
		failures++; \
	} \
} while (0)

/* A check the rest of the function depends on. */
#define REQUIRE(cond, fmt, ...) do { \
	if (!(cond)) { \
		CHECK(cond, fmt, ##__VA_ARGS__); \
		return; \
	} \
} while (0)

/* Fill @p n bytes with a pattern of @p seed; check it. */
static void
fill(void *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		((uint8_t *)p)[i] = (uint8_t)(seed + i * 7);
}

static bool
filled(const void *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

static bool
zeroed(const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != 0)
			return false;
	return true;
}

static void
test_served(void)
{
	void *p = rte_malloc(NULL, 100, 0);

	CHECK(p != NULL && fm_owns(p), "rte_malloc() %p not from fastmem", p);
	rte_free(p);
}

static void
test_alignment(void)
{
	static const size_t sizes[] = { 1, 8, 63, 64, 100, 1000, 4096, 100000, MIB };
	static const unsigned int aligns[] = { 0, 1, 8, 64, 128, 4096, 65536, 1u << 20 };
	unsigned int i, j, a;
	void *p;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		for (j = 0; j < RTE_DIM(aligns); j++) {
			a = RTE_MAX(aligns[j], (unsigned int)RTE_CACHE_LINE_SIZE);
			p = rte_malloc("t", sizes[i], aligns[j]);
			CHECK(p != NULL && ((uintptr_t)p & (a - 1)) == 0 && fm_owns(p),
				"size %zu align %u: %p", sizes[i], aligns[j], p);
			if (p != NULL)
				fill(p, sizes[i], i + j);
			CHECK(p == NULL || filled(p, sizes[i], i + j), "size %zu: content",
				sizes[i]);
			rte_free(p);
		}
	}
	/* Above fastmem's largest alignment: EAL's heap serves it, aligned. */
	p = rte_malloc("t", 1000, 2 * MIB);
	CHECK(p != NULL && ((uintptr_t)p & (2 * MIB - 1)) == 0 && !fm_owns(p),
		"2 MiB alignment: %p", p);
	rte_free(p);
}

static void
test_zero(void)
{
	static const size_t sizes[] = { 24, 200, 3000, 70000, 600000 };
	unsigned int i, round;
	void *p, *first = NULL;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		/* The second round gets back the object the first filled (but a large one). */
		for (round = 0; round < 2; round++) {
			p = round == 0 ? rte_zmalloc("t", sizes[i], 0) :
				rte_calloc("t", sizes[i] / 8, 8, 0);
			CHECK(p != NULL && fm_owns(p) && zeroed(p, sizes[i]), "size %zu round %u",
				sizes[i], round);
			if (round == 0)
				first = p;
			else if (sizes[i] < 100000)
				CHECK(p == first, "size %zu: the object was not reused", sizes[i]);
			if (p != NULL)
				memset(p, 0xa5, sizes[i]);
			rte_free(p);
		}
		p = rte_zmalloc_socket("t", sizes[i], 64, SOCKET_ID_ANY);
		CHECK(p != NULL && zeroed(p, sizes[i]), "zmalloc_socket size %zu", sizes[i]);
		rte_free(p);
		p = rte_calloc_socket("t", 1, sizes[i], 0, SOCKET_ID_ANY);
		CHECK(p != NULL && zeroed(p, sizes[i]), "calloc_socket size %zu", sizes[i]);
		rte_free(p);
	}
}

static void
test_realloc(void)
{
	void *p, *q;

	/* NULL: an allocation; within fastmem, growing and shrinking keep the contents. */
	p = rte_realloc(NULL, 100, 0);
	REQUIRE(p != NULL && fm_owns(p), "realloc(NULL)");
	fill(p, 100, 1);
	p = rte_realloc(p, 5000, 0);
	REQUIRE(p != NULL && fm_owns(p) && filled(p, 100, 1), "grow in fastmem");
	fill(p, 5000, 2);
	p = rte_realloc(p, 700000, 4096);
	REQUIRE(p != NULL && fm_owns(p) && ((uintptr_t)p & 4095) == 0 && filled(p, 5000, 2),
		"grow to a large object, 4 KiB aligned");
	fill(p, 700000, 3);
	p = rte_realloc(p, 300, 0);
	REQUIRE(p != NULL && fm_owns(p) && filled(p, 300, 3), "shrink");
	/* As EAL's: a resize to 0 bytes keeps the block. */
	CHECK(rte_realloc(p, 0, 0) == p, "resize to 0");
	/* fastmem to EAL (an alignment fastmem has not), and back. */
	q = rte_realloc(p, 3000, 2 * MIB);
	REQUIRE(q != NULL && !fm_owns(q) && ((uintptr_t)q & (2 * MIB - 1)) == 0 &&
		filled(q, 300, 3), "to EAL's heap");
	fill(q, 3000, 4);
	p = rte_realloc_socket(q, 20000, 0, SOCKET_ID_ANY);
	REQUIRE(p != NULL && fm_owns(p) && filled(p, 3000, 4), "back to fastmem");
	/* A socket of its own: moved there if needed, contents kept. */
	q = rte_realloc_socket(p, 20000, 0, (int)rte_socket_id_by_idx(0));
	REQUIRE(q != NULL && filled(q, 3000, 4), "realloc to socket %d",
		rte_socket_id_by_idx(0));
	rte_free(q);
}

/* An allocation EAL would fail fails, one it would serve is served. */
static void
same_as_eal(size_t size, unsigned int align, int socket)
{
	void *p = rte_malloc_socket("t", size, align, socket);
	void *e = eal_malloc_socket("t", size, align, socket);

	CHECK((p == NULL) == (e == NULL), "size %zu align %u socket %d: %p, EAL %p", size,
		align, socket, p, e);
	rte_free(p);
	rte_free(e);
}

static void
test_sockets(void)
{
	int socket = rte_socket_id_by_idx(0);
	void *p;

	p = rte_malloc_socket("t", 1000, 0, socket);
	CHECK(p != NULL && fm_owns(p) && rte_mem_virt2memseg_list(p) != NULL &&
		rte_mem_virt2memseg_list(p)->socket_id == socket, "socket %d", socket);
	rte_free(p);
	p = rte_malloc_socket("t", 1000, 0, SOCKET_ID_ANY);
	CHECK(p != NULL && fm_owns(p), "SOCKET_ID_ANY");
	rte_free(p);
	/* A socket without memory, an external heap's id: as EAL answers. */
	same_as_eal(1000, 0, RTE_MAX_NUMA_NODES - 1);
	same_as_eal(1000, 0, RTE_MAX_NUMA_NODES + 3);
}

static void
test_iova(void)
{
	static const size_t sizes[] = { 64, 5000, 600000 };
	unsigned int i;
	void *p;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		p = rte_malloc("t", sizes[i], 0);
		CHECK(p != NULL && rte_malloc_virt2iova(p) != RTE_BAD_IOVA &&
			rte_malloc_virt2iova(p) == rte_mem_virt2iova(p),
			"size %zu: IOVA %" PRIx64 " vs %" PRIx64, sizes[i],
			(uint64_t)rte_malloc_virt2iova(p), (uint64_t)rte_mem_virt2iova(p));
		rte_free(p);
	}
}

static void
test_bad_inputs(void)
{
	static uint8_t not_a_block[4096];
	/* Sizes the compiler does not see, so that it lets the calls be. */
	volatile size_t huge = SIZE_MAX - 4096, half = SIZE_MAX / 2;

	same_as_eal(0, 0, SOCKET_ID_ANY);
	same_as_eal(100, 3, SOCKET_ID_ANY);
	same_as_eal(100, 96, SOCKET_ID_ANY);
	same_as_eal(huge, 0, SOCKET_ID_ANY);
	CHECK(rte_zmalloc("t", 100, 96) == NULL, "zmalloc, alignment 96");
	rte_errno = 0;
	CHECK(rte_calloc("t", half, 4, 0) == NULL && rte_errno == E2BIG,
		"calloc overflow: rte_errno %d", rte_errno);
	rte_free(NULL);
	/* Neither allocator's: EAL's rte_free() reports it and returns. */
	rte_free(&not_a_block[2048]);
	CHECK(!fm_owns(not_a_block), "a static array");
}

/* Blocks EAL's heap holds (here: an alignment fastmem has not) free and realloc as EAL's. */
static void
test_eal_blocks(void)
{
	void *p = rte_zmalloc("t", 5000, 4 * MIB);

	REQUIRE(p != NULL && !fm_owns(p) && zeroed(p, 5000), "EAL block");
	fill(p, 5000, 9);
	p = rte_realloc(p, 10000, 0);
	REQUIRE(p != NULL && fm_owns(p) && filled(p, 5000, 9), "EAL block to fastmem");
	rte_free(p);
	p = rte_malloc("t", 100, 4 * MIB);
	CHECK(p != NULL && !fm_owns(p), "EAL block");
	rte_free(p);
}

/*
 * A device EAL probed inside rte_eal_init(), before fastmem came up
 * (--vdev=net_null0): its driver's blocks are EAL's, and its removal frees
 * them through the interposer.
 */
static void
test_device_blocks(void)
{
	uint64_t blocks_before, blocks_after;
	struct fm_stats before, after;

	fm_test_heap(NULL, &blocks_before);
	CHECK(fm_stats(&before) == 0, "statistics");
	CHECK(rte_eal_hotplug_remove("vdev", "net_null0") == 0,
		"removing net_null0, probed before fastmem was up");
	CHECK(fm_stats(&after) == 0, "statistics");
	fm_test_heap(NULL, &blocks_after);
	CHECK(blocks_after < blocks_before && after.free_total == before.free_total,
		"EAL blocks %" PRIu64 " -> %" PRIu64 ", fastmem frees %" PRIu64 " -> %" PRIu64,
		blocks_before, blocks_after, before.free_total, after.free_total);
}

/* In the secondary: read the primary's object, allocate and free. */
static int
secondary(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(SHARED_MZ);
	void **shared, *p;

	CHECK(mz != NULL, "memzone %s", SHARED_MZ);
	if (mz == NULL)
		return 1;
	shared = mz->addr;
	CHECK(fm_owns(shared[0]) && filled(shared[0], 5000, 42), "the primary's object");
	p = rte_malloc("t", 3000, 0);
	CHECK(p != NULL && fm_owns(p), "allocation in the secondary");
	if (p != NULL)
		fill(p, 3000, 43);
	CHECK(p == NULL || filled(p, 3000, 43), "content");
	rte_free(p);
	/* The primary's object, freed here. */
	rte_free(shared[0]);
	shared[0] = NULL;
	return failures == 0 ? 0 : 1;
}

/* The EAL arguments, copied before rte_eal_init() parses (and rewrites) them. */
static void
test_secondary(const char *self, int argc, char **argv)
{
	const struct rte_memzone *mz;
	char **args = calloc(argc + 4, sizeof(char *));
	void **shared;
	int i, n = 0, status = -1;
	pid_t pid;

	mz = rte_memzone_reserve(SHARED_MZ, sizeof(void *), SOCKET_ID_ANY, 0);
	CHECK(mz != NULL && args != NULL, "memzone, args");
	if (mz == NULL || args == NULL) {
		free(args);
		return;
	}
	shared = mz->addr;
	shared[0] = rte_malloc("t", 5000, 0);
	CHECK(shared[0] != NULL, "alloc");
	fill(shared[0], 5000, 42);
	args[n++] = (char *)(uintptr_t)self;
	/* The primary's devices are the primary's: the secondary probes none. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") != 0 && strncmp(argv[i], "--vdev", 6) != 0)
			args[n++] = argv[i];
	args[n++] = (char *)(uintptr_t)"--proc-type=secondary";
	args[n++] = (char *)(uintptr_t)"--";
	args[n++] = (char *)(uintptr_t)"secondary";
	pid = fork();
	if (pid == 0) {
		execv(self, args);
		_exit(127);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		WEXITSTATUS(status) == 0, "secondary: status %d", status);
	CHECK(shared[0] == NULL, "the secondary did not free the primary's object");
	free(args);
	rte_memzone_free(mz);
}

/* A function of EAL's library itself, past any preloaded definition. */
static void *
eal_own(const char *name)
{
	Dl_info info;
	void *lib;

	/* rte_mem_virt2memseg_list() is EAL's and nobody else's. */
	if (dladdr((void *)(uintptr_t)rte_mem_virt2memseg_list, &info) == 0)
		return NULL;
	lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
	return lib == NULL ? NULL : dlsym(lib, name);
}

int
main(int argc, char **argv)
{
	char **eal_args = calloc(argc + 1, sizeof(char *));
	struct fm_stats st;
	int ret;

	if (eal_args == NULL)
		return 1;
	memcpy(eal_args, argv, sizeof(char *) * argc);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	*(void **)&fm_owns = dlsym(RTLD_DEFAULT, "__rte_fastmem_owns_slow");
	*(void **)&fm_stats = dlsym(RTLD_DEFAULT, "rte_fastmem_stats");
	*(void **)&eal_malloc_socket = eal_own("rte_malloc_socket");
	if (eal_malloc_socket == NULL) {
		printf("FAIL: EAL's rte_malloc_socket() not found\n");
		return 1;
	}
	if (fm_owns == NULL || fm_stats == NULL) {
		printf("FAIL: no fastmem in the process: run with "
			"LD_PRELOAD=librte_fastmem_malloc.so\n");
		return 1;
	}
	if (argc - ret > 1 && strcmp(argv[ret + 1], "secondary") == 0) {
		ret = secondary();
		rte_eal_cleanup();
		return ret;
	}
	test_served();
	test_alignment();
	test_zero();
	test_realloc();
	test_sockets();
	test_iova();
	test_bad_inputs();
	test_eal_blocks();
	test_device_blocks();
	/* Secondary processes need hugepages (shared memory). */
	if (rte_eal_has_hugepages())
		test_secondary("/proc/self/exe", ret + 1, eal_args);
	else
		printf("no hugepages: no secondary process\n");
	CHECK(fm_stats(&st) == 0 && st.alloc_total > 0 && st.objs_in_use == 0,
		"statistics: %" PRIu64 " allocations, %" PRIu64 " live", st.alloc_total,
		st.objs_in_use);
	printf("%s: %u failures, fastmem served %" PRIu64 " allocations\n",
		failures == 0 ? "PASS" : "FAIL", failures, st.alloc_total);
	rte_eal_cleanup();
	free(eal_args);
	return failures == 0 ? 0 : 1;
}
