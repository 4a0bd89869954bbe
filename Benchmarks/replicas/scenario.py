#!/usr/bin/env python3
"""Two-replica scenario (issue 11): two `patchtrack serve` processes on one PostgreSQL database.

Writes (images, scans, advisories, VEX, inventory) are spread over both replicas and every write is read back from
the other one at once; after each write both replicas must answer the same rebuild plan, and `/v1/status` the same
figures once each has caught up with that plan (`rebuilds_computed_at`). Then, several times, replica A is killed
with SIGKILL in the middle of a 10,000-component scan ingest while small acknowledged writes go to it: the survivor
must hold every acknowledged write, and the killed ingest either whole or not at all; A is restarted each time.

Usage: scenario.py PATCHTRACK_BINARY DATABASE_URL [KILLS]   (DATABASE_URL: a new, empty PostgreSQL database)
Prints one line per check and exits non-zero on the first violation."""
import json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

binary, database = sys.argv[1], sys.argv[2]
kills = int(sys.argv[3]) if len(sys.argv) > 3 else 5
rng = random.Random(11)
work = tempfile.mkdtemp(prefix="patchtrack-replicas-")
checks = 0


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check(condition, message):
    global checks
    if not condition:
        fail(message)
    checks += 1


def run(*arguments):
    return subprocess.run([binary, *arguments, "--database", database], check=True, capture_output=True, text=True).stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    def __init__(self, name):
        self.name, self.port, self.process = name, free_port(), None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        log = open(os.path.join(work, f"{self.name}.log"), "a")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--database", database, "--log-level", "warning"],
            stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/readyz", timeout=2)
                return
            except Exception:
                time.sleep(0.1)
        fail(f"replica {self.name} did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def call(replica, method, path, token, body=None, timeout=120):
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(replica.url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
            return response.status, (json.loads(text) if text and response.headers.get_content_type().endswith("json") else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def digest():
    return "sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def sbom(image, packages):
    components = [{"bom-ref": f"c{i}", "type": "library", "name": name, "version": version,
                   "purl": f"pkg:deb/debian/{name}@{version}?arch=amd64&distro=debian-12"}
                  for i, (name, version) in enumerate(packages)]
    components.append({"type": "operating-system", "name": "debian", "version": "12"})
    return {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "metadata": {"tools": {"components": [{"type": "application", "author": "anchore", "name": "syft", "version": "1.18.1"}]},
                         "component": {"bom-ref": "image", "type": "container", "name": "app", "version": image}},
            "components": components}


def advisory(number, package, fixed):
    return {"id": f"TEST-REPLICA-{number}", "modified": "2026-11-01T00:00:00Z", "aliases": [f"CVE-2099-{number:05d}"],
            "database_specific": {"severity": rng.choice(["LOW", "MEDIUM", "HIGH", "CRITICAL"])},
            "affected": [{"package": {"ecosystem": "Debian:12", "name": package},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]}


def plan(replica):
    status, body = call(replica, "GET", "/v1/rebuilds/plan?limit=1000", read)
    check(status == 200, f"plan on {replica.name}: {status}")
    body.pop("generated_at", None)
    return body


def status_after(replica, since):
    """/v1/status once the replica's plan figures were computed after `since` (ISO text)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        status, body = call(replica, "GET", "/v1/status", read)
        check(status == 200, f"status on {replica.name}: {status}")
        if (body.get("images", {}).get("rebuilds_computed_at") or "") >= since:
            return body
        time.sleep(0.2)
    fail(f"/v1/status on {replica.name} did not catch up with the plan of {since}")


def comparable(status):
    status = json.loads(json.dumps(status))
    status.get("images", {}).pop("rebuilds_computed_at", None)
    status.pop("generated_at", None)
    return status


def lease_holder(job):
    """The live holder of a background job's lease, read from the database (None when nobody holds it)."""
    out = subprocess.run(
        ["psql", "-X", "-At", database, "-c",
         f"SELECT holder FROM lease WHERE name = '{job}' AND expiresAt > to_char(now() AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"],
        capture_output=True, text=True, check=True).stdout.strip()
    return out or None


def now_text():
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


run("migrate")
admin = run("token", "create", "--role", "admin", "--name", "scenario-admin")
ingest = run("token", "create", "--role", "ingest", "--name", "scenario-ci")
read = run("token", "create", "--role", "read", "--name", "scenario-read")
a, b = Replica("a"), Replica("b")
a.start()
b.start()
acknowledged = []  # (kind, key) of every write a replica answered 2xx
try:
    packages = [(f"libpkg{i}", f"1.{i}.0-1") for i in range(60)]
    call(a, "PUT", "/v1/environments/prod", admin, {"stage": "production", "order": 1})
    for round_ in range(12):
        writer, reader = (a, b) if round_ % 2 == 0 else (b, a)
        image = digest()
        repository = f"registry.example.com/team/app{round_ % 4}"
        chosen = rng.sample(packages, 20)
        s, body = call(writer, "POST", f"/v1/scans?image={repository}:v{round_}@{image}", ingest, sbom(image, chosen))
        check(s in (200, 201), f"scan on {writer.name}: {s} {body}")
        acknowledged.append(("image", image))
        s, body = call(reader, "GET", f"/v1/images/{image}", read)
        check(s == 200, f"image written on {writer.name} not readable on {reader.name}: {s}")
        name, version = rng.choice(chosen)
        s, body = call(reader, "POST", "/v1/advisories", ingest, advisory(round_, name, version.replace("-1", "-2")))
        check(s in (200, 201), f"advisory on {reader.name}: {s} {body}")
        acknowledged.append(("advisory", f"TEST-REPLICA-{round_}"))
        s, body = call(writer, "GET", f"/v1/images/{image}/findings", read)
        check(s == 200 and len(body["items"]) >= 1, f"finding made on {reader.name} not on {writer.name}: {s} {body}")
        workloads = [{"namespace": "shop", "workload": f"app{i}", "container": "app", "image": f"{repository}:v{round_}",
                      "digest": image, "replicas": 2} for i in range(3)]
        s, body = call(writer, "POST", "/v1/environments/prod/inventory", ingest, workloads)
        check(s in (200, 201), f"inventory on {writer.name}: {s} {body}")
        since = now_text()
        plan_a, plan_b = plan(a), plan(b)
        check(plan_a == plan_b, f"plans differ after round {round_}")
        check(comparable(status_after(a, since)) == comparable(status_after(b, since)), f"status differs after round {round_}")
    print(f"writes spread over both replicas: {len(acknowledged)} acknowledged, each read back from the other replica; "
          f"plans equal after every round ({plan(a)['total']} plan items at the end); status equal once caught up")

    big = os.path.join(work, "big.json")
    for kill in range(kills):
        big_image = digest()
        large = sbom(big_image, [(f"libbig{i}", f"2.{i % 50}.{kill}-1") for i in range(10_000)])
        payload = json.dumps(large).encode()
        outcome = {}

        def big_ingest():
            try:
                outcome["status"] = call(a, "POST", f"/v1/scans?image=registry.example.com/team/big@{big_image}", ingest, payload)[0]
            except Exception as error:  # the connection dies with the replica
                outcome["error"] = str(error)

        small_acks = []

        def small_writes():
            n = 0
            while a.process.poll() is None:
                image = digest()
                try:
                    s, _ = call(a, "POST", "/v1/images", ingest, {"reference": f"registry.example.com/team/small:k{kill}n{n}@{image}"}, timeout=10)
                    if s in (200, 201):
                        small_acks.append(image)
                except Exception:
                    return
                n += 1

        threads = [threading.Thread(target=big_ingest), threading.Thread(target=small_writes)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.05, 2.5))
        a.kill()
        for thread in threads:
            thread.join()
        for image in small_acks:
            s, _ = call(b, "GET", f"/v1/images/{image}", read)
            check(s == 200, f"acknowledged image {image} lost after SIGKILL")
        s, scans = call(b, "GET", f"/v1/images/{big_image}/scans", read)
        stored = scans.get("items", []) if s == 200 and isinstance(scans, dict) else []
        if stored:
            s, components = call(b, "GET", f"/v1/images/{big_image}/components?limit=1000", read)
            total, cursor = len(components["items"]), components.get("next_cursor")
            while cursor:
                s, components = call(b, "GET", f"/v1/images/{big_image}/components?limit=1000&cursor={cursor}", read)
                total, cursor = total + len(components["items"]), components.get("next_cursor")
            check(total == 10_001 or total == 10_000, f"half-written scan: {total} components")
        check(not (outcome.get("status") in (200, 201) and not stored), "an acknowledged scan is missing")
        a.start()
        since = now_text()
        check(plan(a) == plan(b), f"plans differ after kill {kill}")
        check(comparable(status_after(a, since)) == comparable(status_after(b, since)), f"status differs after kill {kill}")
        print(f"kill {kill + 1}: big ingest {'acknowledged' if outcome.get('status') else ('stored' if stored else 'absent')}"
              f"{' and whole' if stored else ''}; {len(small_acks)} acknowledged small writes all on the survivor; plans and status equal")
    for kind, key in acknowledged:
        path = f"/v1/images/{key}" if kind == "image" else f"/v1/advisories/{key}"
        check(call(b, "GET", path, read)[0] == 200, f"{kind} {key} lost")

    # The background job's lease: one live holder among the replicas; SIGKILL it and the other takes the job over
    # once the lease expires (45 s after its last renewal).
    # A replica killed above may still hold it until its lease expires.
    waited = time.time()
    while True:
        holder = lease_holder("inventory-retention")
        owner = next((r for r in (a, b) if holder and holder.split(":")[-2] == str(r.process.pid)), None)
        if owner or time.time() - waited > 90:
            break
        time.sleep(1)
    check(owner is not None, f"the retention lease is held by {holder!r}, not by a live replica")
    other = b if owner is a else a
    owner.kill()
    killed = time.time()
    while time.time() - killed < 90:
        holder = lease_holder("inventory-retention")
        if holder and holder.split(":")[-2] == str(other.process.pid):
            break
        time.sleep(1)
    check(holder and holder.split(":")[-2] == str(other.process.pid), f"the lease stayed with the killed replica: {holder!r}")
    print(f"background job lease: held by replica {owner.name}, taken over by {other.name} "
          f"{time.time() - killed:.0f} s after SIGKILL")
    print(f"OK: {checks} checks passed")
finally:
    a.stop()
    b.stop()
# The replicas' logs stay for a failed run (fail() exits before this line).
shutil.rmtree(work, ignore_errors=True)
