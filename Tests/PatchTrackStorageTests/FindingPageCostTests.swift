import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// Issue 16: a findings page reads from indexes, so its cost does not grow with advisories that are not on it.
/// Measured in SQLite virtual-machine steps (rows visited and index probes), which do not depend on the machine.
@Suite("Finding page cost")
struct FindingPageCostTests {
    /// `count` advisories no image is affected by, each with an alias, an upstream id and a match key, as intake
    /// writes them.
    private static func insertUnrelatedAdvisories(_ session: any SQLSession, count: Int) throws {
        let now = "2024-01-01T00:00:00.000Z"
        var advisories = SQLBatchInsert(
            into: "advisory",
            columns: ["osvId", "modified", "severityLevel", "vulnerabilityId", "record", "importedAt", "updatedAt"],
            tail: "RETURNING id")
        for index in 0..<count {
            advisories.append("UNRELATED-\(index)", now, "high", "CVE-2099-\(index)", #"{"id":"UNRELATED-\#(index)"}"#, now, now)
        }
        let ids = try session.insert(advisories).rows.map { try $0.decode(0, as: Int64.self) }
        var aliases = SQLBatchInsert(into: "advisoryAlias", columns: ["advisoryId", "alias", "kind"])
        var keys = SQLBatchInsert(into: "advisoryKey", columns: ["advisoryId", "matchKey"])
        for (index, id) in ids.enumerated() {
            aliases.append(id, "CVE-2099-\(index)", "alias")
            aliases.append(id, "GHSA-unrelated-\(index)", "upstream")
            keys.append(id, "npm|unrelated-package-\(index)")
        }
        _ = try session.insert(aliases)
        _ = try session.insert(keys)
    }

    /// The steps of one request: run once to warm the statement cache, then counted.
    private static func steps(_ executor: SQLiteExecutor, _ request: () async throws -> Void) async throws -> Int {
        try await request()
        let before = executor.virtualMachineSteps
        try await request()
        return executor.virtualMachineSteps - before
    }

    @Test("a page costs the same with 10 or 10,000 unrelated advisories")
    func independentOfUnrelatedAdvisories() async throws {
        var costs: [[Int]] = []
        for unrelated in [10, 10_000] {
            costs.append(try await TestEngine.sqlite.withDatabase { executors in
                let executor = try #require(executors[0] as? SQLiteExecutor)
                let scene = try await executor.write { session in
                    let scene = try FindingStoreTests.insertScene(session)
                    try Self.insertUnrelatedAdvisories(session, count: unrelated)
                    return scene
                }
                let store = FindingStore(executor: executor)
                let image = try #require(try await executor.read { session in
                    try session.fetchValue("SELECT i.digest FROM image i JOIN finding f ON f.imageId = i.id LIMIT 1", as: String.self)
                })
                var pages: [Int] = []
                for filter in [FindingFilter(), FindingFilter(imageDigest: image), FindingFilter(vulnerabilityId: "CVE-2024-1")] {
                    pages.append(try await Self.steps(executor) {
                        let page = try #require(try await store.list(filter, after: nil, limit: 100))
                        // the pages hold the scene's rows, none of the unrelated advisories
                        #expect(!page.items.isEmpty && page.items.count <= scene.findings.count + scene.verdicts.count)
                        #expect(!page.items.contains { $0.vulnerabilityId.hasPrefix("CVE-2099-") })
                    })
                }
                return pages
            })
        }
        #expect(costs[0].allSatisfy { $0 > 0 })
        #expect(costs[0] == costs[1], "virtual-machine steps per page with 10 and with 10,000 unrelated advisories")
    }
}
