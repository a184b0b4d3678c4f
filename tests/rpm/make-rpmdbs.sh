#!/usr/bin/env bash
# Builds real rpm databases for the rpm inventory tests.
#
# Usage: make-rpmdbs.sh OUT
#
# rpmbuild makes four small packages (one with an epoch, one with many files in several
# directories so that its header is larger than a Berkeley DB page, a noarch one, one without
# files), Debian's rpm installs them (--justdb) into OUT/sqlite and, when gpg is installed,
# imports a throwaway key (a gpg-pubkey pseudo-package); the same real header blobs are then
# written in the two other formats:
#   OUT/sqlite/var/lib/rpm/rpmdb.sqlite   written by rpm itself (Debian's rpm 4.18 default backend)
#   OUT/bdb/var/lib/rpm/Packages          Berkeley DB hash, little-endian, 4096-byte pages,
#                                         written by db_load; read back with rpm's bdb_ro backend
#   OUT/bdb-be/var/lib/rpm/Packages       the same, big-endian, 512-byte pages (long overflow chains)
#   OUT/bdb-many/var/lib/rpm/Packages     200 copies of every header (hundreds of buckets); rpm
#                                         -qa lists each copy, and so must we
#   OUT/ndb/var/lib/rpm/Packages.db       rpm's ndb format. Debian's rpm is built without ndb, so
#                                         this file is written by the small writer below, which
#                                         follows rpm's lib/backend/ndb/rpmpkg.c layout; there
#                                         is no rpm on Debian to read it back.
#   OUT/layer0/…                          an rpmdb.sqlite holding only "hello" (for layer tests)
#   OUT/rpms/                             the built packages
# and for each backend OUT/<backend>.expected: what `rpm -qa` prints for that database, one
# line per package, tab-separated: name, [epoch:]version-release, arch, sourcerpm, license,
# sorted. (The ndb file gets the sqlite oracle: the headers are byte-identical.)
set -euo pipefail

out=${1:?usage: make-rpmdbs.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/.build"
rm -rf "$work" "$out"/sqlite "$out"/ndb "$out"/bdb "$out"/bdb-be "$out"/bdb-many "$out"/layer0 \
    "$out"/rpms "$out"/headers
mkdir -p "$work/specs" "$out/rpms"

for t in rpm rpmbuild db_load python3; do
    command -v "$t" >/dev/null || { echo "make-rpmdbs.sh: $t is not installed (make deps)" >&2; exit 2; }
done

# Debian's rpm warns on every call that it is not the system package manager, and bdb_ro on
# each index file we do not write: keep stderr aside and show it only when rpm fails.
rpmq() {
    if ! rpm "$@" 2>"$work/rpm.err"; then
        cat "$work/rpm.err" >&2
        return 1
    fi
}

cat >"$work/specs/hello.spec" <<'SPEC'
Name: hello
Version: 1.0
Release: 1
Summary: prints hello
License: MIT
%description
A test package.
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\necho hello\n' > %{buildroot}/usr/bin/hello
%files
/usr/bin/hello
SPEC

cat >"$work/specs/multi.spec" <<'SPEC'
Name: multi
Epoch: 2
Version: 3.4.5
Release: 7.el9
Summary: several files in several directories
License: GPL-2.0-or-later AND BSD-3-Clause
%description
A test package with an epoch and many files.
%install
mkdir -p %{buildroot}/usr/lib/multi/plugins %{buildroot}/etc/multi %{buildroot}/usr/share/doc/multi
printf 'x\n' > %{buildroot}/etc/multi/multi.conf
printf 'y\n' > %{buildroot}/usr/share/doc/multi/README
for i in $(seq 1 120); do printf '%s\n' "$i" > %{buildroot}/usr/lib/multi/plugins/plugin-number-$i.so; done
%files
%dir /usr/lib/multi
%dir /usr/lib/multi/plugins
/usr/lib/multi/plugins/*
%config /etc/multi/multi.conf
%dir /etc/multi
/usr/share/doc/multi/README
SPEC

cat >"$work/specs/noarch-data.spec" <<'SPEC'
Name: noarch-data
Version: 2024.1
Release: 3
Summary: architecture-independent data
License: CC0-1.0
BuildArch: noarch
%description
A noarch test package.
%install
mkdir -p %{buildroot}/usr/share/noarch-data
printf 'data\n' > %{buildroot}/usr/share/noarch-data/table.txt
%files
/usr/share/noarch-data
SPEC

cat >"$work/specs/tiny.spec" <<'SPEC'
Name: tiny
Version: 0.1~rc1
Release: 0.1
Summary: a package without files
License: Apache-2.0
%description
Owns no files.
%files
SPEC

for s in "$work"/specs/*.spec; do
    rpmbuild --quiet --define "_topdir $work/top" --define '_build_id_links none' \
        -bb "$s" >"$work/rpmbuild.log" 2>&1 || { cat "$work/rpmbuild.log" >&2; exit 1; }
done
find "$work/top/RPMS" -name '*.rpm' -exec cp {} "$out/rpms/" \;

qf='%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'
# rpm prints EPOCHNUM 0 for packages without an epoch; the expected files use rpm's
# "[epoch:]version-release" spelling, with the epoch only when it is not 0.
expected() { # ROOT BACKEND
    rpmq --root "$1" --dbpath /var/lib/rpm --define "_db_backend $2" -qa --qf "$qf" |
        sed 's/\t0:/\t/' | LC_ALL=C sort
}

install_into() { # ROOT RPM...
    local root=$1
    shift
    mkdir -p "$root/var/lib/rpm"
    rpmq --root "$root" --dbpath /var/lib/rpm --define '_db_backend sqlite' \
        -i --justdb --nodeps --noscripts --notriggers --ignorearch --ignoreos "$@" >/dev/null
}

install_into "$out/layer0" "$out"/rpms/hello-*.rpm
install_into "$out/sqlite" "$out"/rpms/*.rpm
want=4
# `rpm --import` adds a gpg-pubkey pseudo-package (no arch, no source rpm) that `rpm -qa`
# lists like any other: import a throwaway key when gpg is there.
if command -v gpg >/dev/null; then
    mkdir -m 700 "$work/gnupg"
    GNUPGHOME="$work/gnupg" gpg --batch --quiet --passphrase '' \
        --quick-gen-key 'strata rpm test <rpm-test@example.invalid>' ed25519 sign never 2>/dev/null
    GNUPGHOME="$work/gnupg" gpg --batch --armor --export rpm-test@example.invalid >"$work/key.asc"
    rpmq --root "$out/sqlite" --dbpath /var/lib/rpm --define '_db_backend sqlite' --import "$work/key.asc"
    want=5
fi
expected "$out/layer0" sqlite >"$out/layer0.expected"
expected "$out/sqlite" sqlite >"$out/sqlite.expected"
[ "$(wc -l <"$out/sqlite.expected")" -eq "$want" ] || { echo "make-rpmdbs.sh: rpm -qa lists $(wc -l <"$out/sqlite.expected") packages, want $want" >&2; exit 1; }

# Header blobs as rpm stored them, in hnum order.
mkdir -p "$work/blobs"
python3 - "$out/sqlite/var/lib/rpm/rpmdb.sqlite" "$work/blobs" <<'PY'
import sqlite3, sys, os
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for hnum, blob in db.execute("SELECT hnum, blob FROM Packages ORDER BY hnum"):
    with open(os.path.join(sys.argv[2], "%08d.hdr" % hnum), "wb") as f:
        f.write(blob)
PY

# Berkeley DB hash: key = header number as a 4-byte integer in the writer's byte order, value =
# header blob; plus rpm's record 0, which holds the next free header number.
make_bdb() { # DIR LORDER PAGESIZE [COPIES]
    local dir=$1 lorder=$2 pagesize=$3 copies=${4:-1}
    mkdir -p "$dir/var/lib/rpm"
    python3 - "$work/blobs" "$lorder" "$copies" >"$work/bdb.dump" <<'PY'
import os, struct, sys
d, lorder, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
fmt = "<I" if lorder == "1234" else ">I"
print("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END")
blobs = [open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))]
hnum = 0
for c in range(copies):
    for b in blobs:
        hnum += 1
        print(" " + struct.pack(fmt, hnum).hex())
        print(" " + b.hex())
print(" " + struct.pack(fmt, 0).hex())
print(" " + struct.pack(fmt, hnum + 1).hex())
print("DATA=END")
PY
    db_load -c db_lorder="$lorder" -c db_pagesize="$pagesize" -f "$work/bdb.dump" \
        "$dir/var/lib/rpm/Packages"
}
make_bdb "$out/bdb" 1234 4096
make_bdb "$out/bdb-be" 4321 512
# Many records: the hash table splits into hundreds of buckets (spares[] mapping, chains).
make_bdb "$out/bdb-many" 1234 1024 200
expected "$out/bdb" bdb_ro >"$out/bdb.expected"
expected "$out/bdb-be" bdb_ro >"$out/bdb-be.expected"
expected "$out/bdb-many" bdb_ro >"$out/bdb-many.expected"

# ndb: one 4096-byte slot page (file header in its first 32 bytes, then 16-byte slots), then
# each blob in 16-byte blocks: head (BlbS, pkgidx, timestamp, length), the header, zero padding,
# tail (adler32 of head+header+padding, length, BlbE). All integers little-endian.
mkdir -p "$out/ndb/var/lib/rpm"
python3 - "$work/blobs" "$out/ndb/var/lib/rpm/Packages.db" <<'PY'
import os, struct, sys, zlib
d, dst = sys.argv[1], sys.argv[2]
blobs = [open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))]
PAGE, BLK = 4096, 16
slotnpages = 1
page = bytearray(PAGE)
data = bytearray()
blkoff = slotnpages * PAGE // BLK
slots = []
for i, b in enumerate(blobs, start=1):
    head = struct.pack("<4I", int.from_bytes(b"BlbS", "little"), i, 1735689600, len(b))
    total = 16 + len(b) + 12
    blkcnt = (total + BLK - 1) // BLK
    pad = bytes(blkcnt * BLK - total)
    adl = zlib.adler32(head + b + pad)
    tail = struct.pack("<3I", adl, len(b), int.from_bytes(b"BlbE", "little"))
    data += head + b + pad + tail
    slots.append((i, blkoff, blkcnt))
    blkoff += blkcnt
struct.pack_into("<5I", page, 0, int.from_bytes(b"RpmP", "little"), 0, len(blobs) + 1, slotnpages, len(blobs) + 1)
for n in range((PAGE - 32) // 16):
    o = 32 + n * 16
    pkgidx, off, cnt = slots[n] if n < len(slots) else (0, 0, 0)
    struct.pack_into("<4I", page, o, int.from_bytes(b"Slot", "little"), pkgidx, off, cnt)
open(dst, "wb").write(bytes(page) + bytes(data))
PY
cp "$out/sqlite.expected" "$out/ndb.expected"

for b in bdb bdb-be; do
    if ! cmp -s "$out/sqlite.expected" "$out/$b.expected"; then
        echo "make-rpmdbs.sh: rpm reads $b differently from sqlite:" >&2
        diff "$out/sqlite.expected" "$out/$b.expected" >&2 || true
        exit 1
    fi
done
# Owned files per package, as rpm lists them (absolute paths), for tests of the file lists.
rpmq --root "$out/sqlite" --dbpath /var/lib/rpm -qa --qf '[%{=NAME}\t%{FILENAMES}\n]' |
    LC_ALL=C sort >"$out/files.expected"
# rpm checkpoints the WAL when it closes the database (the -wal file is empty); drop the side
# files so that each root holds exactly one database file.
find "$out" \( -name 'rpmdb.sqlite-wal' -o -name 'rpmdb.sqlite-shm' -o -name '.rpm.lock' \) -delete
mkdir -p "$out/headers"
cp "$work"/blobs/*.hdr "$out/headers/"
rm -rf "$work"
echo "make-rpmdbs.sh: wrote sqlite ndb bdb bdb-be bdb-many layer0 under $out"
