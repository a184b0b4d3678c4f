#!/usr/bin/python3
"""Writes small hostile (and a few valid but tricky) image archives into OUTDIR and a
cases.json describing, for each, the arguments, the expected exit code and a regex the
stderr must match. Each hostile archive is valid except for the one defect it is about.
Stdlib only, plus the zstd command for zstd layers."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

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
STATUS = ("var/lib/dpkg/status", "f", "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n")


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


def case(name, args, code, regex):
    CASES.append({"name": name, "args": args, "exit": code, "stderr": regex})


def oci_layout(dirname, manifests, blobs, as_tar=True, renamed=None):
    """manifests: list of (manifest dict, annotations/platform descriptor extras)."""
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}'}
    for b in blobs:
        files["blobs/sha256/" + sha(b)] = b
    for name, b in (renamed or {}).items():
        files["blobs/sha256/" + name] = b
    descs = []
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


def main():
    os.makedirs(OUT, exist_ok=True)
    marker = os.path.join(os.path.dirname(os.path.abspath(OUT)), "strata-escape-marker")
    base = [("usr", "d", None), ("usr/lib", "d", None), OS_RELEASE, ("etc", "d", None),
            ("etc/os-release", "l", "../usr/lib/os-release")]

    # --- hostile layer contents (docker-archive, gzip layers named .tar) ---
    rel = os.path.relpath(marker, "/")
    case("traversal", [docker_archive("traversal.tar", [gz_layer(base + [("../../../../../../" + rel, "f", "x")])])],
         2, r"traversal\.tar: layer 0 .*climbs out")
    case("absolute-path", [docker_archive("absolute.tar", [gz_layer(base + [("/etc/passwd", "f", "root::0:0")])])],
         2, r"absolute\.tar: layer 0 .*etc/passwd: absolute path")
    case("through-symlink", [docker_archive("symparent.tar", [gz_layer([("evil", "l", "/etc"), ("evil/passwd", "f", "x")])])],
         2, r"symparent\.tar: layer 0 .*evil/passwd: entry goes through symlink 'evil'")
    case("hardlink-escape", [docker_archive("hlescape.tar", [gz_layer([("h", "h", "../../etc/shadow")])])],
         2, r"hlescape\.tar: layer 0 .*h: hard link to '\.\./\.\./etc/shadow' outside")
    case("hardlink-missing", [docker_archive("hlmissing.tar", [gz_layer([("h", "h", "nothere")])])],
         2, r"hlmissing\.tar: layer 0 .*not an earlier file")
    case("symlink-loop-os-release", [docker_archive("loop.tar", [gz_layer([("etc", "d", None), ("etc/os-release", "l", "os-release2"),
                                                                          ("etc/os-release2", "l", "/etc/os-release")])])],
         2, r"loop\.tar.*os-release.*(too many levels|loop)")
    case("duplicate-entry", [docker_archive("dup.tar", [gz_layer(base + [("app", "f", "one"), ("app", "f", "two")])])],
         2, r"dup\.tar: layer 0 .*app: duplicate entry")
    big = tar_bytes(base + [("blob", "f", os.urandom(200000))])
    g = gz(big)
    case("truncated-gzip", [docker_archive("trunc-gz.tar", [(big, g[: len(g) // 2])], diff_ids=[sha(big)])],
         2, r"trunc-gz\.tar: layer 0 .*truncated gzip")
    corrupt = bytearray(g)
    for i in range(len(g) // 2, len(g) // 2 + 64):
        corrupt[i] ^= 0xA5
    case("corrupt-gzip", [docker_archive("corrupt-gz.tar", [(big, bytes(corrupt))], diff_ids=[sha(big)])],
         2, r"corrupt-gz\.tar: layer 0 .*(corrupt gzip|gzip)")
    z = zstd(big)
    case("truncated-zstd", [docker_archive("trunc-zst.tar", [(big, z[: len(z) // 2])], diff_ids=[sha(big)])],
         2, r"trunc-zst\.tar: layer 0 .*(truncated|corrupt) zstd")
    # A bomb: 1 GiB of zeros as a zstd tar stream is a few dozen KiB.
    bomb = subprocess.run("head -c 1073741824 /dev/zero | zstd -q -c -1", shell=True, stdout=subprocess.PIPE, check=True).stdout
    case("zstd-bomb", [docker_archive("bomb.tar", [(b"", bomb)], diff_ids=["0" * 64])],
         2, r"bomb\.tar: layer 0 .*decompression bomb")
    case("layer-size-limit", ["--max-layer-size", "1M", docker_archive("limit.tar", [gz_layer(base + [("blob", "f", b"\0" * 3000000)])])],
         2, r"limit\.tar: layer 0 .*exceeds 1048576 bytes")
    case("huge-path", [docker_archive("hugepath.tar", [gz_layer([("a/" * 2100 + "f", "f", "x")])])],
         2, r"hugepath\.tar: layer 0 .*longer than 4096")
    case("dpkg-garbage", [docker_archive("dpkg-garbage.tar", [gz_layer(base + [("var/lib/dpkg/status", "f", "Version: 1\nPackage: x\n\x00\x01garbage")])])],
         2, r"dpkg-garbage\.tar: layer 0 .*var/lib/dpkg/status: line [0-9]+")
    case("layer-not-tar", [docker_archive("notar-layer.tar", [(b"", gz(os.urandom(5000)))], diff_ids=["1" * 64])],
         2, r"notar-layer\.tar: layer 0 .*(tar|header)")

    # --- hostile archive structure ---
    ok = gz_layer(base + [STATUS])
    case("truncated-outer", [docker_archive("trunc-outer.tar", [ok], truncate=lambda r: 700)],
         2, r"trunc-outer\.tar: .*(truncated|ends first|end-of-archive)")
    case("missing-blob", [docker_archive("missing.tar", [ok], manifest=json.dumps([{"Config": sha(config_for([sha(ok[0])])) + ".json", "Layers": ["nothere.tar"]}]).encode())],
         2, r"missing\.tar: layer 0: manifest names a missing blob 'nothere\.tar'")
    case("bad-manifest-json", [docker_archive("badmanifest.tar", [ok], manifest=b'[{"Config": "x.json", "Layers": [}]')],
         2, r"badmanifest\.tar: manifest\.json: line 1, column [0-9]+")
    case("bad-config-json", [docker_archive("badconfig.tar", [ok], config=b'{"rootfs": {"diff_ids": [1,}')],
         2, r"badconfig\.tar: .*\.json: line 1, column [0-9]+")
    case("diffid-mismatch", [docker_archive("diffid.tar", [ok], diff_ids=["2" * 64])],
         2, r"diffid\.tar: layer 0 .*diffID mismatch.*sha256:2222")
    pax = tar_bytes([("x" * 10, "f", "y")])
    with open(os.path.join(OUT, "hugepax.tar"), "wb") as f:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            ti = tarfile.TarInfo("manifest.json")
            ti.pax_headers = {"comment": "z" * (2 << 20)}
            ti.size = 2
            t.addfile(ti, io.BytesIO(b"[]"))
        f.write(buf.getvalue())
    del pax
    case("huge-pax-header", ["hugepax.tar"], 2, r"hugepax\.tar: offset 0: extended header of [0-9]+ bytes is too large")
    with open(os.path.join(OUT, "random.bin"), "wb") as f:
        f.write(os.urandom(10000))
    case("not-a-tar", ["random.bin"], 2, r"random\.bin: offset 0: not a tar header")
    os.makedirs(os.path.join(OUT, "emptydir"), exist_ok=True)
    case("dir-not-layout", ["emptydir"], 2, r"emptydir: neither an OCI layout")

    # --- OCI ---
    u = ok[0]
    m, blobs = oci_manifest([ok[1]], [u])
    wrong = dict(m)
    wrong["layers"] = [dict(m["layers"][0], digest="sha256:" + "3" * 64)]
    oci_layout("oci-missing-layer.tar", [(wrong, {})], blobs)
    case("oci-missing-layer", ["oci-missing-layer.tar"], 2, r"oci-missing-layer\.tar: layer 0: manifest names a missing blob 'blobs/sha256/3333")
    # A valid gzip layer (its diffID matches the config) stored under another blob's name.
    y_u = tar_bytes(base + [("other", "f", "content")])
    y = gz(y_u)
    my, blobs_y = oci_manifest([y], [y_u], layer_digest="sha256:" + sha(ok[1]))
    oci_layout("oci-digest.tar", [(my, {})], [b for b in blobs_y if b != y], renamed={sha(ok[1]): y})
    case("oci-blob-digest-mismatch", ["oci-digest.tar"], 2, r"oci-digest\.tar: layer 0 .*blob digest mismatch")
    size_m = dict(m)
    size_m["layers"] = [dict(m["layers"][0], size=12345)]
    oci_layout("oci-size.tar", [(size_m, {})], blobs)
    case("oci-size-mismatch", ["oci-size.tar"], 2, r"oci-size\.tar: layer 0 .*manifest says 12345")
    amd = ({"platform": {"os": "linux", "architecture": "amd64"}})
    arm = ({"platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}})
    m2, blobs2 = oci_manifest([gz_layer(base + [("arm", "f", "1")])[1]], [tar_bytes(base + [("arm", "f", "1")])])
    oci_layout("multi.tar", [(m, amd), (m2, arm)], blobs + blobs2)
    case("oci-ambiguous-platform", ["multi.tar"], 2, r"multi\.tar: 2 manifests match.*linux/amd64.*linux/arm64/v8")
    case("oci-platform-pick", ["--platform", "linux/arm64", "multi.tar"], 0, r"^$")
    case("oci-platform-none", ["--platform", "linux/s390x", "multi.tar"], 2, r"no manifest for platform linux/s390x; choices:.*amd64")
    oci_layout("refs.tar", [(m, {"annotations": {"org.opencontainers.image.ref.name": "1.0"}})], blobs)
    case("oci-ref-missing", ["refs.tar:nope"], 2, r"refs\.tar: no manifest with ref\.name 'nope'")
    case("oci-ref-ok", ["refs.tar:1.0"], 0, r"^$")
    nested = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                  "digest": "sha256:" + sha(json.dumps(m).encode()),
                                                  "size": len(json.dumps(m).encode()), **amd}]}
    nb = json.dumps(nested).encode()
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', "blobs/sha256/" + sha(nb): nb,
             "blobs/sha256/" + sha(json.dumps(m).encode()): json.dumps(m).encode()}
    for b in blobs:
        files["blobs/sha256/" + sha(b)] = b
    files["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
                                                                          "digest": "sha256:" + sha(nb), "size": len(nb)}]}).encode()
    with open(os.path.join(OUT, "nested.tar"), "wb") as f:
        f.write(tar_bytes([(k, "f", v) for k, v in files.items()], fmt=tarfile.USTAR_FORMAT))
    case("oci-nested-index", ["nested.tar"], 0, r"^$")

    # --- valid but tricky: must succeed ---
    case("valid-abs-symlink", [docker_archive("abs-symlink.tar", [gz_layer(base + [("usr/bin", "d", None), ("usr/bin/y", "f", "y"), ("usr/bin/x", "l", "/usr/bin/y")])])], 0, r"^$")
    two = tar_bytes(base + [STATUS])
    multi_gz = gz(two[:3000]) + gz(two[3000:])
    case("valid-multi-member-gzip", [docker_archive("multigz.tar", [(two, multi_gz)])], 0, r"^$")
    case("valid-plain-layer", [docker_archive("plain.tar", [plain_layer(base + [STATUS])])], 0, r"^$")
    zs = tar_bytes(base + [STATUS])
    case("valid-zstd-named-tar", [docker_archive("zst-named-tar.tar", [(zs, zstd(zs))])], 0, r"^$")
    oci_layout("layout-dir", [(m, {"annotations": {"org.opencontainers.image.ref.name": "1.0"}})], blobs, as_tar=False)
    case("valid-oci-directory", ["layout-dir"], 0, r"^$")
    l0 = gz_layer(base + [STATUS, ("app", "d", None), ("app/id_rsa", "f", "KEY"), ("etc/nginx", "d", None), ("etc/nginx/default", "f", "d")])
    l1 = gz_layer([("app", "d", None), ("app/.wh.id_rsa", "f", ""), ("etc", "d", None), ("etc/nginx", "d", None),
                   ("etc/nginx/.wh..wh..opq", "f", ""), ("etc/nginx/app.conf", "f", "a")])
    case("valid-whiteouts", [docker_archive("whiteouts.tar", [l0, l1])], 0, r"^$")

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"marker": marker, "cases": CASES}, f, indent=1)


if __name__ == "__main__":
    main()
