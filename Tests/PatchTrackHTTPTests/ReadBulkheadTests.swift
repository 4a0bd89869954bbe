import Synchronization
import Testing

@testable import PatchTrackHTTP

@Suite("Read bulkhead")
struct ReadBulkheadTests {
    /// The order in which the reads started.
    final class Started: Sendable {
        private let order = Mutex<[Int]>([])
        func append(_ index: Int) { order.withLock { $0.append(index) } }
        var all: [Int] { order.withLock { $0 } }
    }

    /// Waits until `condition` holds, yielding between checks (at most about 5 s).
    private static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<5_000 where !condition() {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("at most `limit` heavy reads run; the others wait and start in arrival order; a cancelled waiter leaves")
    func boundsAndOrder() async throws {
        let bulkhead = ReadBulkhead(limit: 2)
        let started = Started()
        let gates = (0..<5).map { _ in AsyncStream<Void>.makeStream() }
        var tasks: [Task<Int, any Error>] = []
        for index in 0..<5 {
            let gate = gates[index].stream
            tasks.append(Task {
                try await bulkhead.run {
                    started.append(index)
                    for await _ in gate { break }
                    return index
                }
            })
            // arrival order is the order of the calls: wait until this one runs or waits
            try await Self.eventually { bulkhead.load.running + bulkhead.load.waiting == index + 1 }
        }
        #expect(bulkhead.load == (running: 2, waiting: 3))
        #expect(started.all == [0, 1])

        // a waiting request whose client is gone stops waiting without taking a slot
        tasks[3].cancel()
        await #expect(throws: CancellationError.self) { try await tasks[3].value }
        #expect(bulkhead.load == (running: 2, waiting: 2))

        // each finished read hands its slot to the longest-waiting one
        gates[0].continuation.yield()
        #expect(try await tasks[0].value == 0)
        try await Self.eventually { started.all.count == 3 }
        #expect(started.all == [0, 1, 2])
        gates[1].continuation.yield()
        _ = try await tasks[1].value
        try await Self.eventually { started.all.count == 4 }
        #expect(started.all == [0, 1, 2, 4])
        gates[2].continuation.yield()
        gates[4].continuation.yield()
        _ = try await tasks[2].value
        _ = try await tasks[4].value
        #expect(bulkhead.load == (running: 0, waiting: 0))
    }
}
