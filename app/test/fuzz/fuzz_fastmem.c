/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * libFuzzer harness of the fastmem API.
 *
 * Each input is decoded into a sequence of calls (at most MAX_OPS): alloc,
 * alloc_socket, realloc, free, alloc_bulk(_socket), free_bulk, hlookup,
 * halloc, hfree, halloc_bulk, hfree_bulk, set_limit/get_limit, reserve,
 * trim, cache_flush, set/get_cache_budget, set/get_decay (with a short wait
 * for the decay to act) and statistics, with sizes around the classes and up
 * to a few MiB, huge sizes, alignments that are not powers of 2 or too
 * large, bad flags, nodes that are bad, memoryless or SOCKET_ID_ANY, and
 * handles that are valid or garbage. Every result is checked against a
 * reference model: the live objects (pointer, size, class, fill pattern),
 * alignment, no overlap, contents, the errors rte_fastmem.h documents for
 * each bad argument (when several apply, any of them), all-or-nothing bulk
 * calls that leave the array alone on failure, realloc failures that leave
 * the object alone, and statistics and backing memory that match the
 * model. ENOMEM is only accepted while a limit is set, or after a reserve
 * larger than EAL's memory. Cache budgets are modelled per lcore and for
 * the default, and the calling lcore's caches must stay within its budget;
 * the decay time is modelled too. The decay frees memory from EAL's
 * interrupt thread: it is held (set to 0, then back) while the backing is
 * compared with the memzones.
 *
 * At the end of each input everything is freed, the limits are lifted,
 * the budgets and the decay are back to their defaults, and the allocator
 * must hold nothing: no live object and, after cache_flush and trim, no
 * backing memzone, and EAL's heap no more than after the same steps at
 * start-up (fastmem's own state, this process's record and lcore row). Each
 * input thus starts from the same state, and a crash replays alone.
 *
 * A mismatch prints what was expected and traps. FASTMEM_FUZZ_TRACE=1
 * prints every call: the API sequence of a crash. EAL arguments come from
 * FASTMEM_FUZZ_EAL (default: DEFAULT_EAL_ARGS and a per-process prefix).
 *
 * Built with -fsanitize=fuzzer as fuzz_fastmem, or with fuzz_replay.c as a
 * plain program that runs the files it is given (fuzz_fastmem_replay).
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

/* No coverage instrumentation in the pattern loops (fastmem_test_util.h). */
#ifdef __clang__
#define FM_TEST_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#endif
#include "../fastmem_test_util.h"
#include "fuzz_fastmem.h"

#define DEFAULT_EAL_ARGS "--no-huge -m 512 --no-pci -l 0 --log-level=lib.eal:error"
#define MAX_EAL_ARGS 32

/* Per-input bounds: the work of one input stays in the milliseconds. */
#define MAX_OPS 200
#define MAX_LIVE 256
#define MAX_BULK 64
#define MAX_LIVE_COST (64 * FM_TEST_MIB)
#define MAX_INPUT_BYTES (128 * FM_TEST_MIB)
#define MAX_RESERVE (16 * FM_TEST_MIB)
#define MAX_CLASSES 64
#define MAX_NODES RTE_MAX_NUMA_NODES

/* The default cache budget (rte_fastmem_set_cache_budget()) and the longest decay time. */
#define DEFAULT_BUDGET ((size_t)3 * FM_TEST_MIB / 2)
#define MAX_DECAY_MS 3600000u
/* Waits for the decay: only with decay times up to this, and this long per input in all. */
#define WAIT_DECAY_MS 8u
#define MAX_WAIT_US 20000u

/*
 * Op bytes from OP_EXT on are the ops added after the corpus was written
 * (budget, decay); the others pick an op by their value modulo 20 as before,
 * so that the inputs of corpus/ and regressions/ keep their meaning.
 */
#define OP_EXT 236

/* Errors a call may fail with, as a set. */
#define ERR_EINVAL 1u
#define ERR_E2BIG 2u
#define ERR_ENXIO 4u
#define ERR_ENOMEM 8u

struct obj {
	void *ptr;
	size_t size;         /* bytes filled: requested, or what a handle's objects hold */
	uint64_t cost;       /* memory it ties up, see fm_test_cost() */
	uint64_t seed;
	unsigned int cls;    /* expected class; env.n_classes for a large object */
	int node;            /* -1 when the model cannot know it */
	bool by_handle;
	rte_fastmem_handle_t handle;
};

/* What does not change between inputs. */
static struct {
	size_t sizes[MAX_CLASSES];
	unsigned int n_classes;
	size_t max_size;
	uint64_t nodes;                  /* with memory */
	int valid[MAX_NODES];            /* the same, as a list */
	unsigned int n_valid;
	int memless;                     /* in range, no memory; -1 if every node has some */
	int home;                        /* the node SOCKET_ID_ANY means here; -1: any */
	/*
	 * The handle of each (class, node) with memory, from rte_fastmem_hlookup()
	 * of hsize[class] bytes: what a handle's objects hold (none: 0).
	 */
	rte_fastmem_handle_t handle[MAX_CLASSES][MAX_NODES];
	size_t hsize[MAX_CLASSES];
	unsigned int hcls[MAX_CLASSES];  /* the classes that have handles */
	unsigned int n_hcls;
	bool in_place;                   /* realloc keeps size-class objects as documented */
	bool trace;
	uint64_t heap_base;              /* EAL's heap in use with nothing allocated */
} env;

/* The model of one input. */
static struct {
	struct obj live[MAX_LIVE];
	unsigned int n_live;
	uint64_t live_cost;
	uint64_t spent;                  /* bytes filled by this input */
	bool drained;                    /* a huge reserve may have taken all EAL memory */
	uint64_t seq;
	size_t limit[MAX_NODES];
	uint64_t class_allocs;           /* size-class objects, as the lcore counts them */
	uint64_t class_frees;
	uint64_t nomem;                  /* calls failed with ENOMEM */
	uint64_t cls_nomem[MAX_CLASSES];
	size_t budget_default;           /* the budget of lcores without their own */
	size_t budget[RTE_MAX_LCORE];    /* those set for one lcore */
	bool budget_set[RTE_MAX_LCORE];
	unsigned int decay;              /* decay time in ms, 0: off */
	unsigned int waited_us;
	unsigned int op;
} m;

/* The input, read as little-endian integers; zeros once it is exhausted. */
struct input {
	const uint8_t *p;
	size_t left;
};

static __rte_noreturn __rte_format_printf(3, 4) void
fail(int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_fastmem: op %u: check \"%s\" failed (line %d): ", m.op, expr, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	__builtin_trap();
}

#define CHECK(cond, fmt, ...) do { \
	if (!(cond)) \
		fail(__LINE__, #cond, fmt, ##__VA_ARGS__); \
} while (0)

static __rte_format_printf(1, 2) void
trace(const char *fmt, ...)
{
	va_list ap;

	if (!env.trace)
		return;
	fprintf(stderr, "op %u: ", m.op);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static uint64_t
get(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left > 0; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static unsigned int
get8(struct input *in)
{
	return (unsigned int)get(in, 1);
}

static bool
has_memory(int node)
{
	return node >= 0 && node < MAX_NODES && (env.nodes & (UINT64_C(1) << node));
}

/* 0, small, around a class boundary, medium, size class, large, too large, anything. */
static size_t
get_size(struct input *in)
{
	const size_t huge[] = {
		env.max_size - 1, env.max_size, env.max_size + 1, SIZE_MAX, SIZE_MAX - 63,
		(size_t)1 << 40, (size_t)1 << 63, env.max_size + 4096,
	};
	size_t max_class = env.sizes[env.n_classes - 1];

	switch (get8(in) % 8) {
	case 0:
		return 0;
	case 1:
		return 1 + get8(in);
	case 2:
		return env.sizes[get8(in) % env.n_classes] + get8(in) % 5 - 2;
	case 3:
		return 1 + get(in, 2);
	case 4:
		return 1 + get(in, 4) % max_class;
	case 5:
		return max_class - 8 + get(in, 4) % (4 * FM_TEST_MIB + 16);
	case 6:
		return huge[get8(in) % RTE_DIM(huge)];
	default:
		return get(in, 8);
	}
}

/* Default, powers of 2 up to 2 MiB, not a power of 2, too large, anything. */
static size_t
get_align(struct input *in)
{
	switch (get8(in) % 8) {
	case 0:
	case 1:
		return 0;
	case 2:
		return (size_t)1 << (get8(in) % 13);
	case 3:
		return (size_t)1 << (12 + get8(in) % 10);
	case 4:
		return (size_t)3 << (get8(in) % 20);
	case 5:
		return (size_t)1 << (21 + get8(in) % 43);
	case 6:
		return SIZE_MAX;
	default:
		return get(in, 8);
	}
}

static unsigned int
get_flags(struct input *in)
{
	switch (get8(in) % 8) {
	case 4:
	case 5:
		return RTE_FASTMEM_F_ZERO;
	case 6:
		return 1u << (get8(in) % 32);
	case 7:
		return (unsigned int)get(in, 4);
	default:
		return 0;
	}
}

/* SOCKET_ID_ANY, a node with memory, a memoryless one, negative, out of range, anything. */
static int
get_node(struct input *in)
{
	const int bad[] = { -2, -100, INT_MIN, MAX_NODES, MAX_NODES + 1, 4096, INT_MAX };

	switch (get8(in) % 8) {
	case 0:
	case 1:
		return SOCKET_ID_ANY;
	case 2:
	case 3:
		return env.valid[get8(in) % env.n_valid];
	case 4:
		return env.memless;
	case 5:
	case 6:
		return bad[get8(in) % RTE_DIM(bad)];
	default:
		return (int)(uint32_t)get(in, 4);
	}
}

static unsigned int
err_bit(int err)
{
	switch (err) {
	case EINVAL:
		return ERR_EINVAL;
	case E2BIG:
		return ERR_E2BIG;
	case ENXIO:
		return ERR_ENXIO;
	case ENOMEM:
		return ERR_ENOMEM;
	default:
		return 0;
	}
}

/* rte_fastmem_alloc(): EINVAL for size 0, alignment or flags; E2BIG for size or alignment. */
static unsigned int
request_errors(size_t size, size_t align, unsigned int flags)
{
	unsigned int errs = 0;

	if (size == 0 || (align & (align - 1)) != 0 || (flags & ~RTE_FASTMEM_F_ZERO) != 0)
		errs |= ERR_EINVAL;
	if (size > env.max_size || align > FM_TEST_MIB)
		errs |= ERR_E2BIG;
	return errs;
}

/* Bad node ids are EINVAL; a node without EAL memory is ENXIO. */
static unsigned int
node_errors(int node)
{
	if (node == SOCKET_ID_ANY || has_memory(node))
		return 0;
	return node >= 0 && node < MAX_NODES ? ERR_ENXIO : ERR_EINVAL;
}

/* ENOMEM is a possible answer of an allocating call only under a limit, or without memory. */
static unsigned int
nomem_ok(void)
{
	unsigned int i;

	if (m.drained)
		return ERR_ENOMEM;
	for (i = 0; i < env.n_valid; i++)
		if (m.limit[env.valid[i]] != SIZE_MAX)
			return ERR_ENOMEM;
	return 0;
}

/*
 * Check how a call ended against the errors it may fail with (none: it
 * must succeed). A call that may fail for several reasons may report any.
 */
static void
expect(const char *call, bool ok, int err, unsigned int allowed)
{
	if (ok) {
		CHECK((allowed & ~ERR_ENOMEM) == 0, "%s succeeded, documented to fail (errors %#x)",
			call, allowed);
		return;
	}
	CHECK(allowed != 0, "%s failed: %s", call, strerror(err));
	CHECK((err_bit(err) & allowed) != 0, "%s failed with %d (%s), expected errors %#x", call,
		err, strerror(err), allowed);
}

static unsigned int
class_of(size_t size, size_t align)
{
	return fm_test_class_of(env.sizes, env.n_classes, size, align);
}

/* A failed allocation of a (class, size) request: count ENOMEM as the statistics do. */
static void
count_failure(int err, unsigned int cls)
{
	if (err != ENOMEM)
		return;
	m.nomem++;
	if (cls < env.n_classes)
		m.cls_nomem[cls]++;
}

static size_t
footprint(const struct obj *o)
{
	return fm_test_footprint(env.sizes, env.n_classes, o->cls, o->size);
}

static uint64_t
cost(unsigned int cls, size_t size, size_t align)
{
	return fm_test_cost(env.sizes, env.n_classes, cls, size, align);
}

/* Whether the bounds of an input leave room for n more objects of a valid request. */
static bool
affordable(unsigned int n, size_t size, size_t align)
{
	if (size > MAX_LIVE_COST || n > MAX_LIVE - m.n_live)
		return false;
	return m.live_cost + n * cost(class_of(size, align), size, align) <= MAX_LIVE_COST &&
		m.spent + (uint64_t)n * size <= MAX_INPUT_BYTES;
}

static void
verify(const struct obj *o)
{
	size_t off = fm_test_check(o->ptr, o->size, o->seed);

	CHECK(off == o->size, "object %p (%zu B, class %u) corrupted at byte %zu", o->ptr, o->size,
		o->cls, off);
}

/* A new object: aligned as documented, zeroed if asked, clear of every live object. */
static void
check_new(const void *ptr, size_t size, size_t align, unsigned int flags, unsigned int cls)
{
	size_t need = fm_test_align(env.sizes, env.n_classes, cls, align), i;
	uintptr_t start = (uintptr_t)ptr;
	const uint8_t *p = ptr;
	struct obj probe = { .size = size, .cls = cls };

	CHECK(start % need == 0, "%p (%zu B, align %zu) not %zu-aligned", ptr, size, align, need);
	if (flags & RTE_FASTMEM_F_ZERO)
		for (i = 0; i < size; i++)
			CHECK(p[i] == 0, "%p (%zu B) byte %zu not zeroed", ptr, size, i);
	for (i = 0; i < m.n_live; i++) {
		uintptr_t s = (uintptr_t)m.live[i].ptr;

		CHECK(start + footprint(&probe) <= s || s + footprint(&m.live[i]) <= start,
			"%p (%zu B) overlaps live object %p (%zu B)", ptr, footprint(&probe),
			m.live[i].ptr, footprint(&m.live[i]));
	}
}

static void
stamp(struct obj *o)
{
	o->seed = fm_test_word(m.seq++, o->size);
	fm_test_fill(o->ptr, o->size, o->seed);
}

static void
add(void *ptr, size_t size, size_t align, unsigned int flags, unsigned int cls, int node)
{
	struct obj *o = &m.live[m.n_live];

	check_new(ptr, size, align, flags, cls);
	*o = (struct obj){
		.ptr = ptr,
		.size = size,
		.cost = cost(cls, size, align),
		.cls = cls,
		.node = node,
	};
	stamp(o);
	m.n_live++;
	m.live_cost += o->cost;
	m.spent += size;
	if (cls < env.n_classes)
		m.class_allocs++;
}

/* Take object i out of the model, verified; the caller frees it. */
static struct obj
take(unsigned int i)
{
	struct obj o = m.live[i];

	verify(&o);
	m.live[i] = m.live[--m.n_live];
	m.live_cost -= o.cost;
	if (o.cls < env.n_classes)
		m.class_frees++;
	return o;
}

/* The node of an object allocated on socket_id: known when explicit or when there is one. */
static int
known_node(int socket_id)
{
	if (socket_id != SOCKET_ID_ANY)
		return socket_id;
	return env.n_valid == 1 ? env.valid[0] : -1;
}

static void
op_alloc(struct input *in, bool socket)
{
	size_t size = get_size(in), align = get_align(in);
	unsigned int flags = get_flags(in), cls = class_of(size, align);
	int node = socket ? get_node(in) : SOCKET_ID_ANY;
	unsigned int errs = request_errors(size, align, flags) | node_errors(node);
	void *p;

	if (errs == 0 && !affordable(1, size, align))
		return;
	rte_errno = 0;
	p = socket ? rte_fastmem_alloc_socket(size, align, flags, node) :
		rte_fastmem_alloc(size, align, flags);
	trace("alloc%s(%zu, %zu, %#x, %d) = %p, rte_errno %d", socket ? "_socket" : "", size,
		align, flags, node, p, rte_errno);
	expect("alloc", p != NULL, rte_errno, errs | nomem_ok());
	if (p == NULL) {
		count_failure(rte_errno, cls);
		return;
	}
	add(p, size, align, flags, cls, known_node(node));
}

/* The object an input byte picks, or n_live for NULL. */
static unsigned int
get_obj(struct input *in)
{
	return get8(in) % (m.n_live + 1);
}

static void
op_free(struct input *in)
{
	unsigned int i = get_obj(in);
	struct obj o;

	if (i == m.n_live) {
		trace("free(NULL)");
		rte_fastmem_free(NULL);
		return;
	}
	o = take(i);
	trace("free(%p)", o.ptr);
	rte_fastmem_free(o.ptr);
}

/*
 * realloc: NULL allocates, size 0 frees (rte_errno untouched), otherwise
 * the first min(old, new) bytes survive; on failure the object is intact.
 * A size-class object keeps its address iff the new size fits its class, is more
 * than half of it and the address has the alignment asked (in release
 * builds: checked builds move them all). A moved object never overlaps
 * the old one, which was live until the copy.
 */
static void
op_realloc(struct input *in)
{
	unsigned int i = get_obj(in), errs, cls;
	size_t size = get_size(in), align = get_align(in), keep, off;
	struct obj old, moved;
	bool fits, stays;
	void *p;

	if (i == m.n_live) {
		errs = request_errors(size, align, 0);
		if (errs == 0 && !affordable(1, size, align))
			return;
		rte_errno = 0;
		p = rte_fastmem_realloc(NULL, size, align);
		trace("realloc(NULL, %zu, %zu) = %p, rte_errno %d", size, align, p, rte_errno);
		/* size 0 is both "allocate" and "free": either reading holds. */
		if (size == 0 && p == NULL && rte_errno == 0)
			return;
		expect("realloc(NULL)", p != NULL, rte_errno, errs | nomem_ok());
		if (p == NULL)
			count_failure(rte_errno, class_of(size, align));
		else
			add(p, size, align, 0, class_of(size, align), known_node(SOCKET_ID_ANY));
		return;
	}
	old = m.live[i];
	verify(&old);
	if (size == 0) {
		take(i);
		rte_errno = 0;
		p = rte_fastmem_realloc(old.ptr, 0, align);
		trace("realloc(%p, 0, %zu) = %p, rte_errno %d", old.ptr, align, p, rte_errno);
		CHECK(p == NULL && rte_errno == 0, "realloc to 0 returned %p, rte_errno %d", p,
			rte_errno);
		return;
	}
	errs = request_errors(size, align, 0);
	if (errs == 0 && !affordable(1, size, align))
		return;
	cls = class_of(size, align);
	rte_errno = 0;
	p = rte_fastmem_realloc(old.ptr, size, align);
	trace("realloc(%p, %zu, %zu) = %p, rte_errno %d", old.ptr, size, align, p, rte_errno);
	expect("realloc", p != NULL, rte_errno, errs | nomem_ok());
	if (p == NULL) {
		count_failure(rte_errno, cls);
		verify(&old);
		return;
	}
	keep = RTE_MIN(old.size, size);
	off = fm_test_check(p, keep, old.seed);
	CHECK(off == keep, "realloc %p (%zu B) -> %p (%zu B) lost byte %zu", old.ptr, old.size, p,
		size, off);
	if (old.cls < env.n_classes) {
		fits = class_of(size, 0) <= old.cls &&
			(align == 0 || (uintptr_t)old.ptr % align == 0);
		stays = fits && size > env.sizes[old.cls] / 2;
		CHECK(p != old.ptr || fits, "realloc kept %p (class %zu) for %zu B, align %zu",
			p, env.sizes[old.cls], size, align);
		CHECK(!env.in_place || stays == (p == old.ptr), "realloc of a %zu B object "
			"(class %zu) to %zu B, align %zu: %s", old.size, env.sizes[old.cls], size,
			align, stays ? "moved" : "stayed");
	}
	m.live[i] = m.live[--m.n_live];
	m.live_cost -= old.cost;
	if (p == old.ptr) {
		/* Same class and node: a handle of the object still fits it. */
		CHECK(align == 0 || (uintptr_t)p % align == 0, "realloc kept %p for align %zu", p,
			align);
		old.size = size;
		stamp(&old);
		m.live[m.n_live++] = old;
		m.live_cost += old.cost;
		m.spent += size;
		return;
	}
	moved = (struct obj){ .ptr = p, .size = size, .cls = cls };
	CHECK((uintptr_t)p + footprint(&moved) <= (uintptr_t)old.ptr ||
		(uintptr_t)old.ptr + footprint(&old) <= (uintptr_t)p,
		"realloc moved %p (%zu B) to %p (%zu B), overlapping", old.ptr, footprint(&old), p,
		footprint(&moved));
	if (old.cls < env.n_classes)
		m.class_frees++;
	/* A moved object stays on its node. */
	add(p, size, align, 0, cls, old.node);
}

/* An array an input byte sizes: the sentinels show whether a failed call wrote it. */
static void
fill_sentinels(void **ptrs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ptrs[i] = (void *)(uintptr_t)(0x5e00000000 + i * 16);
}

static void
check_sentinels(void * const *ptrs, unsigned int n, const char *call)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		CHECK(ptrs[i] == (void *)(uintptr_t)(0x5e00000000 + i * 16),
			"failed %s wrote entry %u of %u", call, i, n);
}

/* n == 0 "succeeds and does nothing", bad arguments are errors: with both, either reading. */
static void
expect_bulk(const char *call, int rc, unsigned int n, unsigned int errs)
{
	if (n == 0 && errs != 0 && rc == 0)
		return;
	expect(call, rc == 0, rc == 0 ? 0 : rte_errno, errs | (n > 0 ? nomem_ok() : 0));
	CHECK(rc == 0 || rc == -rte_errno, "%s returned %d, rte_errno %d", call, rc, rte_errno);
}

static void
op_alloc_bulk(struct input *in, bool socket)
{
	unsigned int n = get8(in) % (MAX_BULK + 1), flags, errs, cls, i;
	size_t size = get_size(in), align = get_align(in);
	bool null = get8(in) % 16 == 0;
	void *ptrs[MAX_BULK];
	int node, rc;

	flags = get_flags(in);
	node = socket ? get_node(in) : SOCKET_ID_ANY;
	errs = request_errors(size, align, flags) | node_errors(node);
	if (null && n > 0)
		errs |= ERR_EINVAL;
	if (errs == 0 && !affordable(n, size, align))
		return;
	cls = class_of(size, align);
	fill_sentinels(ptrs, n);
	rte_errno = 0;
	if (socket)
		rc = rte_fastmem_alloc_bulk_socket(null ? NULL : ptrs, n, size, align, flags, node);
	else
		rc = rte_fastmem_alloc_bulk(null ? NULL : ptrs, n, size, align, flags);
	trace("alloc_bulk%s(%s, %u, %zu, %zu, %#x, %d) = %d, rte_errno %d", socket ? "_socket" : "",
		null ? "NULL" : "ptrs", n, size, align, flags, node, rc, rte_errno);
	expect_bulk("alloc_bulk", rc, n, errs);
	if (rc != 0) {
		count_failure(rte_errno, cls);
		check_sentinels(ptrs, n, "alloc_bulk");
		return;
	}
	for (i = 0; i < n && !null; i++)
		add(ptrs[i], size, align, flags, cls, known_node(node));
}

/* Free a few objects (or none) in one call, NULL entries among them; or a NULL array. */
static void
op_free_bulk(struct input *in)
{
	unsigned int n = get8(in) % (MAX_BULK + 1), k = 0, i;
	void *ptrs[MAX_BULK];

	if (n > 0 && get8(in) % 16 == 0) {
		trace("free_bulk(NULL, %u)", n);
		rte_fastmem_free_bulk(NULL, n);
		return;
	}
	for (k = 0; k < n; k++) {
		i = get_obj(in);
		ptrs[k] = i < m.n_live ? take(i).ptr : NULL;
	}
	trace("free_bulk(%u objects)", n);
	rte_fastmem_free_bulk(ptrs, n);
}

/*
 * A handle: one of those hlookup gives (by class and node), or any value.
 * Not any value when hlookup cannot reach every class (debug builds): the
 * model could not tell garbage from the handle of such a class.
 */
static rte_fastmem_handle_t
get_handle(struct input *in)
{
	unsigned int cls = env.hcls[get8(in) % env.n_hcls];
	int node = env.valid[get8(in) % env.n_valid];

	switch (env.n_hcls < env.n_classes ? 2 : get8(in) % 4) {
	case 0:
		return (rte_fastmem_handle_t)get(in, 4);
	case 1:
		return env.handle[cls][node] + get8(in) % 3 - 1;
	default:
		return env.handle[cls][node];
	}
}

/* Class and node of a handle hlookup can give; false for garbage. */
static bool
handle_info(rte_fastmem_handle_t h, unsigned int *cls, int *node)
{
	unsigned int c, i;

	for (c = 0; c < env.n_classes; c++) {
		for (i = 0; i < env.n_valid && env.hsize[c] > 0; i++) {
			if (env.handle[c][env.valid[i]] == h) {
				*cls = c;
				*node = env.valid[i];
				return true;
			}
		}
	}
	return false;
}

static void
op_hlookup(struct input *in)
{
	size_t size = get_size(in), align = get_align(in);
	int node = get_node(in), rc, home;
	bool null = get8(in) % 16 == 0;
	unsigned int errs, cls = class_of(size, align), cls_h;
	rte_fastmem_handle_t h = 0;

	/* EINVAL for a NULL handle, size 0, bad alignment or node; E2BIG beyond the classes. */
	errs = request_errors(size, align, 0) | node_errors(node) | (null ? ERR_EINVAL : 0);
	if (size > 0 && cls == env.n_classes)
		errs |= ERR_E2BIG;
	rc = rte_fastmem_hlookup(size, align, node, null ? NULL : &h);
	trace("hlookup(%zu, %zu, %d, %s) = %d, handle %#x", size, align, node,
		null ? "NULL" : "&h", rc, h);
	expect("hlookup", rc == 0, -rc, errs);
	if (rc != 0)
		return;
	home = node == SOCKET_ID_ANY ? env.home : node;
	if (home >= 0)
		CHECK(h == env.handle[cls][home],
			"hlookup(%zu, %zu, %d) = %#x, class %zu node %d is %#x", size, align, node,
			h, env.sizes[cls], home, env.handle[cls][home]);
	else
		CHECK(handle_info(h, &cls_h, &home) && cls_h == cls, "hlookup(%zu, %zu, %d) = %#x",
			size, align, node, h);
}

static void
op_halloc(struct input *in, bool bulk)
{
	rte_fastmem_handle_t h = get_handle(in);
	unsigned int flags = get_flags(in), n = 1, errs = 0, cls = 0, i;
	bool null = false;
	void *ptrs[MAX_BULK];
	int node = -1, rc;

	if (!handle_info(h, &cls, &node))
		errs |= ERR_EINVAL;
	if ((flags & ~RTE_FASTMEM_F_ZERO) != 0)
		errs |= ERR_EINVAL;
	if (bulk) {
		n = get8(in) % (MAX_BULK + 1);
		null = get8(in) % 16 == 0;
		if (null && n > 0)
			errs |= ERR_EINVAL;
	}
	if (errs == 0 && !affordable(n, env.hsize[cls], 0))
		return;
	fill_sentinels(ptrs, n);
	rte_errno = 0;
	if (bulk) {
		rc = rte_fastmem_halloc_bulk(h, null ? NULL : ptrs, n, flags);
		trace("halloc_bulk(%#x, %s, %u, %#x) = %d, rte_errno %d", h, null ? "NULL" : "ptrs",
			n, flags, rc, rte_errno);
		expect_bulk("halloc_bulk", rc, n, errs);
	} else {
		ptrs[0] = rte_fastmem_halloc(h, flags);
		trace("halloc(%#x, %#x) = %p, rte_errno %d", h, flags, ptrs[0], rte_errno);
		rc = ptrs[0] == NULL ? -rte_errno : 0;
		expect("halloc", rc == 0, rte_errno, errs | nomem_ok());
	}
	if (rc != 0) {
		count_failure(rte_errno, cls);
		if (bulk)
			check_sentinels(ptrs, n, "halloc_bulk");
		return;
	}
	for (i = 0; i < n && !null; i++) {
		add(ptrs[i], env.hsize[cls], 0, flags, cls, node);
		m.live[m.n_live - 1].by_handle = true;
		m.live[m.n_live - 1].handle = h;
	}
}

/* The handle of an object's class and node, if the model knows both. */
static bool
obj_handle(const struct obj *o, rte_fastmem_handle_t *h)
{
	if (o->by_handle)
		*h = o->handle;
	else if (o->cls < env.n_classes && o->node >= 0 && env.hsize[o->cls] > 0)
		*h = env.handle[o->cls][o->node];
	else
		return false;
	return true;
}

/* hfree an object with the handle of its class and node; garbage handles only with NULL. */
static void
op_hfree(struct input *in)
{
	unsigned int i = get_obj(in);
	rte_fastmem_handle_t h;
	struct obj o;

	if (i == m.n_live || !obj_handle(&m.live[i], &h)) {
		h = get_handle(in);
		trace("hfree(%#x, NULL)", h);
		rte_fastmem_hfree(h, NULL);
		return;
	}
	o = take(i);
	trace("hfree(%#x, %p)", h, o.ptr);
	rte_fastmem_hfree(h, o.ptr);
}

/* hfree_bulk the objects of one (class, node), with NULL entries. */
static void
op_hfree_bulk(struct input *in)
{
	unsigned int n = get8(in) % (MAX_BULK + 1), i = get_obj(in), k, j;
	rte_fastmem_handle_t h, oh;
	void *ptrs[MAX_BULK];

	if (i == m.n_live || !obj_handle(&m.live[i], &h)) {
		trace("hfree_bulk(garbage, NULL, %u)", n);
		rte_fastmem_hfree_bulk(get_handle(in), NULL, n);
		return;
	}
	/* The next objects of the same class and node after object i, and a few NULLs. */
	for (k = 0; k < n; k++) {
		ptrs[k] = NULL;
		if (get8(in) % 8 == 0)
			continue;
		for (j = 0; j < m.n_live; j++) {
			if (obj_handle(&m.live[(i + j) % m.n_live], &oh) && oh == h) {
				ptrs[k] = take((i + j) % m.n_live).ptr;
				break;
			}
		}
	}
	trace("hfree_bulk(%#x, %u entries)", h, n);
	rte_fastmem_hfree_bulk(h, ptrs, n);
}

/* The budget an lcore id has in the model (RTE_MAX_LCORE: the default). */
static size_t
budget_of(unsigned int lcore_id)
{
	if (lcore_id < RTE_MAX_LCORE && m.budget_set[lcore_id])
		return m.budget[lcore_id];
	return m.budget_default;
}

/*
 * The calling lcore's caches: its budget is the model's, and what they hold
 * (on every node together) stays within it on each node.
 */
static void
check_cache(const struct rte_fastmem_lcore_stats *ls)
{
	uint64_t budget = budget_of(rte_lcore_id());
	uint64_t bound = budget > UINT64_MAX / env.n_valid ? UINT64_MAX : budget * env.n_valid;

	CHECK(ls->cache_budget == budget, "lcore %u: cache_budget %" PRIu64 ", set to %" PRIu64,
		rte_lcore_id(), ls->cache_budget, budget);
	CHECK(ls->cache_bytes <= bound, "lcore %u: cache_bytes %" PRIu64 " above the budget %"
		PRIu64 " (%u nodes)", rte_lcore_id(), ls->cache_bytes, budget, env.n_valid);
}

/*
 * The decay frees memzones from EAL's interrupt thread: hold it (set it to
 * 0, which waits for a check under way) while the backing is compared, then
 * set it back. Setting it may fail as rte_eal_alarm_set() does: it is off then.
 */
static void
decay_hold(void)
{
	int rc;

	if (m.decay == 0)
		return;
	rc = rte_fastmem_set_decay(0);
	CHECK(rc == 0, "set_decay(0) = %d", rc);
}

static void
decay_resume(void)
{
	int rc;

	if (m.decay == 0)
		return;
	rc = rte_fastmem_set_decay(m.decay);
	CHECK(rc <= 0 && rc != -EINVAL, "set_decay(%u) = %d", m.decay, rc);
	if (rc != 0)
		m.decay = 0;
	CHECK(rte_fastmem_get_decay() == (int)m.decay, "get_decay() = %d, set to %u",
		rte_fastmem_get_decay(), m.decay);
}

static uint64_t
backing(void)
{
	struct rte_fastmem_stats st;

	CHECK(rte_fastmem_stats(&st) == 0, "stats");
	return st.bytes_backing;
}

/*
 * Limits: EINVAL for bad nodes, ENXIO for nodes without memory, which keep
 * theirs; get_limit gives a node's limit back.
 */
static void
op_limit(struct input *in)
{
	const size_t choice[] = { 0, 1, 2 * FM_TEST_MIB - 1, 2 * FM_TEST_MIB, 8 * FM_TEST_MIB };
	int node = get_node(in), other = get_node(in), rc, i;
	uint64_t before;
	size_t bytes, got;

	decay_hold();
	before = backing();
	switch (get8(in) % 5) {
	case 0:
		bytes = SIZE_MAX;
		break;
	case 1:
		bytes = before + get8(in) * FM_TEST_MIB;
		break;
	case 2:
		bytes = (size_t)get(in, 4);
		break;
	default:
		bytes = choice[get8(in) % RTE_DIM(choice)];
	}
	rc = rte_fastmem_set_limit(node, bytes);
	trace("set_limit(%d, %zu) = %d", node, bytes, rc);
	expect("set_limit", rc == 0, -rc, node_errors(node));
	for (i = 0; i < MAX_NODES && rc == 0; i++)
		if (node == SOCKET_ID_ANY || node == i)
			m.limit[i] = bytes;
	CHECK(backing() == before, "set_limit changed the backing from %" PRIu64, before);
	decay_resume();
	rte_errno = 0;
	got = rte_fastmem_get_limit(other);
	trace("get_limit(%d) = %zu, rte_errno %d", other, got, rte_errno);
	if (other < 0 || other >= MAX_NODES)
		CHECK(got == 0 && rte_errno == EINVAL, "get_limit(%d) = %zu, rte_errno %d", other,
			got, rte_errno);
	else
		CHECK(got == m.limit[other], "get_limit(%d) = %zu, set to %zu", other, got,
			m.limit[other]);
}

/*
 * reserve: at least size bytes of backing afterwards. More than EAL has
 * may be ENOMEM, and keeps what it got: allocations may then fail too.
 */
static void
op_reserve(struct input *in)
{
	const size_t huge[] = { SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, 300 * FM_TEST_MIB };
	size_t size = get8(in) % 8 == 0 ? huge[get8(in) % RTE_DIM(huge)] :
		get(in, 4) % (MAX_RESERVE + 1);
	int node = get_node(in), rc;
	unsigned int errs = node_errors(node) | nomem_ok();

	if (size > MAX_RESERVE) {
		errs |= ERR_ENOMEM;
		m.drained = true;
	}
	rc = rte_fastmem_reserve(size, node);
	trace("reserve(%zu, %d) = %d", size, node, rc);
	expect("reserve", rc == 0, -rc, errs);
	if (rc == 0)
		CHECK(backing() >= size, "reserve(%zu) left %" PRIu64 " B of backing", size,
			backing());
}

/*
 * The global and the calling lcore's statistics agree exactly with the
 * model (one thread, no other user), and bytes_backing with the memzones.
 */
static void
check_totals(void)
{
	struct rte_fastmem_lcore_stats ls;
	struct fm_test_backing mz;
	struct rte_fastmem_stats st;
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < m.n_live; i++)
		bytes += footprint(&m.live[i]);
	decay_hold();
	CHECK(rte_fastmem_stats(&st) == 0, "stats");
	CHECK(st.objs_in_use == m.n_live, "objs_in_use %" PRIu64 ", model %u", st.objs_in_use,
		m.n_live);
	CHECK(st.alloc_total - st.free_total == m.n_live, "allocs %" PRIu64 " - frees %" PRIu64
		" != %u live", st.alloc_total, st.free_total, m.n_live);
	CHECK(st.bytes_in_use == bytes, "bytes_in_use %" PRIu64 ", model %" PRIu64,
		st.bytes_in_use, bytes);
	CHECK(st.alloc_nomem == m.nomem, "alloc_nomem %" PRIu64 ", %" PRIu64 " calls failed with "
		"ENOMEM", st.alloc_nomem, m.nomem);
	CHECK(st.n_classes == env.n_classes, "n_classes %u", st.n_classes);
	mz = fm_test_backing_memzones();
	CHECK(st.bytes_backing == mz.bytes, "bytes_backing %" PRIu64 ", %u memzones hold %" PRIu64,
		st.bytes_backing, mz.count, mz.bytes);
	CHECK(rte_fastmem_stats_lcore(rte_lcore_id(), &ls) == 0, "stats_lcore");
	CHECK(ls.alloc_cache_hits + ls.alloc_cache_misses == m.class_allocs, "lcore allocs %" PRIu64
		", model %" PRIu64, ls.alloc_cache_hits + ls.alloc_cache_misses, m.class_allocs);
	CHECK(ls.free_cache_hits + ls.free_cache_misses == m.class_frees, "lcore frees %" PRIu64
		", model %" PRIu64, ls.free_cache_hits + ls.free_cache_misses, m.class_frees);
	check_cache(&ls);
	decay_resume();
}

/* Per class too, and bad arguments of the statistics calls. */
static void
check_stats(void)
{
	struct rte_fastmem_lcore_class_stats lcs;
	uint64_t per_class[MAX_CLASSES] = { 0 };
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_lcore_stats ls;
	unsigned int i, c;

	check_totals();
	for (i = 0; i < m.n_live; i++)
		if (m.live[i].cls < env.n_classes)
			per_class[m.live[i].cls]++;
	for (c = 0; c < env.n_classes; c++) {
		CHECK(rte_fastmem_stats_class(env.sizes[c], &cs) == 0, "stats_class");
		CHECK(cs.in_use == per_class[c], "class %zu: in_use %" PRIu64 ", model %" PRIu64,
			env.sizes[c], cs.in_use, per_class[c]);
		CHECK(cs.alloc_nomem == m.cls_nomem[c],
			"class %zu: alloc_nomem %" PRIu64 ", model %" PRIu64, env.sizes[c],
			cs.alloc_nomem, m.cls_nomem[c]);
	}
	CHECK(rte_fastmem_stats(NULL) == -EINVAL, "stats(NULL)");
	CHECK(rte_fastmem_stats_class(env.sizes[0] + 1, &cs) == -EINVAL, "stats_class(no class)");
	CHECK(rte_fastmem_stats_lcore(RTE_MAX_LCORE, &ls) == -EINVAL, "stats_lcore(bad lcore)");
	CHECK(rte_fastmem_stats_lcore_class(rte_lcore_id(), 1, &lcs) == -EINVAL,
		"stats_lcore_class(no class)");
}

static void
op_trim(void)
{
	int64_t released = rte_fastmem_trim();

	trace("trim() = %" PRId64, released);
	CHECK(released >= 0, "trim returned %" PRId64, released);
	check_totals();
}

/*
 * Statistics, and the IOVA of a byte of a live object: objects are
 * IOVA-contiguous, and rte_fastmem_virt2iova() takes any pointer below the
 * 2 MiB boundary that follows the object's start (it masks the pointer to
 * find the header of its segment, or of a large object); bytes further in
 * are the object's IOVA plus their offset.
 */
static void
op_stats(struct input *in)
{
	unsigned int i = get_obj(in);
	const uint8_t *p;
	rte_iova_t iova;
	size_t off;

	trace("stats");
	check_stats();
	if (i == m.n_live)
		return;
	p = m.live[i].ptr;
	off = get(in, 4) % m.live[i].size;
	iova = rte_fastmem_virt2iova(p);
	trace("virt2iova(%p) = %#" PRIx64 ", byte %zu", p, iova, off);
	if (iova == RTE_BAD_IOVA)
		return;
	CHECK(iova + off == rte_mem_virt2iova(p + off), "virt2iova(%p) + %zu is not EAL's IOVA",
		p, off);
	if (RTE_ALIGN_FLOOR((uintptr_t)p + off, RTE_FASTMEM_SLAB_SIZE) ==
			RTE_ALIGN_FLOOR((uintptr_t)p, RTE_FASTMEM_SLAB_SIZE))
		CHECK(rte_fastmem_virt2iova(p + off) == iova + off, "virt2iova(%p + %zu) = %#"
			PRIx64 ", not %#" PRIx64, p, off, rte_fastmem_virt2iova(p + off),
			iova + off);
}

/* The calling lcore, the default (RTE_MAX_LCORE), another lcore, or a bad id. */
static unsigned int
get_lcore(struct input *in)
{
	const unsigned int bad[] = { RTE_MAX_LCORE + 1, RTE_MAX_LCORE + 2, 2 * RTE_MAX_LCORE,
		INT_MAX, (unsigned int)INT_MAX + 1, UINT_MAX, LCORE_ID_ANY };

	switch (get8(in) % 8) {
	case 0:
	case 1:
	case 2:
		return rte_lcore_id();
	case 3:
	case 4:
		return RTE_MAX_LCORE;
	case 5:
		return (rte_lcore_id() + 1 + get8(in) % (RTE_MAX_LCORE - 1)) % RTE_MAX_LCORE;
	case 6:
		return bad[get8(in) % RTE_DIM(bad)];
	default:
		return (unsigned int)get(in, 4);
	}
}

/* 0, small, 64 KiB, 1 MiB, the default, huge, anything. */
static size_t
get_budget(struct input *in)
{
	const size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, (size_t)1 << 40, 64 * FM_TEST_MIB };

	switch (get8(in) % 8) {
	case 0:
		return 0;
	case 1:
		return 1 + get(in, 2);
	case 2:
		return 64 << 10;
	case 3:
		return FM_TEST_MIB;
	case 4:
		return DEFAULT_BUDGET;
	case 5:
		return huge[get8(in) % RTE_DIM(huge)];
	case 6:
		return get(in, 3);
	default:
		return (size_t)get(in, 8);
	}
}

/*
 * set_cache_budget: EINVAL above RTE_MAX_LCORE (nothing changes); one lcore
 * or all (RTE_MAX_LCORE: the default, and every lcore's own setting). The
 * calling thread's caches follow at once. get_cache_budget: the model's
 * budget, or 0 with rte_errno EINVAL.
 */
static void
op_budget(struct input *in)
{
	unsigned int self = rte_lcore_id(), id = get_lcore(in), other = get_lcore(in), i;
	size_t bytes = get_budget(in), got;
	bool set = get8(in) % 4 != 0;
	struct rte_fastmem_lcore_stats ls;
	int rc;

	if (set) {
		rte_errno = 0;
		rc = rte_fastmem_set_cache_budget(id, bytes);
		trace("set_cache_budget(%u, %zu) = %d", id, bytes, rc);
		expect("set_cache_budget", rc == 0, -rc, id > RTE_MAX_LCORE ? ERR_EINVAL : 0);
		if (rc == 0 && id == RTE_MAX_LCORE) {
			m.budget_default = bytes;
			for (i = 0; i < RTE_MAX_LCORE; i++)
				m.budget_set[i] = false;
		} else if (rc == 0) {
			m.budget[id] = bytes;
			m.budget_set[id] = true;
		}
		if (rc == 0 && (id == self || id == RTE_MAX_LCORE)) {
			CHECK(rte_fastmem_stats_lcore(self, &ls) == 0, "stats_lcore");
			trace("stats_lcore(%u): cache_bytes %" PRIu64 ", cache_budget %" PRIu64,
				self, ls.cache_bytes, ls.cache_budget);
			check_cache(&ls);
			/* The caches gave objects back: every count still balances. */
			check_totals();
		}
	}
	rte_errno = 0;
	got = rte_fastmem_get_cache_budget(other);
	trace("get_cache_budget(%u) = %zu, rte_errno %d", other, got, rte_errno);
	if (other > RTE_MAX_LCORE)
		CHECK(got == 0 && rte_errno == EINVAL, "get_cache_budget(%u) = %zu, rte_errno %d",
			other, got, rte_errno);
	else
		CHECK(got == budget_of(other) && rte_errno == 0, "get_cache_budget(%u) = %zu, "
			"rte_errno %d, set to %zu", other, got, rte_errno, budget_of(other));
}

/*
 * set_decay: EINVAL above an hour (nothing changes), else on (or off with
 * 0); get_decay gives it back. With a short decay time, wait a little (a few
 * ms per input at most) for it to act while objects are live and cached.
 */
static void
op_decay(struct input *in)
{
	const unsigned int bad[] = { MAX_DECAY_MS + 1, MAX_DECAY_MS + 1000, INT_MAX,
		(unsigned int)INT_MAX + 1, UINT_MAX };
	unsigned int ms, wait_us;
	int rc, got;

	switch (get8(in) % 8) {
	case 0:
		ms = 0;
		break;
	case 1:
		ms = MAX_DECAY_MS - get8(in) % 2;
		break;
	case 2:
		ms = bad[get8(in) % RTE_DIM(bad)];
		break;
	case 3:
		ms = (unsigned int)get(in, 4);
		break;
	default:
		ms = 1 + get8(in) % 50;
	}
	rc = rte_fastmem_set_decay(ms);
	trace("set_decay(%u) = %d", ms, rc);
	if (ms > MAX_DECAY_MS) {
		CHECK(rc == -EINVAL, "set_decay(%u) = %d, not -EINVAL", ms, rc);
	} else {
		/* rte_eal_alarm_set() may fail: the decay is then off. */
		CHECK(rc <= 0 && rc != -EINVAL, "set_decay(%u) = %d", ms, rc);
		m.decay = rc == 0 ? ms : 0;
	}
	got = rte_fastmem_get_decay();
	trace("get_decay() = %d", got);
	CHECK(got == (int)m.decay, "get_decay() = %d, set to %u", got, m.decay);
	if (m.decay == 0 || m.decay > WAIT_DECAY_MS || get8(in) % 2 != 0)
		return;
	/* Long enough for a free memzone to go: 1.25 times the decay time, and a check. */
	wait_us = m.decay * 1000 * 2 + 1000;
	if (m.waited_us + wait_us > MAX_WAIT_US)
		return;
	m.waited_us += wait_us;
	trace("wait %u us", wait_us);
	usleep(wait_us);
}

/*
 * Free everything: then nothing is in use, every count balances, and
 * after a cache flush and a trim fastmem holds no memzone.
 */
static void
finish(void)
{
	void *ptrs[MAX_LIVE];
	unsigned int n = 0;
	int64_t released;
	uint64_t heap;

	m.op = MAX_OPS;
	while (m.n_live > 0)
		ptrs[n++] = take(m.n_live - 1).ptr;
	trace("finish: free_bulk(%u objects), unlimit, default budgets, no decay, cache_flush, "
		"trim", n);
	rte_fastmem_free_bulk(ptrs, n);
	CHECK(rte_fastmem_set_limit(SOCKET_ID_ANY, SIZE_MAX) == 0, "lift the limits");
	CHECK(rte_fastmem_set_cache_budget(RTE_MAX_LCORE, DEFAULT_BUDGET) == 0, "default budgets");
	m.budget_default = DEFAULT_BUDGET;
	memset(m.budget_set, 0, sizeof(m.budget_set));
	CHECK(rte_fastmem_set_decay(0) == 0, "decay off");
	m.decay = 0;
	rte_fastmem_cache_flush();
	released = rte_fastmem_trim();
	CHECK(released >= 0, "trim returned %" PRId64, released);
	check_totals();
	CHECK(fm_test_backing_memzones().count == 0, "memzones left after trim");
	heap = fm_test_heap_used();
	CHECK(heap <= env.heap_base, "EAL heap: %" PRIu64 " B in use after free, cache_flush and "
		"trim, %" PRIu64 " B at start-up (%" PRIu64 " B more)", heap, env.heap_base,
		heap - env.heap_base);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int i, op;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < MAX_NODES; i++)
		m.limit[i] = SIZE_MAX;
	m.budget_default = DEFAULT_BUDGET;
	rte_fastmem_stats_reset();
	for (m.op = 0; m.op < MAX_OPS && in.left > 0; m.op++) {
		op = get8(&in);
		if (op >= OP_EXT) {
			if ((op - OP_EXT) % 2 == 0)
				op_budget(&in);
			else
				op_decay(&in);
			continue;
		}
		switch (op % 20) {
		case 0:
		case 1:
			op_alloc(&in, false);
			break;
		case 2:
			op_alloc(&in, true);
			break;
		case 3:
		case 4:
			op_realloc(&in);
			break;
		case 5:
		case 6:
			op_free(&in);
			break;
		case 7:
			op_alloc_bulk(&in, false);
			break;
		case 8:
			op_alloc_bulk(&in, true);
			break;
		case 9:
			op_free_bulk(&in);
			break;
		case 10:
			op_hlookup(&in);
			break;
		case 11:
			op_halloc(&in, false);
			break;
		case 12:
			op_halloc(&in, true);
			break;
		case 13:
			op_hfree(&in);
			break;
		case 14:
			op_hfree_bulk(&in);
			break;
		case 15:
			op_limit(&in);
			break;
		case 16:
			op_reserve(&in);
			break;
		case 17:
			op_trim();
			break;
		case 18:
			trace("cache_flush()");
			rte_fastmem_cache_flush();
			break;
		default:
			op_stats(&in);
		}
	}
	finish();
	return 0;
}

/* The EAL arguments, kept for the life of the process as EAL may keep pointers to them. */
static char *eal_args_buf;
/* The runtime directory is ours to remove: the default, per-process prefix. */
static bool own_prefix;

/* Split FASTMEM_FUZZ_EAL (or the default) into EAL's argv. */
static int
eal_args(char **argv)
{
	const char *env_args = getenv("FASTMEM_FUZZ_EAL");
	static char prog[] = "fuzz_fastmem";
	char *tok, *save;
	int argc = 0;

	own_prefix = env_args == NULL;
	if (!own_prefix)
		eal_args_buf = strdup(env_args);
	else if (asprintf(&eal_args_buf, DEFAULT_EAL_ARGS " --file-prefix=fuzz_%d",
			(int)getpid()) < 0)
		eal_args_buf = NULL;
	if (eal_args_buf == NULL)
		return -1;
	argv[argc++] = prog;
	for (tok = strtok_r(eal_args_buf, " ", &save); tok != NULL && argc < MAX_EAL_ARGS;
			tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return tok == NULL ? argc : -1;
}

/* At exit: give EAL's memory back, and remove its runtime directory if the prefix is ours. */
static void
cleanup(void)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	rte_fastmem_deinit();
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	d = own_prefix ? opendir(dir) : NULL;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

static void
fatal(const char *what, int rc)
{
	fprintf(stderr, "fuzz_fastmem: %s failed: %d (%s)\n", what, rc, rte_strerror(-rc));
	exit(1);
}

/*
 * EAL's heap with nothing allocated: fastmem's state, this process's record
 * and the calling lcore's row, which fastmem keeps for the life of the
 * process and creates at first use; so measure after a first small and
 * large object on each node, a cache flush (which frees the caches' arrays)
 * and a trim (the memzones).
 */
static void
heap_baseline(void)
{
	size_t large = env.sizes[env.n_classes - 1] + 1;
	unsigned int i;
	void *p, *q;

	for (i = 0; i < env.n_valid; i++) {
		p = rte_fastmem_alloc_socket(64, 0, 0, env.valid[i]);
		q = rte_fastmem_alloc_socket(large, 0, 0, env.valid[i]);
		if (p == NULL || q == NULL)
			fatal("rte_fastmem_alloc_socket", -rte_errno);
		rte_fastmem_free(p);
		rte_fastmem_free(q);
	}
	rte_fastmem_cache_flush();
	if (rte_fastmem_trim() < 0 || fm_test_backing_memzones().count != 0)
		fatal("rte_fastmem_trim", -EBUSY);
	env.heap_base = fm_test_heap_used();
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	char *eal_argv[MAX_EAL_ARGS + 1];
	unsigned int c, i;
	int n, node, rc;

	n = eal_args(eal_argv);
	if (n < 0)
		fatal("FASTMEM_FUZZ_EAL (at most " RTE_STR(MAX_EAL_ARGS) " arguments)", -E2BIG);
	rc = rte_eal_init(n, eal_argv);
	if (rc < 0)
		fatal("rte_eal_init", -rte_errno);
	rc = rte_fastmem_init();
	if (rc != 0)
		fatal("rte_fastmem_init", rc);
	atexit(cleanup);
	env.trace = getenv("FASTMEM_FUZZ_TRACE") != NULL;
	env.n_classes = rte_fastmem_classes(NULL);
	if (env.n_classes > MAX_CLASSES)
		fatal("rte_fastmem_classes", -E2BIG);
	rte_fastmem_classes(env.sizes);
	env.max_size = rte_fastmem_max_size();
	env.nodes = fm_test_memory_nodes();
	env.memless = -1;
	for (node = 0; node < MAX_NODES; node++) {
		if (has_memory(node))
			env.valid[env.n_valid++] = node;
		else
			env.memless = node;
	}
	if (env.n_valid == 0)
		fatal("EAL memory", -ENOMEM);
	env.home = rte_fastmem_thread_node();
	if (!has_memory(env.home))
		env.home = -1;
	env.in_place = fm_test_realloc_in_place();
	/* A handle's objects hold their class size, less what the build adds. */
	for (c = 0; c < env.n_classes; c++) {
		env.hsize[c] = env.sizes[c] - fm_test_overhead();
		if (env.hsize[c] == 0 || class_of(env.hsize[c], 0) != c) {
			env.hsize[c] = 0;
			continue;
		}
		env.hcls[env.n_hcls++] = c;
		for (i = 0; i < env.n_valid; i++) {
			rc = rte_fastmem_hlookup(env.hsize[c], 0, env.valid[i],
				&env.handle[c][env.valid[i]]);
			if (rc != 0)
				fatal("rte_fastmem_hlookup", rc);
		}
	}
	if (rte_fastmem_get_cache_budget(RTE_MAX_LCORE) != DEFAULT_BUDGET ||
			rte_fastmem_get_cache_budget(rte_lcore_id()) != DEFAULT_BUDGET)
		fatal("rte_fastmem_get_cache_budget (not the default)", -EINVAL);
	if (rte_fastmem_get_decay() != 0)
		fatal("rte_fastmem_get_decay (not off)", -EINVAL);
	heap_baseline();
	return 0;
}
