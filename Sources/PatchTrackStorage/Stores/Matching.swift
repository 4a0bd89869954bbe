import Foundation
import PatchTrackCore

/// Matching inside write transactions: a scan's components against every stored advisory, and advisories against
/// every stored component. Candidates come from equal match keys (`componentKey` ⋈ `advisoryKey`, indexed on both
/// sides); Core's ``FindingDecision`` decides; findings are reconciled so that a finding no longer produced is
/// resolved (kept, with its dates, for time-to-patch), never deleted (``Matching+Findings``).
///
/// Every write transaction that matches takes ``TransactionLock/matching`` first (``ScanStore``, ``AdvisoryStore``),
/// so a scan and an advisory ingested at once on two replicas each see what the other committed: no finding is
/// missed by write skew.
enum Matching {
    /// A stored component as the matcher needs it.
    struct Candidate: FindingDecision.Candidate {
        let componentId: Int64
        let imageId: Int64
        let purl: String
        let ecosystem: String
        let name: String
        let version: String
        let layerDigest: String?
        let package: EcosystemPackage
    }

    /// A stored advisory, prepared for matching.
    struct PreparedAdvisory: FindingDecision.Advisory {
        let id: Int64
        let matcher: AdvisoryMatcher
        let scheme: VersionSchemeID?
        let severityLevel: String
        let vulnerabilityId: String
    }

    /// What matching says one (image, package, advisory) is.
    struct DesiredFinding {
        let candidate: Candidate
        let advisory: PreparedAdvisory
        let fixedVersion: String?
    }

    // MARK: - Stored names

    /// The ecosystem name stored with a component: the one match keys use (OSV name, else the table's short name),
    /// or `unsupported:<name>`.
    static func ecosystemName(_ ecosystem: Ecosystem) -> String {
        MatchKey.keyName(of: ecosystem) ?? "unsupported:\(ecosystem.osvName ?? "")"
    }

    /// The ecosystem of a stored name (see ``ecosystemName(_:)``).
    static func ecosystem(storedName name: String) -> Ecosystem {
        let fromOSV = EcosystemRelease(osvEcosystem: name).ecosystem
        return fromOSV.isSupported ? fromOSV : Ecosystem(shortName: name)
    }

    // MARK: - Keys

    /// Inserts the match keys of freshly inserted components.
    static func insertComponentKeys(_ session: any SQLSession, _ keys: [(componentId: Int64, keys: [MatchKey])]) throws {
        var batch = SQLBatchInsert(into: "componentKey", columns: ["componentId", "matchKey"], tail: "ON CONFLICT DO NOTHING")
        batch.reserveCapacity(keys.count)
        for (componentId, componentKeys) in keys {
            for key in componentKeys { batch.append(componentId, key.value) }
        }
        try session.insert(batch)
    }

    // MARK: - Candidates

    /// The columns of a candidate, as `candidate(_:at:ecosystems:)` reads them from `offset` on.
    private static let candidateColumns: SQLStatement = """
        c.id, c.imageId, c.purl, c.ecosystem, c.release, c.name, c.version, c.sourceName, c.sourceVersion, c.layerDigest
        """

    /// The components of one image.
    static func candidates(_ session: any SQLSession, imageId: Int64) throws -> [Candidate] {
        var ecosystems: [String: Ecosystem] = [:]
        var candidates: [Candidate] = []
        try session.forEachRow("SELECT \(candidateColumns) FROM component c WHERE c.imageId = \(imageId)") { row in
            candidates.append(try candidate(row, at: 0, ecosystems: &ecosystems))
        }
        return candidates
    }

    /// The components listed under each of `matchKeys`: every component once, and for each key the positions of its
    /// components (by component id), read in a few queries for all keys, each row read in place.
    static func candidates(
        _ session: any SQLSession, matchKeys: [String]
    ) throws -> (candidates: [Candidate], positionsByKey: [String: [Int]]) {
        var candidates: [Candidate] = []
        var positionOfComponent: [Int64: Int] = [:]
        var listed: [String: [(componentId: Int64, position: Int)]] = [:]
        var ecosystems: [String: Ecosystem] = [:]
        // The rows of one key come together (the key's index lists them): its entries are gathered apart and filed
        // once the key changes, not looked up by key for every row.
        var currentKey: String?
        var current: [(componentId: Int64, position: Int)] = []
        func file() {
            guard let key = currentKey, !current.isEmpty else { return }
            listed[key, default: []].append(contentsOf: current)
            current.removeAll(keepingCapacity: true)
        }
        // Chunks of keys bound the rows held at once (a popular key lists a component of most images).
        let chunk = 200
        for start in stride(from: 0, to: matchKeys.count, by: chunk) {
            let keys = Array(matchKeys[start..<min(start + chunk, matchKeys.count)])
            try session.forEachRow(
                """
                SELECT ck.matchKey, \(candidateColumns)
                FROM componentKey ck JOIN component c ON c.id = ck.componentId
                WHERE ck.matchKey IN \(set: keys)
                """
            ) { row in
                let key = try row.decode(0, as: String.self)
                if key != currentKey {
                    file()
                    currentKey = key
                }
                let componentId = try row.decode(1, as: Int64.self)
                let position: Int
                if let known = positionOfComponent[componentId] {
                    position = known
                } else {
                    position = candidates.count
                    positionOfComponent[componentId] = position
                    candidates.append(try candidate(row, at: 1, ecosystems: &ecosystems))
                }
                current.append((componentId, position))
            }
        }
        file()
        // Each key's components in id order, as the key's index lists them.
        let positionsByKey = listed.mapValues { entries in entries.sorted { $0.componentId < $1.componentId }.map(\.position) }
        return (candidates, positionsByKey)
    }

    /// The candidate in `row`, its columns (``candidateColumns``) starting at `offset`.
    private static func candidate(_ row: SQLRowReader, at offset: Int, ecosystems: inout [String: Ecosystem]) throws -> Candidate {
        let ecosystemText = try row.decode(offset + 3, as: String.self)
        let ecosystem = ecosystems[ecosystemText] ?? {
            let value = Self.ecosystem(storedName: ecosystemText)
            ecosystems[ecosystemText] = value
            return value
        }()
        let release = try row.decode(offset + 4, as: String?.self)
        let name = try row.decode(offset + 5, as: String.self)
        let version = try row.decode(offset + 6, as: String.self)
        let sourceName = try row.decode(offset + 7, as: String?.self)
        let sourceVersion = try row.decode(offset + 8, as: String?.self)
        // Advisories keyed by source package list source versions (see Component+Matching).
        var matchVersion = version
        if ecosystem.advisoryKey == .sourcePackage, let sourceVersion, !sourceVersion.isEmpty { matchVersion = sourceVersion }
        return Candidate(
            componentId: try row.decode(offset, as: Int64.self), imageId: try row.decode(offset + 1, as: Int64.self),
            purl: try row.decode(offset + 2, as: String.self), ecosystem: ecosystemText, name: name, version: version,
            layerDigest: try row.decode(offset + 9, as: String?.self),
            package: EcosystemPackage(
                release: EcosystemRelease(ecosystem: ecosystem, release: release), name: name, sourceName: sourceName,
                version: matchVersion))
    }

    /// Advisories sharing a key with any component of `imageId`, prepared: parsed records come from `cache` when
    /// their `updatedAt` is unchanged; only the others are read and decoded, a chunk of records per query.
    static func candidateAdvisories(_ session: any SQLSession, imageId: Int64, cache: PreparedAdvisoryCache) throws -> [PreparedAdvisory] {
        let rows = try session.fetchAll(
            """
            SELECT a.id, a.updatedAt, a.severityLevel, a.vulnerabilityId FROM advisory a
            WHERE a.id IN (SELECT ak.advisoryId FROM component c JOIN componentKey ck ON ck.componentId = c.id
                           JOIN advisoryKey ak ON ak.matchKey = ck.matchKey WHERE c.imageId = \(imageId))
              AND a.withdrawn IS NULL
            """)
        var prepared: [PreparedAdvisory] = []
        prepared.reserveCapacity(rows.count)
        var missing: [Int64: SQLRow] = [:]
        let cached = cache.matchers(try rows.map { (try $0.decode(0, as: Int64.self), try $0.decode(1, as: String.self)) })
        for row in rows {
            let id = try row.decode(0, as: Int64.self)
            if let matcher = cached[id] {
                prepared.append(
                    PreparedAdvisory(
                        id: id, matcher: matcher.matcher, scheme: matcher.scheme, severityLevel: try row.decode(2),
                        vulnerabilityId: try row.decode(3)))
            } else {
                missing[id] = row
            }
        }
        let decoder = JSONDecoder()
        let ids = Array(missing.keys)
        let chunk = 1_000
        for start in stride(from: 0, to: ids.count, by: chunk) {
            let records = try session.fetchAll(
                "SELECT id, record FROM advisory WHERE id IN \(set: Array(ids[start..<min(start + chunk, ids.count)]))")
            for record in records {
                let id = try record.decode(0, as: Int64.self)
                guard let row = missing[id] else { continue }
                let decoded = try decoder.decode(OSVRecord.self, from: Data(try record.decode(1, as: String.self).utf8))
                let advisory = prepare(id: id, record: decoded, severityLevel: try row.decode(2), vulnerabilityId: try row.decode(3))
                cache.store(id: id, updatedAt: try row.decode(1), matcher: advisory.matcher, scheme: advisory.scheme)
                prepared.append(advisory)
            }
        }
        return prepared
    }

    /// A record prepared for matching.
    static func prepare(id: Int64, record: OSVRecord, severityLevel: String, vulnerabilityId: String) -> PreparedAdvisory {
        let scheme = record.affected.lazy.map { EcosystemRelease(osvEcosystem: $0.package.ecosystem).ecosystem.scheme }.first { $0 != nil } ?? nil
        return PreparedAdvisory(
            id: id, matcher: AdvisoryMatcher(record), scheme: scheme, severityLevel: severityLevel, vulnerabilityId: vulnerabilityId)
    }

    // MARK: - Deciding

    /// Every (candidate, advisory) pair sharing a key that Core's ``FindingDecision`` says is a finding.
    static func decide(_ candidates: [Candidate], _ advisories: [PreparedAdvisory]) -> [DesiredFinding] {
        FindingDecision.affected(advisories, candidates).map { pair in
            DesiredFinding(
                candidate: candidates[pair.affected.candidate], advisory: advisories[pair.advisory],
                fixedVersion: pair.affected.fixedVersion)
        }
    }

    // MARK: - Matching

    /// Matches every component of `imageId` against every stored advisory and reconciles its findings.
    static func matchImage(_ session: any SQLSession, imageId: Int64, now: String, cache: PreparedAdvisoryCache) throws {
        let advisories = try candidateAdvisories(session, imageId: imageId, cache: cache)
        // No advisory shares a key with the image: nothing to decide, only findings to resolve.
        let candidates = advisories.isEmpty ? [] : try candidates(session, imageId: imageId)
        try reconcileFindings(session, scope: .image(imageId), desired: decide(candidates, advisories), now: now)
    }

    /// Matches freshly written advisories against every stored component sharing a key with them, loading each
    /// key's components once for all of them (a component under several keys is one candidate), and reconciles
    /// their findings as Core's ``FindingDecision`` decides them.
    /// `created` lists the advisories inserted by this transaction: until their first run is reconciled they have
    /// no finding, so there is none to look up for resolving.
    static func matchAdvisories(
        _ session: any SQLSession, _ advisories: [PreparedAdvisory], created: Set<Int64> = [], now: String
    ) throws {
        guard !advisories.isEmpty else { return }
        var keys: [String] = []
        var seen = Set<String>()
        for advisory in advisories {
            for key in advisory.matcher.keys where seen.insert(key.value).inserted { keys.append(key.value) }
        }
        let (candidates, positionsByKey) = try candidates(session, matchKeys: keys)
        // Advisories of distinct ids touch distinct findings: reconciled together. A later version of an advisory
        // written in the same transaction starts a new run, reconciled after the runs before it, as one by one.
        var reconciled = Set<Int64>()
        var start = 0
        while start < advisories.count {
            var ids = Set<Int64>()
            var end = start
            while end < advisories.count, ids.insert(advisories[end].id).inserted { end += 1 }
            var desired: [DesiredFinding] = []
            for advisory in advisories[start..<end] {
                for affected in FindingDecision.affected(by: advisory, candidates: candidates, positionsByKey: positionsByKey) {
                    desired.append(
                        DesiredFinding(candidate: candidates[affected.candidate], advisory: advisory, fixedVersion: affected.fixedVersion))
                }
            }
            let run = advisories[start..<end].map(\.id)
            let firstFindings = run.allSatisfy { created.contains($0) && !reconciled.contains($0) }
            try reconcileFindings(session, scope: firstFindings ? .newAdvisories : .advisories(run), desired: desired, now: now)
            reconciled.formUnion(run)
            start = end
        }
    }
}
