import Foundation
import NIOCore
import PatchTrackCore
import PatchTrackStorage
import Synchronization

/// The rebuild plan per write generation and its encoded answers. Dashboards poll the plan; it only changes when
/// data is written (or, for the age rule, with time), so it is reused until either happens. The plan itself is a
/// ``GenerationCache`` entry (one computation per generation however many requests miss together: 32 clients
/// arriving after a write would otherwise run 32 plans on 2 cores); the answers encoded from it are kept beside it.
final class PlanCache: Sendable {
    /// How long a plan is reused without a write: its age rule moves with time.
    static let maximumAge: TimeInterval = 60
    private static let maximumBodies = 8

    /// Encoded answers of the plan computed at `generation`, by variant (format and query), with their entity tags.
    private struct Bodies {
        let generation: Int
        let computedAt: Date
        var byVariant: [String: (body: ByteBuffer, tag: String)] = [:]
    }

    let plans: GenerationCache<PlanAt>
    /// The planner's per-image checks of the last plan (plans are computed one at a time: ``plans``).
    private let memo = Mutex(RebuildPlanMemo())
    /// The whole plan's entries as JSON, from the last unfiltered JSON answer.
    let encodings = EntryEncodings()
    private let bodies = Mutex<Bodies?>(nil)
    private let refreshing = Mutex(false)

    /// `currentGeneration` reads the database's write generation (for a plan computation queued behind another).
    init(currentGeneration: @escaping @Sendable () async throws -> Int) {
        plans = GenerationCache(maximumAge: PlanCache.maximumAge, maximumVariants: 1, currentGeneration: currentGeneration)
    }

    /// The variant under which ``plans`` keeps the plan.
    static let variant = "plan"

    /// The encoded answer `variant` of the plan computed at `generation` and its entity tag, if kept and still fresh
    /// at `now` (the database's clock).
    func body(_ variant: String, generation: Int, now: Date) -> (body: ByteBuffer, tag: String)? {
        bodies.withLock { bodies in
            guard let bodies, bodies.generation == generation else { return nil }
            let age = now.timeIntervalSince(bodies.computedAt)
            guard age >= 0, age < Self.maximumAge else { return nil }
            return bodies.byVariant[variant]
        }
    }

    /// Keeps an encoded answer of `plan`, computed at `generation`, with its entity tag.
    func store(body: ByteBuffer, tag: String, variant: String, of plan: PlanAt, generation: Int) {
        bodies.withLock { bodies in
            if bodies?.generation != generation || bodies?.computedAt != plan.computedAt {
                bodies = Bodies(generation: generation, computedAt: plan.computedAt)
            }
            guard (bodies?.byVariant.count ?? 0) < Self.maximumBodies else { return }
            bodies?.byVariant[variant] = (body, tag)
        }
    }

    /// Plans `input` with the kept memo, keeping the new one.
    func plan(_ input: RebuildPlanInput) throws(PlanningError) -> RebuildPlan {
        var memo = memo.withLock { $0 }
        let plan = try RebuildPlanner.plan(input, memo: &memo)
        self.memo.withLock { [memo] in $0 = memo }
        return plan
    }

    /// The last plan computed, whatever its generation and age.
    func latest() -> PlanAt? { plans.latest(Self.variant)?.value }

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
}

/// A rebuild plan, when (by the database's clock) it was computed, and the write generation of the data it was
/// computed from: the plan is a function of the data and the time, so the three identify its answers.
struct PlanAt: Sendable {
    let plan: RebuildPlan
    let computedAt: Date
    let generation: Int
}

/// The rebuild plan of the current data, computed at most once per write generation (and minute).
struct PlanSource: Sendable {
    let database: AppDatabase
    let cache: PlanCache

    /// The plan of the current data: the cached one when no write happened since and it is under a minute old.
    func current(generation: Int? = nil) async throws -> PlanAt {
        let generation = if let generation { generation } else { try await database.writeGeneration() }
        return try await cache.plans.value(PlanCache.variant, generation: generation, now: database.currentDate) { [database] in
            let (input, generation) = try await database.rebuilds.rebuildPlanInputAndGeneration()
            return PlanAt(plan: try Self.plan(input, cache: cache), computedAt: input.now, generation: generation)
        }
    }

    /// The current plan when it is cached; otherwise the last one computed, while a fresh plan is computed in the
    /// background (one at a time); only when none was ever computed does the caller wait. For the figures of
    /// dashboards and scrapes, which may lag one write behind for the few hundred milliseconds a plan takes.
    func recent() async throws -> PlanAt {
        let generation = try await database.writeGeneration()
        guard let latest = cache.latest() else { return try await current(generation: generation) }
        if let cached = cache.plans.kept(PlanCache.variant, generation: generation, now: database.currentDate) { return cached }
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
        Self.reasonCounts(try await recent().plan)
    }

    static func reasonCounts(_ plan: RebuildPlan) -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RebuildReasonCode.allCases.map { ($0.rawValue, 0) })
        for entry in plan.entries {
            for code in Set(entry.reasonCodes) { counts[code.rawValue, default: 0] += 1 }
        }
        return counts
    }

    /// Plans, answering a lineage loop (possible when base tags move) as a conflict that names it.
    static func plan(_ input: RebuildPlanInput, cache: PlanCache? = nil) throws -> RebuildPlan {
        do throws(PlanningError) {
            if let cache { return try cache.plan(input) }
            return try RebuildPlanner.plan(input)
        } catch {
            throw ProblemDetails(.conflict, status: .conflict, detail: "the rebuild plan cannot be ordered: \(error.description)")
        }
    }
}
