import Foundation

/// One registry image that counts for rebuild planning, with what is known of the image it was built on.
public struct PlanImage: Hashable, Sendable {
    /// The image's manifest digest: its identity.
    public var digest: Digest
    /// The repository the image belongs to.
    public var repository: RepositoryName
    /// Tags in `repository` that point to the image.
    public var tags: [String]
    /// When the image was created, when known.
    public var created: Date?
    /// The image it was built on: repository, plus the tag and the digest when known.
    public var base: ImageReference?

    /// Creates an image.
    public init(digest: Digest, repository: RepositoryName, tags: [String] = [], created: Date? = nil, base: ImageReference? = nil) {
        self.digest = digest
        self.repository = repository
        self.tags = tags
        self.created = created
        self.base = base
    }
}

/// A tag in a repository, e.g. `docker.io/library/debian` + `bookworm`.
public struct RepositoryTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The repository.
    public var repository: RepositoryName
    /// The tag name.
    public var tag: String

    /// Creates a repository tag.
    public init(repository: RepositoryName, tag: String) {
        self.repository = repository
        self.tag = tag
    }

    public var description: String { repository.value + ":" + tag }

    public static func < (lhs: RepositoryTag, rhs: RepositoryTag) -> Bool {
        (lhs.repository, lhs.tag) < (rhs.repository, rhs.tag)
    }
}
