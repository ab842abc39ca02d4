#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Print, one per line and sorted, the names of the files of a directory
matching shell globs: list-dir-globs.py DIR GLOB...

Meson has no glob; this lets a meson.build pick up new files without being
edited (they are seen at the next configure)."""

import fnmatch
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: list-dir-globs.py DIR GLOB...')
    directory, globs = sys.argv[1], sys.argv[2:]
    for name in sorted(os.listdir(directory)):
        if (os.path.isfile(os.path.join(directory, name)) and
                any(fnmatch.fnmatchcase(name, g) for g in globs)):
            print(name)


if __name__ == '__main__':
    main()
