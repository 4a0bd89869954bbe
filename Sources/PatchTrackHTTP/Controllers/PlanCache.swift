import Foundation
import PatchTrackCore
import Synchronization

/// The last computed rebuild plan with the write generation it was computed at. Dashboards poll the plan; it only
/// changes when data is written (or, for the age rule, with time), so it is reused until either happens.
final class PlanCache: Sendable {
    private struct Entry {
        let plan: RebuildPlan
        let generatedAt: Date
        let generation: Int
    }

    private let entry = Mutex<Entry?>(nil)

    /// The plan computed at `generation`, if it is younger than `maximumAge` seconds.
    func plan(generation: Int, maximumAge: TimeInterval) -> (RebuildPlan, Date)? {
        entry.withLock { entry in
            guard let entry, entry.generation == generation, Date().timeIntervalSince(entry.generatedAt) < maximumAge else { return nil }
            return (entry.plan, entry.generatedAt)
        }
    }

    /// Keeps `plan`.
    func store(_ plan: RebuildPlan, generatedAt: Date, generation: Int) {
        entry.withLock { $0 = Entry(plan: plan, generatedAt: generatedAt, generation: generation) }
    }
}
