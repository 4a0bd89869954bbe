import Foundation
import PatchTrackCore

extension FeedStore {
    /// Replaces what feed `name` says of KEV: new CVEs added, changed ones updated, those it no longer lists removed.
    /// One transaction; a write only when something changed (findings show KEV, so it is a finding write then).
    public func replaceKEV(feed name: String, _ entries: [KEVEntry]) async throws -> (counts: FeedCounts, removed: Int) {
        try await replace(
            feed: name, table: "kev", columns: ["cve", "dateAdded", "dueDate", "ransomware", "feed"], entries: entries,
            key: \.cve,
            read: { row in
                KEVEntry(cve: try row.decode(0), dateAdded: try row.decode(1), dueDate: try row.decode(2), ransomware: try row.decode(3))
            },
            append: { batch, entry in batch.append(entry.cve, entry.dateAdded, entry.dueDate, entry.ransomware, name) })
    }

    /// Replaces what feed `name` says of EPSS, as ``replaceKEV(feed:_:)``.
    public func replaceEPSS(feed name: String, _ entries: [EPSSEntry]) async throws -> (counts: FeedCounts, removed: Int) {
        try await replace(
            feed: name, table: "epss", columns: ["cve", "score", "percentile", "scoreDate", "feed"], entries: entries,
            key: \.cve,
            read: { row in
                EPSSEntry(cve: try row.decode(0), score: try row.decode(1), percentile: try row.decode(2), date: try row.decode(3))
            },
            append: { batch, entry in batch.append(entry.cve, entry.score, entry.percentile, entry.date, name) })
    }

    private func replace<Entry: Equatable & Sendable>(
        feed name: String, table: String, columns: [String], entries: [Entry], key: @escaping @Sendable (Entry) -> String,
        read: @escaping @Sendable (SQLRowReader) throws -> Entry,
        append: @escaping @Sendable (inout SQLBatchInsert, Entry) -> Void
    ) async throws -> (counts: FeedCounts, removed: Int) {
        let selected = SQLStatement(stringLiteral: "SELECT \(columns.dropLast().joined(separator: ", ")) FROM \(table) WHERE feed = ")
        return try await context.generations.write(affectsFindings: true, imageChanges: .everything) { session in
            var existing: [String: Entry] = [:]
            try session.forEachRow("\(selected)\(name)") { row in
                let entry = try read(row)
                existing[key(entry)] = entry
            }
            var counts = FeedCounts()
            let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            var batch = SQLBatchInsert(into: table, columns: columns, tail: "ON CONFLICT (cve) DO UPDATE SET \(updates)")
            for entry in entries {
                switch existing.removeValue(forKey: key(entry)) {
                case .none:
                    counts.added += 1
                    append(&batch, entry)
                case .some(let old) where old != entry:
                    counts.updated += 1
                    append(&batch, entry)
                case .some:
                    counts.unchanged += 1
                }
            }
            if batch.count > 0 { try session.insert(batch) }
            let removed = Array(existing.keys)
            for start in stride(from: 0, to: removed.count, by: 1_000) {
                let chunk = Array(removed[start..<min(start + 1_000, removed.count)])
                try session.execute("\(SQLStatement(stringLiteral: "DELETE FROM \(table) WHERE feed = "))\(name) AND cve IN \(set: chunk)")
            }
            return (counts, removed.count)
        }
    }

    /// Rows each KEV or EPSS feed stored, by feed name.
    public func signalRows(feed name: String, kind: FeedKind) async throws -> Int {
        let table = kind == .kev ? "kev" : "epss"
        return try await context.executor.read { session in
            try session.fetchValue("\(SQLStatement(stringLiteral: "SELECT count(*) FROM \(table) WHERE feed = "))\(name)", as: Int.self) ?? 0
        }
    }
}
