import Foundation
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

/// Builds CI reports: started, then succeeded (with the new digest, which supersedes the one it rebuilt) or failed.
/// Written once for both engines; finishing a build locks the started build's row.
public struct BuildStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps reports.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Records a build report in one transaction. A report that finishes a build (succeeded or failed) completes the
    /// newest started build of the same repository, tag (and replaced digest, when given); otherwise it is a new
    /// build. On success the tag moves to the new digest, the replaced digest is superseded by it (it leaves the
    /// plan and its open requests close), and, when the new digest has been scanned already, the replaced image's
    /// findings get their fate. Returns the build and whether it is new.
    public func record(_ report: BuildReport, by token: TokenInfo) async throws -> (build: StoredBuild, created: Bool) {
        let now = context.timestamp
        // Its steps log the images they change: the built image, tag moves, the superseded image.
        return try await context.generations.write(imageChanges: .declared) { session in
            // A finished build decides the fates of the replaced image's findings from the successor's findings:
            // it waits for a scan or advisory ingest that is changing those on another replica.
            try session.serialize(on: .matching)
            let repositoryId = try RegistryStore.repositoryID(session, name: report.repository.value, now: now)
            var replacesId: Int64?
            if let replaces = report.replaces {
                guard let id = try session.fetchValue("SELECT id FROM image WHERE digest = \(replaces.value)", as: Int64.self) else {
                    throw StorageError.invalid(field: "replaces", message: "\(replaces) is not a tracked image")
                }
                replacesId = id
            }
            let started = try session.fetchValue(
                """
                SELECT id FROM build WHERE repositoryId = \(repositoryId) AND tag = \(report.tag) AND status = 'started'
                  AND (\(replacesId) IS NULL OR replacesImageId = \(replacesId))
                ORDER BY id DESC LIMIT 1 \(SQLStatement.forUpdate)
                """, as: Int64.self)
            if replacesId == nil {
                replacesId = try session.fetchValue(
                    """
                    SELECT coalesce((SELECT replacesImageId FROM build WHERE id = \(started)),
                        (SELECT imageId FROM tag WHERE repositoryId = \(repositoryId) AND name = \(report.tag)))
                    """, as: Int64.self)
            }
            var imageId: Int64?
            if let digest = report.digest {
                imageId = try Self.builtImage(session, digest: digest, repositoryId: repositoryId, replacesId: replacesId, now: now)
            }
            if imageId != nil, imageId == replacesId {
                guard report.replaces == nil else {
                    throw StorageError.invalid(field: "digest", message: "is the digest the build replaces")
                }
                // The tag already points to the new digest (its scan registered it with the tag first): the build
                // replaces the digest the tag pointed to before that move.
                replacesId = try session.fetchValue(
                    """
                    SELECT h.previousImageId FROM tagHistory h JOIN tag t ON t.id = h.tagId
                    WHERE t.repositoryId = \(repositoryId) AND t.name = \(report.tag) AND h.imageId = \(imageId)
                    ORDER BY h.id DESC LIMIT 1
                    """, as: Int64.self)
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
                try session.execute(
                    """
                    UPDATE build SET status = \(report.status.rawValue), imageId = \(imageId),
                        replacesImageId = coalesce(\(replacesId), replacesImageId), url = coalesce(\(report.url), url),
                        message = coalesce(\(report.message), message), finishedAt = \(finishedAt), updatedAt = \(now),
                        tokenId = \(token.id), tokenName = \(token.name)
                    WHERE id = \(started)
                    """)
                buildId = started
                created = false
            } else {
                guard let inserted = try session.fetchValue(
                    """
                    INSERT INTO build (repositoryId, tag, status, imageId, replacesImageId, url, message, startedAt,
                        finishedAt, updatedAt, tokenId, tokenName)
                    VALUES (\(repositoryId), \(report.tag), \(report.status.rawValue), \(imageId), \(replacesId),
                        \(report.url), \(report.message), \(now), \(finishedAt), \(now), \(token.id), \(token.name))
                    RETURNING id
                    """, as: Int64.self)
                else { throw StorageError.conflict("the build was not stored") }
                buildId = inserted
                created = true
            }
            if report.status == .succeeded, let imageId {
                try RegistryStore.moveTag(session, repositoryId: repositoryId, name: report.tag, to: imageId, now: now)
                if let replacesId {
                    try Self.supersede(session, imageId: replacesId, by: imageId, buildId: buildId, now: now)
                }
            }
            return (try Self.storedBuilds(session, ids: [buildId])[0], created)
        }
    }

    /// Builds, newest first, optionally of one repository and with one status.
    public func list(
        repository: String?, digest: String? = nil, status: BuildStatus?, before cursor: Int64?, limit: Int
    ) async throws -> Page<StoredBuild> {
        try await context.executor.read { session in
            let ids = try session.fetchAll(
                """
                SELECT b.id FROM build b
                WHERE b.id < \(cursor ?? Int64.max)
                  AND (\(repository) IS NULL OR b.repositoryId = (SELECT id FROM repository WHERE name = \(repository)))
                  AND (\(status?.rawValue) IS NULL OR b.status = \(status?.rawValue))
                  AND (\(digest) IS NULL OR b.id IN (
                      SELECT x.id FROM build x JOIN image i ON i.id = x.imageId WHERE i.digest = \(digest)
                      UNION ALL
                      SELECT x.id FROM build x JOIN image i ON i.id = x.replacesImageId WHERE i.digest = \(digest)))
                ORDER BY b.id DESC LIMIT \(limit + 1)
                """
            ).map { try $0.decode(0, as: Int64.self) }
            let page = Array(ids.prefix(limit))
            return Page(items: try Self.storedBuilds(session, ids: page), nextCursor: ids.count > limit ? page.last : nil)
        }
    }
}
