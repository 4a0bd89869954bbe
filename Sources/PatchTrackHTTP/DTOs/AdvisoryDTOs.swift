import Foundation
import PatchTrackCore
import PatchTrackStorage

/// The answer to `POST /v1/advisories`.
struct AdvisoryIntakeResponse: Encodable {
    struct Item: Encodable {
        let position: String
        let id: String?
        let outcome: String
        let messages: [String]
    }

    let created: Int
    let updated: Int
    let unchanged: Int
    let older: Int
    let rejected: Int
    /// Every accepted record, and the first ``InputLimits/listedEntries`` rejected ones.
    let items: [Item]
    /// Rejected records counted in `rejected` but not listed in `items`.
    let rejectedOmitted: Int

    enum CodingKeys: String, CodingKey {
        case created, updated, unchanged, older, rejected, items
        case rejectedOmitted = "rejected_omitted"
    }

    init(_ items: [AdvisoryIntakeItem]) {
        func count(_ outcome: AdvisoryIntakeItem.Outcome) -> Int { items.count { $0.outcome == outcome } }
        created = count(.created)
        updated = count(.updated)
        unchanged = count(.unchanged)
        older = count(.older)
        rejected = count(.rejected)
        var listedRejections = 0
        var shown: [Item] = []
        for item in items {
            if item.outcome == .rejected {
                listedRejections += 1
                guard listedRejections <= InputLimits.listedEntries else { continue }
            }
            shown.append(Item(position: item.position, id: item.id, outcome: item.outcome.rawValue, messages: item.messages))
        }
        self.items = shown
        rejectedOmitted = max(0, listedRejections - InputLimits.listedEntries)
    }
}

/// One advisory as answered.
struct AdvisoryResponse: Encodable {
    struct SeverityDTO: Encodable {
        let level: String
        let score: Double?
        let source: String?
    }

    let id: String
    let aliases: [String]
    let upstream: [String]
    let vulnerabilityId: String
    let related: [String]
    let summary: String?
    let published: String?
    let modified: String
    let withdrawn: String?
    let severity: SeverityDTO
    let openFindings: Int
    let record: OSVRecord?

    enum CodingKeys: String, CodingKey {
        case id, aliases, upstream, related, summary, published, modified, withdrawn, severity, record
        case vulnerabilityId = "vulnerability_id"
        case openFindings = "open_findings"
    }

    init(_ advisory: StoredAdvisory) {
        id = advisory.osvId
        aliases = advisory.aliases
        upstream = advisory.upstream
        vulnerabilityId = advisory.vulnerabilityId
        related = advisory.related
        summary = advisory.summary
        published = advisory.published
        modified = advisory.modified
        withdrawn = advisory.withdrawn
        severity = SeverityDTO(level: advisory.severityLevel, score: advisory.severityScore, source: advisory.severitySource)
        openFindings = advisory.openFindings
        record = try? JSONDecoder().decode(OSVRecord.self, from: Data(advisory.record.utf8))
    }
}

/// `GET /v1/advisories/{id}/images`.
struct AdvisoryImagesResponse: Encodable {
    struct Item: Encodable {
        let image: ImageResponse
        let openFindings: Int

        enum CodingKeys: String, CodingKey {
            case image
            case openFindings = "open_findings"
        }
    }

    let vulnerabilityId: String
    let items: [Item]

    enum CodingKeys: String, CodingKey {
        case items
        case vulnerabilityId = "vulnerability_id"
    }
}

/// The answer to `POST /v1/vex`.
struct VEXIngestResponse: Encodable {
    struct Skipped: Encodable {
        let path: String
        let reason: String
    }

    let format: String
    let documentId: String?
    let statements: Int
    let replaced: Int
    /// The first ``InputLimits/listedEntries`` skipped statements.
    let skipped: [Skipped]
    /// Skipped statements not listed.
    let skippedOmitted: Int

    enum CodingKeys: String, CodingKey {
        case format, statements, replaced, skipped
        case documentId = "document_id"
        case skippedOmitted = "skipped_omitted"
    }
}
