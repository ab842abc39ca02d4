#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Check that a library's experimental API, its version map and its static
archive agree (the spirit of DPDK's check-symbols.sh):

1. the functions declared __rte_experimental (or __rte_fastmem_slow_path)
   in the public headers (the macro alone on the line before the return
   type) are exactly the functions of the map's EXPERIMENTAL block; static inline functions are
   not exported and data symbols (per_lcore_* and the archive's objects)
   need no prototype;
2. the global symbols of the archive's .text.experimental section are
   exactly the map's EXPERIMENTAL functions, and the archive defines the
   map's data symbols.

check-experimental-syms.py --map MAP --archive LIB.a [--objdump OBJDUMP]
                           [--stamp FILE] HEADER...
"""

import argparse
import re
import subprocess
import sys

DATA_PREFIX = 'per_lcore_'
# __rte_fastmem_slow_path: the inline functions' out-of-line parts (rte_fastmem_core.h).
MARKERS = ('__rte_experimental', '__rte_fastmem_slow_path')
IDENT_BEFORE_PAREN_RE = re.compile(r'([A-Za-z_]\w*)\s*\($')
OBJDUMP_SYM_RE = re.compile(r'^[0-9a-f]+ (.{7}) (\S+)\s+[0-9a-f]+\s+(?:\.hidden\s+)?(\S+)$')


def map_experimental(path):
    """Names of the EXPERIMENTAL block of a GNU version script."""
    with open(path, encoding='utf-8') as f:
        text = re.sub(r'#[^\n]*', '', f.read())
    m = re.search(r'\bEXPERIMENTAL\s*\{(.*?)\}', text, re.S)
    if m is None:
        return set()
    names = set()
    for entry in m.group(1).split(';'):
        entry = re.sub(r'\b(global|local)\s*:', '', entry).strip()
        if entry and entry != '*':
            names.add(entry)
    return names


def header_experimental(path, errors):
    """Names of the out-of-line functions declared experimental: with
    __rte_experimental, or with a MARKERS macro that expands to it."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    names = set()
    for i, line in enumerate(lines):
        marker = next((m for m in MARKERS if re.search(r'\b' + m + r'\b', line)), None)
        if marker is None:
            continue
        # The body of a macro defined as a marker (a continuation line).
        if i > 0 and lines[i - 1].rstrip().endswith('\\'):
            continue
        if line.strip() != marker:
            code = line.strip()
            if not code.startswith(('#', '*', '/*', '//')):
                errors.append('{}:{}: {} must be alone on the line '
                              'before the return type'.format(path, i + 1, marker))
            continue
        # The declaration runs from the next line up to the first '('.
        decl = ''
        for nxt in lines[i + 1:]:
            decl += ' ' + nxt.strip()
            if '(' in nxt:
                break
        decl = decl[:decl.find('(') + 1]
        m = IDENT_BEFORE_PAREN_RE.search(decl)
        if m is None:
            errors.append('{}:{}: no function declaration after __rte_experimental'
                          .format(path, i + 1))
        elif not re.search(r'\bstatic\b', decl):
            names.add(m.group(1))
    return names


def archive_symbols(objdump, archive):
    """Global symbols defined in the archive: {name: section}, and the data objects among them."""
    out = subprocess.run([objdump, '-t', archive], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    symbols = {}
    objects = set()
    for line in out.split('\n'):
        # 0000000000000000 g     F .text.experimental\t0000000000000010 rte_foo
        m = OBJDUMP_SYM_RE.match(line)
        if m is not None and m.group(1)[0] in 'gu' and m.group(2) != '*UND*':
            symbols[m.group(3)] = m.group(2)
            if m.group(1)[-1] == 'O':
                objects.add(m.group(3))
    return symbols, objects


def compare(errors, what, ref_name, ref, other_name, other):
    for name in sorted(ref - other):
        errors.append('{}: {} is in {} but not in {}'.format(what, name, ref_name, other_name))
    for name in sorted(other - ref):
        errors.append('{}: {} is in {} but not in {}'.format(what, name, other_name, ref_name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--map', required=True, help='version map')
    parser.add_argument('--archive', required=True, help='static library')
    parser.add_argument('--objdump', default='objdump', help='objdump program')
    parser.add_argument('--stamp', help='file to touch on success')
    parser.add_argument('headers', nargs='+', help='public headers')
    args = parser.parse_args()

    errors = []
    mapped = map_experimental(args.map)
    symbols, objects = archive_symbols(args.objdump, args.archive)
    functions = {n for n in mapped if not n.startswith(DATA_PREFIX) and n not in objects}
    declared = set()
    for header in args.headers:
        declared |= header_experimental(header, errors)
    compare(errors, 'headers', 'the EXPERIMENTAL block of ' + args.map, functions,
            'the __rte_experimental prototypes', declared)
    compare(errors, 'archive', 'the EXPERIMENTAL block of ' + args.map, functions,
            '.text.experimental of ' + args.archive,
            {n for n, section in symbols.items() if section == '.text.experimental'})
    for name in sorted(mapped - functions - set(symbols)):
        errors.append('archive: data symbol {} of {} is not defined in {}'
                      .format(name, args.map, args.archive))

    if errors:
        print('\n'.join(errors), file=sys.stderr)
        sys.exit('{} experimental symbol error(s): update {}, the headers or the sources'
                 .format(len(errors), args.map))
    if args.stamp:
        with open(args.stamp, 'w', encoding='ascii') as f:
            f.write('{} experimental symbols checked\n'.format(len(functions)))


if __name__ == '__main__':
    main()
