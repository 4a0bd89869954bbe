#!/usr/bin/env python3
"""Small documents the benchmark harness posts, and the hostile one.
  docs.py sbom OUT SEED [COMPONENTS]   a CycloneDX SBOM of COMPONENTS (default 100) Debian packages named as in the
                                       rebuild-plan data set (pkg0, pkg1, ...), versions drawn from SEED
  docs.py vex OUT N                    an OpenVEX document with one statement (vulnerability CVE-2099-N)
  docs.py rejected OUT COUNT           a JSON array of COUNT empty records (`{}`), each one rejected
  docs.py floor-check FILE COUNT       fails unless FILE's answer says COUNT components"""
import json, random, sys

kind, out = sys.argv[1], sys.argv[2]


def sbom(seed, count):
    rng = random.Random(seed)
    components = []
    for n in range(count):
        version = f"1.{rng.randint(0, 9)}.{rng.randint(0, 30)}-1"
        components.append({"type": "library", "name": f"pkg{n}", "version": version,
                           "purl": f"pkg:deb/debian/pkg{n}@{version}?arch=amd64&distro=debian-12"})
    return {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "metadata": {"timestamp": "2026-12-01T00:00:00Z"}, "components": components}


def vex(n):
    return {"@context": "https://openvex.dev/ns/v0.2.0", "@id": f"https://example.com/vex/bench-{n}", "author": "bench",
            "timestamp": "2026-12-01T00:00:00Z", "version": 1,
            "statements": [{"vulnerability": {"name": f"CVE-2099-{n:05d}"}, "products": [{"@id": "pkg:oci/none"}],
                            "status": "not_affected", "justification": "component_not_present"}]}


if __name__ == "__main__":
    if kind == "sbom":
        json.dump(sbom(int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 100), open(out, "w"))
    elif kind == "vex":
        json.dump(vex(int(sys.argv[3])), open(out, "w"))
    elif kind == "rejected":
        with open(out, "w") as f:
            f.write("[" + ",".join(["{}"] * int(sys.argv[3])) + "]")
    elif kind == "floor-check":
        answer = json.load(open(out))
        if answer.get("components") != int(sys.argv[3]):
            sys.exit(f"unexpected answer: {json.dumps(answer)[:300]}")
    else:
        sys.exit(__doc__)
