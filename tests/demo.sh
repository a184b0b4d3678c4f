#!/usr/bin/env bash
# make demo: scan the shared app image when present, else a small image built here.
set -euo pipefail
strata=$1
root=$(cd "$(dirname "$0")/.." && pwd)
img="$root/../shared/fixtures/images/debian12-app.docker.tar"
if [ ! -f "$img" ]; then
    mkdir -p "$root/build"
    img="$root/build/demo-image.tar"
    echo "demo: ../shared is absent; building a small image from this machine's files: $img" >&2
    "$root/tests/make-demo-image.sh" "$img"
fi
echo "\$ strata image $img" >&2
"$strata" image "$img"
