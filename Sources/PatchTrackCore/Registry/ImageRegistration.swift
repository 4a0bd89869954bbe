import Foundation

/// What CI (or a person) tells PatchTrack about one image: validated, normalised, ready to store.
public struct ImageRegistration: Sendable, Equatable {
    /// Where the image lives.
    public var repository: RepositoryName
    /// The image's manifest digest: its identity.
    public var digest: Digest
    /// Tags in `repository` that now point to `digest`.
    public var tags: [String]
    /// The image's creation time.
    public var created: Date?
    /// `os/arch[/variant]`, e.g. `linux/amd64`.
    public var platform: String?
    /// Image labels (OCI annotations).
    public var labels: [String: String]?
    /// The source repository and revision the image was built from.
    public var source: BuildSource?
    /// The image it was built on, with that image's digest.
    public var base: ImageReference?

    /// Creates a registration.
    public init(
        repository: RepositoryName, digest: Digest, tags: [String] = [], created: Date? = nil, platform: String? = nil,
        labels: [String: String]? = nil, source: BuildSource? = nil, base: ImageReference? = nil
    ) {
        self.repository = repository
        self.digest = digest
        self.tags = tags
        self.created = created
        self.platform = platform
        self.labels = labels
        self.source = source
        self.base = base
    }
}

/// A source-code location an image was built from.
public struct BuildSource: Sendable, Equatable {
    /// The source repository URL.
    public var repository: String?
    /// The commit or revision.
    public var revision: String?

    /// Creates a build source.
    public init(repository: String?, revision: String?) {
        self.repository = repository
        self.revision = revision
    }
}
