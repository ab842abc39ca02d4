/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * The rte_malloc family served by fastmem, for DPDK applications that do
 * not know it: LD_PRELOAD=librte_fastmem_malloc.so. This library defines
 * EAL's allocation functions; the dynamic linker finds them before EAL's,
 * for the application and for every DPDK library alike.
 *
 * rte_eal_init() runs EAL's, then rte_fastmem_init(); from then on
 * allocations go to fastmem, and whatever fastmem cannot or must not serve
 * (bad arguments, alignments above 1 MiB, external heaps' socket ids,
 * fastmem out of memory) goes to EAL's function, whose answer the caller
 * gets. A pointer is fastmem's exactly when rte_fastmem_owns() says so
 * (a map of the 2 MiB regions fastmem's memzones cover, no guess from the
 * bytes around it); any other pointer goes to EAL's function, as do all
 * calls before fastmem is up. FASTMEM_MALLOC=0 in the environment leaves
 * everything to EAL.
 *
 * EAL's functions are found with dlsym(RTLD_NEXT). Fallbacks call only
 * EAL's rte_malloc_socket() and rte_free(), which call nothing through
 * the PLT (its rte_zmalloc_socket() and rte_realloc_socket() call
 * rte_malloc_socket() and rte_free() through it, which would come back
 * here); fastmem's own bookkeeping uses them too.
 */

#include <dlfcn.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <rte_fastmem.h>

RTE_LOG_REGISTER_DEFAULT(fastmem_malloc_logtype, NOTICE);

#define MALLOC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fastmem_malloc_logtype, "FASTMEM_MALLOC: " fmt "\n", \
		##__VA_ARGS__)

/* EAL's functions: the next definitions after this library's. */
static struct {
	int (*eal_init)(int argc, char **argv);
	int (*eal_cleanup)(void);
	void *(*malloc_socket)(const char *type, size_t size, unsigned int align, int socket);
	void *(*realloc_socket)(void *ptr, size_t size, unsigned int align, int socket);
	void (*free)(void *ptr);
	rte_iova_t (*malloc_virt2iova)(const void *addr);
} eal;

/* fastmem serves allocations: set after rte_fastmem_init(), cleared at cleanup. */
static RTE_ATOMIC(bool) serving;

/*
 * FASTMEM_MALLOC_PEAK=1 (devtools/ab-malloc.sh): EAL's heap, sampled every
 * PEAK_EVERY allocations of each thread whoever serves them, and its
 * largest sample, logged at cleanup: an A/B of the memory an application
 * takes, where EAL keeps no high-water mark.
 */
#define PEAK_EVERY 64
static bool peak_wanted;
static RTE_ATOMIC(uint64_t) peak_bytes;
static RTE_DEFINE_PER_LCORE(unsigned int, peak_calls);

static void *
eal_symbol(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		fprintf(stderr, "FASTMEM_MALLOC: no %s after this library: %s\n", name, dlerror());
	return fn;
}

RTE_INIT(fastmem_malloc_resolve)
{
	*(void **)&eal.eal_init = eal_symbol("rte_eal_init");
	*(void **)&eal.eal_cleanup = eal_symbol("rte_eal_cleanup");
	*(void **)&eal.malloc_socket = eal_symbol("rte_malloc_socket");
	*(void **)&eal.realloc_socket = eal_symbol("rte_realloc_socket");
	*(void **)&eal.free = eal_symbol("rte_free");
	*(void **)&eal.malloc_virt2iova = eal_symbol("rte_malloc_virt2iova");
}

static uint64_t
eal_heap_bytes(void)
{
	struct rte_malloc_socket_stats s;
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &s) == 0)
			bytes += s.heap_allocsz_bytes;
	return bytes;
}

static void
peak_sample(void)
{
	uint64_t bytes, old;

	if (likely(!peak_wanted) || ++RTE_PER_LCORE(peak_calls) % PEAK_EVERY != 0)
		return;
	bytes = eal_heap_bytes();
	old = rte_atomic_load_explicit(&peak_bytes, rte_memory_order_relaxed);
	while (bytes > old && !rte_atomic_compare_exchange_strong_explicit(&peak_bytes, &old, bytes,
			rte_memory_order_relaxed, rte_memory_order_relaxed))
		;
}

static bool
is_serving(void)
{
	return rte_atomic_load_explicit(&serving, rte_memory_order_acquire);
}

/* EAL's allocation, zeroed if asked; its answer for what fastmem did not serve. */
static void *
eal_alloc(const char *type, size_t size, unsigned int align, int socket, bool zero)
{
	void *p;

	if (eal.malloc_socket == NULL) {
		rte_errno = ENOSYS;
		return NULL;
	}
	p = eal.malloc_socket(type, size, align, socket);
	if (p != NULL && zero)
		memset(p, 0, size);
	return p;
}

/*
 * An allocation: fastmem's when it serves and can, at least cache-line
 * aligned as EAL's heap is (code relies on it), else EAL's. Up to a cache
 * line of alignment, the size is rounded up to a multiple of it instead:
 * classes that are multiples of a cache line are aligned to one, and the
 * size alone finds the class without a search by alignment. Debug builds
 * of fastmem add a trailer to the size, so they get the alignment asked.
 * @p fastmem_tried: alloc() asked fastmem for @p size already.
 */
static __rte_noinline void *
alloc_slow(const char *type, size_t size, unsigned int align, int socket, bool zero,
		bool fastmem_tried)
{
	const size_t line = RTE_CACHE_LINE_SIZE;
	void *p = NULL;

	if (!fastmem_tried && is_serving() && size != 0 && rte_is_power_of_2(RTE_MAX(align, 1u)))
		p = align <= line && !__RTE_FASTMEM_CHECKED ?
			rte_fastmem_alloc_socket(RTE_ALIGN_CEIL(size, line), 0,
				zero ? RTE_FASTMEM_F_ZERO : 0, socket) :
			rte_fastmem_alloc_socket(size, RTE_MAX(align, (unsigned int)line),
				zero ? RTE_FASTMEM_F_ZERO : 0, socket);
	if (p == NULL)
		p = eal_alloc(type, size, align, socket, zero);
	peak_sample();
	return p;
}

/*
 * The common case, a plain allocation that fastmem's cache serves, inline
 * in each entry point and without the slow path's frame (six saved
 * registers, a third of an rte_malloc() and rte_free() pair's cycles).
 */
static inline void *
alloc(const char *type, size_t size, unsigned int align, int socket, bool zero)
{
	const size_t line = RTE_CACHE_LINE_SIZE;
	void *p;

	if (likely(!zero && size != 0 && align <= line && (align & (align - 1)) == 0 &&
			!__RTE_FASTMEM_CHECKED && !peak_wanted && is_serving())) {
		p = rte_fastmem_alloc_socket(RTE_ALIGN_CEIL(size, line), 0, 0, socket);
		if (likely(p != NULL))
			return p;
		return alloc_slow(type, size, align, socket, zero, true);
	}
	return alloc_slow(type, size, align, socket, zero, false);
}

void *
rte_malloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	return alloc(type, size, align, socket, false);
}

void *
rte_malloc(const char *type, size_t size, unsigned int align)
{
	return alloc(type, size, align, SOCKET_ID_ANY, false);
}

void *
rte_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	return alloc(type, size, align, socket, true);
}

void *
rte_zmalloc(const char *type, size_t size, unsigned int align)
{
	return alloc(type, size, align, SOCKET_ID_ANY, true);
}

/* EAL's rte_calloc() wraps num * size around; an overflow here is NULL, rte_errno E2BIG. */
void *
rte_calloc_socket(const char *type, size_t num, size_t size, unsigned int align, int socket)
{
	if (size != 0 && num > SIZE_MAX / size) {
		rte_errno = E2BIG;
		return NULL;
	}
	return alloc(type, num * size, align, socket, true);
}

void *
rte_calloc(const char *type, size_t num, size_t size, unsigned int align)
{
	return rte_calloc_socket(type, num, size, align, SOCKET_ID_ANY);
}

void
rte_free(void *ptr)
{
	if (ptr == NULL)
		return;
	if (rte_fastmem_owns(ptr))
		rte_fastmem_free(ptr);
	else if (eal.free != NULL)
		eal.free(ptr);
}

/* Move @p ptr's first @p keep bytes to a new allocation, then free it; NULL keeps it. */
static void *
move(void *ptr, size_t keep, size_t size, unsigned int align, int socket)
{
	void *p = alloc(NULL, size, align, socket, false);

	if (p == NULL)
		return NULL;
	memcpy(p, ptr, RTE_MIN(keep, size));
	rte_free(ptr);
	return p;
}

/*
 * Across the boundary both ways: an EAL block moves to fastmem when it
 * serves, a fastmem object to EAL when fastmem cannot hold the new size or
 * alignment (or no longer serves). As EAL's, a resize to 0 bytes keeps the
 * block, and the alignment is rounded up to a cache line.
 */
void *
rte_realloc_socket(void *ptr, size_t size, unsigned int align, int socket)
{
	const unsigned int line_align =
		RTE_ALIGN_CEIL(RTE_MAX(align, 1u), (unsigned int)RTE_CACHE_LINE_SIZE);
	struct rte_memseg_list *msl;
	size_t old;
	void *p;

	if (ptr == NULL)
		return alloc(NULL, size, align, socket, false);
	if (!rte_fastmem_owns(ptr)) {
		if (!is_serving() || size == 0 || rte_malloc_validate(ptr, &old) != 0)
			return eal.realloc_socket != NULL ?
				eal.realloc_socket(ptr, size, align, socket) : NULL;
		return move(ptr, old, size, line_align, socket);
	}
	if (size == 0)
		return ptr;
	align = line_align;
	if (!rte_is_power_of_2(align)) {
		rte_errno = EINVAL;
		return NULL;
	}
	msl = rte_mem_virt2memseg_list(ptr);
	if (is_serving() &&
			(socket == SOCKET_ID_ANY || (msl != NULL && msl->socket_id == socket))) {
		p = rte_fastmem_realloc(ptr, size, align);
		if (p != NULL)
			return p;
	}
	return move(ptr, rte_fastmem_usable_size(ptr), size, align, socket);
}

void *
rte_realloc(void *ptr, size_t size, unsigned int align)
{
	return rte_realloc_socket(ptr, size, align, SOCKET_ID_ANY);
}

rte_iova_t
rte_malloc_virt2iova(const void *addr)
{
	rte_iova_t iova;

	if (rte_fastmem_owns(addr)) {
		/* A large object of memory without one IOVA: the page's, as EAL answers. */
		iova = rte_fastmem_virt2iova(addr);
		return iova != RTE_BAD_IOVA ? iova : rte_mem_virt2iova(addr);
	}
	return eal.malloc_virt2iova != NULL ? eal.malloc_virt2iova(addr) : RTE_BAD_IOVA;
}

static bool
wanted(void)
{
	const char *v = getenv("FASTMEM_MALLOC");

	return v == NULL || (strcmp(v, "0") != 0 && strcmp(v, "off") != 0);
}

int
rte_eal_init(int argc, char **argv)
{
	int rc, ret;

	if (eal.eal_init == NULL) {
		rte_errno = ENOSYS;
		return -1;
	}
	rc = eal.eal_init(argc, argv);
	if (rc < 0)
		return rc;
	peak_wanted = getenv("FASTMEM_MALLOC_PEAK") != NULL &&
		strcmp(getenv("FASTMEM_MALLOC_PEAK"), "0") != 0;
	if (!wanted()) {
		MALLOC_LOG(NOTICE, "off (FASTMEM_MALLOC=%s): EAL's heap serves rte_malloc",
			getenv("FASTMEM_MALLOC"));
		return rc;
	}
	if (eal.malloc_socket == NULL || eal.free == NULL) {
		MALLOC_LOG(WARNING, "EAL's heap functions not found: EAL's heap serves rte_malloc");
		return rc;
	}
	rte_fastmem_set_eal_heap(eal.malloc_socket, eal.free);
	ret = rte_fastmem_init();
	if (ret != 0) {
		MALLOC_LOG(WARNING, "fastmem did not start (%s): EAL's heap serves rte_malloc",
			strerror(-ret));
		return rc;
	}
	rte_atomic_store_explicit(&serving, true, rte_memory_order_release);
	MALLOC_LOG(NOTICE, "fastmem serves rte_malloc (FASTMEM_MALLOC=0 turns it off)");
	return rc;
}

/*
 * One line for the logs: what fastmem served, and what is still live. The
 * objects live, or UINT64_MAX without statistics.
 */
static uint64_t
report(const char *when)
{
	struct rte_fastmem_stats st;

	if (rte_fastmem_stats(&st) != 0)
		return UINT64_MAX;
	MALLOC_LOG(NOTICE, "%s: fastmem served %" PRIu64 " allocations, %" PRIu64
		" frees, %" PRIu64 " objects live", when, st.alloc_total, st.free_total,
		st.objs_in_use);
	return st.objs_in_use;
}

/*
 * Allocations go to EAL from here on. fastmem goes first, as it came
 * last, but only when nothing of it is live: EAL's cleanup may free what
 * the application left (a port's queues), and those frees must still
 * find fastmem's objects.
 */
int
rte_eal_cleanup(void)
{
	if (peak_wanted)
		MALLOC_LOG(NOTICE, "peak EAL heap %" PRIu64 " bytes (sampled every %u allocations)",
			RTE_MAX(rte_atomic_load_explicit(&peak_bytes, rte_memory_order_relaxed),
					eal_heap_bytes()),
			PEAK_EVERY);
	if (rte_atomic_exchange_explicit(&serving, false,
			rte_memory_order_acq_rel) && report("cleanup") == 0)
		rte_fastmem_deinit();
	if (eal.eal_cleanup == NULL) {
		rte_errno = ENOSYS;
		return -1;
	}
	return eal.eal_cleanup();
}

/* An application that returns without rte_eal_cleanup() still gets the line. */
RTE_FINI(fastmem_malloc_report)
{
	if (is_serving())
		report("exit");
}
