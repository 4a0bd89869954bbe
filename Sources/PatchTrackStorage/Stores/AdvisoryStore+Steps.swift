import Foundation
import PatchTrackCore

extension AdvisoryStore {
    /// Upserts one validated record (with its aliases, keys and alias group). Returns what happened and, when it
    /// was written, the prepared record to match.
    static func upsertAdvisory(
        _ session: any SQLSession, _ validated: ValidatedOSVRecord, encoder: JSONEncoder, now: String, cache: PreparedAdvisoryCache
    ) throws -> (AdvisoryIntakeItem.Outcome, Matching.PreparedAdvisory?) {
        let record = validated.record
        let existing = try session.fetchOne("SELECT id, modified FROM advisory WHERE osvId = \(record.id)")
        if let existing {
            let stored = try existing.decode(1, as: String.self)
            if !validated.isNewer(thanStoredModified: stored) {
                return (RFC3339Timestamp(stored) == validated.modified ? .unchanged : .older, nil)
            }
        }
        let severity = Severity.from(record: record)
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        let advisoryId: Int64
        if let existing {
            advisoryId = try existing.decode(0, as: Int64.self)
            try session.execute(
                """
                UPDATE advisory SET modified = \(validated.modified.utc), published = \(validated.published?.utc),
                    withdrawn = \(validated.withdrawn?.utc), summary = \(record.summary),
                    severityLevel = \(severity.level.rawValue), severityScore = \(severity.score),
                    severitySource = \(severity.source.stored), record = \(json), updatedAt = \(now)
                WHERE id = \(advisoryId)
                """)
            try session.execute("DELETE FROM advisoryAlias WHERE advisoryId = \(advisoryId)")
            try session.execute("DELETE FROM advisoryKey WHERE advisoryId = \(advisoryId)")
        } else {
            guard let inserted = try session.fetchValue(
                """
                INSERT INTO advisory (modified, published, withdrawn, summary, severityLevel, severityScore,
                    severitySource, record, updatedAt, osvId, vulnerabilityId, importedAt)
                VALUES (\(validated.modified.utc), \(validated.published?.utc), \(validated.withdrawn?.utc),
                    \(record.summary), \(severity.level.rawValue), \(severity.score), \(severity.source.stored), \(json),
                    \(now), \(record.id), \(record.id), \(now))
                ON CONFLICT (osvId) DO NOTHING
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("advisory \(record.id) was not stored") }
            advisoryId = inserted
        }
        if record.affected.contains(where: { $0.ranges.contains { $0.events.contains { if case .fixed = $0 { true } else { false } } } }) {
            // The "fix available" stage of time-to-patch: the first stored version of the record that names a fix.
            try session.execute("UPDATE advisory SET fixFirstSeen = \(now) WHERE id = \(advisoryId) AND fixFirstSeen IS NULL")
        }
        var aliases = SQLBatchInsert(into: "advisoryAlias", columns: ["advisoryId", "alias", "kind"], tail: "ON CONFLICT DO NOTHING")
        for id in Set(record.aliases) where id != record.id { aliases.append(advisoryId, id, "alias") }
        for id in Set(record.upstream) where id != record.id { aliases.append(advisoryId, id, "upstream") }
        try session.insert(aliases)
        var keys = SQLBatchInsert(into: "advisoryKey", columns: ["advisoryId", "matchKey"], tail: "ON CONFLICT DO NOTHING")
        for matchKey in MatchKey.keys(for: record) { keys.append(advisoryId, matchKey.value) }
        try session.insert(keys)

        let vulnerabilityId = try regroup(session, around: record.id)
        let prepared = Matching.prepare(
            id: advisoryId, record: record, severityLevel: severity.level.rawValue, vulnerabilityId: vulnerabilityId)
        cache.store(id: advisoryId, updatedAt: now, matcher: prepared.matcher, scheme: prepared.scheme)
        return (existing == nil ? .created : .updated, prepared)
    }

    /// Recomputes the alias group of `osvId` over every stored record connected to it through ids, aliases and
    /// upstream ids, stores each member's canonical vulnerability id (on the advisory and its findings), and
    /// returns the canonical id of `osvId`.
    static func regroup(_ session: any SQLSession, around osvId: String) throws -> String {
        var members: [String: (id: Int64, aliases: [String], upstream: [String])] = [:]
        var known: Set<String> = [osvId]
        var frontier: [String] = [osvId]
        // Bounded: each round adds ids; a group larger than this many rounds apart is cut, not looped over.
        for _ in 0..<16 where !frontier.isEmpty {
            let rows = try session.fetchAll(
                """
                SELECT a.id, a.osvId, aa.alias, aa.kind FROM advisory a LEFT JOIN advisoryAlias aa ON aa.advisoryId = a.id
                WHERE a.osvId IN \(set: frontier)
                   OR a.id IN (SELECT advisoryId FROM advisoryAlias WHERE alias IN \(set: frontier))
                """)
            var next: [String] = []
            for row in rows {
                let id = try row.decode(0, as: Int64.self)
                let member = try row.decode(1, as: String.self)
                var entry = members[member] ?? (id, [], [])
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
        // One pair of statements per canonical id (a group has one, unless cut by the bound above).
        var idsByCanonical: [String: [Int64]] = [:]
        for (member, entry) in members { idsByCanonical[groups.canonicalID(of: member), default: []].append(entry.id) }
        for (canonical, ids) in idsByCanonical {
            try session.execute(
                "UPDATE advisory SET vulnerabilityId = \(canonical) WHERE id IN \(set: ids) AND vulnerabilityId <> \(canonical)")
            try session.execute(
                "UPDATE finding SET vulnerabilityId = \(canonical) WHERE advisoryId IN \(set: ids) AND vulnerabilityId <> \(canonical)")
        }
        return groups.canonicalID(of: osvId)
    }
}
