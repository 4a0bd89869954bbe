// The registry facts as the stores return them.

/// A stored image with the tags that point to it now.
public struct StoredImage: Sendable, Equatable {
    /// Internal id, used as the pagination key.
    public var id: Int64
    /// Manifest digest.
    public var digest: String
    /// The repository the image was first registered in.
    public var repository: String
    /// `os/arch[/variant]`.
    public var platform: String?
    /// Creation time (RFC 3339).
    public var created: String?
    /// Labels.
    public var labels: [String: String]
    /// Build source repository.
    public var sourceRepository: String?
    /// Build source revision.
    public var sourceRevision: String?
    /// The base image reference as given.
    public var baseReference: String?
    /// The base image's repository.
    public var baseRepository: String?
    /// The base image's digest.
    public var baseDigest: String?
    /// First registration (RFC 3339).
    public var firstSeen: String
    /// Last registration or report (RFC 3339).
    public var lastSeen: String
    /// Tags pointing to this image now, in any repository.
    public var tags: [TagPointer]
    /// The digest a build replaced with this image (the newest, when several were).
    public var predecessor: String? = nil
    /// The digest of the build that replaced this image.
    public var successor: String? = nil
    /// The last signature check, when there was one.
    public var signature: StoredSignature? = nil
}

/// A tag as `repository:name`.
public struct TagPointer: Sendable, Equatable {
    /// The repository.
    public var repository: String
    /// The tag name.
    public var name: String
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    /// The items.
    public var items: [Item]
    /// The key to continue after, when more items exist.
    public var nextCursor: Int64?
}

/// A repository with its tags and their current digests.
public struct RepositorySummary: Sendable, Equatable {
    /// Internal id, the pagination key.
    public var id: Int64
    /// Normalised name.
    public var name: String
    /// First seen (RFC 3339).
    public var createdAt: String
    /// Number of images first registered here.
    public var imageCount: Int
    /// Tags, by name.
    public var tags: [TagState]
}

/// A tag, where it points now, and (for one repository's details) how it got there.
public struct TagState: Sendable, Equatable {
    /// Tag name.
    public var name: String
    /// Current digest.
    public var digest: String
    /// When it last moved (RFC 3339).
    public var updatedAt: String
    /// Every move, oldest first; empty in lists.
    public var history: [TagMove]
}

/// One move of a tag.
public struct TagMove: Sendable, Equatable {
    /// The digest it moved to.
    public var digest: String
    /// The digest it pointed to before, none for its first appearance.
    public var previousDigest: String?
    /// When (RFC 3339).
    public var movedAt: String
}
