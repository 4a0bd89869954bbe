import Foundation
import PatchTrackCore

/// One page of a finding list, read in batches: SQL filters what it can by index (image, vulnerability, severity,
/// fix, resolved or not) and pages by key; what depends on a Core rule (VEX suppression, a scanner's severity label)
/// is decided in Swift for the whole batch at once, and the next batch is read only when filters left the page short.
extension FindingStore {
    /// The most rows read in one batch: batches start at the rows wanted and double while filters leave the page
    /// short.
    private static let largestBatch = 10_000

    /// Up to `wanted` rows after `cursor`, in key order: PatchTrack's findings, then the scanner-only verdicts.
    static func page(_ session: any SQLSession, _ filter: FindingFilter, after cursor: Int64, wanted: Int) throws -> [StoredFinding] {
        guard [nil, "affected", "suppressed", "resolved"].contains(filter.state) else { return [] }
        var items: [StoredFinding] = []
        var position = cursor
        var batch = min(wanted, largestBatch)
        if filter.source != "scanner" && position < scannerKeyOffset {
            while items.count < wanted {
                let rows = try ours(session, filter, after: position, limit: batch)
                items += try finish(session, rows).filter { Self.keeps($0, filter) }
                guard rows.count == batch, let last = rows.last else { break }
                position = try last.decode("id")
                batch = min(batch * 2, largestBatch)
            }
        }
        guard [nil, "affected"].contains(filter.state), [nil, "scanner"].contains(filter.source) else {
            return Array(items.prefix(wanted))
        }
        position = max(position, scannerKeyOffset) - scannerKeyOffset
        batch = min(wanted, largestBatch)
        while items.count < wanted {
            let rows = try theirs(session, filter, after: position, limit: batch)
            var scanned = try rows.map(Self.scannerOnly)
            if !scanned.isEmpty {
                let signals = try ExploitSignalReads.signals(session, vulnerabilityIds: Array(Set(scanned.map(\.vulnerabilityId))).sorted())
                for index in scanned.indices { scanned[index].signals = signals[scanned[index].vulnerabilityId] ?? ExploitSignals() }
            }
            items += scanned.filter { Self.keeps($0, filter) }
            guard rows.count == batch, let last = rows.last else { break }
            position = try last.decode("id")
            batch = min(batch * 2, largestBatch)
        }
        return Array(items.prefix(wanted))
    }

    /// The filters SQL did not apply: state (VEX suppression), source, and the scanner-only rows' fix and severity.
    private static func keeps(_ item: StoredFinding, _ filter: FindingFilter) -> Bool {
        if let state = filter.state, item.state != state { return false }
        if let source = filter.source, item.source != source { return false }
        if let fixable = filter.fixable, fixable != (item.fixedVersion != nil) { return false }
        if let minimum = filter.minimumSeverity, (SeverityLevel(rawValue: item.severity) ?? .unknown) < minimum { return false }
        if let kev = filter.kev, kev != (item.signals.kev != nil) { return false }
        if let minimum = filter.minimumEPSS, (item.signals.epss?.score ?? -1) < minimum { return false }
        return true
    }

    /// Whether the scanner verdict `sv` names the vulnerability of finding `f`: its id, or the OSV id or an alias of
    /// an advisory in the finding's vulnerability group.
    private static let verdictNamesFindingVulnerability: SQLStatement = """
        (sv.advisoryId = f.vulnerabilityId
         OR EXISTS (SELECT 1 FROM advisory ga WHERE ga.vulnerabilityId = f.vulnerabilityId AND ga.osvId = sv.advisoryId)
         OR EXISTS (SELECT 1 FROM advisoryAlias gaa JOIN advisory ga ON ga.id = gaa.advisoryId
                    WHERE gaa.alias = sv.advisoryId AND ga.vulnerabilityId = f.vulnerabilityId))
        """

    /// Whether the scanner verdict `sv` and finding `f` are about the same package in the same image.
    private static let verdictSamePackage: SQLStatement = "sv.imageId = f.imageId AND (sv.packageName = f.packageName OR sv.purl = f.purl)"

    /// PatchTrack's findings after `position`, with whether a scanner reported them too.
    private static func ours(_ session: any SQLSession, _ filter: FindingFilter, after position: Int64, limit: Int) throws -> [SQLRow] {
        var conditions: [SQLStatement] = ["f.id > \(position)"]
        if let digest = filter.imageDigest { conditions.append("i.digest = \(digest)") }
        if let vulnerability = filter.vulnerabilityId { conditions.append("f.vulnerabilityId = \(vulnerability)") }
        if let minimum = filter.minimumSeverity, minimum > .unknown {
            conditions.append("f.severityLevel IN \(set: SeverityLevel.allCases.filter { $0 >= minimum }.map(\.rawValue))")
        }
        if let fixable = filter.fixable { conditions.append(fixable ? "f.fixedVersion IS NOT NULL" : "f.fixedVersion IS NULL") }
        if let kev = filter.kev {
            conditions.append(kev ? "f.vulnerabilityId IN (\(ExploitSignalReads.kevVulnerabilities))" : "f.vulnerabilityId NOT IN (\(ExploitSignalReads.kevVulnerabilities))")
        }
        if let minimum = filter.minimumEPSS {
            conditions.append("f.vulnerabilityId IN (\(ExploitSignalReads.epssVulnerabilities(atLeast: minimum)))")
        }
        conditions.append(filter.state == "resolved" ? "f.state = 'resolved'" : "f.state = 'open'")
        let selection = conditions.dropFirst().reduce(conditions[0]) { all, next -> SQLStatement in "\(all) AND \(next)" }
        return try session.fetchAll(
            """
            SELECT f.id, f.imageId, i.digest AS image, r.name AS repository, f.purl, f.packageName, f.installedVersion,
                f.fixedVersion, a.osvId AS advisory, f.vulnerabilityId, f.severityLevel, f.state, f.firstDetected,
                f.lastDetected, f.resolvedAt,
                CASE WHEN EXISTS (SELECT 1 FROM scannerVerdict sv
                                  WHERE \(verdictSamePackage)
                                    AND \(verdictNamesFindingVulnerability))
                     THEN 1 ELSE 0 END AS scannerToo
            FROM finding f
            JOIN image i ON i.id = f.imageId JOIN repository r ON r.id = i.repositoryId JOIN advisory a ON a.id = f.advisoryId
            WHERE \(selection)
            ORDER BY f.id LIMIT \(limit)
            """)
    }

    /// PatchTrack's findings of a batch with their governing statements (one query for the batch) and the fixed
    /// versions of the scanners that reported them too.
    private static func finish(_ session: any SQLSession, _ rows: [SQLRow]) throws -> [StoredFinding] {
        guard !rows.isEmpty else { return [] }
        let ids: [Int64] = try rows.map { try $0.decode("id") }
        let statements = try VEXStore.governingStatements(session, findingIds: ids)
        var scannerToo: [Int64] = []
        for (id, row) in zip(ids, rows) {
            if try row.decode("scannerToo", as: Int.self) == 1 { scannerToo.append(id) }
        }
        let scannerFixed = try scannerFixedVersions(session, findingIds: scannerToo)
        let signals = try ExploitSignalReads.signals(
            session, vulnerabilityIds: Array(Set(try rows.map { try $0.decode("vulnerabilityId", as: String.self) })).sorted())
        return try rows.map { row in
            let id: Int64 = try row.decode("id")
            let governing = statements[id]
            let state: String =
                try row.decode("state", as: String.self) == "resolved" ? "resolved" : governing?.suppresses == true ? "suppressed" : "affected"
            let both = try row.decode("scannerToo", as: Int.self) == 1
            return StoredFinding(
                key: id, image: try row.decode("image"), repository: try row.decode("repository"), purl: try row.decode("purl"),
                packageName: try row.decode("packageName"), installedVersion: try row.decode("installedVersion"),
                fixedVersion: try row.decode("fixedVersion"), scannerFixedVersions: both ? scannerFixed[id] ?? [] : nil,
                advisory: try row.decode("advisory"), vulnerabilityId: try row.decode("vulnerabilityId"),
                severity: try row.decode("severityLevel"), state: state, source: both ? "both" : "patchtrack",
                statement: governing.map {
                    StoredFinding.Statement(
                        id: $0.id, status: $0.status.rawValue, justification: $0.justification,
                        impactStatement: $0.impactStatement, format: $0.format, documentId: $0.documentId)
                },
                firstDetected: try row.decode("firstDetected"), lastDetected: try row.decode("lastDetected"),
                resolvedAt: try row.decode("resolvedAt"), signals: signals[try row.decode("vulnerabilityId")] ?? ExploitSignals())
        }
    }

    /// The distinct fixed versions the scanners reported for each finding, in verdict order.
    private static func scannerFixedVersions(_ session: any SQLSession, findingIds: [Int64]) throws -> [Int64: [String]] {
        guard !findingIds.isEmpty else { return [:] }
        var versions: [Int64: [String]] = [:]
        for row in try session.fetchAll(
            """
            SELECT f.id, sv.fixedVersions FROM finding f
            JOIN scannerVerdict sv ON \(verdictSamePackage)
                AND \(verdictNamesFindingVulnerability)
            WHERE f.id IN \(set: findingIds)
            ORDER BY f.id, sv.id
            """)
        {
            let id: Int64 = try row.decode(0)
            var known = versions[id] ?? []
            for version in strings(try row.decode(1)) ?? [] where !known.contains(version) { known.append(version) }
            versions[id] = known
        }
        return versions
    }

    /// Scanner verdicts after `position` (a verdict id) that no open finding reproduces, with the vulnerability their
    /// advisory id belongs to (itself when no stored advisory has it as id or alias).
    private static func theirs(_ session: any SQLSession, _ filter: FindingFilter, after position: Int64, limit: Int) throws -> [SQLRow] {
        let image: SQLStatement = filter.imageDigest.map { digest -> SQLStatement in "AND i.digest = \(digest)" } ?? ""
        let vulnerability: SQLStatement = filter.vulnerabilityId.map { id -> SQLStatement in "WHERE t.vulnerabilityId = \(id)" } ?? ""
        return try session.fetchAll(
            """
            SELECT t.* FROM (
                SELECT sv.id, i.digest AS image, r.name AS repository, sv.purl, sv.packageName, sv.installedVersion,
                    sv.fixedVersions, sv.advisoryId AS advisory, sv.severity,
                    coalesce((SELECT min(g.vulnerabilityId) FROM (
                                  SELECT a.vulnerabilityId FROM advisory a WHERE a.osvId = sv.advisoryId
                                  UNION ALL SELECT a.vulnerabilityId FROM advisoryAlias aa JOIN advisory a ON a.id = aa.advisoryId
                                  WHERE aa.alias = sv.advisoryId) g),
                             sv.advisoryId) AS vulnerabilityId
                FROM scannerVerdict sv JOIN image i ON i.id = sv.imageId JOIN repository r ON r.id = i.repositoryId
                WHERE sv.id > \(position) \(image)
                  AND NOT EXISTS (SELECT 1 FROM finding f WHERE f.state = 'open'
                                  AND \(verdictSamePackage)
                                  AND \(verdictNamesFindingVulnerability))
            ) t \(vulnerability)
            ORDER BY t.id LIMIT \(limit)
            """)
    }

    /// A scanner-only row: its fixed versions as the scanner gave them, its label read as a severity level.
    private static func scannerOnly(_ row: SQLRow) throws -> StoredFinding {
        let fixed = strings(try row.decode("fixedVersions"))
        let label: String? = try row.decode("severity")
        return StoredFinding(
            key: scannerKeyOffset + (try row.decode("id", as: Int64.self)), image: try row.decode("image"),
            repository: try row.decode("repository"), purl: try row.decode("purl"), packageName: try row.decode("packageName"),
            installedVersion: try row.decode("installedVersion"), fixedVersion: fixed?.first, scannerFixedVersions: fixed,
            advisory: try row.decode("advisory"), vulnerabilityId: try row.decode("vulnerabilityId"),
            severity: (label.flatMap(SeverityLevel.init(label:)) ?? .unknown).rawValue, state: "affected", source: "scanner",
            statement: nil, firstDetected: nil, lastDetected: nil, resolvedAt: nil)
    }

    /// A stored JSON array of strings (`scannerVerdict.fixedVersions`), nil when it is not one.
    private static func strings(_ json: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(json.utf8))
    }
}
