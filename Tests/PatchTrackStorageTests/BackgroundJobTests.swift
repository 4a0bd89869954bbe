import Foundation
import Logging
import PatchTrackCore
import Synchronization
import Testing

@testable import PatchTrackStorage

/// What the runs of one job saw: who ran, and the most runs at once.
private final class RunLog: Sendable {
    private let state = Mutex<(holders: [String], active: Int, mostActive: Int)>(([], 0, 0))

    func run(by holder: String) async throws -> String {
        state.withLock { state in
            state.holders.append(holder)
            state.active += 1
            state.mostActive = max(state.mostActive, state.active)
        }
        defer { state.withLock { $0.active -= 1 } }
        try await Task.sleep(for: .milliseconds(20))
        return "ran"
    }

    var holders: [String] { state.withLock { $0.holders } }
    var mostActive: Int { state.withLock { $0.mostActive } }

    /// Waits (up to 120 s: a machine running the whole suite beside other builds can wake tasks very late) until
    /// `condition` holds for the holders so far.
    func wait(until condition: ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while !condition(holders) {
            guard ContinuousClock.now < deadline else { throw WaitTimedOut(holders: holders) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct WaitTimedOut: Error { let holders: [String] }
}

@Suite("Background jobs under leases, on each engine")
struct BackgroundJobTests {
    private static let logger = Logger(label: "patchtrack.test.jobs")

    /// A runner trying every 100 ms. Its lease lasts 30 s, so that on a test machine busy enough to wake tasks
    /// seconds late the holder still renews in time; a stopped holder gives it up, and a dead one's expiry is tested
    /// with a lease of its own.
    private static func runner(_ executor: any SQLExecutor, holder: String, log: RunLog) -> LeasedJobRunner {
        LeasedJobRunner(
            leases: LeaseStore(executor: executor), holder: holder,
            jobs: [BackgroundJob(name: "sweep", every: .milliseconds(30)) { try await log.run(by: holder) }],
            tick: .milliseconds(100), leaseDuration: .seconds(30), logger: logger)
    }

    @Test("two processes: the job runs on one of them at a time, and moves to the other when its holder stops", arguments: TestEngine.available)
    func oneHolderThenHandover(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 2) { executors in
            // given: process A runs the job
            let log = RunLog()
            let first = Task { await Self.runner(executors[0], holder: "replica-a", log: log).run() }
            try await log.wait { $0.count >= 2 }
            // when: process B starts too, and both run for a while
            let second = Task { await Self.runner(executors[1], holder: "replica-b", log: log).run() }
            let before = log.holders.count
            try await log.wait { $0.count >= before + 3 }
            // then: only A ran it
            #expect(Set(log.holders) == ["replica-a"])
            // when: A stops (giving its lease up), B takes the job over without waiting for the lease to expire
            first.cancel()
            await first.value
            let handedOver = ContinuousClock.now
            try await log.wait { $0.last == "replica-b" }
            #expect(ContinuousClock.now - handedOver < .seconds(10))
            second.cancel()
            await second.value
            // then: never two runs at once, and B's lease is given up too
            #expect(log.mostActive == 1)
            #expect(try await LeaseStore(executor: executors[0]).holder(of: "sweep") == nil)
        }
    }

    @Test("a holder that died without giving its lease up is replaced once the lease expires", arguments: TestEngine.available)
    func deadHolder(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: a lease held by a process that is gone, expiring in 1.5 s
            let leases = LeaseStore(executor: executors[0])
            let expires = ContinuousClock.now.advanced(by: .milliseconds(1500))  // the lease ends no earlier
            #expect(try await leases.acquire("sweep", holder: "replica-dead", for: 1.5))
            // when: another process starts
            let log = RunLog()
            let survivor = Task { await Self.runner(executors[0], holder: "replica-b", log: log).run() }
            try await log.wait { !$0.isEmpty }
            survivor.cancel()
            await survivor.value
            // then: it ran the job only after the dead holder's lease expired
            #expect(ContinuousClock.now >= expires)
            #expect(Set(log.holders) == ["replica-b"])
        }
    }

    @Test("the retention job removes old snapshots in every environment, never an environment's current one", arguments: TestEngine.available)
    func retentionSweep(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: two environments; "prod" posted 100, 50 and 10 days ago, "lab" only 100 days ago
            let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
            let now: @Sendable () -> Date = { clock.withLock { $0 } }
            let environments = EnvironmentStore(executor: executors[0])
            _ = try await environments.put(name: "prod", EnvironmentSettings(stage: "production", order: 1, description: nil))
            _ = try await environments.put(name: "lab", EnvironmentSettings(stage: "test", order: 0, description: nil))
            let token = try await TokenStore(executor: executors[0]).create(name: "ci", role: .ingest).info
            let inventory = InventoryStore(executor: executors[0], now: now)
            let document = try InventoryDocument.parse(Data(
                #"[{"namespace": "shop", "workload": "web", "container": "app", "image": "ghcr.io/acme/web", "digest": "sha256:\#(String(repeating: "0a", count: 32))", "replicas": 2}]"#.utf8))
            let start = now()
            _ = try await inventory.record(environment: "lab", document, by: token)
            for (environment, daysAgo) in [("prod", 100), ("prod", 50), ("prod", 10)] {
                clock.withLock { $0 = start.addingTimeInterval(Double(100 - daysAgo) * 86_400) }
                _ = try await inventory.record(environment: environment, document, by: token)
            }
            clock.withLock { $0 = start.addingTimeInterval(100 * 86_400) }
            let generation = try await GenerationStore(executor: executors[0]).current()
            // when: the sweep keeps 30 days
            let removed = try await inventory.prune(retentionDays: 30)
            // then: prod keeps its 10-day-old snapshot, lab its only (current) one, though it is 100 days old
            #expect(removed == 2)
            let prod = try #require(try await inventory.snapshots(environment: "prod", before: nil, limit: 10))
            let lab = try #require(try await inventory.snapshots(environment: "lab", before: nil, limit: 10))
            #expect(prod.items.map(\.takenAt) == [Timestamp.format(start.addingTimeInterval(90 * 86_400))])
            #expect(lab.items.map(\.takenAt) == [Timestamp.format(start)])
            #expect(try await inventory.current(environment: "lab")?.workloads.count == 1)
            // and a sweep with nothing to remove writes nothing (no new generation: caches stay valid)
            let afterFirst = try await GenerationStore(executor: executors[0]).current()
            #expect(afterFirst.writes == generation.writes + 1)
            #expect(try await inventory.prune(retentionDays: 30) == 0)
            #expect(try await GenerationStore(executor: executors[0]).current() == afterFirst)
        }
    }
}
