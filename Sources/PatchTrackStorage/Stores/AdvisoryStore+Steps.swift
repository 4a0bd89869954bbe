import Foundation
import PatchTrackCore

extension AdvisoryStore {
    /// What one transaction of an intake carries from record to record: the stored versions of its records (read
    /// once for all of them, kept current as they are written) and the match keys to insert when they are all
    /// written.
    struct IntakeBatch {
        /// Id and `modified` of each stored record, by OSV id.
        var stored: [String: (id: Int64, modified: String)] = [:]
        /// The match keys of each written advisory (the last version written of it).
        var keys: [Int64: [String]] = [:]

        /// Reads the stored versions of `osvIds`.
        init(_ session: any SQLSession, osvIds: [String]) throws {
            for row in try session.fetchAll("SELECT osvId, id, modified FROM advisory WHERE osvId IN \(set: osvIds)") {
                stored[try row.decode(0, as: String.self)] = (try row.decode(1, as: Int64.self), try row.decode(2, as: String.self))
            }
        }

        /// Inserts the match keys of the advisories written.
        func insertKeys(_ session: any SQLSession) throws {
            var batch = SQLBatchInsert(into: "advisoryKey", columns: ["advisoryId", "matchKey"], tail: "ON CONFLICT DO NOTHING")
            for (advisoryId, keys) in self.keys.sorted(by: { $0.key < $1.key }) {
                for key in keys { batch.append(advisoryId, key) }
            }
            try session.insert(batch)
        }
    }

    /// A record version written by ``upsertAdvisory(_:_:batch:encoder:now:)``, to regroup and match.
    struct Written {
        let advisoryId: Int64
        let record: OSVRecord
        let severityLevel: String
    }

    /// Upserts one validated record (with its aliases; its keys are left in `batch`, its alias group is recomputed
    /// for the whole transaction by ``regroup(_:around:)``). Returns what happened and, when it was written, what was
    /// written.
    static func upsertAdvisory(
        _ session: any SQLSession, _ validated: ValidatedOSVRecord, batch: inout IntakeBatch, encoder: JSONEncoder, now: String
    ) throws -> (AdvisoryIntakeItem.Outcome, Written?) {
        let record = validated.record
        let existing = batch.stored[record.id]
        if let existing, !validated.isNewer(thanStoredModified: existing.modified) {
            return (RFC3339Timestamp(existing.modified) == validated.modified ? .unchanged : .older, nil)
        }
        let severity = Severity.from(record: record)
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        // The "fix available" stage of time-to-patch: the first stored version of the record that names a fix.
        let namesFix = record.affected.contains { $0.ranges.contains { $0.events.contains { if case .fixed = $0 { true } else { false } } } }
        let fixSeen: String? = namesFix ? now : nil
        let advisoryId: Int64
        if let existing {
            advisoryId = existing.id
            try session.execute(
                """
                UPDATE advisory SET modified = \(validated.modified.utc), published = \(validated.published?.utc),
                    withdrawn = \(validated.withdrawn?.utc), summary = \(record.summary),
                    severityLevel = \(severity.level.rawValue), severityScore = \(severity.score),
                    severitySource = \(severity.source.stored), record = \(json), updatedAt = \(now),
                    fixFirstSeen = coalesce(fixFirstSeen, \(fixSeen))
                WHERE id = \(advisoryId)
                """)
            try session.execute("DELETE FROM advisoryAlias WHERE advisoryId = \(advisoryId)")
            try session.execute("DELETE FROM advisoryKey WHERE advisoryId = \(advisoryId)")
        } else {
            guard let inserted = try session.fetchValue(
                """
                INSERT INTO advisory (modified, published, withdrawn, summary, severityLevel, severityScore,
                    severitySource, record, updatedAt, osvId, vulnerabilityId, importedAt, fixFirstSeen)
                VALUES (\(validated.modified.utc), \(validated.published?.utc), \(validated.withdrawn?.utc),
                    \(record.summary), \(severity.level.rawValue), \(severity.score), \(severity.source.stored), \(json),
                    \(now), \(record.id), \(record.id), \(now), \(fixSeen))
                ON CONFLICT (osvId) DO NOTHING
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("advisory \(record.id) was not stored") }
            advisoryId = inserted
        }
        batch.stored[record.id] = (advisoryId, validated.modified.utc)
        var aliases = SQLBatchInsert(into: "advisoryAlias", columns: ["advisoryId", "alias", "kind"], tail: "ON CONFLICT DO NOTHING")
        for id in Set(record.aliases) where id != record.id { aliases.append(advisoryId, id, "alias") }
        for id in Set(record.upstream) where id != record.id { aliases.append(advisoryId, id, "upstream") }
        try session.insert(aliases)
        batch.keys[advisoryId] = MatchKey.keys(for: record).map(\.value)
        return (existing == nil ? .created : .updated, Written(advisoryId: advisoryId, record: record, severityLevel: severity.level.rawValue))
    }

    /// Recomputes the alias groups of `osvIds` over every stored record connected to them through ids, aliases and
    /// upstream ids, stores each member's canonical vulnerability id (on the advisory and its findings), and
    /// returns the canonical id of each of `osvIds`. Run once per transaction, after its records are written: a
    /// group's canonical id is a minimum over its members (``VulnerabilityGroups``), so the groups of the written
    /// state are those that regrouping after each record would end with, in a few queries for all records.
    static func regroup(_ session: any SQLSession, around osvIds: [String]) throws -> [String: String] {
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
        // to it); one pair of statements per canonical id (a group has one, unless cut by the bound above).
        var idsByCanonical: [String: [Int64]] = [:]
        for (member, entry) in members {
            let canonical = groups.canonicalID(of: member)
            if canonical != entry.stored { idsByCanonical[canonical, default: []].append(entry.id) }
        }
        for (canonical, ids) in idsByCanonical {
            try session.execute(
                "UPDATE advisory SET vulnerabilityId = \(canonical) WHERE id IN \(set: ids) AND vulnerabilityId <> \(canonical)")
            try session.execute(
                "UPDATE finding SET vulnerabilityId = \(canonical) WHERE advisoryId IN \(set: ids) AND vulnerabilityId <> \(canonical)")
        }
        var canonical: [String: String] = [:]
        for osvId in osvIds { canonical[osvId] = groups.canonicalID(of: osvId) }
        return canonical
    }
}
