#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# run-fuzz.sh FUZZER CORPUS REGRESSIONS ARTIFACTS
#
# The fuzz suite's test: run the libFuzzer binary FUZZER once on every file
# of REGRESSIONS, then fuzz for FASTMEM_FUZZ_TIME seconds (default 60) from
# a temporary copy of CORPUS, so that the source tree is never written.
# Crash inputs are written to ARTIFACTS/ (crash-*, timeout-*, oom-*): a
# crash that is a bug goes to REGRESSIONS once understood. Extra libFuzzer
# options can be given in FASTMEM_FUZZ_OPTS.

set -euo pipefail

if [ $# -ne 4 ]; then
	echo "usage: $0 FUZZER CORPUS REGRESSIONS ARTIFACTS" >&2
	exit 2
fi
fuzzer=$1
corpus=$2
regressions=$3
artifacts=$4
seconds=${FASTMEM_FUZZ_TIME:-60}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

inputs=()
for f in "$regressions"/*; do
	if [ -f "$f" ]; then
		inputs+=("$f")
	fi
done
if [ ${#inputs[@]} -gt 0 ]; then
	echo "run-fuzz.sh: replaying ${#inputs[@]} regression inputs"
	"$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" \
		"${inputs[@]}"
fi

cp -r "$corpus"/. "$work"/
echo "run-fuzz.sh: fuzzing for $seconds s from $(find "$work" -type f | wc -l) seeds"
# libFuzzer exits with 77 on a crash by default, which meson takes for a skip.
# shellcheck disable=SC2086 # FASTMEM_FUZZ_OPTS is a list of options
"$fuzzer" -error_exitcode=1 -timeout_exitcode=1 -max_total_time="$seconds" \
	-rss_limit_mb=4096 -timeout=30 -max_len=2048 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" ${FASTMEM_FUZZ_OPTS:-} "$work"
