import Synchronization

/// What fleet reads need of the findings that only writes to findings can change: the VEX-suppressed open findings
/// and each image's highest open, unsuppressed severity (4 critical … 0 unknown). Computed once per
/// finding-write generation stored in the database (``Generations/findingWrites``), so inventory posts and rollout
/// events, the frequent writes, do not redo it, and a finding write committed by any process is seen on the next read.
final class FindingFactsCache: Sendable {
    struct Facts: Sendable {
        let suppressed: Set<Int64>
        let imageRank: [Int64: Int]
    }

    private let entry = Mutex<(generation: Int, facts: Facts)?>(nil)

    init() {}

    /// The facts of the data `session` sees, from the cache when no finding write happened since. The generation is
    /// read in the same transaction as the data, so the facts are exactly those of their label, whichever process
    /// wrote last.
    func facts(_ session: any SQLSession) throws -> Facts {
        let generation = try GenerationStore.read(session).findingWrites
        if let cached = entry.withLock({ $0?.generation == generation ? $0?.facts : nil }) { return cached }
        let suppressed = try VEXStore.suppressedFindings(session)
        var imageRank: [Int64: Int] = [:]
        let rows = try session.fetchAll(
            """
            SELECT imageId, max(\(SeverityRankSQL.severityLevel)) FROM finding\(session.dialect.indexedBy("finding_on_imageId_state"))
            WHERE state = 'open' AND id NOT IN \(set: Array(suppressed)) GROUP BY imageId
            """)
        for row in rows { imageRank[try row.decode(0, as: Int64.self)] = try row.decode(1, as: Int.self) }
        let facts = Facts(suppressed: suppressed, imageRank: imageRank)
        entry.withLock { $0 = (generation, facts) }
        return facts
    }
}
