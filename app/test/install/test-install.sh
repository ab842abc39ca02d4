#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
#
# test-install.sh BUILDDIR PREFIX LIBDIR HELLO_C
#
# Install BUILDDIR into a scratch DESTDIR, then compile HELLO_C out of tree
# with $CC and the installed libfastmem.pc, and run it with the installed
# librte_fastmem.so. LIBDIR is absolute (PREFIX/libdir).

set -euo pipefail

builddir=$1
prefix=$2
libdir=$3
hello=$4
read -ra cc <<< "${CC:-cc}"

work=$(mktemp -d "$builddir/install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
destdir=$work/destdir

echo "install-test: meson install --destdir $destdir"
meson install -C "$builddir" --destdir "$destdir" --no-rebuild --only-changed --quiet

# The installed .pc names the final prefix: use a copy pointing into
# DESTDIR. (--define-variable=prefix would also move libdpdk's prefix.)
pc=$destdir$libdir/pkgconfig/libfastmem.pc
grep -q "^libdir=\${prefix}/" "$pc" || { echo "libdir of $pc is not below \${prefix}"; exit 1; }
mkdir "$work/pkgconfig"
sed "s|^prefix=.*|prefix=$destdir$prefix|" "$pc" > "$work/pkgconfig/libfastmem.pc"
export PKG_CONFIG_PATH=$work/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$destdir$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

hello_exe=$work/hello_fastmem
read -ra flags <<< "$(pkg-config --cflags --libs libfastmem)"
echo "install-test: ${cc[*]} -o $hello_exe $hello -DALLOW_EXPERIMENTAL_API ${flags[*]}"
"${cc[@]}" -Wall -Wextra -Werror -o "$hello_exe" "$hello" -DALLOW_EXPERIMENTAL_API "${flags[@]}"
linked=$(ldd "$hello_exe" | grep 'librte_fastmem\.so' || true)
if [[ $linked != *"=> $destdir$libdir/"* ]]; then
	echo "$hello_exe does not load librte_fastmem.so from DESTDIR: ${linked:-not linked}"
	exit 1
fi
"$hello_exe" --no-huge -m 256 --no-pci --file-prefix=install_check

# The rte_malloc interposer, next to the library, takes over a DPDK program's rte_malloc.
preload=$destdir$libdir/librte_fastmem_malloc.so
[ -e "$preload" ] || { echo "$preload is not installed"; exit 1; }
if [ -x /usr/bin/dpdk-test ]; then
	out=$(LD_PRELOAD=$preload DPDK_TEST=ring_autotest /usr/bin/dpdk-test --no-huge -m 256 \
		--no-pci -l 0 --file-prefix=install_check_preload 2>&1) || { echo "$out"; exit 1; }
	grep -q "fastmem serves rte_malloc" <<< "$out" ||
		{ echo "$out"; echo "the installed interposer did not start"; exit 1; }
fi
echo "install-test: OK"
