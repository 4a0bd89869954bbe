import Foundation
import PatchTrackCore

/// An image's last signature check.
public struct StoredSignature: Sendable, Equatable {
    public var state: SignatureState
    /// The trusted key that verified it.
    public var key: String?
    public var detail: String?
    /// `referrers` or `tag`: where the signatures were found.
    public var source: String?
    public var checkedAt: String
}

/// Signature checks of images (cosign, key-based), as the registry poller and `POST /v1/images/{digest}/signature/check`
/// record them. A check is a write of the image (the plan's `unsigned_base` reads it for the images built on it).
public struct SignatureStore: Sendable {
    let context: StoreContext

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Records `check` for the images `digests` (an index and its platform manifests) in one write; answers the
    /// stored check, nil when none of the images is tracked.
    @discardableResult
    public func record(digests: [Digest], check: SignatureCheck, source: String?) async throws -> StoredSignature? {
        let now = context.timestamp
        return try await context.generations.write(affectsFindings: false, imageChanges: .declared) { session in
            let imageIds = try session.fetchAll("SELECT id FROM image WHERE digest IN \(set: digests.map(\.value))")
                .map { try $0.decode(0, as: Int64.self) }
            guard !imageIds.isEmpty else { return nil }
            for imageId in imageIds {
                try session.execute(
                    """
                    INSERT INTO imageSignature (imageId, state, keyName, detail, source, checkedAt)
                    VALUES (\(imageId), \(check.state.rawValue), \(check.key), \(check.detail), \(source), \(now))
                    ON CONFLICT (imageId) DO UPDATE SET state = excluded.state, keyName = excluded.keyName,
                        detail = excluded.detail, source = excluded.source, checkedAt = excluded.checkedAt
                    """)
            }
            session.logImageChanges(imageIds)
            return StoredSignature(state: check.state, key: check.key, detail: check.detail, source: source, checkedAt: now)
        }
    }

    /// The last check of the image `digest`, or nil (never checked, or not tracked).
    public func signature(digest: String) async throws -> StoredSignature? {
        try await context.executor.read { session in
            try Self.load(session, digests: [digest])[digest]
        }
    }

    /// Images whose signature was checked before the trusted keys last changed, oldest check first, at most `limit`:
    /// their judgement may be stale. Each with the repository it was first registered in.
    public func checkedBeforeKeysChanged(limit: Int) async throws -> [(repository: String, digest: String)] {
        try await context.executor.read { session in
            try session.fetchAll(
                """
                SELECT r.name, i.digest FROM imageSignature s
                JOIN image i ON i.id = s.imageId JOIN repository r ON r.id = i.repositoryId
                WHERE s.checkedAt < (SELECT trustedKeysChangedAt FROM rebuildPolicy WHERE id = 1)
                ORDER BY s.checkedAt, s.imageId LIMIT \(limit)
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) }
        }
    }

    /// The last checks of the images `digests`, by digest.
    static func load(_ session: any SQLSession, digests: [String]) throws -> [String: StoredSignature] {
        var result: [String: StoredSignature] = [:]
        try session.forEachRow(
            """
            SELECT i.digest, s.state, s.keyName, s.detail, s.source, s.checkedAt
            FROM imageSignature s JOIN image i ON i.id = s.imageId WHERE i.digest IN \(set: digests)
            """
        ) { row in
            guard let state = SignatureState(rawValue: try row.decode(1)) else { return }
            result[try row.decode(0)] = StoredSignature(
                state: state, key: try row.decode(2), detail: try row.decode(3), source: try row.decode(4), checkedAt: try row.decode(5))
        }
        return result
    }
}
