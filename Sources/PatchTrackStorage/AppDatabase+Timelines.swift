import Foundation
import GRDB
import PatchTrackCore

/// One open finding with its patch timeline and SLA standing.
public struct FindingProgress: Sendable, Equatable {
    public var findingId: Int64
    public var imageId: Int64
    public var digest: String
    public var repository: String
    public var vulnerabilityId: String
    public var advisoryId: String
    public var packageName: String
    public var purl: String
    public var installedVersion: String
    public var fixedVersion: String?
    public var severity: SeverityLevel
    public var timeline: PatchTimeline
    public var due: Date?
    public var sla: SLAVerdict
}

/// Everything the timelines of a set of findings need, loaded in a few batch queries, then read in memory.
///
/// Only findings of superseded images can have passed detection (a patched digest needs a build); the others are
/// detected and open, and their SLA standing follows from their detection time alone.
struct TimelineFacts {
    struct Supersession {
        var successorId: Int64
        var builtAt: String
    }

    struct Fate {
        var successorId: Int64
        var fixed: Bool
    }

    struct FindingKey: Hashable {
        var imageId: Int64
        var advisoryId: Int64
        var packageName: String
    }

    var serviceLevel: ServiceLevel
    var suppressed: Set<Int64>
    var supersessions: [Int64: Supersession] = [:]
    var fates: [Int64: Fate] = [:]
    /// Open findings of successor images, to follow a finding that a rebuild kept.
    var successorFindings: [FindingKey: Int64] = [:]
    /// Per image: running somewhere now, or the last time it stopped running anywhere.
    var running: [Int64: PatchTimeline.Running] = [:]
    /// Per rollout target image: the earliest start and the earliest end of a canary phase in a canary environment.
    var rolloutStarts: [Int64: String] = [:]
    var canaryEnds: [Int64: String] = [:]
    var digests: [Int64: String] = [:]

    /// Loads the facts for the findings of superseded images (the chain data is small: one row per rebuild).
    /// `suppressed`: the VEX-suppressed findings when already read.
    static func load(_ db: Database, suppressed: Set<Int64>? = nil) throws -> TimelineFacts {
        var facts = TimelineFacts(
            serviceLevel: try AppDatabase.loadDefaults(db).sla, suppressed: try suppressed ?? AppDatabase.suppressedFindings(db))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT s.imageId, s.successorImageId, coalesce(b.finishedAt, s.supersededAt) AS builtAt
                FROM supersession s LEFT JOIN build b ON b.id = s.buildId
                """)
        {
            facts.supersessions[row["imageId"]] = Supersession(successorId: row["successorImageId"], builtAt: row["builtAt"])
        }
        guard !facts.supersessions.isEmpty else { return facts }
        for row in try Row.fetchAll(db, sql: "SELECT findingId, successorImageId, fate FROM findingFate") {
            facts.fates[row["findingId"]] = Fate(successorId: row["successorImageId"], fixed: row["fate"] == "fixed_in_successor")
        }
        let successors = AppDatabase.jsonArray(Array(Set(facts.supersessions.values.map(\.successorId))))
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, imageId, advisoryId, packageName FROM finding
                WHERE state = 'open' AND imageId IN (SELECT value FROM json_each(?))
                """, arguments: [successors])
        {
            facts.successorFindings[FindingKey(imageId: row["imageId"], advisoryId: row["advisoryId"], packageName: row["packageName"])] = row["id"]
        }
        let chainImages = Array(Set(facts.supersessions.keys).union(facts.supersessions.values.map(\.successorId)))
        let chain = AppDatabase.jsonArray(chainImages)
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT imageId, max(stoppedAt IS NULL) AS runningNow, max(stoppedAt) AS lastStop FROM imageRunning
                WHERE imageId IN (SELECT value FROM json_each(?)) GROUP BY imageId
                """, arguments: [chain])
        {
            let imageId: Int64 = row["imageId"]
            if row["runningNow"] == 1 {
                facts.running[imageId] = .now
            } else if let stop: String = row["lastStop"], let date = Timestamp.parse(stop) {
                facts.running[imageId] = .stopped(date)
            }
        }
        let canaryStage = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM environment WHERE stage = 'canary')") ?? false
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT r.toImageId, min(r.startedAt) AS firstStart,
                    min(CASE WHEN (? AND e.stage = 'canary') OR (NOT ? AND e.position = (SELECT min(position) FROM environment))
                             THEN r.promotedAt END) AS canaryEnd
                FROM rollout r JOIN environment e ON e.id = r.environmentId
                WHERE r.toImageId IN (SELECT value FROM json_each(?)) GROUP BY r.toImageId
                """, arguments: [canaryStage, canaryStage, chain])
        {
            facts.rolloutStarts[row["toImageId"]] = row["firstStart"]
            facts.canaryEnds[row["toImageId"]] = row["canaryEnd"]
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT id, digest FROM image WHERE id IN (SELECT value FROM json_each(?))", arguments: [chain])
        {
            facts.digests[row["id"]] = row["digest"]
        }
        return facts
    }

    /// The timeline of one open finding.
    func timeline(
        findingId: Int64, imageId: Int64, advisoryId: Int64, packageName: String, firstDetected: Date, published: Date?,
        fixAvailable: Date?
    ) -> PatchTimeline {
        var timeline = PatchTimeline(advisoryPublished: published, fixAvailable: fixAvailable, firstDetected: firstDetected)
        guard supersessions[imageId] != nil else { return timeline }
        var affected = [imageId]
        var current = (finding: findingId, image: imageId)
        var patched: Int64?
        // A rebuild that kept the finding hands it to the successor's finding; follow at most 64 rebuilds.
        for _ in 0..<64 {
            guard let fate = fates[current.finding] else { break }
            if fate.fixed {
                patched = fate.successorId
                break
            }
            affected.append(fate.successorId)
            let key = FindingKey(imageId: fate.successorId, advisoryId: advisoryId, packageName: packageName)
            guard let next = successorFindings[key] else { break }
            current = (next, fate.successorId)
        }
        guard let patched, let built = supersessions[current.image].flatMap({ Timestamp.parse($0.builtAt) }) else { return timeline }
        timeline.patchedDigest = digests[patched].flatMap { try? Digest(parsing: $0) }
        timeline.patchedBuilt = built
        timeline.firstRolloutStarted = rolloutStarts[patched].flatMap(Timestamp.parse)
        timeline.canaryComplete = canaryEnds[patched].flatMap(Timestamp.parse)
        timeline.fullyRolledOut = PatchTimeline.fullyRolledOut(patchedBuilt: built, affected: affected.map { running[$0] ?? .never })
        return timeline
    }
}

extension AppDatabase {
    /// The open findings (not suppressed by VEX) selected by `condition` on `f` (finding) with their timelines and SLA
    /// standing at `now`.
    static func findingProgress(_ db: Database, facts: TimelineFacts, now: Date, literal condition: SQL) throws -> [FindingProgress] {
        let rows = try Row.fetchAll(
            db,
            literal: """
                SELECT f.id, f.imageId, i.digest, r.name AS repository, f.vulnerabilityId, a.osvId, f.advisoryId, f.packageName,
                    f.purl, f.installedVersion, f.fixedVersion, f.severityLevel, f.firstDetected, a.published, a.fixFirstSeen
                FROM finding f JOIN advisory a ON a.id = f.advisoryId JOIN image i ON i.id = f.imageId
                JOIN repository r ON r.id = i.repositoryId
                WHERE f.state = 'open' AND \(condition)
                """)
        var result: [FindingProgress] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let id: Int64 = row["id"]
            if facts.suppressed.contains(id) { continue }
            let detected = Timestamp.parse(row["firstDetected"]) ?? now
            let fixedVersion: String? = row["fixedVersion"]
            let timeline = facts.timeline(
                findingId: id, imageId: row["imageId"], advisoryId: row["advisoryId"], packageName: row["packageName"],
                firstDetected: detected, published: (row["published"] as String?).flatMap(Timestamp.parse),
                fixAvailable: fixedVersion == nil ? nil : (row["fixFirstSeen"] as String?).flatMap(Timestamp.parse))
            let severity = SeverityLevel(rawValue: row["severityLevel"]) ?? .unknown
            let due = facts.serviceLevel.due(detected: detected, severity: severity)
            result.append(
                FindingProgress(
                    findingId: id, imageId: row["imageId"], digest: row["digest"], repository: row["repository"],
                    vulnerabilityId: row["vulnerabilityId"], advisoryId: row["osvId"], packageName: row["packageName"], purl: row["purl"],
                    installedVersion: row["installedVersion"], fixedVersion: fixedVersion, severity: severity, timeline: timeline,
                    due: due, sla: ServiceLevel.verdict(due: due, closedAt: timeline.closedAt, now: now)))
        }
        return result
    }

    /// Finding `id` with its timeline and SLA standing; nil when no open finding has that id.
    public func findingProgress(id: Int64) async throws -> FindingProgress? {
        let now = self.now()
        return try await pool.read { db in
            let facts = try TimelineFacts.load(db, suppressed: try self.findingFacts(db).suppressed)
            return try Self.findingProgress(db, facts: facts, now: now, literal: "f.id = \(id)").first
        }
    }
}
