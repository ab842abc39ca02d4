#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Write the GNU version script of a library from the export macros of its
sources, as DPDK 25.11's build does: a line starting with
RTE_EXPORT_EXPERIMENTAL_SYMBOL(name, version) puts name in the
EXPERIMENTAL block, RTE_EXPORT_INTERNAL_SYMBOL(name) in the INTERNAL
block; everything else is local.

gen-version-map.py --output MAP SOURCE...
"""

import argparse
import re
import sys

EXPERIMENTAL_RE = re.compile(r'^RTE_EXPORT_EXPERIMENTAL_SYMBOL\((\w+), ([0-9]+\.[0-9]+)\)')
INTERNAL_RE = re.compile(r'^RTE_EXPORT_INTERNAL_SYMBOL\((\w+)\)')
STABLE_RE = re.compile(r'^RTE_EXPORT_SYMBOL\(')


def read_exports(paths):
    """{symbol: version} of the experimental exports, and the internal ones."""
    experimental = {}
    internal = set()
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                m = EXPERIMENTAL_RE.match(line)
                if m:
                    experimental[m.group(1)] = m.group(2)
                    continue
                m = INTERNAL_RE.match(line)
                if m:
                    internal.add(m.group(1))
                    continue
                if STABLE_RE.match(line):
                    sys.exit(f'{path}:{n}: no stable ABI here: export it as experimental')
    return experimental, internal


def version_script(experimental, internal):
    """The script's text: one block per kind of export, the rest local."""
    lines = ['EXPERIMENTAL {', '\tglobal:', '']
    for version in sorted(set(experimental.values())):
        lines.append(f'\t# added in {version}')
        lines += [f'\t{s};' for s in sorted(experimental) if experimental[s] == version]
    lines += ['', '\tlocal: *;', '};']
    if internal:
        lines += ['', 'INTERNAL {', '\tglobal:', '']
        lines += [f'\t{s};' for s in sorted(internal)]
        lines.append('};')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--output', required=True)
    parser.add_argument('sources', nargs='+')
    args = parser.parse_args()
    experimental, internal = read_exports(args.sources)
    if not experimental:
        sys.exit('no RTE_EXPORT_EXPERIMENTAL_SYMBOL() in the sources')
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write(version_script(experimental, internal))


if __name__ == '__main__':
    main()
