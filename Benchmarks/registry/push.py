#!/usr/bin/env python3
"""Pushes images to a registry through its own API (no Docker): one shared layer, and per tag an OCI config and
manifest of its own (so each tag has its own digest). Usage: push.py REGISTRY_URL REPOSITORY COUNT [FIRST] [SEED]
[SIGNING_KEY.pem] pushes tags t0000..t(COUNT-1) starting at FIRST, with SEED varied to make new digests for the same
tags; with a key (an EC P-256 private key, PEM) each image also gets a cosign signature (simple-signing payload,
ECDSA signature by `openssl dgst -sha256 -sign`, under the tag sha256-<hex>.sig)."""
import base64, hashlib, json, subprocess, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor

base, repository, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
seed = sys.argv[5] if len(sys.argv) > 5 else "a"
key = sys.argv[6] if len(sys.argv) > 6 else None

def request(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as response:
        return response.status, response.headers

def blob(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    _, headers = request("POST", f"{base}/v2/{repository}/blobs/uploads/")
    location = headers["Location"]
    location = location if location.startswith("http") else base + location
    separator = "&" if "?" in location else "?"
    request("PUT", f"{location}{separator}digest={digest}", data, {"Content-Type": "application/octet-stream"})
    return digest, len(data)

layer = blob(b"shared layer")

def push(index):
    tag = f"t{index:04d}"
    config = json.dumps({
        "created": "2026-12-01T00:00:00Z", "architecture": "amd64", "os": "linux",
        "config": {"Labels": {"bench.tag": tag, "bench.seed": seed}},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]},
    }, sort_keys=True).encode()
    config_digest = blob(config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest[0], "size": config_digest[1]},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer[0], "size": layer[1]}],
    }, sort_keys=True).encode()
    request("PUT", f"{base}/v2/{repository}/manifests/{tag}", manifest,
            {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    if key:
        sign("sha256:" + hashlib.sha256(manifest).hexdigest())

# The signature manifests' empty config, uploaded once before the pushes start (threads uploading the same blob at
# once made the registry refuse a manifest now and then).
empty_config = blob(b"{}") if key else None

def sign(digest):
    payload = json.dumps({"critical": {"identity": {"docker-reference": repository}, "image": {"docker-manifest-digest": digest},
                                       "type": "cosign container image signature"}, "optional": None}).encode()
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=payload, capture_output=True, check=True).stdout
    payload_blob = blob(payload)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": empty_config[0], "size": empty_config[1]},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": payload_blob[0], "size": payload_blob[1],
                    "annotations": {"dev.cosignproject.cosign/signature": base64.b64encode(signature).decode()}}],
    }, sort_keys=True).encode()
    request("PUT", f"{base}/v2/{repository}/manifests/sha256-{digest[7:]}.sig", manifest,
            {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})

with ThreadPoolExecutor(8) as pool:
    list(pool.map(push, range(first, first + count)))
print(f"pushed {count} tags to {repository}")
