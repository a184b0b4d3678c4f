#!/usr/bin/env bash
# Benchmark (not a test): pulling and scanning an image from a registry with strata, against
# `skopeo copy` of the same image from the same registry to a local directory, in the same run.
# Starts Debian's docker-registry (CNCF distribution) on a free 127.0.0.1 port, pushes the
# shared app image (debian12-app.docker.tar and the zstd OCI variant) with skopeo, then prints
# for each, best of 5:
#   skopeo_s  skopeo copy docker://… dir:… (download + digest checks, no decompression)
#   pull_s    strata image, everything cold ($XDG_CACHE_HOME emptied: no blob, and the secrets
#             engine's compiled hyperscan database too, ~0.2 s of CPU): download + full scan
#             (every analyzer, secrets, checks, JSON report)
#   pullw_s   the same with only the blob cache emptied: a pull by someone who has scanned
#             before (the compiled secrets database is kept)
#   cached_s  strata image again, layers from the blob cache: the scan alone
#   ratio     pull_s / skopeo_s, ratiow pullw_s / skopeo_s (target <= 1)
# Usage: bench/registry.sh [STRATA_BINARY]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata=${1:-$root/build/strata}
shared=${SHARED:-$root/../shared}
[ -x "$strata" ] || make -C "$root" build/strata >/dev/null
for t in docker-registry skopeo; do
    command -v "$t" >/dev/null || { echo "bench/registry.sh: $t is needed (apt install docker-registry skopeo)"; exit 1; }
done
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/data
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
reg="127.0.0.1:$port"
skopeo copy -q --dest-tls-verify=false "docker-archive:$shared/fixtures/images/debian12-app.docker.tar" "docker://$reg/app:gzip"
skopeo copy -q --dest-tls-verify=false "oci-archive:$shared/fixtures/images/debian12-app.oci-zstd.tar" "docker://$reg/app:zstd"

best() { # command... -> best wall seconds of BEST_OF (5) runs; $PREP runs before each
    local b="" t
    for _ in $(seq "${BEST_OF:-5}"); do
        eval "${PREP:-:}"
        /usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>&1
        t=$(tail -1 "$work/t")
        if [ -z "$b" ] || awk -v a="$t" -v c="$b" 'BEGIN{exit !(a<c)}'; then b=$t; fi
    done
    echo "$b"
}

printf '%-10s %9s %9s %9s %9s %7s %7s\n' image skopeo_s pull_s pullw_s cached_s ratio ratiow
for tag in gzip zstd; do
    sk=$(PREP='rm -rf "$work/dir"' best skopeo copy -q --src-tls-verify=false "docker://$reg/app:$tag" "dir:$work/dir")
    pull=$(PREP='rm -rf "$work/cache"' best env XDG_CACHE_HOME="$work/cache" "$strata" image -q --no-vulns --insecure -f json -o /dev/null "$reg/app:$tag")
    pullw=$(PREP='rm -rf "$work/cache/strata/blobs"' best env XDG_CACHE_HOME="$work/cache" "$strata" image -q --no-vulns --insecure -f json -o /dev/null "$reg/app:$tag")
    cached=$(best env XDG_CACHE_HOME="$work/cache" "$strata" image -q --no-vulns --insecure -f json -o /dev/null "$reg/app:$tag")
    printf '%-10s %9s %9s %9s %9s %7.2f %7.2f\n' "app:$tag" "$sk" "$pull" "$pullw" "$cached" \
        "$(awk -v a="$pull" -v b="$sk" 'BEGIN{print a/b}')" "$(awk -v a="$pullw" -v b="$sk" 'BEGIN{print a/b}')"
done
echo "(ratio = strata pull + full scan / skopeo copy to a directory; <= 1 meets the target)"
