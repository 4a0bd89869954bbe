import Foundation

// MARK: - VEX suppression (one step, to be replaced by the rule's home in Core)

extension RebuildStore {
    /// The open findings whose newest applicable VEX statement says not_affected or fixed.
    ///
    /// The same rule as the `findingStatement` view (migration 0003), evaluated from the statements' side: the view
    /// runs a correlated subquery per finding that cannot use an index (its conditions are OR-ed), about 0.7 ms per
    /// finding with a few hundred statements, so 35 s for 50,000 findings. Here each statement is joined to the
    /// findings of its vulnerability (by id, advisory id or alias, through `finding_on_vulnerabilityId`), its subject
    /// and component conditions are checked per pair, and the newest statement per finding decides (compared in
    /// Swift, whatever the database's collation). `suppressionAgreesWithView` in the storage tests keeps
    /// the two in step. (`f.state || ''` is no column, so SQLite seeks by vulnerability instead of scanning every open
    /// finding through `finding_on_state_sla`; it is plain text concatenation on PostgreSQL.)
    static func suppressedFindings(_ session: any SQLSession) throws -> Set<Int64> {
        guard try session.fetchValue("SELECT EXISTS (SELECT 1 FROM vexStatement)", as: Bool.self) == true else { return [] }
        let rows = try session.fetchAll(Self.suppressionCandidates)
        var newest: [Int64: (statedAt: String, id: Int64, status: String)] = [:]
        for row in rows {
            let candidate = (
                statedAt: try row.decode(3, as: String.self), id: try row.decode(1, as: Int64.self),
                status: try row.decode(2, as: String.self))
            let findingId = try row.decode(0, as: Int64.self)
            if let current = newest[findingId], (current.statedAt, current.id) > (candidate.statedAt, candidate.id) { continue }
            newest[findingId] = candidate
        }
        return Set(newest.compactMap { ["not_affected", "fixed"].contains($0.value.status) ? $0.key : nil })
    }

    /// Each open finding paired with every VEX statement that applies to it, with the statement's status and time.
    static let suppressionCandidates: SQLStatement =
        """
        WITH statementGroup(statementId, vulnerabilityId) AS (
            SELECT v.id, v.vulnerabilityId FROM vexStatement v
            UNION SELECT v.id, a.vulnerabilityId FROM vexStatement v JOIN advisory a ON a.osvId = v.vulnerabilityId
            UNION SELECT v.id, a.vulnerabilityId FROM vexStatement v
                JOIN advisoryAlias aa ON aa.alias = v.vulnerabilityId JOIN advisory a ON a.id = aa.advisoryId)
        SELECT f.id AS findingId, v.id AS statementId, v.status, coalesce(v.statedAt, v.createdAt) AS statedAt
        FROM statementGroup g JOIN vexStatement v ON v.id = g.statementId
        JOIN finding f ON f.vulnerabilityId = g.vulnerabilityId AND f.state || '' = 'open'
        WHERE ((v.subjectKind = 'image' AND v.subject = (SELECT digest FROM image WHERE id = f.imageId))
               OR (v.subjectKind = 'repository' AND (
                   v.subject = (SELECT r.name FROM image i JOIN repository r ON r.id = i.repositoryId WHERE i.id = f.imageId)
                   OR EXISTS (SELECT 1 FROM tag t JOIN repository r ON r.id = t.repositoryId
                              WHERE t.imageId = f.imageId AND r.name = v.subject)))
               OR (v.subjectKind = 'component' AND (f.purl = v.subject
                   OR substr(f.purl, 1, length(v.subject) + 1) IN (v.subject || '@', v.subject || '?'))))
          AND (v.componentPurl IS NULL OR f.purl = v.componentPurl
               OR substr(f.purl, 1, length(v.componentPurl) + 1) IN (v.componentPurl || '@', v.componentPurl || '?'))
        """
}
