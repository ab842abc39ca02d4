/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_string_fns.h>

#include <rte_fastmem.h>

#include "allocators.h"
#include "bench.h"

/* jemalloc's initial-exec TLS does not fit in what glibc keeps for dlopen(). */
#define TLS_TUNABLE "glibc.rtld.optional_static_tls=16384"
/* Set in the re-executed process, so that it never re-executes again. */
#define REEXEC_ENV "FASTMEM_BENCH_REEXEC"

/* AddressSanitizer refuses RTLD_DEEPBIND, without which the libraries are not safe here. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED true
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED true
#endif
#endif
#ifndef SANITIZED
#define SANITIZED false
#endif

/* A mempool cache holds up to 1.5 times its size before flushing (DPDK <= 26.03). */
#define MEMPOOL_CACHE_HELD (RTE_MEMPOOL_CACHE_MAX_SIZE * 3 / 2)

struct allocator allocators[ALLOC_NUM] = {
	[ALLOC_FASTMEM] = { "fastmem", "rte_fastmem_alloc(size, 0, 0)/rte_fastmem_free (inline)",
		false, "" },
	[ALLOC_FASTMEM_H] = { "fastmem_h",
		"rte_fastmem_hlookup once, rte_fastmem_halloc/hfree (inline)", false, "" },
	[ALLOC_MEMPOOL] = { "mempool",
		"rte_mempool_get/put (inline), one pool per size, cache 512", true, "" },
	[ALLOC_RTE_MALLOC] = { "rte_malloc", "rte_malloc(NULL, size, 0)/rte_free", true, "" },
	[ALLOC_GLIBC] = { "glibc", "malloc/free", true, "" },
	[ALLOC_JEMALLOC] = { "jemalloc", "mallocx(size, 0)/dallocx from libjemalloc.so.2",
		false, "" },
	[ALLOC_MIMALLOC] = { "mimalloc", "mi_malloc/mi_free from libmimalloc.so.2", false, "" },
	[ALLOC_TCMALLOC] = { "tcmalloc", "tc_malloc/tc_free from libtcmalloc_minimal.so.4",
		false, "" },
};

struct ext_allocators ext;

static bool tls_failed;

/* Look up every symbol of @p names into @p slots; the library stays loaded for the run. */
static bool
load_lib(enum alloc_kind kind, const char *const *files, const char *const *names,
		void **slots, unsigned int n)
{
	struct allocator *a = &allocators[kind];
	const char *err = "not found";
	void *handle = NULL;
	unsigned int i;

	/*
	 * RTLD_LOCAL: their malloc stays out of the global scope, so the process
	 * (DPDK, glibc users) keeps glibc's. RTLD_DEEPBIND: their own internal
	 * calls to malloc/free resolve to themselves, not to glibc.
	 */
	if (SANITIZED) {
		snprintf(a->reason, sizeof(a->reason),
			"AddressSanitizer build: it refuses RTLD_DEEPBIND");
		return false;
	}
	for (; *files != NULL && handle == NULL; files++) {
		handle = dlopen(*files, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
		if (handle == NULL)
			err = dlerror();
	}
	if (handle == NULL) {
		snprintf(a->reason, sizeof(a->reason), "%s", err);
		tls_failed |= strstr(err, "static TLS") != NULL;
		return false;
	}
	for (i = 0; i < n; i++) {
		slots[i] = dlsym(handle, names[i]);
		if (slots[i] == NULL) {
			snprintf(a->reason, sizeof(a->reason), "no symbol %s", names[i]);
			return false;
		}
	}
	a->available = true;
	return true;
}

bool
allocators_load(uint32_t wanted)
{
	static const char *const je_files[] = { "libjemalloc.so.2", NULL };
	static const char *const je_names[] = { "mallocx", "dallocx", "mallctl" };
	static const char *const mi_files[] = { "libmimalloc.so.2", NULL };
	static const char *const mi_names[] = { "mi_malloc", "mi_free", "mi_collect",
		"mi_process_info" };
	static const char *const tc_files[] = { "libtcmalloc_minimal.so.4", "libtcmalloc.so.4",
		NULL };
	static const char *const tc_names[] = { "tc_malloc", "tc_free",
		"MallocExtension_GetNumericProperty", "MallocExtension_ReleaseFreeMemory" };
	void *je[RTE_DIM(je_names)], *mi[RTE_DIM(mi_names)], *tc[RTE_DIM(tc_names)];

	/* dlsym() returns void *; POSIX guarantees it converts to a function pointer. */
	if ((wanted & ALLOC_BIT(ALLOC_JEMALLOC)) &&
			load_lib(ALLOC_JEMALLOC, je_files, je_names, je, RTE_DIM(je))) {
		ext.je_mallocx = (void *(*)(size_t, int))(uintptr_t)je[0];
		ext.je_dallocx = (void (*)(void *, int))(uintptr_t)je[1];
		ext.je_mallctl = (int (*)(const char *, void *, size_t *, void *, size_t))
			(uintptr_t)je[2];
	}
	if ((wanted & ALLOC_BIT(ALLOC_MIMALLOC)) &&
			load_lib(ALLOC_MIMALLOC, mi_files, mi_names, mi, RTE_DIM(mi))) {
		ext.mi_malloc = (void *(*)(size_t))(uintptr_t)mi[0];
		ext.mi_free = (void (*)(void *))(uintptr_t)mi[1];
		ext.mi_collect = (void (*)(bool))(uintptr_t)mi[2];
		ext.mi_process_info = (void (*)(size_t *, size_t *, size_t *, size_t *, size_t *,
			size_t *, size_t *, size_t *))(uintptr_t)mi[3];
	}
	/* gperftools may grow with sbrk(), under glibc's main arena: keep it to mmap(). */
	setenv("TCMALLOC_SKIP_SBRK", "true", 0);
	if ((wanted & ALLOC_BIT(ALLOC_TCMALLOC)) &&
			load_lib(ALLOC_TCMALLOC, tc_files, tc_names, tc, RTE_DIM(tc))) {
		ext.tc_malloc = (void *(*)(size_t))(uintptr_t)tc[0];
		ext.tc_free = (void (*)(void *))(uintptr_t)tc[1];
		ext.tc_get_property = (int (*)(const char *, size_t *))(uintptr_t)tc[2];
		ext.tc_release = (void (*)(void))(uintptr_t)tc[3];
	}
	return tls_failed && getenv(REEXEC_ENV) == NULL;
}

void
allocators_reexec(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char tunables[512];

	if (old != NULL && old[0] != '\0')
		snprintf(tunables, sizeof(tunables), "%s:%s", old, TLS_TUNABLE);
	else
		strlcpy(tunables, TLS_TUNABLE, sizeof(tunables));
	setenv("GLIBC_TUNABLES", tunables, 1);
	setenv(REEXEC_ENV, "1", 1);
	fflush(stdout);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "re-executing with GLIBC_TUNABLES=%s failed: %s; jemalloc is skipped\n",
		tunables, strerror(errno));
}

const char *
allocators_reexec_note(void)
{
	if (getenv(REEXEC_ENV) == NULL)
		return NULL;
	return "re-executed once with GLIBC_TUNABLES=" TLS_TUNABLE
		" so that libjemalloc.so.2 (initial-exec TLS) can be dlopen()ed";
}

static uint64_t eal_heap_before_fastmem;

uint64_t
alloc_eal_heap_bytes(void)
{
	struct rte_malloc_socket_stats ms;
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &ms) == 0)
			bytes += ms.heap_allocsz_bytes;
	return bytes;
}

uint64_t
alloc_eal_heap_before_fastmem(void)
{
	return eal_heap_before_fastmem;
}

int
allocators_init(size_t reserve)
{
	int ret;

	/* The process's first call into fastmem: nothing of fastmem's is in EAL's heaps yet. */
	eal_heap_before_fastmem = alloc_eal_heap_bytes();
	ret = rte_fastmem_init();
	if (ret == 0 && reserve != 0) {
		ret = rte_fastmem_reserve(reserve, SOCKET_ID_ANY);
		if (ret != 0) {
			fprintf(stderr, "rte_fastmem_reserve(%zu): %s\n", reserve, strerror(-ret));
			return ret;
		}
	}
	if (ret != 0) {
		snprintf(allocators[ALLOC_FASTMEM].reason, sizeof(allocators[0].reason),
			"rte_fastmem_init: %s", strerror(-ret));
		strlcpy(allocators[ALLOC_FASTMEM_H].reason, allocators[ALLOC_FASTMEM].reason,
			sizeof(allocators[0].reason));
		return 0;
	}
	allocators[ALLOC_FASTMEM].available = true;
	allocators[ALLOC_FASTMEM_H].available = true;
	return 0;
}

static struct rte_mempool *
pool_create(size_t size, unsigned int n_objs, unsigned int n_lcores)
{
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	/* Every lcore's cache may hold objects the workload cannot get. */
	snprintf(name, sizeof(name), "bench_%zu_%u", size, seq++);
	mp = rte_mempool_create(name, n_objs + n_lcores * MEMPOOL_CACHE_HELD, size,
		RTE_MEMPOOL_CACHE_MAX_SIZE, 0, NULL, NULL, NULL, NULL, rte_socket_id(), 0);
	if (mp == NULL)
		fprintf(stderr, "rte_mempool_create(%s, %u objects of %zu B): %s\n", name,
			n_objs + n_lcores * MEMPOOL_CACHE_HELD, size, rte_strerror(rte_errno));
	return mp;
}

int
alloc_ctx_init(struct alloc_ctx *ctx, enum alloc_kind kind, size_t size, unsigned int n_objs,
		unsigned int n_lcores)
{
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	ctx->size = size;
	switch (kind) {
	case ALLOC_MEMPOOL:
		ctx->mp = pool_create(size, n_objs, n_lcores);
		return ctx->mp == NULL ? -ENOMEM : 0;
	case ALLOC_FASTMEM_H:
		ret = rte_fastmem_hlookup(size, 0, SOCKET_ID_ANY, &ctx->handle);
		if (ret != 0)
			fprintf(stderr, "rte_fastmem_hlookup(%zu): %s\n", size, strerror(-ret));
		return ret;
	default:
		return 0;
	}
}

void
alloc_ctx_fini(struct alloc_ctx *ctx)
{
	rte_mempool_free(ctx->mp);
	ctx->mp = NULL;
}

int
mix_ctx_init(struct mix_ctx *ctx, enum alloc_kind kind, unsigned int live, unsigned int n_lcores)
{
	uint32_t lo = 1, hi, g;
	unsigned int i, n;
	double p;
	int ret;

	memset(ctx, 0, sizeof(*ctx));
	switch (kind) {
	case ALLOC_MEMPOOL:
		for (i = 0; i < MIX_POOLS; i++, lo = hi + 1) {
			hi = 64u << (2 * i);
			/* Sized like a user would: expected share with a margin. */
			p = mix_probability(lo, hi);
			n = (unsigned int)(live * RTE_MIN(1.0, 1.5 * p + 0.01)) + 64;
			ctx->mp[i] = pool_create(hi, n, n_lcores);
			if (ctx->mp[i] == NULL) {
				mix_ctx_fini(ctx);
				return -ENOMEM;
			}
		}
		return 0;
	case ALLOC_FASTMEM_H:
		for (g = 0; g < RTE_DIM(ctx->handle); g++) {
			ret = rte_fastmem_hlookup(RTE_MAX(g, 1u) << MIX_GRANULE_SHIFT, 0,
				SOCKET_ID_ANY, &ctx->handle[g]);
			if (ret != 0) {
				fprintf(stderr, "rte_fastmem_hlookup(%u): %s\n",
					g << MIX_GRANULE_SHIFT, strerror(-ret));
				return ret;
			}
		}
		return 0;
	default:
		return 0;
	}
}

void
mix_ctx_fini(struct mix_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < MIX_POOLS; i++) {
		rte_mempool_free(ctx->mp[i]);
		ctx->mp[i] = NULL;
	}
}

static int
je_stat(const char *name, uint64_t *val)
{
	size_t len = sizeof(size_t);
	size_t v;

	if (ext.je_mallctl(name, &v, &len, NULL, 0) != 0)
		return -ENOTSUP;
	*val = v;
	return 0;
}

static int
tc_stat(const char *name, uint64_t *val)
{
	size_t v;

	if (!ext.tc_get_property(name, &v))
		return -ENOTSUP;
	*val = v;
	return 0;
}

int
alloc_footprint(enum alloc_kind kind, struct alloc_footprint *fp)
{
	struct rte_fastmem_stats fs;
	struct mallinfo2 mi;
	uint64_t epoch = 1;
	size_t commit, dummy;
	uint64_t unmapped;
	int ret;

	memset(fp, 0, sizeof(*fp));
	switch (kind) {
	case ALLOC_FASTMEM:
	case ALLOC_FASTMEM_H:
		ret = rte_fastmem_stats(&fs);
		fp->backing = fs.bytes_backing;
		fp->idle = fs.bytes_free_slabs;
		fp->in_use = fs.bytes_in_use;
		return ret;
	case ALLOC_RTE_MALLOC:
		fp->backing = alloc_eal_heap_bytes();
		fp->in_use = fp->backing;
		return 0;
	case ALLOC_GLIBC:
		mi = mallinfo2();
		fp->backing = mi.arena + mi.hblkhd;
		fp->in_use = mi.uordblks + mi.hblkhd;
		return 0;
	case ALLOC_JEMALLOC:
		/* Statistics are snapshots refreshed by writing "epoch". */
		ext.je_mallctl("epoch", NULL, NULL, &epoch, sizeof(epoch));
		ret = je_stat("stats.resident", &fp->backing);
		return ret != 0 ? ret : je_stat("stats.allocated", &fp->in_use);
	case ALLOC_MIMALLOC:
		ext.mi_process_info(&dummy, &dummy, &dummy, &dummy, &dummy, &commit, &dummy,
			&dummy);
		fp->backing = commit;
		return 0;
	case ALLOC_TCMALLOC:
		/* The page heap minus what was given back to the kernel. */
		if (tc_stat("generic.heap_size", &fp->backing) != 0 ||
				tc_stat("tcmalloc.pageheap_unmapped_bytes", &unmapped) != 0 ||
				tc_stat("tcmalloc.pageheap_free_bytes", &fp->idle) != 0 ||
				tc_stat("generic.current_allocated_bytes", &fp->in_use) != 0)
			return -ENOTSUP;
		fp->backing -= unmapped;
		return 0;
	default:
		return -ENOTSUP;
	}
}

int
alloc_trim(enum alloc_kind kind)
{
	switch (kind) {
	case ALLOC_FASTMEM:
	case ALLOC_FASTMEM_H:
		rte_fastmem_cache_flush();
		return rte_fastmem_trim() < 0 ? -ENODEV : 0;
	case ALLOC_GLIBC:
		malloc_trim(0);
		return 0;
	case ALLOC_JEMALLOC:
		/* arena.<MALLCTL_ARENAS_ALL>.purge: give back every arena's dirty pages. */
		return ext.je_mallctl("arena.4096.purge", NULL, NULL, NULL, 0) == 0 ? 0 : -ENOTSUP;
	case ALLOC_MIMALLOC:
		ext.mi_collect(true);
		return 0;
	case ALLOC_TCMALLOC:
		ext.tc_release();
		return 0;
	default:
		return -ENOTSUP;
	}
}
