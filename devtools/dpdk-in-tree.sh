#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Build fastmem inside a DPDK 25.11 tree, placed as the patch series that
# adds it to DPDK would place it, and run its autotests with DPDK's own
# dpdk-test:
#
#   devtools/dpdk-in-tree.sh DPDK_SOURCE [WORK_DIR]
#
# DPDK_SOURCE is a DPDK release tarball (.tar.xz, .tar.gz) or a source
# directory, which is left as it is. WORK_DIR (default: build-dpdk/ in the
# fastmem tree, or below ~/.cache/fastmem/ when the tree is below a
# world-writable directory, from which EAL refuses to load drivers)
# receives:
# - dpdk/: a copy of the tree, as a git repository whose first commit is
#   the pristine tree, followed by the series (doc, lib, tests, apps, as
#   the RFC was split);
# - patches/: the series as git format-patch files against that commit;
# - build/: a reduced DPDK (the libraries and drivers fastmem, its tests
#   and its applications need) built in developer mode (symbol checks) with
#   -Werror and check_includes (every public header alone, in C and C++)
#   and, when sphinx and doxygen are installed, its documentation,
#   its applications linked to the shared libraries: they can only reach
#   exported symbols;
# and runs fastmem's tests of DPDK's fast, perf and stress suites through
# meson test in build/, as DPDK runs them (fast tests with --no-huge -m
# 2048, or with hugepages for those that need them, skipped without).
# Last, dpdk-test-fastmem's hot path and bulk scenarios (1 and 4) compare
# fastmem with this tree's mempool in one run (figures printed, not
# checked).
#
# Environment: FASTMEM_DPDK_TIMEOUT_MULTIPLIER (default 3): DPDK gives a
# fast test 10 s, which a loaded machine can exceed.
# Idempotent: a second run starts again from the pristine commit.

set -euo pipefail

# shellcheck source=devtools/fastmem-setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/fastmem-setup.sh"

usage() {
	echo "usage: $0 DPDK_SOURCE [WORK_DIR]" >&2
	exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
source_arg=$(realpath -m "$1")
if [ ! -e "$source_arg" ]; then
	fastmem_log "dpdk-in-tree: no DPDK source at $1" >&2
	exit 1
fi
work=$(realpath -m "${2:-$(fastmem_dpdk_work_dir)}")
tree=$work/dpdk
build=$work/build
patches=$work/patches
# DPDK's meson needs Debian's python3, which has pyelftools, ahead of any other.
export PATH=/usr/bin:$PATH

fastmem_install_packages
fastmem_setup_hugepages

git_tree() {
	git -C "$tree" -c user.name="The fastmem authors" -c user.email=fastmem@example.org \
		-c core.autocrlf=false "$@"
}

# A pristine copy of the tree, committed; reused while the source is unchanged.
prepare_tree() {
	local stamp

	stamp="$source_arg $(stat -c %Y "$source_arg")"
	if [ -d "$tree/.git" ] && [ "$(cat "$work/source" 2> /dev/null)" = "$stamp" ]; then
		fastmem_log "dpdk-in-tree: back to the pristine tree in $tree"
		git_tree checkout -q -f pristine
		git_tree clean -q -f -d -x
		git_tree branch -q -f fastmem pristine
		git_tree checkout -q fastmem
		return
	fi
	rm -rf "$tree" "$work/source"
	mkdir -p "$tree"
	if [ -d "$source_arg" ]; then
		fastmem_log "dpdk-in-tree: copying $source_arg to $tree"
		cp -a "$source_arg/." "$tree/"
		rm -rf "$tree/.git"
	else
		fastmem_log "dpdk-in-tree: unpacking $source_arg in $tree"
		tar -xf "$source_arg" -C "$tree" --strip-components=1
	fi
	if [ ! -f "$tree/lib/meson.build" ] || [ ! -f "$tree/app/test/test.h" ]; then
		fastmem_log "dpdk-in-tree: $source_arg is not a DPDK source tree" >&2
		exit 1
	fi
	git_tree init -q
	git_tree add -A -f
	git_tree commit -q -m "DPDK $(cat "$tree/VERSION")"
	git_tree tag -f pristine > /dev/null
	git_tree checkout -q -b fastmem
	echo "$stamp" > "$work/source"
}

# Insert @line into @file (a list of a DPDK file, an entry per line) before
# the first line of the block after @after that sorts after it, keeping the
# list in order.
list_insert() {
	python3 - "$@" << 'EOF'
import sys

path, after, line = sys.argv[1:4]
with open(path, encoding='utf-8') as f:
    lines = f.read().split('\n')
if line in lines:
    sys.exit(0)
start = lines.index(after) + 1
indent = line[:len(line) - len(line.lstrip())]
i = start
while (i < len(lines) and lines[i].startswith(indent) and lines[i].strip() and
       lines[i].strip() < line.strip()):
    i += 1
lines.insert(i, line)
with open(path, 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines))
EOF
}

commit() {
	git_tree add -A
	git_tree commit -q -s -F -
}

overlay_doc() {
	local guides=$tree/doc/guides

	cp "$FASTMEM_ROOT"/doc/guides/prog_guide/fastmem_*.rst "$guides/prog_guide/"
	list_insert "$guides/prog_guide/index.rst" "    mempool_lib" "    fastmem_lib"
	list_insert "$guides/prog_guide/index.rst" "    fastmem_lib" "    fastmem_reliability"
	cp "$FASTMEM_ROOT"/doc/guides/tools/testfastmem.rst \
		"$FASTMEM_ROOT"/doc/guides/tools/fastmeminfo.rst "$guides/tools/"
	cp "$FASTMEM_ROOT"/doc/guides/tools/img/* "$guides/tools/img/"
	list_insert "$guides/tools/index.rst" "    proc_info" "    fastmeminfo"
	list_insert "$guides/tools/index.rst" "    testeventdev" "    testfastmem"
	commit << 'EOF'
doc: add fastmem programmer's guide

fastmem is an object allocator for lcores: any size at run time, on
demand, as fast as a mempool's per-lcore cache on the hot path. The guide
describes its design (segments, pages, caches, depots and the node
resolver), its API and its tools.
EOF
}

overlay_lib() {
	cp -r "$FASTMEM_ROOT/lib/fastmem" "$tree/lib/"
	list_insert "$tree/lib/meson.build" "        'stack'," "        'fastmem',"
	list_insert "$tree/doc/api/doxy-api.conf.in" \
		"INPUT                   = @TOPDIR@/doc/api/doxy-api-index.md \\" \
		"                          @TOPDIR@/lib/fastmem \\"
	python3 - "$tree" << 'EOF'
import sys

tree = sys.argv[1]


def insert(path, before, text, marker):
    """Insert text into the file at path before the string before, unless marker is there."""
    with open(tree + '/' + path, encoding='utf-8') as f:
        content = f.read()
    if marker not in content:
        at = content.index(before)
        content = content[:at] + text + content[at:]
    with open(tree + '/' + path, 'w', encoding='utf-8') as f:
        f.write(content)


# The doxygen index, next to the mempool.
insert('doc/api/doxy-api-index.md', '  [mempool](@ref rte_mempool.h),\n',
       '  [fastmem](@ref rte_fastmem.h),\n'
       '  [fastmem topology](@ref rte_fastmem_topology.h),\n', 'rte_fastmem.h')
# The maintainers, after the stack library.
insert('MAINTAINERS', '\nPacket buffer\n',
       '\nFast memory - EXPERIMENTAL\n'
       'M: The fastmem authors <fastmem@example.org>\n'
       'F: lib/fastmem/\n'
       'F: app/test/test_fastmem*\n'
       'F: app/test/fastmem_*\n'
       'F: app/test-fastmem/\n'
       'F: app/fastmem-info/\n'
       'F: doc/guides/prog_guide/fastmem_*.rst\n'
       'F: doc/guides/tools/*fastmem*\n'
       'F: doc/guides/tools/img/testfastmem_*\n', 'lib/fastmem/')
# The release notes' new features, last.
insert('doc/guides/rel_notes/release_25_11.rst', '\nRemoved Items\n',
       '\n* **Added the fastmem library.**\n\n'
       '  Added an experimental object allocator for lcores: any size at run\n'
       '  time, growing on demand from memzones, with per-lcore caches as fast as\n'
       '  a mempool\'s, and an hwloc-backed NUMA node resolver.\n'
       '  See the :doc:`../prog_guide/fastmem_lib` for details.\n', 'fastmem')
EOF
	commit << 'EOF'
lib: add fastmem library

An object allocator between mempools and rte_malloc: any size at run
time, memory reserved from memzones on demand (or up front) per NUMA node
and given back when free, per-lcore caches with no lock and no atomic on a
hit, and a resolver that picks the node local to each lcore (hwloc when
available) for allocations on any node.
EOF
}

overlay_tests() {
	local f name deps

	cp "$FASTMEM_ROOT"/app/test/test_fastmem*.c "$FASTMEM_ROOT"/app/test/fastmem_*.h \
		"$tree/app/test/"
	mkdir -p "$tree/app/test/data"
	cp -r "$FASTMEM_ROOT/app/test/data/topologies" "$tree/app/test/data/"
	for f in "$FASTMEM_ROOT"/app/test/test_fastmem*.c; do
		name=$(basename "$f")
		deps="['fastmem']"
		list_insert "$tree/app/test/meson.build" "    # the various test_*.c files" \
			"    '$name': $deps,"
	done
	commit << 'EOF'
app/test: add fastmem test suite

Unit tests of the fastmem API, its error paths, statistics, telemetry,
debug mode, external heaps, multi-process use and the node resolver (on
the hwloc topology files under app/test/data), a perf test and stress
tests.
EOF
}

overlay_apps() {
	cp -r "$FASTMEM_ROOT/app/test-fastmem" "$FASTMEM_ROOT/app/fastmem-info" "$tree/app/"
	list_insert "$tree/app/meson.build" "apps = [" "        'fastmem-info',"
	list_insert "$tree/app/meson.build" "apps = [" "        'test-fastmem',"
	commit << 'EOF'
app: add fastmem benchmark and information tool

dpdk-test-fastmem compares fastmem with rte_mempool, rte_malloc and the
system's allocators (glibc, jemalloc, mimalloc, tcmalloc, loaded at run
time when present) in one run. dpdk-fastmem-info prints a running
process's fastmem statistics and the node resolver's view of a machine.
EOF
}

prepare_tree
fastmem_log "dpdk-in-tree: the series: doc, lib, tests, apps"
overlay_doc
overlay_lib
overlay_tests
overlay_apps
rm -rf "$patches"
git_tree format-patch -q -o "$patches" pristine..fastmem
fastmem_log "dpdk-in-tree: $(find "$patches" -name '*.patch' | wc -l) patches in $patches"

# DPDK's documentation (doxygen, and sphinx for the guides) when it can.
docs=false
if command -v sphinx-build > /dev/null && command -v doxygen > /dev/null; then
	docs=true
fi
# x86-64-v2 and -O3 (DPDK's default build type, release), as Debian builds
# DPDK and as the out-of-tree figures are: the benchmark compares fastmem
# with the mempool users get (at -O2 25.11's bulk path takes twice as long).
# x86-64-v2 is also an instruction set valgrind runs, which AVX-512 is not.
if [ ! -f "$build/build.ninja" ]; then
	fastmem_log "dpdk-in-tree: configuring $build"
	meson setup "$build" "$tree" \
		-Dcpu_instruction_set=x86-64-v2 \
		-Dbuildtype=release \
		-Ddefault_library=shared \
		-Ddeveloper_mode=enabled \
		-Dwerror=true \
		-Dcheck_includes=true \
		-Denable_docs=$docs \
		-Dexamples= \
		-Denable_apps=test,test-fastmem,fastmem-info \
		-Denable_libs=fastmem,mempool,ring \
		-Denable_drivers=bus/vdev,mempool/ring
else
	fastmem_log "dpdk-in-tree: configuring $build again"
	meson setup --reconfigure -Dcpu_instruction_set=x86-64-v2 -Dbuildtype=release \
		"$build" "$tree" > /dev/null
fi
fastmem_log "dpdk-in-tree: building $build"
ninja -C "$build" -j "$(nproc)"
if [ "$docs" = true ]; then
	fastmem_log "dpdk-in-tree: building the documentation (doxygen warnings are errors)"
	ninja -C "$build" doc
else
	fastmem_log "dpdk-in-tree: no sphinx-build or doxygen: documentation not built"
fi

# DPDK's checkpatches.sh on the series, with the kernel's checkpatch.pl from
# Debian's linux-source-6.1 when it is installed: its findings are printed,
# not (yet) fatal.
checkpatch_src=/usr/src/linux-source-6.1.tar.xz
if [ -f "$checkpatch_src" ] && command -v gawk > /dev/null; then
	if [ ! -f "$work/checkpatch/scripts/checkpatch.pl" ]; then
		mkdir -p "$work/checkpatch"
		tar -xJf "$checkpatch_src" -C "$work/checkpatch" --strip-components=1 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
	fastmem_log "dpdk-in-tree: devtools/checkpatches.sh on the series"
	if (cd "$tree" && DPDK_CHECKPATCH_PATH=$work/checkpatch/scripts/checkpatch.pl \
			./devtools/checkpatches.sh "$patches"/*.patch); then
		fastmem_log "dpdk-in-tree: checkpatches: every patch valid"
	else
		fastmem_log "dpdk-in-tree: checkpatches: findings above"
	fi
else
	fastmem_log "dpdk-in-tree: no $checkpatch_src or gawk: checkpatches.sh not run"
fi

mapfile -t tests < <(meson test -C "$build" --list 2> /dev/null |
	sed -n 's/^DPDK:\(fast\|perf\|stress\)-tests \/ \([a-z_]*fastmem[a-z_]*\)$/\2/p')
if [ ${#tests[@]} -eq 0 ]; then
	fastmem_log "dpdk-in-tree: no fastmem test in DPDK's test suites" >&2
	exit 1
fi
fastmem_log "dpdk-in-tree: running ${tests[*]}"
# With shared libraries, EAL finds the drivers (mempool/ring) only if told:
# DPDK's fast tests are, its perf and stress tests and our app are not.
DPDK_TEST_PARAMS="-d $build/drivers" meson test -C "$build" --print-errorlogs \
	--timeout-multiplier "${FASTMEM_DPDK_TIMEOUT_MULTIPLIER:-3}" "${tests[@]}"

fastmem_log "dpdk-in-tree: dpdk-test-fastmem, scenarios 1 and 4, against this tree's mempool"
"$build/app/dpdk-test-fastmem" -l 0-1 --no-pci -d "$build/drivers" \
	--file-prefix="fastmem_in_tree_$$" --log-level=lib.eal:error -- \
	--scenarios 1,4 --allocators fastmem,fastmem_h,mempool |
	sed -n '/^# machine/p;/^=== Scenario/,/^(scenario/p'

if command -v valgrind > /dev/null; then
	"$FASTMEM_ROOT/devtools/callgrind-hotpath.sh" "$build" -d "$build/drivers"
else
	fastmem_log "dpdk-in-tree: no valgrind: instruction counts not taken"
fi
