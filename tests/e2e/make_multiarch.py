#!/usr/bin/env python3
"""Turns an OCI layout holding one image (ref.name "latest", linux/amd64) into a layout whose
ref.name "multi" is an OCI image index of two platforms: that image as linux/amd64, and a small
Alpine-like linux/arm64/v8 image made here (os-release 3.19.1 and an apk database with one
package, musl 1.2.4_git20230717-r4), plus a buildkit-style attestation entry
(unknown/unknown). The layout can then be pushed with `skopeo copy --all oci:DIR:multi …` or
served by fake_registry.py.

Usage: make_multiarch.py LAYOUT_DIR
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

EPOCH = 1735689600


def put_blob(layout, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d


def tar_layer(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for name in sorted(files):
            parts = name.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    ti = tarfile.TarInfo(d)
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o755
                    ti.mtime = EPOCH
                    t.addfile(ti)
            ti = tarfile.TarInfo(name)
            ti.size = len(files[name])
            ti.mode = 0o644
            ti.mtime = EPOCH
            t.addfile(ti, io.BytesIO(files[name]))
    return buf.getvalue()


def main():
    layout = sys.argv[1]
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    amd64 = next(d for d in index["manifests"]
                 if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == "latest")

    plain = tar_layer({
        "etc/os-release": b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n'
                          b'PRETTY_NAME="Alpine Linux v3.19"\n',
        "lib/apk/db/installed": b"C:Q1Qq8yyyAq5Nnt8bVOR2BUXxjCnXQ=\nP:musl\n"
                                b"V:1.2.4_git20230717-r4\nA:aarch64\nS:383152\nI:622592\n"
                                b"T:the musl c library (libc) implementation\n"
                                b"U:https://musl.libc.org/\nL:MIT\no:musl\nm:Natanael Copa\n"
                                b"t:1705420454\nc:f93af038c3be64bd1cff10d7de1b4d5e4fa25d0c\n"
                                b"F:lib\nR:ld-musl-aarch64.so.1\nR:libc.musl-aarch64.so.1\n\n",
    })
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
        g.write(plain)
    layer = gz.getvalue()
    layer_digest = put_blob(layout, layer)
    config = json.dumps({
        "architecture": "arm64", "os": "linux", "variant": "v8",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(plain).hexdigest()]},
        "history": [{"created_by": "synthetic alpine-like arm64 layer"}],
    }, separators=(",", ":")).encode()
    config_digest = put_blob(layout, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest, "size": len(layer)}],
    }, separators=(",", ":")).encode()
    arm_digest = put_blob(layout, manifest)
    # an attestation manifest in buildkit's shape: unknown/unknown, pointing at the amd64 one
    att_config = b"{}"
    att_config_digest = put_blob(layout, att_config)
    att = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": att_config_digest, "size": len(att_config)},
        "layers": [],
    }, separators=(",", ":")).encode()
    att_digest = put_blob(layout, att)
    multi = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": amd64["mediaType"], "digest": amd64["digest"], "size": amd64["size"],
             "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm_digest,
             "size": len(manifest),
             "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": att_digest,
             "size": len(att),
             "annotations": {"vnd.docker.reference.digest": amd64["digest"],
                             "vnd.docker.reference.type": "attestation-manifest"},
             "platform": {"architecture": "unknown", "os": "unknown"}},
        ],
    }, separators=(",", ":")).encode()
    multi_digest = put_blob(layout, multi)
    index["manifests"].append({
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": multi_digest,
        "size": len(multi), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f, separators=(",", ":"))
    print(multi_digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
