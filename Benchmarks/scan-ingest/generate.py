#!/usr/bin/env python3
"""Writes a 10,000-component CycloneDX 1.5 SBOM (as syft writes them) and a 10,000-package Trivy report
(SchemaVersion 2) for the scan-ingest benchmark. Usage: generate.py OUTDIR [COUNT] [SEED]"""
import json, random, sys

out, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(seed)
digest = lambda: "sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))

def version():
    return f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 200)}-{rng.randint(1, 9)}+deb12u{rng.randint(1, 5)}"

components = []
for i in range(count):
    name, v = f"libexample{i}", version()
    source = f"example-src{i // 3}"
    components.append({
        "bom-ref": f"pkg:deb/debian/{name}@{v}?arch=amd64&distro=debian-12&package-id={i:016x}",
        "type": "library", "name": name, "version": v,
        "purl": f"pkg:deb/debian/{name}@{v}?arch=amd64&upstream={source}&distro=debian-12",
        "properties": [
            {"name": "syft:package:foundBy", "value": "dpkg-db-cataloger"},
            {"name": "syft:package:type", "value": "deb"},
            {"name": "syft:location:0:layerID", "value": digest()},
            {"name": "syft:location:0:path", "value": f"/var/lib/dpkg/status.d/{name}"},
            {"name": "syft:metadata:source", "value": source},
            {"name": "syft:metadata:installedSize", "value": str(rng.randint(10, 9000))},
        ],
    })
image = digest()
cyclonedx = {
    "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "metadata": {
        "timestamp": "2026-11-27T10:00:00Z",
        "tools": {"components": [{"type": "application", "author": "anchore", "name": "syft", "version": "1.18.1"}]},
        "component": {"bom-ref": "image", "type": "container", "name": "registry.example.com/bench/app",
                      "version": image, "purl": f"pkg:oci/app@{image.replace(':', '%3A')}?repository_url=registry.example.com/bench/app"},
    },
    "components": components + [{"type": "operating-system", "name": "debian", "version": "12"}],
}
json.dump(cyclonedx, open(f"{out}/cyclonedx-10k.json", "w"))

packages = []
for i in range(count):
    name = f"libexample{i}"
    packages.append({
        "ID": f"{name}@1.{i}", "Name": name, "Identifier": {"PURL": f"pkg:deb/debian/{name}@1.{i}-1?arch=amd64&distro=debian-12"},
        "Version": f"1.{i}", "Release": "1", "Arch": "amd64", "SrcName": f"example-src{i // 3}", "SrcVersion": f"1.{i}",
        "SrcRelease": "1", "Licenses": ["GPL-2.0"], "Layer": {"Digest": digest(), "DiffID": digest()},
    })
trivy = {
    "SchemaVersion": 2, "CreatedAt": "2026-11-27T10:00:00Z", "ArtifactName": "registry.example.com/bench/app:1",
    "ArtifactType": "container_image",
    "Metadata": {"OS": {"Family": "debian", "Name": "12.8"}, "ImageID": digest(), "DiffIDs": [digest()],
                 "RepoTags": ["registry.example.com/bench/app:1"],
                 "RepoDigests": [f"registry.example.com/bench/app@{digest()}"],
                 "ImageConfig": {"architecture": "amd64", "os": "linux", "config": {"Labels": {"org.opencontainers.image.source": "https://example.com/app"}}}},
    "Results": [{"Target": "registry.example.com/bench/app:1 (debian 12.8)", "Class": "os-pkgs", "Type": "debian", "Packages": packages}],
}
json.dump(trivy, open(f"{out}/trivy-10k.json", "w"))
