import Foundation

/// What an event says happened; its `type` in every delivery.
public enum EventType: String, CaseIterable, Sendable, Codable, Comparable {
    /// A subscription's test (`POST /v1/webhooks/{id}/test`).
    case ping
    /// Findings opened on an image by one write (a scan, an advisory, a feed sync).
    case findingOpened = "finding.opened"
    /// Findings of an image resolved by one write.
    case findingClosed = "finding.closed"
    /// A new or changed advisory opened findings on an image that runs now in some environment.
    case advisoryHitsRunning = "advisory.hits_running"
    /// An image entered the rebuild plan, or its reasons changed.
    case rebuildRequired = "rebuild.required"
    /// A tag that other images name as their base moved to another digest.
    case baseImageUpdated = "base_image.updated"
    /// Findings due within 24 hours (once per finding).
    case slaDueSoon = "sla.due_soon"
    /// Findings past their due time (once per finding).
    case slaBreached = "sla.breached"
    case rolloutCompleted = "rollout.completed"
    case rolloutAborted = "rollout.aborted"
    /// A feed's sync failed.
    case feedFailed = "feed.failed"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a subscription's filter looks at in an event. A dimension that is nil does not apply to the event (a feed
/// failure has no repository), and the filter lets it through on that dimension.
public struct EventFacets: Sendable, Equatable {
    /// The highest severity the event is about.
    public var severity: SeverityLevel?
    /// The environments the event's images run in now (empty: they run nowhere), or the rollout's environment.
    public var environments: Set<String>?
    /// The repositories the event is about.
    public var repositories: Set<String>?

    public init(severity: SeverityLevel? = nil, environments: Set<String>? = nil, repositories: Set<String>? = nil) {
        self.severity = severity
        self.environments = environments
        self.repositories = repositories
    }
}

/// One event as the outbox stores it: a stable id (a delivery's `webhook-id`, the same on every retry), its type,
/// when it happened, the JSON body every `standard` subscription receives, and the facets filters read.
public struct OutboxEvent: Sendable, Equatable {
    public let id: String
    public let type: EventType
    public let occurredAt: Date
    public let facets: EventFacets
    /// `{"id", "type", "occurred_at", "data"}` as JSON.
    public let body: Data

    public init(id: String = OutboxEvent.newID(), type: EventType, occurredAt: Date, facets: EventFacets, data: some Encodable) throws {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.facets = facets
        self.body = try EventEncoding.envelope(id: id, type: type, occurredAt: occurredAt, data: data)
    }

    /// A new event id: `evt_` and 32 random hex digits.
    public static func newID() -> String {
        "evt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// The JSON form of events: snake_case keys, sorted, times RFC 3339 UTC with milliseconds.
public enum EventEncoding {
    private struct Envelope<D: Encodable>: Encodable {
        let id: String
        let type: String
        let occurredAt: String
        let data: D
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func envelope(id: String, type: EventType, occurredAt: Date, data: some Encodable) throws -> Data {
        try encoder.encode(Envelope(id: id, type: type.rawValue, occurredAt: Timestamp.format(occurredAt), data: data))
    }
}
