# E2E for `strata version compare`: deb against dpkg itself, rpm against rpm's own Lua
# rpm.vercmp, apk against a curated table derived from apk-tools' rules, plus the stdin mode's
# speed, error lines and usage errors.
. "$SRCROOT/tests/e2e/lib.inc"

py=/usr/bin/python3
[ -x "$py" ] || py=python3
ncpu=$(nproc 2>/dev/null || echo 2)

# Seeded generators, so a failure is reproducible. deb: 10,000 random pairs built to exercise
# every rule (epochs, '~', letters vs. punctuation, '+', '.', '-' inside upstream, digits with
# leading zeros, upstream starting with a letter, which dpkg only warns about), most of them
# near-misses of each other, plus hand-picked pairs. rpm: the same idea with '~', '^', epochs,
# releases, separators and alphanumeric segments.
"$py" - "$WORK" <<'PY'
import random, sys
work = sys.argv[1]
r = random.Random(20250101)

def digits():
    return r.choice(["0", "1", "2", "9", "10", "00", "01", "007", "100", "3", "20", "99",
                     "0000", "12345678901234567890", "5"])

def letters():
    return r.choice(["a", "b", "z", "A", "Z", "rc", "beta", "alpha", "dfsg", "ubuntu",
                     "deb", "git", "B"])

def deb_tail(seps):
    out = []
    for _ in range(r.randint(0, 5)):
        k = r.random()
        if k < 0.35:
            out.append(r.choice(seps))
        elif k < 0.7:
            out.append(digits())
        else:
            out.append(letters())
    return "".join(out)

def deb_version():
    v = ""
    if r.random() < 0.2:
        v += r.choice(["0", "1", "2", "10", "01", "+1"]) + ":"
    lead = digits() if r.random() < 0.9 else letters()
    v += lead + deb_tail([".", "+", "~", ".", "~", "-"] + ([":"] if ":" in v else []))
    if r.random() < 0.5:
        rev = deb_tail([".", "+", "~"])
        v += "-" + (rev if rev else digits())
    if v.endswith("-"):
        v += "1"
    return v

def mutate(v, alphabet):
    v = list(v)
    k = r.random()
    i = r.randrange(len(v) + 1)
    if k < 0.3 and v:
        v[min(i, len(v) - 1)] = r.choice(alphabet)
    elif k < 0.6:
        v.insert(i, r.choice(alphabet))
    elif k < 0.8 and len(v) > 1:
        del v[min(i, len(v) - 1)]
    else:
        v += list(r.choice(alphabet))
    return "".join(v)

deb_alpha = ["0", "1", "9", "a", "z", "A", "~", "+", ".", "00", "~~", "-1"]

def deb_ok(v):
    # Only versions dpkg compares (it warns about some): the invalid ones are tested apart.
    if not v or v[0] == "-" or " " in v:
        return False
    body = v
    if ":" in v:
        e, body = v.split(":", 1)
        if not (e[1:] if e[:1] == "+" else e).isdigit() or not body:
            return False
    if "-" in body:
        up, rev = body.rsplit("-", 1)
        if not up or not rev:
            return False
    return True

# The deb pool: random versions and near-misses of them (one edit away), deduplicated.
pool, relatives = [], []
seen = set()
def add(v):
    if deb_ok(v) and v not in seen:
        seen.add(v)
        pool.append(v)
        return True
    return False
while len(pool) < 2500:
    a = deb_version()
    if not add(a):
        continue
    for _ in range(r.randint(0, 3)):
        b = mutate(a, deb_alpha)
        if add(b) or b in seen:
            relatives.append((a, b))
pairs = []
hand = """1.0 1.0
1.0 1.0-0
0:1.0 1.0
1.0~rc1 1.0
1.0~rc1 1.0~rc1~
1.0~ 1.0
1.0 1.0a
1.0a 1.0+
1.0+ 1.0.
1.0. 1.0~
1.0-1 1.0+1
1:0.1 2.0
1:1.0 0:2.0
2.0-1 2.0-1ubuntu1
2.0-1ubuntu1 2.0-1build1
7.6p1-4 7.6-4
1.2.3-1~bpo12+1 1.2.3-1
1.2.3+dfsg-1 1.2.3-1
1.01 1.1
1.001 1.01
1.10 1.9
0.0 0
1.0-0.1 1.0-0
A 1
a A
1.0~~ 1.0~~a
1.0~~a 1.0~
1.0-1~1 1.0-1
9999999999999999999999 10000000000000000000000
0:1.0:1 1.0-1
1:1:1 1:1.1
2:1.0 10:0.9
01:1.0 1:1.0
+1:1.0 1:1.0
1.0é 1.0a
1.0é 1.0+
1.0é 1.0z
""".split("\n")
for line in hand:
    if line:
        a, b = line.split()
        pairs.append((a, b))
for a, b in pairs:
    add(a)
    add(b)
with open(work + "/deb.hand", "w", encoding="utf-8", errors="surrogateescape") as f:
    for a, b in pairs:
        f.write(a + " " + b + "\n")
with open(work + "/deb.pool", "w", encoding="utf-8", errors="surrogateescape") as f:
    for v in pool:
        f.write(v + "\n")
with open(work + "/deb.relatives", "w", encoding="utf-8", errors="surrogateescape") as f:
    for a, b in relatives:
        f.write(a + " " + b + "\n")
# Versions dpkg refuses with an error (not a warning); strata must refuse exactly these.
# (Versions starting with '-' are left to the unit tests: dpkg would take them for options.)
bad = ["1:", ":1", "a:1", "1.0:1", "99999999999:1", "2147483648:1", "1.0-", "1:-1", "1:-",
       "x", "1.0a", "a-", "1-1-", "1:a", "+:1", "1.0~-1", "0:0", "2147483647:1", "1:1-",
       "1: ", "++1:1", "+1:1", "1_0", "1.0\t", "1:2:3"]
with open(work + "/deb.validity", "w") as f:
    for v in bad:
        f.write(v + "\n")

def rpm_version():
    v = ""
    if r.random() < 0.2:
        v += r.choice(["0", "1", "2", "10", "01", ""]) + ":"
    seps = [".", "_", "+", "~", "^", ".", "~", "^", "..", "%"]
    out = [digits() if r.random() < 0.85 else letters()]
    for _ in range(r.randint(0, 5)):
        k = r.random()
        out.append(r.choice(seps) if k < 0.4 else digits() if k < 0.75 else letters())
    v += "".join(out)
    if r.random() < 0.5:
        v += "-" + digits() + r.choice(["", ".el9", ".fc40", "~rc1", "^git1", "_1", "a"])
    return v

rpm_alpha = ["0", "1", "9", "a", "Z", "~", "^", ".", "-", "_", "00", ":"]
rp = []
while len(rp) < 5000:
    a = rpm_version()
    k = r.random()
    b = mutate(a, rpm_alpha) if k < 0.6 else a if k < 0.7 else rpm_version()
    if a and b and "-" != b[0]:
        rp.append((a, b))
rhand = """1.0 1.0
1.0 1.0-1
1.0-1 1.0-2
1.0~rc1 1.0
1.0^git1 1.0
1.0^git1 1.0.1
1.0^git1 1.0~rc1
1.0~rc1^git1 1.0~rc1
1.0^ 1.0
1.0~ 1.0
1:1.0 2.0
0:1.0 1.0
:1.0 1.0
1.0a 1.0
1.0 1.0.a
1.0.a 1.0.1
1.0 1_0
1..0 1.0
1.01 1.1
A a
10 9
1.0 1.0.0
2.0.0 2.0-
1-2-3 1-2-4
a:1 1
2.0 1.0é
"""
for line in rhand.split("\n"):
    if line:
        a, b = line.split()
        rp.append((a, b))
with open(work + "/rpm.pairs", "w", encoding="utf-8", errors="surrogateescape") as f:
    for a, b in rp:
        f.write(a + " " + b + "\n")
PY

# --- deb against dpkg ------------------------------------------------------------------------
# dpkg --compare-versions answers one pair per process, and a process costs milliseconds, so
# the 10,000+ pairs are checked through an order that dpkg itself verifies:
#  1. strata sorts a pool of 2,500+ versions (driving `version compare -` as a coprocess);
#  2. dpkg confirms every adjacent step of that order (a lt b or a eq b: one call each, in
#     parallel). dpkg's order is a total preorder, so this fixes dpkg's answer for every
#     pair of pool versions: '<' when a '<' step lies between them, else '=';
#  3. strata's answers for 10,000+ pairs drawn from the pool (near-misses, neighbours in the
#     order, random) must equal those implied answers;
#  4. the hand-picked pairs are also asked of dpkg directly, one call each.
dpkg_confirm() { # TRIPLES DISAGREE-FILE: true when dpkg confirms every "a op b" triple
    if xargs -d '\n' -n 3 -P "$ncpu" dpkg --compare-versions <"$1" 2>/dev/null; then
        return 0
    fi
    xargs -d '\n' -n 3 -P "$ncpu" sh -c 'dpkg --compare-versions "$1" "$2" "$3" 2>/dev/null || echo "$1 $2 $3"' sh \
        <"$1" >"$2"
    return 1
}
to_triples() { # ANSWERS PAIRS: "a\nop\nb" lines for dpkg from strata's answers
    paste -d ' ' "$1" "$2" |
        awk '{ op = ($1 == "<") ? "lt" : ($1 == "=") ? "eq" : ($1 == ">") ? "gt" : "error"; print $2; print op; print $3 }'
}
if ! command -v dpkg >/dev/null; then
    skip version-deb-oracle "dpkg not installed"
else
    : >"$WORK/deb.chain"
    : >"$WORK/deb.pairs"
    "$py" - "$WORK" "$STRATA" <<'PY'
import functools, random, subprocess, sys
work, strata = sys.argv[1], sys.argv[2]
enc = dict(encoding="utf-8", errors="surrogateescape")
pool = open(work + "/deb.pool", **enc).read().split("\n")[:-1]
relatives = [l.split(" ") for l in open(work + "/deb.relatives", **enc).read().split("\n")[:-1]]
p = subprocess.Popen([strata, "version", "compare", "--type", "deb", "-"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, bufsize=1, text=True, **enc)
def cmp(a, b):
    p.stdin.write(a + " " + b + "\n")
    p.stdin.flush()
    ans = p.stdout.readline().strip()
    if ans not in ("<", "=", ">"):
        sys.exit("strata: %s %s: %s" % (a, b, ans))
    return {"<": -1, "=": 0, ">": 1}[ans]
order = sorted(pool, key=functools.cmp_to_key(cmp))
steps = [cmp(order[i], order[i + 1]) for i in range(len(order) - 1)]
p.stdin.close()
p.wait()
with open(work + "/deb.chain", "w", **enc) as f:
    for i, st in enumerate(steps):
        f.write("%s\n%s\n%s\n" % (order[i], {-1: "lt", 0: "eq", 1: "gt"}[st], order[i + 1]))
cls, c = {order[0]: 0}, 0
for i, st in enumerate(steps):
    c += st != 0
    cls[order[i + 1]] = c
r = random.Random(99)
pairs = []
while len(pairs) < 10000:
    k = r.random()
    if k < 0.35:
        a, b = r.choice(relatives)
    elif k < 0.7:
        i = r.randrange(len(order))
        j = min(len(order) - 1, i + r.randint(0, 4))
        a, b = order[i], order[j]
    else:
        a, b = r.choice(order), r.choice(order)
    if r.random() < 0.5:
        a, b = b, a
    pairs.append((a, b))
with open(work + "/deb.pairs", "w", **enc) as f, open(work + "/deb.want", "w") as w:
    for a, b in pairs:
        f.write(a + " " + b + "\n")
        d = cls[a] - cls[b]
        w.write("<\n" if d < 0 else ">\n" if d > 0 else "=\n")
PY
    nchain=$(($(wc -l <"$WORK/deb.chain") / 3))
    npairs=$(wc -l <"$WORK/deb.pairs")
    if [ "$nchain" -lt 2500 ]; then
        fail version-deb-oracle "could not sort the pool with strata (see above)"
    elif grep -qx gt "$WORK/deb.chain"; then
        fail version-deb-oracle "strata's sort is inconsistent: an adjacent pair compares '>'"
    elif ! dpkg_confirm "$WORK/deb.chain" "$WORK/deb.disagree"; then
        fail version-deb-oracle "dpkg disagrees with $(wc -l <"$WORK/deb.disagree") of $nchain steps of strata's order (strata's claim shown): $(head -5 "$WORK/deb.disagree" | tr '\n' ';')"
    else
        "$STRATA" version compare --type deb - <"$WORK/deb.pairs" >"$WORK/deb.out"
        rc=$?
        if [ "$rc" -eq 0 ] && cmp -s "$WORK/deb.out" "$WORK/deb.want"; then
            pass "version-deb-oracle ($npairs pairs over $((nchain + 1)) versions agree with dpkg --compare-versions)"
        else
            fail version-deb-oracle "exit $rc; answers differing from the dpkg-verified order: $(paste -d ' ' "$WORK/deb.out" "$WORK/deb.want" "$WORK/deb.pairs" | awk '$1 != $2' | head -5 | tr '\n' ';')"
        fi
    fi
    "$STRATA" version compare --type deb - <"$WORK/deb.hand" >"$WORK/deb.hand.out"
    to_triples "$WORK/deb.hand.out" "$WORK/deb.hand" >"$WORK/deb.hand.triples"
    nhand=$(wc -l <"$WORK/deb.hand")
    if dpkg_confirm "$WORK/deb.hand.triples" "$WORK/deb.hand.disagree"; then
        pass "version-deb-hand-picked ($nhand pairs, each asked of dpkg)"
    else
        fail version-deb-hand-picked "$(wc -l <"$WORK/deb.hand.disagree") of $nhand disagree (strata's claim shown): $(head -5 "$WORK/deb.hand.disagree" | tr '\n' ';')"
    fi
    # Validity: strata refuses a version exactly when dpkg refuses it with an error.
    bad=0
    while IFS= read -r v; do
        dpkg --compare-versions "$v" eq "$v" >/dev/null 2>&1
        d=$?
        "$STRATA" version compare --type deb -- "$v" "$v" >/dev/null 2>&1
        s=$?
        if { [ "$d" -eq 0 ] && [ "$s" -ne 0 ]; } || { [ "$d" -ne 0 ] && [ "$s" -ne 2 ]; }; then
            bad=$((bad + 1))
            echo "validity: '$v' dpkg exit $d, strata exit $s"
        fi
    done <"$WORK/deb.validity"
    if [ "$bad" -eq 0 ]; then
        pass "version-deb-validity ($(wc -l <"$WORK/deb.validity") versions: refused exactly when dpkg errors)"
    else
        fail version-deb-validity "$bad versions judged differently from dpkg"
    fi
fi

# --- rpm against rpm.vercmp ------------------------------------------------------------------
if ! command -v rpm >/dev/null; then
    skip version-rpm-oracle "rpm not installed (make deps)"
else
    n=$(wc -l <"$WORK/rpm.pairs")
    "$STRATA" version compare --type rpm - <"$WORK/rpm.pairs" >"$WORK/rpm.out"
    rc=$?
    # rpm.vercmp parses both EVRs and compares them the way rpm compares package versions.
    rpm --eval "%{lua: for l in io.lines('$WORK/rpm.pairs') do local a, b = l:match('^(%S+)%s+(%S+)\$'); local c = rpm.vercmp(a, b); print((c < 0 and '<' or c > 0 and '>' or '=') .. '\\n') end}" \
        | sed '/^$/d' >"$WORK/rpm.want"
    if [ "$rc" -ne 0 ] || [ "$(wc -l <"$WORK/rpm.want")" -ne "$n" ]; then
        fail version-rpm-oracle "strata exit $rc, rpm gave $(wc -l <"$WORK/rpm.want") of $n answers: $(grep -m3 '^error:' "$WORK/rpm.out")"
    elif cmp -s "$WORK/rpm.out" "$WORK/rpm.want"; then
        pass "version-rpm-oracle ($n pairs agree with rpm.vercmp)"
    else
        d=$(paste -d ' ' "$WORK/rpm.out" "$WORK/rpm.want" "$WORK/rpm.pairs" | awk '$1 != $2' | wc -l)
        fail version-rpm-oracle "$d of $n disagree (strata rpm a b): $(paste -d ' ' "$WORK/rpm.out" "$WORK/rpm.want" "$WORK/rpm.pairs" | awk '$1 != $2' | head -5 | tr '\n' ';')"
    fi
fi

# --- apk: curated table ----------------------------------------------------------------------
# Expected answers follow apk-tools' version rules (src/version.c: tokens
# digits{.digits}[letter]{_suffix[digits]}[~hash][-rN], compared kind by kind).
cat >"$WORK/apk.table" <<'EOF'
# Rule: numbers compare numerically, part by part; more parts is newer.
1.0 < 1.1
1.2.10 > 1.2.9
1.0 < 1.0.0
10 > 9
006 > 1.0.0
1.2.3 = 1.2.3
# Rule: after a '.', a part with a leading zero compares as a string (Gentoo's rule).
1.05 < 1.1
1.0 < 1.00
1.01 < 1.1
1.09 < 1.1
1.10 > 1.01
1.001 < 1.01
# Rule: the first part is always numeric, leading zeros or not.
01 = 1
020 > 3
# Rule: one lower-case letter may follow a number; it sorts by byte, and a letter after
# equal numbers is newer than none, older than a further '.' part.
1.2a < 1.2b
1.2 < 1.2a
1.2a < 1.2.1
2.3.0b-r1 < 2.3.0b-r2
# Rule: suffixes rank _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p.
1.0_alpha < 1.0_beta
1.0_beta < 1.0_pre
1.0_pre < 1.0_rc
1.0_rc < 1.0
1.0 < 1.0_cvs
1.0_cvs < 1.0_svn
1.0_svn < 1.0_git
1.0_git < 1.0_hg
1.0_hg < 1.0_p
# Rule: a suffix number compares numerically; no number sorts before a number.
1.0_rc1 < 1.0_rc2
1.0_rc9 < 1.0_rc10
1.0_rc < 1.0_rc1
1.0_p1 > 1.0_p
3.1_p16 < 3.1_p17
# Rule: several suffixes compare in turn; a further pre-release suffix is older.
1.0_alpha_pre2 < 1.0_alpha
1.0_alpha1_beta < 1.0_alpha1
1.0_p1_p1 > 1.0_p1
# Rule: a pre-release suffix is older than a further number; a post-release one too.
1.0_rc1 < 1.0.1
1.0_p1 < 1.0.1
# Rule: -rN compares numerically and is newer than no revision; -r0 differs from none.
1.0-r1 < 1.0-r2
1.0-r9 < 1.0-r10
1.0 < 1.0-r0
1.0-r1 < 1.0.1
1.0_rc1-r5 < 1.0-r0
1.0_p1-r0 > 1.0-r9
# Rule: ~hash compares as a string, sits after suffixes and before -rN.
1.0~abc < 1.0~abd
1.0~abc > 1.0
1.0~abc > 1.0-r1
1.0~abc-r1 > 1.0~abc
1.0_git20240101~deadbeef-r0 > 1.0_git20240101-r0
# Rule: numbers of any length compare exactly.
1.99999999999999999999 < 1.100000000000000000000
EOF
# Invalid: apk_version_validate refuses these (must start with a digit; one letter only and
# only after a number; known suffix names; "-r" then digits; '~' then lower-case hex).
cat >"$WORK/apk.invalid" <<'EOF'
a1
1.0ab
1.0_foo
1.0-1
1.0-r
1.0-rc1
1.0_
1.0A
1.0_rc1.2
1.0-r1_p1
1.0~
1.0~xyz
1.0-r1~abc
1.0_rc_
.1
1.0_rc1a
EOF
grep -v '^#' "$WORK/apk.table" | awk '{ print $1, $3 }' >"$WORK/apk.pairs"
grep -v '^#' "$WORK/apk.table" | awk '{ print $2 }' >"$WORK/apk.want"
"$STRATA" version compare --type apk - <"$WORK/apk.pairs" >"$WORK/apk.out"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$WORK/apk.out" "$WORK/apk.want"; then
    pass "version-apk-table ($(wc -l <"$WORK/apk.pairs") pairs)"
else
    fail version-apk-table "exit $rc: $(paste -d ' ' "$WORK/apk.out" "$WORK/apk.want" "$WORK/apk.pairs" | awk '$1 != $2' | head -5 | tr '\n' ';')"
fi
# The table reversed must give the reversed answers (antisymmetry through the CLI).
awk '{ print $2, $1 }' "$WORK/apk.pairs" | "$STRATA" version compare --type apk - |
    tr '<>' '><' >"$WORK/apk.rev"
if cmp -s "$WORK/apk.rev" "$WORK/apk.want"; then
    pass version-apk-antisymmetric
else
    fail version-apk-antisymmetric "reversed pairs do not give reversed answers"
fi
awk '{ print $1, "1.0" }' "$WORK/apk.invalid" | "$STRATA" version compare --type apk - >"$WORK/apk.inv.out"
rc=$?
ninv=$(wc -l <"$WORK/apk.invalid")
if [ "$rc" -eq 2 ] && [ "$(grep -c '^error: line [0-9]*: apk version ' "$WORK/apk.inv.out")" -eq "$ninv" ]; then
    pass "version-apk-invalid ($ninv refused)"
else
    fail version-apk-invalid "exit $rc: $(grep -v '^error:' "$WORK/apk.inv.out" | head -3 | tr '\n' ';')"
fi

# --- stdin mode: speed, error lines, exit codes ------------------------------------------------
"$py" -c '
import random
r = random.Random(7)
for i in range(100000):
    print("%d:%d.%d.%d-%d %d.%d~rc%d-%d" % (r.randint(0, 2), r.randint(0, 99), r.randint(0, 99),
          r.randint(0, 999), r.randint(0, 9), r.randint(0, 99), r.randint(0, 99), r.randint(0, 9),
          r.randint(0, 9)))
' >"$WORK/speed.pairs"
start=$(date +%s%N)
"$STRATA" version compare --type deb - <"$WORK/speed.pairs" >"$WORK/speed.out"
rc=$?
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
lines=$(wc -l <"$WORK/speed.out")
rate=$((lines * 1000 / (ms > 0 ? ms : 1)))
if [ -n "${STRATA_SANITIZED:-}" ]; then
    # Sanitizers slow everything down several times; only correctness is checked then.
    [ "$rc" -eq 0 ] && [ "$lines" -eq 100000 ] && pass "version-stdin-speed (sanitized build: $rate lines/s, not timed)" ||
        fail version-stdin-speed "exit $rc, $lines lines"
elif [ "$rc" -eq 0 ] && [ "$lines" -eq 100000 ] && [ "$ms" -lt 1000 ]; then
    pass "version-stdin-speed (100000 lines in $ms ms: $rate lines/s)"
else
    fail version-stdin-speed "exit $rc, $lines lines in $ms ms ($rate lines/s; want < 1000 ms)"
fi

printf '1.0 2.0\n1: 2.0\n2.0 1.0\nonly-one\n1.0 1.0 1.0\n\n3.0 3.0\n' |
    "$STRATA" version compare --type deb - >"$WORK/mixed.out"
rc=$?
want='<
error: line 2: deb version "1:": nothing after colon in version number
>
error: line 4: expected two versions, found 1 field
error: line 5: expected two versions, found 3 fields
error: line 6: expected two versions, found 0 fields
='
if [ "$rc" -eq 2 ] && [ "$(cat "$WORK/mixed.out")" = "$want" ]; then
    pass version-stdin-error-lines
else
    fail version-stdin-error-lines "exit $rc: $(tr '\n' ';' <"$WORK/mixed.out")"
fi
# An overlong line is reported in place and the next line is still answered.
{ printf '1.0 '; head -c 70000 /dev/zero | tr '\0' '1'; printf '\n1.0 1.1\n'; } |
    "$STRATA" version compare --type deb - >"$WORK/long.out"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(sed -n 1p "$WORK/long.out")" = "error: line 1: longer than 8300 bytes" ] &&
    [ "$(sed -n 2p "$WORK/long.out")" = "<" ]; then
    pass version-stdin-long-line
else
    fail version-stdin-long-line "exit $rc: $(head -c 300 "$WORK/long.out")"
fi

# Single pair: answers and errors.
out=$("$STRATA" version compare --type rpm 1.0^git1 1.0.1)
[ "$out" = "<" ] && pass version-single-pair || fail version-single-pair "got '$out'"
out=$("$STRATA" version compare 1:1.0 2.0 --type deb)
[ "$out" = ">" ] && pass version-options-after-operands || fail version-options-after-operands "got '$out'"
expect_exit version-invalid-single 2 -- "$STRATA" version compare --type deb 1.0 1:
case "$LAST_ERR" in
*'deb version "1:": nothing after colon'*) pass version-invalid-message ;;
*) fail version-invalid-message "stderr: $LAST_ERR" ;;
esac
expect_exit version-usage-no-type 2 -- "$STRATA" version compare 1.0 2.0
expect_exit version-usage-bad-type 2 -- "$STRATA" version compare --type npm 1.0 2.0
expect_exit version-usage-one-operand 2 -- "$STRATA" version compare --type deb 1.0
expect_exit version-usage-three-operands 2 -- "$STRATA" version compare --type deb 1 2 3
expect_exit version-usage-unknown-option 2 -- "$STRATA" version compare --type deb --frobnicate 1 2
expect_exit version-usage-subcommand 2 -- "$STRATA" version sort 1 2
case "$LAST_ERR" in
*"see 'strata version --help'"*) pass version-usage-hint ;;
*) fail version-usage-hint "stderr: $LAST_ERR" ;;
esac
if "$STRATA" version compare --help | grep -q 'examples:'; then
    pass version-help
else
    fail version-help "no examples in --help"
fi
