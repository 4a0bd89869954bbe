import Foundation
import GRDB
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
    public var findingId: Int64? { key < AppDatabase.scannerKeyOffset ? key : nil }
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

extension AppDatabase {
    /// Findings (and scanner-only verdicts) matching `filter`, ordered by key; nil when the image is unknown.
    public func findings(_ filter: FindingFilter, after cursor: Int64?, limit: Int) async throws -> Page<StoredFinding>? {
        try await pool.read { db in
            if let digest = filter.imageDigest,
                try Int64.fetchOne(db, sql: "SELECT id FROM image WHERE digest = ?", arguments: [digest]) == nil
            {
                return nil
            }
            let rows = try Row.fetchAll(db, sql: Self.findingsSQL, arguments: Self.arguments(filter, cursor: cursor, limit: limit + 1))
            let items = rows.prefix(limit).map(Self.storedFinding)
            return Page(items: Array(items), nextCursor: rows.count > limit ? items.last?.key : nil)
        }
    }

    private static func arguments(_ filter: FindingFilter, cursor: Int64?, limit: Int) -> StatementArguments {
        [
            "image": filter.imageDigest, "vulnerability": filter.vulnerabilityId,
            "minRank": filter.minimumSeverity?.rank ?? SeverityLevel.unknown.rank, "fixable": filter.fixable,
            "state": filter.state, "source": filter.source, "cursor": cursor ?? 0, "limit": limit,
        ]
    }

    /// Scanner-only rows sort after every finding.
    static let scannerKeyOffset: Int64 = 1_000_000_000_000

    /// PatchTrack's findings joined with the scanner's agreement and the applying VEX statement, then the scanner
    /// verdicts no open finding reproduces; filtered and paged on one sort key. Parameters only, no concatenation.
    static let findingsSQL = """
        WITH groupIds AS (
            SELECT a.vulnerabilityId AS vulnerabilityId, a.osvId AS id FROM advisory a
            UNION SELECT a.vulnerabilityId, aa.alias FROM advisory a JOIN advisoryAlias aa ON aa.advisoryId = a.id
        ),
        ours AS (
            SELECT f.id AS sortKey, i.digest AS image, r.name AS repository, f.purl, f.packageName, f.installedVersion,
                f.fixedVersion, a.osvId AS advisory, f.vulnerabilityId, f.severityLevel AS severity,
                CASE WHEN f.state = 'resolved' THEN 'resolved'
                     WHEN vs.status IN ('not_affected', 'fixed') THEN 'suppressed' ELSE 'affected' END AS state,
                (SELECT json_group_array(DISTINCT value) FROM scannerVerdict sv, json_each(sv.fixedVersions)
                 WHERE sv.imageId = f.imageId AND (sv.packageName = f.packageName OR sv.purl = f.purl)
                   AND (sv.advisoryId = f.vulnerabilityId
                        OR sv.advisoryId IN (SELECT id FROM groupIds g WHERE g.vulnerabilityId = f.vulnerabilityId))) AS scannerFixed,
                EXISTS (SELECT 1 FROM scannerVerdict sv
                 WHERE sv.imageId = f.imageId AND (sv.packageName = f.packageName OR sv.purl = f.purl)
                   AND (sv.advisoryId = f.vulnerabilityId
                        OR sv.advisoryId IN (SELECT id FROM groupIds g WHERE g.vulnerabilityId = f.vulnerabilityId))) AS scannerToo,
                vs.id AS statementId, vs.status AS statementStatus, vs.justification, vs.impactStatement,
                vs.format AS statementFormat, vs.documentId, f.firstDetected, f.lastDetected, f.resolvedAt
            FROM finding f
            JOIN image i ON i.id = f.imageId JOIN repository r ON r.id = i.repositoryId JOIN advisory a ON a.id = f.advisoryId
            LEFT JOIN findingStatement fs ON fs.findingId = f.id LEFT JOIN vexStatement vs ON vs.id = fs.statementId
            WHERE (:image IS NULL OR i.digest = :image) AND (:vulnerability IS NULL OR f.vulnerabilityId = :vulnerability)
        ),
        theirs AS (
            SELECT \(scannerKeyOffset) + sv.id AS sortKey, i.digest AS image, r.name AS repository, sv.purl, sv.packageName,
                sv.installedVersion, json_extract(sv.fixedVersions, '$[0]') AS fixedVersion, sv.advisoryId AS advisory,
                coalesce((SELECT g.vulnerabilityId FROM groupIds g WHERE g.id = sv.advisoryId LIMIT 1), sv.advisoryId) AS vulnerabilityId,
                CASE upper(coalesce(sv.severity, '')) WHEN 'CRITICAL' THEN 'critical' WHEN 'HIGH' THEN 'high'
                    WHEN 'IMPORTANT' THEN 'high' WHEN 'MEDIUM' THEN 'medium' WHEN 'MODERATE' THEN 'medium'
                    WHEN 'LOW' THEN 'low' WHEN 'NEGLIGIBLE' THEN 'low' ELSE 'unknown' END AS severity,
                'affected' AS state, sv.fixedVersions AS scannerFixed, 1 AS scannerToo,
                NULL AS statementId, NULL AS statementStatus, NULL AS justification, NULL AS impactStatement,
                NULL AS statementFormat, NULL AS documentId, NULL AS firstDetected, NULL AS lastDetected, NULL AS resolvedAt
            FROM scannerVerdict sv JOIN image i ON i.id = sv.imageId JOIN repository r ON r.id = i.repositoryId
            WHERE (:image IS NULL OR i.digest = :image)
              AND NOT EXISTS (SELECT 1 FROM finding f WHERE f.imageId = sv.imageId AND f.state = 'open'
                  AND (sv.packageName = f.packageName OR sv.purl = f.purl)
                  AND (sv.advisoryId = f.vulnerabilityId
                       OR sv.advisoryId IN (SELECT id FROM groupIds g WHERE g.vulnerabilityId = f.vulnerabilityId)))
        ),
        rows AS (
            SELECT *, CASE WHEN scannerToo THEN 'both' ELSE 'patchtrack' END AS source FROM ours
            UNION ALL SELECT *, 'scanner' AS source FROM theirs
        )
        SELECT rows.* FROM rows
        WHERE rows.sortKey > :cursor
          AND (:vulnerability IS NULL OR rows.vulnerabilityId = :vulnerability)
          AND \(severityRankSQL(of: "rows.severity")) >= :minRank
          AND (:fixable IS NULL OR (:fixable = 1) = (rows.fixedVersion IS NOT NULL))
          AND ((:state IS NULL AND rows.state <> 'resolved') OR rows.state = :state)
          AND (:source IS NULL OR rows.source = :source)
        ORDER BY rows.sortKey LIMIT :limit
        """

    private static func storedFinding(_ row: Row) -> StoredFinding {
        var statement: StoredFinding.Statement?
        if let id = row["statementId"] as Int64? {
            statement = .init(
                id: id, status: row["statementStatus"], justification: row["justification"],
                impactStatement: row["impactStatement"], format: row["statementFormat"], documentId: row["documentId"])
        }
        let scannerFixed = (row["scannerFixed"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        let source: String = row["source"]
        return StoredFinding(
            key: row["sortKey"], image: row["image"], repository: row["repository"], purl: row["purl"],
            packageName: row["packageName"], installedVersion: row["installedVersion"], fixedVersion: row["fixedVersion"],
            scannerFixedVersions: source == "patchtrack" ? nil : scannerFixed, advisory: row["advisory"],
            vulnerabilityId: row["vulnerabilityId"], severity: row["severity"], state: row["state"], source: source,
            statement: statement, firstDetected: row["firstDetected"], lastDetected: row["lastDetected"],
            resolvedAt: row["resolvedAt"])
    }

    /// Whether any advisory with id or alias `identifier` is stored (to explain scanner-only verdicts).
    public func knownAdvisoryIDs(_ identifiers: [String]) async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(
                db,
                sql: """
                    SELECT osvId FROM advisory WHERE osvId IN (SELECT value FROM json_each(?1))
                    UNION SELECT alias FROM advisoryAlias WHERE alias IN (SELECT value FROM json_each(?1))
                    """,
                arguments: [try Self.json(identifiers)]))
        }
    }

    /// Images with open findings of `vulnerabilityId`, with their current tags.
    public func images(affectedBy vulnerabilityId: String) async throws -> [(image: StoredImage, findings: Int)] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT imageId, count(*) AS n FROM finding WHERE vulnerabilityId = ? AND state = 'open'
                    GROUP BY imageId ORDER BY imageId
                    """,
                arguments: [vulnerabilityId])
            let counts = Dictionary(uniqueKeysWithValues: rows.map { (($0["imageId"] as Int64), ($0["n"] as Int)) })
            return try Self.storedImages(db, ids: rows.map { $0["imageId"] }).map { ($0, counts[$0.id] ?? 0) }
        }
    }
}
