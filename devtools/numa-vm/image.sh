#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# image.sh WORKDIR - build (or reuse) the Debian 12 guest image of the
# fastmem VM test in WORKDIR/image:
#   rootfs.ext4          root file system (debootstrap minbase + packages)
#   vmlinuz, initrd.img  the guest's Debian kernel
#   stamp                hash of what the image is made from: the image is
#                        rebuilt when this script, guest-init.sh or the
#                        package list change, or with REBUILD=1
# The guest gets Debian's DPDK 22.11 (libdpdk-dev), hwloc 2.9 (hwloc-nox),
# numactl, python3 and bzip2; fastmem itself comes with each run (run.sh).
#
# Environment: MIRROR (default: the host's Debian mirror from its apt
# sources), REBUILD=1. Needs root, debootstrap, e2fsprogs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${1:?usage: image.sh WORKDIR}"
SUITE=bookworm
# bzip2: fastmem_topology_autotest unpacks hwloc's sysfs fixtures (.tar.bz2)
PACKAGES="linux-image-amd64 initramfs-tools kmod procps util-linux bzip2 hwloc-nox numactl"
PACKAGES+=" libdpdk-dev python3"
IMG="$WORK/image"

log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*"; }

stamp=$(cat "$0" "$HERE/guest-init.sh" <(echo "$SUITE $PACKAGES") | sha256sum | cut -c1-16)
if [[ "${REBUILD:-0}" != 1 && -r "$IMG/stamp" && "$(cat "$IMG/stamp")" == "$stamp" ]]; then
	log "reusing $IMG (stamp $stamp)"
	exit 0
fi

[[ $(id -u) == 0 ]] || { echo "image.sh: building the image needs root (debootstrap)" >&2; exit 1; }
for c in debootstrap mkfs.ext4 chroot; do
	command -v "$c" >/dev/null || {
		echo "image.sh: $c missing (apt-get install debootstrap e2fsprogs)" >&2; exit 1; }
done
if [[ -z "${MIRROR:-}" ]]; then
	# The first Debian archive the host's apt uses.
	MIRROR=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -o -m1 -E 'https?://[^ ]*/debian/?( |$)' | tr -d ' ' || true)
fi
if [[ -z "$MIRROR" ]]; then
	echo "image.sh: no Debian mirror in the apt sources; set MIRROR" >&2
	exit 1
fi

NEW="$WORK/image.new"
ROOT="$NEW/rootfs"
mounts=()
cleanup() {
	local m
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT

step() { # step NAME COMMAND...: run and time a step
	local name=$1 t0=$SECONDS
	shift
	log "$name..."
	"$@"
	log "$name: $((SECONDS - t0)) s"
}

do_debootstrap() {
	rm -rf --one-file-system "$NEW"
	mkdir -p "$NEW"
	debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$NEW/debootstrap.log" 2>&1 || {
		tail -20 "$NEW/debootstrap.log" >&2; return 1; }
}

do_packages() {
	local d
	for d in proc sys dev dev/pts; do
		case $d in
		proc) mount -t proc proc "$ROOT/proc" ;;
		sys) mount -t sysfs sysfs "$ROOT/sys" ;;
		dev) mount --bind /dev "$ROOT/dev" ;;
		dev/pts) mount -t devpts devpts "$ROOT/dev/pts" ;;
		esac
		mounts=("$ROOT/$d" "${mounts[@]}")
	done
	# No bootloader to update; an initramfs that finds a virtio root whatever the host has.
	printf 'do_symlinks = no\n' >"$ROOT/etc/kernel-img.conf"
	mkdir -p "$ROOT/etc/initramfs-tools/conf.d"
	echo 'MODULES=most' >"$ROOT/etc/initramfs-tools/conf.d/fastmem-vm"
	printf 'virtio_pci\nvirtio_blk\next4\n' >>"$ROOT/etc/initramfs-tools/modules"
	chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -q -y update \
		>"$NEW/apt.log" 2>&1
	# shellcheck disable=SC2086
	chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		apt-get -q -y install --no-install-recommends $PACKAGES >>"$NEW/apt.log" 2>&1 || {
		tail -20 "$NEW/apt.log" >&2; return 1; }
	chroot "$ROOT" apt-get clean
	rm -rf "$ROOT"/var/lib/apt/lists/*
	cleanup
	mounts=()
}

do_files() {
	local kver
	install -m 0755 "$HERE/guest-init.sh" "$ROOT/sbin/fastmem-vm-init"
	echo fastmem-vm >"$ROOT/etc/hostname"
	echo '/dev/vda / ext4 rw,relatime 0 1' >"$ROOT/etc/fstab"
	kver=$(find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' |
		sed 's/^vmlinuz-//' | sort -V | tail -1)
	[[ -n "$kver" ]] || { echo "image.sh: no kernel in $ROOT/boot" >&2; return 1; }
	cp "$ROOT/boot/vmlinuz-$kver" "$NEW/vmlinuz"
	cp "$ROOT/boot/initrd.img-$kver" "$NEW/initrd.img"
	log "guest kernel $kver"
}

do_ext4() {
	local mb
	mb=$(du -sm --apparent-size "$ROOT" | cut -f1)
	truncate -s $((mb * 12 / 10 + 128))M "$NEW/rootfs.ext4"
	mkfs.ext4 -q -F -L fastmem-vm -E root_owner=0:0 -d "$ROOT" "$NEW/rootfs.ext4"
	# The image holds it all: the tree would only take space.
	rm -rf --one-file-system "$ROOT"
}

t0=$SECONDS
log "building $IMG from $MIRROR ($SUITE)"
step debootstrap do_debootstrap
step packages do_packages
step files do_files
step ext4 do_ext4
echo "$stamp" >"$NEW/stamp"
rm -rf --one-file-system "$IMG"
mv "$NEW" "$IMG"
log "image ready in $((SECONDS - t0)) s: $(du -sh "$IMG/rootfs.ext4" | cut -f1) $IMG/rootfs.ext4"
