#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Check the DPDK style rules that need no compiler over the sources:

- every line at most 100 columns, a tab counting up to the next multiple of 8;
- C files (.c, .h) indent with tabs: after the leading tabs, a space may
  only start a block comment's continuation (" * ..." or " */");
- no whitespace at the end of a line;
- the SPDX-License-Identifier line first (after the "#!" line of a
  script) in every .c, .h, .py, .sh and meson.build file.

check-style.py [SRCDIR]

The files are the sources (the kinds above) that git tracks under lib/,
app/, buildtools/, devtools/ and usertools/ of SRCDIR (default: the tree
this script is in); outside a git checkout, every such file under those
directories. Prints "file:line: problem" for each problem, paths relative
to SRCDIR, and exits 1 if there is any.
"""

import os
import re
import subprocess
import sys

DIRS = ('lib', 'app', 'buildtools', 'devtools', 'usertools')
C_SUFFIXES = ('.c', '.h')
SOURCE_SUFFIXES = C_SUFFIXES + ('.py', '.sh')
SOURCE_NAMES = ('meson.build',)
MAX_COLUMNS = 100
TAB_WIDTH = 8
SPDX = 'SPDX-License-Identifier:'
# Leading tabs, then code, or a space only to start a block comment's " *".
C_INDENT_RE = re.compile(r'^\t*(?: \*|[^ \t])')


def is_source(path):
    name = os.path.basename(path)
    return name in SOURCE_NAMES or name.endswith(SOURCE_SUFFIXES)


def git_files(srcdir):
    """The files git tracks under DIRS, or None outside a git checkout of srcdir."""
    try:
        top = subprocess.run(['git', '-C', srcdir, 'rev-parse', '--show-toplevel'],
                             capture_output=True, text=True, check=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(srcdir):
            return None
        out = subprocess.run(['git', '-C', srcdir, 'ls-files', '-z', '--'] + list(DIRS),
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [p for p in out.decode('utf-8', 'surrogateescape').split('\0') if p]


def walk_files(srcdir):
    """Every file under DIRS, hidden directories left out."""
    files = []
    for d in DIRS:
        for root, dirs, names in os.walk(os.path.join(srcdir, d)):
            dirs[:] = sorted(x for x in dirs if not x.startswith('.') and x != '__pycache__')
            files.extend(os.path.relpath(os.path.join(root, n), srcdir) for n in sorted(names))
    return files


def columns(line):
    """Width of a line, tabs expanded."""
    return len(line.expandtabs(TAB_WIDTH))


def check_file(srcdir, path):
    """The problems of one file, as "file:line: problem" strings."""
    problems = []
    with open(os.path.join(srcdir, path), encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    is_c = path.endswith(C_SUFFIXES)

    spdx_line = 2 if lines and lines[0].startswith('#!') else 1
    if len(lines) < spdx_line or SPDX not in lines[spdx_line - 1]:
        problems.append('%s:%d: no %s line first' % (path, spdx_line, SPDX.rstrip(':')))
    for n, line in enumerate(lines, 1):
        if line != line.rstrip():
            problems.append('%s:%d: trailing whitespace' % (path, n))
        if columns(line.rstrip()) > MAX_COLUMNS:
            problems.append('%s:%d: %d columns, more than %d' %
                            (path, n, columns(line.rstrip()), MAX_COLUMNS))
        if is_c and line.strip() and not C_INDENT_RE.match(line):
            problems.append('%s:%d: indented with spaces, not tabs' % (path, n))
    return problems


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith('-')):
        sys.exit('usage: check-style.py [SRCDIR]')
    if len(sys.argv) == 2:
        srcdir = sys.argv[1]
    else:
        srcdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
    srcdir = os.path.abspath(srcdir)

    files = git_files(srcdir)
    if files is None:
        files = walk_files(srcdir)
    files = [p for p in files if is_source(p) and os.path.isfile(os.path.join(srcdir, p))]
    if not files:
        sys.exit('check-style.py: no source files under %s' % srcdir)

    problems = []
    for path in sorted(files):
        problems.extend(check_file(srcdir, path))
    for p in problems:
        print(p)
    print('%d files checked, %d problems' % (len(files), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
