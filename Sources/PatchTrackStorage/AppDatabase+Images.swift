import Foundation
import GRDB
import PatchTrackCore

/// A stored image with the tags that point to it now.
public struct StoredImage: Sendable, Equatable {
    /// Internal id, used as the pagination key.
    public var id: Int64
    /// Manifest digest.
    public var digest: String
    /// The repository the image was first registered in.
    public var repository: String
    /// `os/arch[/variant]`.
    public var platform: String?
    /// Creation time (RFC 3339).
    public var created: String?
    /// Labels.
    public var labels: [String: String]
    /// Build source repository.
    public var sourceRepository: String?
    /// Build source revision.
    public var sourceRevision: String?
    /// The base image reference as given.
    public var baseReference: String?
    /// The base image's repository.
    public var baseRepository: String?
    /// The base image's digest.
    public var baseDigest: String?
    /// First registration (RFC 3339).
    public var firstSeen: String
    /// Last registration or report (RFC 3339).
    public var lastSeen: String
    /// Tags pointing to this image now, in any repository.
    public var tags: [TagPointer]
    /// The digest a build replaced with this image (the newest, when several were).
    public var predecessor: String? = nil
    /// The digest of the build that replaced this image.
    public var successor: String? = nil
}

/// A tag as `repository:name`.
public struct TagPointer: Sendable, Equatable {
    /// The repository.
    public var repository: String
    /// The tag name.
    public var name: String
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    /// The items.
    public var items: [Item]
    /// The key to continue after, when more items exist.
    public var nextCursor: Int64?
}

extension AppDatabase {
    /// Registers `registration` or updates the image with its digest; moves its tags, recording each move.
    /// Returns the stored image and whether it was new.
    public func registerImage(_ registration: ImageRegistration) async throws -> (image: StoredImage, created: Bool) {
        let now = timestamp
        return try await write { db in
            let created = try Self.upsertImage(db, registration, now: now)
            guard let image = try Self.storedImages(db, ids: [created.id]).first else { throw StorageError.notFound("image \(registration.digest)") }
            return (image, created.isNew)
        }
    }

    /// The image with `digest`, or nil.
    public func image(digest: String) async throws -> StoredImage? {
        try await pool.read { db in
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM image WHERE digest = ?"), arguments: [digest]) else {
                return nil
            }
            return try Self.storedImages(db, ids: [id]).first
        }
    }

    /// Images ordered by id, optionally only those in `repository` (first registered there or tagged there) and
    /// pointed to by `tag`.
    public func images(repository: String?, tag: String?, after cursor: Int64?, limit: Int) async throws -> Page<StoredImage> {
        try await pool.read { db in
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT i.id FROM image i
                    WHERE i.id > :cursor
                      AND (:repository IS NULL OR i.repositoryId = (SELECT id FROM repository WHERE name = :repository)
                           OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                                      WHERE t.imageId = i.id AND r.name = :repository))
                      AND (:tag IS NULL OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                                      WHERE t.imageId = i.id AND t.name = :tag
                                        AND (:repository IS NULL OR r.name = :repository)))
                    ORDER BY i.id LIMIT :limit
                    """,
                arguments: ["cursor": cursor ?? 0, "repository": repository, "tag": tag, "limit": limit + 1])
            let more = ids.count > limit
            let pageIDs = Array(ids.prefix(limit))
            return Page(items: try Self.storedImages(db, ids: pageIDs), nextCursor: more ? pageIDs.last : nil)
        }
    }

    // MARK: - Shared steps (also used by other use cases' transactions)

    /// Inserts or updates the image of `registration` and its tags inside `db`'s transaction.
    static func upsertImage(_ db: Database, _ registration: ImageRegistration, now: String) throws -> (id: Int64, isNew: Bool) {
        let repositoryId = try repositoryID(db, name: registration.repository.value, now: now)
        var baseRepository: String?
        if let base = registration.base, let baseDigest = base.digest {
            // Base images are ordinary tracked images: make sure the base exists (its tags are not moved from here).
            let baseRepositoryId = try repositoryID(db, name: base.repository.value, now: now)
            try db.execute(
                sql: """
                    INSERT INTO image (digest, repositoryId, labels, firstSeen, lastSeen) VALUES (?, ?, '{}', ?, ?)
                    ON CONFLICT (digest) DO NOTHING
                    """,
                arguments: [baseDigest.value, baseRepositoryId, now, now])
            baseRepository = base.repository.value
        }
        let labelsJSON = try registration.labels.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        var record: ImageRecord
        let isNew: Bool
        if var existing = try ImageRecord.filter(ImageRecord.Columns.digest == registration.digest.value).fetchOne(db) {
            if let created = registration.created { existing.created = Timestamp.format(created) }
            if let platform = registration.platform { existing.platform = platform }
            if let labelsJSON { existing.labels = labelsJSON }
            if let source = registration.source {
                existing.sourceRepository = source.repository
                existing.sourceRevision = source.revision
            }
            if let base = registration.base {
                existing.baseReference = base.description
                existing.baseRepository = baseRepository
                existing.baseDigest = base.digest?.value
            }
            existing.lastSeen = now
            try existing.update(db)
            record = existing
            isNew = false
        } else {
            record = ImageRecord(
                id: nil, digest: registration.digest.value, repositoryId: repositoryId, platform: registration.platform,
                created: registration.created.map(Timestamp.format), labels: labelsJSON ?? "{}",
                sourceRepository: registration.source?.repository, sourceRevision: registration.source?.revision,
                baseReference: registration.base?.description, baseRepository: baseRepository,
                baseDigest: registration.base?.digest?.value, firstSeen: now, lastSeen: now)
            try record.insert(db)
            isNew = true
        }
        let imageId = record.id!
        for tag in registration.tags {
            try moveTag(db, repositoryId: repositoryId, name: tag, to: imageId, now: now)
        }
        if registration.base != nil {
            try checkLineage(db, from: registration.digest.value)
        }
        return (imageId, isNew)
    }

    /// The id of repository `name`, inserting it when new.
    static func repositoryID(_ db: Database, name: String, now: String) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM repository WHERE name = ?", arguments: [name]) {
            return id
        }
        var record = RepositoryRecord(id: nil, name: name, createdAt: now)
        try record.insert(db)
        return record.id!
    }

    /// Points tag `name` of the repository at `imageId`, recording the move when it changes anything.
    static func moveTag(_ db: Database, repositoryId: Int64, name: String, to imageId: Int64, now: String) throws {
        if var tag = try TagRecord
            .filter(TagRecord.Columns.repositoryId == repositoryId && TagRecord.Columns.name == name)
            .fetchOne(db)
        {
            guard tag.imageId != imageId else { return }
            let previous = tag.imageId
            tag.imageId = imageId
            tag.updatedAt = now
            try tag.update(db)
            try TagHistoryRecord(id: nil, tagId: tag.id!, imageId: imageId, previousImageId: previous, movedAt: now).insert(db)
        } else {
            var tag = TagRecord(id: nil, repositoryId: repositoryId, name: name, imageId: imageId, updatedAt: now)
            try tag.insert(db)
            try TagHistoryRecord(id: nil, tagId: tag.id!, imageId: imageId, previousImageId: nil, movedAt: now).insert(db)
        }
    }

    /// Loads images with their repositories and tags in two queries, in the order of `ids`.
    static func storedImages(_ db: Database, ids: [Int64]) throws -> [StoredImage] {
        guard !ids.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                SELECT i.*, r.name AS repositoryName FROM image i JOIN repository r ON r.id = i.repositoryId
                WHERE i.id IN (SELECT value FROM json_each(?))
                """),
            arguments: [jsonArray(ids)])
        let tagRows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                SELECT t.imageId, t.name, r.name AS repositoryName FROM tag t JOIN repository r ON r.id = t.repositoryId
                WHERE t.imageId IN (SELECT value FROM json_each(?)) ORDER BY r.name, t.name
                """),
            arguments: [jsonArray(ids)])
        var tags: [Int64: [TagPointer]] = [:]
        for row in tagRows {
            tags[row["imageId"], default: []].append(TagPointer(repository: row["repositoryName"], name: row["name"]))
        }
        let supersessions = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                SELECT s.imageId, s.successorImageId, o.digest AS oldDigest, n.digest AS newDigest FROM supersession s
                JOIN image o ON o.id = s.imageId JOIN image n ON n.id = s.successorImageId
                WHERE s.imageId IN (SELECT value FROM json_each(?1)) OR s.successorImageId IN (SELECT value FROM json_each(?1))
                ORDER BY s.id
                """),
            arguments: [jsonArray(ids)])
        var successors: [Int64: String] = [:]
        var predecessors: [Int64: String] = [:]
        for row in supersessions {
            successors[row["imageId"]] = row["newDigest"]
            predecessors[row["successorImageId"]] = row["oldDigest"]
        }
        var images: [Int64: StoredImage] = [:]
        for row in rows {
            let id: Int64 = row["id"]
            let labelsText: String = row["labels"]
            let labels = (try? JSONDecoder().decode([String: String].self, from: Data(labelsText.utf8))) ?? [:]
            images[id] = StoredImage(
                id: id, digest: row["digest"], repository: row["repositoryName"], platform: row["platform"],
                created: row["created"], labels: labels, sourceRepository: row["sourceRepository"],
                sourceRevision: row["sourceRevision"], baseReference: row["baseReference"],
                baseRepository: row["baseRepository"], baseDigest: row["baseDigest"], firstSeen: row["firstSeen"],
                lastSeen: row["lastSeen"], tags: tags[id] ?? [], predecessor: predecessors[id], successor: successors[id])
        }
        return ids.compactMap { images[$0] }
    }

    /// `[1,2,3]`: passes an id list as one bound parameter (read with `json_each`).
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
