import GRDB
import Synchronization

/// What fleet reads need of the findings that only writes to findings can change: the VEX-suppressed open findings
/// and each image's highest open, unsuppressed severity (4 critical … 0 unknown). Computed once per
/// finding-write generation (``Generations/findingWrites``), so inventory posts and rollout events, the frequent writes, do not redo it.
final class FindingFactsCache: Sendable {
    struct Facts: Sendable {
        let suppressed: Set<Int64>
        let imageRank: [Int64: Int]
    }

    private let entry = Mutex<(generation: Int, facts: Facts)?>(nil)

    func facts(generation: Int) -> Facts? {
        entry.withLock { $0?.generation == generation ? $0?.facts : nil }
    }

    func store(_ facts: Facts, generation: Int) {
        entry.withLock { $0 = (generation, facts) }
    }
}

extension AppDatabase {
    /// The finding facts of the current data, from the cache when no finding write happened since.
    ///
    /// The generation is read in the same transaction as the data, so the facts are exactly those of their label,
    /// whichever process wrote last.
    func findingFacts(_ db: Database) throws -> FindingFactsCache.Facts {
        let generation = try Self.generations(db).findingWrites
        if let cached = findingFacts.facts(generation: generation) { return cached }
        let suppressed = try Self.suppressedFindings(db)
        var imageRank: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT imageId, max(\(Self.severityRankSQL)) FROM finding INDEXED BY finding_on_imageId_state
                WHERE state = 'open' AND id NOT IN (SELECT value FROM json_each(?)) GROUP BY imageId
                """, arguments: [Self.jsonArray(Array(suppressed))])
        while let row = try rows.next() { imageRank[row[0]] = row[1] }
        let facts = FindingFactsCache.Facts(suppressed: suppressed, imageRank: imageRank)
        findingFacts.store(facts, generation: generation)
        return facts
    }
}
