import Foundation
import PatchTrackCore

/// One stored rebuild request.
public struct StoredRebuildRequest: Sendable, Equatable {
    public var id: Int64
    public var digest: String
    public var reason: String
    public var requestedBy: String
    public var requestedAt: String
}

/// Rebuild planning's storage: the plan input (read in one snapshot), rebuild requests and image bases. Written once
/// for both engines.
public struct RebuildStore: Sendable {
    let context: StoreContext
    /// The plan input kept between plans (patched with the images each write changed), or nil to load it whole.
    let inputCache: PlanInputCache?

    /// Wraps an executor; `now` is the planning clock and stamps requests. Without `inputCache`, each plan input is
    /// loaded whole.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }, inputCache: PlanInputCache? = nil) {
        context = StoreContext(executor: executor, now: now)
        self.inputCache = inputCache
    }

    // MARK: - Plan input

    /// Everything rebuild planning looks at, read in one snapshot with a handful of queries: the images that count
    /// (each tracked tag's current digest, unless a build superseded it), every tag head, their open findings (with
    /// VEX suppression and layer origin), open requests, the policy and the injected clock's time.
    public func rebuildPlanInput() async throws -> RebuildPlanInput {
        try await rebuildPlanInputAndGeneration().input
    }

    /// ``rebuildPlanInput()`` and the write generation it shows (the plan is a function of both and the clock).
    public func rebuildPlanInputAndGeneration() async throws -> (input: RebuildPlanInput, generation: Int) {
        let now = context.now()
        return try await context.executor.read { [inputCache] session in
            try Self.loadPlanInput(session, now: now, cache: inputCache)
        }
    }

    // MARK: - Requests

    /// Records a request to rebuild the image with `digest`; nil when the image is not tracked.
    public func requestRebuild(digest: String, reason: String, by token: TokenInfo) async throws -> StoredRebuildRequest? {
        let now = context.timestamp
        return try await context.generations.write(imageChanges: .declared) { session in
            guard let imageId = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                return nil
            }
            session.logImageChanges([imageId])
            guard let id = try session.fetchValue(
                """
                INSERT INTO rebuildRequest (imageId, reason, tokenId, requestedBy, requestedAt)
                VALUES (\(imageId), \(reason), \(token.id), \(token.name), \(now))
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("the rebuild request was not stored") }
            return StoredRebuildRequest(id: id, digest: digest, reason: reason, requestedBy: token.name, requestedAt: now)
        }
    }

    // MARK: - Lineage

    /// Sets the base of the image with `digest` (registering the base image when new); throws
    /// `PlanningError.lineageCycle` when the base would make the lineage loop, `StorageError.notFound` when the image
    /// is not tracked.
    public func setBase(digest: String, base: ImageReference) async throws -> StoredImage {
        let now = context.timestamp
        return try await context.generations.write(imageChanges: .declared) { session in
            guard let imageId = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                throw StorageError.notFound("image \(digest)")
            }
            session.logImageChanges([imageId])
            if let baseDigest = base.digest {
                let baseRepositoryId = try RegistryStore.repositoryID(session, name: base.repository.value, now: now)
                try session.execute(
                    """
                    INSERT INTO image (digest, repositoryId, labels, firstSeen, lastSeen)
                    VALUES (\(baseDigest.value), \(baseRepositoryId), '{}', \(now), \(now))
                    ON CONFLICT (digest) DO NOTHING
                    """)
            }
            try session.execute(
                """
                UPDATE image SET baseReference = \(base.description), baseRepository = \(base.repository.value),
                    baseDigest = \(base.digest?.value), lastSeen = \(now)
                WHERE id = \(imageId)
                """)
            try RegistryStore.checkLineage(session, from: digest)
            return try RegistryStore.storedImages(session, ids: [imageId])[0]
        }
    }
}
