#!/usr/bin/env python3
"""Version pairs for the RubyGems and Composer comparator oracles
(tests/e2e/version_gem_composer_oracle.sh).

usage: version_oracle_gen_gc.py gem|composer COUNT SEED > pairs   (one "A B" pair per line)

Deterministic for a seed. Most pairs are a version and a small mutation of it (so that they
agree on everything but one part and exercise the rule for that part); the rest are random
pairs from the same pool and the hand-picked examples below paired with each other and with
their neighbours. Versions never contain whitespace (the CLI reads "A B" lines), stay ASCII
and within strata's 256-byte bound; Composer numbers stay below 19 digits, where PHP's
version_compare saturates and strata refuses (documented, checked in the unit tests).
"""
import random
import sys

GEM_HAND = [
    "0", "1", "1.0", "1.0.0", "1.0.0.0", "1.0.a", "1.0.a1", "1.0.a.1", "1.0.b", "1.0.rc1",
    "1.0.RC1", "1.0.A", "1.0a", "1.0a1", "1.0.0a", "1.0-1", "1.0-a", "1.0-pre", "1.0.pre",
    "1.0.pre.a", "1.0-rc.1", "1.0-rc-1", "1.0--", "1.0-x-", "1.a", "1.a.0", "1.a.0.0", "1.a.1",
    "1.0.0.a.0", "1.1", "1.9", "1.10", "2", "2.0.0.1", "0.9.9", "1.0.0.pre", "1.0.0.rc1",
    "1.0.0.beta2", "1.0.0.beta10", "3.2.1.alpha.3", "1.0.0.pre1.2", "1.0.z", "1.0.zz",
    "1.0.Z", "10.0.0", "007", "1.007", "99999999999999999999", "99999999999999999999.1",
    "1.0.0-alpha.1", "1.2.3-beta-4", "1.0.0.0.0.0.0.1", "5.2.4.3", "6.0.0.beta1.1", " 1.0",
    # invalid
    "1a", "a", "1.", ".1", "1..0", "v1.0", "1.0+b", "1.0-", "1.0-.a", "1.0-a..b", "1.0_1",
    "1.0-a_b", "-1", "1.0!", "=1.0", "1.0.-a",
]

COMPOSER_HAND = [
    "1", "1.0", "1.0.0", "1.0.0.0", "v1.0.0", "V1.0", "1.0.0-dev", "1.0.0.dev", "1.0-dev",
    "1.0.0-alpha", "1.0.0-alpha1", "1.0.0-a1", "1.0.0a2", "1.0.0-beta", "1.0.0-beta.1",
    "1.0.0-b2", "1.0.0-beta2-dev", "1.0.0-RC1", "1.0.0-rc1", "1.0.0-RC", "1.0.0rc2",
    "1.0.0-patch1", "1.0.0-pl1", "1.0.0-p1", "1.0.0-p", "1.0.0-stable", "1.0.0-STABLE",
    "1.0.0-Stable1", "1.0.0-stable-dev", "1.0.0-beta.1.2", "1.0.0-beta.1-2", "1.0.0-beta1.2",
    "1.0.0+build", "1.0.0+build.1", "1.0.0@dev", "1.0.0-beta@beta", "1.0.", "1-", "1_",
    "1.0.0-alphadev", "01.02.03", "1.02", "99999.0", "12345.6.7.8", "2023.01.01",
    "2023-01-01", "20230101", "2023-01-01-beta", "2023.01.01.1", "202301011230",
    "2023-01-01:12", "123456.0", "123456-dev", "1.x-dev", "1.X-dev", "1.*-dev", "1.2.x-dev",
    "1.2.3.x-dev", "v1.x-dev", "1.xdev", "1.x.dev", "2.x-dev", "1.9999999.9999999.9999999-dev",
    "1.0.0-alpha.dev", "1.0.0_beta", "1.0.0.beta", "5.4.3", "v5.4.3", "6.0.0-BETA3",
    "4.4.0-RC2", "10.0", "0.1", "0.0.1",
    # invalid or branches
    "dev-master", "dev-main", "master", "trunk", "default", "1.0.0-1", "1.2.3.4.5",
    "1.2.3.4.5-dev", "1.0+", "+1", "1.0.0-gamma", "x1.0", "1.x", "1.0-dev-dev", "abc",
    "123456", "1.0.0-beta1b2", "1.0,1", "dev", "1.0@foo",
]


def rnum(r, big=True):
    x = r.random()
    if x < 0.5:
        return str(r.randint(0, 3))
    if x < 0.75:
        return str(r.randint(0, 20))
    if x < 0.85:
        return "0" * r.randint(1, 2) + str(r.randint(0, 9))
    if x < 0.95 or not big:
        return str(r.randint(0, 10**6))
    return str(r.randint(0, 10**25))


LETTERS = ["a", "b", "rc", "pre", "beta", "alpha", "A", "RC", "z", "dev", "x", "Zz"]


def gem_version(r):
    s = ".".join(rnum(r) for _ in range(r.choice([1, 2, 2, 3, 3, 3, 4, 5])))
    for _ in range(r.choice([0, 0, 1, 1, 2])):
        part = r.choice(LETTERS)
        if r.random() < 0.5:
            part += rnum(r)
        s += "." + part if r.random() < 0.7 else (s and part)
    if r.random() < 0.15:
        s += "." + rnum(r)
    if r.random() < 0.2:
        s += "-" + ".".join(r.choice(LETTERS + ["1", "2", "10", "x-y"])
                            for _ in range(r.choice([1, 1, 2])))
    return s


STAB = ["alpha", "a", "beta", "b", "RC", "rc", "patch", "pl", "p", "stable", "STABLE",
        "Alpha", "BETA"]


def composer_version(r):
    kind = r.random()
    if kind < 0.08:
        y = str(r.randint(1990, 2030))
        seps = [r.choice(["", ".", "-", ":"]) for _ in range(3)]
        s = y + seps[0] + "%02d" % r.randint(1, 12)
        if r.random() < 0.7:
            s += seps[1] + "%02d" % r.randint(1, 28)
        if r.random() < 0.3:
            s += seps[2] + str(r.randint(0, 999))
    elif kind < 0.14:
        parts = [rnum(r, False)] + [r.choice(["x", "X", "*", rnum(r, False)])
                                    for _ in range(r.randint(0, 3))]
        return ("v" if r.random() < 0.1 else "") + ".".join(parts) + r.choice(["-dev", ".dev", "dev"])
    else:
        first = str(r.randint(0, 99999)) if r.random() < 0.1 else rnum(r, False)
        s = ".".join([first] + [rnum(r, False) for _ in range(r.choice([0, 1, 2, 2, 3]))])
        if r.random() < 0.08:
            s = r.choice("vV") + s
    if r.random() < 0.4:
        s += r.choice(["", "-", ".", "_"]) + r.choice(STAB)
        if r.random() < 0.6:
            s += r.choice(["", ".", "-"]) + rnum(r, False)
            if r.random() < 0.2:
                s += r.choice([".", "-"]) + rnum(r, False)
    if r.random() < 0.15:
        s += r.choice(["-dev", ".dev", "dev", "-DEV"])
    if r.random() < 0.05:
        s += "+" + r.choice(["build", "1", "abc.def", "x+y"])
    if r.random() < 0.03:
        s += r.choice(["@dev", "@stable", "@beta", "@RC"])
    return s


def mutate(r, s, alphabet):
    c = list(s)
    op = r.random()
    i = r.randrange(len(c) + 1)
    if op < 0.3 and c:
        i = min(i, len(c) - 1)
        if c[i].isdigit():
            c[i] = str((int(c[i]) + r.choice([1, 9])) % 10)
        else:
            c[i] = r.choice(alphabet)
    elif op < 0.55:
        c.insert(i, r.choice(alphabet))
    elif op < 0.75 and c:
        del c[min(i, len(c) - 1)]
    else:
        c.append(r.choice([".0", ".1", "0", ".a", "-1", "-dev", ".beta", "-rc1", "a"]))
    return "".join(c)


def main():
    mode, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    if mode == "gem":
        hand, gen = GEM_HAND, gem_version
        alphabet = "0123456789..--abzAZ"
    elif mode == "composer":
        hand, gen = COMPOSER_HAND, composer_version
        alphabet = "0123456789..--_abprvx"
    else:
        sys.exit("unknown mode " + mode)
    hand = [h for h in hand if h.strip() == h and h]
    pool = [gen(r) for _ in range(600)] + hand
    pairs = []
    for i in range(len(hand)):
        for j in range(i, len(hand)):
            if r.random() < 0.35 or j == i + 1:
                pairs.append((hand[i], hand[j]))
    while len(pairs) < count:
        x = r.random()
        a = r.choice(pool)
        if x < 0.6:
            b = mutate(r, a, alphabet)
        elif x < 0.75:
            b = a
        else:
            b = r.choice(pool)
        if not a or not b or len(a) > 256 or len(b) > 256 or " " in a + b:
            continue
        if r.random() < 0.5:
            a, b = b, a
        pairs.append((a, b))
    for a, b in pairs[:max(count, len(pairs))]:
        print(a, b)


if __name__ == "__main__":
    main()
