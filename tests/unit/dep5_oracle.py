#!/usr/bin/python3
"""Oracle for strata's DEP-5 reader (src/licenses/debian_copyright.c): python3-debian's
debian.copyright parses the same copyright files, and the License synopses strata kept must be
the ones python3-debian sees: the header's and those of the Files paragraphs that cover more
than debian/. Input (argv[1]): lines "PATH<TAB>dep5 0|1<TAB>synopsis<US>synopsis…" written by
test_license_dep5.c. Prints "agreement: N/M files" and the disagreements; exits 1 when the
agreement is below argv[2] (a fraction), 3 when python3-debian is missing."""
import logging
import re
import sys
import warnings

logging.disable(logging.CRITICAL)  # "Fixing Format URL" for every old Format line

try:
    from debian import copyright as dc
except ImportError:
    print("python3-debian is not installed")
    sys.exit(3)


def collapse(s):
    return re.sub(r"[ \t\r]+", " ", s).strip()


def oracle(path):
    """(is_dep5, [synopses]) as python3-debian reads the file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                c = dc.Copyright(f, strict=False)
        except (dc.NotMachineReadableError, ValueError):
            return False, []
    fmt = c.header.format or ""
    if not re.search(r"copyright-format|dep-?5", fmt, re.I):
        return False, []
    out = []

    def add(lic):
        if lic is None:
            return
        s = collapse(lic.synopsis or "")
        if s and s not in out:
            out.append(s)

    add(c.header.license)
    for p in c.all_files_paragraphs():
        files = [x for x in p.files if x]
        if files and all(x.startswith("debian/") for x in files):
            continue
        add(p.license)
    return True, out


def main():
    minimum = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    total = agree = n_dep5 = n_syn = 0
    bad = []
    for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        path, dep5, syn = (line.split("\t") + ["", ""])[:3]
        mine = (dep5 == "1", [s for s in syn.split("\x1f") if s])
        try:
            theirs = oracle(path)
        except Exception as e:  # python3-debian rejects the file outright
            theirs = ("error", str(e))
        total += 1
        if theirs[0] is True:
            n_dep5 += 1
            n_syn += len(theirs[1])
        # python3-debian keeps at most what strata keeps (64 distinct synopses)
        if theirs[0] is True and len(theirs[1]) > 64:
            theirs = (True, theirs[1][:64])
        if theirs == mine or (theirs[0] is True and mine[0] and set(theirs[1]) == set(mine[1])):
            agree += 1
        else:
            bad.append((path, mine, theirs))
    print(f"agreement: {agree}/{total} files ({n_dep5} DEP-5 with {n_syn} License synopses)")
    for path, mine, theirs in bad[:20]:
        print(f"  {path}: strata {mine} python3-debian {theirs}")
    sys.exit(0 if total and agree / total >= minimum else 1)


main()
