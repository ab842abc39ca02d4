#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# PID 1 of the fastmem VM test guest (init=/sbin/fastmem-vm-init, installed
# by image.sh). Mounts what DPDK needs, mounts the payload disk (/dev/vdb:
# binaries and scripts of this run, made by run.sh) on /opt/fastmem, runs
# its guest-test.sh with the output on the serial console, powers off.
# Kept generic so that the cached image outlives changes to the test.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/hugepages /run /tmp /opt/fastmem
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t hugetlbfs -o pagesize=2M hugetlbfs /dev/hugepages
mount -o remount,rw /
if mount -o ro /dev/vdb /opt/fastmem && [ -x /opt/fastmem/guest-test.sh ]; then
	/opt/fastmem/guest-test.sh </dev/null >/dev/console 2>&1
	echo "FASTMEM-VM-EXIT rc=$?" >/dev/console
else
	echo "FASTMEM-VM-EXIT rc=127 (no payload on /dev/vdb)" >/dev/console
fi
if grep -q 'fastmem.shell=1' /proc/cmdline; then
	echo "fastmem.shell=1: shell on the console, exit to power off" >/dev/console
	setsid sh -c 'exec sh </dev/console >/dev/console 2>&1'
fi
sync
echo o >/proc/sysrq-trigger
sleep 60
