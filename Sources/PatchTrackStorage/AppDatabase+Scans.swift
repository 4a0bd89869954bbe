import Crypto
import Foundation
import GRDB
import PatchTrackCore

/// What one posted scan did.
public struct ScanIngestResult: Sendable {
    /// The scan's id.
    public var scanID: Int64
    /// The image it describes.
    public var imageDigest: String
    /// The image's repository.
    public var repository: String
    /// Detected format.
    public var format: ScanFormat
    /// The tool that wrote it.
    public var toolName: String?
    /// Its version.
    public var toolVersion: String?
    /// Components stored from it.
    public var componentCount: Int
    /// Components by OSV ecosystem name.
    public var countsByEcosystem: [String: Int]
    /// Scanner verdicts stored from it.
    public var verdictCount: Int
    /// Entries left out, with reasons.
    public var skipped: [ScanDocument.Skipped]
    /// False when the same document had been posted before for this image (only its last-seen time changed).
    public var isNew: Bool
    /// Whether it replaced the image's component set (an older document than the current one does not).
    public var replacedComponents: Bool
}

/// One stored scan, for the history of an image.
public struct StoredScan: Sendable {
    public var id: Int64
    public var format: String
    public var specVersion: String?
    public var toolName: String?
    public var toolVersion: String?
    public var coverage: String
    public var documentCreated: String?
    public var componentCount: Int
    public var verdictCount: Int
    public var countsByEcosystem: [String: Int]
    public var skippedCount: Int
    public var firstSeen: String
    public var lastSeen: String
}

/// One stored component of an image.
public struct StoredComponent: Sendable {
    public var id: Int64
    public var imageDigest: String
    public var purl: String
    public var ecosystem: String
    public var release: String?
    public var name: String
    public var version: String
    public var sourceName: String?
    public var sourceVersion: String?
    public var layerDigest: String?
    public var layerDiffID: String?
}

extension AppDatabase {
    /// Stores one parsed scan document for the image of `registration` in one transaction: registers the image,
    /// records the scan, and (for a new document that is not older than the current one) replaces the image's
    /// component set and scanner verdicts. Posting the same bytes again only moves the scan's last-seen time.
    public func ingestScan(
        contentHash hash: String, document: ScanDocument, normalized: ComponentNormalizer.Output, registration: ImageRegistration
    ) async throws -> ScanIngestResult {
        let skipped = document.skipped + normalized.skipped
        let counts = normalized.components.reduce(into: [String: Int]()) { counts, component in
            counts[Self.ecosystemName(component.ecosystem), default: 0] += 1
        }
        let now = timestamp
        let countsJSON = try Self.json(counts)
        let skippedJSON = try Self.json(skipped.map { ["path": $0.path, "reference": $0.reference ?? "", "reason": $0.reason] })
        let cache = preparedAdvisories
        return try await write { db in
            let (imageId, _) = try Self.upsertImage(db, registration, now: now)
            var result = ScanIngestResult(
                scanID: 0, imageDigest: registration.digest.value, repository: registration.repository.value,
                format: document.format, toolName: document.tool?.name, toolVersion: document.tool?.version,
                componentCount: normalized.components.count, countsByEcosystem: counts,
                verdictCount: document.verdicts.count, skipped: skipped, isNew: true, replacedComponents: false)
            if let existing = try Int64.fetchOne(
                db, sql: "SELECT id FROM scan WHERE imageId = ? AND contentHash = ?", arguments: [imageId, hash])
            {
                try db.execute(sql: "UPDATE scan SET lastSeen = ? WHERE id = ?", arguments: [now, existing])
                result.scanID = existing
                result.isNew = false
                return result
            }
            let coverage = document.coverage.rawValue
            try db.execute(
                sql: """
                    INSERT INTO scan (imageId, format, specVersion, toolName, toolVersion, coverage, documentCreated,
                        contentHash, componentCount, verdictCount, countsByEcosystem, skipped, firstSeen, lastSeen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    imageId, document.format.rawValue, document.specVersion, document.tool?.name, document.tool?.version,
                    coverage, document.createdAt, hash, normalized.components.count, document.verdicts.count, countsJSON,
                    skippedJSON, now, now,
                ])
            let scanId = db.lastInsertedRowID
            result.scanID = scanId
            // A document older than the one that defined the current component set is kept as history only.
            let newestCreated = try String.fetchOne(
                db,
                sql: """
                    SELECT max(documentCreated) FROM scan WHERE imageId = ? AND id <> ? AND coverage = 'inventory'
                    """,
                arguments: [imageId, scanId])
            let isOlder = document.createdAt.map { created in newestCreated.map { created < $0 } ?? false } ?? false
            if document.coverage == .inventory && !isOlder {
                try db.execute(sql: "DELETE FROM component WHERE imageId = ?", arguments: [imageId])
                try Self.insertComponents(db, normalized.components, imageId: imageId, scanId: scanId, skipExisting: false)
                result.replacedComponents = true
            } else if document.coverage == .findingsOnly {
                // Grype lists only vulnerable packages: add those not yet known, keep the rest of the set.
                try Self.insertComponents(db, normalized.components, imageId: imageId, scanId: scanId, skipExisting: true)
            }
            if result.replacedComponents || document.coverage == .findingsOnly {
                try Self.matchImage(db, imageId: imageId, now: now, cache: cache)
            }
            if !document.verdicts.isEmpty || document.format == .trivy || document.format == .grype {
                if !isOlder {
                    try db.execute(sql: "DELETE FROM scannerVerdict WHERE imageId = ?", arguments: [imageId])
                    try Self.insertVerdicts(db, document.verdicts, imageId: imageId, scanId: scanId)
                }
            }
            // Last, after the image's findings are current: the fate of the findings of the images it supersedes.
            if result.replacedComponents {
                try Self.recordFindingFates(db, successorImageId: imageId, now: now)
            }
            return result
        }
    }

    /// The SHA-256 (hex) that identifies a posted document's bytes.
    public static func contentHash(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Scans of the image with `digest`, newest first; nil when the image is unknown.
    public func scans(imageDigest digest: String) async throws -> [StoredScan]? {
        try await pool.read { db in
            guard let imageId = try Int64.fetchOne(db, sql: "SELECT id FROM image WHERE digest = ?", arguments: [digest]) else {
                return nil
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM scan WHERE imageId = ? ORDER BY id DESC", arguments: [imageId]).map { row in
                let skipped = (try? JSONSerialization.jsonObject(with: Data((row["skipped"] as String).utf8)) as? [Any]) ?? []
                let counts = (try? JSONDecoder().decode([String: Int].self, from: Data((row["countsByEcosystem"] as String).utf8))) ?? [:]
                return StoredScan(
                    id: row["id"], format: row["format"], specVersion: row["specVersion"], toolName: row["toolName"],
                    toolVersion: row["toolVersion"], coverage: row["coverage"], documentCreated: row["documentCreated"],
                    componentCount: row["componentCount"], verdictCount: row["verdictCount"], countsByEcosystem: counts,
                    skippedCount: skipped.count, firstSeen: row["firstSeen"], lastSeen: row["lastSeen"])
            }
        }
    }

    /// Components of the image with `digest`, filtered, by id; nil when the image is unknown.
    public func components(
        imageDigest digest: String, ecosystem: String?, name: String?, purlPrefix: String?, after cursor: Int64?, limit: Int
    ) async throws -> Page<StoredComponent>? {
        try await pool.read { db in
            guard let imageId = try Int64.fetchOne(db, sql: "SELECT id FROM image WHERE digest = ?", arguments: [digest]) else {
                return nil
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, ? AS imageDigest FROM component c
                    WHERE c.imageId = ? AND c.id > ?
                      AND (? IS NULL OR lower(c.ecosystem) = lower(?))
                      AND (? IS NULL OR c.name = ?)
                      AND (? IS NULL OR substr(c.purl, 1, length(?)) = ?)
                    ORDER BY c.id LIMIT ?
                    """,
                arguments: [digest, imageId, cursor ?? 0, ecosystem, ecosystem, name, name, purlPrefix, purlPrefix, purlPrefix, limit + 1])
            let items = rows.prefix(limit).map(Self.storedComponent)
            return Page(items: Array(items), nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// Every stored component whose purl has the base `purlBase` (and `version`, when given), across images.
    public func components(purlBase: String, version: String?, after cursor: Int64?, limit: Int) async throws -> Page<StoredComponent> {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, i.digest AS imageDigest FROM component c JOIN image i ON i.id = c.imageId
                    WHERE c.purlBase = ? AND (? IS NULL OR c.version = ?) AND c.id > ?
                    ORDER BY c.id LIMIT ?
                    """,
                arguments: [purlBase, version, version, cursor ?? 0, limit + 1])
            let items = rows.prefix(limit).map(Self.storedComponent)
            return Page(items: Array(items), nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    // MARK: - Steps

    static func insertComponents(_ db: Database, _ components: [Component], imageId: Int64, scanId: Int64, skipExisting: Bool) throws {
        let statement = try db.cachedStatement(
            sql: skipExisting
                ? """
                INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, release, name, version, sourceName,
                    sourceVersion, layerDigest, layerDiffId)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM component WHERE imageId = ?1 AND purl = ?3)
                RETURNING id
                """
                : """
                INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, release, name, version, sourceName,
                    sourceVersion, layerDigest, layerDiffId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var keys: [(componentId: Int64, keys: [MatchKey])] = []
        keys.reserveCapacity(components.count)
        for component in components {
            let purl = component.purl.description
            let arguments: StatementArguments = [
                imageId, scanId, purl, Self.purlBase(canonical: purl),
                Self.ecosystemName(component.ecosystem), component.release.release, component.name, component.version,
                component.sourceName, component.sourceVersion, component.layer?.digest, component.layer?.diffID,
            ]
            let id: Int64?
            if skipExisting {
                id = try Int64.fetchOne(statement, arguments: arguments)
            } else {
                try statement.execute(arguments: arguments)
                id = db.lastInsertedRowID
            }
            if let id { keys.append((id, MatchKey.keys(for: component.ecosystemPackage))) }
        }
        try insertComponentKeys(db, keys)
    }

    static func insertVerdicts(_ db: Database, _ verdicts: [ScanDocument.Verdict], imageId: Int64, scanId: Int64) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO scannerVerdict (imageId, scanId, advisoryId, relatedAdvisoryIds, purl, packageName,
                    installedVersion, fixedVersions, fixState, severity, dataSource, layerDigest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for verdict in verdicts {
            try statement.execute(arguments: [
                imageId, scanId, verdict.advisoryID, try json(verdict.relatedAdvisoryIDs), verdict.packagePURL,
                verdict.packageName, verdict.installedVersion, try json(verdict.fixedVersions), verdict.fixState,
                verdict.severity, verdict.dataSource, verdict.layer?.digest,
            ])
        }
    }

    /// The base of a canonical purl string: everything before the version, qualifiers or subpath. In the canonical
    /// form `@`, `?` and `#` inside type, namespace and name are percent-encoded, so the first one ends the base.
    static func purlBase(canonical purl: String) -> String {
        guard let end = purl.utf8.firstIndex(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return purl
        }
        return String(purl[..<end])
    }

    /// `pkg:type/namespace/name` without version, qualifiers or subpath, canonically encoded.
    public static func purlBase(_ purl: PURL) -> String {
        (try? PURL(type: purl.type, namespace: purl.namespace, name: purl.name, version: nil, qualifiers: [:], subpath: nil))?.description
            ?? purl.description
    }

    static func storedComponent(_ row: Row) -> StoredComponent {
        StoredComponent(
            id: row["id"], imageDigest: row["imageDigest"], purl: row["purl"], ecosystem: row["ecosystem"],
            release: row["release"], name: row["name"], version: row["version"], sourceName: row["sourceName"],
            sourceVersion: row["sourceVersion"], layerDigest: row["layerDigest"], layerDiffID: row["layerDiffId"])
    }

    static func json(_ value: some Encodable) throws -> String {
        try StoredJSON.text(value)
    }
}
