import Foundation
import PatchTrackCore

/// Registry facts: repositories, images (digests with platform, labels, build source and base), tags and their
/// digest history. Written once for both engines; other use cases reach its steps (`upsertImage`, `moveTag`, …)
/// inside their own transactions.
public struct RegistryStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps registrations and tag moves.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    // MARK: - Use cases

    /// Registers `registration` or updates the image with its digest; moves its tags, recording each move.
    /// Returns the stored image and whether it was new.
    public func registerImage(_ registration: ImageRegistration) async throws -> (image: StoredImage, created: Bool) {
        let now = context.timestamp
        return try await context.generations.write(imageChanges: .declared) { session in
            let created = try Self.upsertImage(session, registration, now: now)
            guard let image = try Self.storedImages(session, ids: [created.id]).first else {
                throw StorageError.notFound("image \(registration.digest)")
            }
            return (image, created.isNew)
        }
    }

    /// The image with `digest`, or nil.
    public func image(digest: String) async throws -> StoredImage? {
        try await context.executor.read { session in
            guard let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                return nil
            }
            return try Self.storedImages(session, ids: [id]).first
        }
    }

    /// Images ordered by id, optionally only those in `repository` (first registered there or tagged there) and
    /// pointed to by `tag`.
    public func images(repository: String?, tag: String?, after cursor: Int64?, limit: Int) async throws -> Page<StoredImage> {
        try await context.executor.read { session in
            let ids = try session.fetchAll(
                """
                SELECT i.id FROM image i
                WHERE i.id > \(cursor ?? 0)
                  AND (\(repository) IS NULL OR i.repositoryId = (SELECT id FROM repository WHERE name = \(repository))
                       OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                                  WHERE t.imageId = i.id AND r.name = \(repository)))
                  AND (\(tag) IS NULL OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                                  WHERE t.imageId = i.id AND t.name = \(tag)
                                    AND (\(repository) IS NULL OR r.name = \(repository))))
                ORDER BY i.id LIMIT \(limit + 1)
                """
            ).map { try $0.decode(0, as: Int64.self) }
            let more = ids.count > limit
            let pageIDs = Array(ids.prefix(limit))
            return Page(items: try Self.storedImages(session, ids: pageIDs), nextCursor: more ? pageIDs.last : nil)
        }
    }

    /// Repositories by name order, each with its tags.
    public func repositories(after cursor: String?, limit: Int) async throws -> (items: [RepositorySummary], nextCursor: String?) {
        try await context.executor.read { session in
            let rows = try session.fetchAll(
                """
                SELECT r.id, r.name, r.createdAt, (SELECT count(*) FROM image i WHERE i.repositoryId = r.id) AS imageCount
                FROM repository r WHERE r.name > \(cursor ?? "") ORDER BY r.name LIMIT \(limit + 1)
                """)
            let page = Array(rows.prefix(limit))
            let tags = try Self.tagStates(session, repositoryIDs: try page.map { try $0.decode("id") }, withHistory: false)
            let items = try page.map { try Self.summary($0, tags: tags) }
            return (items, rows.count > limit ? items.last?.name : nil)
        }
    }

    /// One repository with every tag's history, or nil.
    public func repository(name: String) async throws -> RepositorySummary? {
        try await context.executor.read { session in
            guard let row = try session.fetchOne(
                """
                SELECT r.id, r.name, r.createdAt, (SELECT count(*) FROM image i WHERE i.repositoryId = r.id) AS imageCount
                FROM repository r WHERE r.name = \(name)
                """)
            else { return nil }
            let tags = try Self.tagStates(session, repositoryIDs: [try row.decode("id")], withHistory: true)
            return try Self.summary(row, tags: tags)
        }
    }

    // MARK: - Steps (also used by other use cases' transactions)

    /// The ids of the images that count (are tracked): those a tag points to, and the platform manifests of a tagged
    /// index (`imageIndexEntry`), as a subquery.
    static let trackedImageIds: SQLStatement = """
        (SELECT imageId FROM tag UNION SELECT e.imageId FROM imageIndexEntry e JOIN tag t ON t.imageId = e.indexImageId)
        """

    /// Inserts or updates the image of `registration` and its tags inside `session`'s transaction.
    static func upsertImage(_ session: any SQLSession, _ registration: ImageRegistration, now: String) throws -> (id: Int64, isNew: Bool) {
        let repositoryId = try repositoryID(session, name: registration.repository.value, now: now)
        var baseRepository: String?
        if let base = registration.base, let baseDigest = base.digest {
            // Base images are ordinary tracked images: make sure the base exists (its tags are not moved from here).
            let baseRepositoryId = try repositoryID(session, name: base.repository.value, now: now)
            try session.execute(
                """
                INSERT INTO image (digest, repositoryId, labels, firstSeen, lastSeen)
                VALUES (\(baseDigest.value), \(baseRepositoryId), '{}', \(now), \(now))
                ON CONFLICT (digest) DO NOTHING
                """)
            baseRepository = base.repository.value
        }
        let labelsJSON = try registration.labels.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
        }
        // Insert when new; a replica that inserted the same digest first (or an existing row) makes this an update.
        let inserted = try session.fetchValue(
            """
            INSERT INTO image (digest, repositoryId, platform, created, labels, sourceRepository, sourceRevision,
                baseReference, baseRepository, baseDigest, firstSeen, lastSeen)
            VALUES (\(registration.digest.value), \(repositoryId), \(registration.platform),
                \(registration.created.map(Timestamp.format)), \(labelsJSON ?? "{}"), \(registration.source?.repository),
                \(registration.source?.revision), \(registration.base?.description), \(baseRepository),
                \(registration.base?.digest?.value), \(now), \(now))
            ON CONFLICT (digest) DO NOTHING
            RETURNING id
            """, as: Int64.self)
        let imageId: Int64
        if let inserted {
            imageId = inserted
        } else {
            guard let existing = try session.fetchValue(
                "SELECT id FROM image WHERE digest = \(registration.digest.value) \(SQLStatement.forUpdate)", as: Int64.self)
            else { throw StorageError.conflict("image \(registration.digest) was not stored") }
            // Only what the registration says changes; the rest stays as stored.
            let base = registration.base
            try session.execute(
                """
                UPDATE image SET
                    created = coalesce(\(registration.created.map(Timestamp.format)), created),
                    platform = coalesce(\(registration.platform), platform),
                    labels = coalesce(\(labelsJSON), labels),
                    sourceRepository = CASE WHEN \(registration.source != nil) = 1 THEN \(registration.source?.repository) ELSE sourceRepository END,
                    sourceRevision = CASE WHEN \(registration.source != nil) = 1 THEN \(registration.source?.revision) ELSE sourceRevision END,
                    baseReference = CASE WHEN \(base != nil) = 1 THEN \(base?.description) ELSE baseReference END,
                    baseRepository = CASE WHEN \(base != nil) = 1 THEN \(baseRepository) ELSE baseRepository END,
                    baseDigest = CASE WHEN \(base != nil) = 1 THEN \(base?.digest?.value) ELSE baseDigest END,
                    lastSeen = \(now)
                WHERE id = \(existing)
                """)
            imageId = existing
        }
        session.logImageChanges([imageId])
        for tag in registration.tags {
            try moveTag(session, repositoryId: repositoryId, name: tag, to: imageId, now: now)
        }
        if registration.base != nil {
            try checkLineage(session, from: registration.digest.value)
        }
        return (imageId, inserted != nil)
    }

    /// The id of repository `name`, inserting it when new (a concurrent insert of the same name is absorbed by the
    /// unique key).
    static func repositoryID(_ session: any SQLSession, name: String, now: String) throws -> Int64 {
        if let id = try session.fetchValue("SELECT id FROM repository WHERE name = \(name)", as: Int64.self) {
            return id
        }
        try session.execute("INSERT INTO repository (name, createdAt) VALUES (\(name), \(now)) ON CONFLICT (name) DO NOTHING")
        guard let id = try session.fetchValue("SELECT id FROM repository WHERE name = \(name)", as: Int64.self) else {
            throw StorageError.conflict("repository \(name) was not stored")
        }
        return id
    }

    /// The id of the image `digest`, registering it in `repositoryId` when it is not tracked yet (`isNew`).
    static func imageID(_ session: any SQLSession, digest: String, repositoryId: Int64, now: String) throws -> (id: Int64, isNew: Bool) {
        if let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) {
            return (id, false)
        }
        if let id = try session.fetchValue(
            """
            INSERT INTO image (digest, repositoryId, firstSeen, lastSeen) VALUES (\(digest), \(repositoryId), \(now), \(now))
            ON CONFLICT (digest) DO NOTHING RETURNING id
            """, as: Int64.self)
        {
            return (id, true)
        }
        // Another replica registered it between the two statements.
        guard let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
            throw StorageError.conflict("image \(digest) was not stored")
        }
        return (id, false)
    }

    /// Points tag `name` of the repository at `imageId`, recording the move when it changes anything.
    /// Concurrent moves of one tag queue on its row (created by whichever comes first), so each move is recorded
    /// against the digest it really replaced.
    static func moveTag(_ session: any SQLSession, repositoryId: Int64, name: String, to imageId: Int64, now: String) throws {
        if let tagId = try session.fetchValue(
            """
            INSERT INTO tag (repositoryId, name, imageId, updatedAt) VALUES (\(repositoryId), \(name), \(imageId), \(now))
            ON CONFLICT (repositoryId, name) DO NOTHING RETURNING id
            """, as: Int64.self)
        {
            session.logImageChanges([imageId])
            try session.execute(
                "INSERT INTO tagHistory (tagId, imageId, previousImageId, movedAt) VALUES (\(tagId), \(imageId), \(nil as Int64?), \(now))")
            return
        }
        if let row = try session.fetchOne(
            "SELECT id, imageId FROM tag WHERE repositoryId = \(repositoryId) AND name = \(name) \(SQLStatement.forUpdate)")
        {
            let tagId: Int64 = try row.decode("id")
            let previous: Int64 = try row.decode("imageId")
            guard previous != imageId else { return }
            session.logImageChanges([previous, imageId])
            try session.execute("UPDATE tag SET imageId = \(imageId), updatedAt = \(now) WHERE id = \(tagId)")
            try session.execute(
                "INSERT INTO tagHistory (tagId, imageId, previousImageId, movedAt) VALUES (\(tagId), \(imageId), \(previous), \(now))")
            try recordBaseUpdate(session, tag: name, from: previous, to: imageId, now: now)
        }
    }

    /// Records `base_image.updated` when images name the tag's previous digest as their base.
    private static func recordBaseUpdate(_ session: any SQLSession, tag: String, from previous: Int64, to imageId: Int64, now: String) throws {
        guard try session.eventsWanted() else { return }
        var digests: [Int64: String] = [:]
        var repository = ""
        try session.forEachRow(
            "SELECT i.id, i.digest, r.name FROM image i JOIN repository r ON r.id = i.repositoryId WHERE i.id IN \(set: [previous, imageId])"
        ) { row in
            digests[try row.decode(0)] = try row.decode(1)
            repository = try row.decode(2)
        }
        guard let old = digests[previous], let new = digests[imageId] else { return }
        let dependentIds = try session.fetchAll("SELECT id FROM image WHERE baseDigest = \(old) ORDER BY id")
            .map { try $0.decode(0, as: Int64.self) }
        guard !dependentIds.isEmpty else { return }
        let described = try Outbox.describeImages(session, Array(dependentIds.prefix(EventBatch.maximumItems)))
        let dependents = dependentIds.prefix(EventBatch.maximumItems).compactMap { described[$0] }
        let data = BaseImageUpdatedData(
            repository: repository, tag: tag, previousDigest: old, digest: new, dependents: dependents, dependentCount: dependentIds.count)
        let event = try OutboxEvent(
            type: .baseImageUpdated, occurredAt: Timestamp.parse(now) ?? Date(),
            facets: EventFacets(repositories: Set(dependents.map(\.repository) + [repository])), data: data)
        try session.recordEvents(now: now) { $0.add(event) }
    }

    /// Refuses a base lineage that loops back on itself (following each base by digest, or by its tag's current
    /// digest when the base names a tag), naming the loop from its smallest digest.
    static func checkLineage(_ session: any SQLSession, from digest: String) throws {
        var walk: [String] = []
        var current: String? = digest
        while let node = current, walk.count < 100_000 {
            if let index = walk.firstIndex(of: node) {
                let loop = Array(walk[index...]).compactMap { try? Digest(parsing: $0) }
                let smallest = loop.indices.min { loop[$0] < loop[$1] } ?? 0
                throw PlanningError.lineageCycle(Array(loop[smallest...] + loop[..<smallest]))
            }
            walk.append(node)
            guard let row = try session.fetchOne("SELECT baseReference, baseDigest FROM image WHERE digest = \(node)") else { return }
            let reference = (try row.decode("baseReference", as: String?.self)).flatMap { try? ImageReference(parsing: $0) }
            var next: String? = try row.decode("baseDigest")
            if let reference, let tag = reference.tag,
                let head = try session.fetchValue(
                    """
                    SELECT i.digest FROM tag t JOIN repository r ON r.id = t.repositoryId JOIN image i ON i.id = t.imageId
                    WHERE r.name = \(reference.repository.value) AND t.name = \(tag)
                    """, as: String.self)
            {
                next = head
            }
            current = next
        }
    }
}
