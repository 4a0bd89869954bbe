import Foundation
import PatchTrackCore

extension Matching {
    /// Which open findings a reconciliation may resolve.
    enum FindingScope {
        /// The findings of one image.
        case image(Int64)
        /// The findings of these advisories.
        case advisories([Int64])
        /// Advisories inserted by this transaction and not reconciled yet: the findings desired are their first,
        /// nothing is open to resolve.
        case newAdvisories
    }

    /// The key of a finding: one per image, package and advisory.
    private struct FindingKey: Hashable {
        let imageId: Int64
        let purl: String
        let advisoryId: Int64
    }

    /// Makes the open findings in `scope` exactly `desired`: inserts new ones, updates the rest, and resolves open
    /// findings that matching no longer produces. A key desired twice (one package listed twice in an image) is
    /// written once, with the values of its last occurrence.
    static func reconcileFindings(_ session: any SQLSession, scope: FindingScope, desired: [DesiredFinding], now: String) throws {
        var batch = SQLBatchInsert(
            into: "finding",
            columns: [
                "imageId", "componentId", "purl", "ecosystem", "packageName", "installedVersion", "layerDigest", "advisoryId",
                "vulnerabilityId", "fixedVersion", "severityLevel", "state", "firstDetected", "lastDetected",
            ],
            tail: """
                ON CONFLICT (imageId, purl, advisoryId) DO UPDATE SET
                    componentId = excluded.componentId, installedVersion = excluded.installedVersion,
                    layerDigest = excluded.layerDigest, vulnerabilityId = excluded.vulnerabilityId,
                    fixedVersion = excluded.fixedVersion, severityLevel = excluded.severityLevel, state = 'open',
                    lastDetected = excluded.lastDetected, resolvedAt = NULL
                RETURNING id, firstDetected
                """)
        batch.reserveCapacity(desired.count)
        var images = Set<Int64>()
        let findings = unique(desired)
        for finding in findings {
            let candidate = finding.candidate
            images.insert(candidate.imageId)
            batch.append(
                candidate.imageId, candidate.componentId, candidate.purl, candidate.ecosystem, candidate.name, candidate.version,
                candidate.layerDigest, finding.advisory.id, finding.advisory.vulnerabilityId, finding.fixedVersion,
                finding.advisory.severityLevel, "open", now, now)
        }
        let returned = try session.insert(batch).rows
        let kept = Set(try returned.map { try $0.decode(0, as: Int64.self) })
        try recordOpened(session, findings, returned, scope: scope, now: now)
        let open: [SQLRow]
        switch scope {
        case .newAdvisories:
            open = []
        case .image(let imageId):
            open = try session.fetchAll("SELECT \(closedColumns) FROM finding WHERE imageId = \(imageId) AND state = 'open'")
        case .advisories(let advisoryIds):
            // By the advisories' index: without statistics SQLite would walk every open finding of the fleet
            // (`finding_on_state_sla`) for a set of ids it cannot size.
            open = try session.fetchAll(
                """
                SELECT \(closedColumns) FROM finding\(session.dialect.indexedBy("finding_on_advisoryId"))
                WHERE advisoryId IN \(set: advisoryIds) AND state = 'open'
                """)
        }
        var gone: [Int64] = []
        var closed: [(imageId: Int64, finding: EventFinding)] = []
        for row in open where !kept.contains(try row.decode(0, as: Int64.self)) {
            gone.append(try row.decode(0, as: Int64.self))
            images.insert(try row.decode(1, as: Int64.self))
            closed.append((try row.decode(1), try closedFinding(row)))
        }
        if !closed.isEmpty {
            try session.recordEvents(now: now) { batch in
                for item in closed { batch.add(.findingClosed, imageId: item.imageId, finding: item.finding) }
            }
        }
        session.logImageChanges(images)
        if !gone.isEmpty {
            try session.execute(
                "UPDATE finding SET state = 'resolved', resolvedAt = \(now), componentId = NULL WHERE id IN \(set: gone)")
        }
    }

    /// The columns of an open finding read for resolving it (id and image first) and for its `finding.closed` event.
    private static let closedColumns: SQLStatement =
        "id, imageId, vulnerabilityId, severityLevel, packageName, installedVersion, fixedVersion"

    private static func closedFinding(_ row: SQLRow) throws -> EventFinding {
        EventFinding(
            findingId: try row.decode(0), vulnerability: try row.decode(2), severity: try row.decode(3), package: try row.decode(4),
            installedVersion: try row.decode(5), fixedVersion: try row.decode(6))
    }

    /// Records `finding.opened` for the upserted findings first detected now (`returned` holds each one's id and
    /// first detection, in `findings`' order) and, when advisories were matched, `advisory.hits_running` (made only
    /// for images running somewhere).
    private static func recordOpened(
        _ session: any SQLSession, _ findings: [DesiredFinding], _ returned: [SQLRow], scope: FindingScope, now: String
    ) throws {
        guard returned.count == findings.count, try session.eventsWanted() else { return }
        let byAdvisory: Bool
        switch scope {
        case .image: byAdvisory = false
        case .advisories, .newAdvisories: byAdvisory = true
        }
        var opened: [(finding: DesiredFinding, id: Int64)] = []
        for (finding, row) in zip(findings, returned) where try row.decode(1, as: String.self) == now {
            opened.append((finding, try row.decode(0, as: Int64.self)))
        }
        guard !opened.isEmpty else { return }
        // advisory.hits_running only concerns images running now: the others are not collected for it at all.
        var running = Set<Int64>()
        if byAdvisory {
            let images = Set(opened.map(\.finding.candidate.imageId)).sorted()
            try session.forEachRow(
                "SELECT DISTINCT imageId FROM imageRunning WHERE stoppedAt IS NULL AND imageId IN \(set: images)"
            ) { row in running.insert(try row.decode(0)) }
        }
        try session.recordEvents(now: now) { batch in
            for (finding, id) in opened {
                let candidate = finding.candidate
                let item = EventFinding(
                    findingId: id, vulnerability: finding.advisory.vulnerabilityId, severity: finding.advisory.severityLevel,
                    package: candidate.name, installedVersion: candidate.version, fixedVersion: finding.fixedVersion)
                batch.add(.findingOpened, imageId: candidate.imageId, finding: item)
                if running.contains(candidate.imageId) { batch.add(.advisoryHitsRunning, imageId: candidate.imageId, finding: item) }
            }
        }
    }

    /// `desired` with each finding key once, at its first position, with the values of its last occurrence (what
    /// upserting them one by one leaves).
    private static func unique(_ desired: [DesiredFinding]) -> [DesiredFinding] {
        var positions: [FindingKey: Int] = [:]
        positions.reserveCapacity(desired.count)
        var unique: [DesiredFinding] = []
        unique.reserveCapacity(desired.count)
        for finding in desired {
            let key = FindingKey(imageId: finding.candidate.imageId, purl: finding.candidate.purl, advisoryId: finding.advisory.id)
            if let position = positions[key] {
                unique[position] = finding
            } else {
                positions[key] = unique.count
                unique.append(finding)
            }
        }
        return unique
    }
}
