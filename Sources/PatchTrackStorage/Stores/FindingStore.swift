import Foundation
import PatchTrackCore

/// Filters of the finding lists.
public struct FindingFilter: Sendable {
    /// Only this image.
    public var imageDigest: String?
    /// Only this vulnerability (canonical id).
    public var vulnerabilityId: String?
    /// At or above this level.
    public var minimumSeverity: SeverityLevel?
    /// Only with (true) or without (false) a fixed version.
    public var fixable: Bool?
    /// `affected`, `suppressed`, `resolved`; nil: affected and suppressed (everything still in an image).
    public var state: String?
    /// `patchtrack` (PatchTrack's match only), `scanner` (the scanner's verdict only), `both`.
    public var source: String?
    /// Only vulnerabilities in CISA's KEV catalogue (true) or not in it (false).
    public var kev: Bool?
    /// Only vulnerabilities whose EPSS score is at least this.
    public var minimumEPSS: Double?

    /// Creates a filter.
    public init(
        imageDigest: String? = nil, vulnerabilityId: String? = nil, minimumSeverity: SeverityLevel? = nil,
        fixable: Bool? = nil, state: String? = nil, source: String? = nil
    ) {
        self.imageDigest = imageDigest
        self.vulnerabilityId = vulnerabilityId
        self.minimumSeverity = minimumSeverity
        self.fixable = fixable
        self.state = state
        self.source = source
    }
}

/// One row of a finding list: PatchTrack's finding (with the scanner's agreement), or a scanner verdict PatchTrack
/// did not reproduce.
public struct StoredFinding: Sendable {
    public var key: Int64
    /// The finding's id (for `/v1/findings/{id}/timeline`); nil for a scanner-only verdict.
    public var findingId: Int64? { key < FindingStore.scannerKeyOffset ? key : nil }
    public var image: String
    public var repository: String
    public var purl: String?
    public var packageName: String
    public var installedVersion: String?
    /// PatchTrack's fixed version (the scanner's, for scanner-only rows); nil: no fix yet.
    public var fixedVersion: String?
    /// The scanner's fixed versions when it reported the same finding.
    public var scannerFixedVersions: [String]?
    public var advisory: String
    public var vulnerabilityId: String
    public var severity: String
    /// `affected`, `suppressed` (by VEX) or `resolved` (the package left the image).
    public var state: String
    /// `patchtrack`, `scanner` or `both`.
    public var source: String
    public var statement: Statement?
    public var firstDetected: String?
    public var lastDetected: String?
    public var resolvedAt: String?
    /// What KEV and EPSS say of the vulnerability (empty when nothing).
    public var signals = ExploitSignals()

    /// The VEX statement that applies.
    public struct Statement: Sendable {
        public var id: Int64
        public var status: String
        public var justification: String?
        public var impactStatement: String?
        public var format: String
        public var documentId: String?
    }
}

/// Reads of findings: the lists with their filters and cursor (PatchTrack's findings with the governing VEX
/// statement and the scanner's agreement, then the scanner verdicts PatchTrack did not reproduce), the advisory ids
/// known, and the images a vulnerability affects. Written once for both engines.
public struct FindingStore: Sendable {
    let context: StoreContext

    /// Wraps an executor.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Scanner-only rows sort after every finding: their key is this plus the verdict's id.
    static let scannerKeyOffset: Int64 = 1_000_000_000_000

    /// Findings (and scanner-only verdicts) matching `filter`, ordered by key; nil when the image is unknown.
    public func list(_ filter: FindingFilter, after cursor: Int64?, limit: Int) async throws -> Page<StoredFinding>? {
        try await context.executor.read { session in
            if let digest = filter.imageDigest,
                try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) == nil
            {
                return nil
            }
            let items = try Self.page(session, filter, after: cursor ?? 0, wanted: max(limit, 0) + 1)
            let shown = Array(items.prefix(limit))
            return Page(items: shown, nextCursor: items.count > limit ? shown.last?.key : nil)
        }
    }

    /// Which of `identifiers` are the id or an alias of a stored advisory (to explain scanner-only verdicts).
    public func knownAdvisoryIDs(_ identifiers: [String]) async throws -> Set<String> {
        guard !identifiers.isEmpty else { return [] }
        return try await context.executor.read { session in
            Set(
                try session.fetchAll(
                    """
                    SELECT osvId FROM advisory WHERE osvId IN \(set: identifiers)
                    UNION SELECT alias FROM advisoryAlias WHERE alias IN \(set: identifiers)
                    """
                ).map { try $0.decode(0, as: String.self) })
        }
    }

    /// Images with open findings of `vulnerabilityId`, with their current tags, by id.
    public func images(affectedBy vulnerabilityId: String) async throws -> [(image: StoredImage, findings: Int)] {
        try await context.executor.read { session in
            let rows = try session.fetchAll(
                """
                SELECT imageId, count(*) AS n FROM finding WHERE vulnerabilityId = \(vulnerabilityId) AND state = 'open'
                GROUP BY imageId ORDER BY imageId
                """)
            var counts: [Int64: Int] = [:]
            for row in rows { counts[try row.decode("imageId")] = try row.decode("n") }
            return try RegistryStore.storedImages(session, ids: rows.map { try $0.decode("imageId") })
                .map { ($0, counts[$0.id] ?? 0) }
        }
    }
}
