import Foundation
import PatchTrackCore

/// An SBOM found attached to an image in its registry.
struct FoundSBOM: Sendable {
    /// The image it describes.
    var imageDigest: Digest
    var data: Data
    var mediaType: String
    /// `tag`, `referrers` or `attestation`.
    var source: String
}

/// Finds the SBOMs attached to an image (Core's ``AttachedSBOM`` says where): cosign's `sha256-<hex>.sbom` tag, OCI
/// referrers with an SPDX or CycloneDX artifact type, and, for an index, BuildKit's attestation manifests of its
/// platform manifests.
struct SBOMFinder: Sendable {
    static let maximumDocuments = 20

    let remote: RegistryRepository
    /// Largest SBOM read.
    let limit: Int

    func documents(for digest: Digest, index: OCIDocument?) async throws(RegistryError) -> [FoundSBOM] {
        var found: [FoundSBOM] = []
        if let manifest = try await remote.manifestIfPresent(reference: AttachedSBOM.cosignTag(for: digest)) {
            found += try await layers(of: manifest.document, describing: digest, source: "tag")
        }
        if let referrers = try await remote.referrers(digest, artifactType: nil) {
            for referrer in referrers.prefix(Self.maximumDocuments) where AttachedSBOM.isSBOM(mediaType: referrer.artifactType ?? "") {
                guard let manifest = try await remote.manifestIfPresent(reference: referrer.digest) else { continue }
                found += try await layers(of: manifest.document, describing: digest, source: "referrers")
            }
        }
        let attestations = index.map(AttachedSBOM.attestations(in:)) ?? []
        for entry in attestations {
            guard let subjectDigest = try? Digest(parsing: entry.subject),
                let manifest = try await remote.manifestIfPresent(reference: entry.attestation)
            else { continue }
            for layer in manifest.document.layers.prefix(Self.maximumDocuments) where AttachedSBOM.isSBOMAttestation(layer) {
                let statement = try await remote.blob(layer.digest, limit: limit)
                found.append(FoundSBOM(
                    imageDigest: subjectDigest, data: try AttachedSBOM.predicate(ofStatement: statement), mediaType: "application/json",
                    source: "attestation"))
            }
        }
        return Array(found.prefix(Self.maximumDocuments))
    }

    /// The SBOM layers of an attachment manifest, read.
    private func layers(of manifest: OCIDocument, describing digest: Digest, source: String) async throws(RegistryError) -> [FoundSBOM] {
        var result: [FoundSBOM] = []
        for layer in manifest.layers.prefix(Self.maximumDocuments) where AttachedSBOM.isSBOM(mediaType: layer.mediaType) {
            let data = try await remote.blob(layer.digest, limit: limit)
            result.append(FoundSBOM(imageDigest: digest, data: data, mediaType: layer.mediaType, source: source))
        }
        return result
    }
}
