#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Run the fastmem benchmark: the benchmark command of README.md.
#
# After devtools/fastmem-setup.sh (packages, hugepages, build/), runs
# build/app/dpdk-test-fastmem with its default options on lcores 0-1, with
# hugepages when the machine has them, else --no-huge -m 2048. Arguments
# are passed to the benchmark, after the EAL arguments and "--".
#
# The benchmark runs with LD_PRELOAD=build/lib/librte_fastmem_malloc.so, so
# that its rte_malloc_fm allocator (rte_malloc served by fastmem) is
# measured; its rte_malloc allocator calls EAL's own functions either way.
# Without that library the benchmark runs as it is, rte_malloc_fm n/a.

set -euo pipefail

# shellcheck source=devtools/fastmem-setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/fastmem-setup.sh"

fastmem_setup

bench=$FASTMEM_ROOT/build/app/dpdk-test-fastmem
if [ ! -x "$bench" ]; then
	fastmem_log "the benchmark $bench is not built: app/test-fastmem/ is not there yet" >&2
	exit 1
fi

eal_args=(-l 0-1 --no-pci "--file-prefix=fastmem_bench_$$")
if [ "$(python3 "$FASTMEM_ROOT/buildtools/has-hugepages.py" $FASTMEM_HUGE_MB)" = true ]; then
	eal_args+=(--huge-unlink)
else
	eal_args+=(--no-huge -m 2048)
fi
preload=$FASTMEM_ROOT/build/lib/librte_fastmem_malloc.so
if [ -f "$preload" ]; then
	export LD_PRELOAD=$preload${LD_PRELOAD:+:$LD_PRELOAD}
	fastmem_log "preloading $preload: rte_malloc_fm measures rte_malloc served by fastmem"
else
	fastmem_log "no $preload: rte_malloc_fm is n/a in this run"
fi
fastmem_log "running: $bench ${eal_args[*]} -- $*"
exec "$bench" "${eal_args[@]}" -- "$@"
