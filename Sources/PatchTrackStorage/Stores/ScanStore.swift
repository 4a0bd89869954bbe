import Crypto
import Foundation
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

/// Scans (every document posted for an image), the image's current component set and its scanners' verdicts.
/// Ingesting a scan matches it (``Matching``) in the same transaction. Written once for both engines.
public struct ScanStore: Sendable {
    let context: StoreContext
    /// Advisories parsed for matching, shared by the stores of one process.
    let cache: PreparedAdvisoryCache

    /// Wraps an executor; `now` stamps scans and findings.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(executor: executor, now: now, cache: PreparedAdvisoryCache())
    }

    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date, cache: PreparedAdvisoryCache) {
        context = StoreContext(executor: executor, now: now)
        self.cache = cache
    }

    /// Stores one parsed scan document for the image of `registration` in one transaction: registers the image,
    /// records the scan, and (for a new document that is not older than the current one) replaces the image's
    /// component set and scanner verdicts. Posting the same bytes again only moves the scan's last-seen time.
    public func ingest(
        contentHash hash: String, document: ScanDocument, normalized: ComponentNormalizer.Output, registration: ImageRegistration
    ) async throws -> ScanIngestResult {
        let skipped = document.skipped + normalized.skipped
        let counts = normalized.components.reduce(into: [String: Int]()) { counts, component in
            counts[Matching.ecosystemName(component.ecosystem), default: 0] += 1
        }
        let now = context.timestamp
        let countsJSON = try StoredJSON.text(counts)
        let skippedJSON = try StoredJSON.text(skipped.map { ["path": $0.path, "reference": $0.reference ?? "", "reason": $0.reason] })
        let cache = self.cache
        return try await context.generations.write(imageChanges: .declared) { session in
            // First: scans and advisories matched by other processes are committed before anything here is read.
            try session.serialize(on: .matching)
            let (imageId, _) = try RegistryStore.upsertImage(session, registration, now: now)
            var result = ScanIngestResult(
                scanID: 0, imageDigest: registration.digest.value, repository: registration.repository.value,
                format: document.format, toolName: document.tool?.name, toolVersion: document.tool?.version,
                componentCount: normalized.components.count, countsByEcosystem: counts,
                verdictCount: document.verdicts.count, skipped: skipped, isNew: true, replacedComponents: false)
            if let existing = try session.fetchValue(
                "SELECT id FROM scan WHERE imageId = \(imageId) AND contentHash = \(hash)", as: Int64.self)
            {
                try session.execute("UPDATE scan SET lastSeen = \(now) WHERE id = \(existing)")
                result.scanID = existing
                result.isNew = false
                return result
            }
            guard let scanId = try session.fetchValue(
                """
                INSERT INTO scan (imageId, format, specVersion, toolName, toolVersion, coverage, documentCreated,
                    contentHash, componentCount, verdictCount, countsByEcosystem, skipped, firstSeen, lastSeen)
                VALUES (\(imageId), \(document.format.rawValue), \(document.specVersion), \(document.tool?.name),
                    \(document.tool?.version), \(document.coverage.rawValue), \(document.createdAt), \(hash),
                    \(normalized.components.count), \(document.verdicts.count), \(countsJSON), \(skippedJSON), \(now), \(now))
                ON CONFLICT (imageId, contentHash) DO NOTHING
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("the scan of \(registration.digest) was not stored") }
            result.scanID = scanId
            // A document older than the one that defined the current component set is kept as history only.
            let newestCreated = try session.fetchValue(
                """
                SELECT max(documentCreated) FROM scan WHERE imageId = \(imageId) AND id <> \(scanId) AND coverage = 'inventory'
                """, as: String.self)
            let isOlder = document.createdAt.map { created in newestCreated.map { created < $0 } ?? false } ?? false
            if document.coverage == .inventory && !isOlder {
                try session.execute("DELETE FROM component WHERE imageId = \(imageId)")
                try Self.insertComponents(session, normalized.components, imageId: imageId, scanId: scanId, skipExisting: false)
                result.replacedComponents = true
            } else if document.coverage == .findingsOnly {
                // Grype lists only vulnerable packages: add those not yet known, keep the rest of the set.
                try Self.insertComponents(session, normalized.components, imageId: imageId, scanId: scanId, skipExisting: true)
            }
            if result.replacedComponents || document.coverage == .findingsOnly {
                try Matching.matchImage(session, imageId: imageId, now: now, cache: cache)
            }
            if !document.verdicts.isEmpty || document.format == .trivy || document.format == .grype {
                if !isOlder {
                    try session.execute("DELETE FROM scannerVerdict WHERE imageId = \(imageId)")
                    try Self.insertVerdicts(session, document.verdicts, imageId: imageId, scanId: scanId)
                }
            }
            // Last, after the image's findings are current: the fate of the findings of the images it supersedes.
            if result.replacedComponents {
                try BuildStore.recordFindingFates(session, successorImageId: imageId, now: now)
            }
            return result
        }
    }

    /// The SHA-256 (hex) that identifies a posted document's bytes.
    public static func contentHash(of data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: - Reads

    /// Scans of the image with `digest`, newest first; nil when the image is unknown.
    public func scans(imageDigest digest: String) async throws -> [StoredScan]? {
        try await context.executor.read { session in
            guard let imageId = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                return nil
            }
            return try session.fetchAll(
                """
                SELECT id, format, specVersion, toolName, toolVersion, coverage, documentCreated, componentCount,
                    verdictCount, countsByEcosystem, skipped, firstSeen, lastSeen
                FROM scan WHERE imageId = \(imageId) ORDER BY id DESC
                """
            ).map { row in
                let skippedText = try row.decode("skipped", as: String.self)
                let countsText = try row.decode("countsByEcosystem", as: String.self)
                let skipped = (try? JSONSerialization.jsonObject(with: Data(skippedText.utf8)) as? [Any]) ?? []
                let counts = (try? JSONDecoder().decode([String: Int].self, from: Data(countsText.utf8))) ?? [:]
                return StoredScan(
                    id: try row.decode("id"), format: try row.decode("format"), specVersion: try row.decode("specVersion"),
                    toolName: try row.decode("toolName"), toolVersion: try row.decode("toolVersion"),
                    coverage: try row.decode("coverage"), documentCreated: try row.decode("documentCreated"),
                    componentCount: try row.decode("componentCount"), verdictCount: try row.decode("verdictCount"),
                    countsByEcosystem: counts, skippedCount: skipped.count, firstSeen: try row.decode("firstSeen"),
                    lastSeen: try row.decode("lastSeen"))
            }
        }
    }

    /// Components of the image with `digest`, filtered, by id; nil when the image is unknown.
    public func components(
        imageDigest digest: String, ecosystem: String?, name: String?, purlPrefix: String?, after cursor: Int64?, limit: Int
    ) async throws -> Page<StoredComponent>? {
        try await context.executor.read { session in
            guard let imageId = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                return nil
            }
            let rows = try session.fetchAll(
                """
                SELECT \(Self.componentColumns), i.digest AS imageDigest FROM component c JOIN image i ON i.id = c.imageId
                WHERE c.imageId = \(imageId) AND c.id > \(cursor ?? 0)
                  AND (\(ecosystem) IS NULL OR lower(c.ecosystem) = lower(\(ecosystem)))
                  AND (\(name) IS NULL OR c.name = \(name))
                  AND (\(purlPrefix) IS NULL OR substr(c.purl, 1, length(\(purlPrefix))) = \(purlPrefix))
                ORDER BY c.id LIMIT \(limit + 1)
                """)
            let items = try rows.prefix(limit).map(Self.storedComponent)
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// Every stored component whose purl has the base `purlBase` (and `version`, when given), across images. Pages
    /// come in id order straight from `component_on_purlBase_id`, which carries the version: a page costs its rows,
    /// however many images carry the package.
    public func components(purlBase: String, version: String?, after cursor: Int64?, limit: Int) async throws -> Page<StoredComponent> {
        try await context.executor.read { session in
            let rows = try session.fetchAll(
                """
                SELECT \(Self.componentColumns), i.digest AS imageDigest FROM component c JOIN image i ON i.id = c.imageId
                WHERE c.purlBase = \(purlBase) AND c.id > \(cursor ?? 0) AND (\(version) IS NULL OR c.version = \(version))
                ORDER BY c.id LIMIT \(limit + 1)
                """)
            let items = try rows.prefix(limit).map(Self.storedComponent)
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }
}
