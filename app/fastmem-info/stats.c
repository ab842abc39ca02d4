/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The fastmem authors
 */

/*
 * "stats": fastmem's statistics in a running application, read from its
 * telemetry socket (/fastmem/... endpoints, lib/fastmem/fastmem_telemetry.c)
 * like dpdk-telemetry.py does, so without EAL and without disturbing the
 * application: the endpoints take no lock its allocations need.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "fastmem_info.h"

#define SOCKET_NAME "dpdk_telemetry.v2"

struct options {
	const char *prefix;
	bool json;
	double watch;          /* seconds between reports, 0: no watch */
	uint64_t count;        /* reports to print, 0: until interrupted */
};

/* A connection to an application's telemetry socket. */
struct conn {
	int fd;
	char *buf;     /* the last reply */
	size_t len;    /* room in buf: the server's max_output_len, plus a NUL */
	int64_t pid;
};

static void
stats_help(FILE *f)
{
	fmi_print_usage(f, &fmi_cmd_stats);
	fprintf(f,
		"\n"
		"Print fastmem's statistics in a running DPDK application: per size\n"
		"class (objects, pages, cache hit rates, bytes lost to class rounding\n"
		"and fragmentation: those bytes over the bytes in use), per NUMA node\n"
		"and per lcore. They are read from the application's telemetry socket\n"
		"(EAL's default; not with --no-telemetry): no EAL is initialized here.\n"
		"\n"
		"Options:\n"
		"  --file-prefix P  the application's EAL --file-prefix (default: rte)\n"
		"  --json           the telemetry replies as received, one per line\n"
		"  --watch SECONDS  report again every SECONDS until interrupted\n"
		"  --count N        stop after N reports (default: 1 without --watch)\n"
		"  -h, --help       this help\n"
		"\n"
		"The socket is <runtime dir>/dpdk/P/" SOCKET_NAME ", where the runtime\n"
		"dir is $RUNTIME_DIRECTORY, else /var/run for root, else $XDG_RUNTIME_DIR\n"
		"or /tmp: what EAL uses.\n"
		"\n"
		"Examples:\n"
		"  %s stats\n"
		"  %s stats --file-prefix app1 --watch 2\n"
		"  %s stats --json --count 1\n",
		fmi_prog, fmi_prog, fmi_prog);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "file-prefix", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	bool has_count = false;
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	o->prefix = "rte";
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			errno = 0;
			o->count = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] < '1' || optarg[0] > '9')
				return fmi_usage_error(&fmi_cmd_stats, "bad count \"%s\"", optarg);
			has_count = true;
			break;
		case 'f':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL)
				return fmi_usage_error(&fmi_cmd_stats, "bad file prefix \"%s\"",
					optarg);
			o->prefix = optarg;
			break;
		case 'h':
			stats_help(stdout);
			return -1;
		case 'j':
			o->json = true;
			break;
		case 'w':
			errno = 0;
			o->watch = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || end == optarg || !(o->watch > 0) ||
					o->watch > 86400)
				return fmi_usage_error(&fmi_cmd_stats,
					"bad interval \"%s\" (seconds, up to a day)", optarg);
			break;
		default:
			return fmi_option_error(&fmi_cmd_stats, opt, argv);
		}
	}
	if (optind < argc)
		return fmi_usage_error(&fmi_cmd_stats, "unexpected argument \"%s\"", argv[optind]);
	if (fmi_has_eal_args())
		return fmi_usage_error(&fmi_cmd_stats, "takes no EAL arguments (it needs no EAL)");
	if (!has_count && o->watch == 0)
		o->count = 1;
	return 0;
}

/*
 * JSON, as the telemetry library writes it: objects of numbers, strings
 * and objects. The functions take a pointer into the text and return one
 * past what they read, or NULL if it is not what they expect.
 */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
skip_string(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '\\' && *++p == '\0')
			return NULL;
	}
	return p + 1;
}

/* Past a value: at the ',', '}' or ']' after it. */
static const char *
skip_value(const char *p)
{
	int depth = 0;

	for (p = skip_ws(p); ; p++) {
		switch (*p) {
		case '\0':
			return NULL;
		case '"':
			p = skip_string(p);
			if (p == NULL)
				return NULL;
			p--;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth-- == 0)
				return p;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		}
	}
}

/*
 * Next member of an object: *p at its '{' for the first, then where the
 * previous call left it. False at the end (or on malformed text).
 */
static bool
next_member(const char **p, const char **key, size_t *key_len, const char **val)
{
	const char *s = skip_ws(*p), *e;

	if (*s != '{' && *s != ',')
		return false;
	s = skip_ws(s + 1);
	if (*s != '"')
		return false;
	e = skip_string(s);
	if (e == NULL)
		return false;
	*key = s + 1;
	*key_len = (size_t)(e - s - 2);
	e = skip_ws(e);
	if (*e != ':')
		return false;
	*val = skip_ws(e + 1);
	*p = skip_value(*val);
	return *p != NULL;
}

/* The value of a member of an object, or NULL. */
static const char *
member(const char *obj, const char *name)
{
	size_t key_len, len = strlen(name);
	const char *key, *val;

	while (next_member(&obj, &key, &key_len, &val))
		if (key_len == len && memcmp(key, name, len) == 0)
			return val;
	return NULL;
}

/* A number member; 0 when missing (the reply of another version of fastmem). */
static uint64_t
u64(const char *obj, const char *name)
{
	const char *v = member(obj, name);

	return v != NULL && *v >= '0' && *v <= '9' ? strtoull(v, NULL, 10) : 0;
}

static int64_t
i64(const char *obj, const char *name)
{
	const char *v = member(obj, name);

	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

/* A string member, copied (quotes removed), or "-". */
static const char *
str(const char *obj, const char *name, char *buf, size_t len)
{
	const char *v = member(obj, name), *e;

	if (v == NULL || *v != '"')
		return "-";
	e = skip_string(v);
	if (e == NULL)
		return "-";
	snprintf(buf, len, "%.*s", (int)(e - v - 2), v + 1);
	return buf;
}

/* Like EAL's runtime directory: see the help. */
static int
socket_path(const char *prefix, char *path, size_t len)
{
	const char *dir = getenv("RUNTIME_DIRECTORY");
	int n;

	if (dir == NULL)
		dir = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
	if (dir == NULL)
		dir = "/tmp";
	n = snprintf(path, len, "%s/dpdk/%s/%s", dir, prefix, SOCKET_NAME);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
conn_open(struct conn *c, const char *prefix)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char hello[1024];
	ssize_t n;

	memset(c, 0, sizeof(*c));
	if (socket_path(prefix, sun.sun_path, sizeof(sun.sun_path)) < 0) {
		fprintf(stderr, "%s stats: file prefix too long\n", fmi_prog);
		return -1;
	}
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "%s stats: cannot connect to %s: %s\n"
			"Is a DPDK application with telemetry running with --file-prefix %s?\n",
			fmi_prog, sun.sun_path, strerror(errno), prefix);
		goto fail;
	}
	/* The server speaks first: {"version":...,"pid":...,"max_output_len":...}. */
	n = recv(c->fd, hello, sizeof(hello) - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "%s stats: %s: no greeting (too many clients?)\n", fmi_prog,
			sun.sun_path);
		goto fail;
	}
	hello[n] = '\0';
	c->pid = i64(hello, "pid");
	c->len = u64(hello, "max_output_len") + 1;
	c->buf = malloc(c->len);
	if (c->len == 1 || c->buf == NULL) {
		fprintf(stderr, "%s stats: unexpected greeting %s\n", fmi_prog, hello);
		goto fail;
	}
	return 0;
fail:
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	return -1;
}

static void
conn_close(struct conn *c)
{
	close(c->fd);
	free(c->buf);
}

/*
 * Send a command; return the reply's value ({"<command>":<value>}), NULL
 * with a message when the connection fails, "null" when the command fails.
 */
static const char *
query(struct conn *c, const char *cmd, bool echo)
{
	const char *p, *key, *val;
	size_t key_len;
	ssize_t n;

	/* No SIGPIPE when the application is gone: a message and exit code 1 instead. */
	n = send(c->fd, cmd, strlen(cmd), MSG_NOSIGNAL);
	if (n >= 0)
		n = recv(c->fd, c->buf, c->len - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "%s stats: connection to process %" PRId64 " lost\n", fmi_prog,
			c->pid);
		return NULL;
	}
	c->buf[n] = '\0';
	if (echo)
		printf("%s\n", c->buf);
	p = c->buf;
	if (!next_member(&p, &key, &key_len, &val)) {
		fprintf(stderr, "%s stats: bad reply to %s: %s\n", fmi_prog, cmd, c->buf);
		return NULL;
	}
	return val;
}

/* part/whole as a percentage, "-" when whole is 0. */
static const char *
percent(uint64_t part, uint64_t whole, char *buf, size_t len)
{
	if (whole == 0)
		return "-";
	snprintf(buf, len, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

/* Print an entry (a member whose value is an object) of a list page. */
typedef void (*entry_fn)(const char *key, size_t key_len, const char *val);

/*
 * Every page of a list endpoint ("next": where the next page starts, -1
 * after the last); entries go to fn, or the pages to stdout with --json.
 */
static int
list(struct conn *c, const char *endpoint, entry_fn fn, bool json)
{
	const char *page, *p, *key, *val;
	int64_t from = -1, next;
	char cmd[128];
	size_t key_len;

	for (;;) {
		if (from < 0)
			snprintf(cmd, sizeof(cmd), "%s", endpoint);
		else
			snprintf(cmd, sizeof(cmd), "%s,%" PRId64, endpoint, from);
		page = query(c, cmd, json);
		if (page == NULL)
			return -1;
		if (*page != '{') {
			fprintf(stderr, "%s stats: %s failed\n", fmi_prog, cmd);
			return -1;
		}
		for (p = page; !json && next_member(&p, &key, &key_len, &val); )
			if (*val == '{')
				fn(key, key_len, val);
		val = member(page, "next");
		next = val != NULL ? strtoll(val, NULL, 10) : -1;
		if (next < 0)
			return 0;
		/* Pages start further on each time, or this would never end. */
		if (next <= from) {
			fprintf(stderr, "%s stats: %s: bad next page %" PRId64 "\n", fmi_prog,
				cmd, next);
			return -1;
		}
		from = next;
	}
}

static void
class_row(const char *key __rte_unused, size_t key_len __rte_unused, const char *v)
{
	uint64_t size = u64(v, "class_size"), in_use = u64(v, "in_use");
	uint64_t ah = u64(v, "alloc_cache_hits"), am = u64(v, "alloc_cache_misses");
	uint64_t fh = u64(v, "free_cache_hits"), fm = u64(v, "free_cache_misses");
	uint64_t wasted = u64(v, "bytes_wasted");
	char b1[32], b2[32], r1[16], r2[16], r3[16], pages[64];

	snprintf(pages, sizeof(pages), "%" PRIu64 "/%" PRIu64 "/%" PRIu64,
		u64(v, "slabs_partial"), u64(v, "slabs_full"), u64(v, "slabs_empty"));
	printf("%8" PRIu64 " %10" PRIu64 " %10s %10s %6s %11s %8" PRIu64 " %7s %7s %6" PRIu64 "\n",
		size, in_use, fmi_human_size(in_use * size, b1, sizeof(b1)),
		fmi_human_size(wasted, b2, sizeof(b2)),
		percent(wasted, in_use * size, r1, sizeof(r1)), pages,
		u64(v, "objs_cached"), percent(ah, ah + am, r2, sizeof(r2)),
		percent(fh, fh + fm, r3, sizeof(r3)), u64(v, "alloc_nomem"));
}

static void
node_row(const char *key, size_t key_len, const char *v)
{
	int64_t limit = i64(v, "limit");
	char b[5][32], tier[16];
	bool is_default = u64(v, "is_default") != 0, eal = u64(v, "eal_usable") != 0;

	printf("%4.*s %-7s %10s %4" PRIu64 " %-11s %10s %10s %10s %10" PRIu64 " %10s\n",
		(int)key_len, key, str(v, "tier", tier, sizeof(tier)),
		member(v, "capacity") != NULL ?
			fmi_human_size(u64(v, "capacity"), b[0], sizeof(b[0])) : "-",
		u64(v, "n_cpus"),
		fmi_node_flags(is_default, eal),
		fmi_human_size(u64(v, "bytes_backing"), b[1], sizeof(b[1])),
		limit < 0 ? "unlimited" : fmi_human_size((uint64_t)limit, b[2], sizeof(b[2])),
		fmi_human_size(u64(v, "bytes_in_use"), b[3], sizeof(b[3])),
		u64(v, "objs_in_use"),
		fmi_human_size(u64(v, "bytes_free_slabs"), b[4], sizeof(b[4])));
}

static void
lcore_row(const char *key, size_t key_len, const char *v)
{
	uint64_t ah = u64(v, "alloc_cache_hits"), am = u64(v, "alloc_cache_misses");
	uint64_t fh = u64(v, "free_cache_hits"), fm = u64(v, "free_cache_misses");
	char r1[16], r2[16];

	printf("%6.*s %12" PRIu64 " %12" PRIu64 " %7s %12" PRIu64 " %12" PRIu64 " %7s %6" PRIu64
		"\n", (int)key_len, key, ah, am, percent(ah, ah + am, r1, sizeof(r1)), fh, fm,
		percent(fh, fh + fm, r2, sizeof(r2)), u64(v, "alloc_nomem"));
}

/* The sum of the numbers of an object member, 0 without one. */
static uint64_t
sum_members(const char *obj, const char *name)
{
	const char *p = member(obj, name), *key, *val;
	uint64_t sum = 0;
	size_t key_len;

	while (p != NULL && next_member(&p, &key, &key_len, &val))
		sum += strtoull(val, NULL, 10);
	return sum;
}

/* Summary lines from /fastmem/stats and the first page of /fastmem/memzones. */
static int
summary(struct conn *c, const char *stats, const char *prefix)
{
	uint64_t in_use = u64(stats, "bytes_in_use"), wasted = u64(stats, "bytes_wasted");
	const char *mz;
	char b[5][32], r[16];

	printf("fastmem in process %" PRId64 " (file prefix %s)\n"
		"Memory: %s backing, %s in use in %" PRIu64 " objects, %s in free slices\n"
		"Rounding: %s wasted, fragmentation %s of the bytes in use\n"
		"Calls: %" PRIu64 " allocations, %" PRIu64 " frees, %" PRIu64 " failed (ENOMEM)\n",
		c->pid, prefix, fmi_human_size(u64(stats, "bytes_backing"), b[0], sizeof(b[0])),
		fmi_human_size(in_use, b[1], sizeof(b[1])), u64(stats, "objs_in_use"),
		fmi_human_size(u64(stats, "bytes_free_slabs"), b[2], sizeof(b[2])),
		fmi_human_size(wasted, b[3], sizeof(b[3])), percent(wasted, in_use, r, sizeof(r)),
		u64(stats, "alloc_total"), u64(stats, "free_total"), u64(stats, "alloc_nomem"));
	mz = query(c, "/fastmem/memzones", false);
	if (mz == NULL || *mz != '{')
		return -1;
	printf("Segment memzones: %" PRIu64 "; large objects: %" PRIu64 " (%s)\n",
		u64(mz, "memzones"), sum_members(mz, "large_objs"),
		fmi_human_size(sum_members(mz, "large_bytes"), b[4], sizeof(b[4])));
	return 0;
}

static int
report(struct conn *c, const struct options *o)
{
	const char *stats = query(c, "/fastmem/stats", o->json);

	if (stats == NULL)
		return FMI_EXIT_FAIL;
	if (*stats != '{') {
		fprintf(stderr, "%s stats: process %" PRId64 " has no fastmem telemetry\n",
			fmi_prog, c->pid);
		return FMI_EXIT_FAIL;
	}
	if (u64(stats, "initialized") == 0) {
		if (!o->json)
			printf("fastmem in process %" PRId64 " (file prefix %s): not initialized\n",
				c->pid, o->prefix);
		return FMI_EXIT_OK;
	}
	if (o->json) {
		if (list(c, "/fastmem/classes", NULL, true) < 0 ||
				list(c, "/fastmem/nodes", NULL, true) < 0 ||
				list(c, "/fastmem/lcores", NULL, true) < 0 ||
				list(c, "/fastmem/memzones", NULL, true) < 0)
			return FMI_EXIT_FAIL;
		return FMI_EXIT_OK;
	}
	if (summary(c, stats, o->prefix) < 0)
		return FMI_EXIT_FAIL;
	printf("\nClasses (with activity):\n%8s %10s %10s %10s %6s %11s %8s %7s %7s %6s\n",
		"size", "objects", "in use", "wasted", "frag", "pages p/f/e", "depot",
		"alloc", "free", "nomem");
	if (list(c, "/fastmem/classes", class_row, false) < 0)
		return FMI_EXIT_FAIL;
	printf("\nNodes:\n%4s %-7s %10s %4s %-11s %10s %10s %10s %10s %10s\n",
		"node", "tier", "capacity", "cpus", "flags", "backing", "limit", "in use",
		"objects", "free slices");
	if (list(c, "/fastmem/nodes", node_row, false) < 0)
		return FMI_EXIT_FAIL;
	printf("\nLcores (with activity; \"shared\": threads without lcore id):\n"
		"%6s %12s %12s %7s %12s %12s %7s %6s\n", "lcore", "alloc hits",
		"alloc misses", "hit", "free hits", "free misses", "hit", "nomem");
	if (list(c, "/fastmem/lcores", lcore_row, false) < 0)
		return FMI_EXIT_FAIL;
	return FMI_EXIT_OK;
}

static int
stats_run(int argc, char **argv)
{
	struct timespec ts;
	uint64_t n;
	struct options o;
	struct conn c;
	bool tty;
	int ret;

	ret = parse_options(argc, argv, &o);
	if (ret != 0)
		return ret < 0 ? FMI_EXIT_OK : ret;
	if (conn_open(&c, o.prefix) < 0)
		return FMI_EXIT_FAIL;
	tty = isatty(STDOUT_FILENO) && !o.json;
	ts.tv_sec = (time_t)o.watch;
	ts.tv_nsec = (long)((o.watch - (double)ts.tv_sec) * 1e9);
	for (n = 1; ; n++) {
		if (o.watch > 0 && !o.json) {
			/* Redraw in place on a terminal; one report after another in a file. */
			fputs(tty ? "\033[H\033[J" : (n > 1 ? "\n" : ""), stdout);
			printf("Every %gs, report %" PRIu64 "\n", o.watch, n);
		}
		ret = report(&c, &o);
		fflush(stdout);
		if (ret != FMI_EXIT_OK || n == o.count)
			break;
		nanosleep(&ts, NULL);
	}
	conn_close(&c);
	return ret;
}

const struct fmi_command fmi_cmd_stats = {
	.name = "stats",
	.synopsis = "[--file-prefix P] [--json] [--watch SECONDS] [--count N]",
	.summary = "statistics of a running application, from its telemetry socket",
	.run = stats_run,
	.help = stats_help,
};
