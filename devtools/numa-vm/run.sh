#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# run.sh [TOPOLOGY...] - fastmem's multi-node VM test, in one command.
#
# Boots a Debian 12 guest under QEMU once per topology (default: all of
# "topology.py list"), with the NUMA nodes, SLIT and HMAT of the topology,
# and runs there: fastmem's tests, dpdk-fastmem-info against hwloc, and the
# placement check (where every lcore's allocations really are). Prints a
# report per topology and a summary; exits non-zero on any failure.
#
# Steps: the guest image (image.sh, cached in the work directory), fastmem
# built on the host (the guest has the same Debian DPDK and hwloc shared
# libraries), a payload disk with the binaries and the guest scripts, one
# boot per topology.
#
# Environment:
#   FASTMEM_VM_WORK  work directory (default /var/tmp/fastmem-numa-vm):
#                    image/, build/, payload.ext4, logs/<topology>.log
#   BUILD_DIR        an existing build directory of this tree to take the
#                    binaries from (default: WORK/build, set up if needed)
#   ACCEL            auto (default), kvm or tcg; auto takes kvm when
#                    /dev/kvm works for a stock kernel (a PVM-based one,
#                    /sys/module/kvm_pvm, does not), else tcg
#   TESTS            dpdk-test commands to run in the guest (default:
#                    fastmem_autotest fastmem_topology_autotest
#                    fastmem_extmem_autotest)
#   HUGEPAGES        2 MiB hugepages per node in the guest (default 160)
#   TIMEOUT          seconds before a guest is killed (default 2400)
#   SHELL_AFTER=1    a shell on the console after the test (interactive)
#   MIRROR, REBUILD  see image.sh
# Needs (Debian 12, root): qemu-system-x86 debootstrap e2fsprogs python3
# meson ninja-build, and fastmem's build dependencies.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${FASTMEM_VM_WORK:-/var/tmp/fastmem-numa-vm}"
BUILD_DIR="${BUILD_DIR:-$WORK/build}"
ACCEL="${ACCEL:-auto}"
TESTS="${TESTS:-fastmem_autotest fastmem_topology_autotest fastmem_extmem_autotest}"
HUGEPAGES="${HUGEPAGES:-160}"
TIMEOUT="${TIMEOUT:-2400}"

log() { printf '[numa-vm %(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

mapfile -t known < <("$HERE/topology.py" list)
topologies=("$@")
(( ${#topologies[@]} )) || topologies=("${known[@]}")
for t in "${topologies[@]}"; do
	[[ " ${known[*]} " == *" $t "* ]] || die "unknown topology $t (known: ${known[*]})"
done
for c in qemu-system-x86_64 mkfs.ext4 meson ninja python3 timeout; do
	command -v "$c" >/dev/null || die "$c missing; on Debian 12: apt-get install" \
		"qemu-system-x86 debootstrap e2fsprogs meson ninja-build python3"
done

if [[ "$ACCEL" == auto ]]; then
	if [[ -e /sys/module/kvm_pvm ]]; then
		ACCEL=tcg
		log "/dev/kvm is PVM-based (kvm_pvm), which cannot run a stock kernel: TCG"
	elif [[ -r /dev/kvm && -w /dev/kvm ]]; then
		ACCEL=kvm
	else
		ACCEL=tcg
	fi
fi
case "$ACCEL" in
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel tcg,thread=multi,tb-size=256 -cpu max) ;;
*) die "ACCEL must be auto, kvm or tcg" ;;
esac

mkdir -p "$WORK/logs"
t_all=$SECONDS
declare -A took

t0=$SECONDS
"$HERE/image.sh" "$WORK"
took[image]=$((SECONDS - t0))

t0=$SECONDS
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
	log "configuring $BUILD_DIR"
	meson setup "$BUILD_DIR" "$REPO" >"$WORK/logs/meson-setup.log" 2>&1 ||
		{ tail -20 "$WORK/logs/meson-setup.log" >&2; die "meson setup failed"; }
fi
log "building dpdk-test and dpdk-fastmem-info in $BUILD_DIR"
ninja -C "$BUILD_DIR" app/dpdk-test app/dpdk-fastmem-info >"$WORK/logs/build.log" 2>&1 ||
	{ tail -30 "$WORK/logs/build.log" >&2; die "build failed"; }
for b in dpdk-test dpdk-fastmem-info; do
	# The guest has Debian 12's DPDK, hwloc and libnuma: the host's must be the same.
	if ldd "$BUILD_DIR/app/$b" | grep -q 'not found'; then
		die "$b: libraries not found on the host; build on Debian 12 with libdpdk-dev 22.11"
	fi
done
took[build]=$((SECONDS - t0))

t0=$SECONDS
payload="$WORK/payload"
rm -rf "$payload"
mkdir -p "$payload/bin"
cp "$BUILD_DIR/app/dpdk-test" "$BUILD_DIR/app/dpdk-fastmem-info" "$payload/bin/"
cp -r "$REPO/app/test/data/topologies" "$payload/topologies"
install -m 0755 "$HERE/guest-test.sh" "$HERE/compare-hwloc.py" "$payload/"
rm -f "$WORK/payload.ext4"
truncate -s $(($(du -sm "$payload" | cut -f1) + 32))M "$WORK/payload.ext4"
mkfs.ext4 -q -F -L fastmem-payload -d "$payload" "$WORK/payload.ext4"
took[payload]=$((SECONDS - t0))
log "payload: $(du -sh "$WORK/payload.ext4" | cut -f1) (binaries of $BUILD_DIR)"

# boot TOPOLOGY: one guest; the serial console goes to logs/TOPOLOGY.log,
# each line stamped with the seconds since the start
boot() {
	local t=$1 kinds rc=0 t0=${EPOCHREALTIME/./} tenths
	local -a topo_args
	mapfile -t topo_args < <("$HERE/topology.py" qemu "$t")
	kinds=$("$HERE/topology.py" kinds "$t")
	local append="console=ttyS0 root=/dev/vda rw init=/sbin/fastmem-vm-init panic=-1"
	append+=" loglevel=4 fastmem.topo=$t fastmem.kinds=$kinds fastmem.hp=$HUGEPAGES"
	append+=" fastmem.tests=${TESTS// /,}"
	[[ "${SHELL_AFTER:-0}" == 1 ]] && append+=" fastmem.shell=1"
	local -a cmd=(qemu-system-x86_64 -machine q35,hmat=on "${accel_args[@]}" "${topo_args[@]}"
		-nodefaults -no-user-config -display none -monitor none -serial stdio -no-reboot
		-kernel "$WORK/image/vmlinuz" -initrd "$WORK/image/initrd.img" -append "$append"
		-drive "file=$WORK/image/rootfs.ext4,if=virtio,format=raw,snapshot=on"
		-drive "file=$WORK/payload.ext4,if=virtio,format=raw,readonly=on")
	printf '%q ' "${cmd[@]}" >"$WORK/logs/$t.cmd"
	echo >>"$WORK/logs/$t.cmd"
	if [[ "${SHELL_AFTER:-0}" == 1 ]]; then
		"${cmd[@]}" || rc=$?
		return "$rc"
	fi
	set +e
	timeout "$TIMEOUT" "${cmd[@]}" </dev/null 2>&1 | while IFS= read -r line; do
		tenths=$(((${EPOCHREALTIME/./} - t0) / 100000))
		printf '%6d.%d %s\n' $((tenths / 10)) $((tenths % 10)) "${line%$'\r'}"
	done >"$WORK/logs/$t.log"
	rc=${PIPESTATUS[0]}
	set -e
	return "$rc"
}

# report TOPOLOGY: the model, then what the guest found: failed
# assertions, the hwloc comparison, every request of the placement check
# (its second run, without hugepages on the CPU-less nodes, in short), the
# checks
report() {
	local t=$1 log="$WORK/logs/$1.log"
	echo
	echo "=================== $t ==================="
	"$HERE/topology.py" describe "$t"
	echo "--- guest report (serial log: $log)"
	cut -c10- "$log" | awk '
		/^===== placement, / { short = 1 }
		/^===== / { print; next }
		/assertion .* failed|MISMATCH/ { print; next }
		/^FASTMEM-VM (CHECK|RESULT)|^hwloc-compare:/ { print; next }
		/^(node [0-9]+|cpu [0-9]+):/ && !placement { print; next }
		/^resolver: / { placement = 1 }
		placement && !short && /^(node [0-9]+: |lcore [0-9]+ cpu|  lcore [0-9]+ )/ {
			print; next
		}
		placement && !short && /^  bytes_backing=.* limit=/ { print; next }
		placement && /^(node [0-9]+ after trim|--- trim|PLACEMENT RESULT)/ { print; next }
		placement && /^node [0-9]+: .*ENOMEM/ { print }'
}

declare -A result
for t in "${topologies[@]}"; do
	log "booting $t ($ACCEL; log $WORK/logs/$t.log)"
	t0=$SECONDS
	rc=0
	boot "$t" || rc=$?
	took[$t]=$((SECONDS - t0))
	if grep -a -q "FASTMEM-VM RESULT topology=$t PASS" "$WORK/logs/$t.log"; then
		result[$t]=PASS
	else
		result[$t]="FAIL (qemu rc=$rc)"
	fi
	log "$t: ${result[$t]} in ${took[$t]} s"
	report "$t"
done

echo
echo "=================== summary ($ACCEL) ==================="
printf 'image %s s, build %s s, payload %s s\n' "${took[image]}" "${took[build]}" "${took[payload]}"
fail=0
for t in "${topologies[@]}"; do
	printf '%-14s %-6s %5s s\n' "$t" "${result[$t]}" "${took[$t]}"
	[[ "${result[$t]}" == PASS ]] || fail=1
done
echo "total $((SECONDS - t_all)) s"
exit $fail
