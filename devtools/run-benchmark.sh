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
fastmem_log "running: $bench ${eal_args[*]} -- $*"
exec "$bench" "${eal_args[@]}" -- "$@"
