import Foundation
import PatchTrackCore

extension BuildStore {
    /// The id of the built image, registering it in the build's repository when new. A new image inherits the base
    /// repository and tag of the image it replaces (not its digest: the rebuild resolved the tag again).
    static func builtImage(_ session: any SQLSession, digest: Digest, repositoryId: Int64, replacesId: Int64?, now: String) throws -> Int64 {
        if let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest.value)", as: Int64.self) { return id }
        var baseReference: String?
        var baseRepository: String?
        if let replacesId, let row = try session.fetchOne("SELECT baseReference, baseRepository FROM image WHERE id = \(replacesId)"),
            let reference = (try row.decode("baseReference", as: String?.self)).flatMap({ try? ImageReference(parsing: $0) }),
            reference.tag != nil
        {
            baseReference = ImageReference(repository: reference.repository, tag: reference.tag).description
            baseRepository = try row.decode("baseRepository", as: String?.self) ?? reference.repository.value
        }
        if let id = try session.fetchValue(
            """
            INSERT INTO image (digest, repositoryId, labels, baseReference, baseRepository, firstSeen, lastSeen)
            VALUES (\(digest.value), \(repositoryId), '{}', \(baseReference), \(baseRepository), \(now), \(now))
            ON CONFLICT (digest) DO NOTHING RETURNING id
            """, as: Int64.self)
        {
            return id
        }
        // Registered by another replica between the two statements.
        guard let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest.value)", as: Int64.self) else {
            throw StorageError.conflict("image \(digest) was not stored")
        }
        return id
    }

    /// Marks `imageId` superseded by `successorId`, closes its open requests, and decides its findings' fate when
    /// the successor has been scanned already.
    static func supersede(_ session: any SQLSession, imageId: Int64, by successorId: Int64, buildId: Int64, now: String) throws {
        session.logImageChanges([imageId, successorId])
        try session.execute(
            """
            INSERT INTO supersession (imageId, successorImageId, buildId, supersededAt)
            VALUES (\(imageId), \(successorId), \(buildId), \(now))
            ON CONFLICT (imageId) DO UPDATE SET successorImageId = excluded.successorImageId,
                buildId = excluded.buildId, supersededAt = excluded.supersededAt
            """)
        try session.execute(
            """
            UPDATE rebuildRequest SET closedAt = \(now), closedByBuildId = \(buildId)
            WHERE imageId = \(imageId) AND closedAt IS NULL
            """)
        if (try session.fetchValue("SELECT count(*) FROM scan WHERE imageId = \(successorId)", as: Int.self) ?? 0) > 0 {
            try recordFindingFates(session, successorImageId: successorId, now: now)
        }
    }

    /// Decides, for every open finding of each image that `successorImageId` supersedes, whether the successor still
    /// has it (an open finding of the same advisory in the same package, or the very same package version) or not.
    /// Called when the successor's component set changes (a scan) and when a build links an already scanned image.
    static func recordFindingFates(_ session: any SQLSession, successorImageId: Int64, now: String) throws {
        try session.execute(
            """
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
    static func storedBuilds(_ session: any SQLSession, ids: [Int64]) throws -> [StoredBuild] {
        guard !ids.isEmpty else { return [] }
        let rows = try session.fetchAll(
            """
            SELECT b.id, b.tag, b.status, b.url, b.message, b.startedAt, b.finishedAt, b.updatedAt, b.tokenName,
                r.name AS repository, n.digest AS digest, o.digest AS replaces FROM build b
            JOIN repository r ON r.id = b.repositoryId
            LEFT JOIN image n ON n.id = b.imageId LEFT JOIN image o ON o.id = b.replacesImageId
            WHERE b.id IN \(set: ids)
            """)
        let fateRows = try session.fetchAll(
            """
            SELECT b.id, ff.fate, count(*) AS count FROM build b
            JOIN finding f ON f.imageId = b.replacesImageId
            JOIN findingFate ff ON ff.findingId = f.id AND ff.successorImageId = b.imageId
            WHERE b.id IN \(set: ids) AND b.status = 'succeeded'
            GROUP BY b.id, ff.fate
            """)
        var fates: [Int64: [String: Int]] = [:]
        for row in fateRows { fates[try row.decode("id"), default: [:]][try row.decode("fate")] = try row.decode("count") }
        var builds: [Int64: StoredBuild] = [:]
        for row in rows {
            let id: Int64 = try row.decode("id")
            let counts = fates[id]
            builds[id] = StoredBuild(
                id: id, repository: try row.decode("repository"), tag: try row.decode("tag"),
                status: BuildStatus(rawValue: try row.decode("status")) ?? .started, digest: try row.decode("digest"),
                replaces: try row.decode("replaces"), url: try row.decode("url"), message: try row.decode("message"),
                startedAt: try row.decode("startedAt"), finishedAt: try row.decode("finishedAt"),
                updatedAt: try row.decode("updatedAt"), reportedBy: try row.decode("tokenName"),
                fixedInSuccessor: counts.map { $0["fixed_in_successor"] ?? 0 }, stillPresent: counts.map { $0["still_present"] ?? 0 })
        }
        return ids.compactMap { builds[$0] }
    }
}
