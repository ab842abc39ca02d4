#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The fastmem authors
"""The emulated NUMA topologies of the fastmem VM test, as QEMU arguments.

Each topology has CPU nodes (DRAM, sockets x nodes per socket, SNC/NPS
style) and CPU-less memory nodes (HBM, CXL), each of which is attached to
a home CPU node: its HMAT initiator, the CPU node that sees it best.

Performance model, for an initiator (CPU node) and a target node whose
home is at some relation to the initiator (same node, same socket,
other socket):
  latency (ns)     = kind's latency + 0 / 15 / 60
  bandwidth (MB/s) = kind's bandwidth, capped at - / 80000 / 40000
  SLIT distance    = the larger kind distance of the two nodes (10 for
                     DRAM; 12 between a CPU node and its own CPU-less
                     node), + 0 / 2 / 11
TCG makes timings meaningless: the model is for the resolver, through
ACPI SLIT and HMAT, and the test checks placement, not speed.

Usage: topology.py list | describe NAME | qemu NAME | kinds NAME
  qemu   one QEMU argument per line: -smp, -m, memory backends, -numa
         node/cpu/dist/hmat-lb (the caller adds machine, accel, kernel, disks)
  kinds  the kind of each node by id, comma-separated (dram, hbm, cxl)
"""

import sys

# kind: (latency ns, bandwidth MB/s, SLIT distance)
KINDS = {
    'dram': (80, 100000, 10),
    'hbm': (110, 400000, 13),
    'cxl': (250, 30000, 17),
}
# relation of a target's home to the initiator: (latency delta, bandwidth cap, SLIT delta)
RELATIONS = {
    'same': (0, None, 0),
    'socket': (15, 80000, 2),
    'remote': (60, 40000, 11),
}

# CPU-less nodes: (kind, MiB, home CPU node)
TOPOLOGIES = {
    'snc2-hbm-cxl': {
        'doc': '2 sockets x SNC2, HBM near node 0, CXL on socket 1',
        'sockets': 2, 'nodes_per_socket': 2, 'cpus_per_node': 1, 'node_mb': 1024,
        'memonly': [('hbm', 512, 0), ('cxl', 512, 2)],
    },
    'snc4-4hbm': {
        'doc': '1 socket x SNC4, one HBM node per SNC domain (Xeon Max, flat mode)',
        'sockets': 1, 'nodes_per_socket': 4, 'cpus_per_node': 1, 'node_mb': 1024,
        'memonly': [('hbm', 512, 0), ('hbm', 512, 1), ('hbm', 512, 2), ('hbm', 512, 3)],
    },
    'nps1-cxl': {
        'doc': '2 sockets NPS1, one CXL node on socket 0',
        'sockets': 2, 'nodes_per_socket': 1, 'cpus_per_node': 2, 'node_mb': 1536,
        'memonly': [('cxl', 1024, 0)],
    },
}


class Topology:
    def __init__(self, name):
        t = TOPOLOGIES[name]
        self.t = t
        self.n_cpu_nodes = t['sockets'] * t['nodes_per_socket']
        self.kind = ['dram'] * self.n_cpu_nodes + [m[0] for m in t['memonly']]
        self.size = [t['node_mb']] * self.n_cpu_nodes + [m[1] for m in t['memonly']]
        self.home = list(range(self.n_cpu_nodes)) + [m[2] for m in t['memonly']]
        self.n_nodes = len(self.kind)
        for h in self.home:
            if h >= self.n_cpu_nodes:
                raise ValueError(f'{name}: home {h} is not a CPU node')

    def socket(self, node):
        return self.home[node] // self.t['nodes_per_socket']

    def relation(self, initiator, target):
        home = self.home[target]
        if home == initiator:
            return 'same'
        return 'socket' if self.socket(home) == self.socket(initiator) else 'remote'

    def latency(self, i, t):
        return KINDS[self.kind[t]][0] + RELATIONS[self.relation(i, t)][0]

    def bandwidth(self, i, t):
        cap = RELATIONS[self.relation(i, t)][1]
        bw = KINDS[self.kind[t]][1]
        return bw if cap is None else min(bw, cap)

    def distance(self, a, b):
        if a == b:
            return 10
        base = max(KINDS[self.kind[a]][2], KINDS[self.kind[b]][2])
        if self.home[a] == self.home[b]:
            return max(base, 12)
        # relation of the two homes, seen from a's home
        return base + RELATIONS[self.relation(self.home[a], b)][2]

    def qemu_args(self):
        t = self.t
        cores = t['nodes_per_socket'] * t['cpus_per_node']
        args = ['-smp', f'{t["sockets"] * cores},sockets={t["sockets"]},dies=1,'
                f'cores={cores},threads=1', '-m', f'{sum(self.size)}M']
        for n in range(self.n_nodes):
            args += ['-object', f'memory-backend-ram,id=mem{n},size={self.size[n]}M',
                     '-numa', f'node,nodeid={n},memdev=mem{n},initiator={self.home[n]}']
        for s in range(t['sockets']):
            for c in range(cores):
                node = s * t['nodes_per_socket'] + c // t['cpus_per_node']
                args += ['-numa', f'cpu,node-id={node},socket-id={s},core-id={c},thread-id=0']
        for a in range(self.n_nodes):
            for b in range(a + 1, self.n_nodes):
                args += ['-numa', f'dist,src={a},dst={b},val={self.distance(a, b)}']
        for i in range(self.n_cpu_nodes):
            for n in range(self.n_nodes):
                lb = f'hmat-lb,initiator={i},target={n},hierarchy=memory'
                args += ['-numa', f'{lb},data-type=access-latency,latency={self.latency(i, n)}',
                         '-numa', f'{lb},data-type=access-bandwidth,'
                         f'bandwidth={self.bandwidth(i, n)}M']
        return args

    def describe(self, name):
        cpus = self.t['cpus_per_node']
        lines = [f'topology {name}: {self.t["doc"]}',
                 'node kind home MiB cpus']
        for n in range(self.n_nodes):
            c = (f'{n * cpus}-{n * cpus + cpus - 1}' if cpus > 1 else str(n)) \
                if n < self.n_cpu_nodes else '-'
            lines.append(f'{n:4} {self.kind[n]:4} {self.home[n]:4} {self.size[n]:4} {c}')
        for title, f in (('latency ns', self.latency), ('bandwidth MB/s', self.bandwidth)):
            lines.append(f'{title} (rows: initiator nodes)')
            for i in range(self.n_cpu_nodes):
                lines.append(f'{i:4}:' + ''.join(f'{f(i, n):7}' for n in range(self.n_nodes)))
        lines.append('SLIT')
        for a in range(self.n_nodes):
            lines.append(f'{a:4}:' + ''.join(f'{self.distance(a, b):4}'
                                             for b in range(self.n_nodes)))
        return '\n'.join(lines)


def main(argv):
    if len(argv) == 2 and argv[1] == 'list':
        print('\n'.join(TOPOLOGIES))
        return 0
    if len(argv) != 3 or argv[1] not in ('describe', 'qemu', 'kinds'):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[2] not in TOPOLOGIES:
        print(f'unknown topology {argv[2]}; known: {" ".join(TOPOLOGIES)}', file=sys.stderr)
        return 2
    topo = Topology(argv[2])
    if argv[1] == 'describe':
        print(topo.describe(argv[2]))
    elif argv[1] == 'qemu':
        print('\n'.join(topo.qemu_args()))
    else:
        print(','.join(topo.kind))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
