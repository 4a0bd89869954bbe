import Foundation
import Synchronization
import Testing

@testable import PatchTrackHTTP

@Suite("Generation cache")
struct GenerationCacheTests {
    /// A computation that counts its runs and takes `delay` (so that concurrent misses overlap).
    private final class Source: Sendable {
        let runs = Atomic<Int>(0)
        let active = Atomic<Int>(0)
        /// The most computations that ran at once.
        let mostActive = Atomic<Int>(0)
        func compute(delay: Duration = .zero) async throws -> Int {
            let run = runs.add(1, ordering: .relaxed).newValue
            let now = active.add(1, ordering: .relaxed).newValue
            defer { active.subtract(1, ordering: .relaxed) }
            mostActive.max(now, ordering: .relaxed)
            if delay > .zero { try await Task.sleep(for: delay) }
            return run
        }
    }

    @Test("concurrent misses at one generation share one computation; a new generation or an old answer computes again")
    func sharing() async throws {
        let cache = GenerationCache<Int>(maximumAge: 30) { 0 }
        let source = Source()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // when: 16 requests miss together at generation 7
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask { try await cache.value("all", generation: 7, now: start) { try await source.compute(delay: .milliseconds(200)) } }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // then: one computation answered them all, and the next request reuses it
        #expect(answers == Array(repeating: 1, count: 16))
        #expect(try await cache.value("all", generation: 7, now: start.addingTimeInterval(29)) { try await source.compute() } == 1)
        // another variant, a new generation, and an answer past its maximum age are computed anew
        #expect(try await cache.value("breached", generation: 7, now: start) { try await source.compute() } == 2)
        #expect(try await cache.value("all", generation: 8, now: start) { try await source.compute() } == 3)
        #expect(try await cache.value("all", generation: 8, now: start.addingTimeInterval(31)) { try await source.compute() } == 4)
        #expect(source.runs.load(ordering: .relaxed) == 4)
    }

    @Test("under a stream of writes, requests share at most two computations, each started after the request arrived")
    func queued() async throws {
        let generation = Atomic<Int>(1)
        let cache = GenerationCache<Int>(maximumAge: 30) { generation.load(ordering: .relaxed) }
        let source = Source()
        let now = Date()
        // given: a computation running at generation 1
        let first = Task { try await cache.value("all", generation: 1, now: now) { try await source.compute(delay: .milliseconds(300)) } }
        try await Task.sleep(for: .milliseconds(50))
        // when: a write lands (generation 2) and 16 requests that saw it arrive while the first computation runs
        generation.store(2, ordering: .relaxed)
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask { try await cache.value("all", generation: 2, now: now) { try await source.compute(delay: .milliseconds(100)) } }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // then: they did not take the answer computed at generation 1; one computation, queued behind the first
        // (never two at once), answered them all
        #expect(try await first.value == 1)
        #expect(answers == Array(repeating: 2, count: 16))
        #expect(source.runs.load(ordering: .relaxed) == 2)
        #expect(source.mostActive.load(ordering: .relaxed) == 1)
        // and its answer is kept for generation 2 (and for a request that saw generation 1)
        #expect(try await cache.value("all", generation: 2, now: now) { try await source.compute() } == 2)
        #expect(try await cache.value("all", generation: 1, now: now) { try await source.compute() } == 2)
    }

    @Test("a failed computation is not kept: the next request tries again")
    func failure() async throws {
        struct Down: Error {}
        let cache = GenerationCache<Int>(maximumAge: 30) { 0 }
        let now = Date()
        await #expect(throws: Down.self) { try await cache.value("all", generation: 1, now: now) { throw Down() } }
        #expect(try await cache.value("all", generation: 1, now: now) { 5 } == 5)
    }
}
