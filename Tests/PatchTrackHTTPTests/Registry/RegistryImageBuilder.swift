import AsyncHTTPClient
import Foundation
import PatchTrackCore

/// Images for the test registry, written as real tools write them: an OCI config blob, one layer, and a manifest
/// (with BuildKit's base-image annotations when given); indexes with platform entries and an attestation entry.
struct RegistryImageBuilder {
    let registry: TestRegistry

    struct Pushed {
        var digest: String
        var configDigest: String
    }

    /// Pushes a single-platform image and tags it (when `tag` is given).
    @discardableResult
    func pushImage(
        _ path: String, tag: String?, created: String = Timestamp.format(Date().addingTimeInterval(-86_400)), labels: [String: String] = [:],
        platform: (os: String, architecture: String) = ("linux", "amd64"), base: (name: String, digest: String)? = nil,
        seed: String = UUID().uuidString, authorization: String? = nil
    ) async throws -> Pushed {
        let config: [String: Any] = [
            "created": created, "architecture": platform.architecture, "os": platform.os,
            "config": ["Labels": labels, "Env": ["PATH=/usr/bin"]],
            "rootfs": ["type": "layers", "diff_ids": ["sha256:" + String(repeating: "0", count: 64)]],
            "history": [["created": created, "created_by": "test \(seed)"]],
        ]
        let configData = try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
        let layer = Data("layer \(seed)".utf8)
        let configDigest = try await registry.pushBlob(path, configData, authorization: authorization)
        let layerDigest = try await registry.pushBlob(path, layer, authorization: authorization)
        var manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": OCIMediaType.imageManifest,
            "config": ["mediaType": OCIMediaType.imageConfig, "digest": configDigest, "size": configData.count],
            "layers": [["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layerDigest, "size": layer.count]],
        ]
        if let base {
            manifest["annotations"] = [RegistryImage.baseNameKey: base.name, RegistryImage.baseDigestKey: base.digest]
        }
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        let digest = try await registry.pushManifest(path, tag, data, mediaType: OCIMediaType.imageManifest, authorization: authorization)
        return Pushed(digest: digest, configDigest: configDigest)
    }

    /// Pushes two platform images and an index over them with a BuildKit attestation entry for the amd64 image,
    /// tagged `tag`. The attestation's in-toto layer is `statement` with its predicate type (an SPDX document as
    /// BuildKit's SBOM attestation), or a plain layer.
    func pushIndex(
        _ path: String, tag: String, base: (name: String, digest: String)? = nil, statement: (data: Data, predicateType: String)? = nil
    ) async throws -> (index: String, amd64: String, arm64: String) {
        let amd64 = try await pushImage(path, tag: nil, platform: ("linux", "amd64"), base: base)
        let arm64 = try await pushImage(path, tag: nil, platform: ("linux", "arm64"), base: base)
        // An attestation manifest as BuildKit attaches it (its own config and an in-toto layer).
        let attestation: Pushed
        if let statement {
            let layerDigest = try await registry.pushBlob(path, statement.data)
            let config = Data("{}".utf8)
            let configDigest = try await registry.pushBlob(path, config)
            let manifest: [String: Any] = [
                "schemaVersion": 2, "mediaType": OCIMediaType.imageManifest,
                "config": ["mediaType": OCIMediaType.imageConfig, "digest": configDigest, "size": config.count],
                "layers": [[
                    "mediaType": "application/vnd.in-toto+json", "digest": layerDigest, "size": statement.data.count,
                    "annotations": [AttachedSBOM.predicateTypeKey: statement.predicateType],
                ]],
            ]
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            attestation = Pushed(
                digest: try await registry.pushManifest(path, nil, data, mediaType: OCIMediaType.imageManifest), configDigest: configDigest)
        } else {
            attestation = try await pushImage(path, tag: nil, platform: ("unknown", "unknown"))
        }
        func entry(_ digest: String, _ architecture: String, annotations: [String: String]? = nil) async throws -> [String: Any] {
            var entry: [String: Any] = [
                "mediaType": OCIMediaType.imageManifest, "digest": digest, "size": try await size(path, digest),
                "platform": ["os": architecture == "unknown" ? "unknown" : "linux", "architecture": architecture],
            ]
            if let annotations { entry["annotations"] = annotations }
            return entry
        }
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": OCIMediaType.imageIndex,
            "manifests": [
                try await entry(amd64.digest, "amd64"), try await entry(arm64.digest, "arm64"),
                try await entry(attestation.digest, "unknown", annotations: [
                    "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd64.digest,
                ]),
            ],
        ]
        let data = try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys])
        let digest = try await registry.pushManifest(path, tag, data, mediaType: OCIMediaType.imageIndex)
        return (digest, amd64.digest, arm64.digest)
    }

    /// The size of the manifest `digest` as the registry serves it.
    private func size(_ path: String, _ digest: String) async throws -> Int {
        var request = HTTPClientRequest(url: "\(registry.url)/v2/\(path)/manifests/\(digest)")
        request.headers.add(name: "Accept", value: OCIMediaType.imageManifest)
        let response = try await registry.http.execute(request, timeout: .seconds(10))
        return Int(try await response.body.collect(upTo: 1 << 22).readableBytes)
    }
}
