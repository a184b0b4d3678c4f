#!/usr/bin/env python3
"""Compares `strata netpol conn -f csv` output with a flows file (tests/e2e/netpol.sh).

Each is expanded to (workload end, direction or other workload, protocol, port) -> the other
ends, outside addresses as collapsed networks: the two may cut the address space differently
(conn names the engine's entities, the flows file the CIDRs asked for). Prints "equal" or the
first differences."""
import csv
import ipaddress
import sys
from collections import defaultdict


def nets(text):
    if " except " in text:
        base, ex = text.split(" except ")
        out = [ipaddress.ip_network(base)]
        for e in ex.split(","):
            e = ipaddress.ip_network(e)
            out = [n for o in out for n in (o.address_exclude(e) if e.subnet_of(o) else [o])]
        return out
    return [ipaddress.ip_network(t) for t in text.split(",")]


def is_addr(t):
    return t[0].isdigit()


def ports(spec, conn_form):
    if spec in ("All", "all"):
        return [("all", "")]
    out = []
    for part in spec.split(" " if conn_form else ","):
        if conn_form:  # TCP:80,8000-8080
            proto, ps = part.split(":")
            items = [(proto, p) for p in ps.split(",")]
        else:  # 80/TCP, 8000-8080/TCP, TCP
            port, _, proto = part.partition("/")
            items = [(port, "all")] if port in ("TCP", "UDP", "SCTP") else [(proto or "TCP", port)]
        for proto, p in items:
            if p == "all":
                out.append((proto, "all"))
                continue
            lo, _, hi = p.partition("-")
            out += [(proto, str(n)) for n in range(int(lo), int(hi or lo) + 1)]
    return out


def add(m, src, dst, spec, conn_form):
    for proto, p in ports(spec, conn_form):
        if is_addr(src):
            m[(dst, "from outside", proto, p)].extend(nets(src))
        elif is_addr(dst):
            m[(src, "to outside", proto, p)].extend(nets(dst))
        else:
            m[(src, dst, proto, p)].append(None)


def norm(m):
    return {k: (tuple(ipaddress.collapse_addresses(v)) if v[0] is not None else None)
            for k, v in m.items()}


def main():
    a, b = defaultdict(list), defaultdict(list)
    for row in csv.DictReader(open(sys.argv[1])):
        add(a, row["src"], row["dst"], row["ports"], True)
    for line in open(sys.argv[2]):
        f = line.split("#")[0].split()
        if f:
            add(b, f[0], f[1], f[2], False)
    a, b = norm(a), norm(b)
    if a == b:
        print("equal")
    else:
        only_a = sorted((k, v) for k, v in a.items() if b.get(k) != v)[:4]
        only_b = sorted((k, v) for k, v in b.items() if a.get(k) != v)[:4]
        print("conn has %s; flows have %s" % (only_a, only_b))


main()
