# Secrets in images (src/secrets/, docs/secrets.md), end to end:
#  - an image built here (so the test means something without ../shared): a key deleted by a
#    later layer's whiteout, a file replaced by a later layer, a present .npmrc token, a token
#    in config.Env and a password on a wget line in the history; an allow-listed examples path
#    and a binary file are not reported; user rule files add rules, replace them, allow-list;
#    `strata fs` on the unpacked tree;
#  - the shared app image: exactly the secrets debian12-app.expected.json lists (the deleted
#    /app/id_rsa with the layer that deleted it), none in the minbase and distroless images;
#  - no secret value in clear in JSON, table or SARIF.
. "$SRCROOT/tests/e2e/lib.inc"
if ! command -v python3 >/dev/null; then
    skip image_secrets "python3 not installed"
    exit 0
fi

# ---- own image ----
python3 - "$WORK" <<'PY'
import base64, hashlib, io, json, os, random, sys, tarfile
work = sys.argv[1]
rnd = random.Random(7)
def b64(n):
    return base64.b64encode(bytes(rnd.randrange(256) for _ in range(n))).decode()
ec_body = "\n".join(b64(48) for _ in range(3))
secrets = {
    "ec": b64(48)[:64],
    "pw": "Zq8mWx0pLr2v",
    "npm": "hV3nQ8pLk2Wm9Zt6Rr4Xy7Bc1Df5Gh0Jk",
    "ghp": "ghp_" + "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36)),
    "wget": "Gk2pW9xLq7",
    "acme": "acme_" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24)),
}
layers = [
    {  # 0
        "etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
        "srv/keys/ec.pem": ("-----BEGIN EC PRIVATE KEY-----\n" + ec_body + "\n-----END EC PRIVATE KEY-----\n").encode(),
        "srv/conf/app.yaml": ('db:\n  host: db\n  password: "%s"\n' % secrets["pw"]).encode(),
        "usr/share/doc/demo/examples/demo.env": ("GITHUB_TOKEN=%s\n" % secrets["ghp"]).encode(),
        "usr/lib/demo.bin": b"\x7fELF\x02\x01\x01\x00" + ("AWS_KEY=AKIAQ3EGRTYU7WZXCV4B\n").encode(),
        "opt/acme.cfg": ("api = %s\n" % secrets["acme"]).encode(),
    },
    {  # 1: the key deleted, the config replaced by a clean one
        "srv/keys/.wh.ec.pem": b"",
        "srv/conf/app.yaml": b"db:\n  host: db\n  password_file: /run/secrets/db\n",
    },
    {  # 2
        "home/u/.npmrc": ("//registry.npmjs.org/:_authToken=%s\n" % secrets["npm"]).encode(),
    },
]
def layer_tar(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for path in sorted(files):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    ti = tarfile.TarInfo(d); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; ti.mtime = 1735689600
                    t.addfile(ti)
            ti = tarfile.TarInfo(path); ti.size = len(files[path]); ti.mode = 0o644; ti.mtime = 1735689600
            t.addfile(ti, io.BytesIO(files[path]))
    return buf.getvalue()
blobs = [layer_tar(l) for l in layers]
diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in blobs]
history = [
    {"created_by": "COPY rootfs / # buildkit"},
    {"created_by": "ENV GITHUB_TOKEN=%s" % secrets["ghp"], "empty_layer": True},
    {"created_by": "RUN /bin/sh -c rm /srv/keys/ec.pem && cp /tmp/app.yaml /srv/conf/ # buildkit"},
    {"created_by": "RUN /bin/sh -c wget --user=ci --password=%s https://example.com/a.tgz # buildkit" % secrets["wget"]},
]
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": ["PATH=/usr/bin:/bin", "GITHUB_TOKEN=" + secrets["ghp"]], "User": "app"},
          "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
cfg = json.dumps(config).encode()
cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
with tarfile.open(os.path.join(work, "secrets.tar"), "w") as out:
    def add(name, data):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1735689600
        out.addfile(ti, io.BytesIO(data))
    names = []
    for b in blobs:
        n = hashlib.sha256(b).hexdigest() + "/layer.tar"
        names.append(n)
        add(n, b)
    add(cfg_name, cfg)
    add("manifest.json", json.dumps([{"Config": cfg_name, "RepoTags": ["secrets:1"], "Layers": names}]).encode())
# the final tree, for `strata fs`
root = os.path.join(work, "rootfs")
for l in layers:
    for path, data in l.items():
        base = os.path.basename(path)
        full = os.path.join(root, path)
        if base.startswith(".wh."):
            victim = os.path.join(os.path.dirname(full), base[4:])
            if os.path.exists(victim):
                os.remove(victim)
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
json.dump(secrets, open(os.path.join(work, "values.json"), "w"))
PY

check() { # name json-file python-expression-over-d-printing-errors
    local name=$1 file=$2 code=$3 out
    if out=$(python3 - "$file" "$WORK/values.json" <<PY
import json, sys
d = json.load(open(sys.argv[1]))
v = json.load(open(sys.argv[2]))
s = d.get("secrets", [])
key = lambda x: (x["rule_id"], x["path"] or x["location"])
errs = []
$code
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
    ); then pass "$name"; else fail "$name" "$out"; fi
}

for fmt in json table sarif; do
    if ! "$STRATA" image -q --no-vulns --format $fmt -o "$WORK/own.$fmt" "$WORK/secrets.tar" 2>"$WORK/err"; then
        fail "own image: --format $fmt" "$(cat "$WORK/err")"
        exit 0
    fi
done
pass "own image: scanned in json, table and sarif"
check "own image: every planted secret with its layer, line and state; nothing else" "$WORK/own.json" '
want = {
    ("ec-private-key", "/srv/keys/ec.pem"): dict(layer_index=0, in_final_fs=False, deleted_in_layer=1, line=2),
    ("generic-password", "/srv/conf/app.yaml"): dict(layer_index=0, in_final_fs=False, deleted_in_layer=1, line=3),
    ("npmrc-auth-token", "/home/u/.npmrc"): dict(layer_index=2, in_final_fs=True, deleted_in_layer=None, line=1),
    ("github-pat", "config.Env[1]"): dict(layer_index=None, in_final_fs=None, line=None),
    ("github-pat", "history[1]"): dict(layer_index=None, in_final_fs=None),
    ("basic-auth-credentials-in-command", "history[3]"): dict(layer_index=2, in_final_fs=None),
}
got = {key(x): x for x in s}
if sorted(got) != sorted(want):
    errs.append("secrets %s, want %s" % (sorted(got), sorted(want)))
for k, fields in want.items():
    for f, val in fields.items():
        if k in got and got[k][f] != val:
            errs.append("%s %s: %s = %r, want %r" % (k[0], k[1], f, got[k][f], val))
for x in s:
    if not x["excerpt"].endswith("*****") or len(x["excerpt"]) > 9:
        errs.append("excerpt %r not redacted" % x["excerpt"])
'
leaks=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).values()))' "$WORK/values.json" |
    grep -v '^acme_' | grep -F -l -f - "$WORK/own.json" "$WORK/own.table" "$WORK/own.sarif")
[ -z "$leaks" ] && pass "own image: no secret value in clear in json, table, sarif" || fail "own image: leak" "$leaks"
python3 - "$WORK/own.sarif" <<'PY' && pass "own image: SARIF results located at the file and line" || fail "own image: sarif" "see above"
import json, sys
d = json.load(open(sys.argv[1]))
locs = {(r["ruleId"], l["physicalLocation"]["artifactLocation"]["uri"], l["physicalLocation"].get("region", {}).get("startLine"))
        for r in d["runs"][0]["results"] for l in r["locations"] if "physicalLocation" in l}
want = {("ec-private-key", "srv/keys/ec.pem", 2), ("npmrc-auth-token", "home/u/.npmrc", 1)}
missing = want - locs
if missing:
    print("FAIL detail: missing", missing)
    sys.exit(1)
PY
grep -q "removed in layer 1" "$WORK/own.table" && pass "own image: the table says the key was removed in layer 1" ||
    fail "own image: table state" "$(grep -i ec-private "$WORK/own.table")"

# user rule files: add a rule, allow-list a path, replace the built-in rules
cat >"$WORK/acme.yaml" <<'EOF'
version: 1
rules:
  - id: acme-api-key
    title: ACME API key
    severity: MEDIUM
    keywords: [acme_]
    regex: '\bacme_[a-z0-9]{24}\b'
EOF
printf 'version: 1\nallow:\n  paths:\n    - "home/u/*"\n' >"$WORK/allow.yaml"
printf 'version: 1\nreplace: true\n' >"$WORK/replace.yaml"
"$STRATA" image -q --no-vulns --format json --secret-rules "$WORK/acme.yaml" --secret-rules "$WORK/allow.yaml" \
    -o "$WORK/user.json" "$WORK/secrets.tar" 2>"$WORK/err" || fail "user rules: scan" "$(cat "$WORK/err")"
check "user rules: an added rule finds its key; an allow-listed path is not reported" "$WORK/user.json" '
ids = sorted(key(x) for x in s)
if ("acme-api-key", "/opt/acme.cfg") not in ids: errs.append("acme key not found: %s" % ids)
if any(x["path"] == "/home/u/.npmrc" for x in s): errs.append("allow-listed .npmrc reported")
if ("ec-private-key", "/srv/keys/ec.pem") not in ids: errs.append("built-in rules lost")
'
"$STRATA" image -q --no-vulns --format json --secret-rules "$WORK/replace.yaml" --secret-rules "$WORK/acme.yaml" \
    -o "$WORK/repl.json" "$WORK/secrets.tar" 2>"$WORK/err" || fail "user rules: replace scan" "$(cat "$WORK/err")"
check "user rules: replace: true leaves only the user's rules" "$WORK/repl.json" '
ids = sorted(set(x["rule_id"] for x in s))
if ids != ["acme-api-key"]: errs.append("rules %s, want only acme-api-key" % ids)
'
printf 'version: 1\nrules:\n  - id: bad\n    title: x\n    severity: HIGH\n    keywords: [x]\n    regex: "(unclosed"\n' >"$WORK/bad.yaml"
expect_exit "user rules: a regex hyperscan rejects is a usage error" 2 -- "$STRATA" image -q --no-vulns --secret-rules "$WORK/bad.yaml" "$WORK/secrets.tar"
grep -q "bad.yaml:7" <<<"$LAST_ERR" && pass "user rules: the error names the file and line" || fail "user rules: error position" "$LAST_ERR"
"$STRATA" image -q --no-vulns --no-secrets --format json -o "$WORK/none.json" "$WORK/secrets.tar" 2>/dev/null
check "--no-secrets: no secrets[]" "$WORK/none.json" 'errs += ["%d secrets" % len(s)] if s else []'

# strata fs on the final tree: what is there, no layers
"$STRATA" fs -q --no-vulns --format json -o "$WORK/fs.json" "$WORK/rootfs" 2>"$WORK/err" || fail "fs: scan" "$(cat "$WORK/err")"
check "fs: the present secrets, in_final_fs true, no layer" "$WORK/fs.json" '
got = sorted(key(x) for x in s)
want = [("npmrc-auth-token", "/home/u/.npmrc")]
if got != want: errs.append("secrets %s, want %s" % (got, want))
for x in s:
    if x["in_final_fs"] is not True or x["layer_index"] is not None: errs.append("state %r" % x)
'

# ---- the shared fixtures ----
if ! have_shared; then
    skip image_secrets "no ../shared: secrets of the shared fixtures not checked"
    exit 0
fi
IMG="$SHARED/fixtures/images"
for f in debian12-app.docker.tar debian12-app.oci-zstd.tar; do
    for fmt in json table sarif; do
        "$STRATA" image -q --no-vulns --format $fmt -o "$WORK/$f.$fmt" "$IMG/$f" 2>"$WORK/err" ||
            fail "$f: --format $fmt" "$(cat "$WORK/err")"
    done
    check "$f: secrets equal debian12-app.expected.json" "$WORK/$f.json" "
exp = json.load(open('$IMG/debian12-app.expected.json'))['secrets']
got = {key(x): x for x in s}
wantkeys = set()
for e in exp:
    k = (e['kind'], e['path'] or e['location'].replace('.created_by', ''))
    if e['path'] is None and e['location'] == 'config.Env':
        k = (e['kind'], 'config.Env[1]')
    wantkeys.add(k)
    x = got.get(k)
    if x is None:
        errs.append('missing %s' % (k,)); continue
    if e.get('layer') is not None and x['layer_index'] != e['layer']:
        errs.append('%s: layer %s, want %s' % (k, x['layer_index'], e['layer']))
    if e['path'] is not None and x['in_final_fs'] != e['in_final_fs']:
        errs.append('%s: in_final_fs %s' % (k, x['in_final_fs']))
    if e.get('removed_by_whiteout_in_layer') is not None and x['deleted_in_layer'] != e['removed_by_whiteout_in_layer']:
        errs.append('%s: deleted_in_layer %s' % (k, x['deleted_in_layer']))
    if e.get('line') is not None and x['line'] != e['line']:
        errs.append('%s: line %s, want %s' % (k, x['line'], e['line']))
extra = sorted(set(got) - wantkeys)
if extra: errs.append('unexpected %s' % extra)
"
    # the secret part of each expected match: the whole token, the value after '=', the
    # password after user: in 'curl -u user:pass' (the RSA key's body is not in the manifest)
    if python3 -c 'import json, re, sys
for e in json.load(open(sys.argv[1]))["secrets"]:
    m = e["match"]
    if e["kind"] == "rsa-private-key": continue
    u = re.search(r"-u [^:\s]+:(\S+)", m)
    print(u.group(1) if u else m.split("=", 1)[-1])' \
        "$IMG/debian12-app.expected.json" | grep -F -l -f - "$WORK/$f.json" "$WORK/$f.table" "$WORK/$f.sarif" >"$WORK/leak"; then
        fail "$f: no secret in clear" "$(cat "$WORK/leak")"
    else
        pass "$f: no secret value in clear in json, table, sarif"
    fi
done
for f in debian12-minbase.oci.tar distroless-like.oci.tar; do
    "$STRATA" image -q --no-vulns --format json -o "$WORK/$f.json" "$IMG/$f" 2>"$WORK/err" || fail "$f: scan" "$(cat "$WORK/err")"
    check "$f: no secrets (MANIFEST.md: none planted)" "$WORK/$f.json" 'errs += ["%s" % sorted(key(x) for x in s)] if s else []'
done
