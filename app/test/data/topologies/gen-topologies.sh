#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# Generate the synthetic topologies of fastmem's node resolver tests from
# hwloc synthetic strings plus hwloc-annotate (subtypes, memory attributes
# with CPU-set initiators, NUMA latency matrices). Nothing is edited by hand.
#
#   gen-topologies.sh [OUTDIR]     (default: the directory of this script)
#
# Needs lstopo-no-graphics, hwloc-calc and hwloc-annotate (Debian: hwloc).
# The output depends only on the hwloc version (recorded in each file as
# the hwlocVersion info); fastmem_topology_autotest regenerates the files
# and compares them when the installed hwloc is that version.
#
# In synthetic topologies NUMA logical indexes equal OS indexes, except
# where a "numa:N(indexes=...)" level sets them (noncontig). Annotation
# locations such as numa:3 or group:1 are logical indexes.
#
# Memory attributes need CPU-set initiators, as HMAT gives them: with an
# object initiator ("pack:0"), hwloc never matches a CPU-set query.

set -eu

out=${1:-$(dirname "$0")}
mkdir -p "$out"
# hwloc's environment must not redirect the tools.
unset HWLOC_XMLFILE HWLOC_FSROOT HWLOC_SYNTHETIC HWLOC_COMPONENTS HWLOC_THISSYSTEM || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# synth NAME SYNTHETIC-STRING: create $out/NAME.xml; sets $f.
synth() {
	f="$out/$1.xml"
	# lstopo notes that it inserts a NUMA level in single: only show errors.
	if ! lstopo-no-graphics --no-io -i "$2" --of xml > "$f" 2> "$tmp/err"; then
		cat "$tmp/err" >&2
		exit 1
	fi
}

# annotate LOCATION ANNOTATION...: annotate $f in place.
annotate() {
	hwloc-annotate "$f" "$f" "$@"
}

# cpuset LOCATION: CPU set of an object of $f, as hwloc prints it.
cpuset() {
	hwloc-calc -i "$f" "$1"
}

# slit N FUNCTION: NUMALatency matrix of N nodes, FUNCTION I J prints the
# distance from logical node I to logical node J.
slit() {
	n=$1
	{
		echo "name=NUMALatency"
		echo 5 # HWLOC_DISTANCES_KIND_FROM_OS | HWLOC_DISTANCES_KIND_MEANS_LATENCY
		echo "$n"
		i=0
		while [ $i -lt "$n" ]; do
			echo "numa:$i"
			i=$((i + 1))
		done
		i=0
		while [ $i -lt "$n" ]; do
			j=0
			while [ $j -lt "$n" ]; do
				"$2" $i $j
				j=$((j + 1))
			done
			i=$((i + 1))
		done
	} > "$tmp/slit"
	annotate root distances "$tmp/slit"
}

# memattrs GROUPS NODES FUNCTION: Latency and Bandwidth from the CPU set of
# each group to each node; FUNCTION ATTR G N prints the value, or nothing.
memattrs() {
	g=0
	while [ $g -lt "$1" ]; do
		init=$(cpuset "group:$g")
		n=0
		while [ $n -lt "$2" ]; do
			for attr in Latency Bandwidth; do
				v=$("$3" $attr $g $n)
				if [ -n "$v" ]; then
					annotate "numa:$n" memattr $attr "$init" "$v"
				fi
			done
			n=$((n + 1))
		done
		g=$((g + 1))
	done
}

# single: one NUMA node, no attributes.
synth single "pack:1 core:4 pu:2"

# snc2-2s: 2 packages in SNC2 mode, DRAM only, SLIT only (no HMAT):
# node n on package n/2, CPUs 8n..8n+7.
slit_snc2() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ $(($1 / 2)) -eq $(($2 / 2)) ]; then echo 12
	else echo 21
	fi
}
synth snc2-2s "pack:2 group:2 [numa(memory=32GiB)] core:4 pu:2"
slit 4 slit_snc2

# snc4-2s: 2 packages in SNC4 mode, DRAM only, SLIT plus complete HMAT
# latency/bandwidth: node n on package n/4, CPUs 4n..4n+3; latency grows
# with the distance between sub-NUMA clusters, so the order has no ties.
slit_snc4() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ $(($1 / 4)) -eq $(($2 / 4)) ]; then echo 12
	else echo 21
	fi
}
attr_snc4() {
	d=$(($2 % 4 - $3 % 4))
	d=${d#-}
	if [ "$1" = Latency ]; then
		if [ $(($2 / 4)) -eq $(($3 / 4)) ]; then echo $((80 + 5 * d))
		else echo $((140 + 5 * d))
		fi
	else
		if [ "$2" -eq "$3" ]; then echo 100000
		elif [ $(($2 / 4)) -eq $(($3 / 4)) ]; then echo 70000
		else echo 40000
		fi
	fi
}
synth snc4-2s "pack:2 group:4 [numa(memory=16GiB)] core:2 pu:2"
slit 8 slit_snc4
memattrs 8 8 attr_snc4

# nps1-2s, nps2-2s, nps4-2s: AMD EPYC-like, 2 packages with 1, 2 or 4
# nodes each, SLIT 10 (local), 11 (same half of the package, NPS4), 12
# (same package), 32 (remote); no HMAT.
slit_nps() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ $(($1 / nps)) -ne $(($2 / nps)) ]; then echo 32
	elif [ "$nps" -eq 4 ] && [ $(($1 / 2)) -eq $(($2 / 2)) ]; then echo 11
	else echo 12
	fi
}
nps=1
synth nps1-2s "pack:2 [numa(memory=128GiB)] core:8 pu:2"
slit 2 slit_nps
nps=2
synth nps2-2s "pack:2 group:2 [numa(memory=64GiB)] core:4 pu:2"
slit 4 slit_nps
nps=4
synth nps4-2s "pack:2 group:4 [numa(memory=32GiB)] core:2 pu:2"
slit 8 slit_nps

# knl-snc4-flat: Xeon Phi (KNL) in SNC-4 flat mode: 4 clusters, each with
# a DRAM node 2g (CPUs 16g..16g+15) and a CPU-less MCDRAM node 2g+1; HMAT
# bandwidth only from each cluster to its own nodes (as hwloc's KNL
# fixture); KNL's SLIT: MCDRAM is "far" (31, 41) although it is faster.
slit_knl4() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ $(($1 % 2)) -eq 0 ] && [ $(($2 % 2)) -eq 0 ]; then echo 21
	elif [ $(($1 / 2)) -eq $(($2 / 2)) ]; then echo 31
	else echo 41
	fi
}
attr_knl4() {
	if [ "$1" = Bandwidth ] && [ $(($3 / 2)) -eq "$2" ]; then
		if [ $(($3 % 2)) -eq 0 ]; then echo 22500; else echo 90000; fi
	fi
}
synth knl-snc4-flat "pack:1 group:4 [numa(memory=24GiB)] [numa(memory=4GiB)] core:4 pu:4"
for n in 1 3 5 7; do
	annotate "numa:$n" subtype MCDRAM
done
slit 8 slit_knl4
memattrs 4 8 attr_knl4

# knl-a2a-hybrid: KNL all-to-all, hybrid mode: one DRAM node and the flat
# half of MCDRAM as node 1 (the cache half is invisible to allocation and
# cannot be written in a synthetic string); SLIT 10/31, no HMAT.
slit_knla2a() {
	if [ "$1" -eq "$2" ]; then echo 10; else echo 31; fi
}
synth knl-a2a-hybrid "pack:1 [numa(memory=96GiB)] [numa(memory=8GiB)] core:16 pu:4"
annotate numa:1 subtype MCDRAM
slit 2 slit_knla2a

# snc2-hbm-cxl: 2 packages in SNC2 mode; each sub-NUMA cluster g has a
# DRAM node and a CPU-less HBM node, each package a CPU-less CXL node.
# No subtypes (as hwloc 2.9 shows VMs): the tiers must be inferred from the
# complete HMAT latency/bandwidth. Nodes (logical = OS):
#   package 0: cluster 0 (CPUs 0-3): DRAM 0, HBM 1; cluster 1 (CPUs 4-7):
#              DRAM 2, HBM 3; CXL 4
#   package 1: cluster 2 (CPUs 8-11): DRAM 5, HBM 6; cluster 3 (CPUs
#              12-15): DRAM 7, HBM 8; CXL 9
# The SLIT, unlike the HMAT, puts a cluster's HBM nearer than the other
# cluster's DRAM: the order must follow the HMAT.
hbmcxl_pkg() { if [ "$1" -lt 5 ]; then echo 0; else echo 1; fi; }
hbmcxl_kind() {
	case $1 in
	4|9) echo cxl ;;
	1|3|6|8) echo hbm ;;
	*) echo dram ;;
	esac
}
hbmcxl_group() {
	case $1 in
	0|1) echo 0 ;;
	2|3) echo 1 ;;
	5|6) echo 2 ;;
	7|8) echo 3 ;;
	*) echo none ;;
	esac
}
slit_hbmcxl() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ "$(hbmcxl_group "$1")" != none ] &&
			[ "$(hbmcxl_group "$1")" = "$(hbmcxl_group "$2")" ]; then echo 11
	elif [ "$(hbmcxl_pkg "$1")" -eq "$(hbmcxl_pkg "$2")" ]; then echo 14
	else echo 24
	fi
}
attr_hbmcxl() {
	if [ "$(hbmcxl_group "$3")" = "$2" ]; then rel=0
	elif [ "$(hbmcxl_pkg "$3")" -eq $(($2 / 2)) ]; then rel=1
	else rel=2
	fi
	case $1-$(hbmcxl_kind "$3")-$rel in
	Latency-dram-0) echo 80 ;;
	Latency-dram-1) echo 90 ;;
	Latency-dram-2) echo 140 ;;
	Latency-hbm-0) echo 100 ;;
	Latency-hbm-1) echo 110 ;;
	Latency-hbm-2) echo 160 ;;
	Latency-cxl-1) echo 250 ;;
	Latency-cxl-2) echo 350 ;;
	Bandwidth-dram-0) echo 100000 ;;
	Bandwidth-dram-1) echo 80000 ;;
	Bandwidth-dram-2) echo 40000 ;;
	Bandwidth-hbm-0) echo 400000 ;;
	Bandwidth-hbm-1) echo 200000 ;;
	Bandwidth-hbm-2) echo 40000 ;;
	Bandwidth-cxl-1) echo 30000 ;;
	Bandwidth-cxl-2) echo 15000 ;;
	esac
}
synth snc2-hbm-cxl "pack:2 [numa(memory=128GiB)] group:2 [numa(memory=16GiB)] \
[numa(memory=4GiB)] core:2 pu:2"
slit 10 slit_hbmcxl
memattrs 4 10 attr_hbmcxl

# snc2-hbm-cxl-subtypes: the same machine with the subtypes declared, as
# hwloc 2.10+ or a BIOS with HMAT memory-side info would show it.
cp "$f" "$out/snc2-hbm-cxl-subtypes.xml"
f="$out/snc2-hbm-cxl-subtypes.xml"
for n in 0 1 2 3 4 5 6 7 8 9; do
	case $(hbmcxl_kind $n) in
	dram) annotate "numa:$n" subtype DRAM ;;
	hbm) annotate "numa:$n" subtype HBM ;;
	cxl) annotate "numa:$n" subtype CXL-DRAM ;;
	esac
done

# noncontig: non-contiguous node numbers whose logical order differs from
# their numbers (L#0 is node 9), and interleaved CPU numbers (each core's
# two threads are CPUs c and c+4... as on Intel): package 0 holds nodes 9
# and 3, package 1 nodes 12 and 1. SLIT 10/15/25.
slit_noncontig() {
	if [ "$1" -eq "$2" ]; then echo 10
	elif [ $(($1 / 2)) -eq $(($2 / 2)) ]; then echo 15
	else echo 25
	fi
}
synth noncontig "pack:2 numa:2(indexes=9,3,12,1) core:2 pu:2(indexes=pack:core)"
slit 4 slit_noncontig

# distances-4s: 4 packages on a ring, one node each, SLIT only: 10, 16 to
# the neighbours, 22 across.
slit_ring() {
	d=$((($1 - $2 + 4) % 4))
	if [ $d -eq 0 ]; then echo 10
	elif [ $d -eq 2 ]; then echo 22
	else echo 16
	fi
}
synth distances-4s "pack:4 [numa(memory=16GiB)] core:2 pu:1"
slit 4 slit_ring

# ties: equal attribute values, to check that ties go where hwloc-calc
# sends them (the first local node in hwloc's order). 2 packages of 4
# clusters; cluster g (CPUs 4g..4g+3) has node g (package 0) or g+1
# (package 1), and each package a node (4, 9) with the same size, bandwidth
# and latency as the cluster's own node, from the cluster's CPUs.
tie_pkg() { if [ "$1" -lt 5 ]; then echo 0; else echo 1; fi; }
tie_group() {
	case $1 in
	0) echo 0 ;;
	1) echo 1 ;;
	2) echo 2 ;;
	3) echo 3 ;;
	5) echo 4 ;;
	6) echo 5 ;;
	7) echo 6 ;;
	8) echo 7 ;;
	*) echo none ;;
	esac
}
attr_ties() {
	if [ "$(tie_group "$3")" = "$2" ] ||
			{ [ "$(tie_group "$3")" = none ] &&
			[ "$(tie_pkg "$3")" -eq $(($2 / 4)) ]; }; then
		if [ "$1" = Latency ]; then echo 80; else echo 100000; fi
	elif [ "$(tie_pkg "$3")" -eq $(($2 / 4)) ]; then
		if [ "$1" = Latency ]; then echo 90; else echo 80000; fi
	else
		if [ "$1" = Latency ]; then echo 140; else echo 40000; fi
	fi
}
synth ties "pack:2 [numa(memory=8GiB)] group:4 [numa(memory=8GiB)] core:2 pu:2"
memattrs 8 10 attr_ties
