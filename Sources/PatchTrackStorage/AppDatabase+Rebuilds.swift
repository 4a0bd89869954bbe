import Foundation
import GRDB
import PatchTrackCore

/// One stored rebuild request.
public struct StoredRebuildRequest: Sendable, Equatable {
    public var id: Int64
    public var digest: String
    public var reason: String
    public var requestedBy: String
    public var requestedAt: String
}

extension AppDatabase {
    // MARK: - Plan input

    /// Everything rebuild planning looks at, read in one snapshot with a handful of queries: the images that count
    /// (each tracked tag's current digest, unless a build superseded it), every tag head, their open findings (with
    /// VEX suppression and layer origin), open requests, the policy and the injected clock's time.
    public func rebuildPlanInput() async throws -> RebuildPlanInput {
        let now = now()
        return try await pool.read { db in try Self.loadPlanInput(db, now: now) }
    }

    static func loadPlanInput(_ db: Database, now: Date) throws -> RebuildPlanInput {
        // Tags: every head (for base tags), and the tags of each image in its own repository.
        var tagHeads: [RepositoryTag: Digest] = [:]
        var tagsByImage: [Int64: [(repository: String, tag: String)]] = [:]
        let tagRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT r.name AS repository, t.name AS tag, t.imageId, i.digest FROM tag t
                JOIN repository r ON r.id = t.repositoryId JOIN image i ON i.id = t.imageId
                """)
        var repositoryNames: [String: RepositoryName] = [:]
        func repositoryName(_ text: String) -> RepositoryName? {
            if let known = repositoryNames[text] { return known }
            guard let parsed = try? RepositoryName(parsing: text) else { return nil }
            repositoryNames[text] = parsed
            return parsed
        }
        while let row = try tagRows.next() {
            let repository: String = row["repository"]
            let tag: String = row["tag"]
            tagsByImage[row["imageId"], default: []].append((repository, tag))
            if let name = repositoryName(repository), let digest = try? Digest(parsing: row["digest"]) {
                tagHeads[RepositoryTag(repository: name, tag: tag)] = digest
            }
        }

        // Images that count, with their bases.
        var images: [PlanImage] = []
        var digestByImage: [Int64: Digest] = [:]
        var baseDigestByImage: [Int64: String] = [:]
        let imageRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT i.id, i.digest, r.name AS repository, i.created, i.baseReference, i.baseRepository, i.baseDigest
                FROM image i JOIN repository r ON r.id = i.repositoryId
                WHERE i.id IN (SELECT imageId FROM tag)
                  AND NOT EXISTS (SELECT 1 FROM supersession s WHERE s.imageId = i.id)
                """)
        while let row = try imageRows.next() {
            let id: Int64 = row["id"]
            guard let digest = try? Digest(parsing: row["digest"]), let repository = repositoryName(row["repository"]) else {
                continue
            }
            let tags = (tagsByImage[id] ?? []).filter { $0.repository == repository.value }.map(\.tag)
            let created = (row["created"] as String?).flatMap(Timestamp.parse)
            let base = Self.baseReference(row, repositoryName: repositoryName)
            images.append(PlanImage(digest: digest, repository: repository, tags: tags, created: created, base: base))
            digestByImage[id] = digest
            if let baseDigest: String = row["baseDigest"] { baseDigestByImage[id] = baseDigest }
        }

        let findings = try loadPlanFindings(db, digestByImage: digestByImage, baseDigestByImage: baseDigestByImage)

        var requests: [Digest: [RebuildRequest]] = [:]
        let requestRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT q.imageId, q.requestedBy, q.reason, q.requestedAt FROM rebuildRequest q
                WHERE q.closedAt IS NULL ORDER BY q.id
                """)
        while let row = try requestRows.next() {
            guard let digest = digestByImage[row["imageId"]], let requestedAt = Timestamp.parse(row["requestedAt"]) else {
                continue
            }
            requests[digest, default: []].append(
                RebuildRequest(requestedBy: row["requestedBy"], reason: row["reason"], requestedAt: requestedAt))
        }

        let policy = try loadPolicy(db).rebuildPolicy
        return RebuildPlanInput(
            images: images, tagHeads: tagHeads, findings: findings, requests: requests, policy: policy, now: now)
    }

    /// The base as an image reference: repository and tag from the stored reference, digest from the stored digest.
    /// The stored reference is canonical (`repository[:tag][@digest]`, see ``ImageReference/description``), so when
    /// it starts with the stored repository the tag is read off without parsing the repository again.
    private static func baseReference(_ row: Row, repositoryName: (String) -> RepositoryName?) -> ImageReference? {
        let reference: String? = row["baseReference"]
        let repositoryText: String? = row["baseRepository"]
        let digest = (row["baseDigest"] as String?).flatMap { try? Digest(parsing: $0) }
        if let reference, let repositoryText, let repository = repositoryName(repositoryText),
            reference.hasPrefix(repositoryText), reference.utf8.count == repositoryText.utf8.count || reference.dropFirst(repositoryText.count).first.map({ $0 == ":" || $0 == "@" }) == true
        {
            let rest = reference.dropFirst(repositoryText.count)
            var tag: String?
            if rest.first == ":" {
                let text = rest.dropFirst().prefix { $0 != "@" }
                if ImageReference.isValidTag(String(text)) { tag = String(text) }
            }
            return ImageReference(repository: repository, tag: tag, digest: digest)
        }
        let parsed = reference.flatMap { try? ImageReference(parsing: $0) }
        guard let repository = repositoryText.flatMap(repositoryName) ?? parsed?.repository else { return nil }
        return ImageReference(repository: repository, tag: parsed?.tag, digest: digest ?? parsed?.digest)
    }

    /// Open findings of the counted images, one per vulnerability and package (the most severe of the records that
    /// found it), with VEX suppression from `findingStatement` and the layer origin from the base image's layers.
    private static func loadPlanFindings(
        _ db: Database, digestByImage: [Int64: Digest], baseDigestByImage: [Int64: String]
    ) throws -> [Digest: [PlanFinding]] {
        let suppressed = try suppressedFindings(db)
        // In the unique index's order (image, purl): the records of one package in one image come together, so
        // merging the advisories of one vulnerability needs no dictionary. Columns by position: 50,000 rows.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT f.id, f.imageId, f.purl, f.vulnerabilityId, f.packageName, f.installedVersion, f.fixedVersion,
                    f.severityLevel, f.layerDigest
                FROM finding f
                WHERE f.state = 'open' AND f.imageId IN (SELECT imageId FROM tag)
                ORDER BY f.imageId, f.purl
                """)
        var merged: [(imageId: Int64, finding: PlanFinding, layerDigest: String?)] = []
        var runStart = 0
        var runImage: Int64 = -1
        var runPURL = ""
        while let row = try rows.next() {
            let imageId: Int64 = row[1]
            guard digestByImage[imageId] != nil else { continue }
            let purl: String = row[2]
            if imageId != runImage || purl != runPURL {
                runStart = merged.count
                runImage = imageId
                runPURL = purl
            }
            let finding = PlanFinding(
                advisoryID: row[3], package: row[4], installedVersion: row[5], fixedVersion: row[6],
                severity: SeverityLevel(rawValue: row[7]) ?? .unknown, suppressedByVEX: suppressed.contains(row[0]))
            let layerDigest: String? = row[8]
            if let index = merged[runStart...].firstIndex(where: {
                $0.finding.advisoryID == finding.advisoryID && $0.finding.package == finding.package
                    && $0.finding.installedVersion == finding.installedVersion
            }) {
                merged[index].finding.severity = max(merged[index].finding.severity, finding.severity)
                merged[index].finding.fixedVersion = merged[index].finding.fixedVersion ?? finding.fixedVersion
                merged[index].finding.suppressedByVEX = merged[index].finding.suppressedByVEX && finding.suppressedByVEX
                merged[index].layerDigest = merged[index].layerDigest ?? layerDigest
            } else {
                merged.append((imageId, finding, layerDigest))
            }
        }

        // Layers of the bases of images whose findings name a layer.
        let needingLayers = Set(merged.compactMap { $0.layerDigest == nil ? nil : $0.imageId })
        let baseDigests = Set(needingLayers.compactMap { baseDigestByImage[$0] })
        var baseLayers: [String: Set<String>] = [:]
        if !baseDigests.isEmpty {
            let layerRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT DISTINCT i.digest, c.layerDigest FROM image i JOIN component c ON c.imageId = i.id
                    WHERE i.digest IN (SELECT value FROM json_each(?)) AND c.layerDigest IS NOT NULL
                    """,
                arguments: [try json(Array(baseDigests).sorted())])
            while let row = try layerRows.next() {
                baseLayers[row["digest"], default: []].insert(row["layerDigest"])
            }
        }

        var findings: [Digest: [PlanFinding]] = [:]
        for (imageId, finding, layerDigest) in merged {
            guard let digest = digestByImage[imageId] else { continue }
            var planned = finding
            if let layerDigest, let base = baseDigestByImage[imageId], let layers = baseLayers[base] {
                planned.layerOrigin = layers.contains(layerDigest) ? .base : .image
            }
            findings[digest, default: []].append(planned)
        }
        return findings
    }

    /// The open findings whose newest applicable VEX statement says not_affected or fixed.
    ///
    /// The same rule as the `findingStatement` view (migration 0003), evaluated from the statements' side: the view
    /// runs a correlated subquery per finding that cannot use an index (its conditions are OR-ed), about 0.7 ms per
    /// finding with a few hundred statements, so 35 s for 50,000 findings. Here each statement is joined to the
    /// findings of its vulnerability (by id, advisory id or alias, through `finding_on_vulnerabilityId`), its subject
    /// and component conditions are checked per pair, and the newest statement per finding decides.
    /// `suppressionAgreesWithView` in the storage tests keeps the two in step. (`+f.state` keeps SQLite from
    /// scanning every open finding through `finding_on_state_sla` instead of seeking by vulnerability.)
    static func suppressedFindings(_ db: Database) throws -> Set<Int64> {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM vexStatement)") == true else { return [] }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                WITH statementGroup(statementId, vulnerabilityId) AS (
                    SELECT v.id, v.vulnerabilityId FROM vexStatement v
                    UNION SELECT v.id, a.vulnerabilityId FROM vexStatement v JOIN advisory a ON a.osvId = v.vulnerabilityId
                    UNION SELECT v.id, a.vulnerabilityId FROM vexStatement v
                        JOIN advisoryAlias aa ON aa.alias = v.vulnerabilityId JOIN advisory a ON a.id = aa.advisoryId)
                SELECT f.id AS findingId, v.id AS statementId, v.status, coalesce(v.statedAt, v.createdAt) AS statedAt
                FROM statementGroup g JOIN vexStatement v ON v.id = g.statementId
                JOIN finding f ON f.vulnerabilityId = g.vulnerabilityId AND +f.state = 'open'
                WHERE ((v.subjectKind = 'image' AND v.subject = (SELECT digest FROM image WHERE id = f.imageId))
                       OR (v.subjectKind = 'repository' AND (
                           v.subject = (SELECT r.name FROM image i JOIN repository r ON r.id = i.repositoryId WHERE i.id = f.imageId)
                           OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                                      WHERE t.imageId = f.imageId AND r.name = v.subject)))
                       OR (v.subjectKind = 'component' AND (f.purl = v.subject
                           OR substr(f.purl, 1, length(v.subject) + 1) IN (v.subject || '@', v.subject || '?'))))
                  AND (v.componentPurl IS NULL OR f.purl = v.componentPurl
                       OR substr(f.purl, 1, length(v.componentPurl) + 1) IN (v.componentPurl || '@', v.componentPurl || '?'))
                """)
        var newest: [Int64: (statedAt: String, id: Int64, status: String)] = [:]
        while let row = try rows.next() {
            let candidate = (statedAt: row["statedAt"] as String, id: row["statementId"] as Int64, status: row["status"] as String)
            let findingId: Int64 = row["findingId"]
            if let current = newest[findingId], (current.statedAt, current.id) > (candidate.statedAt, candidate.id) { continue }
            newest[findingId] = candidate
        }
        return Set(newest.compactMap { ["not_affected", "fixed"].contains($0.value.status) ? $0.key : nil })
    }

    // MARK: - Requests

    /// Records a request to rebuild the image with `digest`; nil when the image is not tracked.
    public func requestRebuild(digest: String, reason: String, by token: TokenInfo) async throws -> StoredRebuildRequest? {
        let now = timestamp
        return try await write { db in
            guard let imageId = try Int64.fetchOne(db, sql: "SELECT id FROM image WHERE digest = ?", arguments: [digest]) else {
                return nil
            }
            try db.execute(
                literal: """
                    INSERT INTO rebuildRequest (imageId, reason, tokenId, requestedBy, requestedAt)
                    VALUES (\(imageId), \(reason), \(token.id), \(token.name), \(now))
                    """)
            return StoredRebuildRequest(id: db.lastInsertedRowID, digest: digest, reason: reason, requestedBy: token.name, requestedAt: now)
        }
    }

    // MARK: - Lineage

    /// Sets the base of the image with `digest` (registering the base image when new); throws
    /// `PlanningError.lineageCycle` when the base would make the lineage loop, `StorageError.notFound` when the image
    /// is not tracked.
    public func setBase(digest: String, base: ImageReference) async throws -> StoredImage {
        let now = timestamp
        return try await write { db in
            guard let imageId = try Int64.fetchOne(db, sql: "SELECT id FROM image WHERE digest = ?", arguments: [digest]) else {
                throw StorageError.notFound("image \(digest)")
            }
            if let baseDigest = base.digest {
                let baseRepositoryId = try Self.repositoryID(db, name: base.repository.value, now: now)
                try db.execute(
                    literal: """
                        INSERT INTO image (digest, repositoryId, labels, firstSeen, lastSeen)
                        VALUES (\(baseDigest.value), \(baseRepositoryId), '{}', \(now), \(now))
                        ON CONFLICT (digest) DO NOTHING
                        """)
            }
            try db.execute(
                literal: """
                    UPDATE image SET baseReference = \(base.description), baseRepository = \(base.repository.value),
                        baseDigest = \(base.digest?.value), lastSeen = \(now)
                    WHERE id = \(imageId)
                    """)
            try Self.checkLineage(db, from: digest)
            return try Self.storedImages(db, ids: [imageId])[0]
        }
    }
}
