#!/usr/bin/env python3
"""A man in the middle for the browser test: forwards every GET to the node and, when the
response is the proof bundle JSON, flips one bit of the first record's signature on the way;
with the mode drop-claim-certificates it instead leaves out the certificate record behind each
claim the bundle states (the record whose id, SHA-256(body || signer || signature), a claim
names); with understate-seasons it states every plot's season total as 1 mg harvested (less
than the bundle's own harvests on it).

Usage: tamper_proxy.py LISTEN_PORT UPSTREAM_BASE_URL
       [flip-signature|drop-claim-certificates|understate-seasons]
"""
import hashlib
import http.server
import json
import sys
import urllib.error
import urllib.request

UPSTREAM = sys.argv[2].rstrip("/")
MODE = sys.argv[3] if len(sys.argv) > 3 else "flip-signature"


def record_id(envelope):
    return hashlib.sha256(bytes.fromhex(envelope["body"]) + bytes.fromhex(envelope["signer"]) +
                          bytes.fromhex(envelope["signature"])).hexdigest()


def tamper(bundle):
    if MODE == "understate-seasons":
        for season in bundle.get("plot_seasons", []):
            season["harvested_mg"] = 1
        return
    if MODE == "drop-claim-certificates":
        certificates = {claim["certificate"] for claim in bundle.get("claims", [])}
        bundle["records"] = [r for r in bundle["records"]
                             if record_id(r["envelope"]) not in certificates]
        return
    sig = bytearray.fromhex(bundle["records"][0]["envelope"]["signature"])
    sig[10] ^= 1
    bundle["records"][0]["envelope"]["signature"] = sig.hex()


class Proxy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "accept-language")}
        request = urllib.request.Request(UPSTREAM + self.path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, body, ctype = response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as e:
            status, body, ctype = e.code, e.read(), e.headers["Content-Type"]
        if ctype and ctype.startswith("application/json") and b'"format"' in body:
            bundle = json.loads(body)
            tamper(bundle)
            body = json.dumps(bundle).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Proxy).serve_forever()
