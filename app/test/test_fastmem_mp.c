/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * fastmem_mp_autotest: secondary processes, through the public API only.
 *
 * - Objects cross between the processes both ways, contents intact.
 * - Secondaries that exit (after a cache flush, or a deinit) leave
 *   nothing of theirs in EAL's heap once the primary trims.
 * - objs_in_use is exact whichever process allocated or freed.
 * - A secondary killed in a loop of allocations: what its caches held is
 *   back at the primary's next trim.
 * - The primary deinits and inits again while a secondary is attached:
 *   the secondary never hands out objects of the old instance.
 * - A secondary cannot set a headroom, reads the primary's, and its
 *   allocations below it make the primary's thread grow the node back.
 *
 * A secondary is this program run again with --proc-type=secondary and a
 * child command; a control block in a memzone carries objects and steps
 * between the two. Secondaries need hugepages (with --no-huge the
 * primary's memory is private), so every case skips without them.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#include <rte_fastmem.h>
#include <rte_fastmem_topology.h>

#include "fastmem_test_util.h"
#include "test.h"

#define CTL_MZ "fastmem_test_mp"
#define CTL_OBJS 4000
/* How long either side waits for the other's step. */
#define STEP_TIMEOUT_MS 20000

/* Shared by the primary and its secondary. */
struct mp_ctl {
	RTE_ATOMIC(uint32_t) step;/* the last step reached, by either side */
	uint32_t n;     /* objects in objs[] */
	void *objs[CTL_OBJS];
};

static struct mp_ctl *
ctl_lookup(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(CTL_MZ);

	return mz != NULL ? mz->addr : NULL;
}

static void
step_set(struct mp_ctl *ctl, uint32_t step)
{
	rte_atomic_store_explicit(&ctl->step, step, rte_memory_order_release);
}

/*
 * Wait for step @p step: true when reached. With @p pid > 0, false as soon
 * as that process exited, its exit status in *status (-1: not a normal exit).
 */
static bool
step_wait(struct mp_ctl *ctl, uint32_t step, pid_t pid, int *status)
{
	unsigned int ms;
	int ws;

	for (ms = 0; ms < STEP_TIMEOUT_MS; ms++) {
		if (rte_atomic_load_explicit(&ctl->step, rte_memory_order_acquire) >= step)
			return true;
		if (pid > 0 && waitpid(pid, &ws, WNOHANG) == pid) {
			*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
			return false;
		}
		rte_delay_ms(1);
	}
	if (status != NULL)
		*status = -1;
	return false;
}

static uint64_t
backing(void)
{
	struct rte_fastmem_stats s;

	return rte_fastmem_stats(&s) == 0 ? s.bytes_backing : UINT64_MAX;
}

static uint64_t
objs_in_use(void)
{
	struct rte_fastmem_stats s;

	return rte_fastmem_stats(&s) == 0 ? s.objs_in_use : UINT64_MAX;
}

/*
 * A secondary runs this test too, as a child in the role its environment
 * names (as DPDK's own multi-process tests do): no test command per role.
 */
#define CHILD_ROLE_ENV "FASTMEM_MP_CHILD"

/* Start this program as a secondary in role @p role; its pid, or -1. */
static pid_t
spawn(const char *role)
{
	char prefix[64], exe[4096], name[] = "fastmem_mp_autotest";
	const char *rt = rte_eal_get_runtime_dir();
	const char *base = strrchr(rt, '/');
	ssize_t len;
	pid_t pid;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0 || base == NULL)
		return -1;
	exe[len] = '\0';
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", base + 1);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char proc[] = "--proc-type=secondary", pci[] = "--no-pci", lcores[] = "-l0";
		char log[] = "--log-level=lib.eal:error";
		char *const argv[] = { exe, proc, prefix, pci, lcores, log, name, NULL };

		/*
		 * The test is named on the command line: dpdk-test would run
		 * DPDK_TEST's too, and add DPDK_TEST_PARAMS (which DPDK's
		 * dpdk-test splits in place: the child would see a broken copy).
		 */
		unsetenv("DPDK_TEST");
		unsetenv("DPDK_TEST_PARAMS");
		if (setenv(CHILD_ROLE_ENV, role, 1) == 0)
			execv(exe, argv);
		_exit(127);
	}
	return pid;
}

/* Exit status of a secondary, or -1 if it did not exit normally. */
static int
reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * A secondary maps the primary's memory at the same addresses: when its
 * own libraries (or ASan's regions) were placed there, its EAL cannot
 * start (exit status TEST_EXIT_NO_EAL). Placement is random per exec: the
 * helpers below try again, a few times.
 */
#define START_ATTEMPTS 5

/*
 * DPDK's own dpdk-test has no distinct exit status for an EAL that could
 * not start: there, such a secondary fails the test at once.
 */
#ifndef TEST_EXIT_NO_EAL
#define TEST_EXIT_NO_EAL -1
#endif

/* Start a secondary in role @p role, and wait until it reached @p step; its pid, or -1. */
static pid_t
start_secondary(struct mp_ctl *ctl, const char *role, uint32_t step)
{
	unsigned int attempt;
	int status = -1;
	pid_t pid;

	for (attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
		step_set(ctl, 0);
		pid = spawn(role);
		if (pid < 0)
			return -1;
		if (step_wait(ctl, step, pid, &status))
			return pid;
		if (status != TEST_EXIT_NO_EAL) {
			printf("secondary %s: exit status %d before step %u\n", role, status, step);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
		printf("secondary %s: EAL could not start (attempt %u)\n", role, attempt);
	}
	return -1;
}

/* Run a secondary to its end; its exit status, or -1. */
static int
run_secondary(struct mp_ctl *ctl, const char *role)
{
	unsigned int attempt;
	int rc = -1;

	for (attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
		step_set(ctl, 0);
		rc = reap(spawn(role));
		if (rc != TEST_EXIT_NO_EAL)
			break;
		printf("secondary %s: EAL could not start (attempt %u)\n", role, attempt);
	}
	return rc;
}

static struct mp_ctl *
ctl_create(void)
{
	const struct rte_memzone *mz;

	mz = rte_memzone_reserve(CTL_MZ, sizeof(struct mp_ctl), SOCKET_ID_ANY, 0);
	if (mz == NULL)
		return NULL;
	memset(mz->addr, 0, sizeof(struct mp_ctl));
	return mz->addr;
}

static void
ctl_free(void)
{
	rte_memzone_free(rte_memzone_lookup(CTL_MZ));
}

/* Sizes of a mix of classes. */
static size_t
mixed_size(unsigned int i)
{
	return 16 + (i % 64) * 48;
}

/* Secondary: frees the primary's objects, allocates its own, hands 100 back. */
static int
child_exchange(void)
{
	struct mp_ctl *ctl = ctl_lookup();
	void *objs[500];
	unsigned int i;

	if (ctl == NULL)
		return TEST_FAILED;
	for (i = 0; i < 100; i++) {
		if (fm_test_check(ctl->objs[i], 64, i) != 64)
			return TEST_FAILED;
		rte_fastmem_free(ctl->objs[i]);
	}
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(64 + i, 0, 0);
		if (objs[i] == NULL)
			return TEST_FAILED;
		fm_test_fill(objs[i], 64, 1000 + i);
	}
	for (i = 0; i < RTE_DIM(objs); i++)
		if (fm_test_check(objs[i], 64, 1000 + i) != 64)
			return TEST_FAILED;
	for (i = 0; i < 100; i++)
		ctl->objs[i] = objs[i];
	rte_fastmem_free_bulk(&objs[100], RTE_DIM(objs) - 100);
	rte_fastmem_cache_flush();
	return TEST_SUCCESS;
}


/* Objects cross both ways: the secondary frees the primary's and allocates its own. */
static int
test_exchange(struct mp_ctl *ctl)
{
	unsigned int i;
	int rc;

	for (i = 0; i < 100; i++) {
		ctl->objs[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(ctl->objs[i], "alloc");
		fm_test_fill(ctl->objs[i], 64, i);
	}
	rte_fastmem_cache_flush();
	rc = run_secondary(ctl, "exchange");
	TEST_ASSERT_SUCCESS(rc, "secondary exited with %d", rc);
	/* Also a call before touching the secondary's objects (ASan builds: see the guide). */
	TEST_ASSERT_EQUAL(objs_in_use(), 100, "the secondary's objects in use");
	for (i = 0; i < 100; i++) {
		TEST_ASSERT_EQUAL(fm_test_check(ctl->objs[i], 64, 1000 + i), (size_t)64,
			"secondary object %u", i);
		rte_fastmem_free(ctl->objs[i]);
	}
	TEST_ASSERT_EQUAL(objs_in_use(), 0, "objects left in use");
	return TEST_SUCCESS;
}

/* Churn a mix of classes: the objects stay in the calling thread's caches. */
static int
churn(void)
{
	void *objs[1000];
	unsigned int i;

	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(mixed_size(i), 0, 0);
		if (objs[i] == NULL)
			return TEST_FAILED;
	}
	rte_fastmem_free_bulk(objs, RTE_DIM(objs));
	return TEST_SUCCESS;
}

/* Secondary: churns, flushes its cache and exits. */
static int
child_flush(void)
{
	int rc = churn();

	rte_fastmem_cache_flush();
	return rc;
}

/* Secondary: churns and calls rte_fastmem_deinit(), which must give its caches back. */
static int
child_deinit(void)
{
	int rc = churn();

	rte_fastmem_deinit();
	return rc;
}

/*
 * Secondaries that come and go leave nothing behind in EAL's heap once
 * the primary trims, whether they flushed or called deinit.
 */
static int
test_exit_returns_heap(struct mp_ctl *ctl)
{
	static const char * const children[] = {
		"flush", "deinit", "flush",
	};
	uint64_t before, after;
	unsigned int i;
	int rc;

	/* The primary's own one-time set-up first, then nothing held. */
	TEST_ASSERT_SUCCESS(child_flush(), "primary churn");
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	before = fm_test_heap_used();
	for (i = 0; i < RTE_DIM(children); i++) {
		rc = run_secondary(ctl, children[i]);
		TEST_ASSERT_SUCCESS(rc, "secondary %s exited with %d", children[i], rc);
	}
	TEST_ASSERT_EQUAL(objs_in_use(), 0, "objects in use after the secondaries");
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	after = fm_test_heap_used();
	TEST_ASSERT_EQUAL(after, before, "EAL heap: %" PRIu64 " bytes before the secondaries, %"
		PRIu64 " after", before, after);
	TEST_ASSERT_EQUAL(backing(), 0, "backing left");
	return TEST_SUCCESS;
}

/* Secondary: allocates 101 objects for the primary to free, exits without flushing. */
static int
child_alloc(void)
{
	struct mp_ctl *ctl = ctl_lookup();
	unsigned int i;

	if (ctl == NULL)
		return TEST_FAILED;
	for (i = 0; i < 101; i++) {
		ctl->objs[i] = rte_fastmem_alloc(mixed_size(i), 0, 0);
		if (ctl->objs[i] == NULL)
			return TEST_FAILED;
	}
	ctl->n = 101;
	return TEST_SUCCESS;
}


/* objs_in_use counts objects whatever process allocated or freed them. */
static int
test_objs_in_use(struct mp_ctl *ctl)
{
	void *mine[10];
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_DIM(mine); i++) {
		mine[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(mine[i], "alloc");
	}
	rc = run_secondary(ctl, "alloc");
	TEST_ASSERT_SUCCESS(rc, "secondary exited with %d", rc);
	TEST_ASSERT_EQUAL(objs_in_use(), 111, "after the secondary's allocations");
	for (i = 0; i < ctl->n; i++)
		rte_fastmem_free(ctl->objs[i]);
	TEST_ASSERT_EQUAL(objs_in_use(), 10, "after the primary freed the secondary's objects");
	/* The dead secondary's counts outlive it. */
	TEST_ASSERT(rte_fastmem_trim() >= 0, "trim");
	TEST_ASSERT_EQUAL(objs_in_use(), 10, "after trim");
	for (i = 0; i < RTE_DIM(mine); i++)
		rte_fastmem_free(mine[i]);
	TEST_ASSERT_EQUAL(objs_in_use(), 0, "after the last frees");
	return TEST_SUCCESS;
}

/*
 * Secondary: fills its caches with 3000 objects of many classes, then
 * allocates and frees in a loop (cache hits, no lock) until killed. Asked
 * to, it stops in the loop where it holds no object (an object a dead
 * process held is live for good), and waits there to be killed.
 */
static int
child_spin(void)
{
	struct mp_ctl *ctl = ctl_lookup();
	static void *objs[3000];
	unsigned int i;
	void *obj;

	if (ctl == NULL)
		return TEST_FAILED;
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[i] = rte_fastmem_alloc(mixed_size(i), 0, 0);
		if (objs[i] == NULL)
			return TEST_FAILED;
	}
	for (i = 0; i < RTE_DIM(objs); i++)
		rte_fastmem_free(objs[i]);
	step_set(ctl, 1);
	for (;;) {
		obj = rte_fastmem_alloc(64, 0, 0);
		if (obj == NULL)
			return TEST_FAILED;
		rte_fastmem_free(obj);
		if (rte_atomic_load_explicit(&ctl->step, rte_memory_order_acquire) == 2) {
			step_set(ctl, 3);
			for (;;)
				pause();
		}
	}
	return TEST_SUCCESS;
}


/* What a killed secondary's caches held is back at the primary's next trim. */
static int
test_killed_secondary(struct mp_ctl *ctl)
{
	pid_t pid;

	pid = start_secondary(ctl, "spin", 1);
	TEST_ASSERT(pid > 0, "secondary did not start its loop");
	rte_delay_ms(10);
	step_set(ctl, 2);
	TEST_ASSERT(step_wait(ctl, 3, 0, NULL), "secondary did not stop in its loop");
	kill(pid, SIGKILL);
	TEST_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid, "waitpid");
	TEST_ASSERT(backing() > 0, "the secondary's caches hold backing");
	rte_fastmem_cache_flush();
	TEST_ASSERT(rte_fastmem_trim() > 0, "trim released nothing");
	TEST_ASSERT_EQUAL(backing(), 0, "backing pinned by the dead secondary's caches");
	TEST_ASSERT_EQUAL(objs_in_use(), 0, "objects in use");
	return TEST_SUCCESS;
}

#define REINIT_OBJS 200
#define REINIT_PRIMARY_OBJS 2000

/*
 * Secondary: 200 objects in its cache; after the primary's deinit and init,
 * 200 more allocations, each new or failed, never one of the old instance.
 */
static int
child_reinit(void)
{
	struct mp_ctl *ctl = ctl_lookup();
	void *objs[REINIT_OBJS];
	unsigned int i, n = 0;

	if (ctl == NULL)
		return TEST_FAILED;
	for (i = 0; i < REINIT_OBJS; i++) {
		objs[i] = rte_fastmem_alloc(64, 0, 0);
		if (objs[i] == NULL)
			return TEST_FAILED;
	}
	for (i = 0; i < REINIT_OBJS; i++)
		rte_fastmem_free(objs[i]);
	step_set(ctl, 1);
	if (!step_wait(ctl, 2, 0, NULL))
		return TEST_FAILED;
	for (i = 0; i < REINIT_OBJS; i++) {
		objs[n] = rte_fastmem_alloc(64, 0, 0);
		if (objs[n] == NULL) {
			/* Failing is allowed, cleanly and as documented. */
			if (rte_errno != ENODEV)
				return TEST_FAILED;
			continue;
		}
		fm_test_fill(objs[n], 64, 50000 + n);
		ctl->objs[n] = objs[n];
		n++;
	}
	ctl->n = n;
	step_set(ctl, 3);
	if (!step_wait(ctl, 4, 0, NULL))
		return TEST_FAILED;
	for (i = 0; i < n; i++)
		rte_fastmem_free(objs[i]);
	rte_fastmem_cache_flush();
	return TEST_SUCCESS;
}


/*
 * The primary deinits and inits again while a secondary is attached: the
 * secondary's later allocations fail with ENODEV or are objects of the
 * new instance, distinct from the primary's live ones.
 */
static int
test_primary_reinit(struct mp_ctl *ctl)
{
	static void *objs[REINIT_PRIMARY_OBJS];
	unsigned int i, j, n;
	int status = -1;
	pid_t pid;

	pid = start_secondary(ctl, "reinit", 1);
	TEST_ASSERT(pid > 0, "secondary did not fill its cache");
	rte_fastmem_deinit();
	TEST_ASSERT_SUCCESS(rte_fastmem_init(), "init again");
	for (i = 0; i < REINIT_PRIMARY_OBJS; i++) {
		objs[i] = rte_fastmem_alloc(64, 0, 0);
		TEST_ASSERT_NOT_NULL(objs[i], "alloc");
		fm_test_fill(objs[i], 64, i);
	}
	step_set(ctl, 2);
	TEST_ASSERT(step_wait(ctl, 3, pid, &status), "secondary did not allocate (exit %d)",
		status);
	n = ctl->n;
	for (i = 0; i < REINIT_PRIMARY_OBJS; i++)
		TEST_ASSERT_EQUAL(fm_test_check(objs[i], 64, i), (size_t)64,
			"primary object %u overwritten", i);
	for (j = 0; j < n; j++) {
		TEST_ASSERT_EQUAL(fm_test_check(ctl->objs[j], 64, 50000 + j), (size_t)64,
			"secondary object %u overwritten", j);
		for (i = 0; i < REINIT_PRIMARY_OBJS; i++)
			TEST_ASSERT(ctl->objs[j] != objs[i], "secondary got primary object %u", i);
	}
	TEST_ASSERT_EQUAL(objs_in_use(), REINIT_PRIMARY_OBJS + n, "objects in use");
	step_set(ctl, 4);
	status = reap(pid);
	TEST_ASSERT_SUCCESS(status, "secondary exited with %d", status);
	for (i = 0; i < REINIT_PRIMARY_OBJS; i++)
		rte_fastmem_free(objs[i]);
	TEST_ASSERT_EQUAL(objs_in_use(), 0, "objects in use at the end");
	return TEST_SUCCESS;
}

/* Headroom of the primary's home node in the headroom case, and what the secondary takes. */
#define HR_BYTES (8 * FM_TEST_MIB)
#define HR_OBJ 4096

/*
 * Secondary: cannot set the headroom, reads the primary's, then takes
 * 1.5 times it in objects for the primary to free (a page at a time, as
 * a burst would), and exits without waiting for anything.
 */
static int
child_headroom(void)
{
	struct mp_ctl *ctl = ctl_lookup();
	unsigned int i, n = HR_BYTES * 3 / 2 / HR_OBJ;
	int node = rte_fastmem_lcore_node(rte_lcore_id());

	if (ctl == NULL || n > CTL_OBJS)
		return TEST_FAILED;
	if (rte_fastmem_set_headroom(node, HR_BYTES) != -E_RTE_SECONDARY ||
			rte_fastmem_get_headroom(node) != HR_BYTES)
		return TEST_FAILED;
	for (i = 0; i < n; i++) {
		ctl->objs[i] = rte_fastmem_alloc(HR_OBJ, 0, 0);
		if (ctl->objs[i] == NULL)
			return TEST_FAILED;
	}
	ctl->n = n;
	return TEST_SUCCESS;
}

/* A secondary's allocations wake the primary's headroom thread through shared memory. */
static int
test_headroom(struct mp_ctl *ctl)
{
	int node = rte_fastmem_lcore_node(rte_lcore_id());
	struct rte_fastmem_node_stats before, s;
	unsigned int ms, i;
	int rc;

	TEST_ASSERT_SUCCESS(rte_fastmem_set_headroom(node, HR_BYTES), "set");
	TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &before), "stats");
	rc = run_secondary(ctl, "headroom");
	TEST_ASSERT_SUCCESS(rc, "secondary exited with %d", rc);
	for (ms = 0; ms < STEP_TIMEOUT_MS; ms++) {
		TEST_ASSERT_SUCCESS(rte_fastmem_stats_node(node, &s), "stats");
		if (s.bytes_free_slabs >= HR_BYTES && s.grows_ahead > before.grows_ahead)
			break;
		rte_delay_ms(1);
	}
	for (i = 0; i < ctl->n; i++)
		rte_fastmem_free(ctl->objs[i]);
	TEST_ASSERT(ms < STEP_TIMEOUT_MS, "the headroom was not grown back: %" PRIu64
		" B free, %" PRIu64 " growths ahead", s.bytes_free_slabs, s.grows_ahead);
	return TEST_SUCCESS;
}

typedef int (*mp_case_t)(struct mp_ctl *ctl);

/* A case with a fresh allocator and control block. */
static int
run_case(const char *name, mp_case_t fn)
{
	struct mp_ctl *ctl;
	int rc;

	printf("fastmem_mp: %s\n", name);
	ctl = ctl_create();
	TEST_ASSERT_NOT_NULL(ctl, "control memzone");
	rc = rte_fastmem_init();
	if (rc == 0) {
		rc = fn(ctl);
		rte_fastmem_deinit();
	}
	ctl_free();
	if (rc != TEST_SUCCESS)
		printf("fastmem_mp: %s failed\n", name);
	return rc;
}

/* The child in role @p role, in a secondary process. */
static int
run_child(const char *role)
{
	static const struct {
		const char *role;
		int (*fn)(void);
	} roles[] = {
		{ "exchange", child_exchange },
		{ "flush", child_flush },
		{ "deinit", child_deinit },
		{ "alloc", child_alloc },
		{ "spin", child_spin },
		{ "reinit", child_reinit },
		{ "headroom", child_headroom },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(roles); i++)
		if (role != NULL && strcmp(role, roles[i].role) == 0)
			return roles[i].fn();
	printf("fastmem_mp: a secondary process without a child role (%s)\n",
		role == NULL ? "none" : role);
	return TEST_FAILED;
}

static int
test_fastmem_mp(void)
{
	static const struct {
		const char *name;
		mp_case_t fn;
	} cases[] = {
		{ "objects cross processes", test_exchange },
		{ "exited secondaries leave no heap", test_exit_returns_heap },
		{ "objs_in_use across processes", test_objs_in_use },
		{ "killed secondary's caches come back", test_killed_secondary },
		{ "primary re-init with a secondary attached", test_primary_reinit },
		{ "a secondary's allocations wake the headroom thread", test_headroom },
	};
	unsigned int i, failed = 0;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return run_child(getenv(CHILD_ROLE_ENV));
	if (!rte_eal_has_hugepages()) {
		printf("secondary processes need hugepages (memory is private with --no-huge)\n");
		return TEST_SKIPPED;
	}
	for (i = 0; i < RTE_DIM(cases); i++)
		failed += run_case(cases[i].name, cases[i].fn) != TEST_SUCCESS;
	printf("fastmem_mp: %u passed, %u failed\n", (unsigned int)RTE_DIM(cases) - failed,
		failed);
	return failed == 0 ? TEST_SUCCESS : TEST_FAILED;
}

/*
 * Its own command: once a secondary attached, EAL refuses to register
 * non-EAL threads in this process, and the reverse.
 */
REGISTER_FAST_TEST(fastmem_mp_autotest, false, true, test_fastmem_mp);
