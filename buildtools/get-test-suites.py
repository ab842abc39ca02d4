#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Find the REGISTER_<SUITE>_TEST() calls of test sources (app/test/test.h)
and print one line per test for app/test/suites/meson.build:

    fast-tests:<name>:<nohuge ok>:<asan ok>   (true or false)
    perf-tests:<name>
    stress-tests:<name>

Exits with an error on unknown flags and duplicate names."""

import re
import sys

REGISTER_RE = re.compile(r'^[ \t]*REGISTER_(FAST|PERF|STRESS)_TEST[ \t]*\(([^()]*)\)', re.M)
# DPDK 25.11's spelling of the fast tests' two flags.
FLAGS = ('true', 'false')
N_ARGS = {'FAST': 4, 'PERF': 2, 'STRESS': 2}


def parse(path, seen):
    """Return the output lines for one file; seen maps names to locations."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    lines = []
    for m in REGISTER_RE.finditer(text):
        kind = m.group(1)
        where = '{}:{}'.format(path, text.count('\n', 0, m.start()) + 1)
        args = [a.strip() for a in m.group(2).split(',')]
        if len(args) != N_ARGS[kind]:
            sys.exit('{}: REGISTER_{}_TEST takes {} arguments'.format(where, kind, N_ARGS[kind]))
        name = args[0]
        if name in seen:
            sys.exit('{}: test {} already registered at {}'.format(where, name, seen[name]))
        seen[name] = where
        if kind != 'FAST':
            lines.append('{}-tests:{}'.format(kind.lower(), name))
            continue
        if args[1] not in FLAGS or args[2] not in FLAGS:
            sys.exit('{}: REGISTER_FAST_TEST flags must be true or false, not {}, {}'
                     .format(where, args[1], args[2]))
        lines.append('fast-tests:{}:{}:{}'.format(name, args[1], args[2]))
    return lines


def main():
    seen = {}
    for path in sys.argv[1:]:
        for line in parse(path, seen):
            print(line)


if __name__ == '__main__':
    main()
