import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `PUT /v1/feeds/{name}`: the whole definition (absent `interval_minutes` takes the kind's default,
/// absent `enabled` is false, absent or null `ecosystems` of an `osv` feed follows every ecosystem PatchTrack can
/// match).
struct FeedRequest: Decodable {
    let kind: String
    let url: String
    let ecosystems: [String]?
    let intervalMinutes: Int?
    let enabled: Bool?

    enum CodingKeys: String, CodingKey {
        case kind, url, ecosystems, enabled
        case intervalMinutes = "interval_minutes"
    }

    /// The definition, validated by Core's rules; 422 naming the field otherwise.
    func definition(name: String) throws -> FeedDefinition {
        guard let kind = FeedKind(rawValue: kind) else {
            throw ProblemDetails.invalidField("kind", "must be one of \(FeedKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let interval = intervalMinutes ?? Self.defaultInterval(kind)
        let definition = FeedDefinition(
            name: name, kind: kind, url: url, ecosystems: kind == .osv ? ecosystems : (ecosystems?.isEmpty == true ? nil : ecosystems),
            intervalMinutes: interval, enabled: enabled ?? false)
        do {
            try definition.validate()
        } catch {
            throw ProblemDetails.invalidField(error.field, error.reason)
        }
        return definition
    }

    /// Minutes between syncs when the body names none: OSV hourly, KEV every six hours, EPSS daily (it is daily).
    static func defaultInterval(_ kind: FeedKind) -> Int {
        switch kind {
        case .osv: 60
        case .kev: 360
        case .epss: 1440
        }
    }
}

/// A feed with its status.
struct FeedResponse: Encodable {
    struct HighWater: Encodable {
        let modified: String
        let id: String
    }

    /// One ecosystem of an `osv` feed.
    struct EcosystemStatus: Encodable {
        let ecosystem: String
        let lastAttempt: String?
        let lastSuccess: String?
        let nextRun: String?
        let added: Int
        let updated: Int
        let unchanged: Int
        let rejected: Int
        let lastError: String?
        let stale: Bool
        /// Whether all.zip was imported (later syncs read modified_id.csv only).
        let bootstrapped: Bool
        let highWater: HighWater?

        enum CodingKeys: String, CodingKey {
            case ecosystem, added, updated, unchanged, rejected, stale, bootstrapped
            case lastAttempt = "last_attempt"
            case lastSuccess = "last_success"
            case nextRun = "next_run"
            case lastError = "last_error"
            case highWater = "high_water"
        }
    }

    let name: String
    let kind: FeedKind
    let url: String
    let ecosystems: [String]
    let intervalMinutes: Int
    let enabled: Bool
    let createdAt: String
    let updatedAt: String
    let lastAttempt: String?
    let lastSuccess: String?
    let nextRun: String?
    let added: Int
    let updated: Int
    let unchanged: Int
    let rejected: Int
    let rejections: [FeedRejection]
    let lastError: String?
    let errorsTotal: Int
    let records: Int
    let stale: Bool
    let ecosystemStatus: [EcosystemStatus]

    enum CodingKeys: String, CodingKey {
        case name, kind, url, ecosystems, enabled, added, updated, unchanged, rejected, rejections, records, stale
        case intervalMinutes = "interval_minutes"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastAttempt = "last_attempt"
        case lastSuccess = "last_success"
        case nextRun = "next_run"
        case lastError = "last_error"
        case errorsTotal = "errors_total"
        case ecosystemStatus = "ecosystem_status"
    }

    init(_ feed: StoredFeed, now: Date) {
        let definition = feed.definition
        name = feed.name
        kind = definition.kind
        url = definition.url
        ecosystems = definition.followedEcosystems
        intervalMinutes = definition.intervalMinutes
        enabled = definition.enabled
        createdAt = feed.createdAt
        updatedAt = feed.updatedAt
        lastAttempt = feed.lastAttempt
        lastSuccess = feed.lastSuccess
        // Enabled and never run, or asked to sync: due now.
        let nextRun = definition.enabled ? (feed.nextRun ?? Timestamp.format(now)) : nil
        self.nextRun = nextRun
        added = feed.counts.added
        updated = feed.counts.updated
        unchanged = feed.counts.unchanged
        rejected = feed.counts.rejected
        rejections = feed.rejections
        lastError = feed.lastError
        errorsTotal = feed.errorsTotal
        records = feed.records
        let enabledSince = feed.enabledAt.flatMap(Timestamp.parse)
        stale = FeedStanding.isStale(
            enabled: definition.enabled, lastSuccess: feed.lastSuccess.flatMap(Timestamp.parse), enabledSince: enabledSince,
            intervalMinutes: definition.intervalMinutes, now: now)
        let sources = Dictionary(feed.sources.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        ecosystemStatus = definition.followedEcosystems.map { ecosystem in
            let source = sources[ecosystem] ?? StoredFeedSource(source: ecosystem)
            return EcosystemStatus(
                ecosystem: ecosystem, lastAttempt: source.lastAttempt, lastSuccess: source.lastSuccess, nextRun: nextRun,
                added: source.counts.added, updated: source.counts.updated, unchanged: source.counts.unchanged,
                rejected: source.counts.rejected, lastError: source.lastError,
                stale: FeedStanding.isStale(
                    enabled: definition.enabled, lastSuccess: source.lastSuccess.flatMap(Timestamp.parse),
                    enabledSince: enabledSince, intervalMinutes: definition.intervalMinutes, now: now),
                bootstrapped: source.bootstrapped,
                highWater: source.highWater.map { HighWater(modified: $0.modified.text, id: $0.id) })
        }
    }
}

/// `GET /v1/feeds`.
struct FeedListResponse: Encodable {
    let items: [FeedResponse]
}

/// A feed as `/v1/status` shows it: enough to tell whether the service's knowledge is current.
struct FeedSummary: Encodable {
    let name: String
    let kind: FeedKind
    let enabled: Bool
    let lastSuccess: String?
    let lastError: String?
    let records: Int
    let stale: Bool

    enum CodingKeys: String, CodingKey {
        case name, kind, enabled, records, stale
        case lastSuccess = "last_success"
        case lastError = "last_error"
    }

    init(_ feed: FeedResponse) {
        name = feed.name
        kind = feed.kind
        enabled = feed.enabled
        lastSuccess = feed.lastSuccess
        lastError = feed.lastError
        records = feed.records
        stale = feed.stale
    }
}
