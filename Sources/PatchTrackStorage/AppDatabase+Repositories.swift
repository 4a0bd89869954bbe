import GRDB
import PatchTrackCore

/// A repository with its tags and their current digests.
public struct RepositorySummary: Sendable, Equatable {
    /// Internal id, the pagination key.
    public var id: Int64
    /// Normalised name.
    public var name: String
    /// First seen (RFC 3339).
    public var createdAt: String
    /// Number of images first registered here.
    public var imageCount: Int
    /// Tags, by name.
    public var tags: [TagState]
}

/// A tag, where it points now, and (for one repository's details) how it got there.
public struct TagState: Sendable, Equatable {
    /// Tag name.
    public var name: String
    /// Current digest.
    public var digest: String
    /// When it last moved (RFC 3339).
    public var updatedAt: String
    /// Every move, oldest first; empty in lists.
    public var history: [TagMove]
}

/// One move of a tag.
public struct TagMove: Sendable, Equatable {
    /// The digest it moved to.
    public var digest: String
    /// The digest it pointed to before, none for its first appearance.
    public var previousDigest: String?
    /// When (RFC 3339).
    public var movedAt: String
}

extension AppDatabase {
    /// Repositories by name order, each with its tags.
    public func repositories(after cursor: String?, limit: Int) async throws -> (items: [RepositorySummary], nextCursor: String?) {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.name, r.createdAt, (SELECT count(*) FROM image i WHERE i.repositoryId = r.id) AS imageCount
                    FROM repository r WHERE r.name > ? ORDER BY r.name LIMIT ?
                    """,
                arguments: [cursor ?? "", limit + 1])
            let more = rows.count > limit
            let page = Array(rows.prefix(limit))
            let ids: [Int64] = page.map { $0["id"] }
            let tags = try Self.tagStates(db, repositoryIDs: ids, withHistory: false)
            let items = page.map { row in
                RepositorySummary(
                    id: row["id"], name: row["name"], createdAt: row["createdAt"], imageCount: row["imageCount"],
                    tags: tags[row["id"]] ?? [])
            }
            return (items, more ? items.last?.name : nil)
        }
    }

    /// One repository with every tag's history, or nil.
    public func repository(name: String) async throws -> RepositorySummary? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT r.id, r.name, r.createdAt, (SELECT count(*) FROM image i WHERE i.repositoryId = r.id) AS imageCount
                    FROM repository r WHERE r.name = ?
                    """,
                arguments: [name])
            else { return nil }
            let id: Int64 = row["id"]
            let tags = try Self.tagStates(db, repositoryIDs: [id], withHistory: true)
            return RepositorySummary(id: id, name: row["name"], createdAt: row["createdAt"], imageCount: row["imageCount"], tags: tags[id] ?? [])
        }
    }

    /// Tags of the given repositories (and their histories when asked), in two queries.
    static func tagStates(_ db: Database, repositoryIDs: [Int64], withHistory: Bool) throws -> [Int64: [TagState]] {
        guard !repositoryIDs.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.repositoryId, t.name, t.updatedAt, i.digest FROM tag t JOIN image i ON i.id = t.imageId
                WHERE t.repositoryId IN (SELECT value FROM json_each(?)) ORDER BY t.name
                """,
            arguments: [jsonArray(repositoryIDs)])
        var history: [Int64: [TagMove]] = [:]
        if withHistory {
            let moves = try Row.fetchAll(
                db,
                sql: """
                    SELECT h.tagId, h.movedAt, i.digest, p.digest AS previousDigest FROM tagHistory h
                    JOIN tag t ON t.id = h.tagId JOIN image i ON i.id = h.imageId LEFT JOIN image p ON p.id = h.previousImageId
                    WHERE t.repositoryId IN (SELECT value FROM json_each(?)) ORDER BY h.id
                    """,
                arguments: [jsonArray(repositoryIDs)])
            for move in moves {
                history[move["tagId"], default: []].append(
                    TagMove(digest: move["digest"], previousDigest: move["previousDigest"], movedAt: move["movedAt"]))
            }
        }
        var result: [Int64: [TagState]] = [:]
        for row in rows {
            let tagId: Int64 = row["id"]
            result[row["repositoryId"], default: []].append(
                TagState(name: row["name"], digest: row["digest"], updatedAt: row["updatedAt"], history: history[tagId] ?? []))
        }
        return result
    }
}
