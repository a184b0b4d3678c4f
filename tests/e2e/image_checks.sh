# Image checks (src/checks/, docs/checks-image.md) on the shared fixtures, compared with
# debian12-app.expected.json: setuid/setgid paths exactly and their summary, the
# world-writable directory without sticky bit, root user, no healthcheck, remote ADD, the Env
# and history credentials, /app/.env as the only unnecessary file, no package cache and no
# account finding; hunter2 and s3cr3t appear nowhere in the JSON, table or SARIF output. The
# minbase and distroless-like images: nothing but what their expected.json implies.
. "$SRCROOT/tests/e2e/lib.inc"
if ! have_shared; then
    skip image_checks "no ../shared: image checks on the shared fixtures not checked"
    exit 0
fi
if ! command -v python3 >/dev/null; then
    skip image_checks "python3 not installed"
    exit 0
fi
IMG="$SHARED/fixtures/images"
for f in debian12-app.docker.tar debian12-app.oci-zstd.tar; do
    name="image checks: $f"
    for fmt in json table sarif; do
        if ! "$STRATA" image -q --format $fmt "$IMG/$f" >"$WORK/$f.$fmt" 2>"$WORK/$f.err"; then
            fail "$name" "--format $fmt: exit $?: $(cat "$WORK/$f.err")"
            continue 2
        fi
    done
    if grep -l -e hunter2 -e s3cr3t "$WORK/$f.json" "$WORK/$f.table" "$WORK/$f.sarif" \
        >"$WORK/leak" 2>/dev/null; then
        fail "$name: no secret in clear" "found in $(tr '\n' ' ' <"$WORK/leak")"
    else
        pass "$name: no secret in clear in json, table, sarif"
    fi
    if out=$(python3 - "$WORK/$f.json" "$IMG/debian12-app.expected.json" "$WORK/$f.sarif" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))
sarif = json.load(open(sys.argv[3]))
ms = rep["misconfigurations"]
errs = []
def paths(kind):
    return sorted(m["path"] for m in ms if m["id"] == "CIS-DI-0008"
                  and m["message"].startswith((kind + " file", "setuid and setgid file")))
for kind in ("setuid", "setgid"):
    want = sorted(e["path"] for e in exp[kind])
    if paths(kind) != want:
        errs.append("%s paths %s, want %s" % (kind, paths(kind), want))
    for e in exp[kind]:
        m = [m for m in ms if m["id"] == "CIS-DI-0008" and m["path"] == e["path"]]
        if m and (m[0]["severity"] == "HIGH") != e["planted"]:
            errs.append("%s: severity %s but planted=%s" % (e["path"], m[0]["severity"], e["planted"]))
        if m and m[0]["layer_index"] != e["layer"]:
            errs.append("%s: layer %s, want %s" % (e["path"], m[0]["layer_index"], e["layer"]))
        if m and e["dpkg_package"] and ("package %s" % e["dpkg_package"]) not in m[0]["message"]:
            errs.append("%s: owner %s not in %r" % (e["path"], e["dpkg_package"], m[0]["message"]))
ww = sorted(e["path"] for e in exp["world_writable_dirs"] if not e["sticky"])
got = sorted(m["path"] for m in ms if m["id"] == "STRATA-DI-0002")
if got != ww:
    errs.append("world-writable dirs %s, want %s" % (got, ww))
def has(id, evidence=None, severity=None):
    return any(m["id"] == id and (evidence is None or m["evidence"] == evidence)
               and (severity is None or m["severity"] == severity) for m in ms)
checks = [("CIS-DI-0001", "config.User", None), ("CIS-DI-0006", "config.Healthcheck", None),
          ("CIS-DI-0009", "history[3]", "MEDIUM"), ("CIS-DI-0010", "config.Env[1]", None),
          ("CIS-DI-0010", "history[4]", None), ("CIS-DI-0010", "history[5]", None),
          ("STRATA-DI-0001", "config.ExposedPorts", None)]
for c in checks:
    if not has(*c):
        errs.append("missing %s at %s" % (c[0], c[1]))
if has("CIS-DI-0007") or has("CIS-DI-0009", "history[0]"):
    errs.append("unexpected CIS-DI-0007 or base-rootfs ADD finding")
# What a build left behind: the app layer's /app/.env (ground truth: the expected secrets in
# files of the final filesystem) is the only unnecessary file; apt lists were removed in the
# install step; the account files are Debian's stock ones.
env = sorted({(s["path"], s["layer"]) for s in exp["secrets"]
             if s.get("in_final_fs") and s.get("path", "").rsplit("/", 1)[-1] == ".env"})
got = sorted((m["path"], m["layer_index"]) for m in ms if m["id"] == "DKL-LI-0003")
if got != env:
    errs.append("unnecessary files %s, want %s" % (got, env))
for id in ("DKL-DI-0005", "DKL-LI-0001", "DKL-LI-0002", "STRATA-DI-0005"):
    if has(id):
        errs.append("unexpected %s finding" % id)
summary = [m for m in ms if m["id"] == "STRATA-DI-0004"]
n_suid = len(exp["setuid"]) + len(exp["setgid"])
n_planted = sum(e["planted"] for e in exp["setuid"] + exp["setgid"])
want = "The image has %d setuid/setgid files (%d on the default allow-list, %d that no OS " \
       "package owns)" % (n_suid, n_suid - n_planted, n_planted)
if len(summary) != 1 or not summary[0]["message"].startswith(want):
    errs.append("setuid summary %s, want one starting %r" % ([m["message"] for m in summary], want))
elif "chmod a-s" not in summary[0]["remediation"] or "no-new-privileges" not in summary[0]["remediation"]:
    errs.append("setuid summary remediation: %r" % summary[0]["remediation"])
uris = {l["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"] for l in r["locations"] if "physicalLocation" in l}
for p in ("usr/local/bin/find-suid", "usr/local/bin/cat-sgid", "app/tmp"):
    if p not in uris:
        errs.append("SARIF has no result located at %s" % p)
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
    ); then
        pass "$name: findings equal debian12-app.expected.json"
    else
        fail "$name: findings" "$out"
    fi
done

# minbase: only allow-listed (LOW) setuid/setgid findings, exactly the stock Debian files, and
# their summary; no cache, account or unnecessary-file finding.
f=debian12-minbase.oci.tar
if "$STRATA" image -q --format json "$IMG/$f" >"$WORK/minbase.json" 2>"$WORK/minbase.err"; then
    if out=$(python3 - "$WORK/minbase.json" "$IMG/debian12-minbase.expected.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))
ms = [m for m in rep["misconfigurations"] if m["id"] == "CIS-DI-0008"]
errs = []
want = sorted(e["path"] for e in exp.get("setuid", []) + exp.get("setgid", []))
if sorted(m["path"] for m in ms) != want:
    errs.append("setuid/setgid %s, want %s" % (sorted(m["path"] for m in ms), want))
bad = [m["path"] for m in ms if m["severity"] != "LOW"]
if bad:
    errs.append("not allow-listed: %s" % bad)
ids = [m["id"] for m in rep["misconfigurations"]]
if "STRATA-DI-0002" in ids or "STRATA-DI-0003" in ids:
    errs.append("world-writable findings on minbase")
# apt lists and caches were removed, the account files are base-passwd's: nothing left behind
for id in ("DKL-DI-0005", "DKL-LI-0001", "DKL-LI-0002", "DKL-LI-0003", "STRATA-DI-0005"):
    if id in ids:
        errs.append("unexpected %s on minbase" % id)
summary = [m["message"] for m in rep["misconfigurations"] if m["id"] == "STRATA-DI-0004"]
want = "The image has %d setuid/setgid files (%d on the default allow-list)" % (len(want), len(want))
if len(summary) != 1 or not summary[0].startswith(want):
    errs.append("setuid summary %s, want one starting %r" % (summary, want))
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
    ); then
        pass "image checks: $f: only allow-listed setuid/setgid files, nothing left behind"
    else
        fail "image checks: $f" "$out"
    fi
else
    fail "image checks: $f" "exit $?: $(cat "$WORK/minbase.err")"
fi

# distroless-like: no setuid/setgid file (so no summary), minimal passwd/group, no caches.
f=distroless-like.oci.tar
if "$STRATA" image -q --format json "$IMG/$f" >"$WORK/distroless.json" 2>"$WORK/distroless.err"; then
    if out=$(python3 - "$WORK/distroless.json" "$IMG/distroless-like.expected.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
exp = json.load(open(sys.argv[2]))
ids = sorted(m["id"] for m in rep["misconfigurations"])
errs = []
# User 65532:65532 and an untagged-but-latest archive name: only the healthcheck and the tag
bad = [i for i in ids if i not in ("CIS-DI-0006", "DKL-DI-0006")]
if bad:
    errs.append("unexpected findings %s" % bad)
if exp.get("setuid") or exp.get("setgid"):
    errs.append("expected.json now lists setuid files: update this test")
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
    ); then
        pass "image checks: $f: nothing but the healthcheck and tag findings"
    else
        fail "image checks: $f" "$out"
    fi
else
    fail "image checks: $f" "exit $?: $(cat "$WORK/distroless.err")"
fi
