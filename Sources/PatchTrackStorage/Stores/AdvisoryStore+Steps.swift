import Foundation
import PatchTrackCore

extension AdvisoryStore {
    /// What one transaction of an intake carries from record to record: the stored versions of its records (read
    /// once for all of them, kept current as they are written) and the match keys to insert when they are all
    /// written.
    struct IntakeBatch {
        /// Id and `modified` of each stored record, by OSV id.
        var stored: [String: (id: Int64, modified: String)] = [:]
        /// Records inserted ahead by ``insertNew(_:_:encoder:now:)`` whose own version has not been upserted yet, with
        /// the severity stored for them.
        var fresh: [String: Severity] = [:]
        /// The aliases and upstream ids of each written advisory (the last version written of it).
        var aliases: [Int64: [(alias: String, kind: String)]] = [:]
        /// The match keys of each written advisory (the last version written of it).
        var keys: [Int64: [String]] = [:]

        /// Reads the stored versions of `osvIds`.
        init(_ session: any SQLSession, osvIds: [String]) throws {
            for row in try session.fetchAll("SELECT osvId, id, modified FROM advisory WHERE osvId IN \(set: osvIds)") {
                stored[try row.decode(0, as: String.self)] = (try row.decode(1, as: Int64.self), try row.decode(2, as: String.self))
            }
        }

        /// Inserts, in one batch, the first version of each record not stored yet (what upserting the records in
        /// order would insert one by one: a record's first version is always written when none is stored), so that
        /// ``upsertAdvisory(_:_:batch:encoder:now:)`` only updates. Returns nothing; the ids are in ``stored``.
        mutating func insertNew(_ session: any SQLSession, _ records: [ValidatedOSVRecord], encoder: JSONEncoder, now: String) throws {
            var insert = SQLBatchInsert(
                into: "advisory",
                columns: [
                    "modified", "published", "withdrawn", "summary", "severityLevel", "severityScore", "severitySource",
                    "record", "updatedAt", "osvId", "vulnerabilityId", "importedAt", "fixFirstSeen",
                ],
                tail: "ON CONFLICT (osvId) DO NOTHING RETURNING id, osvId")
            var firsts: [String: (modified: String, severity: Severity)] = [:]
            for validated in records where stored[validated.id] == nil && firsts[validated.id] == nil {
                let row = try AdvisoryRow(validated, encoder: encoder, now: now)
                firsts[validated.id] = (validated.modified.utc, row.severity)
                insert.append(
                    validated.modified.utc, validated.published?.utc, validated.withdrawn?.utc, validated.record.summary,
                    row.severity.level.rawValue, row.severity.score, row.severity.source.stored, row.json, now, validated.id,
                    validated.id, now, row.fixSeen)
            }
            guard insert.count > 0 else { return }
            let inserted = try session.insert(insert).rows
            // The matching lock is held: no other writer stores one of these ids meanwhile.
            guard inserted.count == insert.count else { throw StorageError.conflict("advisories were stored by another writer meanwhile") }
            for row in inserted {
                let osvId = try row.decode(1, as: String.self)
                guard let first = firsts[osvId] else { continue }
                stored[osvId] = (try row.decode(0, as: Int64.self), first.modified)
                fresh[osvId] = first.severity
            }
        }

        /// Inserts the aliases and match keys of the advisories written.
        func insertAliasesAndKeys(_ session: any SQLSession) throws {
            var aliasRows = SQLBatchInsert(into: "advisoryAlias", columns: ["advisoryId", "alias", "kind"], tail: "ON CONFLICT DO NOTHING")
            var keyRows = SQLBatchInsert(into: "advisoryKey", columns: ["advisoryId", "matchKey"], tail: "ON CONFLICT DO NOTHING")
            for advisoryId in Set(aliases.keys).union(keys.keys).sorted() {
                for (alias, kind) in aliases[advisoryId] ?? [] { aliasRows.append(advisoryId, alias, kind) }
                for key in keys[advisoryId] ?? [] { keyRows.append(advisoryId, key) }
            }
            try session.insert(aliasRows)
            try session.insert(keyRows)
        }
    }

    /// The stored form of one validated record: its severity, JSON text and first sight of a fix.
    struct AdvisoryRow {
        let severity: Severity
        let json: String
        /// `now` when the record names a fix (the "fix available" stage of time-to-patch: the first stored version
        /// of the record that names a fix), else nil.
        let fixSeen: String?

        init(_ validated: ValidatedOSVRecord, encoder: JSONEncoder, now: String) throws {
            let record = validated.record
            severity = Severity.from(record: record)
            json = String(decoding: try encoder.encode(record), as: UTF8.self)
            let namesFix = record.affected.contains { $0.ranges.contains { $0.events.contains { if case .fixed = $0 { true } else { false } } } }
            fixSeen = namesFix ? now : nil
        }
    }

    /// A record version written by ``upsertAdvisory(_:_:batch:encoder:now:)``, to regroup and match.
    struct Written {
        let advisoryId: Int64
        let record: OSVRecord
        let severityLevel: String
    }

    /// Upserts one validated record (with its aliases; its keys are left in `batch`, its alias group is recomputed
    /// for the whole transaction by ``regroup(_:around:created:)``). Returns what happened and, when it was written, what was
    /// written.
    static func upsertAdvisory(
        _ session: any SQLSession, _ validated: ValidatedOSVRecord, batch: inout IntakeBatch, encoder: JSONEncoder, now: String
    ) throws -> (AdvisoryIntakeItem.Outcome, Written?) {
        let record = validated.record
        let advisoryId: Int64
        let outcome: AdvisoryIntakeItem.Outcome
        let severity: Severity
        if let stored = batch.fresh.removeValue(forKey: record.id), let inserted = batch.stored[record.id] {
            // Inserted ahead by insertNew.
            advisoryId = inserted.id
            outcome = .created
            severity = stored
        } else if let existing = batch.stored[record.id] {
            guard validated.isNewer(thanStoredModified: existing.modified) else {
                return (RFC3339Timestamp(existing.modified) == validated.modified ? .unchanged : .older, nil)
            }
            let row = try AdvisoryRow(validated, encoder: encoder, now: now)
            advisoryId = existing.id
            outcome = .updated
            severity = row.severity
            try session.execute(
                """
                UPDATE advisory SET modified = \(validated.modified.utc), published = \(validated.published?.utc),
                    withdrawn = \(validated.withdrawn?.utc), summary = \(record.summary),
                    severityLevel = \(severity.level.rawValue), severityScore = \(severity.score),
                    severitySource = \(severity.source.stored), record = \(row.json), updatedAt = \(now),
                    fixFirstSeen = coalesce(fixFirstSeen, \(row.fixSeen))
                WHERE id = \(advisoryId)
                """)
            // Aliases and keys written before this transaction; those of earlier versions in it are replaced in batch.
            try session.execute("DELETE FROM advisoryAlias WHERE advisoryId = \(advisoryId)")
            try session.execute("DELETE FROM advisoryKey WHERE advisoryId = \(advisoryId)")
        } else {
            throw StorageError.conflict("advisory \(record.id) was not stored")
        }
        batch.stored[record.id] = (advisoryId, validated.modified.utc)
        var aliases: [(alias: String, kind: String)] = []
        for id in Set(record.aliases) where id != record.id { aliases.append((id, "alias")) }
        for id in Set(record.upstream) where id != record.id { aliases.append((id, "upstream")) }
        batch.aliases[advisoryId] = aliases
        batch.keys[advisoryId] = MatchKey.keys(for: record).map(\.value)
        return (outcome, Written(advisoryId: advisoryId, record: record, severityLevel: severity.level.rawValue))
    }

    /// Recomputes the alias groups of `osvIds` over every stored record connected to them through ids, aliases and
    /// upstream ids, stores each member's canonical vulnerability id (on the advisory and its findings), and
    /// returns the canonical id of each of `osvIds`. Run once per transaction, after its records are written: a
    /// group's canonical id is a minimum over its members (``VulnerabilityGroups``), so the groups of the written
    /// state are those that regrouping after each record would end with, in a few queries for all records.
    ///
    /// `created`: advisories inserted by this transaction, which no finding names yet (their findings are matched
    /// after regrouping, with the canonical id): only the advisory row of those is updated.
    static func regroup(_ session: any SQLSession, around osvIds: [String], created: Set<Int64> = []) throws -> [String: String] {
        guard !osvIds.isEmpty else { return [:] }
        var members: [String: (id: Int64, aliases: [String], upstream: [String], stored: String)] = [:]
        var known = Set(osvIds)
        var frontier = Array(known)
        // Bounded: each round adds ids; a group larger than this many rounds apart is cut, not looped over.
        for _ in 0..<16 where !frontier.isEmpty {
            let rows = try session.fetchAll(
                """
                SELECT a.id, a.osvId, aa.alias, aa.kind, a.vulnerabilityId
                FROM advisory a LEFT JOIN advisoryAlias aa ON aa.advisoryId = a.id
                WHERE a.id IN (SELECT id FROM advisory WHERE osvId IN \(set: frontier)
                               UNION SELECT advisoryId FROM advisoryAlias WHERE alias IN \(set: frontier))
                """)
            var next: [String] = []
            for row in rows {
                let id = try row.decode(0, as: Int64.self)
                let member = try row.decode(1, as: String.self)
                let stored = try row.decode(4, as: String.self)
                var entry = members[member] ?? (id, [], [], stored)
                if let alias = try row.decode(2, as: String?.self) {
                    if try row.decode(3, as: String.self) == "upstream" { entry.upstream.append(alias) } else { entry.aliases.append(alias) }
                    if known.insert(alias).inserted { next.append(alias) }
                }
                members[member] = entry
                if known.insert(member).inserted { next.append(member) }
            }
            frontier = next
        }
        var groups = VulnerabilityGroups()
        for (member, entry) in members { groups.add(id: member, aliases: entry.aliases, upstream: entry.upstream) }
        // Only members whose canonical id changed, with their findings (written with their advisory's id, so equal
        // to it): one statement per table and chunk of (id, canonical id) pairs.
        var changed: [(id: Int64, canonical: String)] = []
        for (member, entry) in members.sorted(by: { $0.value.id < $1.value.id }) {
            let canonical = groups.canonicalID(of: member)
            if canonical != entry.stored { changed.append((entry.id, canonical)) }
        }
        try logGroupChanges(session, members: members.map { ($0.value.id, $0.key, $0.value.stored) }, groups: groups, created: created)
        try update(session, changed) { pairs in
            """
            UPDATE advisory SET vulnerabilityId = v.column2 FROM \(pairs) AS v
            WHERE advisory.id = v.column1 AND advisory.vulnerabilityId <> v.column2
            """
        }
        try update(session, changed.filter { !created.contains($0.id) }) { pairs in
            """
            UPDATE finding SET vulnerabilityId = v.column2 FROM \(pairs) AS v
            WHERE finding.advisoryId = v.column1 AND finding.vulnerabilityId <> v.column2
            """
        }
        var canonical: [String: String] = [:]
        for osvId in osvIds { canonical[osvId] = groups.canonicalID(of: osvId) }
        return canonical
    }

    /// Logs the images whose planning data a change of alias groups may change: the findings of every group an
    /// advisory stored before this transaction belongs to, before and after (their vulnerability id, and the ids a
    /// VEX statement may name). Groups of new advisories only hold the new findings, which matching logs.
    private static func logGroupChanges(
        _ session: any SQLSession, members: [(id: Int64, osvId: String, stored: String)], groups: VulnerabilityGroups,
        created: Set<Int64>
    ) throws {
        guard members.contains(where: { !created.contains($0.id) }) else { return }
        var vulnerabilityIds = Set(members.map(\.stored))
        for member in members { vulnerabilityIds.insert(groups.canonicalID(of: member.osvId)) }
        try session.logImagesWithFindings(ofVulnerabilities: vulnerabilityIds)
    }

    /// Runs `statement` over `pairs`, 1,000 pairs at a time, each chunk given as ``pairsTable(_:)``.
    private static func update(
        _ session: any SQLSession, _ pairs: [(id: Int64, canonical: String)], _ statement: (SQLStatement) -> SQLStatement
    ) throws {
        let chunk = 1_000
        for start in stride(from: 0, to: pairs.count, by: chunk) {
            try session.execute(statement(pairsTable(pairs[start..<min(start + chunk, pairs.count)])))
        }
    }

    /// `(VALUES (id, canonical), …)`: a table whose columns both engines name column1 and column2.
    private static func pairsTable(_ pairs: ArraySlice<(id: Int64, canonical: String)>) -> SQLStatement {
        var table = SQLStatement.StringInterpolation(literalCapacity: 8 + pairs.count * 6, interpolationCount: pairs.count * 2)
        table.appendLiteral("(VALUES ")
        for (offset, pair) in pairs.enumerated() {
            table.appendLiteral(offset == 0 ? "(" : ", (")
            table.appendInterpolation(pair.id)
            table.appendLiteral(", ")
            table.appendInterpolation(pair.canonical)
            table.appendLiteral(")")
        }
        table.appendLiteral(")")
        return SQLStatement(stringInterpolation: table)
    }
}
