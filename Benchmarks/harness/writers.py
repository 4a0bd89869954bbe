#!/usr/bin/env python3
"""Concurrent writers for the benchmark harness: one thread per token in TOKENS_FILE (one ingest token a line), each
posting in turn, over one keep-alive connection, a scan of a 20-component SBOM for a new image of its own
(registry.example.com/bench/writerN), a 20-workload inventory of its environment `writers-N` (which must exist) and
an OpenVEX statement, until SIGTERM or SIGINT. Then prints one summary line (writes/s in all and per kind, median and
worst latency) and exits 1 when any write answered anything but 2xx (each such answer is printed to stderr).
Usage: writers.py HOST PORT TOKENS_FILE"""
import hashlib, http.client, json, os, signal, sys, threading, time

sys.path.insert(0, os.path.dirname(__file__))
from docs import sbom, vex  # noqa: E402

host, port, tokens = sys.argv[1], int(sys.argv[2]), [t.strip() for t in open(sys.argv[3]) if t.strip()]
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
lock = threading.Lock()
counts, latencies, failures = {"scan": 0, "inventory": 0, "vex": 0}, [], []


def writer(index, token):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    repository, digests, n = f"registry.example.com/bench/writer{index}", [], 0
    while not stop.is_set():
        n += 1
        kind = ("scan", "inventory", "vex")[n % 3]
        if kind == "scan" or not digests:
            kind = "scan"
            digest = "sha256:" + hashlib.sha256(f"writer-{index}-{n}".encode()).hexdigest()
            digests.append(digest)
            path, body = f"/v1/scans?image={repository}@{digest}", sbom(index * 1_000_000 + n, 20)
        elif kind == "inventory":
            path = f"/v1/environments/writers-{index}/inventory"
            body = [{"namespace": "bench", "workload": f"w{w:02d}", "container": "app", "image": repository + ":latest",
                     "digest": digests[(n + w) % len(digests)], "replicas": 2, "kind": "Deployment"} for w in range(20)]
        else:
            path, body = "/v1/vex", vex(index * 1_000_000 + n)
        payload = json.dumps(body).encode()
        start = time.monotonic()
        try:
            connection.request("POST", path, body=payload, headers=headers)
            answer = connection.getresponse()
            text = answer.read()
            status = answer.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=120)
            status, text = 0, str(error).encode()
        elapsed = time.monotonic() - start
        with lock:
            if 200 <= status < 300:
                counts[kind] += 1
                latencies.append(elapsed)
            else:
                failures.append(f"{kind} {path}: {status} {text[:300]!r}")


started = time.monotonic()
threads = [threading.Thread(target=writer, args=(i, t), daemon=True) for i, t in enumerate(tokens)]
for thread in threads:
    thread.start()
while not stop.is_set():
    stop.wait(0.2)
for thread in threads:
    thread.join(timeout=150)
elapsed = time.monotonic() - started
total = sum(counts.values())
latencies.sort()
median = latencies[len(latencies) // 2] * 1000 if latencies else 0
worst = latencies[-1] * 1000 if latencies else 0
print(f"writers={len(tokens)} seconds={elapsed:.1f} writes={total} rate={total / elapsed:.1f} "
      + " ".join(f"{k}={v / elapsed:.1f}" for k, v in counts.items())
      + f" median_ms={median:.1f} max_ms={worst:.1f} failures={len(failures)}")
for failure in failures[:20]:
    print("write failed: " + failure, file=sys.stderr)
sys.exit(1 if failures else 0)
