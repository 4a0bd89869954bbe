import Foundation
import PatchTrackCore
import PatchTrackStorage

/// What was read of one image: its registrations (platform manifests first) and, for an index, the index.
struct ImageRead: Sendable {
    var images: [PolledImage]
    var index: OCIDocument?
}

/// Reads one image from a registry into registrations: a manifest with its config, or an index with each platform
/// manifest and its config (attestation manifests and `unknown/unknown` entries are not images and are skipped).
/// Everything is read and checked before anything is registered.
struct RegistryImageReader: Sendable {
    let remote: RegistryRepository
    let settings: RegistryClientSettings

    /// BuildKit marks the manifests of its attestations in the index so.
    static let referenceTypeKey = "vnd.docker.reference.type"

    /// ``read(repository:digest:tags:)`` as a result (child tasks of a poll return results, they do not throw).
    func readResult(repository: RepositoryName, digest: Digest, tags: [String]) async -> Result<ImageRead, RegistryError> {
        do {
            let read = try await read(repository: repository, digest: digest, tags: tags)
            return .success(ImageRead(images: read.images, index: read.index))
        } catch {
            return .failure(error)
        }
    }

    /// The registrations of the image `digest` (its platform manifests first when it is an index), and the index.
    func read(repository: RepositoryName, digest: Digest, tags: [String]) async throws(RegistryError) -> (images: [PolledImage], index: OCIDocument?) {
        let (document, _, _) = try await remote.manifest(reference: digest.value)
        switch document.kind {
        case .manifest:
            return ([try await image(repository: repository, digest: digest, tags: tags, manifest: document, platform: nil)], nil)
        case .index:
            var images: [PolledImage] = []
            for entry in document.manifests where Self.isImage(entry) {
                guard let entryDigest = try? Digest(parsing: entry.digest) else { throw .malformed("index entry digest \(entry.digest)") }
                let (manifest, _, _) = try await remote.manifest(reference: entryDigest.value)
                guard manifest.kind == .manifest else { continue }
                images.append(try await image(repository: repository, digest: entryDigest, tags: [], manifest: manifest, platform: entry.platform))
            }
            let index = RegistryImage.registration(repository: repository, digest: digest, tags: tags, index: document)
            images.append(PolledImage(registration: index, indexEntries: images.map(\.registration.digest)))
            return (images, document)
        }
    }

    private func image(
        repository: RepositoryName, digest: Digest, tags: [String], manifest: OCIDocument, platform: OCIPlatform?
    ) async throws(RegistryError) -> PolledImage {
        guard let config = manifest.config else { throw .malformed("the manifest \(digest) has no config") }
        let data = try await remote.blob(config.digest, limit: settings.maximumConfigBytes)
        let parsed = try OCIImageConfig(parsing: data)
        return PolledImage(registration: RegistryImage.registration(
            repository: repository, digest: digest, tags: tags, manifest: manifest, config: parsed, platform: platform))
    }

    static func isImage(_ entry: OCIDescriptor) -> Bool {
        guard OCIMediaType.kind(of: entry.mediaType) == .manifest else { return false }
        if entry.annotations?[referenceTypeKey] != nil { return false }
        if let platform = entry.platform, platform.os == "unknown" || platform.architecture == "unknown" { return false }
        return true
    }
}
