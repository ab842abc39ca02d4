#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Smoke test of dpdk-test-fastmem: run it briefly, check that its output is well formed.

Never checks a timing: only that the app exits 0, that the JSON parses, that
the CSV has the expected columns, that every scenario has a row for every
available allocator, and that the memory footprint figures (scenario 8 at
each live size, scenario 10) and the goal lines of every issue are there.
With --preload (run under LD_PRELOAD=librte_fastmem_malloc.so), also that
rte_malloc_fm is available, has its scenario 10 figures and its goals measured.
EAL arguments in DPDK_TEST_PARAMS are added to the app's, as dpdk-test adds
them to its own (a DPDK tree built with shared libraries needs its drivers
there: -d build/drivers).
"""

import csv
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile

CSV_COLUMNS = ['scenario', 'scenario_name', 'allocator', 'metric', 'unit', 'size', 'param',
               'lcores', 'median', 'min', 'max', 'ns', 'mops', 'ratio_mempool', 'quantile',
               'note']
SCENARIOS = range(1, 12)
# --live of the run: scenario 8 has a row per size (param, in MiB).
LIVE_MIB = (1, 8)
# The figures of scenario 10 for the allocators EAL serves (fastmem's also in scenario 8).
S10_METRICS = ('EAL/live', 'backing/live', 'EAL MiB', 'backing MiB', 'live MiB')
GOALS = ['=== Goals (issue 5;', '=== Goals (issue 17;', 'lcores x ~1 MiB live: fastmem EAL bytes',
         'S8: fastmem EAL/live at 8/64/256 MiB', 'S8: fastmem backing/live <= jemalloc',
         'S8: fastmem within 10% of tcmalloc', 'S1: fastmem <= 0.5x mempool',
         'S5: fastmem <= 1.0x mempool', 'S9: fastmem+reserve alloc p99.9', '=== Goals (issue 18;',
         'S1: rte_malloc_fm >= 10x faster than rte_malloc', 'S8: rte_malloc_fm EAL bytes',
         '=== Goals (issue 21;', 'S9: fastmem+headroom: no allocation waits',
         'S11: fastmem+paced+hr: no allocation waits', 'S11: fastmem+hr alloc p99.9']


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def eal_args(memory, lcores, prefix):
    """EAL arguments of a run, DPDK_TEST_PARAMS's last."""
    return (['--no-huge', '-m', memory, '--no-pci', '-l', lcores, '--file-prefix=' + prefix,
             '--log-level=lib.eal:error'] + shlex.split(os.environ.get('DPDK_TEST_PARAMS', '')))


def lcore_list():
    cpus = sorted(os.sched_getaffinity(0))[:2]
    return ','.join(str(c) for c in cpus)


def run(app, outdir):
    csv_path = os.path.join(outdir, 'out.csv')
    json_path = os.path.join(outdir, 'out.json')
    cmd = [app] + eal_args('1024', lcore_list(), 'bench_smoke') + [
           '--', '--repeat', '1', '--iterations', '2000', '--live', '8M,1M', '--csv', csv_path,
           '--json', json_path]
    print(' '.join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=540, check=False)
    print(proc.stdout)
    if proc.returncode != 0:
        fail('exit status %d' % proc.returncode)
    return csv_path, json_path, proc.stdout


BAD_OPTIONS = [
    (['--sizes', '0'], "invalid --sizes '0'"),
    # Read twice (before EAL, for jemalloc's re-execution, then parsed): reported once.
    (['--allocators', 'mempool,foo'], "unknown allocator 'foo'"),
    (['--scenarios', '12'], "unknown scenario '12'"),
    # Scenario 8 names its sets in MiB.
    (['--live', '1536K'], "invalid --live '1536K'"),
]


def check_bad_option(app):
    """A bad option must give its message once, the usage, and exit status 2."""
    for args, message in BAD_OPTIONS:
        cmd = [app] + eal_args('256', lcore_list().split(',')[0], 'bench_smoke_bad') + [
            '--'] + args
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=120, check=False)
        if proc.returncode != 2 or proc.stdout.count(message) != 1 or \
                'Usage:' not in proc.stdout:
            fail('bad option %s: status %d, output:\n%s' %
                 (' '.join(args), proc.returncode, proc.stdout))


def check_json(json_path, preload):
    with open(json_path, encoding='utf-8') as f:
        doc = json.load(f)
    for key in ('env', 'options', 'allocators', 'results', 'notes', 'goals'):
        if key not in doc:
            fail('JSON has no "%s"' % key)
    for key in ('cpu', 'tsc_hz', 'dpdk', 'compiler', 'hugepages', 'lcores'):
        if key not in doc['env']:
            fail('JSON env has no "%s"' % key)
    avail = [a['name'] for a in doc['allocators'] if a['available'] and a['selected']]
    for name in ('fastmem', 'fastmem_h', 'mempool', 'rte_malloc', 'glibc') + \
            (('rte_malloc_fm',) if preload else ()):
        if name not in avail:
            fail('allocator %s not available' % name)
    for r in doc['results']:
        for v in ('median', 'min', 'max', 'ratio_mempool'):
            if r[v] is not None and not math.isfinite(r[v]):
                fail('non-finite %s in %s' % (v, r))
        if r['note'].startswith('FAILED'):
            fail('failed measurement: %s' % r)
    for g in doc['goals']:
        if g['status'] not in ('PASS', 'MISS', 'not measured'):
            fail('goal status %s' % g['status'])
        if preload and g['issue'] == 18 and g['status'] == 'not measured':
            fail('goal not measured under the preload: %s' % g['goal'])
    return doc, avail


def check_csv(csv_path, doc, avail):
    with open(csv_path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    header = rows[0]
    if header[0] != '#scenario' or [header[0][1:]] + header[1:] != CSV_COLUMNS:
        fail('CSV header %s' % header)
    if len(rows) - 1 != len(doc['results']):
        fail('CSV has %d rows, JSON %d results' % (len(rows) - 1, len(doc['results'])))
    seen = set()
    for row in rows[1:]:
        if len(row) != len(CSV_COLUMNS):
            fail('CSV row with %d fields: %s' % (len(row), row))
        rec = dict(zip(CSV_COLUMNS, row))
        for v in ('median', 'min', 'max', 'ns', 'mops', 'ratio_mempool', 'quantile'):
            if rec[v] != '':
                float(rec[v])
        seen.add((int(rec['scenario']), rec['allocator'].split('+')[0]))
    for s in SCENARIOS:
        for a in avail:
            if (s, a) not in seen:
                fail('no row for scenario %d, allocator %s' % (s, a))
    # Scenario 7's loop without an allocator, which its goal lines quote.
    if (7, 'reference') not in seen:
        fail('no reference row in scenario 7')


def check_footprint(doc, avail, stdout):
    """Scenario 8 at every --live size, scenario 10's figures, issue 17's goal lines."""
    figures = {(r['scenario'], r['allocator'], r['metric'], r['param']): r
               for r in doc['results'] if r['metric']}
    for mib in LIVE_MIB:
        for a in avail:
            if a in ('mempool', 'fastmem_h'):
                continue
            if (8, a, 'backing/live', mib) not in figures:
                fail('no scenario 8 row for %s at %d MiB' % (a, mib))
        r = figures.get((8, 'fastmem', 'EAL/live', mib))
        if r is None or r['median'] is None or r['median'] <= 0:
            fail('no fastmem EAL/live in scenario 8 at %d MiB: %s' % (mib, r))
    n_lcores = len(doc['env']['lcores'])
    eal_served = [a for a in ('fastmem', 'fastmem_h', 'rte_malloc', 'rte_malloc_fm')
                  if a in avail or a != 'rte_malloc_fm']
    for a in eal_served:
        for m in S10_METRICS:
            r = figures.get((10, a, m, 0))
            if r is None:
                fail('no scenario 10 %s for %s' % (m, a))
            if r['lcores'] != n_lcores:
                fail('scenario 10 on %d lcores, not all: %s' % (r['lcores'], r))
            # rte_malloc's backing is its EAL figure: not repeated.
            if (not a.startswith('rte_malloc') or not m.startswith('backing')) and \
                    (r['median'] is None or r['median'] <= 0):
                fail('scenario 10 %s of %s not measured: %s' % (m, a, r))
    table = stdout.partition('=== Scenario 10:')[2].partition('(scenario 10 took')[0]
    rows = [line.split() for line in table.splitlines()]
    for a in eal_served:
        if not any(row[:3] == ['mixed', str(n_lcores), a] for row in rows):
            fail('no scenario 10 line for %s' % a)
    for g in GOALS:
        if g not in stdout:
            fail('no goal line "%s"' % g)
    if not any(g['issue'] == 17 for g in doc['goals']):
        fail('no goal of issue 17 in the JSON')


def main():
    args = sys.argv[1:]
    preload = args[:1] == ['--preload']
    if preload:
        args = args[1:]
    if len(args) != 1:
        print('usage: check_output.py [--preload] DPDK-TEST-FASTMEM')
        return 2
    app = args[0]
    with tempfile.TemporaryDirectory() as outdir:
        csv_path, json_path, stdout = run(app, outdir)
        for s in SCENARIOS:
            if '=== Scenario %d:' % s not in stdout:
                fail('no table for scenario %d' % s)
        if '=== Goals' not in stdout:
            fail('no goals')
        doc, avail = check_json(json_path, preload)
        check_csv(csv_path, doc, avail)
        check_footprint(doc, avail, stdout)
    check_bad_option(app)
    print('1 passed, 0 failed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
