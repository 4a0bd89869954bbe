import Foundation
import PatchTrackCore
import PatchTrackStorage

/// One finding that calls for a rebuild.
struct PlanFindingResponse: Encodable {
    let advisory: String
    let package: String
    let installedVersion: String
    let fixedVersion: String?
    let severity: String
    let layerOrigin: String

    enum CodingKeys: String, CodingKey {
        case advisory, package, severity
        case installedVersion = "installed_version"
        case fixedVersion = "fixed_version"
        case layerOrigin = "layer_origin"
    }

    init(_ finding: PlanFinding) {
        advisory = finding.advisoryID
        package = finding.package
        installedVersion = finding.installedVersion
        fixedVersion = finding.fixedVersion
        severity = finding.severity.rawValue
        layerOrigin = finding.layerOrigin.rawValue
    }
}

/// One open request, inside a `requested` reason.
struct PlanRequestResponse: Encodable {
    let requestedBy: String
    let reason: String
    let requestedAt: String

    enum CodingKeys: String, CodingKey {
        case reason
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
    }
}

/// One reason: its code, a summary for people, and the facts of that code (the other fields are absent).
struct RebuildReasonResponse: Encodable {
    let reason: RebuildReason

    enum CodingKeys: String, CodingKey {
        case code, summary, findings, requests, current, created
        case baseTag = "base_tag"
        case builtFrom = "built_from"
        case baseDigest = "base_digest"
        case baseRepository = "base_repository"
        case baseWave = "base_wave"
        case ageDays = "age_days"
        case maxAgeDays = "max_age_days"
        case trustedPatterns = "trusted_patterns"
        case signatureState = "signature_state"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reason.code.rawValue, forKey: .code)
        try container.encode(reason.summary, forKey: .summary)
        switch reason {
        case .fixableVulnerability(let findings):
            try container.encode(findings.map(PlanFindingResponse.init), forKey: .findings)
        case .baseImageUpdated(let base, let builtFrom, let current):
            try container.encode(base.description, forKey: .baseTag)
            try container.encode(builtFrom.value, forKey: .builtFrom)
            try container.encode(current.value, forKey: .current)
        case .baseImageNeedsRebuild(let base, let repository, let baseWave):
            try container.encode(base.value, forKey: .baseDigest)
            try container.encode(repository.value, forKey: .baseRepository)
            try container.encode(baseWave, forKey: .baseWave)
        case .maxAgeExceeded(let created, let ageDays, let maximumAgeDays):
            try container.encode(Timestamp.format(created), forKey: .created)
            try container.encode(ageDays, forKey: .ageDays)
            try container.encode(maximumAgeDays, forKey: .maxAgeDays)
        case .untrustedBase(let repository, let trustedPatterns):
            try container.encode(repository.value, forKey: .baseRepository)
            try container.encode(trustedPatterns.map(\.text), forKey: .trustedPatterns)
        case .unsignedBase(let base, let repository, let state):
            try container.encode(base?.value, forKey: .baseDigest)
            try container.encode(repository.value, forKey: .baseRepository)
            try container.encode(state.rawValue, forKey: .signatureState)
        case .requested(let requests):
            try container.encode(
                requests.map {
                    PlanRequestResponse(requestedBy: $0.requestedBy, reason: $0.reason, requestedAt: Timestamp.format($0.requestedAt))
                },
                forKey: .requests)
        }
    }
}

/// One image to rebuild.
struct RebuildPlanEntryResponse: Encodable {
    struct Base: Encodable {
        let repository: String
        let tag: String?
        let digest: String?
    }

    let digest: String
    let repository: String
    let tags: [String]
    let created: String?
    let base: Base?
    let wave: Int
    let highestSeverity: String?
    let fixableFindings: Int
    let reasons: [RebuildReasonResponse]
    /// A fixable finding's vulnerability is in CISA's KEV catalogue.
    let kev: Bool
    /// The highest EPSS score among the fixable findings.
    let maxEPSS: Double?

    enum CodingKeys: String, CodingKey {
        case digest, repository, tags, created, base, wave, reasons, kev
        case maxEPSS = "max_epss"
        case highestSeverity = "highest_severity"
        case fixableFindings = "fixable_findings"
    }

    init(_ entry: RebuildPlanEntry) {
        digest = entry.digest.value
        repository = entry.repository.value
        tags = entry.tags
        created = entry.created.map(Timestamp.format)
        base = entry.base.map { Base(repository: $0.repository.value, tag: $0.tag, digest: $0.digest?.value) }
        wave = entry.wave
        highestSeverity = entry.highestSeverity?.rawValue
        fixableFindings = entry.fixableFindings.count
        reasons = entry.reasons.map(RebuildReasonResponse.init)
        kev = entry.kev
        maxEPSS = entry.maxEPSS
    }

    /// The CSV columns, one row per entry.
    static let csvHeader = [
        "wave", "digest", "repository", "tags", "reasons", "highest_severity", "fixable_findings", "created", "base", "kev",
        "max_epss",
    ]

    static func csvRow(_ entry: RebuildPlanEntry) -> [String?] {
        [
            String(entry.wave), entry.digest.value, entry.repository.value, entry.tags.joined(separator: " "),
            entry.reasonCodes.map(\.rawValue).joined(separator: " "), entry.highestSeverity?.rawValue,
            String(entry.fixableFindings.count), entry.created.map(Timestamp.format), entry.base?.description,
            String(entry.kev), entry.maxEPSS.map { String($0) },
        ]
    }
}

/// `GET /v1/rebuilds/plan`.
struct RebuildPlanResponse: Encodable {
    let generatedAt: String
    let waveCount: Int
    let total: Int
    let items: [RebuildPlanEntryResponse]

    enum CodingKeys: String, CodingKey {
        case total, items
        case generatedAt = "generated_at"
        case waveCount = "wave_count"
    }
}

/// `GET /v1/images/{digest}/rebuild`: why the image needs a rebuild, or the checks it passed, or why it does not
/// count for planning at all.
struct RebuildExplanationResponse: Encodable {
    struct Check: Encodable {
        let name: String
        let detail: String
    }

    let digest: String
    let counted: Bool
    let needsRebuild: Bool
    let detail: String
    let entry: RebuildPlanEntryResponse?
    let checks: [Check]

    enum CodingKeys: String, CodingKey {
        case digest, counted, detail, entry, checks
        case needsRebuild = "needs_rebuild"
    }
}

/// Body of `POST /v1/rebuilds/requests`.
struct RebuildRequestBody: Decodable {
    let digest: String
    let reason: String
}

/// A stored rebuild request.
struct RebuildRequestResponse: Encodable {
    let id: Int64
    let digest: String
    let reason: String
    let requestedBy: String
    let requestedAt: String

    enum CodingKeys: String, CodingKey {
        case id, digest, reason
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
    }

    init(_ request: StoredRebuildRequest) {
        id = request.id
        digest = request.digest
        reason = request.reason
        requestedBy = request.requestedBy
        requestedAt = request.requestedAt
    }
}

/// Body of `PUT /v1/images/{digest}/base`.
struct SetBaseRequest: Decodable {
    let reference: String
}
