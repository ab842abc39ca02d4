/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

#ifndef FASTMEM_INFO_H
#define FASTMEM_INFO_H

/*
 * dpdk-fastmem-info: one subcommand per source file, each listed below
 * and in main.c's table; main.c parses "<command> [options] [-- <EAL
 * arguments>]" and runs it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

/* Exit codes of every subcommand. */
#define FMI_EXIT_OK 0
#define FMI_EXIT_FAIL 1     /* the command ran and failed */
#define FMI_EXIT_USAGE 2    /* bad command line */

struct fmi_command {
	const char *name;
	const char *synopsis;  /* options, for the usage line */
	const char *summary;   /* one line */
	/*
	 * Run with the command's arguments: argv[0] is the command name, the
	 * EAL arguments after "--" are not included (see fmi_eal_init()).
	 * Returns an FMI_EXIT_* code.
	 */
	int (*run)(int argc, char **argv);
	/* Print the command's full help. */
	void (*help)(FILE *f);
};

/* The commands: stats.c, topology.c. */
extern const struct fmi_command fmi_cmd_stats;
extern const struct fmi_command fmi_cmd_topology;

/* Program name, for messages. */
extern const char *fmi_prog;

/* Whether EAL arguments followed "--" on the command line. */
bool fmi_has_eal_args(void);

/*
 * Initialize EAL with the arguments after "--" (once). Returns 0, or -1
 * after printing why.
 */
int fmi_eal_init(void);

/* Print "<prog> <command>: <message>" and the command's usage to stderr; return FMI_EXIT_USAGE. */
int fmi_usage_error(const struct fmi_command *cmd, const char *fmt, ...)
	__rte_format_printf(2, 3);

/* The usage line of a command. */
void fmi_print_usage(FILE *f, const struct fmi_command *cmd);

/*
 * The usage error for what getopt_long() returned: ':' for an option
 * without its argument, anything else for an unknown option.
 */
int fmi_option_error(const struct fmi_command *cmd, int opt, char **argv);

/* A node's flags as a word list: "default,eal", "default", "eal" or "-". */
const char *fmi_node_flags(bool is_default, bool eal_usable);

/* A byte count with a binary unit ("512 MiB", "1.5 GiB") in buf; returns buf. */
const char *fmi_human_size(uint64_t bytes, char *buf, size_t len);

#endif /* FASTMEM_INFO_H */
