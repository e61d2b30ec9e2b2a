#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The reference for the whole-process `btfwalk numa` row of make bench: a plain Python walk of
an x86-64 ELF core that is given every offset and address (so it does none of btfwalk's work of
finding them: no BTF, no symbols, no page tables). It reads the same counters as btfwalk numa:
for each node, zone.vm_numa_event[i] over all zones plus, for populated zones, every CPU's
per_cpu_zonestat.vm_numa_event[i], and prints one line per node.

usage: numa_walk.py CORE key=value...   (all values hex or decimal; see KEYS)
"""
import mmap
import struct
import sys

KEYS = ("nodes cpus phys_base page_offset_base node_data per_cpu_offset node_zones zone_size "
        "nr_zones event nr_items present pcp pcp_event").split()
IMAGE = 0xffffffff80000000


def main():
    core, args = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
    g = {k: int(args[k], 0) for k in KEYS}
    with open(core, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (phoff, phentsize, phnum) = struct.unpack_from("<Q", m, 32) + struct.unpack_from("<HH", m, 54)
    loads = []
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz = struct.unpack_from("<IIQQQQ", m, phoff + i * phentsize)
        if p_type == 1:
            loads.append((paddr, filesz, off))

    def u64(va):
        pa = va - IMAGE + g["phys_base"] if va >= IMAGE else va - g["page_offset_base"]
        pa &= (1 << 64) - 1
        for start, size, off in loads:
            if start <= pa < start + size:
                return struct.unpack_from("<Q", m, off + pa - start)[0]
        raise SystemExit("numa_walk: 0x%x not in the core" % va)

    cpu_off = [u64(g["per_cpu_offset"] + 8 * c) for c in range(g["cpus"])]
    for node in range(g["nodes"]):
        pgdat = u64(g["node_data"] + 8 * node)
        sums = [0] * g["nr_items"]
        for z in range(g["nr_zones"]):
            zone = pgdat + g["node_zones"] + z * g["zone_size"]
            for i in range(g["nr_items"]):
                sums[i] += u64(zone + g["event"] + 8 * i)
            if u64(zone + g["present"]):
                pcp = u64(zone + g["pcp"])
                for c in cpu_off:
                    for i in range(g["nr_items"]):
                        sums[i] += u64((pcp + c + g["pcp_event"] + 8 * i) & ((1 << 64) - 1))
        print("node%d %s" % (node, " ".join(str(s & ((1 << 64) - 1)) for s in sums)))


main()
