#!/usr/bin/env python3
"""Writes synthetic ELF files carrying Go build info (for test_gobinary and the fuzz seeds).

Usage: make_go_elf.py OUTDIR. Built from the layout described in
src/inventory/go_buildinfo.c, not by a Go toolchain, so every byte is known to the test."""
import os
import struct
import sys

MAGIC = b"\xff Go buildinf:"
SENT_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
SENT_END = bytes.fromhex("f932433186182072008242104116d8f2")
BASE = 0x400000

MODINFO = (
    "path\texample.com/app/cmd/app\n"
    "mod\texample.com/app\tv1.2.3\th1:mainsum=\n"
    "dep\tgolang.org/x/crypto\tv0.4.0\th1:cryptosum=\n"
    "dep\tgithub.com/old/lib\tv1.0.0\th1:oldsum=\n"
    "=>\tgithub.com/new/lib\tv1.1.0\th1:newsum=\n"
    "dep\texample.com/local\tv0.0.0-00010101000000-000000000000\n"
    "=>\t../local\t\n"
    "dep\tgithub.com/BurntSushi/toml\tv1.2.1+incompatible\th1:tomlsum=\n"
    "build\t-compiler=gc\n"
    'build\t-ldflags="-s -w -X main.v=1"\n'
    "build\tCGO_ENABLED=0\n"
    "build\tGOARCH=amd64\n"
    "build\tvcs.revision=0123456789abcdef\n"
)


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def wrap(mod):
    return SENT_START + mod.encode() + SENT_END


def align(n, a=16):
    return (n + a - 1) // a * a


def elf(is64, be, sections, keep_sections=True):
    """sections: list of (name, data, writable); each is loaded at BASE + file offset."""
    e = ">" if be else "<"
    ehsize, phent, shent = (64, 56, 64) if is64 else (52, 32, 40)
    nph = len(sections)
    off = align(ehsize + nph * phent, 0x100)
    layout = []
    for name, data, w in sections:
        layout.append((name, off, data, w))
        off = align(off + len(data))
    names = b"\0" + b"".join(n.encode() + b"\0" for n, _, _ in sections) + b".shstrtab\0"
    shstr_off = off
    off = align(off + len(names))
    shoff = off
    nsh = len(sections) + 2  # null, sections…, .shstrtab
    body = bytearray(shoff + nsh * shent)
    # program headers
    ph = ehsize
    for name, o, data, w in layout:
        flags = 6 if w else 5
        if is64:
            struct.pack_into(e + "IIQQQQQQ", body, ph, 1, flags, o, BASE + o, BASE + o,
                             len(data), len(data), 16)
        else:
            struct.pack_into(e + "IIIIIIII", body, ph, 1, o, BASE + o, BASE + o, len(data),
                             len(data), flags, 16)
        ph += phent
    for name, o, data, w in layout:
        body[o:o + len(data)] = data
    body[shstr_off:shstr_off + len(names)] = names
    sh = shoff + shent  # entry 0 stays null
    pos = 1
    for name, o, data, w in layout + [(".shstrtab", shstr_off, names, None)]:
        stype = 3 if w is None else 1
        sflags = 0 if w is None else (3 if w else 6)
        addr = 0 if w is None else BASE + o
        if is64:
            struct.pack_into(e + "IIQQQQIIQQ", body, sh, pos, stype, sflags, addr, o,
                             len(data), 0, 0, 1, 0)
        else:
            struct.pack_into(e + "IIIIIIIIII", body, sh, pos, stype, sflags, addr, o,
                             len(data), 0, 0, 1, 0)
        pos += len(name) + 1
        sh += shent
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if be else 1, 1]) + b"\0" * 9
    body[0:16] = ident
    machine = 62 if is64 else 3
    if is64:
        struct.pack_into(e + "HHIQQQIHHHHHH", body, 16, 2, machine, 1, BASE, ehsize,
                         shoff if keep_sections else 0, 0, ehsize, phent, nph, shent,
                         nsh if keep_sections else 0, nsh - 1 if keep_sections else 0)
    else:
        struct.pack_into(e + "HHIIIIIHHHHHH", body, 16, 2, machine, 1, BASE, ehsize,
                         shoff if keep_sections else 0, 0, ehsize, phent, nph, shent,
                         nsh if keep_sections else 0, nsh - 1 if keep_sections else 0)
    if not keep_sections:
        del body[shstr_off:]
    return bytes(body), {n: o for n, o, _, _ in layout}


def inline_info(version, mod, ptrsize=8):
    hdr = MAGIC + bytes([ptrsize, 2]) + b"\0" * 16
    return hdr + uvarint(len(version)) + version + uvarint(len(mod)) + mod


def inline_elf(keep_sections=True, info=None):
    info = info if info is not None else inline_info(b"go1.21.5", wrap(MODINFO))
    return elf(True, False, [(".text", b"\x90" * 64, False), (".go.buildinfo", info, True),
                             (".data", b"\0" * 32, True)], keep_sections)[0]


def ptr_elf(is64, be, version, mod, bad=None):
    """Pre-1.18 layout: the header's two pointers lead to {ptr,len} string headers in .data."""
    ps = 8 if is64 else 4
    e = ">" if be else "<"
    pf = "Q" if is64 else "I"
    data_len = 4 * ps + len(version) + len(mod)
    # First pass for offsets (sizes do not depend on the contents).
    _, offs = elf(is64, be, [(".text", b"\x90" * 64, False),
                             (".go.buildinfo", b"\0" * 32, True),
                             (".data", b"\0" * data_len, True)])
    d = BASE + offs[".data"]
    vhdr, mhdr, vdat, mdat = d, d + 2 * ps, d + 4 * ps, d + 4 * ps + len(version)
    data = struct.pack(e + pf * 4, vdat, len(version), mdat, len(mod)) + version + mod
    if bad == "ptr":
        mhdr = 0x7FFF0000
    if bad == "len":
        data = struct.pack(e + pf * 4, vdat, len(version), mdat, len(mod) + 4096) + version + mod
    hdr = MAGIC + bytes([ps, 1 if be else 0]) + struct.pack(e + pf * 2, vhdr, mhdr)
    hdr += b"\0" * (32 - len(hdr))
    out, offs2 = elf(is64, be, [(".text", b"\x90" * 64, False), (".go.buildinfo", hdr, True),
                                (".data", data, True)])
    assert offs == offs2
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    files = {}
    files["inline64le"] = inline_elf()
    files["stripped"] = inline_elf(keep_sections=False)
    small = "path\tcmd/tool\nmod\texample.org/tool\t(devel)\t\ndep\texample.org/dep\tv0.1.0\th1:x=\n"
    files["ptr32le"] = ptr_elf(False, False, b"go1.16.15", wrap(small))
    files["ptr64be"] = ptr_elf(True, True, b"go1.13", small.encode())  # no sentinels
    files["ptr_outside"] = ptr_elf(True, False, b"go1.16", wrap(small), bad="ptr")
    files["ptr_len_past_end"] = ptr_elf(False, False, b"go1.16", wrap(small), bad="len")
    hdr = MAGIC + bytes([8, 2]) + b"\0" * 16
    files["huge_varint"] = inline_elf(info=hdr + b"\x08go1.21.0" + uvarint(1 << 62))
    files["overflow_varint"] = inline_elf(info=hdr + b"\x08go1.21.0" + b"\xff" * 10 + b"\x01")
    files["len_past_end"] = inline_elf(info=hdr + b"\x08go1.21.0" + uvarint(1 << 20) + b"x")
    files["truncated"] = inline_elf()[:0x1c0]
    files["orphan_replacement"] = inline_elf(
        info=inline_info(b"go1.20", wrap("path\tx\n=>\texample.com/r\tv1.0.0\th1:r=\n")))
    files["no_buildinfo"] = elf(True, False, [(".text", b"\x90" * 64, False),
                                              (".data", b"\0" * 32, True)])[0]
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
