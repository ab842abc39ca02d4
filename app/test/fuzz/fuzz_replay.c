/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * Replay inputs of the fastmem fuzzer without libFuzzer (gcc builds):
 * fuzz_fastmem_replay FILE|DIR... runs each file, and each file of each
 * directory, once, and exits 0 if none of them crashed.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz_fastmem.h"

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
			fseek(f, 0, SEEK_SET) != 0 ||
			(data = malloc((size_t)len + 1)) == NULL ||
			fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
		free(data);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	printf("fuzz_replay: %s (%ld bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, (size_t)len);
	free(data);
	return 0;
}

static int
run_dir(const char *path)
{
	struct dirent **names;
	char file[4096];
	int n, i, rc = 0;

	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "fuzz_replay: cannot read directory %s\n", path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && rc == 0) {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			rc = run_file(file);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0, runs = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc && rc == 0; i++, runs++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = run_dir(argv[i]);
		else
			rc = run_file(argv[i]);
	}
	if (rc != 0 || runs == 0) {
		fprintf(stderr, "usage: %s FILE|DIR... (inputs of fuzz_fastmem)\n", argv[0]);
		return 1;
	}
	return 0;
}
