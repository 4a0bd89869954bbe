import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

@Suite("Rebuild storage")
struct RebuildStorageTests {
    private static let first = "sha256:" + String(repeating: "1", count: 64)
    private static let second = "sha256:" + String(repeating: "2", count: 64)

    /// The rebuild store on a new database of `engine`, with the clock at 1_795_000_000.
    private func withStore(_ engine: TestEngine, _ body: (any SQLExecutor, RebuildStore) async throws -> Void) async throws {
        try await engine.withDatabase { executors in
            try await body(executors[0], RebuildStore(executor: executors[0], now: { Date(timeIntervalSince1970: 1_795_000_000) }))
        }
    }

    /// Statements run one by one (both engines take one statement per call).
    private static let seed: [SQLStatement] = [
        """
        INSERT INTO repository (id, name, createdAt) VALUES (1, 'ghcr.io/acme/app', 't'), (2, 'ghcr.io/acme/mirror', 't')
        """,
        """
        INSERT INTO image (id, digest, repositoryId, labels, firstSeen, lastSeen) VALUES
            (1, \(Self.first), 1, '{}', 't', 't'),
            (2, \(Self.second), 1, '{}', 't', 't')
        """,
        """
        INSERT INTO tag (repositoryId, name, imageId, updatedAt) VALUES (1, 'latest', 1, 't'), (2, 'copy', 2, 't')
        """,
        """
        INSERT INTO advisory (id, osvId, modified, severityLevel, vulnerabilityId, record, importedAt, updatedAt) VALUES
            (1, 'DSA-1', 't', 'high', 'CVE-1', '{}', 't', 't'),
            (2, 'GHSA-2', 't', 'high', 'CVE-2', '{}', 't', 't'),
            (3, 'CVE-3', 't', 'high', 'CVE-3', '{}', 't', 't'),
            (4, 'CVE-4', 't', 'high', 'CVE-4', '{}', 't', 't')
        """,
        """
        INSERT INTO advisoryAlias (advisoryId, alias, kind) VALUES (2, 'ALIAS-2', 'alias')
        """,
        """
        INSERT INTO finding (id, imageId, purl, ecosystem, packageName, installedVersion, advisoryId, vulnerabilityId,
            severityLevel, state, firstDetected, lastDetected) VALUES
            (1, 1, 'pkg:deb/debian/a@1', 'Debian', 'a', '1', 1, 'CVE-1', 'high', 'open', 't', 't'),
            (2, 2, 'pkg:deb/debian/a@1', 'Debian', 'a', '1', 1, 'CVE-1', 'high', 'open', 't', 't'),
            (3, 1, 'pkg:deb/debian/b@2', 'Debian', 'b', '2', 2, 'CVE-2', 'high', 'open', 't', 't'),
            (4, 2, 'pkg:deb/debian/b@2?arch=amd64', 'Debian', 'b', '2', 2, 'CVE-2', 'high', 'open', 't', 't'),
            (5, 1, 'pkg:deb/debian/c@3', 'Debian', 'c', '3', 3, 'CVE-3', 'high', 'open', 't', 't'),
            (6, 2, 'pkg:deb/debian/c@3', 'Debian', 'c', '3', 3, 'CVE-3', 'high', 'open', 't', 't'),
            (7, 1, 'pkg:deb/debian/d@4', 'Debian', 'd', '4', 4, 'CVE-4', 'high', 'open', 't', 't')
        """,
        """
        INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, componentPurl, status, statedAt, createdAt) VALUES
            ('openvex', 'DSA-1', 'image', \(Self.first), NULL, 'not_affected', '2026-01-01', 't'),
            ('openvex', 'ALIAS-2', 'repository', 'ghcr.io/acme/mirror', 'pkg:deb/debian/b', 'fixed', '2026-01-01', 't'),
            ('openvex', 'CVE-2', 'component', 'pkg:deb/debian/b', NULL, 'not_affected', '2026-01-01', 't'),
            ('openvex', 'CVE-2', 'image', \(Self.first), NULL, 'affected', '2026-02-01', 't'),
            ('cyclonedx', 'CVE-3', 'repository', 'ghcr.io/acme/app', NULL, 'not_affected', NULL, '2026-01-01'),
            ('openvex', 'CVE-3', 'repository', 'ghcr.io/acme/app', 'pkg:deb/debian/c', 'under_investigation', '2026-03-01', 't'),
            ('openvex', 'CVE-4', 'component', 'pkg:deb/debian/d@5', NULL, 'not_affected', '2026-01-01', 't')
        """,
    ]

    @Test("the plan's set-based VEX suppression agrees with the findingStatement view", arguments: TestEngine.available)
    func suppressionAgreesWithView(engine: TestEngine) async throws {
        try await withStore(engine) { executor, _ in
            // given
            try await executor.write { session in for statement in Self.seed { try session.execute(statement) } }

            // when
            let (viaView, viaPlan) = try await executor.read { session in
                let viaView = try session.fetchAll(
                    """
                    SELECT fs.findingId FROM findingStatement fs JOIN vexStatement v ON v.id = fs.statementId
                    WHERE v.status IN ('not_affected', 'fixed')
                    """
                ).map { try $0.decode(0, as: Int64.self) }
                return (Set(viaView), try VEXStore.suppressedFindings(session))
            }

            // then: 1 (image, named by its osv id) and 4 (alias, repository it is tagged in, component purl with
            // qualifiers); 2 is another image, 3 is overridden by a newer 'affected', 5 and 6 by a newer
            // 'under_investigation', 7's version differs.
            #expect(viaView == [1, 4])
            #expect(viaPlan == viaView)
        }
    }

    @Test("the plan input has the tagged images, their bases, findings with layer origin, requests and the clock", arguments: TestEngine.available)
    func planInput(engine: TestEngine) async throws {
        try await withStore(engine) { executor, store in
            // given
            try await executor.write { session in
                for statement in Self.seed { try session.execute(statement) }
                let statements: [SQLStatement] = [
                    """
                    UPDATE image SET baseReference = 'ghcr.io/acme/app:latest@' || (SELECT digest FROM image WHERE id = 1),
                        baseRepository = 'ghcr.io/acme/app', baseDigest = (SELECT digest FROM image WHERE id = 1) WHERE id = 2
                    """,
                    """
                    INSERT INTO scan (id, imageId, format, coverage, contentHash, componentCount, verdictCount,
                        countsByEcosystem, skipped, firstSeen, lastSeen)
                        VALUES (1, 1, 'syft', 'inventory', \(String(repeating: "0", count: 64)), 1, 0, '{}', '[]', 't', 't')
                    """,
                    """
                    INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, name, version, layerDigest)
                        VALUES (1, 1, 'pkg:deb/debian/a@1', 'pkg:deb/debian/a', 'Debian', 'a', '1', 'sha256:base-layer')
                    """,
                    "UPDATE finding SET layerDigest = 'sha256:base-layer' WHERE id = 2",
                    "UPDATE finding SET layerDigest = 'sha256:own-layer' WHERE id = 4",
                    """
                    INSERT INTO rebuildRequest (imageId, reason, requestedBy, requestedAt)
                        VALUES (2, 'please', 'someone', '2026-11-01T00:00:00.000Z')
                    """,
                ]
                for statement in statements { try session.execute(statement) }
            }

            // when
            let input = try await store.rebuildPlanInput()

            // then
            let first = try Digest(parsing: "sha256:" + String(repeating: "1", count: 64))
            let second = try Digest(parsing: "sha256:" + String(repeating: "2", count: 64))
            #expect(Set(input.images.map(\.digest)) == [first, second])
            let child = try #require(input.images.first { $0.digest == second })
            #expect(child.base == ImageReference(repository: try RepositoryName(parsing: "ghcr.io/acme/app"), tag: "latest", digest: first))
            #expect(child.tags.isEmpty)
            #expect(input.tagHeads[RepositoryTag(repository: try RepositoryName(parsing: "ghcr.io/acme/mirror"), tag: "copy")] == second)
            let findings = try #require(input.findings[second])
            #expect(findings.first { $0.package == "a" }?.layerOrigin == .base)
            #expect(findings.first { $0.package == "b" }?.layerOrigin == .image)
            #expect(findings.first { $0.package == "b" }?.suppressedByVEX == true)
            #expect(findings.first { $0.package == "c" }?.layerOrigin == .unknown)
            #expect(input.findings[first]?.first { $0.package == "b" }?.suppressedByVEX == false)
            #expect(input.requests[second]?.map(\.reason) == ["please"])
            #expect(input.now == Date(timeIntervalSince1970: 1_795_000_000))
            #expect(input.policy.defaults == RebuildRules())
        }
    }

    @Test("a rebuild request and a base are stored; a base that would loop the lineage is refused", arguments: TestEngine.available)
    func requestsAndBases(engine: TestEngine) async throws {
        try await withStore(engine) { executor, store in
            // given
            let token = try await TokenStore(executor: executor).create(name: "ci", role: .ingest).info
            let registry = RegistryStore(executor: executor)
            let (first, second) = (try Digest(parsing: Self.first), try Digest(parsing: Self.second))
            _ = try await registry.registerImage(
                ImageRegistration(repository: try RepositoryName(parsing: "ghcr.io/acme/app"), digest: first, tags: ["latest"]))
            let base = ImageReference(repository: try RepositoryName(parsing: "docker.io/library/debian"), tag: "12", digest: second)

            // when
            let request = try #require(try await store.requestRebuild(digest: Self.first, reason: "please", by: token))
            let unknown = try await store.requestRebuild(digest: Self.second, reason: "please", by: token)
            let image = try await store.setBase(digest: Self.first, base: base)

            // then
            #expect(request.digest == Self.first && request.requestedBy == "ci" && unknown == nil)
            #expect(image.baseReference == base.description && image.baseDigest == Self.second)
            #expect(try await registry.image(digest: Self.second)?.repository == "docker.io/library/debian")
            let input = try await store.rebuildPlanInput()
            #expect(input.requests[first]?.map(\.reason) == ["please"])
            #expect(input.images.first { $0.digest == first }?.base == base)
            await #expect(throws: PlanningError.self) {
                _ = try await store.setBase(
                    digest: Self.second, base: ImageReference(repository: try RepositoryName(parsing: "ghcr.io/acme/app"), digest: first))
            }
            await #expect(throws: StorageError.self) {
                _ = try await store.setBase(digest: "sha256:" + String(repeating: "3", count: 64), base: base)
            }
        }
    }
}
