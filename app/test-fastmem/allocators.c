/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
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
	[ALLOC_RTE_MALLOC] = { "rte_malloc",
		"EAL's own rte_malloc_socket(NULL, size, 0, ANY)/rte_free, past any preload",
		false, "" },
	[ALLOC_RTE_MALLOC_FM] = { "rte_malloc_fm",
		"rte_malloc(NULL, size, 0)/rte_free as linked: librte_fastmem_malloc.so's",
		false, "" },
	[ALLOC_GLIBC] = { "glibc", "malloc/free", true, "" },
	[ALLOC_JEMALLOC] = { "jemalloc", "mallocx(size, 0)/dallocx from libjemalloc.so.2",
		false, "" },
	[ALLOC_MIMALLOC] = { "mimalloc", "mi_malloc/mi_free from libmimalloc.so.2", false, "" },
	[ALLOC_TCMALLOC] = { "tcmalloc", "tc_malloc/tc_free from libtcmalloc_minimal.so.4",
		false, "" },
};

struct ext_allocators ext;
struct eal_own_malloc eal_own;

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
/* The benchmark's rte_fastmem_init() started fastmem: it stops it too. */
static bool fastmem_started;
/* Lines for the output header. */
static char notes[3][256];
static unsigned int n_notes;

static void
note_add(const char *fmt, ...) __rte_format_printf(1, 2);

static void
note_add(const char *fmt, ...)
{
	va_list ap;

	if (n_notes == RTE_DIM(notes))
		return;
	va_start(ap, fmt);
	vsnprintf(notes[n_notes++], sizeof(notes[0]), fmt, ap);
	va_end(ap);
}

const char *
allocators_note(unsigned int i)
{
	return i < n_notes ? notes[i] : NULL;
}

/*
 * EAL's own rte_malloc_socket() and rte_free(): a preloaded library's come
 * first in the global scope, so look them up in librte_eal itself, found
 * from a function only EAL defines. Returns whether rte_malloc(), as the
 * benchmark is linked to it, is another library's (the preload's).
 */
static bool
eal_own_resolve(void)
{
	struct allocator *a = &allocators[ALLOC_RTE_MALLOC];
	void *fn, *handle, *eal_malloc;
	Dl_info info, self;

	fn = dlsym(RTLD_DEFAULT, "rte_mem_virt2memseg_list");
	if (fn == NULL || dladdr(fn, &info) == 0 || info.dli_fname == NULL) {
		snprintf(a->reason, sizeof(a->reason), "the library of EAL's rte_malloc not found");
		return false;
	}
	/* EAL linked into the program (static DPDK): its calls bind to EAL's own. */
	if (dladdr((void *)(uintptr_t)eal_own_resolve, &self) != 0 &&
			self.dli_fbase == info.dli_fbase) {
		eal_own.malloc_socket = rte_malloc_socket;
		eal_own.free = rte_free;
		a->available = true;
		return false;
	}
	/* Loaded already: RTLD_NOLOAD only returns its handle. */
	handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
	if (handle == NULL) {
		snprintf(a->reason, sizeof(a->reason), "dlopen(%s): %s", info.dli_fname,
			dlerror());
		return false;
	}
	/* A handle's lookup starts in its library: EAL's definitions. */
	eal_malloc = dlsym(handle, "rte_malloc");
	*(void **)&eal_own.malloc_socket = dlsym(handle, "rte_malloc_socket");
	*(void **)&eal_own.free = dlsym(handle, "rte_free");
	if (eal_malloc == NULL || eal_own.malloc_socket == NULL || eal_own.free == NULL) {
		snprintf(a->reason, sizeof(a->reason), "no rte_malloc_socket/rte_free in %s",
			info.dli_fname);
		return false;
	}
	a->available = true;
	return dlsym(RTLD_DEFAULT, "rte_malloc") != eal_malloc;
}

/*
 * Under the preload, fastmem was started in rte_eal_init(), before the
 * benchmark could read EAL's heaps without it. While nothing of it is live
 * yet, stop it, read them, and start it again: fastmem's fixed overhead
 * then counts in the EAL figures of scenarios 8 and 10 as without the
 * preload. The preloaded library keeps serving rte_malloc() with it.
 */
static int
fastmem_restart(void)
{
	struct rte_fastmem_stats st;
	int ret;

	ret = rte_fastmem_stats(&st);
	if (ret != 0)
		return ret;
	if (st.objs_in_use != 0) {
		eal_heap_before_fastmem = alloc_eal_heap_bytes();
		note_add("fastmem holds %" PRIu64 " objects already: its fixed overhead is not in "
			"the EAL figures of scenarios 8 and 10", st.objs_in_use);
		return 0;
	}
	rte_fastmem_deinit();
	eal_heap_before_fastmem = alloc_eal_heap_bytes();
	return rte_fastmem_init();
}

/* Whether rte_malloc() serves from fastmem: the preload is there and on. */
static void
rte_malloc_fm_check(bool interposed)
{
	struct allocator *a = &allocators[ALLOC_RTE_MALLOC_FM];
	void *p;

	if (!interposed) {
		snprintf(a->reason, sizeof(a->reason),
			"run with LD_PRELOAD=librte_fastmem_malloc.so, as "
			"devtools/run-benchmark.sh does");
		return;
	}
	p = rte_malloc(NULL, 64, 0);
	a->available = p != NULL && allocators[ALLOC_FASTMEM].available && rte_fastmem_owns(p);
	rte_free(p);
	if (!a->available)
		snprintf(a->reason, sizeof(a->reason), "rte_malloc() is preloaded but not served "
			"by fastmem (FASTMEM_MALLOC=0, or fastmem did not start)");
}

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
	bool interposed = eal_own_resolve();
	int ret;

	/* The benchmark's first call into fastmem: nothing of it is in EAL's heaps yet... */
	eal_heap_before_fastmem = alloc_eal_heap_bytes();
	ret = rte_fastmem_init();
	fastmem_started = ret == 0;
	/* ...unless the preloaded librte_fastmem_malloc.so started it: fine, it is the same. */
	if (ret == -EBUSY && interposed)
		ret = fastmem_restart();
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
		rte_malloc_fm_check(interposed);
		return 0;
	}
	allocators[ALLOC_FASTMEM].available = true;
	allocators[ALLOC_FASTMEM_H].available = true;
	rte_malloc_fm_check(interposed);
	if (allocators[ALLOC_RTE_MALLOC_FM].available)
		note_add("LD_PRELOAD: librte_fastmem_malloc.so serves rte_malloc() with fastmem, "
			"the instance of the fastmem rows; rte_malloc rows: EAL's own functions");
	return 0;
}

void
allocators_fini(void)
{
	/* Under the preload, its rte_eal_cleanup() stops fastmem, when nothing is live. */
	if (fastmem_started)
		rte_fastmem_deinit();
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
	struct rte_fastmem_stats fs = { 0 };
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
	case ALLOC_RTE_MALLOC_FM:
		/* What EAL sees, as for rte_malloc; what fastmem knows of its use. */
		ret = rte_fastmem_stats(&fs);
		fp->backing = alloc_eal_heap_bytes();
		fp->idle = fs.bytes_free_slabs;
		fp->in_use = fs.bytes_in_use;
		return ret;
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
	case ALLOC_RTE_MALLOC_FM:
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
