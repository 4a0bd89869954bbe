#!/usr/bin/env python3
"""A webhook receiver for the notification benchmark and the crash check: answers 204 to every POST and appends
one line per delivery to a log: receive time (Unix seconds, float), webhook-id, event type.
Usage: receiver.py PORT_FILE LOG_FILE  (writes the port it listens on to PORT_FILE)."""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file = sys.argv[1], sys.argv[2]
lock = threading.Lock()
log = open(log_file, "a", buffering=1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        received = time.time()
        try:
            kind = json.loads(body).get("type", "?")
        except ValueError:
            kind = "?"
        with lock:
            log.write(f"{received:.6f} {self.headers.get('webhook-id', '-')} {kind}\n")
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
