import Foundation
import GRDB
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

extension AppDatabase {
    /// Stores the accepted records of one posted document, each upserted by id keeping the newest
    /// `modified`, grouped with its aliases, and matched against every stored component. Rejected records write
    /// nothing and are reported with their position and reason.
    public func ingestAdvisories(_ entries: [(position: String, entry: OSVIntake.Entry)]) async throws -> [AdvisoryIntakeItem] {
        let now = timestamp
        let cache = preparedAdvisories
        var items: [AdvisoryIntakeItem] = []
        items.reserveCapacity(entries.count)
        // Large documents (zip dumps) are written in transactions of `chunk` records: each record is still
        // all-or-nothing, and the write-ahead log stays small enough for fast page lookups.
        let chunk = 1_000
        for start in stride(from: 0, to: entries.count, by: chunk) {
            let slice = entries[start..<min(start + chunk, entries.count)]
            items += try await write { db in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var items: [AdvisoryIntakeItem] = []
                var written: [PreparedAdvisory] = []
                for (position, entry) in slice {
                    switch entry.outcome {
                    case .rejected(let error):
                        items.append(AdvisoryIntakeItem(position: position, id: entry.id, outcome: .rejected, messages: [error.description]))
                    case .accepted(let validated):
                        let notes = validated.unsupportedEntries.map { "affected[\($0.affectedIndex)]: unsupported ecosystem \($0.ecosystem)" }
                            + validated.warnings.map(\.description)
                        let (outcome, prepared) = try Self.upsertAdvisory(db, validated, encoder: encoder, now: now, cache: cache)
                        if let prepared { written.append(prepared) }
                        items.append(AdvisoryIntakeItem(
                            position: position, id: validated.id, outcome: outcome,
                            messages: outcome == .older ? ["a newer version (by modified) is stored; ignored"] : notes))
                    }
                }
                try Self.matchAdvisories(db, written, now: now)
                return items
            }
        }
        return items
    }

    /// Upserts one validated record (with its aliases, keys and alias group). Returns what happened and, when it
    /// was written, the prepared record to match.
    static func upsertAdvisory(
        _ db: Database, _ validated: ValidatedOSVRecord, encoder: JSONEncoder, now: String, cache: PreparedAdvisoryCache
    ) throws -> (AdvisoryIntakeItem.Outcome, PreparedAdvisory?) {
        let record = validated.record
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, modified FROM advisory WHERE osvId = ?"), arguments: [record.id])
        if let existing {
            let stored: String = existing[1]
            if !validated.isNewer(thanStoredModified: stored) {
                return (RFC3339Timestamp(stored) == validated.modified ? .unchanged : .older, nil)
            }
        }
        let severity = Severity.from(record: record)
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        let arguments: StatementArguments = [
            validated.modified.utc, validated.published?.utc, validated.withdrawn?.utc, record.summary,
            severity.level.rawValue, severity.score, severity.source.stored, json, now,
        ]
        let advisoryId: Int64
        if let existing {
            advisoryId = existing[0]
            try db.cachedStatement(
                sql: """
                    UPDATE advisory SET modified = ?, published = ?, withdrawn = ?, summary = ?, severityLevel = ?,
                        severityScore = ?, severitySource = ?, record = ?, updatedAt = ? WHERE id = ?
                    """
            ).execute(arguments: arguments + [advisoryId])
            try db.cachedStatement(sql: "DELETE FROM advisoryAlias WHERE advisoryId = ?").execute(arguments: [advisoryId])
            try db.cachedStatement(sql: "DELETE FROM advisoryKey WHERE advisoryId = ?").execute(arguments: [advisoryId])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO advisory (modified, published, withdrawn, summary, severityLevel, severityScore,
                        severitySource, record, updatedAt, osvId, vulnerabilityId, importedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: arguments + [record.id, record.id, now])
            advisoryId = db.lastInsertedRowID
        }
        if record.affected.contains(where: { $0.ranges.contains { $0.events.contains { if case .fixed = $0 { true } else { false } } } }) {
            // The "fix available" stage of time-to-patch: the first stored version of the record that names a fix.
            try db.cachedStatement(sql: "UPDATE advisory SET fixFirstSeen = ? WHERE id = ? AND fixFirstSeen IS NULL")
                .execute(arguments: [now, advisoryId])
        }
        let alias = try db.cachedStatement(sql: "INSERT OR IGNORE INTO advisoryAlias (advisoryId, alias, kind) VALUES (?, ?, ?)")
        for id in Set(record.aliases) where id != record.id { try alias.execute(arguments: [advisoryId, id, "alias"]) }
        for id in Set(record.upstream) where id != record.id { try alias.execute(arguments: [advisoryId, id, "upstream"]) }
        let key = try db.cachedStatement(sql: "INSERT OR IGNORE INTO advisoryKey (advisoryId, matchKey) VALUES (?, ?)")
        for matchKey in MatchKey.keys(for: record) { try key.execute(arguments: [advisoryId, matchKey.value]) }

        let vulnerabilityId = try regroup(db, around: record.id)
        let prepared = prepare(id: advisoryId, record: record, severityLevel: severity.level.rawValue, vulnerabilityId: vulnerabilityId)
        cache.store(id: advisoryId, updatedAt: now, matcher: prepared.matcher, scheme: prepared.scheme)
        return (existing == nil ? .created : .updated, prepared)
    }

    /// Matches freshly written advisories against every stored component sharing a key with them, loading each
    /// key's components once for all of them (a component under several keys is one candidate), and reconciles each
    /// advisory's findings as Core's ``FindingDecision`` decides them.
    static func matchAdvisories(_ db: Database, _ advisories: [PreparedAdvisory], now: String) throws {
        guard !advisories.isEmpty else { return }
        var candidates: [MatchCandidate] = []
        var positionsByKey: [String: [Int]] = [:]
        var positionOfComponent: [Int64: Int] = [:]
        for advisory in advisories {
            for key in advisory.matcher.keys where positionsByKey[key.value] == nil {
                var positions: [Int] = []
                for candidate in try Self.candidates(db, matchKey: key.value) {
                    if let position = positionOfComponent[candidate.componentId] {
                        positions.append(position)
                    } else {
                        positionOfComponent[candidate.componentId] = candidates.count
                        positions.append(candidates.count)
                        candidates.append(candidate)
                    }
                }
                positionsByKey[key.value] = positions
            }
        }
        for advisory in advisories {
            let desired = FindingDecision.affected(by: advisory, candidates: candidates, positionsByKey: positionsByKey).map {
                DesiredFinding(candidate: candidates[$0.candidate], advisory: advisory, fixedVersion: $0.fixedVersion)
            }
            try reconcileFindings(db, scope: .advisory(advisory.id), desired: desired, now: now)
        }
    }

    /// Recomputes the alias group of `osvId` over every stored record connected to it through ids, aliases and
    /// upstream ids, stores each member's canonical vulnerability id (on the advisory and its findings), and
    /// returns the canonical id of `osvId`.
    static func regroup(_ db: Database, around osvId: String) throws -> String {
        var members: [String: (id: Int64, aliases: [String], upstream: [String])] = [:]
        var known: Set<String> = [osvId]
        var frontier: [String] = [osvId]
        // Bounded: each round adds ids; a group larger than this many rounds apart is cut, not looped over.
        for _ in 0..<16 where !frontier.isEmpty {
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.id, a.osvId, aa.alias, aa.kind FROM advisory a LEFT JOIN advisoryAlias aa ON aa.advisoryId = a.id
                        WHERE a.osvId IN (SELECT value FROM json_each(?1))
                           OR a.id IN (SELECT advisoryId FROM advisoryAlias WHERE alias IN (SELECT value FROM json_each(?1)))
                        """),
                arguments: [try json(frontier)])
            var next: [String] = []
            for row in rows {
                let id: Int64 = row[0]
                let member: String = row[1]
                var entry = members[member] ?? (id, [], [])
                if let alias = row[2] as String? {
                    if (row[3] as String) == "upstream" { entry.upstream.append(alias) } else { entry.aliases.append(alias) }
                    if known.insert(alias).inserted { next.append(alias) }
                }
                members[member] = entry
                if known.insert(member).inserted { next.append(member) }
            }
            frontier = next
        }
        var groups = VulnerabilityGroups()
        for (member, entry) in members { groups.add(id: member, aliases: entry.aliases, upstream: entry.upstream) }
        let updateAdvisory = try db.cachedStatement(sql: "UPDATE advisory SET vulnerabilityId = ? WHERE id = ? AND vulnerabilityId <> ?")
        let updateFindings = try db.cachedStatement(sql: "UPDATE finding SET vulnerabilityId = ? WHERE advisoryId = ? AND vulnerabilityId <> ?")
        for (member, entry) in members {
            let canonical = groups.canonicalID(of: member)
            try updateAdvisory.execute(arguments: [canonical, entry.id, canonical])
            try updateFindings.execute(arguments: [canonical, entry.id, canonical])
        }
        return groups.canonicalID(of: osvId)
    }

    // MARK: - Reads

    /// The advisory with id or alias `identifier` (the record with that id first, else one naming it as alias).
    public func advisory(_ identifier: String) async throws -> StoredAdvisory? {
        try await pool.read { db in
            guard let row = try Self.advisoryRow(db, identifier) else { return nil }
            let id: Int64 = row["id"]
            let aliases = try Row.fetchAll(db, sql: "SELECT alias, kind FROM advisoryAlias WHERE advisoryId = ? ORDER BY alias", arguments: [id])
            let vulnerabilityId: String = row["vulnerabilityId"]
            let related = try String.fetchAll(
                db, sql: "SELECT osvId FROM advisory WHERE vulnerabilityId = ? AND id <> ? ORDER BY osvId", arguments: [vulnerabilityId, id])
            let open = try Int.fetchOne(db, sql: "SELECT count(*) FROM finding WHERE advisoryId = ? AND state = 'open'", arguments: [id]) ?? 0
            return StoredAdvisory(
                osvId: row["osvId"], aliases: aliases.filter { $0["kind"] == "alias" }.map { $0["alias"] },
                upstream: aliases.filter { $0["kind"] == "upstream" }.map { $0["alias"] }, vulnerabilityId: vulnerabilityId,
                related: related, summary: row["summary"], published: row["published"], modified: row["modified"],
                withdrawn: row["withdrawn"], severityLevel: row["severityLevel"], severityScore: row["severityScore"],
                severitySource: row["severitySource"], record: row["record"], openFindings: open)
        }
    }

    /// The vulnerability id of the advisory known by `identifier` (id or alias), or nil.
    public func vulnerabilityID(of identifier: String) async throws -> String? {
        try await pool.read { db in try Self.advisoryRow(db, identifier)?["vulnerabilityId"] }
    }

    static func advisoryRow(_ db: Database, _ identifier: String) throws -> Row? {
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM advisory WHERE osvId = ?", arguments: [identifier]) { return row }
        if let row = try Row.fetchOne(
            db,
            sql: """
                SELECT a.* FROM advisoryAlias aa JOIN advisory a ON a.id = aa.advisoryId
                WHERE aa.alias = ? ORDER BY aa.kind, a.osvId LIMIT 1
                """,
            arguments: [identifier])
        {
            return row
        }
        return try Row.fetchOne(db, sql: "SELECT * FROM advisory WHERE vulnerabilityId = ? ORDER BY osvId LIMIT 1", arguments: [identifier])
    }
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
