import PatchTrackStorage

/// A repository as answered: its tags, and in the single-repository answer each tag's history.
struct RepositoryResponse: Encodable {
    struct Tag: Encodable {
        let name: String
        let digest: String
        let updatedAt: String
        let history: [Move]?

        enum CodingKeys: String, CodingKey {
            case name, digest, history
            case updatedAt = "updated_at"
        }
    }

    struct Move: Encodable {
        let digest: String
        let previousDigest: String?
        let movedAt: String

        enum CodingKeys: String, CodingKey {
            case digest
            case previousDigest = "previous_digest"
            case movedAt = "moved_at"
        }
    }

    let name: String
    let createdAt: String
    let imageCount: Int
    let tags: [Tag]

    enum CodingKeys: String, CodingKey {
        case name, tags
        case createdAt = "created_at"
        case imageCount = "image_count"
    }

    init(_ repository: RepositorySummary, withHistory: Bool) {
        name = repository.name
        createdAt = repository.createdAt
        imageCount = repository.imageCount
        tags = repository.tags.map { tag in
            Tag(
                name: tag.name, digest: tag.digest, updatedAt: tag.updatedAt,
                history: withHistory
                    ? tag.history.map { Move(digest: $0.digest, previousDigest: $0.previousDigest, movedAt: $0.movedAt) } : nil)
        }
    }
}

/// A page of repositories.
typealias RepositoryListResponse = PageResponse<RepositoryResponse>
