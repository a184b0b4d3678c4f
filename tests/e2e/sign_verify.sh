# E2E: cosign-compatible signatures against a real registry — Debian's docker-registry (CNCF
# distribution) on 127.0.0.1 with a config written here, the shared distroless-like fixture
# pushed with `skopeo copy`. strata sign → strata verify round trip; the signature manifest and
# payload checked with openssl itself (`openssl dgst -sha256 -verify`) as the interop oracle
# (cosign is not packaged in Debian 12), and a signature made by openssl and pushed by hand
# verified by strata; then every tamper case fails with its reason: the payload blob modified
# in the registry's storage, the payload re-pushed with the manifest rewritten to match, a
# signature of another digest, a signature replayed in another repository, the wrong key, an
# unsigned image. Also: keys from --generate-key (plain and encrypted) and from openssl,
# verifying from a local OCI layout copied with its .sig manifest, and the policy's signature
# rule over the registry.
. "$SRCROOT/tests/e2e/lib.inc"

if [ ! -x "$STRATA" ]; then
    fail sign_verify "no strata binary at $STRATA"
    exit 0
fi
for tool in docker-registry skopeo openssl python3 curl; do
    if ! command -v "$tool" >/dev/null; then
        skip sign_verify "$tool is needed (apt install docker-registry skopeo openssl curl)"
        exit 0
    fi
done
if ! have_shared; then
    skip sign_verify "no shared fixtures at $SHARED/fixtures/images"
    exit 0
fi

FIX="$SHARED/fixtures/images"
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/cache" DOCKER_CONFIG="$WORK/docker"
mkdir -p "$HOME" "$DOCKER_CONFIG"
unset STRATA_KEY_PASSWORD
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data="$WORK/registry-data"
cat >"$WORK/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $data
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
pid=$!
up=0
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && up=1 && break
    sleep 0.1
done
if [ "$up" != 1 ]; then
    fail sign_registry_start "docker-registry did not answer: $(tail -3 "$WORK/registry.log")"
    exit 0
fi
R="127.0.0.1:$port"
push() { # SRC DEST [skopeo args]
    local src=$1 dst=$2
    shift 2
    skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$R/$dst" 2>"$WORK/push.err" ||
        fail "sign_push $dst" "$(cat "$WORK/push.err")"
}
push "oci-archive:$FIX/distroless-like.oci.tar" app:1
# the same image as a Docker v2 manifest: another digest
push "oci-archive:$FIX/distroless-like.oci.tar" other:1 --format v2s2
push "oci-archive:$FIX/distroless-like.oci.tar" unsigned:1 --format v2s2
digest_of() { curl -sI -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$R/v2/$1/manifests/$2" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'; }
app_digest=$(digest_of app 1)
other_digest=$(digest_of other 1)
[ -n "$app_digest" ] && [ "$app_digest" != "$other_digest" ] &&
    pass "sign: two images with different digests pushed" ||
    fail sign_setup "digests '$app_digest' '$other_digest'"
sigtag() { echo "sha256-${1#sha256:}.sig"; }

S=("$STRATA")
reg=(--insecure --timeout 30)

# --- keys -------------------------------------------------------------------------------------
expect_exit "sign: --generate-key" 0 -- "${S[@]}" sign -q --generate-key "$WORK/cosign"
grep -q 'BEGIN PRIVATE KEY' "$WORK/cosign.key" && grep -q 'BEGIN PUBLIC KEY' "$WORK/cosign.pub" &&
    [ "$(stat -c %a "$WORK/cosign.key")" = 600 ] &&
    pass "sign: PKCS#8 private key (0600) and SubjectPublicKeyInfo public key written" ||
    fail sign_genkey "$(head -1 "$WORK/cosign.key") $(stat -c %a "$WORK/cosign.key")"
expect_exit "sign: --generate-key does not overwrite" 2 -- "${S[@]}" sign -q --generate-key "$WORK/cosign"
STRATA_KEY_PASSWORD=s3cret "${S[@]}" sign -q --generate-key "$WORK/enc" &&
    grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$WORK/enc.key" &&
    pass "sign: encrypted PKCS#8 key with \$STRATA_KEY_PASSWORD" || fail sign_genkey_enc "$(head -1 "$WORK/enc.key")"
# an openssl-made key (SEC1 from ecparam, then PKCS#8) as "someone else's" key
openssl ecparam -genkey -name prime256v1 -noout -out "$WORK/other-sec1.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$WORK/other-sec1.pem" -out "$WORK/other.key"
openssl ec -in "$WORK/other.key" -pubout -out "$WORK/other.pub" 2>/dev/null
openssl ecparam -genkey -name prime256v1 -noout 2>/dev/null | openssl ec -pubout -out "$WORK/nobody.pub" 2>/dev/null

# --- round trip ---------------------------------------------------------------------------------
out=$("${S[@]}" sign "${reg[@]}" --key "$WORK/cosign.key" -a ci=e2e "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "Pushed signature to $R/app:$(sigtag "$app_digest")" <<<"$out" &&
    pass "sign: signature pushed under sha256-<hex>.sig" || fail sign_push_sig "exit $rc: $out"
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "^Verified: $R/app:1 ($app_digest)" <<<"$out" &&
    grep -q "signature 1: verified" <<<"$out" && pass "verify: round trip verified" ||
    fail verify_roundtrip "exit $rc: $out"
expect_exit "verify: by digest" 0 -- "${S[@]}" verify -q "${reg[@]}" --key "$WORK/cosign.pub" "$R/app@$app_digest"

# --- the interop oracle: openssl verifies what strata wrote ---------------------------------------
sigman=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$R/v2/app/manifests/$(sigtag "$app_digest")")
read -r pdigest psig < <(python3 -c 'import json,sys
m=json.loads(sys.argv[1]); l=m["layers"][0]
assert m["mediaType"]=="application/vnd.oci.image.manifest.v1+json"
assert m["config"]["mediaType"]=="application/vnd.oci.image.config.v1+json"
assert l["mediaType"]=="application/vnd.dev.cosign.simplesigning.v1+json"
print(l["digest"], l["annotations"]["dev.cosignproject.cosign/signature"])' "$sigman")
curl -s "http://$R/v2/app/blobs/$pdigest" -o "$WORK/payload.json"
base64 -d <<<"$psig" >"$WORK/sig.der"
if openssl dgst -sha256 -verify "$WORK/cosign.pub" -signature "$WORK/sig.der" "$WORK/payload.json" >/dev/null 2>&1; then
    pass "verify oracle: openssl dgst -sha256 -verify accepts strata's signature over the payload blob"
else
    fail verify_oracle "openssl does not verify the signature"
fi
got=$(python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))
print(p["critical"]["type"], p["critical"]["image"]["docker-manifest-digest"], p["critical"]["identity"]["docker-reference"], p["optional"])' "$WORK/payload.json")
[ "$got" = "cosign container image signature $app_digest $R/app {'ci': 'e2e'}" ] &&
    pass "verify oracle: simple-signing payload names the digest, the repository and the claim" ||
    fail verify_payload "$got"
config=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["config"]["digest"])' "$sigman")
curl -s "http://$R/v2/app/blobs/$config" | python3 -c 'import json,sys
c=json.load(sys.stdin); assert c["rootfs"]["diff_ids"]==[sys.argv[1]], c' "$pdigest" &&
    pass "sign: config blob has cosign's shape (rootfs.diff_ids = the payload)" ||
    fail sign_config "config $config"

# --- a signature made by openssl and pushed by hand verifies with strata ----------------------------
upload() { # REPO FILE -> digest (monolithic upload)
    local repo=$1 file=$2 loc d
    d="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
    loc=$(curl -s -D - -o /dev/null -X POST "http://$R/v2/$repo/blobs/uploads/" | tr -d '\r' |
        sed -n 's/^[Ll]ocation: //p')
    case "$loc" in http*) ;; *) loc="http://$R$loc" ;; esac
    case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
    curl -s -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$loc"
    echo "$d"
}
printf '{"critical":{"identity":{"docker-reference":"%s/other"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$R" "$other_digest" >"$WORK/hand-payload.json"
openssl dgst -sha256 -sign "$WORK/other.key" -out "$WORK/hand.der" "$WORK/hand-payload.json"
hp=$(upload other "$WORK/hand-payload.json")
printf '{}' >"$WORK/hand-config.json"
hc=$(upload other "$WORK/hand-config.json")
python3 -c 'import json,sys,os,base64
print(json.dumps({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":sys.argv[2]},
 "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json",
  "size":os.path.getsize(sys.argv[3]),"digest":sys.argv[1],
  "annotations":{"dev.cosignproject.cosign/signature":base64.b64encode(open(sys.argv[4],"rb").read()).decode()}}]}))' \
    "$hp" "$hc" "$WORK/hand-payload.json" "$WORK/hand.der" >"$WORK/hand-manifest.json"
curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$WORK/hand-manifest.json" "http://$R/v2/other/manifests/$(sigtag "$other_digest")" >"$WORK/put.code"
expect_exit "verify: an openssl-made signature pushed by hand verifies" 0 -- \
    "${S[@]}" verify -q "${reg[@]}" --key "$WORK/other.pub" "$R/other:1"

# --- tamper cases -------------------------------------------------------------------------------
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/other.pub" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "bad-signature: the signature does not verify with the key" <<<"$out" &&
    pass "verify tamper: the wrong key fails" || fail verify_wrong_key "exit $rc: $out"

out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/unsigned:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "no signatures ($R/unsigned:sha256-.*.sig does not exist)" <<<"$out" &&
    pass "verify tamper: an unsigned image fails" || fail verify_unsigned "exit $rc: $out"

# the payload blob modified in the registry's storage: the blob no longer matches its digest
blob="$data/docker/registry/v2/blobs/sha256/${pdigest:7:2}/${pdigest#sha256:}/data"
cp "$blob" "$WORK/blob.orig"
sed 's/"optional":{"ci":"e2e"}/"optional":{"ci":"evil"}/' "$WORK/blob.orig" >"$blob"
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "signature 1: bad-blob" <<<"$out" &&
    pass "verify tamper: payload modified in the registry fails (blob does not match its digest)" ||
    fail verify_tampered_blob "exit $rc: $out"
cp "$WORK/blob.orig" "$blob"
expect_exit "verify: restored payload verifies again" 0 -- "${S[@]}" verify -q "${reg[@]}" --key "$WORK/cosign.pub" "$R/app:1"

# a modified payload pushed as a new blob, the manifest rewritten to name it: the signature fails
sed 's/"optional":{"ci":"e2e"}/"optional":{"ci":"evil"}/' "$WORK/payload.json" >"$WORK/evil.json"
ep=$(upload app "$WORK/evil.json")
python3 -c 'import json,sys,os
m=json.loads(sys.argv[1]); l=m["layers"][0]; l["digest"]=sys.argv[2]; l["size"]=os.path.getsize(sys.argv[3])
print(json.dumps(m))' "$sigman" "$ep" "$WORK/evil.json" >"$WORK/evil-manifest.json"
curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$WORK/evil-manifest.json" "http://$R/v2/app/manifests/$(sigtag "$app_digest")"
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "signature 1: bad-signature" <<<"$out" &&
    pass "verify tamper: modified payload with a matching descriptor fails the signature" ||
    fail verify_tampered_payload "exit $rc: $out"
# put the genuine signature manifest back
printf '%s' "$sigman" | curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @- "http://$R/v2/app/manifests/$(sigtag "$app_digest")"

# a genuine signature of another digest, placed under this image's tag
"${S[@]}" sign -q "${reg[@]}" --key "$WORK/cosign.key" "$R/unsigned:1" || fail sign_unsigned "exit $?"
unsigned_digest=$(digest_of unsigned 1)
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
    "docker://$R/unsigned:$(sigtag "$unsigned_digest")" "docker://$R/app:$(sigtag "$app_digest")" 2>"$WORK/cp.err" ||
    fail sign_copy_sig "$(cat "$WORK/cp.err")"
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "wrong-digest: the signature is for $unsigned_digest, not for the image's $app_digest" <<<"$out" &&
    pass "verify tamper: a signature for a different digest fails" || fail verify_other_digest "exit $rc: $out"
printf '%s' "$sigman" | curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @- "http://$R/v2/app/manifests/$(sigtag "$app_digest")"

# the same image and its signature replayed in another repository: the payload names app
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false --preserve-digests \
    "docker://$R/app:1" "docker://$R/copy:1" 2>"$WORK/cp.err" || fail sign_copy "$(cat "$WORK/cp.err")"
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
    "docker://$R/app:$(sigtag "$app_digest")" "docker://$R/copy:$(sigtag "$app_digest")" 2>"$WORK/cp.err" ||
    fail sign_copy_sig2 "$(cat "$WORK/cp.err")"
out=$("${S[@]}" verify "${reg[@]}" --key "$WORK/cosign.pub" "$R/copy:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "wrong-reference: the signature names the repository $R/app, not $R/copy" <<<"$out" &&
    pass "verify tamper: a signature replayed in another repository fails" || fail verify_replay "exit $rc: $out"
expect_exit "verify: --repository accepts the mirror explicitly" 0 -- \
    "${S[@]}" verify -q "${reg[@]}" --key "$WORK/cosign.pub" --repository "$R/app" "$R/copy:1"

# --- more signatures, keys, errors --------------------------------------------------------------
expect_exit "sign: encrypted key without the passphrase" 2 -- \
    "${S[@]}" sign -q "${reg[@]}" --key "$WORK/enc.key" "$R/app:1"
grep -q 'STRATA_KEY_PASSWORD' <<<"$LAST_ERR" && pass "sign: the message says how to give the passphrase" ||
    fail sign_enc_msg "$LAST_ERR"
printf 's3cret\n' >"$WORK/pw"
expect_exit "sign: encrypted key with --key-password-file" 0 -- \
    "${S[@]}" sign -q "${reg[@]}" --key "$WORK/enc.key" --key-password-file "$WORK/pw" "$R/app:1"
expect_exit "sign: an openssl SEC1 key" 0 -- "${S[@]}" sign -q "${reg[@]}" --key "$WORK/other-sec1.pem" "$R/app:1"
n=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R/v2/app/manifests/$(sigtag "$app_digest")" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["layers"]))')
[ "$n" = 3 ] && pass "sign: signatures accumulate in one manifest (3 layers)" || fail sign_accumulate "$n layers"
ok=1
for k in enc other cosign; do
    "${S[@]}" verify -q "${reg[@]}" --key "$WORK/$k.pub" "$R/app:1" || ok=0
done
[ $ok = 1 ] && pass "verify: each of the three keys finds its signature" || fail verify_three_keys "a key found none"
json=$("${S[@]}" verify "${reg[@]}" -f json --key "$WORK/other.pub" "$R/app:1")
python3 -c 'import json,sys
r=json.loads(sys.argv[1]); v=[s["verdict"] for s in r["signatures"]]
assert r["verified"] is True and v==["bad-signature","bad-signature","verified"], v' "$json" &&
    pass "verify: JSON lists every signature's verdict" || fail verify_json "$json"
expect_exit "sign: missing image is an input error" 2 -- "${S[@]}" sign -q "${reg[@]}" --key "$WORK/cosign.key" "$R/nothing:1"
expect_exit "sign: local archive refused" 2 -- "${S[@]}" sign -q --key "$WORK/cosign.key" "$FIX/distroless-like.oci.tar"
expect_exit "verify: private key given as the public key" 2 -- "${S[@]}" verify -q "${reg[@]}" --key "$WORK/cosign.key" "$R/app:1"
expect_exit "verify: plain HTTP refused without --insecure" 2 -- "${S[@]}" verify -q --key "$WORK/cosign.pub" "$R/app:1"

# --- a local OCI layout with the .sig manifest -----------------------------------------------------
skopeo copy -q --src-tls-verify=false --preserve-digests "docker://$R/app:1" "oci:$WORK/layout:app" 2>"$WORK/cp.err" &&
    skopeo copy -q --src-tls-verify=false "docker://$R/app:$(sigtag "$app_digest")" \
        "oci:$WORK/layout:$(sigtag "$app_digest")" 2>>"$WORK/cp.err" || fail verify_layout_copy "$(cat "$WORK/cp.err")"
expect_exit "verify: local OCI layout with its .sig manifest" 0 -- \
    "${S[@]}" verify -q --key "$WORK/cosign.pub" "oci:$WORK/layout:app"
expect_exit "verify: local OCI layout, a key that signed nothing" 1 -- \
    "${S[@]}" verify -q --key "$WORK/nobody.pub" "oci:$WORK/layout:app"
expect_exit "verify: a docker-archive carries no signatures" 2 -- \
    "${S[@]}" verify -q --key "$WORK/cosign.pub" "$FIX/debian12-app.docker.tar"

# --- the policy's signature rule over the registry -------------------------------------------------
cat >"$WORK/policy.yaml" <<EOF
version: 1
registries:
  allow: ["127.0.0.1:$port/**"]
signatures:
  - repositories: ["127.0.0.1:$port/app", "127.0.0.1:$port/unsigned"]
    keys: [cosign.pub, other.pub]
    require: all
EOF
out=$("${S[@]}" policy check "${reg[@]}" --policy "$WORK/policy.yaml" "$R/app:1" 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "PASS  signature .*key cosign.pub: verified; key other.pub: verified" <<<"$out" &&
    pass "policy: signature rule passes with both keys" || fail policy_sig_pass "exit $rc: $out"
out=$("${S[@]}" policy check "${reg[@]}" --policy "$WORK/policy.yaml" "$R/unsigned:1" "$R/other:1" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "FAIL  signature .*key cosign.pub: verified; key other.pub: signature 1: the signature does not verify with the key (some of 2 keys, all required)" <<<"$out" &&
    grep -q "PASS  signature        no signature rule applies to $R/other" <<<"$out" &&
    pass "policy: signature rule fails when a required key has no signature" || fail policy_sig_fail "exit $rc: $out"
