#!/usr/bin/env python3
"""Writes synthetic ELF files carrying a cargo-auditable dependency list (a zlib-compressed
JSON document in a ".dep-v0" section) for test_rust_audit and the fuzz seeds, plus the
inputs of the rustc-built fixture (dep.z, main.rs).

Usage: make_rust_elf.py OUTDIR. ELF layout from make_go_elf.py; the JSON is written the way
auditable-serde serializes it: packages sorted by name, "kind" only for build dependencies,
"dependencies" and "root" only when non-empty / true."""
import json
import os
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_go_elf import elf  # noqa: E402

PACKAGES = [
    {"name": "adler", "version": "1.0.2", "source": "crates.io"},
    {"name": "cc", "version": "1.0.83", "source": "crates.io", "kind": "build"},
    {"name": "demo", "version": "0.1.0", "source": "local", "dependencies": [4, 3, 1],
     "root": True},
    {"name": "itoa", "version": "1.0.9", "source": "crates.io"},
    {"name": "miniz_oxide", "version": "0.7.1", "source": "crates.io", "dependencies": [0]},
    {"name": "vendored", "version": "0.3.0-alpha.1+build.5", "source": "git"},
]


def dep_json(pkgs):
    return json.dumps({"packages": pkgs}, separators=(",", ":")).encode()


def rust_elf(blob, is64=True, be=False, keep_sections=True):
    return elf(is64, be, [(".text", b"\x90" * 64, False), (".rodata", b"x" * 16, False),
                          (".dep-v0", blob, False), (".data", b"\0" * 32, True)],
               keep_sections)[0]


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    good = zlib.compress(dep_json(PACKAGES), 9)
    files = {}
    files["auditable64le"] = rust_elf(good)
    files["auditable32be"] = rust_elf(good, is64=False, be=True)
    files["stripped"] = rust_elf(good, keep_sections=False)
    files["no_section"] = elf(True, False, [(".text", b"\x90" * 64, False),
                                            (".data", b"\0" * 32, True)])[0]
    registry_root = [dict(PACKAGES[0]), {"name": "ripgrep", "version": "14.1.0",
                                         "source": "crates.io", "dependencies": [0],
                                         "root": True}]
    files["registry_root"] = rust_elf(zlib.compress(dep_json(registry_root)))
    files["bad_zlib"] = rust_elf(b"\x78\x9c" + b"\xff" * 40)
    files["truncated_zlib"] = rust_elf(good[: len(good) // 2])
    files["not_zlib"] = rust_elf(dep_json(PACKAGES))
    # 9 MiB of spaces inflate past the 8 MiB bound; compressed they are ~9 KiB.
    files["bomb"] = rust_elf(zlib.compress(b"{\"packages\":[" + b" " * (9 << 20) + b"]}", 9))
    files["not_json"] = rust_elf(zlib.compress(b"{\"packages\": [1,]"))
    files["wrong_type"] = rust_elf(zlib.compress(dep_json([{"name": "a", "version": 1}])))
    files["no_packages"] = rust_elf(zlib.compress(b"{\"crates\": []}"))
    files["bad_index"] = rust_elf(zlib.compress(dep_json(
        [{"name": "a", "version": "1.0.0", "dependencies": [1]}])))
    files["negative_index"] = rust_elf(zlib.compress(dep_json(
        [{"name": "a", "version": "1.0.0", "dependencies": [-1]}])))
    files["huge_count"] = rust_elf(zlib.compress(
        b"{\"packages\":[" + b",".join([b"{\"name\":\"a\",\"version\":\"1\"}"] * 100001) + b"]}", 9))
    files["nul_name"] = rust_elf(zlib.compress(b"{\"packages\":[{\"name\":\"a\\u0000b\","
                                               b"\"version\":\"1\"}]}"))
    deep = b"{\"packages\":[{\"name\":\"a\",\"version\":\"1\",\"x\":" + b"[" * 5000 + \
        b"]" * 5000 + b"}]}"
    files["deep"] = rust_elf(zlib.compress(deep))
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    # Inputs of the real rustc build (test_rust_audit compiles them when rustc is present),
    # placed exactly as cargo-auditable's injection does.
    with open(os.path.join(outdir, "dep.z"), "wb") as f:
        f.write(good)
    with open(os.path.join(outdir, "main.rs"), "w") as f:
        f.write("#[used]\n#[link_section = \".dep-v0\"]\n"
                "static AUDITABLE_VERSION_INFO: [u8; %d] = *include_bytes!(\"dep.z\");\n"
                "fn main() {\n    println!(\"{}\", AUDITABLE_VERSION_INFO.len());\n}\n"
                % len(good))


if __name__ == "__main__":
    main()
