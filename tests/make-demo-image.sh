#!/usr/bin/env bash
# Builds a small two-layer docker-archive from this machine's own files (os-release and a
# slice of the dpkg database), for `make demo` when ../shared is absent and for tests that
# must mean something outside this workspace. Usage: make-demo-image.sh OUT.tar
set -euo pipefail
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/l0/etc" "$tmp/l0/usr/lib" "$tmp/l0/var/lib/dpkg" "$tmp/l1/var/lib/dpkg" "$tmp/l1/app" "$tmp/img"
if [ -f /usr/lib/os-release ]; then cp /usr/lib/os-release "$tmp/l0/usr/lib/os-release"
else printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$tmp/l0/usr/lib/os-release"; fi
ln -s ../usr/lib/os-release "$tmp/l0/etc/os-release"
status=/var/lib/dpkg/status
# Layer 0: the first 12 installed stanzas; layer 1: 5 more on top (a later "apt-get install").
awk -v RS= -v ORS='\n\n' '/Status: install ok installed/ {n++; if (n <= 12) print}' "$status" >"$tmp/l0/var/lib/dpkg/status"
awk -v RS= -v ORS='\n\n' '/Status: install ok installed/ {n++; if (n <= 17) print}' "$status" >"$tmp/l1/var/lib/dpkg/status"
echo 'console.log("hi")' >"$tmp/l1/app/server.js"
digests=()
for l in l0 l1; do
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1735689600 -C "$tmp/$l" -cf "$tmp/$l.tar" .
    d=$(sha256sum "$tmp/$l.tar" | cut -d' ' -f1)
    digests+=("$d")
    gzip -n -c "$tmp/$l.tar" >"$tmp/img/$d.tar" # compressed, named .tar like skopeo/docker do
done
cat >"$tmp/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:${digests[0]}","sha256:${digests[1]}"]},
 "history":[{"created_by":"ADD rootfs.tar /"},{"created_by":"RUN apt-get install demo","comment":"demo"}]}
JSON
cfg=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
cp "$tmp/config.json" "$tmp/img/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["strata-demo:latest"],"Layers":["%s.tar","%s.tar"]}]\n' \
    "$cfg" "${digests[0]}" "${digests[1]}" >"$tmp/img/manifest.json"
tar --owner=0 --group=0 --numeric-owner -C "$tmp/img" -cf "$out" .
