/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * An application built out of tree against the installed fastmem
 * (app/test/install/test-install.sh): allocates, writes and frees objects.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fastmem.h>

#define HELLO_SIZE 100

int
main(int argc, char **argv)
{
	unsigned char *obj;
	int ret;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	ret = rte_fastmem_init();
	if (ret != 0) {
		fprintf(stderr, "rte_fastmem_init: %s\n", strerror(-ret));
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}

	obj = rte_fastmem_alloc(HELLO_SIZE, 0, RTE_FASTMEM_F_ZERO);
	if (obj == NULL || obj[0] != 0 || obj[HELLO_SIZE - 1] != 0) {
		fprintf(stderr, "rte_fastmem_alloc: %s\n",
			obj == NULL ? rte_strerror(rte_errno) : "object not zeroed");
		ret = -1;
	} else {
		memset(obj, 0xa5, HELLO_SIZE);
		rte_fastmem_free(obj);
	}

	rte_fastmem_deinit();
	rte_eal_cleanup();
	if (ret != 0)
		return EXIT_FAILURE;
	printf("hello_fastmem: OK\n");
	return EXIT_SUCCESS;
}
