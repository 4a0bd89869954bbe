import Foundation
import PatchTrackCore

/// What every store on the seam holds: the executor, through the generations its writes bump, and the clock.
struct StoreContext: Sendable {
    /// Write transactions that bump the generations.
    let generations: GenerationStore
    /// The clock, injected so tests can fix time.
    let now: @Sendable () -> Date

    init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date) {
        self.generations = GenerationStore(executor: executor)
        self.now = now
    }

    /// The executor, for reads.
    var executor: any SQLExecutor { generations.executor }

    /// The current time as stored: RFC 3339 UTC with milliseconds.
    var timestamp: String { Timestamp.format(now()) }
}
