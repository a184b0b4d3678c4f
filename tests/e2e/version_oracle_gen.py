#!/usr/bin/env python3
"""Version pairs for the comparator oracles (tests/e2e/version_lang_oracle.sh).

usage: version_oracle_gen.py pep440|semver COUNT SEED  > pairs   (one "A B" pair per line)
       version_oracle_gen.py pep440-expect < pairs      (packaging's answer per pair)

Pairs are deterministic for a seed. Most pairs are a version and a small mutation of it (so
that they agree on everything but one part and exercise the rule for that part); the rest
are random pairs from the same pool, hand-picked examples from the specifications, and
neighbours in a sorted list. Versions never contain whitespace (the CLI reads "A B" lines)
and stay within strata's documented bounds (256 bytes, 64 segments, ASCII).
"""
import random
import sys

# --- PEP 440 -----------------------------------------------------------------------------

PEP_HAND = [
    # PEP 440's own examples and packaging's tests: spellings, implicit numbers, ordering
    "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
    "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
    "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    "1!1.0", "1!0.1", "0!1.0", "2012.4", "1.0.0.0.0", "1.0-1", "1.0-r1", "1.0.rev1", "1.0post",
    "1.0.post", "1.0-post-2", "1.0_post_2", "1.0ALPHA1", "1.0Alpha", "1.0a", "1.0.a.1",
    "1.0-a-1", "1.0_a_1", "1.0c1", "1.0pre1", "1.0preview1", "1.0-preview-1", "1.0rc",
    "1.0RC1", "1.0.dev", "1.0dev", "1.0-dev-1", "1.0_dev_1", "v1.0", "V1.0", "1.0+ubuntu-1",
    "1.0+ubuntu_1", "1.0+UBUNTU.1", "1.0+1.0", "1.0+1", "1.0+01", "1.0+a", "1.0+a.b",
    "1.0+0a", "1.0+a0", "1.0a-1", "1.0a--1", "1.0a.post1", "1.0a-dev", "1.0.dev0",
    "1.0a0.dev0", "1.0.post0.dev0", "1.0.post0", "1.0.0.post0", "00.000.01", "1.0.0001",
    "1.0a01", "1.0.post01", "1.0.dev01", "01!1.0", "1.2.3.4.5.6.7.8.9.10",
    "123456789012345678901234567890.1", "123456789012345678901234567891",
    # invalid
    "", "1.", ".1", "1..0", "1.0+", "1.0+.a", "1.0+a..b", "1.0-", "a1.0", "1.0b", "1.0rc.",
    "1!", "!1.0", "1.0.post.dev.", "1.0+a-", "1.0.x", "1.0-beta", "1.0_1", "1.0.1-",
    "1.0pre-preview", "1.0dev1dev2", "1.0a1b1", "1.0post1post2", "vv1.0", "1.0++a", "1.0@1",
    "1.0-1-1", "1.0.post1-1", "1,0", "1.0a1.post1.dev1+a.b-c_d",
]

PRE_WORDS = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "A", "Alpha", "RC", "Pre",
             "PREVIEW", "Beta"]
POST_WORDS = ["post", "rev", "r", "POST", "Rev", "R"]
SEPS = ["", ".", "-", "_"]


def rnum(r):
    x = r.random()
    if x < 0.45:
        return str(r.randint(0, 3))
    if x < 0.7:
        return str(r.randint(0, 20))
    if x < 0.8:
        return "0" * r.randint(1, 3) + str(r.randint(0, 9))
    if x < 0.9:
        return str(r.randint(0, 10**6))
    return str(r.randint(0, 10**30))


def pep_version(r):
    s = ""
    if r.random() < 0.1:
        s += r.choice("vV")
    if r.random() < 0.15:
        s += rnum(r) + "!"
    s += ".".join(rnum(r) for _ in range(r.choice([1, 1, 2, 2, 3, 3, 3, 4, 5])))
    if r.random() < 0.4:
        s += r.choice(SEPS) + r.choice(PRE_WORDS)
        if r.random() < 0.8:
            s += r.choice(SEPS) + rnum(r)
    if r.random() < 0.3:
        if r.random() < 0.3:
            s += "-" + rnum(r)
        else:
            s += r.choice(SEPS) + r.choice(POST_WORDS)
            if r.random() < 0.7:
                s += r.choice(SEPS) + rnum(r)
    if r.random() < 0.3:
        s += r.choice(SEPS) + r.choice(["dev", "DEV", "Dev"])
        if r.random() < 0.7:
            s += r.choice(SEPS) + rnum(r)
    if r.random() < 0.25:
        parts = []
        for _ in range(r.randint(1, 4)):
            parts.append(r.choice([rnum(r), r.choice(["abc", "ubuntu", "Ubuntu", "a", "b", "z9",
                                                     "0a", "deb12u1", "cpu", "cu118"])]))
        seps = [r.choice(".-_") for _ in parts]
        s += "+" + "".join(p + (seps[i] if i + 1 < len(parts) else "") for i, p in
                           enumerate(parts))
    return s


def pep_mutate(r, s):
    ops = r.randint(0, 9)
    if ops <= 2:
        return pep_version(r)
    if ops == 3 and s:  # change one digit run
        i = r.randrange(len(s))
        if s[i].isdigit():
            return s[:i] + str(r.randint(0, 9)) + s[i + 1:]
    if ops == 4:  # append a part
        return s + r.choice([".0", ".1", "a1", ".post1", ".dev0", "+1", "+a", "-1", "rc", "0"])
    if ops == 5 and "." in s:  # drop a trailing segment or suffix
        return s[: s.rfind(".")]
    if ops == 6:  # swap separators / case
        return s.replace("-", r.choice(SEPS[1:]), 1).swapcase() if r.random() < 0.5 else \
            s.replace(".", r.choice(SEPS), 1)
    if ops == 7 and s:  # insert a random character (mostly makes it invalid)
        i = r.randrange(len(s) + 1)
        return s[:i] + r.choice(".-_+!abcdeprvx0123") + s[i:]
    if ops == 8:
        return s + ".0" * r.randint(1, 3)
    return s


# --- SemVer (node-semver strict) ------------------------------------------------------------

SEMVER_HAND = [
    # SemVer 2.0.0 section 11's precedence example and edges of node-semver's grammar
    "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
    "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "1.0.0+build.1",
    "1.0.0-alpha+001", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
    "1.0.0+21AF26D3----117B344092BD", "v1.0.0", "0.0.0", "0.0.0-0", "1.2.3-0", "1.2.3-0a",
    "1.2.3--", "1.2.3-a-b", "1.2.3-1.2.3", "1.2.3-alpha.0", "1.2.3-alpha.00a", "1.2.3-Alpha",
    "1.2.3-alpha", "1.2.3-ALPHA", "1.2.3-9007199254740991", "9007199254740991.0.0",
    "0.9007199254740991.0", "1.2.3-x.7.z.92", "1.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.2.3----R-S.12.9.1--.12+meta",
    "1.2.3+0.build.1-rc.10000aaa-kk-0.1", "99999999999999.99999999999999.99999999999999",
    # invalid
    "", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-alpha.01",
    "1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-+", "V1.2.3", "vv1.2.3",
    "1.2.3beta", "1.2.3-beta!", "1.2.3+build!", "a.b.c", "1.2.c", "-1.2.3", "1.-2.3",
    "9007199254740992.0.0", "0.0.9007199254740992", "99999999999999999.0.0", "1.2.3++",
    "1.2.3-a+b+c", "1.2.x", "1.2.*", "=v1.2.3x", "1.2.3.", "1.2.3-a.", "1.2.3+a.",
]

SEMVER_PRE = ["alpha", "beta", "rc", "a", "b", "x", "alpha-1", "0a", "a0", "-", "--", "Alpha",
              "RC", "SNAPSHOT", "dev", "pre", "z", "zz"]


def sv_num(r):
    x = r.random()
    if x < 0.5:
        return str(r.randint(0, 3))
    if x < 0.8:
        return str(r.randint(0, 30))
    if x < 0.95:
        return str(r.randint(0, 10**9))
    return str(r.randint(0, 9007199254740991))


def sv_version(r):
    s = ""
    if r.random() < 0.1:
        s += "v"
    s += ".".join(sv_num(r) for _ in range(3))
    if r.random() < 0.55:
        ids = []
        for _ in range(r.choice([1, 1, 2, 2, 3, 4])):
            ids.append(sv_num(r) if r.random() < 0.4 else r.choice(SEMVER_PRE))
        s += "-" + ".".join(ids)
    if r.random() < 0.2:
        s += "+" + ".".join(r.choice(["build", "1", "001", "sha", "5114f85", "x-y"])
                            for _ in range(r.randint(1, 3)))
    return s


def sv_mutate(r, s):
    ops = r.randint(0, 9)
    if ops <= 2:
        return sv_version(r)
    if ops == 3 and s:
        i = r.randrange(len(s))
        if s[i].isdigit():
            return s[:i] + str(r.randint(0, 9)) + s[i + 1:]
    if ops == 4:
        return s + r.choice([".1", ".0", "-1", "-alpha", ".alpha", "+b", "0", "a", "-0"])
    if ops == 5 and "." in s:
        return s[: s.rfind(".")]
    if ops == 6:
        return s.swapcase() if r.random() < 0.2 else s.split("+")[0]
    if ops == 7 and s:
        i = r.randrange(len(s) + 1)
        return s[:i] + r.choice(".-+0a=v") + s[i:]
    if ops == 8 and "-" in s:
        return s.split("-")[0]
    return s


def pairs(kind, count, seed):
    r = random.Random(seed)
    hand, gen, mut = (PEP_HAND, pep_version, pep_mutate) if kind == "pep440" else \
        (SEMVER_HAND, sv_version, sv_mutate)
    out = []
    hand = [h for h in hand if h and not any(c.isspace() for c in h)]
    for a in hand:  # every hand-picked version against a few others and itself
        out.append((a, a))
        for _ in range(3):
            out.append((a, r.choice(hand)))
    pool = [gen(r) for _ in range(count // 4)]
    # neighbours in a sorted valid list are the hardest pairs; the checker sorts nothing,
    # so just pair each pool element with a mutation and with a random other
    while len(out) < count:
        a = r.choice(pool) if r.random() < 0.8 else r.choice(hand)
        b = mut(r, a) if r.random() < 0.7 else r.choice(pool)
        if not a or not b or any(c.isspace() for c in a + b):
            continue
        if r.random() < 0.5:
            a, b = b, a
        out.append((a, b))
    return out[:max(count, len(out))]


def pep_expect():
    from packaging.version import InvalidVersion, Version

    for line in sys.stdin:
        a, b = line.split()
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            print("error")
            continue
        print("<" if va < vb else ">" if va > vb else "=")


def main():
    if sys.argv[1] == "pep440-expect":
        pep_expect()
        return
    kind, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for a, b in pairs(kind, count, seed):
        print(a, b)


if __name__ == "__main__":
    main()
