import Foundation
import PatchTrackCore

extension RegistryStore {
    /// Loads images with their repositories, tags and supersessions in three queries, in the order of `ids`.
    static func storedImages(_ session: any SQLSession, ids: [Int64]) throws -> [StoredImage] {
        guard !ids.isEmpty else { return [] }
        let rows = try session.fetchAll(
            """
            SELECT i.id, i.digest, i.platform, i.created, i.labels, i.sourceRepository, i.sourceRevision, i.baseReference,
                i.baseRepository, i.baseDigest, i.firstSeen, i.lastSeen, r.name AS repositoryName
            FROM image i JOIN repository r ON r.id = i.repositoryId
            WHERE i.id IN \(set: ids)
            """)
        var tags: [Int64: [TagPointer]] = [:]
        for row in try session.fetchAll(
            """
            SELECT t.imageId, t.name, r.name AS repositoryName FROM tag t JOIN repository r ON r.id = t.repositoryId
            WHERE t.imageId IN \(set: ids) ORDER BY r.name, t.name
            """)
        {
            tags[try row.decode("imageId"), default: []].append(
                TagPointer(repository: try row.decode("repositoryName"), name: try row.decode("name")))
        }
        var successors: [Int64: String] = [:]
        var predecessors: [Int64: String] = [:]
        for row in try session.fetchAll(
            """
            SELECT s.imageId, s.successorImageId, o.digest AS oldDigest, n.digest AS newDigest FROM supersession s
            JOIN image o ON o.id = s.imageId JOIN image n ON n.id = s.successorImageId
            WHERE s.imageId IN \(set: ids) OR s.successorImageId IN \(set: ids)
            ORDER BY s.id
            """)
        {
            successors[try row.decode("imageId")] = try row.decode("newDigest")
            predecessors[try row.decode("successorImageId")] = try row.decode("oldDigest")
        }
        let signatures = try SignatureStore.load(session, digests: try rows.map { try $0.decode("digest", as: String.self) })
        var images: [Int64: StoredImage] = [:]
        for row in rows {
            let id: Int64 = try row.decode("id")
            let labelsText: String = try row.decode("labels")
            let labels = (try? JSONDecoder().decode([String: String].self, from: Data(labelsText.utf8))) ?? [:]
            images[id] = StoredImage(
                id: id, digest: try row.decode("digest"), repository: try row.decode("repositoryName"),
                platform: try row.decode("platform"), created: try row.decode("created"), labels: labels,
                sourceRepository: try row.decode("sourceRepository"), sourceRevision: try row.decode("sourceRevision"),
                baseReference: try row.decode("baseReference"), baseRepository: try row.decode("baseRepository"),
                baseDigest: try row.decode("baseDigest"), firstSeen: try row.decode("firstSeen"),
                lastSeen: try row.decode("lastSeen"), tags: tags[id] ?? [], predecessor: predecessors[id],
                successor: successors[id])
            let digest: String = try row.decode("digest")
            images[id]?.signature = signatures[digest]
        }
        return ids.compactMap { images[$0] }
    }

    /// Tags of the given repositories (and their histories when asked), in two queries.
    static func tagStates(_ session: any SQLSession, repositoryIDs: [Int64], withHistory: Bool) throws -> [Int64: [TagState]] {
        guard !repositoryIDs.isEmpty else { return [:] }
        let rows = try session.fetchAll(
            """
            SELECT t.id, t.repositoryId, t.name, t.updatedAt, i.digest FROM tag t JOIN image i ON i.id = t.imageId
            WHERE t.repositoryId IN \(set: repositoryIDs) ORDER BY t.name
            """)
        var history: [Int64: [TagMove]] = [:]
        if withHistory {
            for move in try session.fetchAll(
                """
                SELECT h.tagId, h.movedAt, i.digest, p.digest AS previousDigest FROM tagHistory h
                JOIN tag t ON t.id = h.tagId JOIN image i ON i.id = h.imageId LEFT JOIN image p ON p.id = h.previousImageId
                WHERE t.repositoryId IN \(set: repositoryIDs) ORDER BY h.id
                """)
            {
                history[try move.decode("tagId"), default: []].append(
                    TagMove(digest: try move.decode("digest"), previousDigest: try move.decode("previousDigest"), movedAt: try move.decode("movedAt")))
            }
        }
        var result: [Int64: [TagState]] = [:]
        for row in rows {
            let tagId: Int64 = try row.decode("id")
            result[try row.decode("repositoryId"), default: []].append(
                TagState(
                    name: try row.decode("name"), digest: try row.decode("digest"), updatedAt: try row.decode("updatedAt"),
                    history: history[tagId] ?? []))
        }
        return result
    }

    static func summary(_ row: SQLRow, tags: [Int64: [TagState]]) throws -> RepositorySummary {
        let id: Int64 = try row.decode("id")
        return RepositorySummary(
            id: id, name: try row.decode("name"), createdAt: try row.decode("createdAt"), imageCount: try row.decode("imageCount"),
            tags: tags[id] ?? [])
    }
}
