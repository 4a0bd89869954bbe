import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `POST /v1/watches`: a repository with either explicit `tags` or a `tag_pattern` (absent
/// `interval_minutes` is an hour).
struct WatchRequest: Decodable {
    let repository: String
    let tags: [String]?
    let tagPattern: String?
    let intervalMinutes: Int?

    enum CodingKeys: String, CodingKey {
        case repository, tags
        case tagPattern = "tag_pattern"
        case intervalMinutes = "interval_minutes"
    }

    /// Minutes between polls when the body names none.
    static let defaultInterval = 60

    /// The definition, the repository normalised like docker does and validated by Core's rules; 422 naming the field
    /// otherwise.
    func definition() throws -> WatchDefinition {
        let name: RepositoryName
        do {
            name = try RepositoryName(parsing: repository)
        } catch {
            throw ProblemDetails.invalidField("repository", error.reason)
        }
        let definition = WatchDefinition(
            repository: name, tags: tags, tagPattern: tagPattern, intervalMinutes: intervalMinutes ?? Self.defaultInterval)
        do {
            try definition.validate()
        } catch {
            throw ProblemDetails.invalidField(error.field, error.reason)
        }
        return definition
    }
}

/// A watch with the status of its polls.
struct WatchResponse: Encodable {
    let id: Int64
    let repository: String
    let tags: [String]?
    let tagPattern: String?
    let intervalMinutes: Int
    let createdAt: String
    let nextRun: String?
    let lastPoll: String?
    let lastChange: String?
    let lastError: String?
    let tagsSeen: [String: String]
    let pollsTotal: Int
    let errorsTotal: Int

    enum CodingKeys: String, CodingKey {
        case id, repository, tags
        case tagPattern = "tag_pattern"
        case intervalMinutes = "interval_minutes"
        case createdAt = "created_at"
        case nextRun = "next_run"
        case lastPoll = "last_poll"
        case lastChange = "last_change"
        case lastError = "last_error"
        case tagsSeen = "tags_seen"
        case pollsTotal = "polls_total"
        case errorsTotal = "errors_total"
    }

    init(_ watch: StoredWatch) {
        id = watch.id
        repository = watch.definition.repository.value
        tags = watch.definition.tags
        tagPattern = watch.definition.tagPattern
        intervalMinutes = watch.definition.intervalMinutes
        createdAt = watch.createdAt
        nextRun = watch.nextRun
        lastPoll = watch.lastPoll
        lastChange = watch.lastChange
        lastError = watch.lastError
        tagsSeen = watch.tagsSeen
        pollsTotal = watch.pollsTotal
        errorsTotal = watch.errorsTotal
    }

    /// Writes every field, null when unset.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(repository, forKey: .repository)
        try container.encode(tags, forKey: .tags)
        try container.encode(tagPattern, forKey: .tagPattern)
        try container.encode(intervalMinutes, forKey: .intervalMinutes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(nextRun, forKey: .nextRun)
        try container.encode(lastPoll, forKey: .lastPoll)
        try container.encode(lastChange, forKey: .lastChange)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(tagsSeen, forKey: .tagsSeen)
        try container.encode(pollsTotal, forKey: .pollsTotal)
        try container.encode(errorsTotal, forKey: .errorsTotal)
    }
}
