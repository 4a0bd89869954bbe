import Foundation
import GRDB
import PatchTrackCore

/// Matching inside write transactions: a scan's components against every stored advisory, and an advisory against
/// every stored component. Candidates come from equal match keys (`componentKey` ⋈ `advisoryKey`, indexed on both
/// sides); Core's ``FindingDecision`` decides; findings are reconciled so that a finding no longer produced is resolved (kept,
/// with its dates, for time-to-patch), never deleted.
extension AppDatabase {
    /// A stored component as the matcher needs it.
    struct MatchCandidate: FindingDecision.Candidate {
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
        let candidate: MatchCandidate
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
    static func insertComponentKeys(_ db: Database, _ keys: [(componentId: Int64, keys: [MatchKey])]) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO componentKey (componentId, matchKey) VALUES (?, ?)")
        for (componentId, componentKeys) in keys {
            for key in componentKeys { try statement.execute(arguments: [componentId, key.value]) }
        }
    }

    // MARK: - Candidates

    /// Components of one image, or the components with one match key.
    static func candidates(_ db: Database, imageId: Int64) throws -> [MatchCandidate] {
        try loadCandidates(
            db,
            sql: """
                SELECT id, imageId, purl, ecosystem, release, name, version, sourceName, sourceVersion, layerDigest
                FROM component WHERE imageId = ?
                """,
            arguments: [imageId])
    }

    static func candidates(_ db: Database, matchKey: String) throws -> [MatchCandidate] {
        try loadCandidates(
            db,
            sql: """
                SELECT c.id, c.imageId, c.purl, c.ecosystem, c.release, c.name, c.version, c.sourceName,
                    c.sourceVersion, c.layerDigest
                FROM componentKey ck JOIN component c ON c.id = ck.componentId
                WHERE ck.matchKey = ?
                """,
            arguments: [matchKey])
    }

    private static func loadCandidates(_ db: Database, sql: String, arguments: StatementArguments) throws -> [MatchCandidate] {
        var ecosystems: [String: Ecosystem] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var result: [MatchCandidate] = []
        while let row = try rows.next() {
            let ecosystemText: String = row[3]
            let ecosystem = ecosystems[ecosystemText] ?? {
                let value = Self.ecosystem(storedName: ecosystemText)
                ecosystems[ecosystemText] = value
                return value
            }()
            let release: String? = row[4]
            let name: String = row[5]
            let version: String = row[6]
            let sourceName: String? = row[7]
            let sourceVersion: String? = row[8]
            // Advisories keyed by source package list source versions (see Component+Matching).
            var matchVersion = version
            if ecosystem.advisoryKey == .sourcePackage, let sourceVersion, !sourceVersion.isEmpty { matchVersion = sourceVersion }
            result.append(
                MatchCandidate(
                    componentId: row[0], imageId: row[1], purl: row[2], ecosystem: ecosystemText, name: name,
                    version: version, layerDigest: row[9],
                    package: EcosystemPackage(
                        release: EcosystemRelease(ecosystem: ecosystem, release: release), name: name, sourceName: sourceName,
                        version: matchVersion)))
        }
        return result
    }

    /// Advisories sharing a key with any component of `imageId`, prepared: parsed records come from `cache` when
    /// their `updatedAt` is unchanged; only the others are read and decoded, in one query.
    static func candidateAdvisories(_ db: Database, imageId: Int64, cache: PreparedAdvisoryCache) throws -> [PreparedAdvisory] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.updatedAt, a.severityLevel, a.vulnerabilityId FROM advisory a
                WHERE a.id IN (SELECT ak.advisoryId FROM component c JOIN componentKey ck ON ck.componentId = c.id
                               JOIN advisoryKey ak ON ak.matchKey = ck.matchKey WHERE c.imageId = ?)
                  AND a.withdrawn IS NULL
                """,
            arguments: [imageId])
        var prepared: [PreparedAdvisory] = []
        prepared.reserveCapacity(rows.count)
        var missing: [Int64: Row] = [:]
        let cached = cache.matchers(rows.map { ($0[0], $0[1]) })
        for row in rows {
            let id: Int64 = row[0]
            if let matcher = cached[id] {
                prepared.append(PreparedAdvisory(id: id, matcher: matcher.matcher, scheme: matcher.scheme, severityLevel: row[2], vulnerabilityId: row[3]))
            } else {
                missing[id] = row
            }
        }
        if !missing.isEmpty {
            let records = try Row.fetchCursor(
                db, sql: "SELECT id, record FROM advisory WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [jsonArray(Array(missing.keys))])
            let decoder = JSONDecoder()
            while let record = try records.next() {
                let id: Int64 = record[0]
                guard let row = missing[id] else { continue }
                let decoded = try decoder.decode(OSVRecord.self, from: Data((record[1] as String).utf8))
                let advisory = prepare(id: id, record: decoded, severityLevel: row[2], vulnerabilityId: row[3])
                cache.store(id: id, updatedAt: row[1], matcher: advisory.matcher, scheme: advisory.scheme)
                prepared.append(advisory)
            }
        }
        return prepared
    }

    static func prepare(id: Int64, record: OSVRecord, severityLevel: String, vulnerabilityId: String) -> PreparedAdvisory {
        let scheme = record.affected.lazy.map { EcosystemRelease(osvEcosystem: $0.package.ecosystem).ecosystem.scheme }.first { $0 != nil } ?? nil
        return PreparedAdvisory(
            id: id, matcher: AdvisoryMatcher(record), scheme: scheme, severityLevel: severityLevel, vulnerabilityId: vulnerabilityId)
    }

    // MARK: - Deciding

    /// Every (candidate, advisory) pair sharing a key that Core's ``FindingDecision`` says is a finding.
    static func decide(_ candidates: [MatchCandidate], _ advisories: [PreparedAdvisory]) -> [DesiredFinding] {
        FindingDecision.affected(advisories, candidates).map { pair in
            DesiredFinding(
                candidate: candidates[pair.affected.candidate], advisory: advisories[pair.advisory],
                fixedVersion: pair.affected.fixedVersion)
        }
    }

    // MARK: - Reconciling findings

    /// Makes the open findings in `scope` (one image, or one advisory) exactly `desired`: inserts new ones, updates
    /// the rest, and resolves open findings that matching no longer produces.
    static func reconcileFindings(_ db: Database, scope: FindingScope, desired: [DesiredFinding], now: String) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO finding (imageId, componentId, purl, ecosystem, packageName, installedVersion, layerDigest,
                    advisoryId, vulnerabilityId, fixedVersion, severityLevel, state, firstDetected, lastDetected)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
                ON CONFLICT (imageId, purl, advisoryId) DO UPDATE SET
                    componentId = excluded.componentId, installedVersion = excluded.installedVersion,
                    layerDigest = excluded.layerDigest, vulnerabilityId = excluded.vulnerabilityId,
                    fixedVersion = excluded.fixedVersion, severityLevel = excluded.severityLevel, state = 'open',
                    lastDetected = excluded.lastDetected, resolvedAt = NULL
                RETURNING id
                """)
        var kept = Set<Int64>()
        for finding in desired {
            let candidate = finding.candidate
            let id = try Int64.fetchOne(
                upsert,
                arguments: [
                    candidate.imageId, candidate.componentId, candidate.purl, candidate.ecosystem, candidate.name,
                    candidate.version, candidate.layerDigest, finding.advisory.id, finding.advisory.vulnerabilityId,
                    finding.fixedVersion, finding.advisory.severityLevel, now, now,
                ])
            if let id { kept.insert(id) }
        }
        let open: [Int64]
        switch scope {
        case .image(let imageId):
            open = try Int64.fetchAll(db, sql: "SELECT id FROM finding WHERE imageId = ? AND state = 'open'", arguments: [imageId])
        case .advisory(let advisoryId):
            open = try Int64.fetchAll(db, sql: "SELECT id FROM finding WHERE advisoryId = ? AND state = 'open'", arguments: [advisoryId])
        }
        let gone = open.filter { !kept.contains($0) }
        if !gone.isEmpty {
            try db.execute(
                sql: "UPDATE finding SET state = 'resolved', resolvedAt = ?, componentId = NULL WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [now, jsonArray(gone)])
        }
    }

    /// Which open findings a reconciliation may resolve.
    enum FindingScope {
        case image(Int64)
        case advisory(Int64)
    }

    /// Matches every component of `imageId` against every stored advisory and reconciles its findings.
    static func matchImage(_ db: Database, imageId: Int64, now: String, cache: PreparedAdvisoryCache) throws {
        let advisories = try candidateAdvisories(db, imageId: imageId, cache: cache)
        // No advisory shares a key with the image: nothing to decide, only findings to resolve.
        let candidates = advisories.isEmpty ? [] : try candidates(db, imageId: imageId)
        try reconcileFindings(db, scope: .image(imageId), desired: decide(candidates, advisories), now: now)
    }
}
