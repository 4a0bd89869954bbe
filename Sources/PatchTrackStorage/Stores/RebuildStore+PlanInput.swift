import Foundation
import PatchTrackCore

extension RebuildStore {
    /// The plan input as `session`'s snapshot shows it, at `now`.
    static func loadPlanInput(_ session: any SQLSession, now: Date) throws -> RebuildPlanInput {
        // Tags: every head (for base tags), and the tags of each image in its own repository.
        var tagHeads: [RepositoryTag: Digest] = [:]
        var tagsByImage: [Int64: [(repository: String, tag: String)]] = [:]
        // Stored repository names are canonical (written as `RepositoryName.value`).
        func repositoryName(_ text: String) -> RepositoryName? { RepositoryName(canonical: text) }
        try session.forEachRow(
            """
            SELECT r.name AS repository, t.name AS tag, t.imageId, i.digest FROM tag t
            JOIN repository r ON r.id = t.repositoryId JOIN image i ON i.id = t.imageId
            """
        ) { row in
            let repository = try row.decode(0, as: String.self)
            let tag = try row.decode(1, as: String.self)
            tagsByImage[try row.decode(2, as: Int64.self), default: []].append((repository, tag))
            if let name = repositoryName(repository), let digest = try? Digest(parsing: try row.decode(3, as: String.self)) {
                tagHeads[RepositoryTag(repository: name, tag: tag)] = digest
            }
        }

        // Images that count, with their bases.
        var images: [PlanImage] = []
        var digestByImage: [Int64: Digest] = [:]
        var baseDigestByImage: [Int64: String] = [:]
        try session.forEachRow(
            """
            SELECT i.id, i.digest, r.name AS repository, i.created, i.baseReference, i.baseRepository, i.baseDigest
            FROM image i JOIN repository r ON r.id = i.repositoryId
            WHERE i.id IN (SELECT imageId FROM tag)
              AND NOT EXISTS (SELECT 1 FROM supersession s WHERE s.imageId = i.id)
            """
        ) { row in
            let id = try row.decode(0, as: Int64.self)
            guard let digest = try? Digest(parsing: try row.decode(1, as: String.self)),
                let repository = repositoryName(try row.decode(2, as: String.self))
            else { return }
            let tags = (tagsByImage[id] ?? []).filter { $0.repository == repository.value }.map(\.tag)
            let created = (try row.decode(3, as: String?.self)).flatMap(Timestamp.parse)
            let baseDigest = try row.decode(6, as: String?.self)
            let base = Self.baseReference(
                reference: try row.decode(4, as: String?.self), repository: try row.decode(5, as: String?.self),
                digest: baseDigest, repositoryName: repositoryName)
            images.append(PlanImage(digest: digest, repository: repository, tags: tags, created: created, base: base))
            digestByImage[id] = digest
            if let baseDigest { baseDigestByImage[id] = baseDigest }
        }

        let findings = try loadPlanFindings(session, digestByImage: digestByImage, baseDigestByImage: baseDigestByImage)

        var requests: [Digest: [RebuildRequest]] = [:]
        let requestRows = try session.fetchAll(
            """
            SELECT q.imageId, q.requestedBy, q.reason, q.requestedAt FROM rebuildRequest q
            WHERE q.closedAt IS NULL ORDER BY q.id
            """)
        for row in requestRows {
            guard let digest = digestByImage[try row.decode(0, as: Int64.self)],
                let requestedAt = Timestamp.parse(try row.decode(3, as: String.self))
            else { continue }
            requests[digest, default: []].append(
                RebuildRequest(requestedBy: try row.decode(1), reason: try row.decode(2), requestedAt: requestedAt))
        }

        let policy = try PolicyStore.loadPolicy(session).rebuildPolicy
        return RebuildPlanInput(
            images: images, tagHeads: tagHeads, findings: findings, requests: requests, policy: policy, now: now)
    }

    /// The base as an image reference: repository and tag from the stored reference, digest from the stored digest.
    /// The stored reference is canonical (`repository[:tag][@digest]`, see ``ImageReference/description``), so when
    /// it starts with the stored repository the tag is read off without parsing the repository again.
    private static func baseReference(
        reference: String?, repository repositoryText: String?, digest digestText: String?,
        repositoryName: (String) -> RepositoryName?
    ) -> ImageReference? {
        let digest = digestText.flatMap { try? Digest(parsing: $0) }
        if let reference, let repositoryText, let repository = repositoryName(repositoryText),
            reference.hasPrefix(repositoryText),
            reference.utf8.count == repositoryText.utf8.count
                || reference.dropFirst(repositoryText.count).first.map({ $0 == ":" || $0 == "@" }) == true
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
    /// found it), with VEX suppression (``VEXStore/suppressedFindings(_:)``, the Core rule) and the layer origin from the base image's layers.
    private static func loadPlanFindings(
        _ session: any SQLSession, digestByImage: [Int64: Digest], baseDigestByImage: [Int64: String]
    ) throws -> [Digest: [PlanFinding]] {
        let suppressed = try VEXStore.suppressedFindings(session)
        // In the unique index's order (image, purl): the records of one package in one image come together, so
        // merging the advisories of one vulnerability needs no dictionary. Columns by position: 50,000 rows.
        let statement: SQLStatement = """
            SELECT f.id, f.imageId, f.purl, f.vulnerabilityId, f.packageName, f.installedVersion, f.fixedVersion,
                f.severityLevel, f.layerDigest
            FROM finding f
            WHERE f.state = 'open' AND f.imageId IN (SELECT imageId FROM tag)
            ORDER BY f.imageId, f.purl
            """
        var merged: [(imageId: Int64, finding: PlanFinding, layerDigest: String?)] = []
        var runStart = 0
        var runImage: Int64 = -1
        var runPURL = ""
        try session.forEachRow(statement) { row in
            let imageId = try row.decode(1, as: Int64.self)
            guard digestByImage[imageId] != nil else { return }
            let purl = try row.decode(2, as: String.self)
            if imageId != runImage || purl != runPURL {
                runStart = merged.count
                runImage = imageId
                runPURL = purl
            }
            let finding = PlanFinding(
                advisoryID: try row.decode(3), package: try row.decode(4), installedVersion: try row.decode(5),
                fixedVersion: try row.decode(6), severity: SeverityLevel(rawValue: try row.decode(7)) ?? .unknown,
                suppressedByVEX: suppressed.contains(try row.decode(0, as: Int64.self)))
            let layerDigest = try row.decode(8, as: String?.self)
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
            try session.forEachRow(
                """
                SELECT DISTINCT i.digest, c.layerDigest FROM image i JOIN component c ON c.imageId = i.id
                WHERE i.digest IN \(set: Array(baseDigests).sorted()) AND c.layerDigest IS NOT NULL
                """
            ) { row in
                baseLayers[try row.decode(0, as: String.self), default: []].insert(try row.decode(1, as: String.self))
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
}
