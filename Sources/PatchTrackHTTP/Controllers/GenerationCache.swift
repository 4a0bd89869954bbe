import Foundation
import Synchronization

/// Answers derived from the whole database (the fleet status, the SLA breaches, the rebuild plan), kept per variant
/// for the write generation they were computed at and for at most `maximumAge` seconds of the database's clock (their
/// SLA standings move with time, not only with writes).
///
/// At most one computation per variant runs at a time, plus at most one queued behind it:
/// - a request that observed generation g takes a kept answer computed at g or later, else joins the running
///   computation when that one started at g or later;
/// - otherwise it joins the queued computation, which starts once the running one ends and reads the generation
///   then, so it sees every write the request could have seen;
/// - otherwise it queues one (or starts one when none runs).
/// Under a stream of writes, every request still gets an answer computed after it arrived, but 32 requests cost two
/// computations instead of 32 computations fighting for two cores.
final class GenerationCache<Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let generation: Int
        let computedAt: Date
    }

    private struct Flight {
        let id: Int
        let task: Task<Value, any Error>
        /// The generation the computation started at; nil while it is queued.
        var generation: Int?
    }

    private struct Flights {
        var running: Flight?
        var queued: Flight?
    }

    private let maximumAge: TimeInterval
    private let maximumVariants: Int
    private let currentGeneration: @Sendable () async throws -> Int
    private let entries = Mutex<[String: Entry]>([:])
    private let flights = Mutex<(next: Int, byVariant: [String: Flights])>((0, [:]))

    /// `currentGeneration` reads the write generation when a queued computation starts.
    init(maximumAge: TimeInterval, maximumVariants: Int = 16, currentGeneration: @escaping @Sendable () async throws -> Int) {
        self.maximumAge = maximumAge
        self.maximumVariants = maximumVariants
        self.currentGeneration = currentGeneration
    }

    /// The value of `variant` for a request that observed `generation` at `now`: kept, shared with a computation
    /// running or queued, or computed (see the type's description).
    func value(
        _ variant: String, generation: Int, now: Date, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if let kept = kept(variant, generation: generation, now: now) { return kept }
        let task = flights.withLock { state -> Task<Value, any Error> in
            var flights = state.byVariant[variant] ?? Flights()
            defer { state.byVariant[variant] = flights }
            if let running = flights.running, let started = running.generation, started >= generation { return running.task }
            if let queued = flights.queued { return queued.task }
            state.next += 1
            let id = state.next
            if let running = flights.running {
                let previous = running.task
                let task = Task { [self] in
                    defer { finish(variant, id: id) }
                    _ = try? await previous.value
                    let started = try await currentGeneration()
                    promote(variant, id: id, generation: started)
                    return try await run(variant, generation: started, now: now, compute: compute)
                }
                flights.queued = Flight(id: id, task: task, generation: nil)
                return task
            }
            let task = Task { [self] in
                defer { finish(variant, id: id) }
                return try await run(variant, generation: generation, now: now, compute: compute)
            }
            flights.running = Flight(id: id, task: task, generation: generation)
            return task
        }
        return try await task.value
    }

    /// The value of `variant` if computed at `generation` or later, less than `maximumAge` before `now`.
    func kept(_ variant: String, generation: Int, now: Date) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[variant], entry.generation >= generation else { return nil }
            let age = now.timeIntervalSince(entry.computedAt)
            return age >= 0 && age < maximumAge ? entry.value : nil
        }
    }

    /// The last value computed for `variant`, whatever its generation and age, with when it was computed.
    func latest(_ variant: String) -> (value: Value, computedAt: Date)? {
        entries.withLock { entries in entries[variant].map { ($0.value, $0.computedAt) } }
    }

    // MARK: - Flights

    private func run(
        _ variant: String, generation: Int, now: Date, compute: @Sendable () async throws -> Value
    ) async throws -> Value {
        let value = try await compute()
        entries.withLock { entries in
            if let kept = entries[variant], kept.generation > generation { return }
            if entries[variant] == nil, entries.count >= maximumVariants { entries.removeAll() }
            entries[variant] = Entry(value: value, generation: generation, computedAt: now)
        }
        return value
    }

    /// The queued computation `id` starts, at `generation`.
    private func promote(_ variant: String, id: Int, generation: Int) {
        flights.withLock { state in
            guard var flights = state.byVariant[variant], var queued = flights.queued, queued.id == id else { return }
            queued.generation = generation
            flights.running = queued
            flights.queued = nil
            state.byVariant[variant] = flights
        }
    }

    /// The computation `id` ended.
    private func finish(_ variant: String, id: Int) {
        flights.withLock { state in
            guard var flights = state.byVariant[variant] else { return }
            if flights.running?.id == id { flights.running = nil }
            if flights.queued?.id == id { flights.queued = nil }
            state.byVariant[variant] = flights.running == nil && flights.queued == nil ? nil : flights
        }
    }
}
