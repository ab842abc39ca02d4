#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# A/B of rte_malloc served by EAL's heap and by fastmem, on DPDK's own
# dpdk-test autotests that allocate a lot: each test runs under
# librte_fastmem_malloc.so with FASTMEM_MALLOC=0 (EAL's heap) and =1
# (fastmem), in turns, REPEAT times; prints the median wall time of each
# and the peak of EAL's heap (heap_allocsz_bytes, sampled every 64
# allocations by the interposer with FASTMEM_MALLOC_PEAK=1).
#
# Usage: devtools/ab-malloc.sh [-n REPEAT] [--huge] [TEST...]
#   (default: hash lpm lpm6 fib fib6 rib rib6 member autotests, those
#   dpdk-test has; --no-huge -m 1024 unless --huge)
# Needs build/ (ninja -C build) and Debian's dpdk-test (/usr/bin/dpdk-test).

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
preload=$root/build/lib/librte_fastmem_malloc.so
dpdk_test=${DPDK_TEST_BIN:-/usr/bin/dpdk-test}
repeat=3
mem=(--no-huge -m 1024)
while [ $# -gt 0 ]; do
	case $1 in
	-n) repeat=$2; shift 2 ;;
	--huge) mem=(-m 1024); shift ;;
	*) break ;;
	esac
done
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	known=$(strings "$dpdk_test" | grep -x '[a-z0-9_]*_autotest')
	for t in hash lpm lpm6 fib fib6 rib rib6 member; do
		if grep -qx "${t}_autotest" <<< "$known"; then
			tests+=("${t}_autotest")
		fi
	done
fi
[ -e "$preload" ] || { echo "no $preload: build first (ninja -C build)" >&2; exit 1; }

# One run: "<ms> <peak bytes>", or "fail".
run() {
	local t=$1 on=$2 prefix=fm_ab_$$_$1_$2 out start ms peak
	start=$(date +%s%N)
	out=$(FASTMEM_MALLOC=$on FASTMEM_MALLOC_PEAK=1 LD_PRELOAD=$preload DPDK_TEST=$t \
		timeout 600 "$dpdk_test" "${mem[@]}" --no-pci -l 0-1 --file-prefix="$prefix" \
		--log-level=lib.eal:warning 2>&1 < /dev/null) || true
	ms=$((($(date +%s%N) - start) / 1000000))
	rm -rf "/var/run/dpdk/$prefix"
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r dir; do
		rm -f "$dir/$prefix"map_*
	done
	peak=$(sed -n 's/.*peak EAL heap \([0-9]*\) bytes.*/\1/p' <<< "$out")
	if ! grep -q "Test OK" <<< "$out" || [ -z "$peak" ]; then
		echo fail
	else
		echo "$ms $peak"
	fi
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

printf '%-22s %12s %12s %8s %14s %14s %8s\n' test "EAL ms" "fastmem ms" ratio \
	"EAL peak MiB" "fastmem MiB" ratio
for t in "${tests[@]}"; do
	declare -a ms_eal=() ms_fm=() pk_eal=() pk_fm=()
	ok=true
	for ((i = 0; i < repeat; i++)); do
		for on in 0 1; do
			read -r ms peak <<< "$(run "$t" $on)"
			if [ "$ms" = fail ]; then
				ok=false
				continue
			fi
			if [ $on = 0 ]; then
				ms_eal+=("$ms"); pk_eal+=("$peak")
			else
				ms_fm+=("$ms"); pk_fm+=("$peak")
			fi
		done
	done
	if ! $ok; then
		printf '%-22s a run failed (run it alone to see why)\n' "$t"
		continue
	fi
	me=$(printf '%s\n' "${ms_eal[@]}" | median)
	mf=$(printf '%s\n' "${ms_fm[@]}" | median)
	pe=$(printf '%s\n' "${pk_eal[@]}" | median)
	pf=$(printf '%s\n' "${pk_fm[@]}" | median)
	awk -v t="$t" -v me="$me" -v mf="$mf" -v pe="$pe" -v pf="$pf" 'BEGIN {
		printf "%-22s %12d %12d %7.2fx %14.1f %14.1f %7.2fx\n", t, me, mf, mf / me,
			pe / 1048576, pf / 1048576, pf / pe }'
	unset ms_eal ms_fm pk_eal pk_fm
done
echo "median of $repeat runs each, in turns; ratio: fastmem / EAL (lower is better)"
