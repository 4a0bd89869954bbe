import Foundation
import PatchTrackCore

/// The VEX statement that governs a finding (``VEXApplicability``), with what the finding lists show of it.
public struct GoverningStatement: Sendable, Equatable {
    /// The statement's id.
    public var id: Int64
    /// Its claim.
    public var status: VEXStatus
    /// Why the product is not affected, when it says.
    public var justification: String?
    /// The producer's explanation, when given.
    public var impactStatement: String?
    /// `openvex` or `cyclonedx`.
    public var format: String
    /// The id of the document it came from, when it had one.
    public var documentId: String?

    /// Whether the statement suppresses its finding.
    public var suppresses: Bool { VEXApplicability.suppresses(status) }
}

extension VEXStore {
    /// The governing statement of each of the findings `findingIds` (nil: every open finding) that has one.
    ///
    /// The rule is ``VEXApplicability``'s; SQL only fetches candidates. Each statement is joined to the findings of
    /// the vulnerability it names (by canonical id, advisory id or alias, through `finding_on_vulnerabilityId`), so
    /// the query seeks by index instead of running the `findingStatement` view's correlated subquery per finding
    /// (about 0.7 ms per finding with a few hundred statements); image statements are paired only with their
    /// image's findings. Then the facts the rule looks at are fetched in a
    /// few batched queries (images and repositories, tags when a repository statement is among the candidates, the
    /// ids of each vulnerability group, the statements) and the rule decides each pair in Swift.
    static func governingStatements(_ session: any SQLSession, findingIds: [Int64]?) throws -> [Int64: GoverningStatement] {
        if let findingIds, findingIds.isEmpty { return [:] }
        guard try session.fetchOne("SELECT id FROM vexStatement LIMIT 1") != nil else { return [:] }
        // The state is checked here rather than in SQL: a condition on it would tempt SQLite into scanning every open
        // finding through `finding_on_state_*` instead of seeking by vulnerability.
        // The one narrowing SQL does, mirroring the rule for the commonest kind (tested equal to it with the rest):
        // an image statement is paired only with the findings of its image. Core decides everything else.
        let selection: SQLStatement = findingIds.map { ids -> SQLStatement in "AND f.id IN \(set: ids)" } ?? ""
        struct Candidate {
            var finding: VEXApplicability.Finding
            var imageId: Int64
            var statementIds: [Int64] = []
        }
        var candidates: [Int64: Candidate] = [:]
        // Read row by row: tens of thousands of pairs on a fleet with broad statements.
        try session.forEachRow(
            """
            SELECT f.id, f.state, f.imageId, f.purl, f.vulnerabilityId, g.statementId, i.digest, r.name
            FROM (SELECT v.id AS statementId, v.vulnerabilityId, v.subjectKind, v.subject FROM vexStatement v
                  UNION SELECT v.id, a.vulnerabilityId, v.subjectKind, v.subject FROM vexStatement v
                      JOIN advisory a ON a.osvId = v.vulnerabilityId
                  UNION SELECT v.id, a.vulnerabilityId, v.subjectKind, v.subject FROM vexStatement v
                      JOIN advisoryAlias aa ON aa.alias = v.vulnerabilityId JOIN advisory a ON a.id = aa.advisoryId) g
            JOIN finding f ON f.vulnerabilityId = g.vulnerabilityId
            JOIN image i ON i.id = f.imageId JOIN repository r ON r.id = i.repositoryId
            WHERE (g.subjectKind <> 'image' OR g.subject = i.digest) \(selection)
            """
        ) { row in
            if findingIds == nil, try row.decode(1, as: String.self) != "open" { return }
            let findingId: Int64 = try row.decode(0)
            if candidates[findingId] == nil {
                let finding = VEXApplicability.Finding(
                    vulnerabilityID: try row.decode(4), groupIDs: [], imageDigest: try row.decode(6),
                    repositories: [try row.decode(7)], purl: try row.decode(3))
                candidates[findingId] = Candidate(finding: finding, imageId: try row.decode(2))
            }
            candidates[findingId]?.statementIds.append(try row.decode(5))
        }
        guard !candidates.isEmpty else { return [:] }

        let statements = try Self.applicabilityStatements(session, ids: Set(candidates.values.flatMap(\.statementIds)))
        let groupIDs = try Self.groupIDs(session, vulnerabilityIds: Set(candidates.values.map(\.finding.vulnerabilityID)))
        let repositoryStatements = Set(statements.values.filter { $0.facts.subjectKind == .repository }.map(\.facts.id))
        let tagImages = candidates.values.filter { !repositoryStatements.isDisjoint(with: $0.statementIds) }.map(\.imageId)
        let tagRepositories = try Self.tagRepositories(session, imageIds: Set(tagImages))

        var governing: [Int64: GoverningStatement] = [:]
        for (findingId, candidate) in candidates {
            var finding = candidate.finding
            finding.groupIDs = groupIDs[finding.vulnerabilityID] ?? []
            finding.repositories += tagRepositories[candidate.imageId] ?? []
            let facts = candidate.statementIds.lazy.compactMap { statements[$0]?.facts }
            if let newest = VEXApplicability.governing(facts, for: finding), let statement = statements[newest.id] {
                governing[findingId] = statement.shown
            }
        }
        return governing
    }

    /// The open findings whose governing statement suppresses them (`not_affected` or `fixed`); `among`: only
    /// these findings (a point read's), nil: every open finding.
    static func suppressedFindings(_ session: any SQLSession, among findingIds: [Int64]? = nil) throws -> Set<Int64> {
        Set(try governingStatements(session, findingIds: findingIds).compactMap { $0.value.suppresses ? $0.key : nil })
    }

    /// The statements `ids`: the facts the rule reads and what the lists show.
    private static func applicabilityStatements(
        _ session: any SQLSession, ids: Set<Int64>
    ) throws -> [Int64: (facts: VEXApplicability.Statement, shown: GoverningStatement)] {
        var statements: [Int64: (facts: VEXApplicability.Statement, shown: GoverningStatement)] = [:]
        for row in try session.fetchAll(
            """
            SELECT id, vulnerabilityId, subjectKind, subject, componentPurl, status, statedAt, createdAt, justification,
                impactStatement, format, documentId
            FROM vexStatement WHERE id IN \(set: ids.sorted())
            """)
        {
            // The schema's CHECK constraints allow no other kinds or statuses.
            guard let kind = VEXApplicability.SubjectKind(rawValue: try row.decode(2)),
                let status = VEXStatus(rawValue: try row.decode(5))
            else { continue }
            let id: Int64 = try row.decode(0)
            let facts = VEXApplicability.Statement(
                id: id, vulnerabilityID: try row.decode(1), subjectKind: kind, subject: try row.decode(3),
                componentPURL: try row.decode(4), status: status, statedAt: try row.decode(6), createdAt: try row.decode(7))
            let shown = GoverningStatement(
                id: id, status: status, justification: try row.decode(8), impactStatement: try row.decode(9),
                format: try row.decode(10), documentId: try row.decode(11))
            statements[id] = (facts, shown)
        }
        return statements
    }

    /// The OSV ids and aliases of the advisories of each vulnerability group.
    static func groupIDs(_ session: any SQLSession, vulnerabilityIds: Set<String>) throws -> [String: [String]] {
        guard !vulnerabilityIds.isEmpty else { return [:] }
        let ids = vulnerabilityIds.sorted()
        var groups: [String: [String]] = [:]
        for row in try session.fetchAll(
            """
            SELECT a.vulnerabilityId, a.osvId AS id FROM advisory a WHERE a.vulnerabilityId IN \(set: ids)
            UNION SELECT a.vulnerabilityId, aa.alias FROM advisory a JOIN advisoryAlias aa ON aa.advisoryId = a.id
            WHERE a.vulnerabilityId IN \(set: ids)
            """)
        {
            groups[try row.decode(0), default: []].append(try row.decode(1))
        }
        return groups
    }

    /// The repositories of the tags pointing at each of the images.
    private static func tagRepositories(_ session: any SQLSession, imageIds: Set<Int64>) throws -> [Int64: [String]] {
        guard !imageIds.isEmpty else { return [:] }
        var repositories: [Int64: [String]] = [:]
        for row in try session.fetchAll(
            """
            SELECT t.imageId, r.name FROM tag t JOIN repository r ON r.id = t.repositoryId
            WHERE t.imageId IN \(set: imageIds.sorted())
            """)
        {
            repositories[try row.decode(0), default: []].append(try row.decode(1))
        }
        return repositories
    }
}
