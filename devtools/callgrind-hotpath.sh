#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Instructions per operation of fastmem's hot paths next to rte_mempool,
# counted by valgrind's callgrind: repeatable on a noisy machine, where
# cycle counts are not. Runs fastmem_perf_autotest with few iterations
# under callgrind and divides each loop function's inclusive instruction
# count by the operations it ran.
#
# The mempool is that of the DPDK the build uses (Debian's 22.11 out of
# tree, the tree's own in a DPDK tree): the first line says which.
#
# Usage: devtools/callgrind-hotpath.sh [BUILD_DIR [EAL_ARG...]]
#   BUILD_DIR  default: build; EAL_ARGs are added to dpdk-test's (say,
#              -d DRIVER_DIR for a DPDK tree's shared drivers)

set -euo pipefail

build=${1:-build}
shift || true
iters=${FASTMEM_PERF_ITERS:-20000}
test_bin=$build/app/dpdk-test
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ ! -x "$test_bin" ]; then
	echo "no $test_bin: build first (ninja -C $build)" >&2
	exit 1
fi
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

echo "[fastmem] callgrind: fastmem_perf_autotest, $iters iterations per repetition"
FASTMEM_PERF_ITERS=$iters valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
	"$test_bin" --no-huge -m 512 --no-pci -l 0 --file-prefix="callgrind_$$" \
	--log-level=lib.eal:error "$@" fastmem_perf_autotest >"$out/log" 2>&1 || {
	tail -20 "$out/log" >&2
	exit 1
}
dpdk=$(sed -n 's/^fastmem_perf: \(DPDK [^,]*\),.*/\1/p' "$out/log")
echo "[fastmem] callgrind: rte_mempool and rte_malloc of ${dpdk:-an unknown DPDK}"

# The loops run, per size (5 sizes), a warm-up of n/10+1 and 7 repetitions of n.
# A loop's own line names its object file; with debug information it also
# has lines per file its inlined code comes from ("rte_mempool.h:pair_mempool"),
# parts of the first, and callers' lines ("=> ...").
callgrind_annotate --inclusive=yes --threshold=100 "$out/cg" | awk -v iters="$iters" '
	function runs(n) { return 5 * (int(n / 10) + 1 + 7 * n) }
	/:(pair|bulk)_(fastmem_h|fastmem|mempool|rte_malloc) \[/ && !/=>/ {
		gsub(",", "", $1)
		name = $0; sub(/^[^:]*:/, "", name); sub(/.*:/, "", name); sub(/ .*/, "", name)
		# rte_malloc runs a tenth of the iterations; bulk loops move 32
		# objects each way per iteration
		if (name == "pair_rte_malloc")
			per = $1 / runs(int(iters / 10) + 1)
		else if (name ~ /^pair_/)
			per = $1 / runs(iters)
		else
			per = $1 / runs(int(iters / 32) + 1) / 64
		ir[name] = per
	}
	END {
		printf("%-18s %12s %12s\n", "loop", "instr/op", "vs mempool")
		split("pair_fastmem pair_fastmem_h pair_mempool pair_rte_malloc " \
			"bulk_fastmem bulk_fastmem_h bulk_mempool", order, " ")
		for (i = 1; i <= 7; i++) {
			n = order[i]
			ref = (n ~ /^pair_/) ? ir["pair_mempool"] : ir["bulk_mempool"]
			printf("%-18s %12.1f %12.2f\n", n, ir[n], ir[n] / ref)
		}
	}'
