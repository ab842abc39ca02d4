#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Check that lib/fastmem's private files include each other in layers.

Each concern X has its fastmem_X.c and, if other files use it, its
fastmem_X.h; LAYERS below ranks the concerns from the bottom (the base
every file uses) to the API at the top, as the guide's "Source files"
lists them. The rules:

- a private header includes only private headers of lower layers;
- fastmem_X.c includes its own header and private headers of lower layers
  (the API's files may include each other's too), so that a layer calls
  only down;
- below the API, no file gets the state with fastmem_state_get(): the
  layers take it as an argument;
- every private file of lib/fastmem is in LAYERS.

check-layers.py [SRCDIR]

Prints "file: problem" for each problem and exits 1 if there is any.
"""

import os
import re
import sys

# From the bottom: the concerns of each layer; the last one is the API.
LAYERS = (
    ('pvt',),
    ('heap', 'topology', 'layout'),
    ('state',),
    ('debug', 'extmem', 'owner', 'proc'),
    ('backing',),
    ('run',),
    ('segment',),
    ('page',),
    ('bin',),
    ('cache',),
    ('rte_fastmem', 'stats', 'decay', 'headroom', 'telemetry', 'dump'),
)
API = len(LAYERS) - 1
INCLUDE_RE = re.compile(r'^#include "fastmem_(\w+)\.h"', re.M)
NAME_RE = re.compile(r'^(?:fastmem_(\w+)|(rte_fastmem))\.[ch]$')


def rank_of(concern):
    for rank, concerns in enumerate(LAYERS):
        if concern in concerns:
            return rank
    return None


def check(libdir):
    problems = []
    for name in sorted(os.listdir(libdir)):
        m = NAME_RE.match(name)
        if m is None:
            continue
        concern = m.group(1) or m.group(2)
        rank = rank_of(concern)
        if rank is None:
            problems.append('%s: not in any layer of check-layers.py' % name)
            continue
        with open(os.path.join(libdir, name), encoding='utf-8') as f:
            text = f.read()
        is_header = name.endswith('.h')
        for inc in INCLUDE_RE.findall(text):
            inc_rank = rank_of(inc)
            if inc_rank is None:
                problems.append('%s: includes fastmem_%s.h, in no layer' % (name, inc))
            elif inc == concern and not is_header:
                continue
            elif inc_rank < rank or (rank == API and inc_rank == API and not is_header):
                continue
            else:
                problems.append('%s: includes fastmem_%s.h, not of a layer below it' %
                                (name, inc))
        if rank < API and re.search(r'\bfastmem_state_get\(', text) and \
                concern != 'state':
            problems.append('%s: calls fastmem_state_get() below the API' % name)
    return problems


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith('-')):
        sys.exit('usage: check-layers.py [SRCDIR]')
    srcdir = sys.argv[1] if len(sys.argv) == 2 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
    problems = check(os.path.join(srcdir, 'lib', 'fastmem'))
    for p in problems:
        print(p)
    print('%d problems' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
