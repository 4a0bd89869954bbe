import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// The storage step that decides VEX applicability (`VEXStore.governingStatements`) against the index-free
/// `findingStatement` view of migration 0003 and against Core's rule applied to the same data, on each engine.
@Suite("VEX applicability in storage, on each engine")
struct VEXApplicabilityStoreTests {
    @Test("the governing statements agree with the findingStatement view and with Core's rule", arguments: TestEngine.available)
    func agreesWithViewAndCore(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let executor = executors[0]
            let fixture = try await executor.write { session in try VEXFixture.insert(session) }
            for seed: UInt64 in [1, 2, 3, 4] {
                // given a varied set of statements (each subject kind, @ and ? prefixes, aliases, equal times)
                let statements = try await executor.write { session in try fixture.insertStatements(session, seed: seed, count: 90) }
                // when
                let (all, open, suppressed, view) = try await executor.read { session in
                    (
                        try VEXStore.governingStatements(session, findingIds: fixture.findings.map(\.id)),
                        try VEXStore.governingStatements(session, findingIds: nil),
                        try VEXStore.suppressedFindings(session),
                        try VEXFixture.viewStatements(session)
                    )
                }
                // then the step equals the view for every finding, and the view equals Core's rule
                let core = fixture.findings.reduce(into: [Int64: Int64]()) { result, finding in
                    result[finding.id] = VEXApplicability.governing(statements, for: fixture.facts(finding))?.id
                }
                #expect(view == core, "seed \(seed)")
                #expect(all.mapValues(\.id) == view, "seed \(seed)")
                let openIds = Set(fixture.findings.filter(\.open).map(\.id))
                #expect(open.mapValues(\.id) == view.filter { openIds.contains($0.key) }, "seed \(seed)")
                let byId = Dictionary(uniqueKeysWithValues: statements.map { ($0.id, $0) })
                let expectedSuppressed = Set(view.compactMap { finding, statement in
                    openIds.contains(finding) && VEXApplicability.suppresses(byId[statement]!.status) ? finding : nil
                })
                #expect(suppressed == expectedSuppressed, "seed \(seed)")
                // some of everything happened
                #expect(!suppressed.isEmpty && view.count < fixture.findings.count, "seed \(seed)")

                // and the finding lists show the same statements and states, whatever the page size
                let store = FindingStore(executor: executor)
                let listed = try #require(try await store.list(FindingFilter(state: nil), after: nil, limit: 1_000))
                #expect(listed.items.count == openIds.count && listed.nextCursor == nil)
                for item in listed.items {
                    #expect(item.statement?.id == view[item.key], "seed \(seed), finding \(item.key)")
                    #expect((item.state == "suppressed") == expectedSuppressed.contains(item.key))
                }
                let suppressedListed = try #require(try await store.list(FindingFilter(state: "suppressed"), after: nil, limit: 1_000))
                #expect(Set(suppressedListed.items.map(\.key)) == expectedSuppressed)
                let affected = try await Self.allPages(store, FindingFilter(state: "affected"), size: 4)
                #expect(affected == openIds.subtracting(expectedSuppressed).sorted(), "seed \(seed)")
                let resolved = try #require(try await store.list(FindingFilter(state: "resolved"), after: nil, limit: 1_000))
                #expect(resolved.items.map(\.key) == fixture.findings.filter { !$0.open }.map(\.id))
                #expect(resolved.items.allSatisfy { $0.statement?.id == view[$0.key] })

                _ = try await executor.write { session in try session.execute("DELETE FROM vexStatement") }
            }
        }
    }

    /// Every key of every page of `filter`, following the cursor.
    static func allPages(_ store: FindingStore, _ filter: FindingFilter, size: Int) async throws -> [Int64] {
        var keys: [Int64] = []
        var cursor: Int64?
        repeat {
            let page = try #require(try await store.list(filter, after: cursor, limit: size))
            #expect(page.items.count <= size)
            keys += page.items.map(\.key)
            cursor = page.nextCursor
        } while cursor != nil
        return keys
    }
}

/// Images, tags, advisories in alias groups and findings, then statements drawn from a seeded generator.
struct VEXFixture: Sendable {
    struct Image: Sendable {
        var id: Int64
        var digest: String
        var repositories: [String]
    }

    struct Finding: Sendable {
        var id: Int64
        var image: Int
        var purl: String
        var vulnerabilityId: String
        var open: Bool
    }

    static let repositories = ["ghcr.io/acme/app", "ghcr.io/acme/mirror", "ghcr.io/acme/other"]
    static let purls = [
        "pkg:deb/debian/openssl@3.0.11?arch=amd64", "pkg:deb/debian/openssl@3.0.2", "pkg:deb/debian/openssl-libs@1.0",
        "pkg:npm/%40scope/pkg@1.2.3", "pkg:generic/tool?arch=x",
    ]
    /// (OSV id, vulnerability, aliases): two advisories in CVE-2024-1's group, one named by aliases only.
    static let advisories: [(String, String, [String])] = [
        ("GHSA-1111", "CVE-2024-1", ["CVE-2024-1", "DSA-1"]), ("DEBIAN-CVE-2024-1", "CVE-2024-1", []),
        ("CVE-2024-2", "CVE-2024-2", []), ("GHSA-3333", "GHSA-3333", ["OSV-3"]),
    ]

    var images: [Image]
    var findings: [Finding]
    var groupIDs: [String: [String]]

    static func digest(_ byte: Int) -> String { "sha256:" + String(repeating: String(format: "%02x", byte), count: 32) }

    static func insert(_ session: any SQLSession) throws -> VEXFixture {
        let now = "2024-01-01T00:00:00.000Z"
        var repositoryIds: [Int64] = []
        for name in repositories {
            repositoryIds.append(try #require(try session.fetchValue(
                "INSERT INTO repository (name, createdAt) VALUES (\(name), \(now)) RETURNING id", as: Int64.self)))
        }
        // image 0 in app, tagged in app and mirror; image 1 in app, untagged; image 2 in other, tagged there
        let layout: [(repository: Int, tags: [Int])] = [(0, [0, 1]), (0, []), (2, [2])]
        var images: [Image] = []
        for (index, image) in layout.enumerated() {
            let digest = digest(index + 1)
            let id = try #require(try session.fetchValue(
                """
                INSERT INTO image (digest, repositoryId, labels, firstSeen, lastSeen)
                VALUES (\(digest), \(repositoryIds[image.repository]), '{}', \(now), \(now)) RETURNING id
                """, as: Int64.self))
            for tag in image.tags {
                try session.execute(
                    "INSERT INTO tag (repositoryId, name, imageId, updatedAt) VALUES (\(repositoryIds[tag]), \("t\(index)"), \(id), \(now))")
            }
            images.append(Image(id: id, digest: digest, repositories: [repositories[image.repository]] + image.tags.map { repositories[$0] }))
        }
        var advisoryIds: [Int64] = []
        var groupIDs: [String: [String]] = [:]
        for (osvId, vulnerability, aliases) in advisories {
            let id = try #require(try session.fetchValue(
                """
                INSERT INTO advisory (osvId, modified, severityLevel, vulnerabilityId, record, importedAt, updatedAt)
                VALUES (\(osvId), \(now), 'high', \(vulnerability), '{}', \(now), \(now)) RETURNING id
                """, as: Int64.self))
            for alias in aliases {
                try session.execute("INSERT INTO advisoryAlias (advisoryId, alias, kind) VALUES (\(id), \(alias), 'alias')")
            }
            advisoryIds.append(id)
            groupIDs[vulnerability, default: []] += [osvId] + aliases
        }
        var findings: [Finding] = []
        for (imageIndex, image) in images.enumerated() {
            for purl in purls {
                for (advisoryIndex, advisory) in advisories.enumerated() {
                    let open = (findings.count % 7) != 3
                    let id = try #require(try session.fetchValue(
                        """
                        INSERT INTO finding (imageId, purl, ecosystem, packageName, installedVersion, advisoryId, vulnerabilityId,
                            severityLevel, state, firstDetected, lastDetected, resolvedAt)
                        VALUES (\(image.id), \(purl), 'Debian', 'p', '1', \(advisoryIds[advisoryIndex]), \(advisory.1), 'high',
                            \(open ? "open" : "resolved"), \(now), \(now), \(open ? nil : now))
                        RETURNING id
                        """, as: Int64.self))
                    findings.append(Finding(id: id, image: imageIndex, purl: purl, vulnerabilityId: advisory.1, open: open))
                }
            }
        }
        return VEXFixture(images: images, findings: findings, groupIDs: groupIDs)
    }

    /// Core's view of a finding.
    func facts(_ finding: Finding) -> VEXApplicability.Finding {
        VEXApplicability.Finding(
            vulnerabilityID: finding.vulnerabilityId, groupIDs: groupIDs[finding.vulnerabilityId] ?? [],
            imageDigest: images[finding.image].digest, repositories: images[finding.image].repositories, purl: finding.purl)
    }

    /// Inserts `count` statements drawn with `seed`, returning them as Core sees them.
    func insertStatements(_ session: any SQLSession, seed: UInt64, count: Int) throws -> [VEXApplicability.Statement] {
        var random = SplitMix64(seed: seed)
        let vulnerabilities = ["CVE-2024-1", "GHSA-1111", "DSA-1", "DEBIAN-CVE-2024-1", "CVE-2024-2", "OSV-3", "GHSA-3333", "CVE-2099-9"]
        let packages = [
            "pkg:deb/debian/openssl", "pkg:deb/debian/openssl@3.0.11", "pkg:deb/debian/openssl@3.0.1", "pkg:deb/debian/open",
            "pkg:deb/debian/openssl@3.0.11?arch=amd64", "pkg:generic/tool", "pkg:npm/%40scope/pkg", "pkg:deb/debian/openssl-libs",
        ]
        let subjects: [VEXApplicability.SubjectKind: [String]] = [
            .image: images.map(\.digest) + [Self.digest(9)],
            .repository: Self.repositories + ["ghcr.io/acme"],
            .component: packages,
        ]
        let times: [String?] = [nil, nil, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-06-01T00:00:00.5Z"]
        let created = ["2024-06-01T00:00:00Z", "2024-03-01T00:00:00.000Z"]
        var statements: [VEXApplicability.Statement] = []
        for _ in 0..<count {
            let kind = VEXApplicability.SubjectKind.allCases.randomElement(using: &random)!
            let vulnerability = vulnerabilities.randomElement(using: &random)!
            let subject = subjects[kind]!.randomElement(using: &random)!
            let component = Bool.random(using: &random) ? nil : packages.randomElement(using: &random)!
            let status = VEXStatus.allCases.randomElement(using: &random)!
            let statedAt = times.randomElement(using: &random)!
            let createdAt = created.randomElement(using: &random)!
            let id = try #require(try session.fetchValue(
                """
                INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, componentPurl, status, statedAt, createdAt)
                VALUES ('openvex', \(vulnerability), \(kind.rawValue), \(subject), \(component), \(status.rawValue), \(statedAt), \(createdAt))
                RETURNING id
                """, as: Int64.self))
            statements.append(
                .init(
                    id: id, vulnerabilityID: vulnerability, subjectKind: kind, subject: subject, componentPURL: component,
                    status: status, statedAt: statedAt, createdAt: createdAt))
        }
        return statements
    }

    /// The view's answer: finding id → statement id, for findings with one.
    static func viewStatements(_ session: any SQLSession) throws -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for row in try session.fetchAll("SELECT findingId, statementId FROM findingStatement WHERE statementId IS NOT NULL") {
            result[try row.decode(0)] = try row.decode(1)
        }
        return result
    }
}

/// A seeded generator, so each run draws the same statements.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
