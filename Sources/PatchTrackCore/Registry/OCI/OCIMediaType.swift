/// The media types of the OCI image spec and of Docker's v2 schema 2 that PatchTrack reads from a registry.
/// https://github.com/opencontainers/image-spec/blob/main/media-types.md
public enum OCIMediaType {
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let imageConfig = "application/vnd.oci.image.config.v1+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"

    /// The `Accept` header of a manifest request: indexes and manifests of both families.
    public static let acceptedManifests = [imageIndex, imageManifest, dockerManifestList, dockerManifest]

    /// What kind of document a manifest media type names, or nil when PatchTrack cannot read it.
    public static func kind(of mediaType: String) -> OCIDocumentKind? {
        switch mediaType.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
        case imageIndex, dockerManifestList: .index
        case imageManifest, dockerManifest: .manifest
        default: nil
        }
    }
}

/// An index (a list of per-platform manifests) or an image manifest.
public enum OCIDocumentKind: Sendable, Equatable {
    case index
    case manifest
}
