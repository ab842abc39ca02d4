/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * External heaps for the nodes EAL has no memory on (fastmem_extmem.h).
 *
 * Pages: a file in a 2 MiB hugetlbfs mount, unlinked at once so that
 * nothing outlives the process, mapped MAP_SHARED | MAP_NORESERVE, bound to
 * the node with mbind(MPOL_BIND), faulted in with MADV_POPULATE_WRITE and
 * checked with move_pages(). Populating is where a node without free pages
 * (or a hugetlb cgroup or mount limit) shows, and MADV_POPULATE_WRITE
 * reports it as an error where touching the pages would raise SIGBUS; the
 * reservation mmap() would otherwise take is global and cannot tell
 * whether the node has the pages, hence MAP_NORESERVE. The node's free
 * page count is read first all the same: a shortage is then reported
 * without mapping anything, and with the numbers.
 *
 * IOVAs are given to the heap page by page as rte_mem_virt2iova() computes
 * them, so that EAL's memsegs and rte_fastmem_virt2iova() agree: the
 * address in IOVA-as-VA mode; in PA mode the physical address from
 * /proc/self/pagemap, or RTE_BAD_IOVA for the whole chunk when that is not
 * readable (no CAP_SYS_ADMIN).
 *
 * The chunks and heaps are this process's: external memory is usable in
 * another process only once it has mapped the same pages at the same
 * address and called rte_malloc_heap_memory_attach(), which fastmem does
 * not do. Secondary processes therefore never see these nodes as usable.
 *
 * Locks: one per node, held over a reservation (try the heap, add a chunk,
 * try again) and over a release (free the memzone, remove an empty chunk),
 * so that outside it every chunk holds a memzone: a chunk just added cannot
 * be removed under its first memzone. Only allocations that need a new
 * memzone on the node take it.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mempolicy.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <eal_export.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_string_fns.h>

#include "fastmem_extmem.h"
#include "fastmem_pvt.h"
#include "fastmem_topology.h"

#define PAGE_SZ ((size_t)RTE_PGSIZE_2M)
/* Chunks double with the node's memory up to this, then stay at it. */
#define CHUNK_MAX ((size_t)1 << 30)
#define POOL_DIR "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB"
/* RTE_HEAP_NAME_MAX_LEN is internal to EAL; the names here are short. */
#define HEAP_NAME_LEN 32

#define LONG_BITS (CHAR_BIT * sizeof(unsigned long))

/* A mapping added to a node's heap. */
struct chunk {
	struct chunk *next;
	void *va;
	size_t len;
	unsigned int n_mz; /* fastmem memzones in it */
};

struct ext_node {
	rte_spinlock_t lock;
	struct chunk *chunks;
	size_t mapped;  /* bytes of the chunks */
	int socket;     /* the heap's socket id, when it exists */
	bool has_heap;
	const char *failed; /* why the last chunk failed (its format), NULL after a success */
};

static struct ext_node ext[FASTMEM_MAX_NODES];
static RTE_ATOMIC(uint64_t) forced; /* bit per node, rte_fastmem_set_external_heap() */
static RTE_ATOMIC(uint32_t) forced_gen; /* changes of forced */
static RTE_ATOMIC(uint32_t) file_seq;
/* rte_fastmem_set_hugepage_dir(), "" for the first 2 MiB hugetlbfs mount. */
static char hugepage_dir[PATH_MAX];
static rte_spinlock_t hugepage_dir_lock = RTE_SPINLOCK_INITIALIZER;

/* Nodes with a pool that the resolver knows, and the topology generation they are of. */
static RTE_ATOMIC(uint64_t) known_mask;
static RTE_ATOMIC(uint64_t) known_tag;    /* (generation << 1) | 1, 0 before the first look */
static rte_spinlock_t known_lock = RTE_SPINLOCK_INITIALIZER;

static void
heap_name(char *name, int node)
{
	snprintf(name, HEAP_NAME_LEN, FASTMEM_EXTMEM_HEAP_FMT, node);
}

/* Free 2 MiB hugepages of a node, or -1 when it has no pool (no such node, or no memory). */
static int64_t
pool_free(int node)
{
	char path[128];
	int64_t n = -1;
	FILE *f;

	snprintf(path, sizeof(path), POOL_DIR "/free_hugepages", node);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%" SCNd64, &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static bool
has_pool(int node)
{
	char path[128];

	snprintf(path, sizeof(path), POOL_DIR, node);
	return access(path, F_OK) == 0;
}

/* The nodes the resolver knows that have a pool, looked up again when the topology changes. */
static uint64_t
known_nodes(void)
{
	uint64_t tag = ((uint64_t)fastmem_topo_generation() << 1) | 1;
	int ids[FASTMEM_MAX_NODES];
	uint64_t mask = 0;
	int i, n;

	if (rte_atomic_load_explicit(&known_tag, rte_memory_order_acquire) == tag)
		return rte_atomic_load_explicit(&known_mask, rte_memory_order_relaxed);
	rte_spinlock_lock(&known_lock);
	/* Ascending ids: the ones fastmem can hold come first. */
	n = RTE_MIN(fastmem_topo_node_ids(ids, RTE_DIM(ids)), (int)RTE_DIM(ids));
	for (i = 0; i < n; i++)
		if (ids[i] < FASTMEM_MAX_NODES && has_pool(ids[i]))
			mask |= UINT64_C(1) << ids[i];
	rte_atomic_store_explicit(&known_mask, mask, rte_memory_order_relaxed);
	rte_atomic_store_explicit(&known_tag, tag, rte_memory_order_release);
	rte_spinlock_unlock(&known_lock);
	return mask;
}

bool
fastmem_extmem_forced(int node)
{
	return (rte_atomic_load_explicit(&forced,
			rte_memory_order_relaxed) & (UINT64_C(1) << node)) != 0;
}

RTE_EXPORT_INTERNAL_SYMBOL(fastmem_extmem_usable)
bool
fastmem_extmem_usable(int node)
{
	if (!fastmem_node_in_range(node) || rte_lcore_count() == 0 ||
			rte_eal_process_type() != RTE_PROC_PRIMARY)
		return false;
	return fastmem_extmem_forced(node) || (known_nodes() & (UINT64_C(1) << node)) != 0;
}

uint32_t
fastmem_extmem_generation(void)
{
	return rte_atomic_load_explicit(&forced_gen, rte_memory_order_acquire);
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_external_heap, 26.11)
int
rte_fastmem_set_external_heap(int socket_id, bool on)
{
	uint64_t bit;

	if (!fastmem_node_in_range(socket_id))
		return -EINVAL;
	bit = UINT64_C(1) << socket_id;
	if (on)
		rte_atomic_fetch_or_explicit(&forced, bit, rte_memory_order_relaxed);
	else
		rte_atomic_fetch_and_explicit(&forced, ~bit, rte_memory_order_relaxed);
	rte_atomic_fetch_add_explicit(&forced_gen, 1, rte_memory_order_release);
	return 0;
}

RTE_EXPORT_EXPERIMENTAL_SYMBOL(rte_fastmem_set_hugepage_dir, 26.11)
int
rte_fastmem_set_hugepage_dir(const char *dir)
{
	if (dir != NULL && strnlen(dir, sizeof(hugepage_dir)) == sizeof(hugepage_dir))
		return -ENAMETOOLONG;
	rte_spinlock_lock(&hugepage_dir_lock);
	strlcpy(hugepage_dir, dir != NULL ? dir : "", sizeof(hugepage_dir));
	rte_spinlock_unlock(&hugepage_dir_lock);
	return 0;
}

/*
 * Why a chunk could not be added: an error, unless the node's last failure
 * had the same reason, the numbers aside (growth retries smaller sizes, and
 * SOCKET_ID_ANY fallbacks try the node whenever the nodes before it are
 * exhausted): then a debug message.
 */
static void __rte_format_printf(3, 4)
chunk_failed(struct ext_node *en, int node, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (en->failed == fmt)
		FASTMEM_LOG(DEBUG, "node %d: no hugepages mapped: %s", node, why);
	else
		FASTMEM_LOG(ERR, "node %d: no hugepages mapped: %s", node, why);
	en->failed = fmt;
}

/* 0 if @dir is a 2 MiB hugetlbfs mount, -ENOTSUP if it is another file system, -errno. */
static int
check_hugetlbfs(const char *dir)
{
	struct statfs sfs;

	if (statfs(dir, &sfs) != 0)
		return -errno;
	return (uint32_t)sfs.f_type == HUGETLBFS_MAGIC && (size_t)sfs.f_bsize == PAGE_SZ ?
		0 : -ENOTSUP;
}

/* The directory for hugepage files: the one set, else the first 2 MiB hugetlbfs mount. */
static int
hugedir(struct ext_node *en, int node, char *dir, size_t len)
{
	struct mntent *m;
	FILE *f;
	int rc;

	rte_spinlock_lock(&hugepage_dir_lock);
	strlcpy(dir, hugepage_dir, len);
	rte_spinlock_unlock(&hugepage_dir_lock);
	if (dir[0] != '\0') {
		rc = check_hugetlbfs(dir);
		if (rc == 0)
			return 0;
		if (rc == -ENOTSUP)
			chunk_failed(en, node, "%s is not a 2 MiB hugetlbfs mount", dir);
		else
			chunk_failed(en, node, "%s: %s", dir, strerror(-rc));
		return -1;
	}
	f = setmntent("/proc/mounts", "r");
	if (f == NULL) {
		chunk_failed(en, node, "cannot read /proc/mounts: %s", strerror(errno));
		return -1;
	}
	while ((m = getmntent(f)) != NULL)
		if (strcmp(m->mnt_type, "hugetlbfs") == 0 && check_hugetlbfs(m->mnt_dir) == 0 &&
				strlcpy(dir, m->mnt_dir, len) < len)
			break;
	endmntent(f);
	if (m == NULL) {
		chunk_failed(en, node, "no 2 MiB hugetlbfs mount in /proc/mounts");
		return -1;
	}
	return 0;
}

/* Index of the first page of [va, va + len) not on @node (its node in *where), or -1. */
static int64_t
stray_page(int node, void *va, size_t len, int *where)
{
	unsigned long i, n = len / PAGE_SZ;
	void **pages = malloc(n * sizeof(*pages));
	int *status = malloc(n * sizeof(*status));
	int64_t bad = -1;

	*where = -ENOMEM;
	if (pages == NULL || status == NULL) {
		bad = 0;
		goto out;
	}
	for (i = 0; i < n; i++)
		pages[i] = RTE_PTR_ADD(va, i * PAGE_SZ);
	/* No target nodes: move_pages() only says where each page is. */
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0) != 0) {
		*where = -errno;
		bad = 0;
		goto out;
	}
	for (i = 0; i < n && bad < 0; i++)
		if (status[i] != node) {
			*where = status[i];
			bad = (long)i;
		}
out:
	free(pages);
	free(status);
	return bad;
}

/* Map @len bytes of hugepages on @node, faulted in and checked; NULL on failure (logged). */
static void *
map_pages(struct ext_node *en, int node, size_t len)
{
	unsigned long mask[FASTMEM_MAX_NODES / LONG_BITS + 1] = { 0 };
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int64_t bad;
	void *va;
	int fd, err, where;

	if (hugedir(en, node, dir, sizeof(dir)) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/fastmem_%d_n%d_%u", dir, (int)getpid(), node,
		rte_atomic_fetch_add_explicit(&file_seq, 1, rte_memory_order_relaxed));
	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		chunk_failed(en, node, "cannot create a file in %s: %s", dir, strerror(errno));
		return NULL;
	}
	/* The mapping keeps the pages: the file can go now, whatever happens next. */
	unlink(path);
	va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	err = errno;
	close(fd);
	if (va == MAP_FAILED) {
		chunk_failed(en, node, "mmap of %zu bytes from %s: %s", len, dir, strerror(err));
		return NULL;
	}
	mask[node / LONG_BITS] = 1UL << (node % LONG_BITS);
	/* The kernel reads maxnode - 1 bits. */
	if (syscall(SYS_mbind, va, len, MPOL_BIND, mask, RTE_DIM(mask) * LONG_BITS + 1, 0) != 0) {
		chunk_failed(en, node, "mbind: %s", strerror(errno));
		goto unmap;
	}
	if (madvise(va, len, MADV_POPULATE_WRITE) != 0) {
		err = errno;
		chunk_failed(en, node, "cannot fault %zu hugepages in: %s%s (%" PRId64
			" free on the node)", len / PAGE_SZ, strerror(err),
			err == EINVAL ? ", kernel without MADV_POPULATE_WRITE (Linux < 5.14)" : "",
			pool_free(node));
		goto unmap;
	}
	bad = stray_page(node, va, len, &where);
	if (bad >= 0) {
		if (where < 0)
			chunk_failed(en, node, "cannot tell where the pages are: %s",
				strerror(-where));
		else
			chunk_failed(en, node, "page %" PRId64 " of %zu is on node %d", bad,
				len / PAGE_SZ, where);
		goto unmap;
	}
	return va;
unmap:
	munmap(va, len);
	return NULL;
}

/*
 * Add a chunk of @want bytes (@need if the node has fewer free pages) to
 * the node's heap, creating the heap first if it has none. Nothing stays
 * mapped or registered on failure.
 */
static int
add_chunk(struct ext_node *en, int node, size_t need, size_t want)
{
	char heap[HEAP_NAME_LEN];
	rte_iova_t *iovas = NULL;
	bool created = false, iova_ok = true;
	struct chunk *c = NULL;
	unsigned int i, n;
	size_t len = want;
	int64_t free_pages;
	void *va;

	free_pages = pool_free(node);
	if (free_pages < 0) {
		chunk_failed(en, node, "no 2 MiB hugepage pool (no such node, or no memory)");
		return -1;
	}
	if ((size_t)free_pages < len / PAGE_SZ)
		len = need;
	if ((size_t)free_pages < len / PAGE_SZ) {
		chunk_failed(en, node, "%" PRId64 " free 2 MiB hugepages, %zu needed", free_pages,
			len / PAGE_SZ);
		return -1;
	}
	n = (unsigned int)(len / PAGE_SZ);
	c = malloc(sizeof(*c));
	iovas = malloc(n * sizeof(*iovas));
	if (c == NULL || iovas == NULL) {
		chunk_failed(en, node, "out of memory");
		goto fail;
	}
	va = map_pages(en, node, len);
	if (va == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		iovas[i] = rte_mem_virt2iova(RTE_PTR_ADD(va, (size_t)i * PAGE_SZ));
		iova_ok = iova_ok && iovas[i] != RTE_BAD_IOVA;
	}
	heap_name(heap, node);
	if (!en->has_heap) {
		if (rte_malloc_heap_create(heap) != 0) {
			chunk_failed(en, node, "cannot create heap %s: %s", heap,
				rte_strerror(rte_errno));
			goto unmap;
		}
		created = true;
	}
	if (rte_malloc_heap_memory_add(heap, va, len, iova_ok ? iovas : NULL, n, PAGE_SZ) != 0) {
		chunk_failed(en, node, "cannot add %zu bytes to heap %s: %s", len, heap,
			rte_strerror(rte_errno));
		if (created)
			rte_malloc_heap_destroy(heap);
		goto unmap;
	}
	if (created) {
		en->socket = rte_malloc_heap_get_socket(heap);
		en->has_heap = true;
	}
	*c = (struct chunk){ .next = en->chunks, .va = va, .len = len };
	en->chunks = c;
	en->mapped += len;
	en->failed = NULL;
	FASTMEM_LOG(DEBUG, "node %d: heap %s (socket %d) +%zu bytes at %p, IOVAs %s", node, heap,
		en->socket, len, va, iova_ok ? "valid" : "unknown");
	free(iovas);
	return 0;
unmap:
	munmap(va, len);
fail:
	free(iovas);
	free(c);
	return -1;
}

/* Remove the chunks no memzone uses, and the heap once it has none. */
static void
prune(struct ext_node *en, int node)
{
	char heap[HEAP_NAME_LEN];
	struct chunk **p = &en->chunks, *c;

	heap_name(heap, node);
	while ((c = *p) != NULL) {
		if (c->n_mz != 0) {
			p = &c->next;
			continue;
		}
		/* EBUSY: something other than fastmem allocated from the heap. */
		if (rte_malloc_heap_memory_remove(heap, c->va, c->len) != 0) {
			FASTMEM_LOG(ERR, "node %d: %zu bytes at %p stay in heap %s: %s", node,
				c->len, c->va, heap, rte_strerror(rte_errno));
			p = &c->next;
			continue;
		}
		munmap(c->va, c->len);
		en->mapped -= c->len;
		*p = c->next;
		free(c);
	}
	if (en->chunks != NULL || !en->has_heap)
		return;
	if (rte_malloc_heap_destroy(heap) == 0)
		en->has_heap = false;
	else
		FASTMEM_LOG(ERR, "node %d: cannot destroy heap %s: %s", node, heap,
			rte_strerror(rte_errno));
}

static struct chunk *
chunk_of(const struct ext_node *en, const void *addr)
{
	struct chunk *c;

	for (c = en->chunks; c != NULL; c = c->next)
		if ((uintptr_t)addr - (uintptr_t)c->va < c->len)
			break;
	return c;
}

const struct rte_memzone *
fastmem_extmem_reserve(int node, const char *name, size_t len, size_t room,
		fastmem_extmem_reserve_t reserve)
{
	struct ext_node *en = &ext[node];
	const struct rte_memzone *mz = NULL;
	size_t need, want;

	rte_spinlock_lock(&en->lock);
	if (en->has_heap)
		mz = reserve(name, len, en->socket);
	if (mz == NULL) {
		need = RTE_ALIGN_CEIL(len, PAGE_SZ) + PAGE_SZ;
		want = RTE_MIN(RTE_MIN(en->mapped, CHUNK_MAX), RTE_ALIGN_FLOOR(room, PAGE_SZ));
		if (add_chunk(en, node, need, RTE_MAX(need, want)) == 0) {
			mz = reserve(name, len, en->socket);
			if (mz == NULL) {
				FASTMEM_LOG(ERR, "node %d: no memzone of %zu bytes in heap: %s",
					node, len, rte_strerror(rte_errno));
				prune(en, node);
			}
		}
	}
	if (mz != NULL)
		chunk_of(en, mz->addr)->n_mz++;
	rte_spinlock_unlock(&en->lock);
	return mz;
}

void
fastmem_extmem_free(int node, const struct rte_memzone *mz)
{
	struct ext_node *en = &ext[node];
	struct chunk *c;

	rte_spinlock_lock(&en->lock);
	c = chunk_of(en, mz->addr);
	rte_memzone_free(mz);
	if (--c->n_mz == 0)
		prune(en, node);
	rte_spinlock_unlock(&en->lock);
}
