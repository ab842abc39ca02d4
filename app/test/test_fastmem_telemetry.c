/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_telemetry_autotest: the /fastmem/... telemetry endpoints,
 * rte_fastmem_dump() and dpdk-fastmem-info stats.
 *
 * The test allocates a known set of objects (from this lcore and from a
 * thread without lcore id, which takes the shared path), then queries
 * every endpoint over its own telemetry socket, as dpdk-telemetry.py
 * does, and checks each reply against the statistics calls made right
 * after it: nothing allocates in between, so the numbers are the same.
 * Bad parameters must give a null reply. The dump is read back from a
 * memory stream. Last, the two clients run as subprocesses against this
 * process: dpdk-telemetry.py (Debian package dpdk-dev) and
 * dpdk-fastmem-info, next to dpdk-test; each case skips when its client
 * is missing. Without a telemetry socket (--no-telemetry) all skip.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_thread.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_layout.h"
#include "fastmem_topology.h"
#include "test.h"

#define MIB (UINT64_C(1) << 20)
#define LARGE_SIZE (3 * MIB)

/*
 * The known set. Each size leaves a different number of live objects: the
 * class of a size is found by that number (debug builds add a trailer to
 * every object, which can move a size to the next class).
 */
#define N_SMALL 100     /* 24 B, SMALL_FREED of them freed */
#define SMALL_FREED 40
#define N_MEDIUM 10     /* 1000 B */
#define N_BIG 3         /* 100000 B */
#define N_THREAD 6      /* 200 B from a thread without lcore id, THREAD_FREED freed */
#define THREAD_FREED 2
#define N_LIVE (N_SMALL - SMALL_FREED + N_MEDIUM + N_BIG + 1 + N_THREAD - THREAD_FREED)

static int tel_fd = -1;
static char *reply;          /* the last reply, see query() */
static size_t reply_len;     /* the server's max_output_len */
static char prefix[NAME_MAX + 1]; /* this process's --file-prefix */
static char run_dir[PATH_MAX]; /* what EAL took as runtime directory, without /dpdk/<prefix> */

/* A statistics field, to compare with the member of the same name in a reply. */
struct field {
	const char *name;
	size_t offset;
};

#define FIELD(type, f) { #f, offsetof(type, f) }

/*
 * The sum of the cache counters, which every statistics structure but the
 * global one has: 0 when a thread (or a thread's class) has no activity.
 */
#define CACHE_SUM(s) ((s)->alloc_cache_hits + (s)->alloc_cache_misses + (s)->alloc_nomem + \
	(s)->free_cache_hits + (s)->free_cache_misses)

static const struct field global_fields[] = {
	FIELD(struct rte_fastmem_stats, bytes_backing),
	FIELD(struct rte_fastmem_stats, bytes_in_use),
	FIELD(struct rte_fastmem_stats, alloc_total),
	FIELD(struct rte_fastmem_stats, free_total),
	FIELD(struct rte_fastmem_stats, alloc_nomem),
	FIELD(struct rte_fastmem_stats, objs_in_use),
	FIELD(struct rte_fastmem_stats, bytes_free_slabs),
	FIELD(struct rte_fastmem_stats, bytes_wasted),
};

static const struct field class_fields[] = {
	FIELD(struct rte_fastmem_class_stats, class_size),
	FIELD(struct rte_fastmem_class_stats, in_use),
	FIELD(struct rte_fastmem_class_stats, alloc_cache_hits),
	FIELD(struct rte_fastmem_class_stats, alloc_cache_misses),
	FIELD(struct rte_fastmem_class_stats, alloc_nomem),
	FIELD(struct rte_fastmem_class_stats, free_cache_hits),
	FIELD(struct rte_fastmem_class_stats, free_cache_misses),
	FIELD(struct rte_fastmem_class_stats, slab_acquires),
	FIELD(struct rte_fastmem_class_stats, slab_releases),
	FIELD(struct rte_fastmem_class_stats, slabs_partial),
	FIELD(struct rte_fastmem_class_stats, slabs_full),
	FIELD(struct rte_fastmem_class_stats, slabs_empty),
	FIELD(struct rte_fastmem_class_stats, objs_cached),
	FIELD(struct rte_fastmem_class_stats, bytes_wasted),
};

static const struct field lcore_fields[] = {
	FIELD(struct rte_fastmem_lcore_stats, alloc_cache_hits),
	FIELD(struct rte_fastmem_lcore_stats, alloc_cache_misses),
	FIELD(struct rte_fastmem_lcore_stats, alloc_nomem),
	FIELD(struct rte_fastmem_lcore_stats, free_cache_hits),
	FIELD(struct rte_fastmem_lcore_stats, free_cache_misses),
};

static const struct field lcore_class_fields[] = {
	FIELD(struct rte_fastmem_lcore_class_stats, alloc_cache_hits),
	FIELD(struct rte_fastmem_lcore_class_stats, alloc_cache_misses),
	FIELD(struct rte_fastmem_lcore_class_stats, alloc_nomem),
	FIELD(struct rte_fastmem_lcore_class_stats, free_cache_hits),
	FIELD(struct rte_fastmem_lcore_class_stats, free_cache_misses),
};

/*
 * Replies are compact JSON ({"a":1,"b":{"c":"d"}}) of numbers, strings
 * without escapes and objects: enough to find members by scanning.
 */

/* The value of a member at the top level of the object at obj, or NULL. */
static const char *
member(const char *obj, const char *name)
{
	size_t len = strlen(name);
	const char *p;
	int depth = 0;

	for (p = obj; *p != '\0'; p++) {
		switch (*p) {
		case '{':
			depth++;
			break;
		case '}':
			if (--depth == 0)
				return NULL;
			break;
		case '"':
			/* A key follows '{' or ','; a string value follows ':'. */
			if (depth == 1 && p[-1] != ':' && strncmp(p + 1, name, len) == 0 &&
					p[len + 1] == '"' && p[len + 2] == ':')
				return p + len + 3;
			p = strchr(p + 1, '"');
			if (p == NULL)
				return NULL;
			break;
		}
	}
	return NULL;
}

/* Members of the object at obj whose value is an object. */
static unsigned int
count_objects(const char *obj)
{
	unsigned int n = 0;
	const char *p;
	int depth = 0;

	for (p = obj; *p != '\0'; p++) {
		if (*p == '{' && ++depth == 2)
			n++;
		else if (*p == '}' && --depth == 0)
			break;
	}
	return n;
}

static int
member_u64(const char *obj, const char *name, uint64_t *v)
{
	const char *s = member(obj, name);
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == ',' || *end == '}' ? 0 : -1;
}

static int
member_i64(const char *obj, const char *name, int64_t *v)
{
	const char *s = member(obj, name);
	char *end;

	if (s == NULL)
		return -1;
	*v = strtoll(s, &end, 10);
	return end != s && (*end == ',' || *end == '}') ? 0 : -1;
}

/* Every field of a statistics structure is in the object, with the same value. */
static int
check_fields(const char *obj, const void *stats, const struct field *fields, unsigned int n,
		const char *what)
{
	uint64_t got, want;
	unsigned int i;

	TEST_ASSERT(obj != NULL && *obj == '{', "%s: no object", what);
	for (i = 0; i < n; i++) {
		memcpy(&want, (const char *)stats + fields[i].offset, sizeof(want));
		TEST_ASSERT_SUCCESS(member_u64(obj, fields[i].name, &got), "%s: no %s in %s",
			what, fields[i].name, obj);
		TEST_ASSERT_EQUAL(got, want, "%s: %s %" PRIu64 " in telemetry, %" PRIu64
			" from the statistics call", what, fields[i].name, got, want);
	}
	return TEST_SUCCESS;
}

/*
 * Send a command, return the value of the reply {"<command>":<value>}
 * (valid until the next query), or NULL if the socket fails.
 */
static const char *
query(const char *cmd)
{
	const char *colon;
	ssize_t n;

	if (send(tel_fd, cmd, strlen(cmd), 0) < 0)
		return NULL;
	n = recv(tel_fd, reply, reply_len, 0);
	if (n <= 0)
		return NULL;
	reply[n] = '\0';
	colon = strstr(reply, "\":");
	return colon != NULL ? colon + 2 : NULL;
}

/* The reply is "null": the command failed. */
static int
check_null(const char *cmd)
{
	const char *v = query(cmd);

	TEST_ASSERT_NOT_NULL(v, "%s: no reply", cmd);
	TEST_ASSERT(strcmp(v, "null}") == 0, "%s: expected null, got %s", cmd, reply);
	return TEST_SUCCESS;
}

static int
check_nulls(const char * const *cmds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (check_null(cmds[i]) != TEST_SUCCESS)
			return TEST_FAILED;
	return TEST_SUCCESS;
}

static int
suite_setup(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *rt = rte_eal_get_runtime_dir();
	const char *base = strrchr(rt, '/');
	char hello[1024];
	uint64_t max_len;
	ssize_t n;

	/* EAL's runtime directory is <run_dir>/dpdk/<prefix>. */
	if (base == NULL || (size_t)(base - rt) < strlen("/dpdk") ||
			strncmp(base - strlen("/dpdk"), "/dpdk", strlen("/dpdk")) != 0) {
		printf("unexpected runtime directory %s\n", rt);
		return TEST_FAILED;
	}
	snprintf(prefix, sizeof(prefix), "%s", base + 1);
	snprintf(run_dir, sizeof(run_dir), "%.*s", (int)(base - rt - strlen("/dpdk")), rt);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2", rt);
	tel_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	TEST_ASSERT(tel_fd >= 0, "socket: %s", strerror(errno));
	if (connect(tel_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		printf("no telemetry socket %s (%s): EAL runs without telemetry\n", sun.sun_path,
			strerror(errno));
		close(tel_fd);
		tel_fd = -1;
		return TEST_SKIPPED;
	}
	n = recv(tel_fd, hello, sizeof(hello) - 1, 0);
	TEST_ASSERT(n > 0, "no greeting from the telemetry socket");
	hello[n] = '\0';
	TEST_ASSERT_SUCCESS(member_u64(hello, "max_output_len", &max_len), "greeting %s", hello);
	reply_len = max_len;
	reply = malloc(reply_len + 1);
	TEST_ASSERT_NOT_NULL(reply, "no memory");
	return TEST_SUCCESS;
}

static void
suite_teardown(void)
{
	close(tel_fd);
	tel_fd = -1;
	free(reply);
	reply = NULL;
}

/* A thread without lcore id: its calls take the shared path. */
static uint32_t
thread_body(void *arg)
{
	bool *ok = arg;
	void *objs[N_THREAD];
	unsigned int i;

	for (i = 0; i < N_THREAD; i++) {
		objs[i] = rte_fastmem_alloc(200, 0, 0);
		if (objs[i] == NULL)
			return 0;
	}
	for (i = 0; i < THREAD_FREED; i++)
		rte_fastmem_free(objs[i]);
	*ok = true;
	return 0;
}

static int
alloc_known_set(void)
{
	void *small[N_SMALL];
	bool thread_ok = false;
	unsigned int i;
	rte_thread_t t;

	for (i = 0; i < N_SMALL; i++) {
		small[i] = rte_fastmem_alloc(24, 0, 0);
		TEST_ASSERT_NOT_NULL(small[i], "alloc 24");
	}
	for (i = 0; i < SMALL_FREED; i++)
		rte_fastmem_free(small[i]);
	for (i = 0; i < N_MEDIUM; i++)
		TEST_ASSERT_NOT_NULL(rte_fastmem_alloc(1000, 0, 0), "alloc 1000");
	for (i = 0; i < N_BIG; i++)
		TEST_ASSERT_NOT_NULL(rte_fastmem_alloc(100000, 0, 0), "alloc 100000");
	TEST_ASSERT_NOT_NULL(rte_fastmem_alloc(LARGE_SIZE, 0, 0), "alloc large");
	TEST_ASSERT_SUCCESS(rte_thread_create(&t, NULL, thread_body, &thread_ok),
		"rte_thread_create");
	TEST_ASSERT_SUCCESS(rte_thread_join(t, NULL), "rte_thread_join");
	TEST_ASSERT(thread_ok, "allocation in the thread failed");
	return TEST_SUCCESS;
}

/* The known set; rte_fastmem_deinit() in the teardown frees it. */
static int
objs_setup(void)
{
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init");
	if (alloc_known_set() != TEST_SUCCESS) {
		rte_fastmem_deinit();
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
objs_teardown(void)
{
	rte_fastmem_deinit();
}

/* Output of a shell command, NUL-terminated; returns its exit status or -1. */
static int
run(const char *cmd, char *out, size_t len)
{
	size_t n = 0, r;
	FILE *p;
	int status;

	printf("running: %s\n", cmd);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
test_not_initialized(void)
{
	static const char * const cmds[] = {
		"/fastmem/classes", "/fastmem/class,64", "/fastmem/lcores", "/fastmem/lcore,0",
		"/fastmem/nodes", "/fastmem/memzones",
	};
	struct rte_fastmem_stats s;
	const char *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (rte_fastmem_stats(&s) == 0) {
		printf("fastmem is initialized (by an earlier test?)\n");
		return TEST_SKIPPED;
	}
	v = query("/fastmem/stats");
	TEST_ASSERT(v != NULL && strcmp(v, "{\"initialized\":0}}") == 0,
		"/fastmem/stats before init: %s", reply);
	if (check_nulls(cmds, RTE_DIM(cmds)) != TEST_SUCCESS)
		return TEST_FAILED;

	f = open_memstream(&buf, &len);
	TEST_ASSERT_NOT_NULL(f, "open_memstream");
	rte_fastmem_dump(f);
	fclose(f);
	TEST_ASSERT(strcmp(buf, "fastmem: not initialized\n") == 0, "dump: \"%s\"", buf);
	free(buf);
	rte_fastmem_dump(NULL);
	return TEST_SUCCESS;
}

static int
test_stats(void)
{
	struct rte_fastmem_stats s;
	const char *v = query("/fastmem/stats");
	uint64_t x;

	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&s), "stats");
	TEST_ASSERT_EQUAL(s.objs_in_use, (uint64_t)N_LIVE, "live objects");
	if (check_fields(v, &s, global_fields, RTE_DIM(global_fields), "/fastmem/stats") != 0)
		return TEST_FAILED;
	TEST_ASSERT(member_u64(v, "initialized", &x) == 0 && x == 1, "initialized: %s", v);
	TEST_ASSERT(member_u64(v, "n_classes", &x) == 0 && x == s.n_classes, "n_classes: %s", v);
	TEST_ASSERT(member_u64(v, "slab_size", &x) == 0 && x == RTE_FASTMEM_SLAB_SIZE,
		"slab_size: %s", v);
	return TEST_SUCCESS;
}

/* The class with n live objects; 0 if none. */
static size_t
class_with(uint64_t n)
{
	size_t sizes[__RTE_FASTMEM_NUM_CLASSES];
	struct rte_fastmem_class_stats s;
	unsigned int i, n_classes = rte_fastmem_classes(sizes);

	for (i = 0; i < n_classes; i++)
		if (rte_fastmem_stats_class(sizes[i], &s) == 0 && s.in_use == n)
			return sizes[i];
	return 0;
}

/* Live objects, slabs or counts: anything but the size (bytes_wasted follows in_use). */
static bool
class_active(const struct rte_fastmem_class_stats *s)
{
	return s->in_use + CACHE_SUM(s) + s->slab_acquires + s->slab_releases +
		s->slabs_partial + s->slabs_full + s->slabs_empty + s->objs_cached != 0;
}

static int
test_classes(void)
{
	static const char * const bad[] = {
		"/fastmem/classes,abc", "/fastmem/classes,-1", "/fastmem/classes,1000x",
	};
	size_t sizes[__RTE_FASTMEM_NUM_CLASSES];
	struct rte_fastmem_class_stats s;
	unsigned int i, n, n_active = 0;
	size_t small, medium;
	char name[64];
	const char *v, *e;
	int64_t next;

	n = rte_fastmem_classes(sizes);
	v = query("/fastmem/classes");
	TEST_ASSERT(v != NULL && *v == '{', "/fastmem/classes: %s", reply);
	TEST_ASSERT(member_i64(v, "next", &next) == 0 && next == -1,
		"a few classes take one page: %s", v);
	for (i = 0; i < n; i++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(sizes[i], &s), "class stats");
		snprintf(name, sizeof(name), "%zu", sizes[i]);
		e = member(v, name);
		if (!class_active(&s)) {
			TEST_ASSERT_NULL(e, "class %s has no activity, yet is listed", name);
			continue;
		}
		n_active++;
		if (check_fields(e, &s, class_fields, RTE_DIM(class_fields), name) != 0)
			return TEST_FAILED;
	}
	TEST_ASSERT_EQUAL(count_objects(v), n_active, "listed classes");
	/* The known set: one class per size. */
	TEST_ASSERT_EQUAL(n_active, 4u, "active classes");
	small = class_with(N_SMALL - SMALL_FREED);
	medium = class_with(N_MEDIUM);
	TEST_ASSERT(small != 0 && medium > small, "classes of 24 and 1000 B");

	/* A page from a size on: the first class at least that large. */
	snprintf(name, sizeof(name), "/fastmem/classes,%zu", medium - 1);
	v = query(name);
	snprintf(name, sizeof(name), "{\"%zu\":{", medium);
	TEST_ASSERT(v != NULL && strncmp(v, name, strlen(name)) == 0, "%s", reply);
	snprintf(name, sizeof(name), "%zu", small);
	TEST_ASSERT_NULL(member(v, name), "class %s before %zu: %s", name, medium - 1, v);
	v = query("/fastmem/classes,1000000");
	TEST_ASSERT(v != NULL && strcmp(v, "{\"next\":-1}}") == 0, "beyond: %s", reply);
	return check_nulls(bad, RTE_DIM(bad));
}

static int
test_class(void)
{
	static const char * const bad[] = {
		"/fastmem/class,65", "/fastmem/class", "/fastmem/class,", "/fastmem/class,1024x",
		"/fastmem/class,-16", "/fastmem/class,99999999999999999999999",
	};
	size_t medium = class_with(N_MEDIUM);
	struct rte_fastmem_class_stats s;
	char cmd[64];
	const char *v;

	TEST_ASSERT(medium != 0, "class of 1000 B");
	snprintf(cmd, sizeof(cmd), "/fastmem/class,%zu", medium);
	v = query(cmd);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(medium, &s), "class stats");
	if (check_fields(v, &s, class_fields, RTE_DIM(class_fields), cmd) != 0)
		return TEST_FAILED;
	/* A class without activity is still a class. */
	v = query("/fastmem/class,16");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(16, &s), "class 16");
	if (check_fields(v, &s, class_fields, RTE_DIM(class_fields), "/fastmem/class,16") != 0)
		return TEST_FAILED;
	return check_nulls(bad, RTE_DIM(bad));
}

static bool
lcore_active(const struct rte_fastmem_lcore_stats *s)
{
	return CACHE_SUM(s) != 0;
}

static int
test_lcores(void)
{
	struct rte_fastmem_lcore_stats s;
	unsigned int lcore_id, n_active = 0;
	const char *v, *e;
	char name[16];
	int64_t next;

	v = query("/fastmem/lcores");
	TEST_ASSERT(v != NULL && *v == '{', "/fastmem/lcores: %s", reply);
	TEST_ASSERT(member_i64(v, "next", &next) == 0 && next == -1, "one page: %s", v);
	for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(lcore_id, &s), "lcore stats");
		snprintf(name, sizeof(name), "%u", lcore_id);
		e = member(v, name);
		if (!lcore_active(&s)) {
			TEST_ASSERT_NULL(e, "lcore %u has no activity, yet is listed", lcore_id);
			continue;
		}
		n_active++;
		if (check_fields(e, &s, lcore_fields, RTE_DIM(lcore_fields), name) != 0)
			return TEST_FAILED;
	}
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_lcore(rte_lcore_id(), &s), "own stats");
	TEST_ASSERT(lcore_active(&s), "this lcore allocated");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_shared(&s), "shared stats");
	TEST_ASSERT_EQUAL(s.alloc_cache_misses, (uint64_t)N_THREAD, "shared allocations");
	if (check_fields(member(v, "shared"), &s, lcore_fields, RTE_DIM(lcore_fields),
			"shared") != 0)
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(count_objects(v), n_active + 1, "listed lcores");
	return check_null("/fastmem/lcores,x");
}

/* /fastmem/lcore,<id> against the per-class calls of one thread (lcore id or shared). */
static int
check_lcore(const char *cmd, unsigned int lcore_id, bool shared)
{
	struct rte_fastmem_lcore_class_stats cs;
	size_t sizes[__RTE_FASTMEM_NUM_CLASSES];
	struct rte_fastmem_lcore_stats s;
	unsigned int i, n, n_active = 0;
	const char *v = query(cmd), *e;
	char name[32];
	int64_t next;

	TEST_ASSERT_SUCCESS((shared ? rte_fastmem_stats_shared(&s) :
		rte_fastmem_stats_lcore(lcore_id, &s)), "stats");
	if (check_fields(v, &s, lcore_fields, RTE_DIM(lcore_fields), cmd) != 0)
		return TEST_FAILED;
	TEST_ASSERT(member_i64(v, "next", &next) == 0 && next == -1, "one page: %s", v);
	n = rte_fastmem_classes(sizes);
	for (i = 0; i < n; i++) {
		TEST_ASSERT_SUCCESS((shared ? rte_fastmem_stats_shared_class(sizes[i], &cs) :
			rte_fastmem_stats_lcore_class(lcore_id, sizes[i], &cs)), "class stats");
		snprintf(name, sizeof(name), "%zu", sizes[i]);
		e = member(v, name);
		if (CACHE_SUM(&cs) == 0) {
			TEST_ASSERT_NULL(e, "%s: class %s has no activity, yet is listed", cmd,
				name);
			continue;
		}
		n_active++;
		if (check_fields(e, &cs, lcore_class_fields, RTE_DIM(lcore_class_fields),
				name) != 0)
			return TEST_FAILED;
	}
	TEST_ASSERT_EQUAL(count_objects(v), n_active, "%s: listed classes", cmd);
	return TEST_SUCCESS;
}

static int
test_lcore(void)
{
	static const char * const bad[] = {
		"/fastmem/lcore,9999", "/fastmem/lcore", "/fastmem/lcore,abc", "/fastmem/lcore,0,x",
		"/fastmem/lcore,0x", "/fastmem/lcore,sharedx",
	};
	size_t small = class_with(N_SMALL - SMALL_FREED), medium = class_with(N_MEDIUM);
	char cmd[64], s_name[32], m_name[32];
	const char *v;

	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", rte_lcore_id());
	if (check_lcore(cmd, rte_lcore_id(), false) != 0 ||
			check_lcore("/fastmem/lcore,shared", 0, true) != 0)
		return TEST_FAILED;
	/* From a class size on. */
	TEST_ASSERT(small != 0 && medium > small, "classes of 24 and 1000 B");
	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u,%zu", rte_lcore_id(), medium - 1);
	snprintf(s_name, sizeof(s_name), "%zu", small);
	snprintf(m_name, sizeof(m_name), "%zu", medium);
	v = query(cmd);
	TEST_ASSERT(v != NULL && member(v, s_name) == NULL && member(v, m_name) != NULL,
		"%s: %s", cmd, reply);
	snprintf(cmd, sizeof(cmd), "/fastmem/lcore,%u", RTE_MAX_LCORE);
	if (check_null(cmd) != TEST_SUCCESS)
		return TEST_FAILED;
	return check_nulls(bad, RTE_DIM(bad));
}

static int
test_nodes(void)
{
	uint64_t backing = 0, in_use = 0, objs = 0, free_slabs = 0, x;
	struct rte_fastmem_node_info info;
	struct rte_fastmem_node_stats ns;
	struct rte_fastmem_stats s;
	char name[16], tier[64];
	const char *v, *e;
	int64_t limit;
	int node, first = -1;

	v = query("/fastmem/nodes");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&s), "stats");
	TEST_ASSERT(v != NULL && *v == '{', "/fastmem/nodes: %s", reply);
	for (node = 0; node < RTE_MAX_NUMA_NODES; node++) {
		snprintf(name, sizeof(name), "%d", node);
		e = member(v, name);
		if (rte_fastmem_node_info(node, &info) == 0) {
			TEST_ASSERT_NOT_NULL(e, "node %d missing: %s", node, v);
			snprintf(tier, sizeof(tier), "\"tier\":\"%s\"",
				fastmem_topo_tier_name(info.tier));
			TEST_ASSERT_NOT_NULL(strstr(e, tier), "node %d: %s", node, e);
			TEST_ASSERT(member_u64(e, "capacity", &x) == 0 && x == info.capacity &&
				member_u64(e, "n_cpus", &x) == 0 && x == info.n_cpus &&
				member_u64(e, "is_default", &x) == 0 &&
				x == (uint64_t)info.is_default &&
				member_u64(e, "eal_usable", &x) == 0 &&
				x == (uint64_t)info.eal_usable,
				"node %d: %s", node, e);
		}
		if (e == NULL)
			continue;
		if (first < 0)
			first = node;
		TEST_ASSERT(member_i64(e, "limit", &limit) == 0 && limit == -1,
			"node %d: no limit is -1: %s", node, e);
		TEST_ASSERT(member_u64(e, "bytes_backing", &x) == 0, "node %d: %s", node, e);
		backing += x;
		TEST_ASSERT(member_u64(e, "bytes_in_use", &x) == 0, "node %d: %s", node, e);
		in_use += x;
		TEST_ASSERT(member_u64(e, "objs_in_use", &x) == 0, "node %d: %s", node, e);
		objs += x;
		TEST_ASSERT(member_u64(e, "bytes_free_slabs", &x) == 0, "node %d: %s", node, e);
		free_slabs += x;
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &ns), "stats_node %d", node);
		TEST_ASSERT(member_u64(e, "headroom", &x) == 0 && x == ns.headroom &&
			member_u64(e, "grows_inline", &x) == 0 && x == ns.grows_inline &&
			member_u64(e, "grows_ahead", &x) == 0 && x == ns.grows_ahead,
			"node %d: growth counts: %s", node, e);
	}
	TEST_ASSERT(first >= 0, "no node: %s", v);
	TEST_ASSERT_EQUAL(backing, s.bytes_backing, "backing bytes of the nodes");
	TEST_ASSERT_EQUAL(in_use, s.bytes_in_use, "bytes in use of the nodes");
	TEST_ASSERT_EQUAL(objs, s.objs_in_use, "objects of the nodes");
	TEST_ASSERT_EQUAL(free_slabs, s.bytes_free_slabs, "free slab bytes of the nodes");

	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(first, 1024 * MIB), "set limit");
	v = query("/fastmem/nodes");
	TEST_ASSERT_SUCCESS(rte_fastmem_set_limit(first, SIZE_MAX), "unset limit");
	snprintf(name, sizeof(name), "%d", first);
	TEST_ASSERT(v != NULL && member_u64(member(v, name), "limit", &x) == 0 &&
		x == 1024 * MIB, "limit of node %d: %s", first, reply);
	return check_null("/fastmem/nodes,x");
}

static int
test_memzones(void)
{
	uint64_t n_mz, segs = 0, free_slices = 0, len = 0, large = 0, large_bytes = 0, x;
	const char *v, *p, *objs, *bytes;
	struct rte_fastmem_stats s;
	unsigned int n_records = 0;
	char name[16];
	int64_t next;
	int node;

	v = query("/fastmem/memzones");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&s), "stats");
	TEST_ASSERT(v != NULL && *v == '{', "/fastmem/memzones: %s", reply);
	TEST_ASSERT(member_i64(v, "next", &next) == 0 && next == -1, "one page: %s", v);
	TEST_ASSERT_SUCCESS(member_u64(v, "memzones", &n_mz), "memzones: %s", v);
	/* Records are named like the memzones: fastmem_s<node>_<sequence>. */
	for (p = strstr(v, "\"fastmem_s"); p != NULL; p = strstr(p + 1, "\"fastmem_s")) {
		p = strchr(p + 1, '"') + 2;
		TEST_ASSERT(member_u64(p, "segments", &x) == 0, "record %s", p);
		segs += x;
		TEST_ASSERT(member_u64(p, "free_slices", &x) == 0, "record %s", p);
		free_slices += x;
		TEST_ASSERT(member_u64(p, "len", &x) == 0, "record %s", p);
		len += x;
		n_records++;
	}
	TEST_ASSERT_EQUAL((uint64_t)n_records, n_mz, "records listed");
	TEST_ASSERT_EQUAL(count_objects(v), n_records + 2, "records and the two large dicts");
	/* Each leaves EAL its tail, for the next one's malloc header. */
	TEST_ASSERT_EQUAL(len, segs * RTE_FASTMEM_SLAB_SIZE - n_records * FASTMEM_MZ_TAIL,
		"memzones' lengths");
	TEST_ASSERT_EQUAL(free_slices << __RTE_FASTMEM_SLICE_SHIFT, s.bytes_free_slabs,
		"free slices");
	objs = member(v, "large_objs");
	bytes = member(v, "large_bytes");
	TEST_ASSERT(objs != NULL && bytes != NULL, "large objects: %s", v);
	for (node = 0; node < RTE_MAX_NUMA_NODES; node++) {
		snprintf(name, sizeof(name), "%d", node);
		if (member_u64(objs, name, &x) == 0)
			large += x;
		if (member_u64(bytes, name, &x) == 0)
			large_bytes += x;
	}
	TEST_ASSERT_EQUAL(large, 1u, "one large object: %s", v);
	TEST_ASSERT_EQUAL(large_bytes, LARGE_SIZE, "its size: %s", v);
	TEST_ASSERT(s.bytes_backing >= len + large_bytes, "backing %" PRIu64 " < %" PRIu64,
		s.bytes_backing, len + large_bytes);
	return check_null("/fastmem/memzones,x");
}

static int
test_dump(void)
{
	size_t medium = class_with(N_MEDIUM), len = 0;
	struct rte_fastmem_node_info info;
	struct rte_fastmem_class_stats cs;
	struct rte_fastmem_stats s;
	char *buf = NULL, line[256];
	FILE *f;
	int node;

	TEST_ASSERT(medium != 0, "class of 1000 B");
	f = open_memstream(&buf, &len);
	TEST_ASSERT_NOT_NULL(f, "open_memstream");
	rte_fastmem_dump(f);
	fclose(f);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&s), "stats");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(medium, &cs), "class stats");
	printf("%s", buf);

	snprintf(line, sizeof(line), "bytes_backing=%" PRIu64 " bytes_in_use=%" PRIu64
		" objs_in_use=%d\n", s.bytes_backing, s.bytes_in_use, N_LIVE);
	TEST_ASSERT_NOT_NULL(strstr(buf, line), "no \"%s\"", line);
	snprintf(line, sizeof(line), "alloc_total=%" PRIu64 " free_total=%" PRIu64,
		s.alloc_total, s.free_total);
	TEST_ASSERT_NOT_NULL(strstr(buf, line), "no \"%s\"", line);
	snprintf(line, sizeof(line), "class %zu:\n  in_use=%d bytes_wasted=%" PRIu64
		" slabs_partial=%" PRIu64, medium, N_MEDIUM, cs.bytes_wasted, cs.slabs_partial);
	TEST_ASSERT_NOT_NULL(strstr(buf, line), "no \"%s\"", line);
	TEST_ASSERT_NULL(strstr(buf, "class 16:"), "class 16 has no activity");
	snprintf(line, sizeof(line), "lcore %u:\n", rte_lcore_id());
	TEST_ASSERT_NOT_NULL(strstr(buf, line), "no \"%s\"", line);
	TEST_ASSERT_NOT_NULL(strstr(buf, "shared (threads without lcore id):\n"), "no shared");
	for (node = 0; node < RTE_MAX_NUMA_NODES; node++) {
		if (rte_fastmem_node_info(node, &info) != 0)
			continue;
		snprintf(line, sizeof(line), "node %d: tier=%s", node,
			fastmem_topo_tier_name(info.tier));
		TEST_ASSERT_NOT_NULL(strstr(buf, line), "no \"%s\"", line);
	}
	free(buf);
	rte_fastmem_dump(NULL);
	return TEST_SUCCESS;
}

/* DPDK's own client, when installed, shows what the statistics calls show. */
static int
test_telemetry_py(void)
{
	static const char * const paths[] = {
		"/usr/bin/dpdk-telemetry.py", "/usr/share/dpdk/usertools/dpdk-telemetry.py",
	};
	char cmd[2 * PATH_MAX + 256], out[32768], want[128];
	size_t medium = class_with(N_MEDIUM);
	struct rte_fastmem_stats s;
	const char *script = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(paths) && script == NULL; i++)
		if (access(paths[i], R_OK) == 0)
			script = paths[i];
	if (script == NULL) {
		printf("dpdk-telemetry.py not found (Debian package dpdk-dev)\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT(medium != 0, "class of 1000 B");
	snprintf(cmd, sizeof(cmd), "printf '/fastmem/stats\\n/fastmem/class,%zu\\n' | "
		"RUNTIME_DIRECTORY='%s' python3 '%s' -f '%s'", medium, run_dir, script, prefix);
	ret = run(cmd, out, sizeof(out));
	if (ret == 127) {
		printf("python3 not found\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_EQUAL(ret, 0, "%s failed: %s", script, out);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats(&s), "stats");
	/* The script prints the replies with json.dumps(): ": " between key and value. */
	snprintf(want, sizeof(want), "\"objs_in_use\": %" PRIu64 ",", s.objs_in_use);
	TEST_ASSERT_NOT_NULL(strstr(out, want), "no %s in %s", want, out);
	snprintf(want, sizeof(want), "\"bytes_backing\": %" PRIu64 ",", s.bytes_backing);
	TEST_ASSERT_NOT_NULL(strstr(out, want), "no %s in %s", want, out);
	snprintf(want, sizeof(want), "{\"class_size\": %zu, \"in_use\": %d,", medium, N_MEDIUM);
	TEST_ASSERT_NOT_NULL(strstr(out, want), "no %s in %s", want, out);
	return TEST_SUCCESS;
}

/* dpdk-fastmem-info stats, built next to dpdk-test. */
static int
test_fastmem_info(void)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX + 256], out[65536], want[256];
	size_t medium = class_with(N_MEDIUM);
	struct rte_fastmem_class_stats cs;
	unsigned int found = 0;
	uint64_t size, objs;
	char *dir, *line;
	ssize_t len;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	TEST_ASSERT(len > 0, "readlink: %s", strerror(errno));
	exe[len] = '\0';
	dir = strrchr(exe, '/');
	TEST_ASSERT_NOT_NULL(dir, "path of dpdk-test");
	snprintf(dir + 1, sizeof(exe) - (size_t)(dir + 1 - exe), "dpdk-fastmem-info");
	snprintf(cmd, sizeof(cmd), "'%s' help stats 2>&1", exe);
	if (access(exe, X_OK) != 0 || run(cmd, out, sizeof(out)) != 0) {
		printf("%s is missing or has no stats command\n", exe);
		return TEST_SKIPPED;
	}

	snprintf(cmd, sizeof(cmd), "RUNTIME_DIRECTORY='%s' '%s' stats --file-prefix '%s'"
		" --json --count 1", run_dir, exe, prefix);
	TEST_ASSERT_EQUAL(run(cmd, out, sizeof(out)), 0, "%s: %s", cmd, out);
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_class(medium, &cs), "class stats");
	snprintf(want, sizeof(want), "\"objs_in_use\":%d,", N_LIVE);
	TEST_ASSERT_NOT_NULL(strstr(out, want), "no %s in %s", want, out);
	snprintf(want, sizeof(want), "\"%zu\":{\"class_size\":%zu,\"in_use\":%d,"
		"\"alloc_cache_hits\":%" PRIu64 ",\"alloc_cache_misses\":%" PRIu64 ",",
		medium, medium, N_MEDIUM, cs.alloc_cache_hits, cs.alloc_cache_misses);
	TEST_ASSERT_NOT_NULL(strstr(out, want), "no %s in %s", want, out);

	/* The table: a row per class, its size and live objects first. */
	snprintf(cmd, sizeof(cmd), "RUNTIME_DIRECTORY='%s' '%s' stats --file-prefix '%s'",
		run_dir, exe, prefix);
	TEST_ASSERT_EQUAL(run(cmd, out, sizeof(out)), 0, "%s: %s", cmd, out);
	printf("%s", out);
	for (line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n"))
		if (sscanf(line, "%" SCNu64 " %" SCNu64, &size, &objs) == 2 && size == medium &&
				objs == N_MEDIUM)
			found++;
	TEST_ASSERT_EQUAL(found, 1u, "one row for class %zu with %d objects", medium, N_MEDIUM);
	return TEST_SUCCESS;
}

static struct unit_test_suite telemetry_suite = {
	.suite_name = "fastmem telemetry autotest",
	.setup = suite_setup,
	.teardown = suite_teardown,
	.unit_test_cases = {
		TEST_CASE(test_not_initialized),
		TEST_CASE_ST(objs_setup, objs_teardown, test_stats),
		TEST_CASE_ST(objs_setup, objs_teardown, test_classes),
		TEST_CASE_ST(objs_setup, objs_teardown, test_class),
		TEST_CASE_ST(objs_setup, objs_teardown, test_lcores),
		TEST_CASE_ST(objs_setup, objs_teardown, test_lcore),
		TEST_CASE_ST(objs_setup, objs_teardown, test_nodes),
		TEST_CASE_ST(objs_setup, objs_teardown, test_memzones),
		TEST_CASE_ST(objs_setup, objs_teardown, test_dump),
		TEST_CASE_ST(objs_setup, objs_teardown, test_telemetry_py),
		TEST_CASE_ST(objs_setup, objs_teardown, test_fastmem_info),
		TEST_CASES_END()
	}
};

static int
test_fastmem_telemetry(void)
{
	return unit_test_suite_runner(&telemetry_suite);
}

REGISTER_FAST_TEST(fastmem_telemetry_autotest, true, true, test_fastmem_telemetry);
