#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# testpmd-preload.sh PRELOAD TESTPMD MODE
#
# DPDK's testpmd (Debian's dpdk-testpmd) with and without
# LD_PRELOAD=PRELOAD (librte_fastmem_malloc.so), MODE "nohuge" or "huge":
# - net_pcap: io forwarding of a capture of 10000 packets of 60 to 1514
#   bytes; both runs must forward all of them and write the same packets
#   (timestamps aside);
# - two net_null ports: io forwarding for 2 seconds; both runs must
#   forward packets and quit cleanly.
# Under the preload, the interposer must have served allocations.

set -uo pipefail

preload=$1
testpmd=$2
mode=$3
n_pkts=10000
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

eal=(--no-pci -l 0-1 --log-level=lib.eal:warning)
if [ "$mode" = huge ]; then
	eal+=(-m 512)
else
	eal+=(--no-huge -m 512)
fi

python3 - "$dir/in.pcap" $n_pkts << 'PY'
import struct
import sys

with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(int(sys.argv[2])):
        size = 60 + (i * 37) % 1455
        data = bytes.fromhex('ffffffffffff0200000000010800') + struct.pack('<I', i)
        data += bytes((i + j) & 0xff for j in range(size - len(data)))
        f.write(struct.pack('<IIII', i, 0, size, size) + data)
PY

# run NAME PRELOAD|"" VDEV... -- TESTPMD_ARGS: testpmd's output in $dir/NAME.log
run() {
	local name=$1 pre=$2 vdevs=() rc
	shift 2
	while [ "$1" != -- ]; do
		vdevs+=(--vdev "$1")
		shift
	done
	shift
	(echo start; sleep 2; echo stop; sleep 0.5; echo quit) |
		LD_PRELOAD=$pre timeout 60 "$testpmd" "${eal[@]}" --file-prefix="fm_testpmd_$name" \
		"${vdevs[@]}" -- -i --forward-mode=io --total-num-mbufs=8192 "$@" \
		> "$dir/$name.log" 2>&1
	rc=$?
	rm -rf "/var/run/dpdk/fm_testpmd_$name"
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r d; do
		rm -f "$d/fm_testpmd_$name"map_*
	done
	return $rc
}

# Accumulated RX and TX packets of a run.
totals() {
	sed -n '/Accumulated forward statistics/,/+++++$/p' "$dir/$1.log" |
		sed -n -e 's/.*RX-packets: *\([0-9]*\).*/rx=\1/p' \
			-e 's/.*TX-packets: *\([0-9]*\).*/tx=\1/p' |
		tr '\n' ' '
}

failed=0
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

check_run() {
	local name=$1 rc=$2 pre=$3
	if [ "$rc" -ne 0 ] || ! grep -q "Bye" "$dir/$name.log"; then
		fail "$name: exit status $rc"
		tail -20 "$dir/$name.log" | sed 's/^/    /'
		return
	fi
	if [ -n "$pre" ]; then
		grep -q "FASTMEM_MALLOC: fastmem serves rte_malloc" "$dir/$name.log" ||
			fail "$name: the interposer did not start fastmem"
		served=$(sed -n 's/.*fastmem served \([0-9]*\) allocations.*/\1/p' \
			"$dir/$name.log" | tail -1)
		[ "${served:-0}" -gt 0 ] || fail "$name: fastmem served no allocation"
		echo "$name: fastmem served ${served:-0} allocations"
	fi
}

for variant in eal fastmem; do
	pre=
	[ $variant = fastmem ] && pre=$preload
	run "pcap_$variant" "$pre" "net_pcap0,rx_pcap=$dir/in.pcap,tx_pcap=$dir/out_$variant.pcap" \
		-- --no-flush-rx
	check_run "pcap_$variant" $? "$pre"
	run "null_$variant" "$pre" net_null0 net_null1 --
	check_run "null_$variant" $? "$pre"
	echo "pcap, $variant: $(totals "pcap_$variant")"
	echo "net_null, $variant: $(totals "null_$variant")"
done

expected="rx=$n_pkts tx=$n_pkts "
for variant in eal fastmem; do
	[ "$(totals "pcap_$variant")" = "$expected" ] ||
		fail "pcap, $variant: $(totals "pcap_$variant"), not $expected"
	read -r rx tx <<< "$(totals "null_$variant" | sed 's/[a-z]*=//g')"
	if [ "${rx:-0}" -eq 0 ] || [ "${tx:-0}" -eq 0 ]; then
		fail "net_null, $variant: rx ${rx:-0} tx ${tx:-0}"
	fi
done
python3 - "$dir/out_eal.pcap" "$dir/out_fastmem.pcap" << 'PY' || fail "pcap outputs differ"
import struct
import sys

def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from('<IIII', data, off)[2]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out

a, b = packets(sys.argv[1]), packets(sys.argv[2])
print(f'pcap outputs: {len(a)} and {len(b)} packets, {"same" if a == b else "different"}')
sys.exit(0 if a == b else 1)
PY
if [ $failed -ne 0 ]; then
	echo "FAIL: $failed checks ($mode)"
	exit 1
fi
echo "PASS ($mode)"
