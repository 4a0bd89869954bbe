import Foundation

/// Which tags of a repository PatchTrack polls, and how often: explicit tags, or a regular expression every tag
/// the registry lists must match whole.
public struct WatchDefinition: Sendable, Equatable {
    public var repository: RepositoryName
    /// The tags polled; nil when ``tagPattern`` selects them.
    public var tags: [String]?
    /// An ICU regular expression over the tag list (`^` and `$` are implied); nil when ``tags`` are explicit.
    public var tagPattern: String?
    public var intervalMinutes: Int

    public init(repository: RepositoryName, tags: [String]?, tagPattern: String?, intervalMinutes: Int) {
        self.repository = repository
        self.tags = tags
        self.tagPattern = tagPattern
        self.intervalMinutes = intervalMinutes
    }

    /// A minute to a week, as feeds.
    public static let intervalRange = 1...10_080
    public static let maximumTags = 10_000

    /// Checks every field; throws the first that is wrong.
    public func validate() throws(FieldError) {
        switch (tags, tagPattern) {
        case (nil, nil), (.some, .some):
            throw FieldError(field: "tags", reason: "give either tags or tag_pattern")
        case (let tags?, nil):
            guard !tags.isEmpty, tags.count <= Self.maximumTags else {
                throw FieldError(field: "tags", reason: "must list 1 to \(Self.maximumTags) tags")
            }
            if let bad = tags.first(where: { !ImageReference.isValidTag($0) }) {
                throw FieldError(field: "tags", reason: "\"\(bad)\" is not a valid tag")
            }
        case (nil, let pattern?):
            guard !pattern.isEmpty, pattern.utf8.count <= 256, (try? TagMatcher(pattern: pattern)) != nil else {
                throw FieldError(field: "tag_pattern", reason: "must be a valid regular expression of 1 to 256 bytes")
            }
        }
        guard Self.intervalRange.contains(intervalMinutes) else {
            throw FieldError(field: "interval_minutes", reason: "must be \(Self.intervalRange.lowerBound) to \(Self.intervalRange.upperBound)")
        }
    }

    /// The tags to poll out of the registry's list: the explicit ones as given (listed or not: a missing one is
    /// reported by its poll), or the listed tags the pattern matches whole, sorted.
    public func selectTags(listed: [String]) throws -> [String] {
        if let tags { return tags }
        let matcher = try TagMatcher(pattern: tagPattern ?? "")
        return listed.filter(matcher.matches).sorted()
    }

    /// Whether the poll must list the repository's tags (`GET /v2/<name>/tags/list`).
    public var needsTagList: Bool { tags == nil }
}

/// A tag pattern, compiled: matches a tag whole.
public struct TagMatcher: @unchecked Sendable {
    private let expression: NSRegularExpression

    public init(pattern: String) throws {
        expression = try NSRegularExpression(pattern: "^(?:\(pattern))$")
    }

    public func matches(_ tag: String) -> Bool {
        expression.firstMatch(in: tag, range: NSRange(tag.startIndex..., in: tag)) != nil
    }
}
