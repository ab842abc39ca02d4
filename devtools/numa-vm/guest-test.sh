#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# guest-test.sh - the fastmem VM test inside the guest, from the payload
# disk (/opt/fastmem), run by /sbin/fastmem-vm-init with its output on the
# serial console. Kernel command line knobs (set by run.sh):
#   fastmem.topo=NAME          topology name, for the report
#   fastmem.kinds=dram,hbm,..  the kind of each node, as the host built it
#   fastmem.tests=a,b,...      dpdk-test commands to run
#   fastmem.hp=N               2 MiB hugepages to reserve on every node
# Steps: the kernel's NUMA view; hugepages on every node; fastmem's tests;
# dpdk-fastmem-info against hwloc (compare-hwloc.py); the placement check,
# then again with the CPU-less nodes' hugepages taken away (their
# allocations must then fail cleanly). Lines "FASTMEM-VM CHECK <name>
# PASS|FAIL" are the report run.sh collects; the last one is
# "FASTMEM-VM RESULT topology=NAME PASS|FAIL".
set -euo pipefail

P=/opt/fastmem
NODES=/sys/devices/system/node
topo=unknown kinds='' tests='' hp=128
read -r -a words </proc/cmdline
for w in "${words[@]}"; do
	case $w in
	fastmem.topo=*) topo=${w#*=} ;;
	fastmem.kinds=*) kinds=${w#*=} ;;
	fastmem.tests=*) tests=${w#*=} ;;
	fastmem.hp=*) hp=${w#*=} ;;
	esac
done
lcores="0-$(($(nproc --all) - 1))"
failed=0

sec() { printf '\n===== %s (uptime %s s) =====\n' "$*" "$(cut -d' ' -f1 /proc/uptime)"; }
check() { # check NAME RC: one report line
	if [ "$2" = 0 ]; then
		echo "FASTMEM-VM CHECK $1 PASS"
	else
		echo "FASTMEM-VM CHECK $1 FAIL (rc=$2)"
		failed=$((failed + 1))
	fi
}
node_ids() {
	local d
	for d in "$NODES"/node[0-9]*; do echo "${d##*node}"; done | sort -n
}
cpuless() {
	local n
	for n in $(node_ids); do
		[ -n "$(cat "$NODES/node$n/cpulist")" ] || echo "$n"
	done
}
set_hp() { # set_hp NODE COUNT
	echo "$2" >"$NODES/node$1/hugepages/hugepages-2048kB/nr_hugepages"
}
show_hp() {
	local n h
	for n in $(node_ids); do
		h=$NODES/node$n/hugepages/hugepages-2048kB
		printf 'node%s=%s/%s ' "$n" "$(cat "$h/free_hugepages")" "$(cat "$h/nr_hugepages")"
	done
	echo "(free/total 2 MiB hugepages)"
}
# dpdk_test PREFIX COMMAND: a dpdk-test command on every CPU, with
# hugepages; the hugepage files it leaves (EAL keeps them for secondary
# processes) are removed afterwards
dpdk_test() {
	local rc=0
	echo "+ dpdk-test $2"
	timeout 1800 "$P/bin/dpdk-test" --no-pci -l "$lcores" --file-prefix "$1" \
		--log-level=lib.eal:warning "$2" || rc=$?
	rm -f /dev/hugepages/"$1"*
	return $rc
}

echo "FASTMEM-VM BEGIN topology=$topo kinds=$kinds uptime=$(cut -d' ' -f1 /proc/uptime)"
sec "kernel NUMA view"
uname -r
numactl -H
# HMAT as the kernel keeps it: the best (local) initiators of each node
for n in $(node_ids); do
	d=$NODES/node$n
	a=$d/access0/initiators
	init=''
	for i in "$a"/node[0-9]*; do [ -e "$i" ] && init+=" ${i##*/}"; done
	fmt='node%s: cpus=[%s] distance=[%s] initiators=[%s]'
	printf "$fmt read_latency=%s read_bandwidth=%s\n" \
		"$n" "$(cat "$d/cpulist")" "$(cat "$d/distance")" "${init# }" \
		"$(cat "$a/read_latency" 2>/dev/null || echo -)" \
		"$(cat "$a/read_bandwidth" 2>/dev/null || echo -)"
done

sec "hugepages: $hp per node"
for n in $(node_ids); do set_hp "$n" "$hp"; done
show_hp

export FASTMEM_TEST_TOPOLOGIES=$P/topologies
for t in ${tests//,/ }; do
	sec "dpdk-test $t"
	rc=0
	dpdk_test "$t" "$t" || rc=$?
	check "$t" $rc
done

sec "dpdk-fastmem-info topology --json against hwloc"
rc=0
python3 "$P/compare-hwloc.py" "$P/bin/dpdk-fastmem-info" "$kinds" "$lcores" || rc=$?
check hwloc-compare $rc

sec "placement"
show_hp
rc=0
dpdk_test placement fastmem_placement_autotest || rc=$?
check placement $rc
show_hp

mapfile -t memonly < <(cpuless)
if [ ${#memonly[@]} -gt 0 ]; then
	sec "placement, CPU-less nodes without hugepages (${memonly[*]})"
	for n in "${memonly[@]}"; do set_hp "$n" 0; done
	show_hp
	rc=0
	dpdk_test placement-nohp fastmem_placement_autotest || rc=$?
	check placement-no-hugepages $rc
	for n in "${memonly[@]}"; do set_hp "$n" "$hp"; done
fi

sec "done"
if [ $failed = 0 ]; then
	echo "FASTMEM-VM RESULT topology=$topo PASS"
else
	echo "FASTMEM-VM RESULT topology=$topo FAIL ($failed checks failed)"
fi
