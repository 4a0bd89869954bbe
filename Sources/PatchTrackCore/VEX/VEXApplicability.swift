// Which VEX statement governs a finding, and whether it suppresses it: the one statement of the rule. Storage fetches
// candidate (finding, statement) pairs with an index-friendly query and decides here; the SQL view
// `findingStatement` (migration 0003) is the same rule kept as a reference in the storage tests only.
//
// Texts compare byte-wise (their UTF-8), as SQLite's BINARY collation and PostgreSQL's "C" collation do, not by
// Swift's canonical equivalence.

import Foundation

/// VEX applicability: which statement governs a finding, and whether that statement suppresses it.
public enum VEXApplicability {
    /// What a statement is about, as stored: an image digest, a repository, or a package.
    public enum SubjectKind: String, Sendable, Hashable, CaseIterable {
        case image
        case repository
        case component
    }

    /// The facts of a finding a statement is checked against.
    public struct Finding: Sendable, Equatable {
        /// The canonical id of the finding's vulnerability group.
        public var vulnerabilityID: String
        /// Every OSV id and alias of the advisories in the finding's vulnerability group.
        public var groupIDs: [String]
        /// The image's manifest digest.
        public var imageDigest: String
        /// The repository the image was first seen in, and the repositories of the tags that point at it.
        public var repositories: [String]
        /// The finding's package.
        public var purl: String

        /// Creates the facts of a finding.
        public init(vulnerabilityID: String, groupIDs: [String], imageDigest: String, repositories: [String], purl: String) {
            self.vulnerabilityID = vulnerabilityID
            self.groupIDs = groupIDs
            self.imageDigest = imageDigest
            self.repositories = repositories
            self.purl = purl
        }
    }

    /// The facts of a statement that decide where it applies and which one is newest.
    public struct Statement: Sendable, Equatable {
        /// The statement's id, the last tie-break between statements stated at the same time.
        public var id: Int64
        /// The vulnerability id the statement names.
        public var vulnerabilityID: String
        /// What the subject is.
        public var subjectKind: SubjectKind
        /// The digest, repository name or package the statement is about.
        public var subject: String
        /// The package inside the subject the statement is narrowed to, if any.
        public var componentPURL: String?
        /// The claim.
        public var status: VEXStatus
        /// When the producer stated it (RFC 3339), if it said.
        public var statedAt: String?
        /// When PatchTrack stored it (RFC 3339).
        public var createdAt: String

        /// Creates the facts of a statement.
        public init(
            id: Int64, vulnerabilityID: String, subjectKind: SubjectKind, subject: String, componentPURL: String?,
            status: VEXStatus, statedAt: String?, createdAt: String
        ) {
            self.id = id
            self.vulnerabilityID = vulnerabilityID
            self.subjectKind = subjectKind
            self.subject = subject
            self.componentPURL = componentPURL
            self.status = status
            self.statedAt = statedAt
            self.createdAt = createdAt
        }

        /// The time statements are ordered by: when stated, else when stored.
        public var effectiveTime: String { statedAt ?? createdAt }
    }

    /// Whether `statement` applies to `finding`: it names the finding's vulnerability (its canonical id, or an OSV id
    /// or alias of an advisory in its group), its subject is the finding's image (by digest), a repository of the
    /// image (the one it was first seen in or one of its tags'), or the finding's package, and its component purl,
    /// when given, is the finding's package.
    public static func applies(_ statement: Statement, to finding: Finding) -> Bool {
        namesVulnerability(statement, of: finding) && subjectMatches(statement, finding)
            && (statement.componentPURL.map { package($0, covers: finding.purl) } ?? true)
    }

    /// The statement that governs `finding` among `statements`: the newest applicable one by (stated or stored time,
    /// id); nil when none applies.
    public static func governing<Statements: Sequence<Statement>>(_ statements: Statements, for finding: Finding) -> Statement? {
        var newest: Statement?
        for statement in statements where applies(statement, to: finding) {
            if let current = newest, !isNewer(statement, than: current) { continue }
            newest = statement
        }
        return newest
    }

    /// Whether `statement` is ordered after `other`: a later time (compared byte-wise), then a higher id.
    public static func isNewer(_ statement: Statement, than other: Statement) -> Bool {
        let (time, otherTime) = (statement.effectiveTime.utf8, other.effectiveTime.utf8)
        if !time.elementsEqual(otherTime) { return otherTime.lexicographicallyPrecedes(time) }
        return statement.id > other.id
    }

    /// Whether a governing statement with `status` suppresses its finding: `not_affected` and `fixed` do.
    public static func suppresses(_ status: VEXStatus) -> Bool {
        status == .notAffected || status == .fixed
    }

    /// Whether the package `package` (a purl, with or without version) covers the finding's `purl`: equal, or
    /// followed in `purl` by its version (`@`) or qualifiers (`?`).
    public static func package(_ package: String, covers purl: String) -> Bool {
        let (purl, package) = (purl.utf8, package.utf8)
        guard purl.starts(with: package) else { return false }
        let rest = purl.dropFirst(package.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "@") || rest.first == UInt8(ascii: "?")
    }

    private static func namesVulnerability(_ statement: Statement, of finding: Finding) -> Bool {
        let named = statement.vulnerabilityID
        return same(named, finding.vulnerabilityID) || finding.groupIDs.contains { same($0, named) }
    }

    private static func subjectMatches(_ statement: Statement, _ finding: Finding) -> Bool {
        switch statement.subjectKind {
        case .image: same(statement.subject, finding.imageDigest)
        case .repository: finding.repositories.contains { same($0, statement.subject) }
        case .component: package(statement.subject, covers: finding.purl)
        }
    }

    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }
}
