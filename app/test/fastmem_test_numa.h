/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_TEST_NUMA_H
#define FASTMEM_TEST_NUMA_H

/**
 * @file
 * What the kernel says about NUMA placement, for the fastmem tests that
 * check where memory really is (external heaps, placement): the node of a
 * page, and a node's 2 MiB hugepage pool. Raw system calls and sysfs, so
 * that the tests need no libnuma.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mempolicy.h>

/** Node of the page holding @p p (faulted in), or -errno. */
static inline int
fm_test_page_node(const void *p)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) != 0)
		return -errno;
	return node;
}

/**
 * A counter of a node's 2 MiB hugepage pool: @p what is "free_hugepages"
 * or "nr_hugepages".
 *
 * @return
 *   The count, or -1 when the node has no pool (no such node, no memory).
 */
static inline int64_t
fm_test_pool(int node, const char *what)
{
	char path[160];
	int64_t n = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		"/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/%s", node, what);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%" SCNd64, &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

#endif /* FASTMEM_TEST_NUMA_H */
