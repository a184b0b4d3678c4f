#!/usr/bin/env python3
"""A small OCI distribution registry for strata's registry e2e tests: serves the images of an
OCI layout directory (index.json ref.name = tag; blobs by digest) and misbehaves on purpose,
per repository name, in the ways the real registry will not do on demand:

  ok/…        behaves
  flaky/…     every manifest and blob path answers 429 (Retry-After: 1) then 503 before it
              works; /_stats shows the attempts
  garbage/…   manifests are 200 with bytes that are not JSON
  nothttp/…   answers bytes that are not HTTP at all
  slow/…      answers manifests after 30 s (the test uses --timeout)
  corrupt/…   blobs have one byte changed (the digest check must refuse them)
  short/…     blobs are cut short (Content-Length honest about the short body)
  bearer/…    wants a Bearer token from /token (Basic user:pass there when --user is given);
              the token answer uses "access_token" only, like OAuth servers
  forbidden/… 403 with a registry error body
  redirect/…  like bearer/, and blobs redirect (307) to http://localhost:PORT/_storage/…, another
              host, like S3-backed registries; storage refuses requests that carry an
              Authorization header (a client must not hand the registry token to storage)

Usage: fake_registry.py --layout DIR --port-file FILE [--user u:p]
Stats: GET /_stats -> {"path": count}.
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {}
LOCK = threading.Lock()
TOKENS = set()


def count(path):
    with LOCK:
        STATS[path] = STATS.get(path, 0) + 1
        return STATS[path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    layout = None
    user = None

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", ctype="application/json", headers=None, head=False):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def error(self, code, ecode, msg, headers=None):
        body = json.dumps({"errors": [{"code": ecode, "message": msg}]}).encode()
        self.send(code, body, headers=headers, head=self.command == "HEAD")

    def do_HEAD(self):
        self.do_GET()

    def token(self):
        if self.user:
            want = "Basic " + base64.b64encode(self.user.encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.error(401, "UNAUTHORIZED", "bad credentials")
        t = secrets.token_hex(16)
        TOKENS.add(t)
        self.send(200, json.dumps({"access_token": t, "expires_in": 300}).encode())

    def blob_bytes(self, digest):
        if not digest.startswith("sha256:"):
            return None
        p = os.path.join(self.layout, "blobs", "sha256", digest[7:])
        if not os.path.isfile(p):
            return None
        with open(p, "rb") as f:
            return f.read()

    def manifest_for(self, ref):
        if ref.startswith("sha256:"):
            data = self.blob_bytes(ref)
            if data is None:
                return None, None
            return data, json.loads(data).get("mediaType", "application/vnd.oci.image.manifest.v1+json")
        with open(os.path.join(self.layout, "index.json")) as f:
            index = json.load(f)
        for d in index["manifests"]:
            if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
                return self.blob_bytes(d["digest"]), d["mediaType"]
        return None, None

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        head = self.command == "HEAD"
        if path == "/_stats":
            with LOCK:
                return self.send(200, json.dumps(STATS).encode())
        if path == "/token":
            return self.token()
        if path.startswith("/_storage/"):
            count(path)
            if self.headers.get("Authorization"):
                return self.error(400, "LEAK", "storage got the registry's Authorization header")
            data = self.blob_bytes(path[len("/_storage/"):])
            return self.send(200, data, "application/octet-stream", head=head)
        if path == "/v2/" or path == "/v2":
            return self.send(200, b"{}")
        parts = path.split("/")
        # /v2/<repo…>/manifests/<ref> or /v2/<repo…>/blobs/<digest>
        if len(parts) < 5 or parts[1] != "v2" or parts[-2] not in ("manifests", "blobs"):
            return self.error(404, "NAME_UNKNOWN", "no such path")
        repo, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
        mode = repo.split("/")[0]
        n = count(path)
        if mode == "nothttp":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01garbage\r\n\r\n")
            self.close_connection = True
            return
        if mode == "flaky" and n == 1:
            return self.error(429, "TOOMANYREQUESTS", "slow down", {"Retry-After": "1"})
        if mode == "flaky" and n == 2:
            return self.error(503, "UNAVAILABLE", "try again")
        if mode == "slow" and kind == "manifests":
            time.sleep(30)
        if mode == "forbidden":
            return self.error(403, "DENIED", "requested access to the resource is denied")
        if mode in ("bearer", "redirect"):
            auth = self.headers.get("Authorization", "")
            if not (auth.startswith("Bearer ") and auth[7:] in TOKENS):
                host = self.headers.get("Host")
                chal = ('Bearer realm="http://%s/token",service="fake",scope="repository:%s:pull"'
                        % (host, repo))
                return self.error(401, "UNAUTHORIZED", "authentication required",
                                  {"WWW-Authenticate": chal})
        if kind == "manifests":
            data, mt = self.manifest_for(ref)
            if data is None:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            if mode == "garbage":
                return self.send(200, b"\x89PNG\r\n\x1a\n not a manifest", mt, head=head)
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            return self.send(200, data, mt, {"Docker-Content-Digest": digest}, head=head)
        data = self.blob_bytes(ref)
        if data is None:
            return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        if mode == "redirect":
            port = self.server.server_address[1]
            loc = "http://localhost:%d/_storage/%s" % (port, ref)
            return self.send(307, b"", headers={"Location": loc}, head=head)
        if mode == "corrupt" and len(data) > 100:
            data = data[:50] + bytes([data[50] ^ 1]) + data[51:]
        if mode == "short":
            data = data[: len(data) // 2]
        self.send(200, data, "application/octet-stream", head=head)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user")
    a = ap.parse_args()
    Handler.layout = a.layout
    Handler.user = a.user
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
