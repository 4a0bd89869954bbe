import Foundation

// The stores of rebuild planning, fleet status and patch progress, over the same executor; the fleet and progress
// reads share this process's finding facts cache (valid for the finding-write generation stored in the database).

extension AppDatabase {
    /// The rebuild plan input, rebuild requests and image bases.
    public var rebuilds: RebuildStore { RebuildStore(executor: executor, now: now) }

    /// The fleet status and SLA breaches.
    public var fleet: FleetStore { FleetStore(executor: executor, now: now, findingFacts: findingFacts) }

    /// Vulnerability progress, exposure history and finding timelines.
    public var progress: ProgressStore { ProgressStore(executor: executor, now: now, findingFacts: findingFacts) }

}
