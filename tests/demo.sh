#!/usr/bin/env bash
# make demo: scan the shared app image when present, else a small image built here. With the
# shared advisory data, first build a vulnerability database from it, then also scan a small
# Debian 11 root filesystem with real historical package versions so findings show up.
set -euo pipefail
strata=$1
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared"
img="$shared/fixtures/images/debian12-app.docker.tar"
mkdir -p "$root/build"
if [ ! -f "$img" ]; then
    img="$root/build/demo-image.tar"
    echo "demo: ../shared is absent; building a small image from this machine's files: $img" >&2
    "$root/tests/make-demo-image.sh" "$img"
fi
vulndb="$shared/data/vulndb"
if [ ! -d "$vulndb" ]; then
    echo "\$ strata image $img" >&2
    exec "$strata" image "$img"
fi

db="$root/build/demo.db"
echo "\$ strata db build --output $db $vulndb/osv/*/all.zip $vulndb/alpine-secdb" >&2
"$strata" db build --output "$db" "$vulndb"/osv/*/all.zip "$vulndb/alpine-secdb" >&2
echo >&2
echo "\$ strata image --db $db $img" >&2
"$strata" image --db "$db" "$img"

# Real bullseye package versions from 2022, before several security updates.
fs="$root/build/demo-debian11"
rm -rf "$fs" && mkdir -p "$fs/etc" "$fs/var/lib/dpkg"
printf 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$fs/etc/os-release"
while read -r name version source; do
    printf 'Package: %s\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\n' "$name" "$version"
    [ "$source" = - ] || printf 'Source: %s\n' "$source"
    printf '\n'
done >"$fs/var/lib/dpkg/status" <<'EOF'
libssl1.1 1.1.1n-0+deb11u1 openssl
zlib1g 1:1.2.11.dfsg-2 zlib
libc6 2.31-13+deb11u2 glibc
curl 7.74.0-1.3+deb11u1 -
libcurl4 7.74.0-1.3+deb11u1 curl
libexpat1 2.2.10-2+deb11u1 expat
gzip 1.10-4 -
tar 1.34+dfsg-1 -
EOF
echo >&2
echo "\$ strata fs --db $db --severity UNKNOWN,HIGH,CRITICAL --exit-code 1 $fs" >&2
"$strata" fs --db "$db" --severity UNKNOWN,HIGH,CRITICAL --exit-code 1 "$fs" || {
    rc=$?
    [ "$rc" -eq 1 ] || exit "$rc"
    echo "(exit code 1: the gate found vulnerabilities, as it should for these old versions)" >&2
}
