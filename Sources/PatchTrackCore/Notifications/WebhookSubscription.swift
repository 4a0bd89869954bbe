import Foundation

/// The body a subscription receives.
public enum WebhookFormat: String, Sendable, Codable, CaseIterable {
    /// The event's JSON (`id`, `type`, `occurred_at`, `data`).
    case standard
    /// A Slack incoming-webhook message: a short text and a link per item.
    case slack
}

/// How deliveries to a subscription have been going.
public enum WebhookHealth: String, Sendable, Codable, CaseIterable {
    case active
    /// Its last ``WebhookHealth/failingAfter`` attempts or more failed; deliveries go on.
    case failing
    /// Disabled by PatchTrack after a delivery ran out of attempts while every attempt in between failed (about a
    /// day of failures), or by an admin; nothing is delivered until it is enabled again.
    case disabled

    /// Consecutive failed attempts that mark a subscription failing.
    public static let failingAfter = 3

    /// The health after an attempt: `consecutiveFailures` counts the failures since the last success (0 after a
    /// success); `exhausted` says the attempt was a delivery's last.
    public static func after(consecutiveFailures: Int, exhausted: Bool) -> WebhookHealth {
        if consecutiveFailures == 0 { return .active }
        if exhausted && consecutiveFailures >= DeliverySchedule.maximumAttempts { return .disabled }
        return consecutiveFailures >= failingAfter ? .failing : .active
    }
}

/// Which events a subscription receives: by type, then by its filter.
public struct WebhookFilter: Sendable, Equatable {
    /// Events about findings below this severity are not sent.
    public var minSeverity: SeverityLevel?
    /// Only events about images running in (or rollouts of) one of these environments.
    public var environments: [String]?
    /// Only events about these repositories (normalised names or ``RepositoryPattern``s such as `ghcr.io/acme/**`).
    public var repositories: [String]?

    public init(minSeverity: SeverityLevel? = nil, environments: [String]? = nil, repositories: [String]? = nil) {
        self.minSeverity = minSeverity
        self.environments = environments
        self.repositories = repositories
    }

    public var isEmpty: Bool { minSeverity == nil && environments == nil && repositories == nil }

    /// Whether an event with `facets` passes. A dimension the event does not have passes (a feed failure has no
    /// repository); one it has must match: severity at least the minimum, one of its environments listed (an image
    /// running nowhere has none), one of its repositories matched.
    public func accepts(_ facets: EventFacets) -> Bool {
        if let minimum = minSeverity, let severity = facets.severity, severity < minimum { return false }
        if let wanted = environments, let environments = facets.environments, environments.isDisjoint(with: wanted) { return false }
        if let patterns = repositories, let repositories = facets.repositories {
            let compiled = patterns.map { RepositoryPattern($0) }
            if !repositories.contains(where: { name in compiled.contains { $0.matches(name) } }) { return false }
        }
        return true
    }
}

/// A subscription's choice of events: every type (`["*"]` or omitted) or those listed.
public struct EventSelection: Sendable, Equatable {
    /// nil: every type.
    public let types: Set<EventType>?

    public static let all = EventSelection(types: nil)

    public init(types: Set<EventType>?) {
        self.types = types
    }

    /// Parses the `events` field; the unknown names are returned as the error.
    public init(names: [String]?) throws(InvalidEventNames) {
        guard let names, !names.isEmpty, !names.contains("*") else {
            if let names, names.contains("*"), names.count > 1 { throw InvalidEventNames(names: names.filter { $0 != "*" }, reason: "\"*\" stands alone") }
            self.types = nil
            return
        }
        let unknown = names.filter { EventType(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw InvalidEventNames(names: unknown, reason: "unknown event type") }
        self.types = Set(names.compactMap(EventType.init(rawValue:)))
    }

    /// The names as answered: `["*"]` or the types sorted.
    public var names: [String] { types.map { $0.sorted().map(\.rawValue) } ?? ["*"] }

    public func contains(_ type: EventType) -> Bool { types?.contains(type) ?? true }

    public struct InvalidEventNames: Error, Equatable, Sendable {
        public let names: [String]
        public let reason: String
    }
}
