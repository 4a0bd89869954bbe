import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackRegistry
@testable import PatchTrackStorage

/// SBOMs attached in the registry become scans, as if CI had posted them: cosign's `sha256-<hex>.sbom` tag and
/// BuildKit's SBOM attestation in an index (an in-toto statement whose predicate is the SPDX document).
@Suite("Registry SBOM attachments against a real registry", .enabled(if: TestRegistry.available, TestRegistry.skipReason))
struct RegistrySBOMTests {
    /// syft's SPDX 2.2 document for alpine:latest (Tests/Fixtures/README.md).
    static func spdx() throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PatchTrackCoreTests/Fixtures/scans/syft-spdx2.2-alpine-latest.json")
        return try Data(contentsOf: url)
    }

    @Test("cosign's .sbom tag and BuildKit's SBOM attestation are ingested for the image they describe")
    func attachments() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let builder = bed.builder
        let document = try Self.spdx()

        // given: an image with an SBOM attached as `cosign attach sbom --type spdx` does
        let single = try await builder.pushImage("acme/app", tag: "1.0")
        let layer = try await registry.pushBlob("acme/app", document)
        let config = Data("{}".utf8)
        let configDigest = try await registry.pushBlob("acme/app", config)
        let attachment: [String: Any] = [
            "schemaVersion": 2, "mediaType": OCIMediaType.imageManifest,
            "config": ["mediaType": OCIMediaType.imageConfig, "digest": configDigest, "size": config.count],
            "layers": [["mediaType": "text/spdx+json", "digest": layer, "size": document.count]],
        ]
        try await registry.pushManifest(
            "acme/app", "sha256-\(single.digest.dropFirst(7)).sbom", try JSONSerialization.data(withJSONObject: attachment),
            mediaType: OCIMediaType.imageManifest)
        // and a multi-platform image whose amd64 manifest has BuildKit's SBOM attestation
        let predicate = try JSONSerialization.jsonObject(with: document)
        let statement = try JSONSerialization.data(withJSONObject: [
            "_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://spdx.dev/Document",
            "subject": [["name": "pkg:docker/acme/multi@2.0?platform=linux%2Famd64", "digest": ["sha256": "00"]]],
            "predicate": predicate,
        ])
        let multi = try await builder.pushIndex("acme/app", tag: "2.0", statement: (statement, "https://spdx.dev/Document"))

        // `patchtrack registry check` reads the same without storing anything
        let inspection = try await poller.inspect(try ImageReference(parsing: "\(registry.host)/acme/app:2.0"))
        #expect(inspection.digest.value == multi.index)
        #expect(inspection.images.compactMap(\.platform) == ["linux/amd64", "linux/arm64"])
        #expect(inspection.sboms.map(\.imageDigest) == [multi.amd64])
        #expect(inspection.sboms.first?.format == "spdx" && (inspection.sboms.first?.packages ?? 0) > 5)
        #expect(inspection.signature.state == .unsigned)
        #expect(inspection.lines.contains { $0.contains("attached SBOM (attestation) for \(multi.amd64): spdx") })
        #expect(try await environment.database.registry.images(repository: nil, tag: nil, after: nil, limit: 10).items.isEmpty)

        // when
        let report = try await poller.poll(try await RegistryWatchTests.watch(environment, try registry.repository("acme/app"), tags: ["1.0", "2.0"]))

        // then: two scans, each on the image it describes, with syft's components
        #expect(report.error == nil)
        #expect(report.sbomsIngested == 2)
        try await environment.withClient { http in
            for digest in [single.digest, multi.amd64] {
                let scans = try await http.send(.get, "/v1/images/\(digest)/scans", token: environment.read)
                let items = try #require(scans.json["items"] as? [[String: Any]])
                #expect(items.count == 1, "\(digest)")
                #expect(items.first?["format"] as? String == "spdx")
                let components = try await http.send(.get, "/v1/images/\(digest)/components?limit=500", token: environment.read)
                #expect(((components.json["items"] as? [[String: Any]]) ?? []).count > 5)
            }
            let arm = try await http.send(.get, "/v1/images/\(multi.arm64)/scans", token: environment.read)
            #expect((arm.json["items"] as? [[String: Any]])?.isEmpty == true, "the attestation describes the amd64 manifest only")
        }
    }

    @Test("an attestation that is not an SBOM statement is reported in the watch's status; the image is still registered")
    func malformedAttestation() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let pushed = try await RegistryImageBuilder(registry: registry)
            .pushIndex("acme/app", tag: "3.0", statement: (Data("not json".utf8), "https://spdx.dev/Document"))
        let report = try await poller.poll(try await RegistryWatchTests.watch(environment, try registry.repository("acme/app"), tags: ["3.0"]))
        #expect(report.imagesRegistered == 3)
        #expect(report.error?.contains("SBOM") == true)
        #expect(try await environment.database.registry.image(digest: pushed.index) != nil)
    }
}
