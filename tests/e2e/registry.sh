# E2E: `strata image` from registries. A real one — Debian's docker-registry (CNCF
# distribution) on 127.0.0.1, images pushed with `skopeo copy` from the shared fixtures — over
# plain HTTP without auth (pull by tag and by digest, same packages as the archive, cache hit on
# the second pull with no blob GET in the registry's log, a multi-platform index and --platform,
# plain HTTP refused without --insecure, unknown tags), and over TLS with a test CA and htpasswd
# (CA refused without --ca-file, accepted with it or $SSL_CERT_FILE; 401 without and with wrong
# credentials, success with --password-stdin and with config.json auths). Then
# tests/e2e/fake_registry.py for what a real registry does not do on demand: 429/503 retried with
# Retry-After, garbage and non-HTTP answers, a slow answer against --timeout, corrupted and short
# blobs refused by digest (and not cached), the Bearer token flow, 403, and a redirect to
# storage on another host that must not receive the token.
. "$SRCROOT/tests/e2e/lib.inc"

if [ ! -x "$STRATA" ]; then
    fail registry "no strata binary at $STRATA"
    exit 0
fi
if ! command -v python3 >/dev/null; then
    skip registry "python3 is needed"
    exit 0
fi
if ! have_shared; then
    skip registry "no shared fixtures at $SHARED/fixtures/images"
    exit 0
fi

FIX="$SHARED/fixtures/images"
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/cache" DOCKER_CONFIG="$WORK/docker"
mkdir -p "$HOME" "$DOCKER_CONFIG"
unset SSL_CERT_FILE
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# names KIND_OR_PATH JSON: "type name version" lines of a report, sorted
names() { python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
print("\n".join(sorted("%s %s %s" % (p["type"], p["name"], p["version"]) for p in r["packages"])))' "$1"; }
field() { python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
v=r
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print(v)' "$1" "$2"; }

SCAN=(--no-vulns --no-secrets --no-checks -q -f json)

# The multi-platform layout (the distroless-like image as linux/amd64, a small arm64 one).
layout="$WORK/multi"
mkdir -p "$layout"
tar -C "$layout" -xf "$FIX/distroless-like.oci.tar"
multi_digest=$(python3 "$SRCROOT/tests/e2e/make_multiarch.py" "$layout")

# --- the real registry ---------------------------------------------------------------------
start_registry() { # NAME CONFIG URL [CURL_ARGS]: starts it, waits for /v2/
    local name=$1 cfg=$2 url=$3
    shift 3
    docker-registry serve "$cfg" >"$WORK/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s -o /dev/null "$@" "$url/v2/" && return 0
        sleep 0.1
    done
    return 1
}

if ! command -v docker-registry >/dev/null || ! command -v skopeo >/dev/null; then
    skip registry_real "docker-registry and skopeo are needed (apt install docker-registry skopeo)"
else
    P1=$(free_port)
    cat >"$WORK/plain.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $WORK/plain-data
http:
  addr: 127.0.0.1:$P1
EOF
    if ! start_registry plain "$WORK/plain.yml" "http://127.0.0.1:$P1"; then
        fail registry_start "docker-registry did not answer on 127.0.0.1:$P1: $(tail -3 "$WORK/plain.log")"
    else
        R="127.0.0.1:$P1"
        skopeo copy -q --dest-tls-verify=false "docker-archive:$FIX/debian12-app.docker.tar" \
            "docker://$R/app:1" 2>"$WORK/push.err" || fail registry_push "$(cat "$WORK/push.err")"
        skopeo copy -q --all --dest-tls-verify=false "oci:$layout:multi" "docker://$R/multi:1" \
            2>"$WORK/push2.err" || fail registry_push_multi "$(cat "$WORK/push2.err")"

        "$STRATA" image "${SCAN[@]}" -o "$WORK/archive.json" "$FIX/debian12-app.docker.tar"
        blob_gets() { grep -c "\"GET /v2/$1/blobs/.*\"strata/" "$WORK/plain.log"; }
        before=$(blob_gets app)
        if "$STRATA" image "${SCAN[@]}" --insecure -o "$WORK/tag.json" "$R/app:1" 2>"$WORK/err"; then
            n=$(names "$WORK/tag.json" | wc -l)
            if [ "$n" -gt 100 ] && [ "$(names "$WORK/tag.json")" = "$(names "$WORK/archive.json")" ]; then
                pass "registry pull by tag: same $n packages as the archive"
            else
                fail registry_pull_tag "packages differ from the archive scan ($n)"
            fi
            [ "$(field "$WORK/tag.json" target.kind)" = registry ] &&
                [ "$(field "$WORK/tag.json" target.name)" = "$R/app:1" ] &&
                pass "registry report names the reference" ||
                fail registry_target "target is $(field "$WORK/tag.json" target)"
        else
            fail registry_pull_tag "$(cat "$WORK/err")"
        fi
        first=$(($(blob_gets app) - before))
        [ "$first" -eq 5 ] && pass "registry first pull fetches config + 4 layers" ||
            fail registry_first_pull "$first blob GETs, want 5"
        ls "$XDG_CACHE_HOME/strata/blobs/sha256" | grep -q '^\.tmp' &&
            fail registry_cache_tmp "temporary files left in the cache"
        before=$(blob_gets app)
        "$STRATA" image "${SCAN[@]}" --insecure -o "$WORK/tag2.json" "$R/app:1" 2>"$WORK/err"
        again=$(($(blob_gets app) - before))
        [ "$again" -eq 0 ] && cmp -s "$WORK/tag.json" "$WORK/tag2.json" &&
            pass "registry second pull: cache hit, no blob GET, same report" ||
            fail registry_cache_hit "$again blob GETs on the second pull: $(cat "$WORK/err")"

        digest=$(field "$WORK/tag.json" target.digest)
        want=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$R/app:1" 2>/dev/null)
        [ -n "$want" ] && [ "$digest" = "$want" ] &&
            pass "registry report records the repo digest" ||
            fail registry_digest "report digest $digest, skopeo says $want"
        # by digest: the index of the multi-platform image, and one platform's manifest
        # (small images: the app is scanned three times already)
        if "$STRATA" image "${SCAN[@]}" --insecure --platform linux/arm64 -o "$WORK/dig.json" \
            "$R/multi@$multi_digest" 2>"$WORK/err" &&
            [ "$(names "$WORK/dig.json")" = "apk musl 1.2.4_git20230717-r4" ] &&
            [ "$(field "$WORK/dig.json" target.digest)" = "$multi_digest" ] &&
            [ "$(field "$WORK/dig.json" target.name)" = "$R/multi@$multi_digest" ]; then
            pass "registry pull of an index by digest"
        else
            fail registry_pull_digest "$(cat "$WORK/err")"
        fi
        amd_digest=$(skopeo inspect --raw --tls-verify=false "docker://$R/multi:1" |
            python3 -c 'import json,sys; print([m["digest"] for m in json.load(sys.stdin)["manifests"] if m["platform"]["architecture"]=="amd64"][0])')
        if "$STRATA" image "${SCAN[@]}" --insecure -o "$WORK/dig2.json" "$R/multi@$amd_digest" \
            2>"$WORK/err" && [ "$(field "$WORK/dig2.json" target.digest)" = "$amd_digest" ] &&
            [ "$(names "$WORK/dig2.json" | wc -l)" = 3 ]; then
            pass "registry pull of an image manifest by digest"
        else
            fail registry_pull_digest2 "$(cat "$WORK/err")"
        fi
        "$STRATA" image "${SCAN[@]}" --insecure -o /dev/null \
            "$R/app@sha256:0000000000000000000000000000000000000000000000000000000000000000" 2>"$WORK/err"
        rc=$?
        [ "$rc" -eq 2 ] && grep -q "$R/app@sha256:0000.*not found (HTTP 404" "$WORK/err" &&
            pass "registry unknown digest: exit 2 naming the reference" ||
            fail registry_unknown_digest "exit $rc: $(cat "$WORK/err")"
        expect_exit "registry unknown tag" 2 -- "$STRATA" image "${SCAN[@]}" --insecure "$R/app:nope"
        echo "$LAST_ERR" | grep -q "$R/app:nope: manifest nope: not found (HTTP 404" ||
            fail registry_unknown_tag_msg "$LAST_ERR"
        expect_exit "registry plain HTTP refused without --insecure" 2 -- \
            "$STRATA" image "${SCAN[@]}" "$R/app:1"
        echo "$LAST_ERR" | grep -q -- "--insecure" || fail registry_https_hint "$LAST_ERR"
        expect_exit "registry docker:// prefix" 0 -- \
            "$STRATA" image "${SCAN[@]}" --insecure "docker://$R/multi:1"

        # multi-platform index pushed with skopeo copy --all
        "$STRATA" image "${SCAN[@]}" --insecure --platform linux/arm64 -o "$WORK/arm.json" \
            "$R/multi:1" 2>"$WORK/err"
        [ "$(names "$WORK/arm.json")" = "apk musl 1.2.4_git20230717-r4" ] &&
            [ "$(field "$WORK/arm.json" os.family)" = alpine ] &&
            [ "$(field "$WORK/arm.json" target.digest)" = "$multi_digest" ] &&
            pass "registry --platform linux/arm64 from an index" ||
            fail registry_platform_arm64 "$(cat "$WORK/err") $(names "$WORK/arm.json")"
        "$STRATA" image "${SCAN[@]}" --insecure --platform linux/amd64 -o "$WORK/amd.json" \
            "$R/multi:1" 2>"$WORK/err"
        [ "$(names "$WORK/amd.json" | cut -d' ' -f2 | tr '\n' ' ')" = "libc6 libssl3 openssl " ] &&
            pass "registry --platform linux/amd64 from an index" ||
            fail registry_platform_amd64 "$(cat "$WORK/err")"
        expect_exit "registry --platform with no match" 2 -- \
            "$STRATA" image "${SCAN[@]}" --insecure --platform linux/s390x "$R/multi:1"
        echo "$LAST_ERR" | grep -q "no manifest for platform linux/s390x.*linux/amd64, linux/arm64/v8" ||
            fail registry_platform_list "$LAST_ERR"
        expect_exit "registry bad --platform" 2 -- \
            "$STRATA" image "${SCAN[@]}" --insecure --platform linux "$R/multi:1"
    fi

    # TLS with a test CA, htpasswd auth
    if ! command -v openssl >/dev/null || ! command -v htpasswd >/dev/null; then
        skip registry_tls "openssl and htpasswd (apache2-utils) are needed"
    else
        P2=$(free_port)
        T="$WORK/tls"
        mkdir -p "$T"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=strata test CA" -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
            -keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$T/ext"
        openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
            -days 2 -extfile "$T/ext" -out "$T/srv.pem" 2>/dev/null
        htpasswd -Bbn alice 's3cr3t:pw' >"$T/htpasswd" 2>/dev/null
        cat >"$WORK/tls.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $WORK/tls-data
auth:
  htpasswd:
    realm: strata-test
    path: $T/htpasswd
http:
  addr: 127.0.0.1:$P2
  tls:
    certificate: $T/srv.pem
    key: $T/srv.key
EOF
        if ! start_registry tls "$WORK/tls.yml" "https://127.0.0.1:$P2" --cacert "$T/ca.pem"; then
            fail registry_tls_start "$(tail -3 "$WORK/tls.log")"
        else
            R2="127.0.0.1:$P2"
            skopeo copy -q --dest-tls-verify=false --dest-creds 'alice:s3cr3t:pw' \
                "oci-archive:$FIX/distroless-like.oci.tar" "docker://$R2/dl:1" 2>"$WORK/push3.err" ||
                fail registry_tls_push "$(cat "$WORK/push3.err")"
            "$STRATA" image "${SCAN[@]}" -o "$WORK/dl-archive.json" "$FIX/distroless-like.oci.tar"
            expect_exit "registry TLS: unknown CA refused" 2 -- "$STRATA" image "${SCAN[@]}" "$R2/dl:1"
            echo "$LAST_ERR" | grep -q -- "--ca-file" || fail registry_tls_hint "$LAST_ERR"
            expect_exit "registry TLS + htpasswd: no credentials" 2 -- \
                "$STRATA" image "${SCAN[@]}" --ca-file "$T/ca.pem" "$R2/dl:1"
            echo "$LAST_ERR" | grep -q "^strata: $R2/dl:1: .*authentication required (HTTP 401" ||
                fail registry_401_msg "$LAST_ERR"
            LAST_ERR=$(echo wrong | "$STRATA" image "${SCAN[@]}" --ca-file "$T/ca.pem" \
                --username alice --password-stdin "$R2/dl:1" 2>&1 >/dev/null)
            rc=$?
            [ "$rc" -eq 2 ] && echo "$LAST_ERR" | grep -q "$R2/dl:1: .*authentication failed (HTTP 401.*--username" &&
                pass "registry TLS + htpasswd: wrong password refused, naming the reference" ||
                fail registry_wrong_password "exit $rc: $LAST_ERR"
            if echo 's3cr3t:pw' | "$STRATA" image "${SCAN[@]}" --ca-file "$T/ca.pem" --username alice \
                --password-stdin -o "$WORK/dl.json" "$R2/dl:1" 2>"$WORK/err" &&
                [ "$(names "$WORK/dl.json")" = "$(names "$WORK/dl-archive.json")" ]; then
                pass "registry TLS + htpasswd: --password-stdin"
            else
                fail registry_password_stdin "$(cat "$WORK/err")"
            fi
            printf '{"auths":{"%s":{"auth":"%s"}}}' "$R2" "$(printf 'alice:s3cr3t:pw' | base64)" \
                >"$DOCKER_CONFIG/config.json"
            SSL_CERT_FILE="$T/ca.pem" "$STRATA" image "${SCAN[@]}" -o "$WORK/dl2.json" "$R2/dl:1" \
                2>"$WORK/err" && [ "$(names "$WORK/dl2.json")" = "$(names "$WORK/dl-archive.json")" ] &&
                pass "registry TLS: config.json auths and \$SSL_CERT_FILE" ||
                fail registry_docker_config "$(cat "$WORK/err")"
            rm -f "$DOCKER_CONFIG/config.json"
        fi
    fi
fi

# --- the fake registry ---------------------------------------------------------------------
python3 "$SRCROOT/tests/e2e/fake_registry.py" --layout "$layout" --port-file "$WORK/fake.port" \
    --user 'bob:hunter2' &
pids+=($!)
for _ in $(seq 100); do [ -s "$WORK/fake.port" ] && break; sleep 0.1; done
if [ ! -s "$WORK/fake.port" ]; then
    fail registry_fake "fake registry did not start"
    exit 0
fi
F="127.0.0.1:$(cat "$WORK/fake.port")"
stats() { curl -s "http://$F/_stats"; }
"$STRATA" image "${SCAN[@]}" -o "$WORK/dl-archive.json" "$FIX/distroless-like.oci.tar"

expect_exit "fake registry: plain pull" 0 -- "$STRATA" image "${SCAN[@]}" --insecure "$F/ok/x:latest"

start=$(date +%s%N)
"$STRATA" image "${SCAN[@]}" --insecure -o "$WORK/flaky.json" "$F/flaky/x:latest" 2>"$WORK/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
tries=$(stats | python3 -c 'import json,sys; print(json.load(sys.stdin).get("/v2/flaky/x/manifests/latest"))')
[ "$rc" -eq 0 ] && [ "$tries" = 3 ] && [ "$ms" -ge 1000 ] &&
    [ "$(names "$WORK/flaky.json")" = "$(names "$WORK/dl-archive.json")" ] &&
    pass "fake registry: 429 (Retry-After: 1) and 503 retried (${ms} ms)" ||
    fail registry_retries "exit $rc, $tries manifest attempts, $ms ms: $(cat "$WORK/err")"

expect_exit "fake registry: garbage manifest" 2 -- "$STRATA" image "${SCAN[@]}" --insecure "$F/garbage/x:latest"
echo "$LAST_ERR" | grep -q "$F/garbage/x:latest: manifest sha256:.*invalid JSON" ||
    fail registry_garbage_msg "$LAST_ERR"
expect_exit "fake registry: not HTTP at all" 2 -- "$STRATA" image "${SCAN[@]}" --insecure "$F/nothttp/x:latest"
echo "$LAST_ERR" | grep -q "$F/nothttp/x:latest" || fail registry_nothttp_msg "$LAST_ERR"

start=$(date +%s)
expect_exit "fake registry: slow answer ends at --timeout" 2 -- \
    "$STRATA" image "${SCAN[@]}" --insecure --timeout 2 "$F/slow/x:latest"
took=$(($(date +%s) - start))
[ "$took" -le 4 ] && echo "$LAST_ERR" | grep -q "within the 2 s timeout (--timeout)" &&
    pass "fake registry: timeout message within ${took} s" ||
    fail registry_timeout "took $took s: $LAST_ERR"

cachedir="$XDG_CACHE_HOME/strata/blobs/sha256"
rm -rf "$XDG_CACHE_HOME/strata/blobs"
expect_exit "fake registry: corrupted blob refused" 2 -- \
    "$STRATA" image "${SCAN[@]}" --insecure "$F/corrupt/x:latest"
echo "$LAST_ERR" | grep -q "$F/corrupt/x:latest: blob sha256:.*does not match its digest" ||
    fail registry_corrupt_msg "$LAST_ERR"
layer=$(python3 -c 'import json,sys
idx=json.load(open(sys.argv[1]+"/index.json"))
d=[m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]=="latest"][0]["digest"]
m=json.load(open(sys.argv[1]+"/blobs/sha256/"+d[7:]))
print(m["layers"][0]["digest"][7:])' "$layout")
if [ -e "$cachedir/$layer" ] || ls -A "$cachedir" 2>/dev/null | grep -q '^\.tmp'; then
    fail registry_corrupt_cached "the refused blob (or a temporary file) is in the cache"
else
    pass "fake registry: a refused blob is not cached"
fi
expect_exit "fake registry: short blob refused" 2 -- "$STRATA" image "${SCAN[@]}" --insecure "$F/short/x:latest"
echo "$LAST_ERR" | grep -q "bytes received, the manifest says" || fail registry_short_msg "$LAST_ERR"

expect_exit "fake registry: Bearer without credentials" 2 -- \
    "$STRATA" image "${SCAN[@]}" --insecure "$F/bearer/x:latest"
echo "$LAST_ERR" | grep -q "$F/bearer/x:latest: .*token server .* refused anonymous access" ||
    fail registry_bearer_anon_msg "$LAST_ERR"
rm -rf "$XDG_CACHE_HOME/strata/blobs"
if echo hunter2 | "$STRATA" image "${SCAN[@]}" --insecure --username bob --password-stdin \
    -o "$WORK/bearer.json" "$F/bearer/x:latest" 2>"$WORK/err" &&
    [ "$(names "$WORK/bearer.json")" = "$(names "$WORK/dl-archive.json")" ]; then
    pass "fake registry: Bearer token flow (access_token, Basic to the realm)"
else
    fail registry_bearer "$(cat "$WORK/err")"
fi
rm -rf "$XDG_CACHE_HOME/strata/blobs"
if echo hunter2 | "$STRATA" image "${SCAN[@]}" --insecure --username bob --password-stdin \
    -o "$WORK/redirect.json" "$F/redirect/x:latest" 2>"$WORK/err" &&
    [ "$(names "$WORK/redirect.json")" = "$(names "$WORK/dl-archive.json")" ]; then
    pass "fake registry: blobs redirected to storage on another host, token not forwarded"
else
    fail registry_redirect "$(cat "$WORK/err")"
fi
expect_exit "fake registry: 403" 2 -- "$STRATA" image "${SCAN[@]}" --insecure "$F/forbidden/x:latest"
echo "$LAST_ERR" | grep -q "$F/forbidden/x:latest: manifest latest: access denied (HTTP 403, DENIED" ||
    fail registry_403_msg "$LAST_ERR"
expect_exit "fake registry: --platform on the index" 0 -- \
    "$STRATA" image "${SCAN[@]}" --insecure --platform linux/arm64/v8 "$F/ok/x:multi"
exit 0
