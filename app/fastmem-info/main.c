/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * dpdk-fastmem-info: inspect fastmem without writing a program.
 *
 *   dpdk-fastmem-info <command> [options] [-- <EAL arguments>]
 *
 * Commands that need no EAL (topology) run without initializing it; with
 * EAL arguments they also report what EAL sees (lcores).
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "fastmem_info.h"

const char *fmi_prog = "dpdk-fastmem-info";

/* Sorted by name, the order of the usage's list. */
static const struct fmi_command *const commands[] = {
	&fmi_cmd_stats,
	&fmi_cmd_topology,
};
static int eal_argc;
static char **eal_argv;
static bool eal_done;

static const struct fmi_command *
find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

const char *
fmi_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned int u = 0;
	double v = (double)bytes;

	while (v >= 1024 && u + 1 < RTE_DIM(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.*f %s", v == (uint64_t)v ? 0 : 1, v, units[u]);
	return buf;
}

void
fmi_print_usage(FILE *f, const struct fmi_command *cmd)
{
	fprintf(f, "Usage: %s %s %s [-- <EAL arguments>]\n", fmi_prog, cmd->name, cmd->synopsis);
}

static void
usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: %s <command> [options] [-- <EAL arguments>]\n"
		"       %s help [<command>]\n\n"
		"Commands:\n", fmi_prog, fmi_prog);
	for (i = 0; i < RTE_DIM(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nEAL arguments after \"--\" make the command initialize EAL"
		" (e.g. -- -l 0-1 --no-huge --no-pci).\n"
		"\"%s help <command>\" or \"%s <command> --help\" describes a command.\n",
		fmi_prog, fmi_prog);
}

int
fmi_usage_error(const struct fmi_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", fmi_prog, cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fmi_print_usage(stderr, cmd);
	fprintf(stderr, "Try \"%s %s --help\".\n", fmi_prog, cmd->name);
	return FMI_EXIT_USAGE;
}

int
fmi_option_error(const struct fmi_command *cmd, int opt, char **argv)
{
	if (opt == ':')
		return fmi_usage_error(cmd, "option %s needs an argument", argv[optind - 1]);
	return fmi_usage_error(cmd, "unknown option %s", argv[optind - 1]);
}

const char *
fmi_node_flags(bool is_default, bool eal_usable)
{
	if (is_default)
		return eal_usable ? "default,eal" : "default";
	return eal_usable ? "eal" : "-";
}

bool
fmi_has_eal_args(void)
{
	return eal_argv != NULL;
}

int
fmi_eal_init(void)
{
	if (eal_done)
		return 0;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "%s: cannot initialize EAL: %s\n", fmi_prog,
			rte_strerror(rte_errno));
		return -1;
	}
	eal_done = true;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct fmi_command *cmd;
	int i, cmd_argc, ret;
	const char *name;
	bool help;

	if (argc < 2) {
		usage(stderr);
		return FMI_EXIT_USAGE;
	}
	/* "help" alone, "help <command>" or "<command> ...". */
	help = strcmp(argv[1], "help") == 0;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
			(help && argc < 3)) {
		usage(stdout);
		return FMI_EXIT_OK;
	}
	name = argv[help ? 2 : 1];
	cmd = find_command(name);
	if (cmd == NULL) {
		fprintf(stderr, "%s: unknown command \"%s\"\n", fmi_prog, name);
		usage(stderr);
		return FMI_EXIT_USAGE;
	}
	if (help) {
		cmd->help(stdout);
		return FMI_EXIT_OK;
	}

	/* "--" ends the command's options: EAL's come after, after a program name. */
	cmd_argc = argc - 1;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		cmd_argc = i - 1;
		eal_argc = argc - i;
		eal_argv = &argv[i];
		eal_argv[0] = argv[0];
		break;
	}
	ret = cmd->run(cmd_argc, &argv[1]);
	if (eal_done)
		rte_eal_cleanup();
	return ret;
}
