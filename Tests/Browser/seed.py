#!/usr/bin/env python3
"""Seeds a PatchTrack server, through its API only, with the scenario the browser test reads (issue 15).

Standard library only. Usage on its own: `python3 Tests/Browser/seed.py BASE_URL ADMIN_TOKEN` prints the scenario as
JSON; the browser test imports `seed()` and `Api`.

The scenario:
- a policy whose SLA makes critical findings breached at once (0 days) and high ones due within 24 hours (1 day);
- three environments in order: `canary`, `staging`, `production` (environment names only take `[A-Za-z0-9._-]`, so
  the hostile strings go into their descriptions);
- an image lineage: the base `registry.example.com/base/python:3.12`, scanned with a real Syft CycloneDX SBOM
  (Tests/PatchTrackCoreTests/Fixtures/scans/syft-cdx1.4-alpine3.16.2.json), then rebuilt (its tag moves to a new
  digest), and two children built on the old base: `shop/checkout` (labels with hostile keys and values) and
  `shop/cart` (made 45 days ago: past the default maximum age of 30 days), so both need a rebuild for
  `base_image_updated`;
- `shop/checkout` carries `pkg:pypi/qutebrowser@1.4.0`, which the real OSV record PYSEC-2018-27 (Tests/
  PatchTrackCoreTests/Fixtures/advisories/pypi/PYSEC-2018-27.json, the pair AdvisoriesTests and MetricsTests post)
  affects, and `pkg:pypi/requests@2.25.0`, which a hand-written critical record TEST-BROWSER-1 with a hostile summary
  and details affects; `shop/cart` carries `pkg:pypi/urllib3@1.26.0`, hit by a hand-written high record
  TEST-BROWSER-2: so the fleet has a fixable critical (SLA breached), a fixable high (due within 24 h) and an
  unknown-severity finding;
- inventories: the vulnerable checkout digest runs in all three environments; staging also runs a workload named
  `"><img src=x onerror=alert(1)>` whose container is named `<script>alert(1)</script>` and whose kind is hostile too;
  production also runs the new base digest (no finding), so one workload is not vulnerable;
- a canary rollout of a rebuilt checkout digest (steps 25, 50, 100), reported at 25 %;
- the read token people sign in with, named `<script>alert(1)</script>` (token names are free text, and the page
  header shows the signed-in token's name on every page).
"""
import datetime
import hashlib
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO_ROOT, "Tests", "PatchTrackCoreTests", "Fixtures")

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = (SCRIPT, IMG)


class ApiError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} answered {status}: {body[:500]}")
        self.status = status
        self.body = body


class Api:
    """A tiny JSON client of the PatchTrack API with a bearer token."""

    def __init__(self, base_url, token):
        self.base = base_url.rstrip("/")
        self.token = token

    def request(self, method, path, body=None, content_type="application/json", accept=None, raw=False):
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raise ApiError(method, path, error.code, error.read().decode("utf-8", "replace")) from None
        if raw:
            return status, payload
        return json.loads(payload) if payload else None

    def get(self, path, query=None):
        if query:
            path += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        return self.request("GET", path)

    def post(self, path, body, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body):
        return self.request("PUT", path, body)

    def delete(self, path):
        return self.request("DELETE", path)


def digest(label):
    """A stable fake manifest digest for `label`."""
    return "sha256:" + hashlib.sha256(("patchtrack-browser-test " + label).encode()).hexdigest()


def cyclonedx(image_ref, image_digest, purls):
    """A CycloneDX 1.5 SBOM in the shape syft writes, for an image, with the given component purls."""
    components = []
    for index, purl in enumerate(purls):
        name_version = purl.split("/")[-1].split("?")[0]
        name, _, version = name_version.partition("@")
        components.append({"bom-ref": f"ref-{index}", "type": "library", "name": name, "version": version, "purl": purl})
    return {
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "author": "anchore", "name": "syft", "version": "1.18.1"}]},
            "component": {"bom-ref": "image", "type": "container", "name": image_ref, "version": image_digest},
        },
        "components": components,
    }


def osv(record_id, package, fixed, severity=None, summary=None, details=None, aliases=()):
    record = {
        "id": record_id, "modified": "2026-01-01T00:00:00Z", "published": "2025-12-01T00:00:00Z", "aliases": list(aliases),
        "affected": [{"package": {"ecosystem": "PyPI", "name": package},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
    }
    if severity:
        record["severity"] = [{"type": "CVSS_V3", "score": severity}]
    if summary is not None:
        record["summary"] = summary
    if details is not None:
        record["details"] = details
    return record


CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"   # 9.8
HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"       # 7.5


def days_ago(days):
    """An RFC 3339 time `days` before now (image creation times, so the policy's maximum age of 30 days picks exactly
    the one image made older than that whatever day the test runs)."""
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(base_url, admin_token):
    """Writes the scenario; answers what the test needs to know about it."""
    admin = Api(base_url, admin_token)

    admin.put("/v1/policy", {"sla_days": {"critical": 0, "high": 1, "medium": 30, "low": 90}})

    environments = [
        ("canary", "canary", 10, "eu-west canary"),
        ("staging", "staging", 20, SCRIPT),
        ("production", "production", 30, IMG),
    ]
    for name, stage, order, description in environments:
        admin.put(f"/v1/environments/{name}", {"stage": stage, "order": order, "description": description})

    base_repo = "registry.example.com/base/python"
    base_old, base_new = digest("base 3.12 old"), digest("base 3.12 new")
    checkout_repo, cart_repo = "registry.example.com/shop/checkout", "registry.example.com/shop/cart"
    checkout, cart, checkout_rebuilt = digest("checkout 1.0"), digest("cart 1.0"), digest("checkout 1.1")

    admin.post("/v1/images", {"repository": base_repo, "digest": base_old, "tags": ["3.12"],
                              "created": days_ago(20), "platform": "linux/amd64",
                              "labels": {"org.opencontainers.image.title": "python base"}})
    with open(os.path.join(FIXTURES, "scans", "syft-cdx1.4-alpine3.16.2.json"), "rb") as sbom:
        admin.post("/v1/scans?" + urllib.parse.urlencode({"image": f"{base_repo}:3.12@{base_old}"}), sbom.read(),
                   content_type="application/vnd.cyclonedx+json")
    checkout_labels = {
        "org.opencontainers.image.title": SCRIPT,
        "org.opencontainers.image.description": IMG,
        SCRIPT: "hostile label key",
    }
    admin.post("/v1/images", {"repository": checkout_repo, "digest": checkout, "tags": ["1.0"], "platform": "linux/amd64",
                              "created": days_ago(12), "labels": checkout_labels,
                              "source": {"repository": "https://git.example.com/shop/checkout", "revision": "0123abc"},
                              "base": {"reference": f"{base_repo}:3.12@{base_old}"}})
    admin.post("/v1/images", {"repository": cart_repo, "digest": cart, "tags": ["1.0"], "platform": "linux/amd64",
                              "created": days_ago(45),
                              "base": {"reference": f"{base_repo}:3.12@{base_old}"}})
    # The base is rebuilt: its tag moves, so both children are built on an outdated base.
    admin.post("/v1/images", {"repository": base_repo, "digest": base_new, "tags": ["3.12"],
                              "created": days_ago(3), "platform": "linux/amd64"})

    admin.post("/v1/scans", cyclonedx(f"{checkout_repo}:1.0", checkout,
                                      ["pkg:pypi/qutebrowser@1.4.0", "pkg:pypi/requests@2.25.0", "pkg:pypi/idna@3.4"]))
    admin.post("/v1/scans", cyclonedx(f"{cart_repo}:1.0", cart, ["pkg:pypi/urllib3@1.26.0", "pkg:pypi/idna@3.4"]))

    with open(os.path.join(FIXTURES, "advisories", "pypi", "PYSEC-2018-27.json"), "rb") as record:
        admin.post("/v1/advisories", record.read())
    admin.post("/v1/advisories", [
        osv("TEST-BROWSER-1", "requests", "2.31.0", CRITICAL, summary=SCRIPT, details=IMG, aliases=["CVE-2099-1501"]),
        osv("TEST-BROWSER-2", "urllib3", "1.26.18", HIGH, summary="urllib3 " + IMG,
            details="Hand-written test record " + SCRIPT),
    ])

    def rows(*entries):
        return [{"namespace": ns, "workload": wl, "container": ctr, "kind": kind, "image": image, "digest": dg, "replicas": n}
                for ns, wl, ctr, kind, image, dg, n in entries]

    admin.post("/v1/environments/canary/inventory", rows(
        ("shop", "checkout", "app", "Deployment", f"{checkout_repo}:1.0", checkout, 2)))
    admin.post("/v1/environments/staging/inventory", rows(
        ("shop", "checkout", "app", "Deployment", f"{checkout_repo}:1.0", checkout, 3),
        ("shop", IMG, SCRIPT, SCRIPT, f"{cart_repo}:1.0", cart, 1)))
    admin.post("/v1/environments/production/inventory", rows(
        ("shop", "checkout", "app", "Deployment", f"{checkout_repo}:1.0", checkout, 6),
        ("shop", "cart", "app", "Deployment", f"{cart_repo}:1.0", cart, 2),
        ("shop", "worker", "app", "Deployment", f"{base_repo}:3.12", base_new, 1)))

    admin.post("/v1/images", {"repository": checkout_repo, "digest": checkout_rebuilt, "tags": ["1.1"],
                              "platform": "linux/amd64", "created": days_ago(1),
                              "base": {"reference": f"{base_repo}:3.12@{base_new}"}})
    admin.post("/v1/scans", cyclonedx(f"{checkout_repo}:1.1", checkout_rebuilt,
                                      ["pkg:pypi/qutebrowser@1.4.1", "pkg:pypi/requests@2.31.0", "pkg:pypi/idna@3.4"]))
    # A failed rebuild of cart (the tag's digest is the one it replaces), its message hostile.
    admin.post("/v1/builds", {"repository": cart_repo, "tag": "1.0", "status": "failed",
                              "url": "https://ci.example.com/shop/cart/7", "message": "tests failed " + SCRIPT})
    rollout = admin.post("/v1/rollouts", {"environment": "canary", "workload": "shop/checkout", "repository": checkout_repo,
                                          "to_digest": checkout_rebuilt, "steps": [25, 50, 100]})
    reported = admin.post(f"/v1/rollouts/{rollout['id']}/events", {"status": "progressing", "weight": 25})

    read = admin.post("/v1/tokens", {"name": SCRIPT, "role": "read"})
    return {
        "read_token": read["token"], "read_token_id": read["id"], "read_token_name": read["name"],
        "environments": [name for name, *_ in environments],
        "environment_descriptions": {name: description for name, _, _, description in environments},
        "hostile_environment": "staging",
        "hostile_workload": IMG,
        "images": {"base_old": base_old, "base_new": base_new, "checkout": checkout, "cart": cart,
                   "checkout_rebuilt": checkout_rebuilt},
        "hostile_image": checkout,
        "hostile_labels": checkout_labels,
        "advisories": ["PYSEC-2018-27", "TEST-BROWSER-1", "TEST-BROWSER-2"],
        "hostile_advisory": "TEST-BROWSER-1",
        "rollout_id": rollout["id"],
        # The server's time of the last write the rebuild plan depends on (the plan is recomputed after writes).
        "last_write_at": reported["updated_at"],
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: seed.py BASE_URL ADMIN_TOKEN")
    print(json.dumps(seed(sys.argv[1], sys.argv[2]), indent=2))
