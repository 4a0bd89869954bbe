import Foundation
import Synchronization
import Testing

@testable import PatchTrackHTTP

@Suite("Generation cache")
struct GenerationCacheTests {
    /// A computation that counts its runs and takes `delay` (so that concurrent misses overlap).
    private final class Source: Sendable {
        let runs = Atomic<Int>(0)
        func compute(delay: Duration = .zero) async throws -> Int {
            let run = runs.add(1, ordering: .relaxed).newValue
            if delay > .zero { try await Task.sleep(for: delay) }
            return run
        }
    }

    @Test("concurrent misses at one generation share one computation; a new generation or an old answer computes again")
    func sharing() async throws {
        let cache = GenerationCache<Int>(maximumAge: 30)
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

    @Test("a failed computation is not kept: the next request tries again")
    func failure() async throws {
        struct Down: Error {}
        let cache = GenerationCache<Int>(maximumAge: 30)
        let now = Date()
        await #expect(throws: Down.self) { try await cache.value("all", generation: 1, now: now) { throw Down() } }
        #expect(try await cache.value("all", generation: 1, now: now) { 5 } == 5)
    }
}
