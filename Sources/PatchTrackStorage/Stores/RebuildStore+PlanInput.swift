import Foundation
import PatchTrackCore
import Synchronization

extension RebuildStore {
    /// The plan input as `session`'s snapshot shows it, at `now`, and the write generation of that snapshot: the state kept in `cache` with the images changed
    /// since its generation loaded again (``GenerationStore/imagesChanged(_:after:upTo:)``), or everything loaded when
    /// there is no state, the log was pruned past it, or a write changed every image.
    static func loadPlanInput(
        _ session: any SQLSession, now: Date, cache: PlanInputCache?
    ) throws -> (input: RebuildPlanInput, generation: Int) {
        let generation = try GenerationStore.read(session).writes
        var state: PlanInputState
        // Taken out of the cache while patched: a copy left there would make the patch copy every dictionary.
        if let kept = cache?.take(), kept.generation <= generation,
            let changed = try GenerationStore.imagesChanged(session, after: kept.generation, upTo: generation)
        {
            state = kept
            if !changed.isEmpty { try state.reload(session, imageIds: changed) }
            state.generation = generation
        } else {
            state = try PlanInputState(session, generation: generation)
        }
        cache?.keep(state)
        let policy = try PolicyStore.loadPolicy(session).rebuildPolicy
        let input = RebuildPlanInput(
            images: Array(state.images.values), tagHeads: state.tagHeads, findings: state.findings,
            requests: state.requests, signatures: state.signatures, policy: policy, now: now)
        return (input, generation)
    }
}

/// The plan input kept by a process between plans, by image id, so that a write's changes are loaded instead of
/// everything (10,000 images with 50,000 findings take about 300 ms to load).
struct PlanInputState: Sendable {
    /// The write generation the state shows.
    var generation: Int
    /// The images that count (tagged and not superseded), by image id.
    var images: [Int64: PlanImage] = [:]
    /// Every tagged image's digest and tags (in any repository), by image id: the tag heads come from these.
    var tagged: [Int64: (digest: Digest, tags: [RepositoryTag])] = [:]
    /// The digest each tag points to.
    var tagHeads: [RepositoryTag: Digest] = [:]
    /// The counted images' planning findings, by digest.
    var findings: [Digest: [PlanFinding]] = [:]
    /// The counted images' open rebuild requests, by digest.
    var requests: [Digest: [RebuildRequest]] = [:]
    /// Signature states of the images that were checked (tracked or not: bases), by digest.
    var signatures: [Digest: SignatureState] = [:]

    /// Everything, as `session` shows it.
    init(_ session: any SQLSession, generation: Int) throws {
        self.generation = generation
        try loadSignatures(session, only: nil)
        try load(session, only: nil)
    }

    /// The signature states of the images `only` (every checked image when nil), replacing what the state held.
    private mutating func loadSignatures(_ session: any SQLSession, only ids: [Int64]?) throws {
        let filter: SQLStatement = ids.map { "WHERE i.id IN \(set: $0)" } ?? ""
        if let ids {
            try session.forEachRow("SELECT digest FROM image WHERE id IN \(set: ids)") { row in
                if let digest = try? Digest(parsing: try row.decode(0, as: String.self)) { signatures[digest] = nil }
            }
        }
        try session.forEachRow("SELECT i.digest, s.state FROM imageSignature s JOIN image i ON i.id = s.imageId \(filter)") { row in
            if let digest = try? Digest(parsing: try row.decode(0, as: String.self)), let state = SignatureState(rawValue: try row.decode(1)) {
                signatures[digest] = state
            }
        }
    }

    /// Loads again the images `imageIds` and the images built on them (a base's components decide its children's
    /// layer origins).
    mutating func reload(_ session: any SQLSession, imageIds: Set<Int64>) throws {
        var ids = imageIds
        try session.forEachRow(
            """
            SELECT c.id FROM image c JOIN image p ON p.digest = c.baseDigest WHERE p.id IN \(set: imageIds.sorted())
            """
        ) { row in ids.insert(try row.decode(0, as: Int64.self)) }
        // An index's platform manifests count while the index is tagged: a tag move changes theirs too.
        try session.forEachRow(
            "SELECT imageId FROM imageIndexEntry WHERE indexImageId IN \(set: imageIds.sorted())"
        ) { row in ids.insert(try row.decode(0, as: Int64.self)) }
        for id in ids {
            if let old = tagged.removeValue(forKey: id) {
                for tag in old.tags where tagHeads[tag] == old.digest { tagHeads[tag] = nil }
            }
            if let old = images.removeValue(forKey: id) {
                findings[old.digest] = nil
                requests[old.digest] = nil
            }
        }
        try loadSignatures(session, only: ids.sorted())
        try load(session, only: ids.sorted())
    }

    /// Loads the images `only` (every image when nil) into the state, which holds none of them.
    private mutating func load(_ session: any SQLSession, only ids: [Int64]?) throws {
        // Stored repository names are canonical (written as `RepositoryName.value`).
        func repositoryName(_ text: String) -> RepositoryName? { RepositoryName(canonical: text) }
        let onlyTags: SQLStatement = ids.map { "WHERE t.imageId IN \(set: $0)" } ?? ""
        var tagsByImage: [Int64: [(repository: String, tag: String)]] = [:]
        try session.forEachRow(
            """
            SELECT r.name AS repository, t.name AS tag, t.imageId, i.digest FROM tag t
            JOIN repository r ON r.id = t.repositoryId JOIN image i ON i.id = t.imageId \(onlyTags)
            """
        ) { row in
            let repository = try row.decode(0, as: String.self)
            let tag = try row.decode(1, as: String.self)
            let imageId = try row.decode(2, as: Int64.self)
            tagsByImage[imageId, default: []].append((repository, tag))
            if let name = repositoryName(repository), let digest = try? Digest(parsing: try row.decode(3, as: String.self)) {
                let repositoryTag = RepositoryTag(repository: name, tag: tag)
                tagHeads[repositoryTag] = digest
                tagged[imageId, default: (digest, [])].tags.append(repositoryTag)
            }
        }

        // Images that count, with their bases.
        let onlyImages: SQLStatement = ids.map { "AND i.id IN \(set: $0)" } ?? ""
        var digestByImage: [Int64: Digest] = [:]
        var baseDigestByImage: [Int64: String] = [:]
        try session.forEachRow(
            """
            SELECT i.id, i.digest, r.name AS repository, i.created, i.baseReference, i.baseRepository, i.baseDigest
            FROM image i JOIN repository r ON r.id = i.repositoryId
            WHERE i.id IN \(RegistryStore.trackedImageIds)
              AND NOT EXISTS (SELECT 1 FROM supersession s WHERE s.imageId = i.id) \(onlyImages)
            """
        ) { row in
            let id = try row.decode(0, as: Int64.self)
            guard let digest = try? Digest(parsing: try row.decode(1, as: String.self)),
                let repository = repositoryName(try row.decode(2, as: String.self))
            else { return }
            let tags = (tagsByImage[id] ?? []).filter { $0.repository == repository.value }.map(\.tag)
            let created = (try row.decode(3, as: String?.self)).flatMap(Timestamp.parse)
            let baseDigest = try row.decode(6, as: String?.self)
            let base = RebuildStore.baseReference(
                reference: try row.decode(4, as: String?.self), repository: try row.decode(5, as: String?.self),
                digest: baseDigest, repositoryName: repositoryName)
            images[id] = PlanImage(digest: digest, repository: repository, tags: tags, created: created, base: base)
            digestByImage[id] = digest
            if let baseDigest { baseDigestByImage[id] = baseDigest }
        }
        guard !digestByImage.isEmpty else { return }

        let loaded = try RebuildStore.loadPlanFindings(
            session, only: ids.map { _ in digestByImage.keys.sorted() }, digestByImage: digestByImage,
            baseDigestByImage: baseDigestByImage)
        findings.merge(loaded) { _, new in new }

        let onlyRequests: SQLStatement = ids.map { _ in "AND q.imageId IN \(set: digestByImage.keys.sorted())" } ?? ""
        try session.forEachRow(
            """
            SELECT q.imageId, q.requestedBy, q.reason, q.requestedAt FROM rebuildRequest q
            WHERE q.closedAt IS NULL \(onlyRequests) ORDER BY q.id
            """
        ) { row in
            guard let digest = digestByImage[try row.decode(0, as: Int64.self)],
                let requestedAt = Timestamp.parse(try row.decode(3, as: String.self))
            else { return }
            requests[digest, default: []].append(
                RebuildRequest(requestedBy: try row.decode(1), reason: try row.decode(2), requestedAt: requestedAt))
        }
    }
}

extension RebuildStore {
    /// The base as an image reference: repository and tag from the stored reference, digest from the stored digest.
    /// The stored reference is canonical (`repository[:tag][@digest]`, see ``ImageReference/description``), so when
    /// it starts with the stored repository the tag is read off without parsing the repository again.
    fileprivate static func baseReference(
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

    /// Open findings of the counted images (`digestByImage`; those of `only` when set), one per vulnerability and
    /// package (the most severe of the records that found it), with VEX suppression (``VEXStore/suppressedFindings(_:among:)``,
    /// the Core rule: suppressed when every merged record is) and the layer origin from the base image's layers.
    fileprivate static func loadPlanFindings(
        _ session: any SQLSession, only ids: [Int64]?, digestByImage: [Int64: Digest], baseDigestByImage: [Int64: String]
    ) throws -> [Digest: [PlanFinding]] {
        // In the unique index's order (image, purl): the records of one package in one image come together, so
        // merging the advisories of one vulnerability needs no dictionary. Columns by position: 50,000 rows.
        let onlyFindings: SQLStatement = ids.map { "AND f.imageId IN \(set: $0)" } ?? ""
        let statement: SQLStatement = """
            SELECT f.id, f.imageId, f.purl, f.vulnerabilityId, f.packageName, f.installedVersion, f.fixedVersion,
                f.severityLevel, f.layerDigest
            FROM finding f
            WHERE f.state = 'open' AND f.imageId IN \(RegistryStore.trackedImageIds) \(onlyFindings)
            ORDER BY f.imageId, f.purl
            """
        var merged: [(imageId: Int64, finding: PlanFinding, layerDigest: String?, records: [Int64])] = []
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
            let record = try row.decode(0, as: Int64.self)
            let finding = PlanFinding(
                advisoryID: try row.decode(3), package: try row.decode(4), installedVersion: try row.decode(5),
                fixedVersion: try row.decode(6), severity: SeverityLevel(rawValue: try row.decode(7)) ?? .unknown)
            let layerDigest = try row.decode(8, as: String?.self)
            if let index = merged[runStart...].firstIndex(where: {
                $0.finding.advisoryID == finding.advisoryID && $0.finding.package == finding.package
                    && $0.finding.installedVersion == finding.installedVersion
            }) {
                merged[index].finding.severity = max(merged[index].finding.severity, finding.severity)
                merged[index].finding.fixedVersion = merged[index].finding.fixedVersion ?? finding.fixedVersion
                merged[index].layerDigest = merged[index].layerDigest ?? layerDigest
                merged[index].records.append(record)
            } else {
                merged.append((imageId, finding, layerDigest, [record]))
            }
        }
        let suppressed = try VEXStore.suppressedFindings(session, among: ids.map { _ in merged.flatMap(\.records) })

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

        let signals = try ExploitSignalReads.signals(session, vulnerabilityIds: Set(merged.map(\.finding.advisoryID)).sorted())
        var findings: [Digest: [PlanFinding]] = [:]
        for (imageId, finding, layerDigest, records) in merged {
            guard let digest = digestByImage[imageId] else { continue }
            var planned = finding
            planned.suppressedByVEX = records.allSatisfy(suppressed.contains)
            if let known = signals[finding.advisoryID] {
                planned.kev = known.kev != nil
                planned.epss = known.epss?.score
            }
            if let layerDigest, let base = baseDigestByImage[imageId], let layers = baseLayers[base] {
                planned.layerOrigin = layers.contains(layerDigest) ? .base : .image
            }
            findings[digest, default: []].append(planned)
        }
        return findings
    }
}

/// One process's kept plan input (``PlanInputState``): the newest generation loaded wins.
public final class PlanInputCache: Sendable {
    private let kept = Mutex<PlanInputState?>(nil)

    /// An empty cache.
    public init() {}

    /// The kept state, leaving none (a concurrent plan loads the input whole).
    func take() -> PlanInputState? { kept.withLock { $0.take() } }

    func keep(_ state: PlanInputState) {
        kept.withLock { kept in
            if (kept?.generation ?? -1) <= state.generation { kept = state }
        }
    }
}
