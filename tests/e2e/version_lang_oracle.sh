# E2E for `strata version compare` on the language ecosystems. PEP 440 against Python's
# packaging.version (python3-packaging) and semver against node-semver (node-semver, run
# with node): seeded generated pairs plus the specifications' examples, every answer
# compared. Go and Maven have no reference implementation installed here (no Go toolchain,
# no JVM), so they are checked against curated tables whose expected answers come from the
# x/mod/semver and ComparableVersion rules, each row commented with the rule it exercises.
. "$SRCROOT/tests/e2e/lib.inc"

py=/usr/bin/python3
[ -x "$py" ] || py=python3
gen="$SRCROOT/tests/e2e/version_oracle_gen.py"

if [ ! -x "$STRATA" ]; then
    skip version-lang "strata is not built ($STRATA)"
    exit 0
fi
if [ "$(echo '1.0.0 1.0.0' | "$STRATA" version compare --type semver - 2>/dev/null)" != "=" ]; then
    skip version-lang "'strata version compare --type semver -' does not work in this build"
    exit 0
fi

# strata's answers for a pair file: <, =, > or error (the message is dropped).
strata_answers() { # TYPE PAIRS OUT
    # exit 2 when a line is invalid is expected here; the answers are what is checked
    "$STRATA" version compare --type "$1" - <"$2" 2>"$3.err" | sed 's/^error:.*/error/' >"$3"
}

# Compares expected and strata answers line by line; PASS with the counts or FAIL with the
# first disagreements.
judge() { # NAME PAIRS EXPECTED GOT WHAT
    local name=$1 pairs=$2 exp=$3 got=$4 what=$5
    local n
    n=$(wc -l <"$pairs")
    if [ "$(wc -l <"$got")" -ne "$n" ] || [ "$(wc -l <"$exp")" -ne "$n" ]; then
        fail "$name" "answer count differs: $n pairs, $(wc -l <"$exp") expected, $(wc -l <"$got") from strata: $(head -3 "$got.err" 2>/dev/null)"
        return
    fi
    paste -d' ' "$pairs" "$exp" "$got" | awk '$3 != $4' >"$got.diff"
    if [ -s "$got.diff" ]; then
        fail "$name" "$(wc -l <"$got.diff") of $n pairs disagree with $what (A B expected strata): $(head -5 "$got.diff" | tr '\n' ';')"
    else
        local lt eq gt er
        lt=$(grep -c '^<$' "$exp")
        eq=$(grep -c '^=$' "$exp")
        gt=$(grep -c '^>$' "$exp")
        er=$(grep -c '^error$' "$exp")
        pass "$name: $n pairs agree with $what ($lt <, $eq =, $gt >, $er invalid)"
    fi
}

# --- PEP 440 against packaging ------------------------------------------------------------
if "$py" -c 'import packaging.version' 2>/dev/null; then
    "$py" "$gen" pep440 6000 20260101 >"$WORK/pep.pairs"
    "$py" "$gen" pep440-expect <"$WORK/pep.pairs" >"$WORK/pep.exp"
    strata_answers pep440 "$WORK/pep.pairs" "$WORK/pep.got"
    judge "pep440 oracle" "$WORK/pep.pairs" "$WORK/pep.exp" "$WORK/pep.got" \
        "packaging $("$py" -c 'import packaging; print(packaging.__version__)')"
else
    skip "pep440 oracle" "python3 packaging is not installed (make deps: python3-packaging)"
fi

# --- semver against node-semver -----------------------------------------------------------
nodesemver=/usr/share/nodejs/semver
if command -v node >/dev/null && [ -f "$nodesemver/classes/semver.js" ]; then
    "$py" "$gen" semver 6000 20260101 >"$WORK/sv.pairs"
    node "$SRCROOT/tests/e2e/version_oracle_semver.js" "$nodesemver" <"$WORK/sv.pairs" >"$WORK/sv.exp"
    strata_answers semver "$WORK/sv.pairs" "$WORK/sv.got"
    judge "semver oracle" "$WORK/sv.pairs" "$WORK/sv.exp" "$WORK/sv.got" \
        "node-semver $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$nodesemver/package.json" | head -1)"
else
    skip "semver oracle" "node or node-semver is not installed (make deps: nodejs node-semver)"
fi

# --- curated tables -------------------------------------------------------------------------
# Lines: A B EXPECTED  # rule. EXPECTED is <, =, > or error.
table() { # TYPE NAME  (table on stdin)
    local type=$1 name=$2
    sed -e 's/[[:space:]]*#.*//' -e '/^$/d' >"$WORK/$type.table"
    awk '{print $1, $2}' "$WORK/$type.table" >"$WORK/$type.pairs"
    awk '{print $3}' "$WORK/$type.table" >"$WORK/$type.exp"
    strata_answers "$type" "$WORK/$type.pairs" "$WORK/$type.got"
    judge "$name" "$WORK/$type.pairs" "$WORK/$type.exp" "$WORK/$type.got" "the curated table"
}

table go "go table (golang.org/x/mod/semver rules; no Go toolchain installed)" <<'EOF'
v1 v1.0.0 =                       # x/mod: vMAJOR is shorthand for vMAJOR.0.0
v1.2 v1.2.0 =                     # x/mod: vMAJOR.MINOR is shorthand for .0
v1 v1.0.1 <
v1.2 v1.10 <                      # numbers compare numerically
v2.0.0 v10.0.0 <
v99999999999999999999.0.0 v99999999999999999998.0.0 >   # numbers are unbounded
v1.0.0 v1.0.0+incompatible =      # +incompatible is build metadata, ignored
v2.0.0+incompatible v2.0.1 <
v1.0.0+a v1.0.0+b =               # build metadata ignored
v1.0.0-alpha v1.0.0 <             # a prerelease is below its release
v1.0.0-alpha v1.0.0-alpha.1 <     # more identifiers win on an equal prefix
v1.0.0-alpha.1 v1.0.0-alpha.beta <   # numeric identifiers below alphanumeric
v1.0.0-alpha.beta v1.0.0-beta <   # alphanumeric identifiers in ASCII order
v1.0.0-beta.2 v1.0.0-beta.11 <    # numeric identifiers by value
v1.0.0-rc.1 v1.0.0-rc.1+build =
v1.0.0-A v1.0.0-a <               # ASCII: upper case first
v1.0.0-0a v1.0.0-1 >              # 0a is alphanumeric
v0.0.0-20191109021931-daa7c04131f5 v0.0.0-20200101000000-abcdefabcdef <   # pseudo-versions by commit time
v0.0.0-20191109021931-daa7c04131f5 v0.1.0 <             # pseudo-version before the first tag
v1.2.4-0.20191109021931-daa7c04131f5 v1.2.3 >           # vX.Y.(Z+1)-0.T-H is after vX.Y.Z
v1.2.4-0.20191109021931-daa7c04131f5 v1.2.4 <           # ... and before vX.Y.(Z+1)
v1.2.4-0.20191109021931-daa7c04131f5 v1.2.4-pre <       # ... and before its prereleases
v1.2.3-pre.0.20191109021931-daa7c04131f5 v1.2.3-pre >   # vX.Y.Z-pre.0.T-H is after vX.Y.Z-pre
v1.2.3-pre.0.20191109021931-daa7c04131f5 v1.2.3-pre.1 < # ... and before the next prerelease
v2.0.0-20191109021931-daa7c04131f5+incompatible v2.0.0-20200101000000-abcdefabcdef+incompatible <
go1.19.8 v1.19.8 =                # toolchain goX.Y.Z
go1.21rc2 v1.21.0-rc.2 =          # toolchain rcN as golang.org/x/vuln maps it
go1.21rc2 go1.21.0 <
go1.21 go1.21.0 =                 # goX.Y is the release X.Y.0 (release-tag convention)
go1.20 go1.20.1 <
go1.9beta1 go1.9rc1 <             # beta before rc
go1.9rc1 go1.9 <
go1.8-pre3 v1.8.0-pre.3 =         # -preN
go1 v1.0.0 =                      # the first release tag
go1.2.2 go1.10 <
1.19.8 go1.19.8 =                 # OSV writes Go versions without the v
1.21.0-0 go1.21rc1 <              # OSV's X.Y.0-0 is below every prerelease of X.Y.0
1.21.0-0 1.21.0 <
v1.2.3.4 v1.0.0 error             # four numbers
v01.2.3 v1.0.0 error              # leading zero
v1.02 v1.0.0 error
v1.2-pre v1.0.0 error             # a shorthand cannot carry a prerelease
v1.2+meta v1.0.0 error            # ... nor build metadata
v1.2.3-01 v1.0.0 error            # numeric prerelease identifier with a leading zero
v1.2.3- v1.0.0 error              # empty prerelease
v1.2.3-a..b v1.0.0 error          # empty identifier
v1.2.3+ v1.0.0 error              # empty build
V1.2.3 v1.0.0 error               # upper-case V
vx v1.0.0 error
go1.0 v1.0.0 error                # never a tag; x/vuln rejects it
go1.21.0.1 v1.0.0 error
go1.21rc v1.0.0 error             # rc without a number
go1.21alpha1 v1.0.0 error         # no alpha tags
go2 v1.0.0 error
latest v1.0.0 error               # a query, not a version
EOF

table maven "maven table (ComparableVersion 3.9 rules; no JVM installed)" <<'EOF'
1 1.0 =                           # trailing zero items are dropped
1 1.0.0 =
1 1-0 =
1.0 1.0-0 =
1a 1-a =                          # a digit/letter transition separates like '-'
1a 1.0.0-a =
1x 1.0-x =
1cr 1rc =                         # cr is rc
1a1 1-alpha-1 =                   # a, b, m before a digit are alpha, beta, milestone
1b2 1-beta-2 =
1m3 1-milestone-3 =
1m3 1MILESTONE3 =                 # case-insensitive
1ga 1 =                           # ga, final, release are the release itself
1final 1 =
1RELEASE 1 =
1-a 1 >                           # 'a' alone is an unknown qualifier, above release
1 2 <
1.5 2 <
1.0.1 1.1 <
1.0-alpha-1 1.0 <                 # qualifier order: alpha < beta < milestone < rc < snapshot < release < sp
1.0-alpha-1 1.0-beta-1 <
1.0-beta-1 1.0-m1 <
1.0-m1 1.0-rc1 <
1.0-rc1 1.0-SNAPSHOT <
1.0-SNAPSHOT 1.0 <
1.0 1.0-sp <
1.0-sp 1.0-abc <                  # unknown qualifiers after sp
1.0-abc 1.0-def <                 # ... in lexical order
1.0-alpha-1-SNAPSHOT 1.0-alpha-1 <
1.0 1.0-1 <                       # a '-' number is above the release
1.0-1 1.0-2 <
1.0.0 1.0-1 <
2.0-1 2.0.1 <                     # a '.' number is above a '-' number
2.0.1 2.0.1-xyz <
2.0.1-xyz 2.0.1-123 <             # a number is above a qualifier
2.0 2.0.a <                       # MNG-7644: 2.0.a is 2-a
2.0.a 2-1 <
2-abc 2.0.abc =                   # MNG-7644: 2-X == 2.0.X == 2.0.0.X
2-abc 2.0.0.abc =
1.0.0.rc1 1.0.0-rc2 <             # MNG-7644: 1.0.0.X1 < 1.0.0-X2
1-0.alpha 1 <                     # MNG-6964: a sub-list against nothing is decided by its first non-null item
1-0.alpha 1-0.beta <
6.1.0rc3 6.1.0 <                  # MNG-5568
6.1.0rc3 6.1H.5-beta <
6.1.0 6.1H.5-beta <
20190126.230843 1234567890.12345 <            # MNG-6572: int < long < BigInteger items
1234567890.12345 123456789012345.1H.5-beta <
123456789012345.1H.5-beta 12345678901234567890.1H.5-beta <
0000000000000000001 1 =           # leading zeros are insignificant
0000000000000000000 0 =
0.7 2 <
7 J >                             # a number is above a qualifier at the top level
aardvark zebra <
1-abcdefghijklmnopqrstuvwxyz 1-ABCDEFGHIJKLMNOPQRSTUVWXYZ =
EOF

# --- stdin behaviour shared by these types --------------------------------------------------
printf '1.0 1.0.0\nnot-a-version 1.0\n' >"$WORK/mixed.pairs"
out=$("$STRATA" version compare --type pep440 - <"$WORK/mixed.pairs" 2>/dev/null)
rc=$?
if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$out" | head -1)" = "=" ] &&
    printf '%s\n' "$out" | sed -n 2p | grep -q '^error: .*pep440 version "not-a-version"'; then
    pass "version compare: an invalid pep440 version is an error line naming it, exit 2"
else
    fail "version-lang-errors" "exit $rc, output: $out"
fi
