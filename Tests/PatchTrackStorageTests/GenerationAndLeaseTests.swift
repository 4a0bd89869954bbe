import Foundation
import PatchTrackCore
import Synchronization
import Testing

@testable import PatchTrackStorage

@Suite("Generations and leases, on each engine")
struct GenerationAndLeaseTests {
    @Test("a committed write bumps the generations for every process; a rolled-back one does not", arguments: TestEngine.available)
    func generations(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 2) { executors in
            // given: two processes on one database
            let writer = GenerationStore(executor: executors[0])
            let reader = GenerationStore(executor: executors[1])
            let start = try await reader.current()
            // when: a write that can change findings, then one that cannot
            try await writer.write { session in
                _ = try session.execute("INSERT INTO repository (name, createdAt) VALUES ('docker.io/library/a', '2026-01-01T00:00:00.000Z')")
            }
            let afterFindingWrite = try await reader.current()
            _ = try await TokenStore(executor: executors[0]).create(name: "ci", role: .ingest)
            let afterTokenWrite = try await reader.current()
            // and a write that fails after its first statement
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await writer.write { session in
                    try session.execute("INSERT INTO repository (name, createdAt) VALUES ('docker.io/library/b', '2026-01-01T00:00:00.000Z')")
                    throw Refused()
                }
            }
            let afterRollback = try await reader.current()
            // then: the other process sees each committed write at once, and nothing of the failed one
            #expect(afterFindingWrite == Generations(writes: start.writes + 1, findingWrites: start.findingWrites + 1))
            #expect(afterTokenWrite == Generations(writes: start.writes + 2, findingWrites: start.findingWrites + 1))
            #expect(afterRollback == afterTokenWrite)
            let names = try await executors[1].read { session in
                try session.fetchAll("SELECT name FROM repository ORDER BY name").map { try $0.decode(0, as: String.self) }
            }
            #expect(names == ["docker.io/library/a"])
        }
    }

    @Test("concurrent writers of both kinds on several processes: every bump counted, no deadlock", arguments: TestEngine.available)
    func concurrentBumps(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 4) { executors in
            let start = try await GenerationStore(executor: executors[0]).current()
            let writers = 8
            let writesEach = 25
            // Each writer alternates writes that can change findings (both counters) with writes that cannot (one):
            // before the counters were bumped one row at a time in a fixed order, PostgreSQL could lock the two rows
            // in opposite orders for two writers and abort one of them as a deadlock.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    let store = GenerationStore(executor: executors[writer % executors.count])
                    group.addTask {
                        for write in 0..<writesEach {
                            try await store.write(affectsFindings: write % 2 == 0) { session in
                                _ = try session.execute(
                                    """
                                    INSERT INTO repository (name, createdAt)
                                    VALUES (\("docker.io/race/w\(writer)-\(write)"), '2026-01-01T00:00:00.000Z')
                                    """)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let end = try await GenerationStore(executor: executors[1]).current()
            #expect(end.writes == start.writes + writers * writesEach)
            #expect(end.findingWrites == start.findingWrites + writers * ((writesEach + 1) / 2))
        }
    }

    @Test("a lease has one holder until it expires, then another takes it over", arguments: TestEngine.available)
    func leaseTakeover(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 2) { executors in
            // given: two processes sharing a clock
            let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
            let now: @Sendable () -> Date = { clock.withLock { $0 } }
            let first = LeaseStore(executor: executors[0], now: now)
            let second = LeaseStore(executor: executors[1], now: now)
            // when / then
            #expect(try await first.acquire("plan-refresh", holder: "replica-a", for: 30))
            #expect(try await second.acquire("plan-refresh", holder: "replica-b", for: 30) == false)
            #expect(try await first.acquire("plan-refresh", holder: "replica-a", for: 30))  // renewal
            #expect(try await second.holder(of: "plan-refresh") == "replica-a")
            #expect(try await second.acquire("retention", holder: "replica-b", for: 30))  // another job is free
            clock.withLock { $0 = $0.addingTimeInterval(31) }
            #expect(try await second.holder(of: "plan-refresh") == nil)
            #expect(try await second.acquire("plan-refresh", holder: "replica-b", for: 30))
            #expect(try await first.acquire("plan-refresh", holder: "replica-a", for: 30) == false)
            try await second.release("plan-refresh", holder: "replica-b")
            #expect(try await first.acquire("plan-refresh", holder: "replica-a", for: 30))
        }
    }

    @Test("processes racing for a free lease: exactly one wins", arguments: TestEngine.available)
    func leaseRace(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 3) { executors in
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<12 {
                    let store = LeaseStore(executor: executors[attempt % executors.count])
                    group.addTask { try await store.acquire("feed-sync", holder: "replica-\(attempt)", for: 60) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }
}
