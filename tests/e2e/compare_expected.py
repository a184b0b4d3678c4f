#!/usr/bin/python3
"""Compares a strata JSON report with a fixture's *.expected.json: the dpkg packages (name,
version, arch, source name and version, layer index), the npm packages (version, layer,
direct, lockfile, path), the Go binaries (stdlib at the toolchain version, main module and
deps, layer, owning dpkg package), the jars (groupId:artifactId, version, path, layer, owning
dpkg package, each exactly once) and the OS. Prints one line per difference and exits 1 when
there is any."""
import json
import sys


def main():
    report = json.load(open(sys.argv[1]))
    expected = json.load(open(sys.argv[2]))
    problems = []
    got = {}
    for p in report["packages"]:
        if p["type"] != "deb":
            continue
        got[(p["name"], p["arch"])] = p
    want = {(p["name"], p["arch"]): p for p in expected["dpkg_packages"]}
    for key in sorted(set(want) - set(got)):
        problems.append("missing package %s:%s" % key)
    for key in sorted(set(got) - set(want)):
        problems.append("unexpected package %s:%s" % key)
    for key in sorted(set(want) & set(got)):
        w, g = want[key], got[key]
        pairs = [("version", "version"), ("source", "source_name"),
                 ("source_version", "source_version"), ("layer", "layer_index")]
        for wk, gk in pairs:
            if w.get(wk) != g.get(gk):
                problems.append("%s:%s: %s is %r, expected %r" % (key[0], key[1], gk, g.get(gk), w.get(wk)))
        layers = report.get("layers") or []
        li = g.get("layer_index")
        if li is not None and li < len(layers) and g.get("layer_diff_id") != layers[li]["diff_id"]:
            problems.append("%s: layer_diff_id does not match layers[%d]" % (key[0], li))
    # npm packages installed in the image (name, version, install layer, direct, lockfile).
    if "npm_packages" in expected:
        got_npm = {(p["name"], p["version"]): p for p in report["packages"] if p["type"] == "npm"}
        want_npm = {(p["name"], p["version"]): p for p in expected["npm_packages"]}
        for key in sorted(set(want_npm) - set(got_npm)):
            problems.append("missing npm package %s@%s" % key)
        for key in sorted(set(got_npm) - set(want_npm)):
            problems.append("unexpected npm package %s@%s" % key)
        for key in sorted(set(want_npm) & set(got_npm)):
            w, g = want_npm[key], got_npm[key]
            for wk, gk in [("layer", "layer_index"), ("direct", "direct"), ("lockfile", "lockfile")]:
                if w.get(wk) != g.get(gk):
                    problems.append("npm %s@%s: %s is %r, expected %r" % (key[0], key[1], gk, g.get(gk), w.get(wk)))
            if g.get("db_path") != w["path"] + "/package.json":
                problems.append("npm %s@%s: db_path is %r" % (key[0], key[1], g.get("db_path")))
    # Go binaries: the toolchain as package stdlib (go1.19.8 -> 1.19.8), modules when present.
    for b in expected.get("go_binaries", []):
        pk = [p for p in report["packages"] if p["type"] == "golang" and p["db_path"] == b["path"]]
        std = [p for p in pk if p["name"] == "stdlib"]
        want_std = b["go_version"][2:] if b["go_version"].startswith("go") else b["go_version"]
        if len(std) != 1 or std[0]["version"] != want_std:
            problems.append("go %s: stdlib %r, expected exactly one at %s" % (b["path"], [p["version"] for p in std], want_std))
        mods = {(p["name"], p["version"]) for p in pk if p["name"] != "stdlib"}
        want_mods = {(d["path"], d["version"]) for d in b.get("deps", [])}
        if b.get("main_module"):
            want_mods.add((b["main_module"]["path"], b["main_module"]["version"]))
        if mods != want_mods:
            problems.append("go %s: modules %s, expected %s" % (b["path"], sorted(mods), sorted(want_mods)))
        for p in pk:
            if p["layer_index"] != b["layer"] or p["os_package"] != b.get("dpkg_package") or not p["compiled_in"]:
                problems.append("go %s: %s layer %r os_package %r compiled_in %r, expected layer %r owner %r compiled in" % (
                    b["path"], p["name"], p["layer_index"], p["os_package"], p["compiled_in"], b["layer"], b.get("dpkg_package")))
    # Jars: each archive once (symlinks to it are not more packages).
    for j in expected.get("jars", []):
        name = "%s:%s" % (j["groupId"], j["artifactId"])
        pk = [p for p in report["packages"] if p["type"] == "maven" and p["name"] == name]
        if len(pk) != 1:
            problems.append("jar %s: found %d times (%s), expected once" % (name, len(pk), [p["db_path"] for p in pk]))
            continue
        g = pk[0]
        want = (j["version"], j["path"], j["layer"], j.get("dpkg_package"),
                "pkg:maven/%s/%s@%s" % (j["groupId"], j["artifactId"], j["version"]))
        have = (g["version"], g["db_path"], g["layer_index"], g["os_package"], g["purl"])
        if have != want:
            problems.append("jar %s: (version, path, layer, owner, purl) %r, expected %r" % (name, have, want))
    eos = expected.get("os", {})
    ros = report.get("os", {})
    for wk, gk in [("family", "family"), ("version", "version"), ("pretty_name", "pretty_name")]:
        if eos.get(wk) is not None and eos.get(wk) != ros.get(gk):
            problems.append("os.%s is %r, expected %r" % (gk, ros.get(gk), eos.get(wk)))
    for line in problems[:40]:
        print(line)
    if len(problems) > 40:
        print("... %d more" % (len(problems) - 40))
    n = len(want) + len(expected.get("npm_packages", [])) + len(expected.get("go_binaries", [])) + len(expected.get("jars", []))
    print("%d packages compared, %d problems" % (n, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
