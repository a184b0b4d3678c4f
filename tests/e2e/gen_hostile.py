#!/usr/bin/python3
"""Writes small hostile (and a few valid but tricky) image archives into OUTDIR and a
cases.json describing, for each, the arguments, the expected exit code and a regex the
stderr must match. Each hostile archive is valid except for the one defect it is about.
Stdlib only, plus the zstd command for zstd layers.
Usage: gen_hostile.py OUTDIR"""
import gzip
import hashlib
import io
import json
import lzma
import os
import subprocess
import sys
import tarfile
import zlib

OUT = sys.argv[1]
CASES = []


def sha(b):
    return hashlib.sha256(b).hexdigest()


def tar_bytes(entries, fmt=tarfile.PAX_FORMAT):
    """entries: (name, kind, payload) with kind f(file) d(dir) l(symlink) h(hardlink)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1735689600
            if kind == "f":
                data = payload if isinstance(payload, bytes) else payload.encode()
                ti.size = len(data)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(data))
                continue
            if kind == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif kind == "l":
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, payload, 0o777
            elif kind == "h":
                ti.type, ti.linkname, ti.mode = tarfile.LNKTYPE, payload, 0o644
            t.addfile(ti)
    return buf.getvalue()


def gz(b):
    return gzip.compress(b, mtime=0)


def zstd(b):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=b, stdout=subprocess.PIPE, check=True).stdout


OS_RELEASE = ("usr/lib/os-release", "f", 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')


def status(*names, path="var/lib/dpkg/status"):
    return (path, "f", "".join("Package: %s\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n" % n
                               for n in names))


STATUS = status("a")
DPKG_DIRS = [("var", "d", None), ("var/lib", "d", None), ("var/lib/dpkg", "d", None)]


def config_for(diff_ids):
    return json.dumps({"architecture": "amd64", "os": "linux",
                       "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
                       "history": [{"created_by": "layer %d" % i} for i in range(len(diff_ids))]}).encode()


def docker_archive(name, layers, diff_ids=None, config=None, manifest=None, extra=None, truncate=None):
    """layers: list of (uncompressed tar bytes, stored bytes)."""
    diff_ids = diff_ids or [sha(u) for u, _ in layers]
    cfg = config if config is not None else config_for(diff_ids)
    members = {}
    names = []
    for i, (u, stored) in enumerate(layers):
        n = "%s.tar" % diff_ids[i] if len(diff_ids[i]) == 64 else "layer%d.tar" % i
        members[n] = stored
        names.append(n)
    cname = sha(cfg) + ".json"
    members[cname] = cfg
    man = manifest if manifest is not None else json.dumps(
        [{"Config": cname, "RepoTags": ["hostile/%s:1" % name.split(".")[0].lower()], "Layers": names}]).encode()
    members["manifest.json"] = man
    for k, v in (extra or {}).items():
        members[k] = v
    raw = tar_bytes([(k, "f", v) for k, v in members.items()], fmt=tarfile.USTAR_FORMAT)
    if truncate:
        raw = raw[:truncate(raw)]
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(raw)
    return name


def plain_layer(entries):
    u = tar_bytes(entries)
    return (u, u)


def gz_layer(entries):
    u = tar_bytes(entries)
    return (u, gz(u))


def case(name, args, code, regex, os_id=None, packages=None):
    """regex is matched against stderr after 'strata: ' (anchored there, so it starts with the
    archive name). For exit 0, os_id/packages are checked in the --format json report:
    os.family and the sorted list of package names."""
    c = {"name": name, "args": args, "exit": code, "stderr": regex}
    if os_id is not None:
        c["os"] = os_id
    if packages is not None:
        c["packages"] = sorted(packages)
    CASES.append(c)


def oci_layout(dirname, manifests, blobs, as_tar=True, renamed=None, descs=None):
    """manifests: list of (manifest dict, descriptor extras: platform, annotations, size...);
    renamed: blobs stored under a name that is not their digest; descs: raw index entries."""
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}'}
    for b in blobs:
        files["blobs/sha256/" + sha(b)] = b
    for name, b in (renamed or {}).items():
        files["blobs/sha256/" + name] = b
    descs = list(descs or [])
    for m, extra in manifests:
        mb = json.dumps(m).encode()
        files["blobs/sha256/" + sha(mb)] = mb
        d = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + sha(mb), "size": len(mb)}
        d.update(extra)
        descs.append(d)
    files["index.json"] = json.dumps({"schemaVersion": 2, "manifests": descs}).encode()
    if as_tar:
        raw = tar_bytes([(k, "f", v) for k, v in files.items()], fmt=tarfile.USTAR_FORMAT)
        with open(os.path.join(OUT, dirname), "wb") as f:
            f.write(raw)
    else:
        for k, v in files.items():
            p = os.path.join(OUT, dirname, k)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(v)
    return dirname


def oci_manifest(layer_stored, layer_uncompressed, media="application/vnd.oci.image.layer.v1.tar+gzip",
                 layer_digest=None, layer_size=None):
    cfg = config_for([sha(u) for u in layer_uncompressed])
    m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + sha(cfg), "size": len(cfg)},
         "layers": [{"mediaType": media, "digest": layer_digest or "sha256:" + sha(s),
                     "size": layer_size if layer_size is not None else len(s)} for s in layer_stored]}
    return m, [cfg] + list(layer_stored)


def write_tar(name, entries):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(tar_bytes(entries, fmt=tarfile.USTAR_FORMAT))
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    # Paths that hostile entries aim at, outside OUTDIR (next to the scratch dir, unique per
    # run): the test checks that none of them exists afterwards.
    outer = os.path.dirname(os.path.dirname(os.path.abspath(OUT)))
    tag = "%d-%s" % (os.getpid(), os.urandom(4).hex())
    markers = [os.path.join(outer, "strata-escape-%s-%s" % (k, tag)) for k in ("dotdot", "abs", "symdir", "hardlink")]
    base = [("usr", "d", None), ("usr/lib", "d", None), OS_RELEASE, ("etc", "d", None),
            ("etc/os-release", "l", "../usr/lib/os-release")]

    # --- hostile layer contents (docker-archive, gzip layers named .tar) ---
    rel = os.path.relpath(markers[0], "/")
    case("traversal", [docker_archive("traversal.tar", [gz_layer(base + [("../" * 12 + rel, "f", "x")])])],
         2, r"traversal\.tar: layer 0 \([0-9a-f]{64}\.tar\): (\.\./)+.*strata-escape-dotdot-[-0-9a-f]+: path climbs out of the root with '\.\.'")
    case("absolute-path", [docker_archive("absolute.tar", [gz_layer(base + [("/etc/passwd", "f", "root::0:0")])])],
         2, r"absolute\.tar: layer 0 \([0-9a-f]{64}\.tar\): /etc/passwd: absolute path")
    case("absolute-path-marker", [docker_archive("absolute2.tar", [gz_layer(base + [(markers[1], "f", "x")])])],
         2, r"absolute2\.tar: layer 0 .*strata-escape-abs-[-0-9a-f]+: absolute path")
    case("through-symlink", [docker_archive("symparent.tar", [gz_layer([("evil", "l", "/etc"), ("evil/passwd", "f", "x")])])],
         2, r"symparent\.tar: layer 0 \([0-9a-f]{64}\.tar\): evil/passwd: entry goes through symlink 'evil'")
    case("through-symlink-marker", [docker_archive("symparent2.tar", [gz_layer([("evil", "l", outer),
                                                                                ("evil/" + os.path.basename(markers[2]), "f", "x")])])],
         2, r"symparent2\.tar: layer 0 .*evil/strata-escape-symdir-[-0-9a-f]+: entry goes through symlink 'evil'")
    case("hardlink-escape", [docker_archive("hlescape.tar", [gz_layer([("h", "h", "../../etc/shadow")])])],
         2, r"hlescape\.tar: layer 0 \([0-9a-f]{64}\.tar\): h: hard link to '\.\./\.\./etc/shadow' outside")
    case("hardlink-escape-marker", [docker_archive("hlescape2.tar", [gz_layer([("h", "h", "../" * 12 + os.path.relpath(markers[3], "/"))])])],
         2, r"hlescape2\.tar: layer 0 .*h: hard link to '.*strata-escape-hardlink-[-0-9a-f]+' outside")
    case("hardlink-missing", [docker_archive("hlmissing.tar", [gz_layer([("h", "h", "nothere")])])],
         2, r"hlmissing\.tar: layer 0 \([0-9a-f]{64}\.tar\): h: hard link to 'nothere', which is not an earlier file")
    case("hardlink-to-later", [docker_archive("hllater.tar", [gz_layer([("h", "h", "f"), ("f", "f", "x")])])],
         2, r"hllater\.tar: layer 0 .*h: hard link to 'f', which is not an earlier file")
    case("symlink-loop-os-release", [docker_archive("loop.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "l", "os-release2"),
                                                                          ("etc/os-release2", "l", "/etc/os-release")])])],
         2, r"loop\.tar: os analyzer: etc/os-release: too many levels of symbolic links")
    case("symlink-loop-relative", [docker_archive("loop-rel.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "l", "os-release2"),
                                                                            ("etc/os-release2", "l", "os-release")])])],
         2, r"loop-rel\.tar: os analyzer: etc/os-release: too many levels of symbolic links")
    case("symlink-loop-directory", [docker_archive("loop-dir.tar", [gz_layer([("usr", "l", "usr2"), ("usr2", "l", "usr"),
                                                                              ("etc", "d", None), ("etc/os-release", "l", "../usr/lib/os-release")])])],
         2, r"loop-dir\.tar: os analyzer: etc/os-release: too many levels of symbolic links")
    case("symlink-loop-across-layers", [docker_archive("loop-layers.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "l", "/x/os-release")]),
                                                                           gz_layer([("x", "l", "etc")])])],
         2, r"loop-layers\.tar: os analyzer: etc/os-release: too many levels of symbolic links")
    case("symlink-loop-apk", [docker_archive("loop-apk.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "f", "ID=alpine\nVERSION_ID=3.19.0\n"),
                                                                        ("lib", "d", None), ("lib/apk", "d", None), ("lib/apk/db", "d", None),
                                                                        ("lib/apk/db/installed", "l", "installed")])])],
         2, r"loop-apk\.tar: apk analyzer: lib/apk/db/installed: too many levels of symbolic links")
    # The dpkg analyzer does not follow symlinks: today a looping status is silently ignored
    # (0 packages, exit 0) while the os and apk analyzers refuse a loop. Expect the same.
    case("symlink-loop-dpkg", [docker_archive("loop-dpkg.tar", [gz_layer(base + DPKG_DIRS + [("var/lib/dpkg/status", "l", "status")])])],
         2, r"loop-dpkg\.tar: .*var/lib/dpkg/status: too many levels of symbolic links")
    case("duplicate-entry", [docker_archive("dup.tar", [gz_layer(base + [("app", "f", "one"), ("app", "f", "two")])])],
         2, r"dup\.tar: layer 0 \([0-9a-f]{64}\.tar\): app: duplicate entry")
    case("duplicate-entry-dotslash", [docker_archive("dup2.tar", [gz_layer(base + [("app", "f", "one"), ("./app", "f", "two")])])],
         2, r"dup2\.tar: layer 0 .*app: duplicate entry")
    case("duplicate-file-then-dir", [docker_archive("dup3.tar", [gz_layer(base + [("app", "f", "one"), ("app", "d", None)])])],
         2, r"dup3\.tar: layer 0 .*app: duplicate entry")
    pax = io.BytesIO()
    with tarfile.open(fileobj=pax, mode="w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("benign")
        ti.pax_headers = {"path": "../../" + rel}
        ti.size = 1
        t.addfile(ti, io.BytesIO(b"x"))
    case("pax-path-traversal", [docker_archive("paxpath.tar", [(pax.getvalue(), gz(pax.getvalue()))])],
         2, r"paxpath\.tar: layer 0 .*: path climbs out of the root with '\.\.'")
    case("malformed-whiteout", [docker_archive("whdotdot.tar", [gz_layer(base), gz_layer([("etc", "d", None), ("etc/.wh..", "f", "")])])],
         2, r"whdotdot\.tar: layer 1 \([0-9a-f]{64}\.tar\): etc/\.wh\.\.: malformed whiteout")
    big = tar_bytes(base + [("blob", "f", os.urandom(200000))])
    g = gz(big)
    case("truncated-gzip", [docker_archive("trunc-gz.tar", [(big, g[: len(g) // 2])], diff_ids=[sha(big)])],
         2, r"trunc-gz\.tar: layer 0 \([0-9a-f]{64}\.tar\): truncated gzip stream \(ends at compressed offset [0-9]+\)")
    corrupt = bytearray(g)
    for i in range(len(g) // 2, len(g) // 2 + 64):
        corrupt[i] ^= 0xA5
    case("corrupt-gzip", [docker_archive("corrupt-gz.tar", [(big, bytes(corrupt))], diff_ids=[sha(big)])],
         2, r"corrupt-gz\.tar: layer 0 .*corrupt gzip stream near compressed offset [0-9]+")
    case("gzip-trailing-garbage", [docker_archive("gz-trailing.tar", [(big, g + b"garbage!")], diff_ids=[sha(big)])],
         2, r"gz-trailing\.tar: layer 0 .*garbage after gzip stream at compressed offset [0-9]+")
    z = zstd(big)
    case("truncated-zstd", [docker_archive("trunc-zst.tar", [(big, z[: len(z) // 2])], diff_ids=[sha(big)])],
         2, r"trunc-zst\.tar: layer 0 .*truncated zstd stream")
    case("xz-layer", [docker_archive("xz.tar", [(big, lzma.compress(big))], diff_ids=[sha(big)])],
         2, r"xz\.tar: layer 0 .*xz-compressed layers are not supported")
    # Bombs: 1 GiB of zeros as a zstd tar stream is ~33 KiB; 200 MiB of zeros as gzip ~200 KiB.
    bomb = subprocess.run("head -c 1073741824 /dev/zero | zstd -q -c -1", shell=True, stdout=subprocess.PIPE, check=True).stdout
    case("zstd-bomb", [docker_archive("bomb.tar", [(b"", bomb)], diff_ids=["0" * 64])],
         2, r"bomb\.tar: layer 0 .*zstd stream expands more than 1000:1 .*decompression bomb")
    zc = zlib.compressobj(9, zlib.DEFLATED, 31)
    gbomb = b"".join([zc.compress(bytes(1 << 20)) for _ in range(200)] + [zc.flush()])
    case("gzip-bomb", [docker_archive("gzbomb.tar", [(b"", gbomb)], diff_ids=["0" * 64])],
         2, r"gzbomb\.tar: layer 0 .*gzip stream expands more than 1000:1 .*decompression bomb")
    case("layer-size-limit", ["--max-layer-size", "1M", docker_archive("limit.tar", [gz_layer(base + [("blob", "f", b"\0" * 3000000)])])],
         2, r"limit\.tar: layer 0 .*uncompressed layer exceeds 1048576 bytes")
    case("huge-path", [docker_archive("hugepath.tar", [gz_layer([("a/" * 2100 + "f", "f", "x")])])],
         2, r"hugepath\.tar: layer 0 .*path longer than 4096 bytes")
    hdr = bytearray(tarfile.TarInfo("big").tobuf(tarfile.USTAR_FORMAT))
    hdr[124:136] = b"\x80" + bytes(3) + (1 << 62).to_bytes(8, "big")  # base-256 size: 4 EiB
    hdr[148:156] = b" " * 8
    hdr[148:156] = ("%06o\0 " % sum(hdr[:512])).encode()
    hugesize = bytes(hdr[:512]) + bytes(1024)
    case("layer-entry-size-huge", [docker_archive("hugesize.tar", [(hugesize, gz(hugesize))])],
         2, r"hugesize\.tar: layer 0 .*(Truncated|truncated)")
    case("dpkg-garbage", [docker_archive("dpkg-garbage.tar", [gz_layer(base + [("var/lib/dpkg/status", "f", "Version: 1\nPackage: x\n\x00\x01garbage")])])],
         2, r"dpkg-garbage\.tar: layer 0 .*var/lib/dpkg/status: line [0-9]+")
    case("dpkg-binary-junk", [docker_archive("dpkg-junk.tar", [gz_layer(base + DPKG_DIRS + [("var/lib/dpkg/status", "f", bytes(range(1, 256)) * 8)])])],
         2, r"dpkg-junk\.tar: layer 0 .*var/lib/dpkg/status: line [0-9]+")
    case("dpkg-no-stanza", [docker_archive("dpkg-nostanza.tar", [gz_layer(base + DPKG_DIRS + [("var/lib/dpkg/status", "f", " continuation first\nPackage: a\n")])])],
         2, r"dpkg-nostanza\.tar: layer 0 .*var/lib/dpkg/status: line 1")
    case("dpkg-huge-line", [docker_archive("dpkg-longline.tar", [gz_layer(base + DPKG_DIRS + [("var/lib/dpkg/status", "f", "Package: a\nDescription: " + "a" * (1 << 20) + "\n")])])],
         2, r"dpkg-longline\.tar: layer 0 .*var/lib/dpkg/status: line 2: longer than")
    case("os-release-huge", [docker_archive("osrel-huge.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "f", "ID=debian\nX=" + "a" * (1 << 20) + "\n")])])],
         2, r"osrel-huge\.tar: layer 0 .*etc/os-release: [0-9]+ bytes, more than")
    case("layer-not-tar", [docker_archive("notar-layer.tar", [(b"", gz(os.urandom(5000)))], diff_ids=["1" * 64])],
         2, r"notar-layer\.tar: layer 0 \([0-9a-f]{64}\.tar\): not a tar stream")
    case("layer-inner-tar-truncated", [docker_archive("inner-trunc.tar", [(big[:700], gz(big[:700]))])],
         2, r"inner-trunc\.tar: layer 0 .*(Truncated|truncated)")

    # --- hostile archive structure ---
    ok = gz_layer(base + [STATUS])
    okcfg = config_for([sha(ok[0])])
    case("truncated-outer", [docker_archive("trunc-outer.tar", [ok], truncate=lambda r: 700)],
         2, r"trunc-outer\.tar: member '[0-9a-f]{64}\.tar' at offset 0: [0-9]+ bytes announced but the archive ends first")
    case("missing-blob", [docker_archive("missing.tar", [ok], manifest=json.dumps([{"Config": sha(okcfg) + ".json", "Layers": ["nothere.tar"]}]).encode())],
         2, r"missing\.tar: layer 0: manifest names a missing blob 'nothere\.tar'")
    case("missing-config", [docker_archive("missing-config.tar", [ok], manifest=json.dumps([{"Config": "f" * 64 + ".json", "Layers": [sha(ok[0]) + ".tar"]}]).encode())],
         2, r"missing-config\.tar: .*config.*'f{64}\.json'")
    case("config-name-digest", [docker_archive("cfgname.tar", [ok], manifest=json.dumps([{"Config": "a" * 64 + ".json", "Layers": [sha(ok[0]) + ".tar"]}]).encode(),
                                               extra={"a" * 64 + ".json": okcfg})],
         2, r"cfgname\.tar: config a{64}\.json: content has digest sha256:[0-9a-f]{64}, not the one its name says")
    case("bad-manifest-json", [docker_archive("badmanifest.tar", [ok], manifest=b'[{"Config": "x.json", "Layers": [}]')],
         2, r"badmanifest\.tar: manifest\.json: line 1, column 34: ")
    case("deep-manifest-json", [docker_archive("deepmanifest.tar", [ok], manifest=b"[" * 100000)],
         2, r"deepmanifest\.tar: manifest\.json: line 1, column [0-9]+: maximum parsing depth")
    case("bad-config-json", [docker_archive("badconfig.tar", [ok], config=b'{"rootfs": {"diff_ids": [1,}')],
         2, r"badconfig\.tar: [0-9a-f]{64}\.json: line 1, column 28: ")
    case("diffid-count", [docker_archive("diffcount.tar", [ok, gz_layer([("z", "f", "z")])], config=okcfg)],
         2, r"diffcount\.tar: [0-9a-f]{64}\.json: rootfs\.diff_ids lists 1 layers but the manifest has 2")
    case("diffid-mismatch", [docker_archive("diffid.tar", [ok], diff_ids=["2" * 64])],
         2, r"diffid\.tar: layer 0 .*diffID mismatch: config says sha256:2{64}, uncompressed content is sha256:[0-9a-f]{64}")
    with open(os.path.join(OUT, "hugepax.tar"), "wb") as f:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo("manifest.json")
            ti.pax_headers = {"comment": "z" * (2 << 20)}
            ti.size = 2
            t.addfile(ti, io.BytesIO(b"[]"))
        f.write(buf.getvalue())
    case("huge-pax-header", ["hugepax.tar"], 2, r"hugepax\.tar: offset 0: extended header of [0-9]+ bytes is too large")
    case("outer-traversal", [write_tar("outer-dotdot.tar", [("../manifest.json", "f", "[]")])],
         2, r"outer-dotdot\.tar: member '\.\./manifest\.json' at offset 0: path climbs out with '\.\.'")
    case("outer-link-loop", [write_tar("outer-loop.tar", [("manifest.json", "l", "a"), ("a", "l", "manifest.json")])],
         2, r"outer-loop\.tar: link loop at member")
    # Two manifest.json members: the second (empty) one must not silently replace the first.
    man_ok = json.dumps([{"Config": sha(okcfg) + ".json", "Layers": [sha(ok[0]) + ".tar"]}]).encode()
    case("outer-duplicate-member", [write_tar("outer-dup.tar", [(sha(ok[0]) + ".tar", "f", ok[1]), (sha(okcfg) + ".json", "f", okcfg),
                                                                 ("manifest.json", "f", man_ok), ("manifest.json", "f", b"[]")])],
         2, r"outer-dup\.tar: member 'manifest\.json' at offset [0-9]+: duplicate entry")
    with open(os.path.join(OUT, "random.bin"), "wb") as f:
        f.write(os.urandom(10000))
    case("not-a-tar", ["random.bin"], 2, r"random\.bin: offset 0: not a tar header")
    os.makedirs(os.path.join(OUT, "emptydir"), exist_ok=True)
    case("dir-not-layout", ["emptydir"], 2, r"emptydir: neither an OCI layout \(index\.json\) nor a docker-archive")
    os.makedirs(os.path.join(OUT, "junkdir"), exist_ok=True)
    with open(os.path.join(OUT, "junkdir", "README"), "w") as f:
        f.write("not an image\n")
    case("dir-with-files-not-layout", ["junkdir"], 2, r"junkdir: neither an OCI layout")

    # --- OCI ---
    u = ok[0]
    m, blobs = oci_manifest([ok[1]], [u])
    mb = json.dumps(m).encode()
    wrong = dict(m)
    wrong["layers"] = [dict(m["layers"][0], digest="sha256:" + "3" * 64)]
    oci_layout("oci-missing-layer.tar", [(wrong, {})], blobs)
    case("oci-missing-layer", ["oci-missing-layer.tar"], 2, r"oci-missing-layer\.tar: layer 0: manifest names a missing blob 'blobs/sha256/3{64}'")
    # A valid gzip layer (its diffID matches the config) stored under another blob's name.
    y_u = tar_bytes(base + [("other", "f", "content")])
    y = gz(y_u)
    my, blobs_y = oci_manifest([y], [y_u], layer_digest="sha256:" + sha(ok[1]))
    oci_layout("oci-digest.tar", [(my, {})], [b for b in blobs_y if b != y], renamed={sha(ok[1]): y})
    case("oci-blob-digest-mismatch", ["oci-digest.tar"], 2,
         r"oci-digest\.tar: layer 0 .*blob digest mismatch: manifest says sha256:[0-9a-f]{64}, content is sha256:[0-9a-f]{64}")
    size_m = dict(m)
    size_m["layers"] = [dict(m["layers"][0], size=12345)]
    oci_layout("oci-size.tar", [(size_m, {})], blobs)
    case("oci-size-mismatch", ["oci-size.tar"], 2, r"oci-size\.tar: layer 0 .*blob has [0-9]+ bytes, manifest says 12345")
    # OCI descriptors' size is a required int64; a non-integer size must not skip the check.
    real_m = dict(m)
    real_m["layers"] = [dict(m["layers"][0], size=1e30)]
    oci_layout("oci-size-real.tar", [(real_m, {})], blobs)
    case("oci-size-not-integer", ["oci-size-real.tar"], 2, r"oci-size-real\.tar: .*size")
    trav = dict(m)
    trav["layers"] = [dict(m["layers"][0], digest="sha256:../../../../../../etc/hostname")]
    oci_layout("oci-digest-traversal", [(trav, {})], blobs, as_tar=False)
    case("oci-digest-traversal", ["oci-digest-traversal"], 2, r"oci-digest-traversal: manifest sha256:[0-9a-f]{64}: layer 0: bad digest 'sha256:\.\./")
    # Manifest and config blobs whose content does not match their descriptor.
    cfg = blobs[0]
    oci_layout("oci-config-digest.tar", [(m, {})], blobs[1:], renamed={sha(cfg): cfg + b" "})
    case("oci-config-digest-mismatch", ["oci-config-digest.tar"], 2, r"oci-config-digest\.tar: config sha256:[0-9a-f]{64}: content does not match its descriptor")
    oci_layout("oci-config-missing.tar", [(m, {})], blobs[1:])
    case("oci-config-missing", ["oci-config-missing.tar"], 2, r"oci-config-missing\.tar: .*config.*blobs/sha256/[0-9a-f]{64}")
    oci_layout("oci-manifest-digest.tar", [], blobs, renamed={sha(mb): mb + b" "},
               descs=[{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + sha(mb), "size": len(mb)}])
    case("oci-manifest-digest-mismatch", ["oci-manifest-digest.tar"], 2, r"oci-manifest-digest\.tar: manifest sha256:[0-9a-f]{64}: content does not match its descriptor")
    oci_layout("oci-manifest-size.tar", [(m, {"size": 5})], blobs)
    case("oci-manifest-size-mismatch", ["oci-manifest-size.tar"], 2, r"oci-manifest-size\.tar: manifest sha256:[0-9a-f]{64}: content does not match its descriptor")
    amd = ({"platform": {"os": "linux", "architecture": "amd64"}})
    arm = ({"platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}})
    arm_l = gz_layer(base + DPKG_DIRS + [status("armpkg")])
    m2, blobs2 = oci_manifest([arm_l[1]], [arm_l[0]])
    oci_layout("multi.tar", [(m, amd), (m2, arm)], blobs + blobs2)
    case("oci-ambiguous-platform", ["multi.tar"], 2, r"multi\.tar: 2 manifests match; pick one with multi\.tar:REF or --platform .*choices: .*linux/amd64.*linux/arm64/v8")
    case("oci-platform-pick", ["--platform", "linux/arm64", "multi.tar"], 0, r"^$", os_id="debian", packages=["armpkg"])
    case("oci-platform-pick-amd64", ["--platform", "linux/amd64", "multi.tar"], 0, r"^$", os_id="debian", packages=["a"])
    case("oci-platform-none", ["--platform", "linux/s390x", "multi.tar"], 2, r"multi\.tar: no manifest for platform linux/s390x; choices:.*amd64")
    oci_layout("refs.tar", [(m, {"annotations": {"org.opencontainers.image.ref.name": "1.0"}})], blobs)
    case("oci-ref-missing", ["refs.tar:nope"], 2, r"refs\.tar: no manifest with ref\.name 'nope'")
    case("oci-ref-ok", ["refs.tar:1.0"], 0, r"^$", os_id="debian", packages=["a"])
    nested = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                  "digest": "sha256:" + sha(mb), "size": len(mb), **amd}]}
    nb = json.dumps(nested).encode()
    oci_layout("nested.tar", [], blobs + [nb, mb],
               descs=[{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + sha(nb), "size": len(nb)}])
    case("oci-nested-index", ["nested.tar"], 0, r"^$", os_id="debian", packages=["a"])

    # --- valid but tricky: must succeed, with the expected inventory ---
    case("valid-abs-symlink", [docker_archive("abs-symlink.tar", [gz_layer(base + [("usr/bin", "d", None), ("usr/bin/y", "f", "y"), ("usr/bin/x", "l", "/usr/bin/y")])])],
         0, r"^$", os_id="debian", packages=[])
    # etc/os-release -> /usr/lib/os-release (absolute target) and var/lib/dpkg/status found below it
    case("valid-abs-symlink-os-release", [docker_archive("abs-osrel.tar", [gz_layer([("usr", "d", None), ("usr/lib", "d", None), OS_RELEASE, ("etc", "d", None),
                                                                                     ("etc/os-release", "l", "/usr/lib/os-release")] + DPKG_DIRS + [STATUS])])],
         0, r"^$", os_id="debian", packages=["a"])
    two = tar_bytes(base + DPKG_DIRS + [STATUS])
    multi_gz = gz(two[:3000]) + gz(two[3000:])
    case("valid-multi-member-gzip", [docker_archive("multigz.tar", [(two, multi_gz)])], 0, r"^$", os_id="debian", packages=["a"])
    case("valid-plain-layer", [docker_archive("plain.tar", [plain_layer(base + DPKG_DIRS + [STATUS])])], 0, r"^$", os_id="debian", packages=["a"])
    case("valid-gzip-named-tar", [docker_archive("gz-named-tar.tar", [gz_layer(base + DPKG_DIRS + [STATUS])])], 0, r"^$", os_id="debian", packages=["a"])
    case("valid-zstd-named-tar", [docker_archive("zst-named-tar.tar", [(two, zstd(two))])], 0, r"^$", os_id="debian", packages=["a"])
    oci_layout("layout-dir", [(m, {"annotations": {"org.opencontainers.image.ref.name": "1.0"}})], blobs, as_tar=False)
    case("valid-oci-directory", ["layout-dir"], 0, r"^$", os_id="debian", packages=["a"])
    case("valid-oci-directory-ref", ["layout-dir:1.0"], 0, r"^$", os_id="debian", packages=["a"])
    zm, zblobs = oci_manifest([zstd(two)], [two], media="application/vnd.oci.image.layer.v1.tar+zstd")
    oci_layout("oci-zstd.tar", [(zm, {})], zblobs)
    case("valid-oci-zstd", ["oci-zstd.tar"], 0, r"^$", os_id="debian", packages=["a"])
    # Layer 0: status with a, b; etc/os-release says alpine; apk db with one package.
    # Layer 1: opaque var/lib/dpkg (new status with c only), whiteouts of etc/os-release (falls
    # back to usr/lib/os-release: debian) and of lib/apk/db/installed.
    l0 = gz_layer([("usr", "d", None), ("usr/lib", "d", None), OS_RELEASE, ("etc", "d", None),
                   ("etc/os-release", "f", "ID=alpine\nVERSION_ID=3.19.0\n"),
                   ("lib", "d", None), ("lib/apk", "d", None), ("lib/apk/db", "d", None),
                   ("lib/apk/db/installed", "f", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n")] + DPKG_DIRS +
                  [status("a", "b"), ("app", "d", None), ("app/id_rsa", "f", "KEY")])
    l1 = gz_layer([("etc", "d", None), ("etc/.wh.os-release", "f", ""), ("lib", "d", None), ("lib/apk", "d", None),
                   ("lib/apk/db", "d", None), ("lib/apk/db/.wh.installed", "f", "")] + DPKG_DIRS +
                  [("var/lib/dpkg/.wh..wh..opq", "f", ""), status("c"), ("app", "d", None), ("app/.wh.id_rsa", "f", "")])
    case("valid-whiteouts", [docker_archive("whiteouts.tar", [l0, l1])], 0, r"^$", os_id="debian", packages=["c"])

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"markers": markers, "cases": CASES}, f, indent=1)


if __name__ == "__main__":
    main()
