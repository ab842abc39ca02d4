#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# dpdk-test-preload.sh PRELOAD DPDK_TEST LIST MODE [TEST...]
#
# Run DPDK's own autotests (DPDK_TEST, e.g. Debian's /usr/bin/dpdk-test)
# with LD_PRELOAD=PRELOAD (librte_fastmem_malloc.so), MODE "nohuge"
# (--no-huge -m 1024) or "huge" (-m 512, hugepage files removed after),
# each test alone. TESTs default to every test of LIST (dpdk-test.list)
# for MODE. A test passes when dpdk-test says "Test OK" and exits 0, the
# interposer said it serves rte_malloc, and fastmem's statistics at cleanup
# show that it served allocations (unless LIST marks the test "noalloc", or
# "nostats" when the test hides the interposer's log line).
# Prints a line per test and exits non-zero if one failed.

set -uo pipefail

preload=$1
dpdk_test=$2
list=$3
mode=$4
shift 4

# "name nohuge huge [flag]" lines of LIST: y runs the test in that mode.
list_tests() {
	awk -v col="$([ "$mode" = huge ] && echo 3 || echo 2)" \
		'!/^#/ && NF >= 3 && $col == "y" { print $1 }' "$list"
}

# Does LIST give test $1 the flag $2 (noalloc, nostats)?
flagged() {
	awk -v t="$1" -v f="$2" '$1 == t && $4 == f { found = 1 } END { exit !found }' "$list"
}

if [ $# -eq 0 ]; then
	mapfile -t tests < <(list_tests)
else
	tests=("$@")
fi
if [ ${#tests[@]} -eq 0 ]; then
	echo "no test of $list for $mode" >&2
	exit 1
fi
if [ ! -e "$preload" ] || [ ! -x "$dpdk_test" ]; then
	echo "missing $preload or $dpdk_test" >&2
	exit 1
fi

eal=(--no-pci -l 0-1 --log-level=lib.eal:warning)
if [ "$mode" = huge ]; then
	eal+=(-m 512)
else
	eal+=(--no-huge -m 1024)
fi

failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "${tests[@]}"; do
	prefix=fm_preload_${mode}_$t
	start=$(date +%s%N)
	LD_PRELOAD=$preload DPDK_TEST=$t timeout 300 "$dpdk_test" "${eal[@]}" \
		--file-prefix="$prefix" > "$out" 2>&1 < /dev/null
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$mode" = huge ]; then
		awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r dir; do
			rm -f "$dir/$prefix"map_*
		done
	fi
	rm -rf "/var/run/dpdk/$prefix"
	served=$(sed -n 's/.*FASTMEM_MALLOC: [a-z]*: fastmem served \([0-9]*\) allocations.*/\1/p' \
		"$out" | tail -1)
	why=
	if [ $rc -ne 0 ] || ! grep -q "Test OK" "$out"; then
		why="exit status $rc, no \"Test OK\""
	elif ! grep -q "FASTMEM_MALLOC: fastmem serves rte_malloc" "$out"; then
		why="the interposer did not start fastmem"
	elif [ -z "$served" ] && ! flagged "$t" nostats; then
		why="no statistics line from the interposer"
	elif [ "${served:-0}" -eq 0 ] && ! flagged "$t" noalloc && ! flagged "$t" nostats; then
		why="fastmem served no allocation"
	fi
	if [ -n "$why" ]; then
		printf 'FAIL %-36s %4d.%03d s  %s\n' "$t" $((ms / 1000)) $((ms % 1000)) "$why"
		tail -15 "$out" | sed 's/^/    /'
		failed=$((failed + 1))
	else
		printf 'ok   %-36s %4d.%03d s  fastmem served %s allocations\n' "$t" \
			$((ms / 1000)) $((ms % 1000)) "${served:-?}"
	fi
done
echo "$((${#tests[@]} - failed)) of ${#tests[@]} passed ($mode)"
[ $failed -eq 0 ]
