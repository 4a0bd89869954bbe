import Foundation
import PatchTrackCore

/// What happened to one posted advisory record.
public struct AdvisoryIntakeItem: Sendable {
    /// What the intake did with it.
    public enum Outcome: String, Sendable {
        case created, updated, unchanged
        /// A record whose `modified` is older than the stored one: ignored.
        case older
        case rejected
    }

    /// Where it was in the posted document (`0`, `[3]`, or a path inside a zip).
    public var position: String
    /// Its id, when readable.
    public var id: String?
    /// The outcome.
    public var outcome: Outcome
    /// Why it was rejected or ignored; notes (unsupported ecosystems, unevaluable ranges) otherwise.
    public var messages: [String]
}

/// A stored advisory.
public struct StoredAdvisory: Sendable {
    public var osvId: String
    public var aliases: [String]
    public var upstream: [String]
    public var vulnerabilityId: String
    /// Ids of the other records of the same vulnerability.
    public var related: [String]
    public var summary: String?
    public var published: String?
    public var modified: String
    public var withdrawn: String?
    public var severityLevel: String
    public var severityScore: Double?
    public var severitySource: String?
    /// The record as stored (JSON).
    public var record: String
    public var openFindings: Int
}

/// OSV advisories: records upserted by id keeping the newest `modified`, grouped with their aliases into
/// vulnerabilities, and matched (``Matching``) against every stored component as they are written. Written once for
/// both engines.
public struct AdvisoryStore: Sendable {
    let context: StoreContext
    /// Advisories parsed for matching, shared by the stores of one process.
    let cache: PreparedAdvisoryCache

    /// Wraps an executor; `now` stamps records and findings.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(executor: executor, now: now, cache: PreparedAdvisoryCache())
    }

    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date, cache: PreparedAdvisoryCache) {
        context = StoreContext(executor: executor, now: now)
        self.cache = cache
    }

    /// Stores the accepted records of one posted document, each upserted by id keeping the newest
    /// `modified`, grouped with its aliases, and matched against every stored component. Rejected records write
    /// nothing, open no transaction, and are reported with their position and reason. Checks for cancellation (the
    /// client went away) between transactions: what was committed stays, nothing half-written does.
    ///
    /// A document written in several transactions holds its finding events until its last one (``Outbox``): one
    /// `finding.opened` per image for the whole document. `eventStage` names a stage the caller ends itself with
    /// ``flushEvents(stage:)`` (a feed sync spanning several documents).
    public func ingest(
        _ entries: [(position: String, entry: OSVIntake.Entry)], eventStage: String? = nil
    ) async throws -> [AdvisoryIntakeItem] {
        let now = context.timestamp
        let cache = self.cache
        var items: [AdvisoryIntakeItem] = []
        items.reserveCapacity(entries.count)
        var accepted: [Int] = []
        for (offset, (position, entry)) in entries.enumerated() {
            switch entry.outcome {
            case .rejected(let error):
                items.append(AdvisoryIntakeItem(position: position, id: entry.id, outcome: .rejected, messages: [error.description]))
            case .accepted(let validated):
                // A placeholder, replaced by the outcome of the write below.
                items.append(AdvisoryIntakeItem(position: position, id: validated.id, outcome: .unchanged, messages: []))
                accepted.append(offset)
            }
        }
        // Large documents (zip dumps) are written in transactions of `chunk` records: each record is still
        // all-or-nothing, and the write-ahead log stays small enough for fast page lookups.
        let chunk = 1_000
        let ownStage = eventStage == nil && accepted.count > chunk ? Outbox.newStage() : nil
        let stage = eventStage ?? ownStage
        for start in stride(from: 0, to: accepted.count, by: chunk) {
            try Task.checkCancellation()
            let offsets = Array(accepted[start..<min(start + chunk, accepted.count)])
            let records = offsets.compactMap { entries[$0].entry.record }
            // Its steps log the images whose findings change, or every image when alias groups change.
            let written = try await context.generations.write(imageChanges: .declared, eventStage: stage) { session in
                // First: scans and advisories matched by other processes are committed before anything here is read.
                try session.serialize(on: .matching)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var outcomes: [(AdvisoryIntakeItem.Outcome, [String])] = []
                var written: [Written] = []
                var created = Set<Int64>()
                var batch = try IntakeBatch(session, osvIds: records.map(\.record.id))
                try batch.insertNew(session, records, encoder: encoder, now: now)
                for validated in records {
                    let notes = validated.unsupportedEntries.map { "affected[\($0.affectedIndex)]: unsupported ecosystem \($0.ecosystem)" }
                        + validated.warnings.map(\.description)
                    let (outcome, version) = try Self.upsertAdvisory(session, validated, batch: &batch, encoder: encoder, now: now)
                    if let version { written.append(version) }
                    if let version, outcome == .created { created.insert(version.advisoryId) }
                    outcomes.append((outcome, outcome == .older ? ["a newer version (by modified) is stored; ignored"] : notes))
                }
                try batch.insertAliasesAndKeys(session)
                // The alias groups of every record written, once they are all stored; then each version prepared with
                // its group's id and matched.
                let canonical = try Self.regroup(session, around: Array(Set(written.map(\.record.id))), created: created)
                let prepared = written.map { version in
                    let advisory = Matching.prepare(
                        id: version.advisoryId, record: version.record, severityLevel: version.severityLevel,
                        vulnerabilityId: canonical[version.record.id] ?? version.record.id)
                    cache.store(id: version.advisoryId, updatedAt: now, matcher: advisory.matcher, scheme: advisory.scheme)
                    return advisory
                }
                try Matching.matchAdvisories(session, prepared, created: created, now: now)
                return outcomes
            }
            for (offset, (outcome, messages)) in zip(offsets, written) {
                items[offset].outcome = outcome
                items[offset].messages = messages
            }
        }
        if let ownStage { try await flushEvents(stage: ownStage) }
        return items
    }

    /// Coalesces and writes the finding events held under `stage` (see ``ingest(_:eventStage:)``).
    public func flushEvents(stage: String) async throws {
        let now = context.now()
        _ = try await context.executor.write { session in try Outbox.flush(stage, session, now: now) }
    }

    // MARK: - Reads

    /// The advisory with id or alias `identifier` (the record with that id first, else one naming it as alias).
    public func advisory(_ identifier: String) async throws -> StoredAdvisory? {
        try await context.executor.read { session in
            guard let row = try Self.advisoryRow(session, identifier) else { return nil }
            let id = try row.decode("id", as: Int64.self)
            let aliases = try session.fetchAll("SELECT alias, kind FROM advisoryAlias WHERE advisoryId = \(id) ORDER BY alias")
                .map { (alias: try $0.decode("alias", as: String.self), kind: try $0.decode("kind", as: String.self)) }
            let vulnerabilityId = try row.decode("vulnerabilityId", as: String.self)
            let related = try session.fetchAll(
                "SELECT osvId FROM advisory WHERE vulnerabilityId = \(vulnerabilityId) AND id <> \(id) ORDER BY osvId"
            ).map { try $0.decode(0, as: String.self) }
            let open = try session.fetchValue(
                "SELECT count(*) FROM finding WHERE advisoryId = \(id) AND state = 'open'", as: Int.self) ?? 0
            return StoredAdvisory(
                osvId: try row.decode("osvId"), aliases: aliases.filter { $0.kind == "alias" }.map(\.alias),
                upstream: aliases.filter { $0.kind == "upstream" }.map(\.alias), vulnerabilityId: vulnerabilityId,
                related: related, summary: try row.decode("summary"), published: try row.decode("published"),
                modified: try row.decode("modified"), withdrawn: try row.decode("withdrawn"),
                severityLevel: try row.decode("severityLevel"), severityScore: try row.decode("severityScore"),
                severitySource: try row.decode("severitySource"), record: try row.decode("record"), openFindings: open)
        }
    }

    /// The vulnerability id of the advisory known by `identifier` (id or alias), or nil.
    public func vulnerabilityID(of identifier: String) async throws -> String? {
        try await context.executor.read { session in
            try Self.advisoryRow(session, identifier).map { try $0.decode("vulnerabilityId", as: String.self) }
        }
    }

    /// The advisory row known by `identifier`: its own id, else an alias or upstream id, else its vulnerability id.
    static func advisoryRow(_ session: any SQLSession, _ identifier: String) throws -> SQLRow? {
        if let row = try session.fetchOne("SELECT \(advisoryColumns) FROM advisory a WHERE a.osvId = \(identifier)") { return row }
        if let row = try session.fetchOne(
            """
            SELECT \(advisoryColumns) FROM advisoryAlias aa JOIN advisory a ON a.id = aa.advisoryId
            WHERE aa.alias = \(identifier) ORDER BY aa.kind, a.osvId LIMIT 1
            """)
        {
            return row
        }
        return try session.fetchOne(
            "SELECT \(advisoryColumns) FROM advisory a WHERE a.vulnerabilityId = \(identifier) ORDER BY a.osvId LIMIT 1")
    }

    /// The columns of a ``StoredAdvisory`` row.
    private static let advisoryColumns: SQLStatement = """
        a.id, a.osvId, a.vulnerabilityId, a.summary, a.published, a.modified, a.withdrawn, a.severityLevel,
        a.severityScore, a.severitySource, a.record
        """
}

extension Severity.Source {
    /// `cvss_v4:<vector>`, `cvss_v3:<vector>`, `database_specific:<label>`, `distro:<label>`, `scanner:<label>`, nil.
    var stored: String? {
        switch self {
        case .cvssV4(let vector): "cvss_v4:\(vector)"
        case .cvssV3(let vector): "cvss_v3:\(vector)"
        case .databaseSpecific(let label): "database_specific:\(label)"
        case .distro(let label): "distro:\(label)"
        case .scanner(let label): "scanner:\(label)"
        case .none: nil
        }
    }
}
