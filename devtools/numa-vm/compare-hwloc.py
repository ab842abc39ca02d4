#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
"""Compare dpdk-fastmem-info's view of this machine with hwloc's and the kernel's.

Usage: compare-hwloc.py DPDK_FASTMEM_INFO KINDS LCORES
  KINDS   the kind of each node as the VM was built, e.g. dram,dram,hbm,cxl
  LCORES  EAL -l argument, e.g. 0-3

Runs "dpdk-fastmem-info topology --json" with EAL (so that the lcores and
the eal flag of each node are there) and checks:
- nodes: the same ids as hwloc and the kernel; tier = the kind the VM was
  built with (hwloc 2.9 declares none: the resolver infers it from HMAT and
  CPU-lessness); capacity = hwloc's Capacity; CPUs = the kernel's cpulist;
  default = DRAM; usable by fastmem (eal) on every node;
- every CPU: its node is the kernel's and hwloc-calc's local node among the
  default nodes; its best node for latency, bandwidth and capacity is
  hwloc-calc --best-memattr's (when hwloc has values from that CPU; hwloc
  2.9 reads HMAT for local initiators only, otherwise the documented
  fallback applies and is only reported); its fallback order starts with
  its node, covers every node and goes by non-decreasing SLIT distance from
  it (the resolver's order when the latency attribute does not cover
  every node, as here);
- every lcore: the answers of its CPU.
Prints one line per node and CPU, and exits 1 on any mismatch.
"""

import glob
import json
import re
import subprocess
import sys

ATTRS = ('latency', 'bandwidth', 'capacity')


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def cpulist(text):
    """Parse "0-3,8" into a set of CPU numbers."""
    cpus = set()
    for part in filter(None, text.strip().split(',')):
        lo, _, hi = part.partition('-')
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def ids(text):
    """hwloc-calc's output, "1,4", as a list of ints."""
    return [int(x) for x in re.findall(r'\d+', text)]


def kernel_nodes():
    nodes = {}
    for d in glob.glob('/sys/devices/system/node/node[0-9]*'):
        n = int(d.rsplit('node', 1)[1])
        with open(d + '/cpulist') as f:
            cpus = cpulist(f.read())
        with open(d + '/distance') as f:
            dist = [int(x) for x in f.read().split()]
        nodes[n] = (cpus, dist)
    return nodes


def hwloc_capacities():
    """Capacity of each node (physical ids) from lstopo --memattrs."""
    caps, attr = {}, None
    for line in run(['lstopo-no-graphics', '-p', '--memattrs']).splitlines():
        m = re.match(r"Memory attribute #\d+ name `(\w+)'", line)
        if m:
            attr = m.group(1)
            continue
        m = re.match(r'\s+NUMANode P#(\d+) = (\d+)', line)
        if m and attr == 'Capacity':
            caps[int(m.group(1))] = int(m.group(2))
    return caps


class Checker:
    def __init__(self):
        self.checks = 0
        self.bad = 0

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.bad += 1
            print(f'  MISMATCH: {what}')
        return ok


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    info, kinds, lcores = argv[1], argv[2].split(','), argv[3]
    data = json.loads(run([info, 'topology', '--json', '--', '-l', lcores, '--no-pci',
                           '--file-prefix', 'fastmem_info', '--log-level=lib.eal:error']))
    kern = kernel_nodes()
    caps = hwloc_capacities()
    c = Checker()
    nodes = {n['node']: n for n in data['nodes']}
    hw_nodes = ids(run(['hwloc-calc', '-p', '-I', 'numa', 'all']))

    c.check(sorted(nodes) == sorted(kern) == sorted(hw_nodes),
            f'nodes: fastmem {sorted(nodes)}, kernel {sorted(kern)}, hwloc {sorted(hw_nodes)}')
    for n in sorted(nodes):
        nd = nodes[n]
        kind = kinds[n].upper() if n < len(kinds) else '?'
        print(f'node {n}: tier {nd["tier"]} (built as {kind}), capacity {nd["capacity"]} '
              f'(hwloc {caps.get(n)}), cpus [{nd["cpus"]}], default {nd["default"]}, '
              f'usable {nd["eal"]}')
        c.check(nd['tier'] == kind, f'node {n} tier {nd["tier"]}, built as {kind}')
        c.check(nd['capacity'] == caps.get(n), f'node {n} capacity')
        c.check(cpulist(nd['cpus']) == kern[n][0], f'node {n} cpus, kernel {kern[n][0]}')
        c.check(nd['default'] == (kind == 'DRAM'), f'node {n} default flag')
        c.check(nd['eal'], f'node {n} not usable by fastmem')

    defaults = sum(1 << n for n in nodes if nodes[n]['default'])
    by_cpu = {}
    for e in data['cpus']:
        cpu, node, best, order = e['cpu'], e['node'], e['best'], e['order']
        by_cpu[cpu] = e
        knode = [n for n in kern if cpu in kern[n][0]]
        # topology options (--restrict) come first
        local = ids(run(['hwloc-calc', '--restrict', f'nodeset=0x{defaults:08x}', '-p',
                         '--local-memory', f'pu:{cpu}']))
        line = f'cpu {cpu}: node {node} (kernel {knode}, hwloc {local})'
        c.check(knode == [node] and local == [node], f'cpu {cpu} node')
        for a in ATTRS:
            hw = ids(run(['hwloc-calc', '-p', '--local-memory', '--best-memattr', a,
                          f'pu:{cpu}']))
            line += f', best {a} {best[a]} (hwloc {hw[0] if hw else "none: fallback"})'
            if hw:
                c.check(best[a] == hw[0], f'cpu {cpu} best {a}')
        dist = kern[node][1]
        print(line + f', order {order}')
        c.check(order[0] == node and sorted(order) == sorted(nodes) and
                all(dist[a] <= dist[b] for a, b in zip(order, order[1:])),
                f'cpu {cpu} order {order}, SLIT from node {node}: {dist}')
    for e in data.get('lcores', []):
        cpu = min(cpulist(e['cpus']))
        c.check(all(e[k] == by_cpu[cpu][k] for k in ('node', 'best', 'order')),
                f'lcore {e["lcore"]} answers differ from cpu {cpu}')
    c.check(len(data.get('lcores', [])) == len(cpulist(lcores)), 'lcores missing')
    print(f'hwloc-compare: {"PASS" if c.bad == 0 else "FAIL"} checks={c.checks} '
          f'mismatches={c.bad}')
    return 0 if c.bad == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
