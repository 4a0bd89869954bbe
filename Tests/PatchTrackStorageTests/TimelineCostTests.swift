import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// Issue 16: one finding's timeline reads its own rebuild chain, so its cost does not grow with the rebuilds of
/// other images. Measured in SQLite virtual-machine steps, which do not depend on the machine.
@Suite("Timeline cost")
struct TimelineCostTests {
    /// `count` rebuilds of unrelated images, each old image with a finding that its successor fixed.
    private static func insertUnrelatedRebuilds(_ session: any SQLSession, count: Int) throws {
        let now = "2026-11-01T00:00:00.000Z"
        let repository = try #require(try session.fetchValue(
            "INSERT INTO repository (name, createdAt) VALUES ('ghcr.io/acme/unrelated', \(now)) RETURNING id", as: Int64.self))
        let advisory = try #require(try session.fetchValue("SELECT id FROM advisory WHERE osvId = 'CVE-1'", as: Int64.self))
        for index in 0..<count {
            var ids: [Int64] = []
            for generation in 0..<2 {
                let digest = "sha256:" + String(format: "%062x%02x", index, generation + 0xe0)
                ids.append(try #require(try session.fetchValue(
                    """
                    INSERT INTO image (digest, repositoryId, firstSeen, lastSeen) VALUES (\(digest), \(repository), \(now), \(now))
                    RETURNING id
                    """, as: Int64.self)))
            }
            try session.execute(
                "INSERT INTO supersession (imageId, successorImageId, supersededAt) VALUES (\(ids[0]), \(ids[1]), \(now))")
            let finding = try #require(try session.fetchValue(
                """
                INSERT INTO finding (imageId, purl, ecosystem, packageName, installedVersion, advisoryId, vulnerabilityId,
                    fixedVersion, severityLevel, state, firstDetected, lastDetected)
                VALUES (\(ids[0]), 'pkg:deb/debian/other@1.0', 'Debian', 'other', '1.0', \(advisory), 'CVE-OTHER', '1.1',
                    'high', 'open', \(now), \(now))
                RETURNING id
                """, as: Int64.self))
            try session.execute(
                """
                INSERT INTO findingFate (findingId, successorImageId, fate, decidedAt)
                VALUES (\(finding), \(ids[1]), 'fixed_in_successor', \(now))
                """)
        }
    }

    @Test("a finding's timeline costs the same with 1 or 300 unrelated rebuilds")
    func independentOfUnrelatedRebuilds() async throws {
        var costs: [Int] = []
        var answers: [FindingProgress?] = []
        for unrelated in [1, 300] {
            let (cost, answer) = try await TestEngine.sqlite.withDatabase { executors in
                let executor = try #require(executors[0] as? SQLiteExecutor)
                let clock = FixtureClock(FleetFixture.now)
                let findings = try await FleetFixture.write(executor, clock: clock)
                try await executor.write { session in try Self.insertUnrelatedRebuilds(session, count: unrelated) }
                let store = ProgressStore(executor: executor, now: clock.now)
                _ = try await store.findingProgress(id: findings["f1"])  // warms the statement cache
                let before = executor.virtualMachineSteps
                let answer = try await store.findingProgress(id: findings["f1"])
                return (executor.virtualMachineSteps - before, answer)
            }
            costs.append(cost)
            answers.append(answer)
        }
        // the finding of a rebuilt image: its chain is read (the successor fixed it)
        #expect(answers[0]?.timeline.patchedDigest?.value == FleetFixture.b)
        #expect(answers[0] == answers[1])
        #expect(costs[0] > 0 && costs[0] == costs[1], "virtual-machine steps of one timeline with 1 and with 300 unrelated rebuilds")
    }
}
