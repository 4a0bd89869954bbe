import Foundation
import NIOCore
import PatchTrackCore
import PatchTrackStorage
import Synchronization

/// The last computed rebuild plan with the write generation it was computed at. Dashboards poll the plan; it only
/// changes when data is written (or, for the age rule, with time), so it is reused until either happens.
final class PlanCache: Sendable {
    private struct Entry {
        let plan: RebuildPlan
        let generatedAt: Date
        let generation: Int
        /// Encoded answers of this plan by variant (format and query), with their entity tags, at most
        /// `maximumBodies` of them.
        var bodies: [String: (body: ByteBuffer, tag: String)] = [:]
    }

    private static let maximumBodies = 8

    private let entry = Mutex<Entry?>(nil)
    private let refreshing = Mutex(false)
    /// The plan being computed now and the generation it is for: requests that miss the cache at the same
    /// generation wait for it instead of each computing the same plan (32 clients arriving after a write would
    /// otherwise run 32 plans on 2 cores).
    private let inFlight = Mutex<(generation: Int, task: Task<(RebuildPlan, Date), any Error>)?>(nil)

    /// The plan computed at `generation`, if it is younger than `maximumAge` seconds.
    func plan(generation: Int, maximumAge: TimeInterval) -> (RebuildPlan, Date)? {
        entry.withLock { entry in
            guard let entry, entry.generation == generation, Date().timeIntervalSince(entry.generatedAt) < maximumAge else { return nil }
            return (entry.plan, entry.generatedAt)
        }
    }

    /// The encoded answer `variant` of the plan computed at `generation` and its entity tag, if kept and still fresh.
    func body(_ variant: String, generation: Int, maximumAge: TimeInterval) -> (body: ByteBuffer, tag: String)? {
        entry.withLock { entry in
            guard let entry, entry.generation == generation, Date().timeIntervalSince(entry.generatedAt) < maximumAge else { return nil }
            return entry.bodies[variant]
        }
    }

    /// Keeps an encoded answer of the plan computed at `generation`, with its entity tag.
    func store(body: ByteBuffer, tag: String, variant: String, generation: Int) {
        entry.withLock { entry in
            guard entry?.generation == generation, (entry?.bodies.count ?? 0) < Self.maximumBodies else { return }
            entry?.bodies[variant] = (body, tag)
        }
    }

    /// The last plan computed, whatever its generation and age, with when it was computed.
    func latest() -> (RebuildPlan, Date)? {
        entry.withLock { entry in entry.map { ($0.plan, $0.generatedAt) } }
    }

    /// Claims the one background refresh allowed at a time; false when one is running.
    func claimRefresh() -> Bool {
        refreshing.withLock { running in
            if running { return false }
            running = true
            return true
        }
    }

    /// Ends the background refresh.
    func endRefresh() {
        refreshing.withLock { $0 = false }
    }

    /// The computation of the plan at `generation`: the one running, or `compute` started now.
    func computation(
        generation: Int, _ compute: @escaping @Sendable () async throws -> (RebuildPlan, Date)
    ) -> Task<(RebuildPlan, Date), any Error> {
        inFlight.withLock { running in
            if let running, running.generation == generation { return running.task }
            let task = Task { try await compute() }
            running = (generation, task)
            return task
        }
    }

    /// Forgets the computation at `generation` once it ended (a later miss starts a new one).
    func computationEnded(generation: Int) {
        inFlight.withLock { running in
            if running?.generation == generation { running = nil }
        }
    }

    /// Keeps `plan`.
    func store(_ plan: RebuildPlan, generatedAt: Date, generation: Int) {
        entry.withLock { $0 = Entry(plan: plan, generatedAt: generatedAt, generation: generation) }
    }
}

/// The rebuild plan of the current data, computed at most once per write generation (and minute).
struct PlanSource: Sendable {
    let database: AppDatabase
    let cache: PlanCache

    /// The plan of the current data: the cached one when no write happened since and it is under a minute old.
    func current(generation: Int? = nil) async throws -> (RebuildPlan, Date) {
        let generation = if let generation { generation } else { try await database.writeGeneration() }
        if let cached = cache.plan(generation: generation, maximumAge: 60) { return cached }
        let computation = cache.computation(generation: generation) { [database, cache] in
            defer { cache.computationEnded(generation: generation) }
            let input = try await database.rebuilds.rebuildPlanInput()
            let plan = try Self.plan(input)
            cache.store(plan, generatedAt: input.now, generation: generation)
            return (plan, input.now)
        }
        return try await computation.value
    }

    /// The current plan when it is cached; otherwise the last one computed, while a fresh plan is computed in the
    /// background (one at a time); only when none was ever computed does the caller wait. For the figures of
    /// dashboards and scrapes, which may lag one write behind for the few hundred milliseconds a plan takes.
    func recent() async throws -> (RebuildPlan, Date) {
        let generation = try await database.writeGeneration()
        if let cached = cache.plan(generation: generation, maximumAge: 60) { return cached }
        guard let latest = cache.latest() else { return try await current(generation: generation) }
        if cache.claimRefresh() {
            Task.detached { [self] in
                defer { cache.endRefresh() }
                // Let the request that noticed the change (and a burst of writes) finish first: on two cores a plan
                // computed at once halves the speed of the fleet figures it would be answered with.
                try? await Task.sleep(for: .milliseconds(200))
                _ = try? await current()
            }
        }
        return latest
    }

    /// Images needing a rebuild by reason code (each image once per reason it has), from ``recent()``.
    func reasonCounts() async throws -> [String: Int] {
        Self.reasonCounts(try await recent().0)
    }

    static func reasonCounts(_ plan: RebuildPlan) -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RebuildReasonCode.allCases.map { ($0.rawValue, 0) })
        for entry in plan.entries {
            for code in Set(entry.reasonCodes) { counts[code.rawValue, default: 0] += 1 }
        }
        return counts
    }

    /// Plans, answering a lineage loop (possible when base tags move) as a conflict that names it.
    static func plan(_ input: RebuildPlanInput) throws -> RebuildPlan {
        do {
            return try RebuildPlanner.plan(input)
        } catch {
            throw ProblemDetails(.conflict, status: .conflict, detail: "the rebuild plan cannot be ordered: \(error.description)")
        }
    }
}
