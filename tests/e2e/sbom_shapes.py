#!/usr/bin/env python3
"""Writes SBOMs the way Syft and Trivy write them, for tests/e2e/sbom_cmd.sh, from the same
dpkg status / apk installed files the vuln_real images are built from:

  sbom_shapes.py syft-cdx   STATUS OUT   Syft CycloneDX 1.5: deb purls with upstream=SRC[@VER],
                                         distro=debian-11, OS component, syft:* properties
  sbom_shapes.py trivy-cdx  STATUS OUT   Trivy CycloneDX 1.6: distro=debian-11.3, OS component
                                         version 11.3, aquasecurity:trivy:Src* properties,
                                         an application component without a purl
  sbom_shapes.py syft-spdx  INSTALLED OUT  Syft SPDX 2.3 of an Alpine 3.11 apk database: no OS
                                         package, purls with upstream=ORIGIN, distro=alpine-3.11.6

Each also lists lodash 4.17.15 (npm) so a language finding is expected too."""
import json
import sys
import urllib.parse


def q(s):
    return urllib.parse.quote(s, safe="")


def dpkg_packages(path):
    out, cur = [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                out.append(cur)
            cur = {}
        elif not line.startswith(" ") and ":" in line:
            k, v = line.split(":", 1)
            cur[k] = v.strip()
    if cur:
        out.append(cur)
    pkgs = []
    for p in out:
        if "install ok installed" not in p.get("Status", ""):
            continue
        src, srcver = p["Package"], p["Version"]
        if "Source" in p:
            parts = p["Source"].split()
            src = parts[0]
            if len(parts) > 1:
                srcver = parts[1].strip("()")
        pkgs.append(dict(name=p["Package"], version=p["Version"], arch=p.get("Architecture", "amd64"),
                         source=src, source_version=srcver))
    return pkgs


def apk_packages(path):
    pkgs, cur = [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                pkgs.append(cur)
            cur = {}
        elif len(line) > 2 and line[1] == ":":
            cur[line[0]] = line[2:]
    if cur:
        pkgs.append(cur)
    return [dict(name=p["P"], version=p["V"], arch=p.get("A", "x86_64"), origin=p.get("o", p["P"]))
            for p in pkgs if "P" in p]


LODASH = "pkg:npm/lodash@4.17.15"


def syft_cdx(status):
    comps = []
    for p in dpkg_packages(status):
        quals = "arch=%s" % p["arch"]
        if p["source"] != p["name"] or p["source_version"] != p["version"]:
            up = p["source"] if p["source_version"] == p["version"] else "%s@%s" % (p["source"], p["source_version"])
            quals += "&upstream=" + q(up)
        purl = "pkg:deb/debian/%s@%s?%s&distro=debian-11" % (p["name"], q(p["version"]), quals)
        comps.append({
            "bom-ref": purl + "&package-id=0123456789abcdef",
            "type": "library", "publisher": "Debian", "name": p["name"], "version": p["version"],
            "cpe": "cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*" % (p["name"], p["name"], p["version"]),
            "purl": purl,
            "properties": [
                {"name": "syft:package:foundBy", "value": "dpkg-db-cataloger"},
                {"name": "syft:package:type", "value": "deb"},
                {"name": "syft:package:metadataType", "value": "dpkg-db-entry"},
                {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"},
                {"name": "syft:metadata:source", "value": p["source"]},
            ]})
    comps.append({"bom-ref": "a1b2c3", "type": "library", "name": "lodash", "version": "4.17.15",
                  "purl": LODASH, "properties": [{"name": "syft:package:type", "value": "npm"}]})
    comps.append({"bom-ref": "os:debian@11", "type": "operating-system", "name": "debian", "version": "11",
                  "description": "Debian GNU/Linux 11 (bullseye)",
                  "properties": [{"name": "syft:distro:id", "value": "debian"},
                                 {"name": "syft:distro:versionID", "value": "11"}]})
    return {"$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json", "bomFormat": "CycloneDX",
            "specVersion": "1.5", "serialNumber": "urn:uuid:2b0c7b54-38f4-4b8b-9a57-1d0f5b0a6a11", "version": 1,
            "metadata": {"timestamp": "2024-05-01T10:00:00Z",
                         "tools": {"components": [{"type": "application", "author": "anchore", "name": "syft",
                                                   "version": "1.4.1"}]},
                         "component": {"bom-ref": "c0ffee", "type": "container",
                                       "name": "strata-test/debian11-vulns:1", "version": "sha256:" + "ab" * 32}},
            "components": comps, "dependencies": []}


def trivy_cdx(status):
    comps = [{"bom-ref": "3b1e5f7a-0000-4000-8000-000000000001", "type": "operating-system", "name": "debian",
              "version": "11.3", "properties": [{"name": "aquasecurity:trivy:Class", "value": "os-pkgs"},
                                                {"name": "aquasecurity:trivy:Type", "value": "debian"}]}]
    for p in dpkg_packages(status):
        sv = p["source_version"]
        epoch = sv.split(":", 1)[0] if ":" in sv else "0"
        rest = sv.split(":", 1)[-1]
        ver, rel = (rest.rsplit("-", 1) + [""])[:2] if "-" in rest else (rest, "")
        purl = "pkg:deb/debian/%s@%s?arch=%s&distro=debian-11.3" % (p["name"], q(p["version"]), p["arch"])
        props = [{"name": "aquasecurity:trivy:PkgID", "value": "%s@%s" % (p["name"], p["version"])},
                 {"name": "aquasecurity:trivy:PkgType", "value": "debian"},
                 {"name": "aquasecurity:trivy:SrcName", "value": p["source"]},
                 {"name": "aquasecurity:trivy:SrcVersion", "value": ver}]
        if rel:
            props.append({"name": "aquasecurity:trivy:SrcRelease", "value": rel})
        if epoch != "0":
            props.append({"name": "aquasecurity:trivy:SrcEpoch", "value": epoch})
        comps.append({"bom-ref": purl, "type": "library", "supplier": {"name": "Debian"}, "name": p["name"],
                      "version": p["version"], "purl": purl, "properties": props})
    comps.append({"bom-ref": "3b1e5f7a-0000-4000-8000-000000000002", "type": "application",
                  "name": "app/package-lock.json",
                  "properties": [{"name": "aquasecurity:trivy:Class", "value": "lang-pkgs"},
                                 {"name": "aquasecurity:trivy:Type", "value": "npm"}]})
    comps.append({"bom-ref": LODASH, "type": "library", "name": "lodash", "version": "4.17.15", "purl": LODASH,
                  "properties": [{"name": "aquasecurity:trivy:PkgType", "value": "npm"}]})
    return {"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", "bomFormat": "CycloneDX",
            "specVersion": "1.6", "serialNumber": "urn:uuid:9d2c7b54-38f4-4b8b-9a57-1d0f5b0a6a12", "version": 1,
            "metadata": {"timestamp": "2024-05-01T10:00:00+00:00",
                         "tools": {"components": [{"type": "application", "group": "aquasecurity", "name": "trivy",
                                                   "version": "0.52.0"}]},
                         "component": {"bom-ref": "pkg:oci/debian11-vulns@sha256%3A" + "cd" * 32,
                                       "type": "container", "name": "strata-test/debian11-vulns:1",
                                       "purl": "pkg:oci/debian11-vulns@sha256%3A" + "cd" * 32,
                                       "properties": [{"name": "aquasecurity:trivy:SchemaVersion", "value": "2"}]}},
            "components": comps, "dependencies": []}


def syft_spdx(installed):
    pkgs = [{"name": "strata-test/alpine311-vulns", "SPDXID": "SPDXRef-DocumentRoot-Image-alpine311",
             "versionInfo": "sha256:" + "ef" * 32, "supplier": "NOASSERTION", "downloadLocation": "NOASSERTION",
             "primaryPackagePurpose": "CONTAINER", "licenseConcluded": "NOASSERTION",
             "licenseDeclared": "NOASSERTION", "copyrightText": "NOASSERTION",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:oci/alpine311-vulns@sha256%3A" + "ef" * 32}]}]
    rels = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-alpine311"}]
    for i, p in enumerate(apk_packages(installed) + [dict(name="lodash", version="4.17.15")]):
        if "origin" in p:
            purl = "pkg:apk/alpine/%s@%s?arch=%s&upstream=%s&distro=alpine-3.11.6" % (
                p["name"], q(p["version"]), p["arch"], q(p["origin"]))
        else:
            purl = LODASH
        sid = "SPDXRef-Package-%s-%s-%d" % ("apk" if "origin" in p else "npm", p["name"], i)
        pkgs.append({"name": p["name"], "SPDXID": sid, "versionInfo": p["version"], "supplier": "NOASSERTION",
                     "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
                     "sourceInfo": "acquired package info from APK DB: /lib/apk/db/installed",
                     "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION",
                     "copyrightText": "NOASSERTION",
                     "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                                       "referenceLocator": "cpe:2.3:a:%s:%s:*:*:*:*:*:*:*:*" % (p["name"], p["name"])},
                                      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                       "referenceLocator": purl}]})
        rels.append({"spdxElementId": "SPDXRef-DocumentRoot-Image-alpine311", "relationshipType": "CONTAINS",
                     "relatedSpdxElement": sid})
    return {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
            "name": "strata-test/alpine311-vulns", "documentNamespace": "https://anchore.com/syft/image/x-1",
            "creationInfo": {"licenseListVersion": "3.23", "creators": ["Organization: Anchore, Inc",
                                                                         "Tool: syft-1.4.1"],
                             "created": "2024-05-01T10:00:00Z"},
            "packages": pkgs, "relationships": rels}


def main():
    kind, src, out = sys.argv[1:4]
    doc = {"syft-cdx": syft_cdx, "trivy-cdx": trivy_cdx, "syft-spdx": syft_spdx}[kind](src)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
