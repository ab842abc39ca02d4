#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors

"""Turn the JSON of dpdk-test-fastmem (--json FILE) into PNG plots with gnuplot.

Writes, in the output directory (default doc/guides/tools/img):
  testfastmem_hotpath.png  scenario 1: cycles per alloc+free pair, per allocator and size
  testfastmem_scaling.png  scenario 7: per-lcore throughput of scenarios 1, 5, 6 over lcores
  testfastmem_latency.png  scenario 9: latency by percentile (HDR style), alloc and free

A plot whose scenario is not in the file is skipped (and said so).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

WORKLOADS = {1: 'hot path', 5: 'larson', 6: 'pipeline'}


def env_line(doc):
    env = doc['env']
    huge = 'hugepages' if env['hugepages'] else 'no hugepages'
    return '%s, %s, %s, %s, %d lcores' % (env['cpu'], env['dpdk'], env['compiler'], huge,
                                          len(env['lcores']))


def gp_str(s):
    """A gnuplot double-quoted string literal, newlines escaped."""
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def terminal():
    """pngcairo when gnuplot has it, else libgd's png."""
    out = subprocess.run(['gnuplot', '-e', 'set terminal'], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=False).stdout
    if 'pngcairo' in out:
        return 'pngcairo noenhanced font "sans,9"'
    return 'png noenhanced'


def run_gnuplot(script):
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


def results(doc, scenario, metric=None):
    return [r for r in doc['results']
            if r['scenario'] == scenario and r['median'] is not None and
            (metric is None or r['metric'] == metric)]


def ordered(names):
    """Allocators in first-seen order, without repeats."""
    seen = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def plot_hotpath(doc, tmp, out, term):
    rows = [r for r in results(doc, 1, 'alloc+free') if r['quantile'] is None]
    if not rows:
        return False
    sizes = sorted({r['size'] for r in rows})
    allocs = ordered(r['allocator'] for r in rows)
    data = os.path.join(tmp, 'hotpath.dat')
    with open(data, 'w', encoding='utf-8') as f:
        f.write('allocator ' + ' '.join('%dB' % s for s in sizes) + '\n')
        for a in allocs:
            vals = []
            for s in sizes:
                v = [r['median'] for r in rows if r['allocator'] == a and r['size'] == s]
                vals.append('%.3f' % v[0] if v else '?')
            f.write('%s %s\n' % (a, ' '.join(vals)))
    cols = ', '.join('%s using %d:xtic(1) title columnhead' % ('"%s"' % data if i == 0 else "''",
                                                                i + 2)
                     for i in range(len(sizes)))
    run_gnuplot('''
set terminal %s size 1000,520
set output %s
set title %s
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "TSC cycles per alloc+free pair (log, lower is better)"
set grid ytics
set key top left title "object size"
set xtics rotate by -20
plot %s
''' % (term, gp_str(out), gp_str('Scenario 1, hot path: one alloc+free pair, 1 lcore\n' +
                                 env_line(doc)), cols))
    return True


def plot_scaling(doc, tmp, out, term):
    rows = [r for r in results(doc, 7, 'alloc+free') if r['mops'] is not None]
    if not rows:
        return False
    lcores = sorted({r['lcores'] for r in rows})
    allocs = ordered(r['allocator'] for r in rows)
    script = ['set terminal %s size 1200,420' % term,
              'set output %s' % gp_str(out),
              'set multiplot layout 1,3 title %s' %
              gp_str('Scenario 7, scaling: per-lcore throughput (higher is better)\n' +
                     env_line(doc)),
              'set xlabel "lcores"',
              'set ylabel "M alloc+free per second, per lcore"',
              'set xtics (%s)' % ', '.join('"%d" %d' % (k, k) for k in lcores),
              'set xrange [%g:%g]' % (min(lcores) - 0.3, max(lcores) + 0.3),
              'set logscale y',
              'set grid',
              'set key bottom left font ",8"']
    for wl, name in WORKLOADS.items():
        plots = []
        for a in allocs:
            pts = sorted((r['lcores'], r['mops'] / r['lcores']) for r in rows
                         if r['param'] == wl and r['allocator'] == a)
            if not pts:
                continue
            data = os.path.join(tmp, 'scaling_%d_%s.dat' % (wl, a))
            with open(data, 'w', encoding='utf-8') as f:
                for k, v in pts:
                    f.write('%d %.4f\n' % (k, v))
            plots.append('%s using 1:2 with linespoints title %s' % (gp_str(data), gp_str(a)))
        script.append('set title %s' % gp_str('scenario %d, %s' % (wl, name)))
        script.append('plot ' + ', '.join(plots) if plots else 'clear')
    script.append('unset multiplot')
    run_gnuplot('\n'.join(script) + '\n')
    return True


def plot_latency(doc, tmp, out, term, size):
    rows = [r for r in doc['results']
            if r['scenario'] == 9 and r['quantile'] is not None and r['median'] is not None]
    if not rows:
        return False
    sizes = sorted({r['size'] for r in rows})
    if size not in sizes:
        size = 64 if 64 in sizes else sizes[0]
    allocs = ordered(r['allocator'] for r in rows)
    bases = ordered(a.split('+')[0] for a in allocs)
    script = ['set terminal %s size 1200,480' % term,
              'set output %s' % gp_str(out),
              'set multiplot layout 1,2 title %s' %
              gp_str('Scenario 9, latency of single calls, %d B objects (timer included)\n'
                     % size + env_line(doc)),
              # HDR-histogram style: x = 1/(1-q), so 90, 99, 99.9 % are evenly spaced.
              'set logscale x',
              'set logscale y',
              'set xrange [1:100000]',
              'set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, '
              '"max" 100000)',
              'set xlabel "percentile"',
              'set ylabel "TSC cycles (log)"',
              'set grid',
              'set key top left font ",8"']
    for op in ('alloc', 'free'):
        plots = []
        for a in allocs:
            pts = sorted((r['quantile'], r['median']) for r in rows
                         if r['allocator'] == a and r['size'] == size and
                         r['metric'] == op + ' cdf')
            if not pts:
                continue
            data = os.path.join(tmp, 'lat_%s_%s.dat' % (op, a.replace('+', '_')))
            with open(data, 'w', encoding='utf-8') as f:
                for q, v in pts:
                    x = 100000 if q >= 0.99999 else 1 / (1 - q)
                    f.write('%.6g %.6g\n' % (x, max(v, 1)))
            # One colour per allocator; its "+reserve" variant dashed.
            style = 'lc %d lw 1.5 dt %d' % (bases.index(a.split('+')[0]) + 1,
                                            2 if '+' in a else 1)
            plots.append('%s using 1:2 with steps %s title %s' % (gp_str(data), style,
                                                                  gp_str(a)))
        script.append('set title %s' % gp_str(op))
        script.append('plot ' + ', '.join(plots) if plots else 'clear')
    script.append('unset multiplot')
    run_gnuplot('\n'.join(script) + '\n')
    return True


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('json', help='output of dpdk-test-fastmem --json')
    parser.add_argument('-o', '--out', default=os.path.join(root, 'doc', 'guides', 'tools', 'img'),
                        help='output directory (default: %(default)s)')
    parser.add_argument('--size', type=int, default=64,
                        help='object size of the latency plot (default: %(default)s)')
    args = parser.parse_args()

    if shutil.which('gnuplot') is None:
        print('gnuplot not found: apt-get install gnuplot-nox', file=sys.stderr)
        return 1
    try:
        with open(args.json, encoding='utf-8') as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print('cannot read %s: %s' % (args.json, e), file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    term = terminal()
    plots = [('testfastmem_hotpath.png', 1, plot_hotpath),
             ('testfastmem_scaling.png', 7, plot_scaling),
             ('testfastmem_latency.png', 9,
              lambda d, t, o, m: plot_latency(d, t, o, m, args.size))]
    with tempfile.TemporaryDirectory() as tmp:
        for name, scenario, fn in plots:
            out = os.path.join(args.out, name)
            if fn(doc, tmp, out, term):
                print('wrote %s' % out)
            else:
                print('skipped %s: no scenario %d in %s' % (name, scenario, args.json))
    return 0


if __name__ == '__main__':
    sys.exit(main())
