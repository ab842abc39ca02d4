#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# hugepage-test.sh PREFIX COMMAND...
#
# Run an EAL COMMAND using hugepages and --file-prefix=PREFIX, then remove
# the hugepage files it leaves behind: EAL keeps them for secondary
# processes (so the tests cannot use --huge-unlink), and they would hold
# the hugepages the next test needs. Exits with the status of COMMAND.

set -uo pipefail

prefix=$1
shift
rc=0
"$@" || rc=$?
awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r dir; do
	rm -f "$dir/$prefix"map_*
done
exit $rc
