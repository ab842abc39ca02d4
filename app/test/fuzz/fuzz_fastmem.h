/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FUZZ_FASTMEM_H
#define FUZZ_FASTMEM_H

/*
 * The libFuzzer entry points of fuzz_fastmem.c: called by libFuzzer, or by
 * fuzz_replay.c's main() in builds without it.
 */

#include <stddef.h>
#include <stdint.h>

/* Initialize EAL and fastmem once; exits on failure. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Run one input; traps on any mismatch with the model. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_FASTMEM_H */
