#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Prepare a Debian 12 machine and build fastmem in build/ (gcc):
# - install the missing Debian packages (apt-get update only if needed);
# - reserve 512 x 2 MiB hugepages and mount hugetlbfs, when permitted;
# - configure build/ (or reconfigure it, to pick up new test files and the
#   hugepage state) and build it.
# Idempotent. Run it, or source it and call fastmem_setup (the other
# devtools scripts do); fastmem_log and fastmem_configure are shared too.

FASTMEM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FASTMEM_HUGEPAGES=512 # 2 MiB pages to reserve
FASTMEM_HUGE_MB=512 # free hugepage memory the tests want (app/test/suites/meson.build)
FASTMEM_PACKAGES=(
	build-essential
	clang
	doxygen
	dpdk-dev
	gawk
	gnuplot-nox
	hwloc
	libclang-rt-14-dev
	libdpdk-dev
	libgoogle-perftools-dev
	libhwloc-dev
	libjemalloc-dev
	libmimalloc-dev
	libnuma-dev
	linux-source-6.1
	llvm
	meson
	ninja-build
	pkg-config
	python3
	python3-pyelftools
	python3-sphinx
	valgrind
)

fastmem_log() {
	echo "[fastmem] $*"
}

# Run a command as root: directly, or through sudo.
fastmem_as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo > /dev/null; then
		sudo "$@"
	else
		fastmem_log "not root and no sudo: cannot run $*"
		return 1
	fi
}

fastmem_install_packages() {
	local missing=()
	local p status

	for p in "${FASTMEM_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2> /dev/null || true)
		if [ "$status" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		fastmem_log "packages: all ${#FASTMEM_PACKAGES[@]} installed"
		return
	fi
	fastmem_log "installing: ${missing[*]}"
	fastmem_as_root apt-get update -q
	fastmem_as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -q -y --no-install-recommends "${missing[@]}"
}

# Best effort: never fails, says what the tests will use.
fastmem_setup_hugepages() {
	local sysfs=/sys/kernel/mm/hugepages/hugepages-2048kB
	local huge

	if [ -d "$sysfs" ] && [ "$(cat "$sysfs/nr_hugepages")" -lt $FASTMEM_HUGEPAGES ]; then
		echo $FASTMEM_HUGEPAGES |
			fastmem_as_root tee "$sysfs/nr_hugepages" > /dev/null 2>&1 || true
	fi
	if ! mountpoint -q /dev/hugepages; then
		{
			fastmem_as_root mkdir -p /dev/hugepages &&
				fastmem_as_root mount -t hugetlbfs -o pagesize=2M nodev \
					/dev/hugepages
		} 2> /dev/null || true
	fi
	huge=$(python3 "$FASTMEM_ROOT/buildtools/has-hugepages.py" $FASTMEM_HUGE_MB)
	if [ "$huge" = true ]; then
		fastmem_log "hugepages: $(cat "$sysfs/nr_hugepages") x 2 MiB reserved," \
			"$(cat "$sysfs/free_hugepages") free"
	else
		fastmem_log "hugepages: not permitted: tests use --no-huge"
	fi
}

# fastmem_configure DIR [meson setup options]: configure DIR below the
# repository root, or reconfigure it (meson keeps its options, and sees new
# test files and the hugepage state), then build it.
fastmem_configure() {
	local dir=$FASTMEM_ROOT/$1

	shift
	if [ -f "$dir/meson-private/coredata.dat" ]; then
		fastmem_log "configuring $dir/ again"
		# meson 1.0's setup --reconfigure ignores -Dc_args: configure sets it.
		[ $# -eq 0 ] || meson configure "$dir" "$@"
		meson setup --reconfigure "$dir" "$FASTMEM_ROOT"
	else
		fastmem_log "configuring $dir/: meson setup $*"
		meson setup "$dir" "$FASTMEM_ROOT" "$@"
	fi
	fastmem_log "building $dir/"
	ninja -C "$dir" -j "$(nproc)"
}

# The work directory of devtools/dpdk-in-tree.sh: build-dpdk/ in the
# repository, unless a directory above it is world-writable (a clone in
# /tmp): EAL refuses to load drivers (-d) from below such a directory, so
# the work directory then goes to ~/.cache/fastmem/.
fastmem_dpdk_work_dir() {
	local d=$FASTMEM_ROOT id

	while [ "$d" != / ]; do
		if [ -n "$(find "$d" -maxdepth 0 -perm -o+w 2> /dev/null)" ]; then
			id=$(echo "$FASTMEM_ROOT" | md5sum | cut -c1-8)
			echo "${XDG_CACHE_HOME:-$HOME/.cache}/fastmem/build-dpdk-$id"
			return
		fi
		d=$(dirname "$d")
	done
	echo "$FASTMEM_ROOT/build-dpdk"
}

fastmem_setup() {
	fastmem_install_packages
	fastmem_setup_hugepages
	CC=gcc fastmem_configure build
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	fastmem_setup
fi
