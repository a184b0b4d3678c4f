#!/usr/bin/env python3
"""A small HTTP server for tests/e2e/db_update.sh: serves ROOT on 127.0.0.1 (a free port,
written to PORTFILE) and misbehaves on purpose under /x/:

  /x/short/PATH           announces the full Content-Length, sends half, closes
  /x/status/CODE          answers CODE with a small text body
  /x/flaky/N/KEY/PATH     answers 500 to the first N requests for KEY, then serves PATH
  /x/busy/KEY/PATH        answers 429 with Retry-After: 1 once per KEY, then serves PATH
  /x/stall/PATH           sends headers and 10 bytes, then nothing for 30 seconds
  /x/chunked/PATH         serves PATH chunked, without Content-Length
  /x/html                 200 with an HTML page (a captive portal, a CDN error page)

Every request is appended to LOGFILE as "METHOD PATH" (one line), so tests can count attempts.
Usage: db_update_server.py ROOT PORTFILE LOGFILE
"""
import http.server
import os
import sys
import threading
import time

ROOT, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
counts = {}
lock = threading.Lock()


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def file(self, rel):
        if ".." in rel.split("/"):
            return None
        path = os.path.join(ROOT, rel)
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def send_body(self, code, body, ctype="application/octet-stream", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def serve(self, rel):
        data = self.file(rel)
        if data is None:
            self.send_body(404, b"not found\n", "text/plain")
        else:
            self.send_body(200, data)

    def do_GET(self):
        with lock:
            with open(LOGFILE, "a") as log:
                log.write("GET %s\n" % self.path)
        p = self.path.lstrip("/")
        if not p.startswith("x/"):
            return self.serve(p)
        parts = p.split("/")
        kind = parts[1]
        if kind == "short":
            data = self.file("/".join(parts[2:])) or b"0123456789" * 100
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif kind == "status":
            self.send_body(int(parts[2]), b"error page\n", "text/plain")
        elif kind == "flaky":
            n, key = int(parts[2]), parts[3]
            if bump(key) <= n:
                self.send_body(500, b"try again\n", "text/plain")
            else:
                self.serve("/".join(parts[4:]))
        elif kind == "busy":
            if bump(parts[2]) == 1:
                self.send_body(429, b"slow down\n", "text/plain", [("Retry-After", "1")])
            else:
                self.serve("/".join(parts[3:]))
        elif kind == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"PK\x03\x04stall")
            self.wfile.flush()
            time.sleep(30)
            self.close_connection = True
        elif kind == "chunked":
            data = self.file("/".join(parts[2:])) or b""
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(data), 4096):
                chunk = data[i : i + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
        elif kind == "html":
            self.send_body(200, b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>\n",
                           "text/html")
        else:
            self.send_body(404, b"unknown\n", "text/plain")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = PORTFILE + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, PORTFILE)
server.serve_forever()
