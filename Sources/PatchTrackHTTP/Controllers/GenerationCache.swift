import Foundation
import Synchronization

/// Answers derived from the whole database (the fleet status, the SLA breaches), kept per variant for the write
/// generation they were computed at and for at most `maximumAge` seconds of the database's clock (their SLA
/// standings move with time, not only with writes). Requests that miss together at one generation wait for one
/// computation instead of each running it; a dashboard paging through a list costs one computation per change.
final class GenerationCache<Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let generation: Int
        let computedAt: Date
    }

    private let maximumAge: TimeInterval
    private let maximumVariants: Int
    private let entries = Mutex<[String: Entry]>([:])
    private let inFlight = Mutex<[String: (generation: Int, task: Task<Value, any Error>)]>([:])

    init(maximumAge: TimeInterval, maximumVariants: Int = 16) {
        self.maximumAge = maximumAge
        self.maximumVariants = maximumVariants
    }

    /// The value of `variant` at `generation`: kept if computed at that generation less than `maximumAge` before
    /// `now`, else the computation in flight for it, else `compute` run now (and kept).
    func value(
        _ variant: String, generation: Int, now: Date, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let kept = kept(variant, generation: generation, now: now) { return kept }
        let task = inFlight.withLock { running -> Task<Value, any Error> in
            if let current = running[variant], current.generation == generation { return current.task }
            let task = Task { [self] in
                defer { inFlight.withLock { if $0[variant]?.generation == generation { $0[variant] = nil } } }
                let value = try await compute()
                entries.withLock { entries in
                    if entries[variant] == nil, entries.count >= maximumVariants { entries.removeAll() }
                    entries[variant] = Entry(value: value, generation: generation, computedAt: now)
                }
                return value
            }
            running[variant] = (generation, task)
            return task
        }
        return try await task.value
    }

    /// The value of `variant` if computed at `generation` less than `maximumAge` before `now`.
    func kept(_ variant: String, generation: Int, now: Date) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[variant], entry.generation == generation else { return nil }
            let age = now.timeIntervalSince(entry.computedAt)
            return age >= 0 && age < maximumAge ? entry.value : nil
        }
    }

    /// The last value computed for `variant`, whatever its generation and age, with when it was computed.
    func latest(_ variant: String) -> (value: Value, computedAt: Date)? {
        entries.withLock { entries in entries[variant].map { ($0.value, $0.computedAt) } }
    }
}
