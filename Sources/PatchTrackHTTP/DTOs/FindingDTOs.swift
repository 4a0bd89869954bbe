import PatchTrackStorage

/// One finding as answered.
struct FindingResponse: Encodable {
    struct Statement: Encodable {
        let id: Int64
        let status: String
        let justification: String?
        let impactStatement: String?
        let format: String
        let documentId: String?

        enum CodingKeys: String, CodingKey {
            case id, status, justification, format
            case impactStatement = "impact_statement"
            case documentId = "document_id"
        }
    }

    let id: Int64?
    let image: String
    let repository: String
    let purl: String?
    let package: String
    let installedVersion: String?
    let fixedVersion: String?
    let fixable: Bool
    let scannerFixedVersions: [String]?
    let advisory: String
    let vulnerabilityId: String
    let severity: String
    let state: String
    let source: String
    let suppressedBy: Statement?
    let statement: Statement?
    let firstDetected: String?
    let lastDetected: String?
    let resolvedAt: String?
    /// CISA KEV's listing of the vulnerability, null when it is not listed.
    let kev: OrNull<KEVListing>
    /// The vulnerability's EPSS score, null when it has none.
    let epss: OrNull<EPSSScore>

    struct KEVListing: Encodable {
        let dateAdded: String
        let dueDate: String?
        let ransomware: Bool

        enum CodingKeys: String, CodingKey {
            case ransomware
            case dateAdded = "date_added"
            case dueDate = "due_date"
        }
    }

    struct EPSSScore: Encodable {
        let score: Double
        let percentile: Double
        let date: String
    }

    enum CodingKeys: String, CodingKey {
        case id, image, repository, purl, package, fixable, advisory, severity, state, source, statement, kev, epss
        case installedVersion = "installed_version"
        case fixedVersion = "fixed_version"
        case scannerFixedVersions = "scanner_fixed_versions"
        case vulnerabilityId = "vulnerability_id"
        case suppressedBy = "suppressed_by"
        case firstDetected = "first_detected"
        case lastDetected = "last_detected"
        case resolvedAt = "resolved_at"
    }

    init(_ finding: StoredFinding) {
        id = finding.findingId
        image = finding.image
        repository = finding.repository
        purl = finding.purl
        package = finding.packageName
        installedVersion = finding.installedVersion
        fixedVersion = finding.fixedVersion
        fixable = finding.fixedVersion != nil
        scannerFixedVersions = finding.scannerFixedVersions
        advisory = finding.advisory
        vulnerabilityId = finding.vulnerabilityId
        severity = finding.severity
        state = finding.state
        source = finding.source
        statement = finding.statement.map {
            Statement(
                id: $0.id, status: $0.status, justification: $0.justification, impactStatement: $0.impactStatement,
                format: $0.format, documentId: $0.documentId)
        }
        suppressedBy = finding.state == "suppressed" ? statement : nil
        firstDetected = finding.firstDetected
        lastDetected = finding.lastDetected
        resolvedAt = finding.resolvedAt
        kev = OrNull(finding.signals.kev.map { KEVListing(dateAdded: $0.dateAdded, dueDate: $0.dueDate, ransomware: $0.ransomware) })
        epss = OrNull(finding.signals.epss.map { EPSSScore(score: $0.score, percentile: $0.percentile, date: $0.date) })
    }

    static let csvHeader = [
        "image", "repository", "vulnerability_id", "advisory", "package", "purl", "installed_version", "fixed_version",
        "severity", "state", "source", "first_detected", "kev", "epss",
    ]

    var csvRow: [String?] {
        [
            image, repository, vulnerabilityId, advisory, package, purl, installedVersion, fixedVersion, severity, state, source,
            firstDetected, kev.value.map { _ in "true" } ?? "false", epss.value.map { String($0.score) },
        ]
    }
}

/// A value always present in the answer: `null` when nil (synthesized encoding leaves nil optionals out).
struct OrNull<Value: Encodable>: Encodable {
    let value: Value?

    init(_ value: Value?) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// A page of findings.
typealias FindingListResponse = PageResponse<FindingResponse>

/// Where a scanner and PatchTrack disagree about one image.
struct DisagreementResponse: Encodable {
    struct Item: Encodable {
        let kind: String
        let reason: String
        let finding: FindingResponse
    }

    let image: String
    let items: [Item]
}
