import Foundation
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

    /// Loads the facts for the findings of superseded images. `images`: only the rebuild chains that start at these
    /// images (what the timelines of their findings walk), so a point read costs its chain, not the fleet's; nil:
    /// every chain. `suppressed`: the VEX-suppressed findings among those whose timelines are wanted.
    static func load(_ session: any SQLSession, suppressed: Set<Int64>, images scope: Set<Int64>? = nil) throws -> TimelineFacts {
        var facts = TimelineFacts(serviceLevel: try PolicyStore.loadDefaults(session).sla, suppressed: suppressed)
        let supersessions: SQLStatement = """
            SELECT s.imageId, s.successorImageId, coalesce(b.finishedAt, s.supersededAt) AS builtAt
            FROM supersession s LEFT JOIN build b ON b.id = s.buildId
            """
        func add(_ rows: [SQLRow]) throws -> [Int64] {
            var successors: [Int64] = []
            for row in rows {
                let supersession = Supersession(successorId: try row.decode(1), builtAt: try row.decode(2))
                guard facts.supersessions.updateValue(supersession, forKey: try row.decode(0)) == nil else { continue }
                successors.append(supersession.successorId)
            }
            return successors
        }
        if let scope {
            // Forward along the rebuilds, one query per step, as far as a timeline follows them (64 rebuilds).
            var frontier = Array(scope)
            for _ in 0...64 where !frontier.isEmpty {
                frontier = try add(session.fetchAll("\(supersessions) WHERE s.imageId IN \(set: frontier.sorted())"))
                    .filter { facts.supersessions[$0] == nil }
            }
        } else {
            _ = try add(session.fetchAll(supersessions))
        }
        guard !facts.supersessions.isEmpty else { return facts }
        let fateScope: SQLStatement = scope == nil
            ? "" : "WHERE findingId IN (SELECT id FROM finding WHERE imageId IN \(set: facts.supersessions.keys.sorted()))"
        for row in try session.fetchAll("SELECT findingId, successorImageId, fate FROM findingFate \(fateScope)") {
            facts.fates[try row.decode(0)] = Fate(
                successorId: try row.decode(1), fixed: try row.decode(2, as: String.self) == "fixed_in_successor")
        }
        let successors = Array(Set(facts.supersessions.values.map(\.successorId))).sorted()
        for row in try session.fetchAll(
            """
            SELECT id, imageId, advisoryId, packageName FROM finding
            WHERE state = 'open' AND imageId IN \(set: successors)
            """)
        {
            let key = FindingKey(imageId: try row.decode(1), advisoryId: try row.decode(2), packageName: try row.decode(3))
            facts.successorFindings[key] = try row.decode(0, as: Int64.self)
        }
        let chain = Array(Set(facts.supersessions.keys).union(facts.supersessions.values.map(\.successorId))).sorted()
        for row in try session.fetchAll(
            """
            SELECT imageId, max(CASE WHEN stoppedAt IS NULL THEN 1 ELSE 0 END) AS runningNow, max(stoppedAt) AS lastStop
            FROM imageRunning WHERE imageId IN \(set: chain) GROUP BY imageId
            """)
        {
            let imageId = try row.decode(0, as: Int64.self)
            if try row.decode(1, as: Int.self) == 1 {
                facts.running[imageId] = .now
            } else if let stop = try row.decode(2, as: String?.self), let date = Timestamp.parse(stop) {
                facts.running[imageId] = .stopped(date)
            }
        }
        // The canary phase ends in the canary stage's environments, or in the first environment when there is none.
        let canaryStage = try session.fetchValue("SELECT EXISTS (SELECT 1 FROM environment WHERE stage = 'canary')", as: Bool.self) ?? false
        let canary: SQLStatement = canaryStage ? "e.stage = 'canary'" : "e.position = (SELECT min(position) FROM environment)"
        for row in try session.fetchAll(
            """
            SELECT r.toImageId, min(r.startedAt) AS firstStart, min(CASE WHEN \(canary) THEN r.promotedAt END) AS canaryEnd
            FROM rollout r JOIN environment e ON e.id = r.environmentId
            WHERE r.toImageId IN \(set: chain) GROUP BY r.toImageId
            """)
        {
            let imageId = try row.decode(0, as: Int64.self)
            facts.rolloutStarts[imageId] = try row.decode(1, as: String?.self)
            facts.canaryEnds[imageId] = try row.decode(2, as: String?.self)
        }
        for row in try session.fetchAll("SELECT id, digest FROM image WHERE id IN \(set: chain)") {
            facts.digests[try row.decode(0)] = try row.decode(1, as: String.self)
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
