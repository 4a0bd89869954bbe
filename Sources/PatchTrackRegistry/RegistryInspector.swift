import Foundation
import PatchTrackCore
import PatchTrackStorage

/// What PatchTrack would learn about one image reference, read from its registry and stored nowhere
/// (`patchtrack registry check`).
public struct RegistryInspection: Sendable {
    public struct SBOM: Sendable {
        public var imageDigest: String
        public var source: String
        public var format: String
        public var packages: Int
    }

    public var reference: ImageReference
    public var digest: Digest
    /// The registrations a poll would make: an index's platform manifests first, then the image itself.
    public var images: [ImageRegistration]
    public var signature: SignatureCheck
    public var signatureSource: String?
    public var sboms: [SBOM]
    /// Attached documents that could not be read.
    public var problems: [String]

    /// The lines `patchtrack registry check` prints.
    public var lines: [String] {
        var lines = ["\(reference.repository.value)@\(digest)"]
        for image in images {
            var parts = ["  \(image.digest)"]
            if let platform = image.platform { parts.append("platform \(platform)") }
            if let created = image.created { parts.append("created \(Timestamp.format(created))") }
            if let base = image.base { parts.append("base \(base)") }
            if image.digest == digest { parts.append(images.count > 1 ? "(index)" : "(manifest)") }
            lines.append(parts.joined(separator: "  "))
        }
        lines.append("  signature: \(signature.state.rawValue)" + (signature.key.map { " by \($0)" } ?? "")
            + (signatureSource.map { " (\($0))" } ?? "") + (signature.detail.map { ": \($0)" } ?? ""))
        if sboms.isEmpty { lines.append("  attached SBOMs: none") }
        for sbom in sboms {
            lines.append("  attached SBOM (\(sbom.source)) for \(sbom.imageDigest): \(sbom.format), \(sbom.packages) packages")
        }
        lines += problems.map { "  problem: \($0)" }
        return lines
    }
}

extension RegistryPoller {
    /// Reads `reference` (a tag or a digest) as a poll would, without storing anything.
    public func inspect(_ reference: ImageReference) async throws -> RegistryInspection {
        let access = try await database.registries.access(host: reference.repository.domain)
        let remote = client.repository(reference.repository, access: access)
        let digest: Digest
        if let known = reference.digest {
            digest = known
        } else {
            digest = try await remote.resolve(tag: reference.tag ?? "latest")
        }
        let read = try await RegistryImageReader(remote: remote, settings: client.settings)
            .read(repository: reference.repository, digest: digest, tags: reference.tag.map { [$0] } ?? [])
        let keys = try await database.policies.policy().defaults.trustedKeys
        let (check, source) = try await SignatureChecker(remote: remote).check(digest, keys: keys)
        var sboms: [RegistryInspection.SBOM] = []
        var problems: [String] = []
        for found in try await SBOMFinder(remote: remote, limit: client.settings.maximumSBOMBytes).documents(for: digest, index: read.index) {
            do {
                let document = try ScanDocument.parse(found.data, contentType: found.mediaType)
                sboms.append(RegistryInspection.SBOM(
                    imageDigest: found.imageDigest.value, source: found.source, format: document.format.rawValue, packages: document.packages.count))
            } catch {
                problems.append("attached SBOM (\(found.source)) for \(found.imageDigest): \(error.detail)")
            }
        }
        return RegistryInspection(
            reference: reference, digest: digest, images: read.images.map(\.registration), signature: check, signatureSource: source,
            sboms: sboms, problems: problems)
    }
}
