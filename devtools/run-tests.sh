#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Build and test fastmem: the test command of README.md, run by .ci/run.
#
# After the setup of devtools/fastmem-setup.sh (packages, hugepages), runs
# the stages named in FASTMEM_STAGES (default: all, in this order):
# - gcc:   build/ (gcc): fast-tests, fast-tests-huge, build-checks,
#          install-tests, perf-tests and stress-tests;
# - interpose: build/ too: interpose-tests, librte_fastmem_malloc.so under
#          DPDK programs that do not know fastmem (its contract test,
#          Debian's dpdk-test autotests and testpmd);
# - clang: build-clang/ (clang, C11 atomics as DPDK's enable_stdatomic,
#          and the API documentation): fast-tests and perf-tests;
# - asan:  build-asan/ (clang, AddressSanitizer and UBSan): fast-tests;
# - fuzz:  build-asan/ too: the fuzz suite (libFuzzer);
# - debug: build-debug/ (gcc, -Dfastmem_debug=true, RTE_ENABLE_ASSERT): the allocator's fast
#          tests, which the debug mode's checks must pass too, and the
#          interposer's contract test;
# - dpdk:  build-dpdk/ (see fastmem_dpdk_work_dir): fastmem in a DPDK 25.11
#          tree (devtools/dpdk-in-tree.sh),
#          its tests run by DPDK's dpdk-test. The DPDK source is
#          $FASTMEM_DPDK_SOURCE, else dpdk-25.11.2.tar.xz in ../shared/dpdk/
#          beside the repository or in /work/shared/dpdk/; without one the
#          stage is skipped, and says so.
# Each stage is a function stage_<name> below: add a stage by writing one
# and naming it in FASTMEM_STAGES_ALL. Every stage runs even if an earlier
# one failed. Prints one line per stage and the test counts; exits non-zero
# if a stage failed.

# The stage functions are called by name ("stage_$s"):
# shellcheck disable=SC2317

set -euo pipefail

# shellcheck source=devtools/fastmem-setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/fastmem-setup.sh"

FASTMEM_STAGES_ALL="gcc interpose clang asan fuzz debug dpdk"
results= # file of "passed failed skipped" lines, one per meson test run

# Passed, failed and skipped counts of a meson testlog.json.
count_tests() {
	python3 - "$1" << 'EOF'
import json
import sys

counts = {'passed': 0, 'failed': 0, 'skipped': 0}
with open(sys.argv[1], encoding='utf-8') as f:
    for line in f:
        result = json.loads(line)['result']
        if result in ('OK', 'EXPECTEDFAIL'):
            counts['passed'] += 1
        elif result == 'SKIP':
            counts['skipped'] += 1
        else:
            counts['failed'] += 1
print(counts['passed'], counts['failed'], counts['skipped'])
EOF
}

# Suites that have tests in a build directory, one per line.
defined_suites() {
	meson introspect "$1" --tests | python3 -c '
import json
import sys

suites = {s.split(":", 1)[-1] for t in json.load(sys.stdin) for s in t["suite"]}
print("\n".join(sorted(suites)))'
}

# run_suites DIR SUITE... [-- meson test options]: run the suites that
# have tests in DIR/ and add the counts to $results.
run_suites() {
	local dir=$FASTMEM_ROOT/$1
	local log=$dir/meson-logs/testlog.json
	local args=() defined rc=0

	shift
	defined=$(defined_suites "$dir")
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		if grep -qx -- "$1" <<< "$defined"; then
			args+=(--suite "$1")
		else
			fastmem_log "$dir/: no tests in suite $1, skipped"
		fi
		shift
	done
	if [ ${#args[@]} -eq 0 ]; then
		return 0
	fi
	[ $# -eq 0 ] || shift
	fastmem_log "testing $dir/: meson test ${args[*]} $*"
	rm -f "$log"
	meson test -C "$dir" --no-rebuild --print-errorlogs "${args[@]}" "$@" || rc=$?
	if [ -f "$log" ]; then
		count_tests "$log" >> "$results"
	fi
	return "$rc"
}

stage_gcc() {
	CC=gcc fastmem_configure build
	run_suites build fast-tests fast-tests-huge build-checks install-tests perf-tests \
		stress-tests
}

stage_interpose() {
	CC=gcc fastmem_configure build
	run_suites build interpose-tests
}

# clang with C11 atomics, as DPDK's CI builds with -Denable_stdatomic=true:
# clang takes an atomic operation only on a field declared RTE_ATOMIC().
# The API documentation too: any doxygen warning fails the build.
stage_clang() {
	CC=clang fastmem_configure build-clang -Denable_stdatomic=true -Denable_docs=true
	run_suites build-clang fast-tests perf-tests
}

# The asan and fuzz stages share build-asan/: clang, AddressSanitizer and
# UBSan, and the code instrumented for libFuzzer (app/test/fuzz/).
configure_asan() {
	CC=clang fastmem_configure build-asan -Dbuildtype=debugoptimized \
		-Db_sanitize=address,undefined -Db_lundef=false -Dfuzz=true \
		-Dc_args=-fsanitize=fuzzer-no-link -Dc_link_args=-fsanitize=fuzzer-no-link
}

# UBSan stops at the first error, so that the test fails.
stage_asan() {
	configure_asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_suites build-asan fast-tests -- --timeout-multiplier 3
}

# FASTMEM_FUZZ_TIME seconds of fuzzing (app/test/fuzz/run-fuzz.sh).
stage_fuzz() {
	configure_asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run_suites build-asan fuzz
}

# The resolver's tests do not depend on the debug mode: the allocator's do.
# RTE_ASSERT() is live there too.
stage_debug() {
	CC=gcc fastmem_configure build-debug -Dfastmem_debug=true -Dc_args=-DRTE_ENABLE_ASSERT
	run_suites build-debug fast-tests -- fastmem_autotest fastmem_debug_autotest \
		fastmem_mp_autotest fastmem_reliability_autotest fastmem_telemetry_autotest
	# The interposer's contract too: debug objects carry a trailer, alignment must hold.
	run_suites build-debug interpose-tests -- fastmem_malloc_contract
}

# The DPDK 25.11 source of the dpdk stage, or nothing.
dpdk_source() {
	local f

	for f in ${FASTMEM_DPDK_SOURCE:+"$FASTMEM_DPDK_SOURCE"} \
			"$FASTMEM_ROOT/../shared/dpdk/dpdk-25.11.2.tar.xz" \
			/work/shared/dpdk/dpdk-25.11.2.tar.xz; do
		if [ -e "$f" ]; then
			echo "$f"
			return
		fi
	done
}

stage_dpdk() {
	local src work log rc=0

	src=$(dpdk_source)
	if [ -z "$src" ]; then
		fastmem_log "no DPDK 25.11 source (FASTMEM_DPDK_SOURCE): stage dpdk skipped"
		echo "0 0 1" >> "$results"
		return 0
	fi
	work=$(fastmem_dpdk_work_dir)
	log=$work/build/meson-logs/testlog.json
	rm -f "$log"
	"$FASTMEM_ROOT/devtools/dpdk-in-tree.sh" "$src" "$work" || rc=$?
	if [ -f "$log" ]; then
		count_tests "$log" >> "$results"
	fi
	return "$rc"
}

main() {
	local stages=${FASTMEM_STAGES:-$FASTMEM_STAGES_ALL}
	local summary=() failed=0 rc start s

	for s in $stages; do
		if ! declare -F "stage_$s" > /dev/null; then
			fastmem_log "unknown stage $s in FASTMEM_STAGES" \
				"(stages: $FASTMEM_STAGES_ALL)"
			exit 2
		fi
	done

	fastmem_install_packages
	fastmem_setup_hugepages

	results=$(mktemp)
	trap 'rm -f "$results"' EXIT
	for s in $stages; do
		fastmem_log "stage $s"
		start=$SECONDS
		# A subshell with errexit: the stage stops at its first failure.
		set +e
		(set -e; "stage_$s")
		rc=$?
		set -e
		if [ $rc -eq 0 ]; then
			summary+=("stage $s: PASS ($((SECONDS - start)) s)")
		else
			summary+=("stage $s: FAIL ($((SECONDS - start)) s)")
			failed=1
		fi
	done

	for s in "${summary[@]}"; do
		fastmem_log "$s"
	done
	awk '{ p += $1; f += $2; s += $3 }
		END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results"
	exit $failed
}

main
