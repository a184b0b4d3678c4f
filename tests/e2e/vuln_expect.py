#!/usr/bin/env python3
"""Expected vulnerability findings for a Debian or Alpine root filesystem, worked out from the
advisory data itself, without strata.

usage: vuln_expect.py VULNDB ROOTFS [--layer-db FILE]... [--summary]

VULNDB is $SHARED/data/vulndb (osv/Debian/all.zip and alpine-secdb/v3.X/*.json are read
directly). ROOTFS holds etc/os-release and var/lib/dpkg/status or lib/apk/db/installed.
Each --layer-db names the package database as it stood after each image layer, in order;
with them every finding gets the layer_index of the first layer whose database lists the
package at its installed version (without them layer_index is null, as for 'strata fs').

Prints the findings as a JSON array sorted by (package_name, id); with --summary, also a
summary object on stderr (counts, and the packages that have advisories but none that
applies: the ones proven clean).

Independence from strata:
  - the dpkg status is read by dpkg-query (--admindir), which also resolves the source
    package name and version (${source:Package}, ${source:Version});
  - deb versions are compared by 'dpkg --compare-versions' (one shell run per batch, cached);
  - apk versions are compared by the apk-tools 2.10 rules written out below (Alpine 3.11
    shipped apk-tools 2.10);
  - OSV ranges are evaluated as the OSV schema's pseudo-code says; Alpine secdb as
    "each id under version V affects every version < V".
Python standard library only.
"""
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

# ---------------------------------------------------------------- deb: dpkg is the oracle
_deb_cache = {}


def deb_prime(pairs):
    """Compares every (a, b) not cached yet with dpkg --compare-versions, in one shell run."""
    todo = sorted({p for p in pairs if p not in _deb_cache})
    if not todo:
        return
    lines = []
    for a, b in todo:
        for v in (a, b):
            if not re.fullmatch(r"[A-Za-z0-9.+~:-]+", v):
                raise SystemExit(f"vuln_expect: refusing to pass {v!r} to a shell")
        lines.append(f"if dpkg --compare-versions '{a}' lt '{b}'; then echo '<'; "
                     f"elif dpkg --compare-versions '{a}' eq '{b}'; then echo '='; else echo '>'; fi")
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        script = f.name
    try:
        out = subprocess.run(["sh", script], check=True, capture_output=True, text=True).stdout.split()
    finally:
        os.unlink(script)
    if len(out) != len(todo):
        raise SystemExit("vuln_expect: dpkg --compare-versions gave %d answers for %d pairs" % (len(out), len(todo)))
    for (a, b), r in zip(todo, out):
        _deb_cache[(a, b)] = {"<": -1, "=": 0, ">": 1}[r]


def deb_cmp(a, b):
    if (a, b) not in _deb_cache:
        deb_prime([(a, b)])
    return _deb_cache[(a, b)]


# ---------------------------------------------------------------- apk: apk-tools 2.10 rules
# Version grammar: digits{.digits}[letter]{_suffix[digits]}[-rN]. Tokens are compared one by
# one while both sides have a token of the same kind and equal value. A number after a '.'
# that starts with '0' is special: its run of zeros is a token of its own whose value is
# minus the number of zeros, and the remaining digits follow as a plain number.
# Pre-release suffixes (alpha beta pre rc) are below "nothing", post-release ones
# (cvs svn git hg p) above. When one side runs out or the kinds differ, a pre-release suffix
# makes its side older; otherwise the side whose next token kind comes earlier in the list
# below is newer (the end of the string comes last).
T_INVALID, T_DIGIT_OR_ZERO, T_DIGIT, T_LETTER, T_SUFFIX, T_SUFFIX_NO, T_REVISION_NO, T_END = range(-1, 7)
PRE = ["alpha", "beta", "pre", "rc"]
POST = ["cvs", "svn", "git", "hg", "p"]


class _ApkScanner:
    def __init__(self, s):
        self.s, self.i = s, 0
        self.kind = T_DIGIT

    def _advance_kind(self):
        """Decides the kind of the next token from the separator at self.i and skips it."""
        s, i, k = self.s, self.i, self.kind
        n = T_INVALID
        if i >= len(s):
            n = T_END
        elif k in (T_DIGIT, T_DIGIT_OR_ZERO) and s[i].islower():
            n = T_LETTER
        elif k == T_LETTER and s[i].isdigit():
            n = T_DIGIT
        elif k == T_SUFFIX and s[i].isdigit():
            n = T_SUFFIX_NO
        else:
            c = s[i]
            if c == ".":
                n = T_DIGIT_OR_ZERO
            elif c == "_":
                n = T_SUFFIX
            elif c == "-" and i + 1 < len(s) and s[i + 1] == "r":
                n = T_REVISION_NO
                i += 1
            i += 1
        if n < k and not ((n == T_DIGIT_OR_ZERO and k == T_DIGIT) or (n == T_SUFFIX and k == T_SUFFIX_NO)
                          or (n == T_DIGIT and k == T_LETTER)):
            n = T_INVALID
        self.i, self.kind = i, n

    def token(self):
        """Returns the value of the token of kind self.kind at self.i and moves on."""
        s, i, k = self.s, self.i, self.kind
        if i >= len(s):
            self.kind = T_END
            return 0
        nxt = None
        if k == T_DIGIT_OR_ZERO and s[i] == "0":
            j = i
            while j < len(s) and s[j] == "0":
                j += 1
            v, i, nxt = -(j - self.i), j, T_DIGIT
        elif k in (T_DIGIT_OR_ZERO, T_DIGIT, T_SUFFIX_NO, T_REVISION_NO):
            j = i
            while j < len(s) and s[j].isdigit():
                j += 1
            v, i = (int(s[i:j]) if j > i else 0), j
        elif k == T_LETTER:
            v, i = ord(s[i]), i + 1
        elif k == T_SUFFIX:
            for n, name in enumerate(PRE):
                if s.startswith(name, i):
                    v, i = n - len(PRE), i + len(name)
                    break
            else:
                for n, name in enumerate(POST):
                    if s.startswith(name, i):
                        v, i = n, i + len(name)
                        break
                else:
                    self.kind = T_INVALID
                    return -1
        else:
            self.kind = T_INVALID
            return -1
        self.i = i
        if i >= len(s):
            self.kind = T_END
        elif nxt is not None:
            self.kind = nxt
        else:
            self._advance_kind()
        return v


def apk_valid(v):
    sc = _ApkScanner(v)
    while sc.kind not in (T_END, T_INVALID):
        sc.token()
    return sc.kind == T_END


def apk_cmp(a, b):
    for v in (a, b):
        if not apk_valid(v):
            raise SystemExit(f"vuln_expect: invalid apk version {v!r}")
    x, y = _ApkScanner(a), _ApkScanner(b)
    av = bv = 0
    while x.kind == y.kind and x.kind not in (T_END, T_INVALID) and av == bv:
        av, bv = x.token(), y.token()
    if av != bv:
        return -1 if av < bv else 1
    if x.kind == y.kind:
        return 0
    if x.kind == T_SUFFIX:
        peek = _ApkScanner(a)
        peek.i, peek.kind = x.i, x.kind
        if peek.token() < 0:
            return -1
    if y.kind == T_SUFFIX:
        peek = _ApkScanner(b)
        peek.i, peek.kind = y.i, y.kind
        if peek.token() < 0:
            return 1
    if x.kind > y.kind:
        return -1
    if y.kind > x.kind:
        return 1
    return 0


# Self-check of the apk rules on pairs whose answers apk-tools documents or that real Alpine
# version histories show (each is checked both ways). apk-tools 2.10's zero rule has a quirk
# that apk-tools 3 and strata do not share: after a '.0' component a pre-release suffix is not
# seen as one ("1.0" < "1.0_rc" in 2.10). No comparison the fixtures need involves it.
_APK_SELF = [
    ("1.0", "1.0-r0"), ("2.24.1", "2.24.1-r0"), ("1.2_rc1-r0", "1.2-r0"), ("1.0-r9", "1.0_p1"),
    ("2.3.0b-r1", "2.3.0b-r2"), ("1.0", "1.0a"), ("1.0a", "1.0.1"), ("6.0_p20171125-r0", "6.1_p20191130-r0"),
    ("6.1_p20180414-r0", "6.1_p20191130-r0"), ("1.29.3-r10", "1.30.1-r2"), ("1.1.1d-r2", "1.1.1d-r3"),
    ("1.1_alpha", "1.1_beta"), ("1.1_beta", "1.1_pre"), ("1.1_pre", "1.1_rc"), ("1.1_rc", "1.1"),
    ("1.1", "1.1_cvs"), ("1.1_cvs", "1.1_svn"), ("1.1_svn", "1.1_git"), ("1.1_git", "1.1_hg"), ("1.1_hg", "1.1_p"),
    ("7.53.0", "7.65.1-r0"), ("2.9.8-r0", "2.9.8-r1"), ("1.45.4-r0", "1.45.5-r0"), ("1.2.9", "1.2.10"),
]
for _a, _b in _APK_SELF:
    assert apk_cmp(_a, _b) < 0 and apk_cmp(_b, _a) > 0, (_a, _b)
assert apk_cmp("1.0-r1", "1.0-r1") == 0


# ---------------------------------------------------------------- OSV range evaluation
def osv_affected(version, affected, cmp):
    """OSV schema's evaluation for one affected[] entry. Returns (hit, fixed) where fixed is
    the version of the fixed event that ends the interval holding `version` (None when the
    interval has no fixed end)."""
    for v in affected.get("versions") or []:
        if cmp(version, v) == 0:
            return True, None
    for rg in affected.get("ranges") or []:
        if rg.get("type") != "ECOSYSTEM":
            continue
        evs = []
        for e in rg.get("events") or []:
            (kind, val), = e.items()
            evs.append((kind, val))
        limits = [val for kind, val in evs if kind == "limit"]
        if limits and not any(cmp(version, lim) < 0 for lim in limits):
            continue

        # sorted by version, introduced "0" first (stable for equal versions)
        zero = [e for e in evs if e == ("introduced", "0")]
        rest = [e for e in evs if e != ("introduced", "0") and e[0] != "limit"]
        rest.sort(key=functools.cmp_to_key(lambda p, q: cmp(p[1], q[1])))
        seq = zero + rest
        vulnerable, opened = False, -1
        for n, (kind, val) in enumerate(seq):
            if kind == "introduced" and (val == "0" or cmp(version, val) >= 0):
                vulnerable, opened = True, n
            elif kind == "fixed" and cmp(version, val) >= 0:
                vulnerable = False
            elif kind == "last_affected" and cmp(version, val) > 0:
                vulnerable = False
        if vulnerable:
            # the event that closes the interval opened at seq[opened]
            fixed = None
            for kind, val in seq[opened + 1:]:
                if kind in ("fixed", "last_affected"):
                    fixed = val if kind == "fixed" else None
                    break
            return True, fixed
    return False, None


# ---------------------------------------------------------------- inputs
def read_os_release(root):
    for p in ("etc/os-release", "usr/lib/os-release"):
        path = os.path.join(root, p)
        if os.path.isfile(path):
            kv = {}
            for line in open(path, encoding="utf-8"):
                line = line.strip()
                if "=" in line and not line.startswith("#"):
                    k, v = line.split("=", 1)
                    kv[k] = v.strip().strip('"').strip("'")
            return kv
    raise SystemExit(f"vuln_expect: {root}: no os-release")


def dpkg_packages(status_file):
    """[(name, version, source name, source version)] of installed packages, by dpkg-query."""
    with tempfile.TemporaryDirectory() as adm:
        os.mkdir(os.path.join(adm, "updates"))
        os.mkdir(os.path.join(adm, "info"))
        with open(status_file, "rb") as f, open(os.path.join(adm, "status"), "wb") as g:
            g.write(f.read())
        out = subprocess.run(["dpkg-query", "--admindir=" + adm, "-W", "-f",
                              "${db:Status-Abbrev}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n"],
                             check=True, capture_output=True, text=True).stdout
    pk = []
    for line in out.splitlines():
        st, name, ver, sname, sver = line.split("\t")
        if st.strip() == "ii":
            pk.append((name, ver, sname, sver))
    return pk


def apk_packages(installed):
    """[(name, version, origin, version)] from an apk installed database (P:, V:, o:)."""
    pk, cur = [], {}
    for line in open(installed, encoding="utf-8").read().split("\n") + [""]:
        if line == "":
            if cur:
                pk.append((cur["P"], cur["V"], cur.get("o", cur["P"]), cur["V"]))
            cur = {}
        elif len(line) > 2 and line[1] == ":":
            cur.setdefault(line[0], line[2:])
    return pk


# ---------------------------------------------------------------- advisories
def debian_records(vulndb, ecosystem):
    """{source package: [(record id, ids set, affected entry)]} for one Debian release."""
    recs = {}
    with zipfile.ZipFile(os.path.join(vulndb, "osv/Debian/all.zip")) as z:
        for member in z.namelist():
            if not member.endswith(".json"):
                continue
            r = json.loads(z.read(member))
            if r.get("withdrawn"):
                continue
            ids = {r["id"]} | set(r.get("aliases") or []) | set(r.get("upstream") or [])
            for a in r.get("affected") or []:
                pkg = a.get("package") or {}
                if pkg.get("ecosystem") == ecosystem:
                    recs.setdefault(pkg["name"], []).append((r["id"], ids, a))
    return recs


def alpine_records(vulndb, branch):
    """{origin: [(id, fixed version)]} from alpine-secdb/<branch>/{main,community}.json."""
    recs = {}
    for repo in ("main", "community"):
        path = os.path.join(vulndb, "alpine-secdb", branch, repo + ".json")
        if not os.path.isfile(path):
            continue
        d = json.load(open(path, encoding="utf-8"))
        for p in d.get("packages") or []:
            pkg = p["pkg"]
            for ver, ids in (pkg.get("secfixes") or {}).items():
                for i in ids or []:
                    recs.setdefault(pkg["name"], []).append((i, ver))
    return recs


# ---------------------------------------------------------------- merging
def merge(hits, cmp):
    """hits: [(record id, ids set, fixed or None)] for one installed package. Groups records
    whose id sets intersect (transitively) and returns one finding per group."""
    groups = []  # [ [ids set, [record ids], [fixed...], any_unfixed] ]
    for rid, ids, fixed in hits:
        ids = set(ids)
        merged = [g for g in groups if g[0] & ids]
        for g in merged:
            groups.remove(g)
        g = [ids, [rid], [fixed] if fixed else [], fixed is None]
        for m in merged:
            g[0] |= m[0]
            g[1] += m[1]
            g[2] += m[2]
            g[3] = g[3] or m[3]
        groups.append(g)
    out = []
    for ids, rids, fixes, unfixed in groups:
        cve_keyed = sorted(r for r in rids if r.startswith("CVE-"))
        fid = cve_keyed[0] if cve_keyed else sorted(rids)[0]
        best = None
        for f in fixes:
            if best is None or cmp(f, best) > 0:
                best = f
        fixed = None if unfixed else best
        out.append({"id": fid, "aliases": sorted(ids - {fid}), "fixed_version": fixed,
                    "status": "fixed" if fixed is not None else "affected"})
    return out


# ---------------------------------------------------------------- main
def main(argv):
    args, layer_dbs, summary = [], [], False
    it = iter(argv)
    for a in it:
        if a == "--layer-db":
            layer_dbs.append(next(it))
        elif a == "--summary":
            summary = True
        else:
            args.append(a)
    if len(args) != 2:
        raise SystemExit(__doc__)
    vulndb, root = args
    osr = read_os_release(root)
    osid, ver = osr.get("ID"), osr.get("VERSION_ID", "")
    if osid == "debian":
        ptype, ecosystem, source = "deb", "Debian:" + ver.split(".")[0], "osv:Debian"
        pkgs = dpkg_packages(os.path.join(root, "var/lib/dpkg/status"))
        layers = [{(n, v) for n, v, _, _ in dpkg_packages(f)} for f in layer_dbs]
        recs = debian_records(vulndb, ecosystem)
        cmp = deb_cmp
        # prime the dpkg oracle with every comparison the evaluation can ask for
        pairs = []
        for n, v, sn, sv in pkgs:
            for _, _, a in recs.get(sn, []):
                for rg in a.get("ranges") or []:
                    vals = [list(e.values())[0] for e in rg.get("events") or []]
                    pairs += [(sv, x) for x in vals] + [(x, y) for x in vals for y in vals]
                pairs += [(sv, x) for x in a.get("versions") or []]
        deb_prime(pairs)
    elif osid == "alpine":
        m = re.match(r"(\d+)\.(\d+)", ver)
        branch = "v%s.%s" % (m.group(1), m.group(2))
        ptype, ecosystem, source = "apk", "Alpine:" + branch, "alpine-secdb"
        pkgs = apk_packages(os.path.join(root, "lib/apk/db/installed"))
        layers = [{(n, v) for n, v, _, _ in apk_packages(f)} for f in layer_dbs]
        recs = alpine_records(vulndb, branch)
        cmp = apk_cmp
    else:
        raise SystemExit(f"vuln_expect: unsupported os {osid!r}")

    findings, clean = [], []
    for name, version, sname, sversion in pkgs:
        hits = []
        if ptype == "deb":
            for rid, ids, a in recs.get(sname, []):
                hit, fixed = osv_affected(sversion, a, cmp)
                if hit:
                    hits.append((rid, ids, fixed))
        else:
            for i, fixed in recs.get(sname, []):
                if not re.fullmatch(r"CVE-\d{4}-\d{4,}", i):
                    raise SystemExit(f"vuln_expect: {sname}: identifier {i!r} is not a bare CVE id; "
                                     "the matching rules do not say how to read it, keep such packages out of the fixture")
                if fixed != "0" and cmp(sversion, fixed) < 0:
                    hits.append((i, {i}, fixed))
        if recs.get(sname) and not hits:
            clean.append(name)
        li = None
        if layer_dbs:
            li = next((n for n, s in enumerate(layers) if (name, version) in s), None)
        for f in merge(hits, cmp):
            f.update({"package_name": name, "package_version": version, "package_type": ptype,
                      "source_name": sname if sname != name else None, "severity": "UNKNOWN",
                      "layer_index": li, "data_source": source})
            findings.append(f)
    findings.sort(key=lambda f: (f["package_name"], f["id"]))
    json.dump(findings, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    if summary:
        s = {"ecosystem": ecosystem, "packages": len(pkgs), "findings": len(findings),
             "fixed": sum(f["status"] == "fixed" for f in findings),
             "affected": sum(f["status"] == "affected" for f in findings),
             "packages_with_findings": len({f["package_name"] for f in findings}),
             "packages_with_advisories_but_clean": sorted(clean),
             "packages_without_advisories": sorted(n for n, _, sn, _ in pkgs if not recs.get(sn))}
        json.dump(s, sys.stderr, sort_keys=True)
        sys.stderr.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
