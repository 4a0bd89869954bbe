import Foundation
import GRDB
import PatchTrackCore

/// Where a build stands.
public enum BuildStatus: String, Sendable, CaseIterable {
    case started, succeeded, failed
}

/// What CI reports about a rebuild of `repository:tag`.
public struct BuildReport: Sendable, Equatable {
    public var repository: RepositoryName
    public var tag: String
    public var status: BuildStatus
    /// The digest built (required when the build succeeded).
    public var digest: Digest?
    /// The digest it rebuilds; when nil, the digest the tag points to when the build is reported.
    public var replaces: Digest?
    public var url: String?
    public var message: String?

    public init(
        repository: RepositoryName, tag: String, status: BuildStatus, digest: Digest?, replaces: Digest?, url: String?,
        message: String?
    ) {
        self.repository = repository
        self.tag = tag
        self.status = status
        self.digest = digest
        self.replaces = replaces
        self.url = url
        self.message = message
    }
}

/// One stored build, with what became of the replaced image's findings once the new digest was scanned.
public struct StoredBuild: Sendable, Equatable {
    public var id: Int64
    public var repository: String
    public var tag: String
    public var status: BuildStatus
    public var digest: String?
    public var replaces: String?
    public var url: String?
    public var message: String?
    public var startedAt: String
    public var finishedAt: String?
    public var updatedAt: String
    public var reportedBy: String
    /// Findings of the replaced image that its successor no longer has; nil until the successor is scanned.
    public var fixedInSuccessor: Int?
    /// Findings of the replaced image that its successor still has; nil until the successor is scanned.
    public var stillPresent: Int?
}

extension AppDatabase {
    /// Records a build report in one transaction. A report that finishes a build (succeeded or failed) completes the
    /// newest started build of the same repository, tag (and replaced digest, when given); otherwise it is a new
    /// build. On success the tag moves to the new digest, the replaced digest is superseded by it (it leaves the
    /// plan and its open requests close), and, when the new digest has been scanned already, the replaced image's
    /// findings get their fate. Returns the build and whether it is new.
    public func recordBuild(_ report: BuildReport, by token: TokenInfo) async throws -> (build: StoredBuild, created: Bool) {
        let now = timestamp
        return try await write { db in
            let repositoryId = try Self.repositoryID(db, name: report.repository.value, now: now)
            var replacesId: Int64?
            if let replaces = report.replaces {
                guard let id = try Int64.fetchOne(db, literal: "SELECT id FROM image WHERE digest = \(replaces.value)") else {
                    throw StorageError.invalid(field: "replaces", message: "\(replaces) is not a tracked image")
                }
                replacesId = id
            }
            let started = try Int64.fetchOne(
                db,
                literal: """
                    SELECT id FROM build WHERE repositoryId = \(repositoryId) AND tag = \(report.tag) AND status = 'started'
                      AND (\(replacesId) IS NULL OR replacesImageId = \(replacesId))
                    ORDER BY id DESC LIMIT 1
                    """)
            if replacesId == nil {
                replacesId = try Int64.fetchOne(
                    db,
                    literal: """
                        SELECT coalesce((SELECT replacesImageId FROM build WHERE id = \(started)),
                            (SELECT imageId FROM tag WHERE repositoryId = \(repositoryId) AND name = \(report.tag)))
                        """)
            }
            var imageId: Int64?
            if let digest = report.digest {
                imageId = try Self.builtImage(db, digest: digest, repositoryId: repositoryId, replacesId: replacesId, now: now)
            }
            if imageId != nil, imageId == replacesId {
                guard report.replaces == nil else {
                    throw StorageError.invalid(field: "digest", message: "is the digest the build replaces")
                }
                // The tag already points to the new digest (its scan registered it with the tag first): the build
                // replaces the digest the tag pointed to before that move.
                replacesId = try Int64.fetchOne(
                    db,
                    literal: """
                        SELECT h.previousImageId FROM tagHistory h JOIN tag t ON t.id = h.tagId
                        WHERE t.repositoryId = \(repositoryId) AND t.name = \(report.tag) AND h.imageId = \(imageId)
                        ORDER BY h.id DESC LIMIT 1
                        """)
                if replacesId == imageId { replacesId = nil }
                if replacesId == nil, report.status != .started, started != nil {
                    // No tag move explains it: the started build names this very digest as the one it replaces.
                    throw StorageError.invalid(field: "digest", message: "is the digest the started build replaces")
                }
            }
            let finishedAt: String? = report.status == .started ? nil : now
            let buildId: Int64
            let created: Bool
            if report.status != .started, let started {
                try db.execute(
                    literal: """
                        UPDATE build SET status = \(report.status.rawValue), imageId = \(imageId),
                            replacesImageId = coalesce(\(replacesId), replacesImageId), url = coalesce(\(report.url), url),
                            message = coalesce(\(report.message), message), finishedAt = \(finishedAt), updatedAt = \(now),
                            tokenId = \(token.id), tokenName = \(token.name)
                        WHERE id = \(started)
                        """)
                buildId = started
                created = false
            } else {
                try db.execute(
                    literal: """
                        INSERT INTO build (repositoryId, tag, status, imageId, replacesImageId, url, message, startedAt,
                            finishedAt, updatedAt, tokenId, tokenName)
                        VALUES (\(repositoryId), \(report.tag), \(report.status.rawValue), \(imageId), \(replacesId),
                            \(report.url), \(report.message), \(now), \(finishedAt), \(now), \(token.id), \(token.name))
                        """)
                buildId = db.lastInsertedRowID
                created = true
            }
            if report.status == .succeeded, let imageId {
                try Self.moveTag(db, repositoryId: repositoryId, name: report.tag, to: imageId, now: now)
                if let replacesId {
                    try Self.supersede(db, imageId: replacesId, by: imageId, buildId: buildId, now: now)
                }
            }
            return (try Self.storedBuilds(db, ids: [buildId])[0], created)
        }
    }

    /// Builds, newest first, optionally of one repository and with one status.
    public func builds(repository: String?, status: BuildStatus?, before cursor: Int64?, limit: Int) async throws -> Page<StoredBuild> {
        try await pool.read { db in
            let ids = try Int64.fetchAll(
                db,
                literal: """
                    SELECT b.id FROM build b
                    WHERE b.id < \(cursor ?? Int64.max)
                      AND (\(repository) IS NULL OR b.repositoryId = (SELECT id FROM repository WHERE name = \(repository)))
                      AND (\(status?.rawValue) IS NULL OR b.status = \(status?.rawValue))
                    ORDER BY b.id DESC LIMIT \(limit + 1)
                    """)
            let page = Array(ids.prefix(limit))
            return Page(items: try Self.storedBuilds(db, ids: page), nextCursor: ids.count > limit ? page.last : nil)
        }
    }

    // MARK: - Steps

    /// The id of the built image, registering it in the build's repository when new. A new image inherits the base
    /// repository and tag of the image it replaces (not its digest: the rebuild resolved the tag again).
    private static func builtImage(_ db: Database, digest: Digest, repositoryId: Int64, replacesId: Int64?, now: String) throws -> Int64 {
        if let id = try Int64.fetchOne(db, literal: "SELECT id FROM image WHERE digest = \(digest.value)") { return id }
        var baseReference: String?
        var baseRepository: String?
        if let replacesId, let row = try Row.fetchOne(
            db, literal: "SELECT baseReference, baseRepository FROM image WHERE id = \(replacesId)"),
            let reference = (row["baseReference"] as String?).flatMap({ try? ImageReference(parsing: $0) }), reference.tag != nil
        {
            baseReference = ImageReference(repository: reference.repository, tag: reference.tag).description
            baseRepository = row["baseRepository"] ?? reference.repository.value
        }
        try db.execute(
            literal: """
                INSERT INTO image (digest, repositoryId, labels, baseReference, baseRepository, firstSeen, lastSeen)
                VALUES (\(digest.value), \(repositoryId), '{}', \(baseReference), \(baseRepository), \(now), \(now))
                """)
        return db.lastInsertedRowID
    }

    /// Marks `imageId` superseded by `successorId`, closes its open requests, and decides its findings' fate when
    /// the successor has been scanned already.
    private static func supersede(_ db: Database, imageId: Int64, by successorId: Int64, buildId: Int64, now: String) throws {
        try db.execute(
            literal: """
                INSERT INTO supersession (imageId, successorImageId, buildId, supersededAt)
                VALUES (\(imageId), \(successorId), \(buildId), \(now))
                ON CONFLICT (imageId) DO UPDATE SET successorImageId = excluded.successorImageId,
                    buildId = excluded.buildId, supersededAt = excluded.supersededAt
                """)
        try db.execute(
            literal: """
                UPDATE rebuildRequest SET closedAt = \(now), closedByBuildId = \(buildId)
                WHERE imageId = \(imageId) AND closedAt IS NULL
                """)
        if try Bool.fetchOne(db, literal: "SELECT EXISTS (SELECT 1 FROM scan WHERE imageId = \(successorId))") == true {
            try recordFindingFates(db, successorImageId: successorId, now: now)
        }
    }

    /// Decides, for every open finding of each image that `successorImageId` supersedes, whether the successor still
    /// has it (an open finding of the same advisory in the same package, or the very same package version) or not.
    /// Called when the successor's component set changes (a scan) and when a build links an already scanned image.
    static func recordFindingFates(_ db: Database, successorImageId: Int64, now: String) throws {
        try db.execute(
            literal: """
                INSERT INTO findingFate (findingId, successorImageId, fate, decidedAt)
                SELECT f.id, s.successorImageId,
                    CASE WHEN EXISTS (SELECT 1 FROM finding g WHERE g.imageId = s.successorImageId AND g.state = 'open'
                                        AND g.advisoryId = f.advisoryId AND g.packageName = f.packageName)
                           OR EXISTS (SELECT 1 FROM component c WHERE c.imageId = s.successorImageId AND c.purl = f.purl)
                         THEN 'still_present' ELSE 'fixed_in_successor' END,
                    \(now)
                FROM supersession s JOIN finding f ON f.imageId = s.imageId AND f.state = 'open'
                WHERE s.successorImageId = \(successorImageId)
                ON CONFLICT (findingId) DO UPDATE SET successorImageId = excluded.successorImageId, fate = excluded.fate,
                    decidedAt = excluded.decidedAt
                """)
    }

    /// Builds with their repository, digests and finding fates, in the order of `ids`, in two queries.
    static func storedBuilds(_ db: Database, ids: [Int64]) throws -> [StoredBuild] {
        guard !ids.isEmpty else { return [] }
        let idList = jsonArray(ids)
        let rows = try Row.fetchAll(
            db,
            literal: """
                SELECT b.*, r.name AS repository, n.digest AS digest, o.digest AS replaces FROM build b
                JOIN repository r ON r.id = b.repositoryId
                LEFT JOIN image n ON n.id = b.imageId LEFT JOIN image o ON o.id = b.replacesImageId
                WHERE b.id IN (SELECT value FROM json_each(\(idList)))
                """)
        let fateRows = try Row.fetchAll(
            db,
            literal: """
                SELECT b.id, ff.fate, count(*) AS count FROM build b
                JOIN finding f ON f.imageId = b.replacesImageId
                JOIN findingFate ff ON ff.findingId = f.id AND ff.successorImageId = b.imageId
                WHERE b.id IN (SELECT value FROM json_each(\(idList))) AND b.status = 'succeeded'
                GROUP BY b.id, ff.fate
                """)
        var fates: [Int64: [String: Int]] = [:]
        for row in fateRows { fates[row["id"], default: [:]][row["fate"]] = row["count"] }
        var builds: [Int64: StoredBuild] = [:]
        for row in rows {
            let id: Int64 = row["id"]
            let counts = fates[id]
            builds[id] = StoredBuild(
                id: id, repository: row["repository"], tag: row["tag"],
                status: BuildStatus(rawValue: row["status"]) ?? .started, digest: row["digest"], replaces: row["replaces"],
                url: row["url"], message: row["message"], startedAt: row["startedAt"], finishedAt: row["finishedAt"],
                updatedAt: row["updatedAt"], reportedBy: row["tokenName"],
                fixedInSuccessor: counts.map { $0["fixed_in_successor"] ?? 0 }, stillPresent: counts.map { $0["still_present"] ?? 0 })
        }
        return ids.compactMap { builds[$0] }
    }
}
