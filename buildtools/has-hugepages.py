#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Print "true" when EAL can get MEGABYTES of free 2 MiB hugepages (a
hugetlbfs mount for that page size and enough free pages), else "false":
has-hugepages.py MEGABYTES"""

import sys

FREE_PAGES = '/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages'


def default_page_kb():
    with open('/proc/meminfo', encoding='ascii') as f:
        for line in f:
            if line.startswith('Hugepagesize:'):
                return int(line.split()[1])
    return 0


def has_2m_mount():
    with open('/proc/mounts', encoding='utf-8') as f:
        for line in f:
            fields = line.split()
            if len(fields) < 4 or fields[2] != 'hugetlbfs':
                continue
            opts = fields[3].split(',')
            sizes = [o.split('=', 1)[1] for o in opts if o.startswith('pagesize=')]
            if sizes == ['2M'] or (not sizes and default_page_kb() == 2048):
                return True
    return False


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: has-hugepages.py MEGABYTES')
    try:
        with open(FREE_PAGES, encoding='ascii') as f:
            free_mb = int(f.read()) * 2
        ok = free_mb >= int(sys.argv[1]) and has_2m_mount()
    except OSError:
        ok = False
    print('true' if ok else 'false')


if __name__ == '__main__':
    main()
