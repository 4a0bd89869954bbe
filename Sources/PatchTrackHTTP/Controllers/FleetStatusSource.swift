import Foundation
import PatchTrackStorage

/// The fleet status of the current data, computed at most once per write generation and reused for up to 30
/// seconds of the database's clock (SLA standings move with time, not only with writes). `/v1/status` and every
/// `/metrics` scrape read it, so a dashboard polling both costs one computation per change.
struct FleetStatusSource: Sendable {
    let database: AppDatabase
    let cache: GenerationCache<FleetStatus>
    let breachedCache: GenerationCache<[EnvironmentExposure]>

    init(database: AppDatabase) {
        self.database = database
        cache = GenerationCache(maximumAge: 30, maximumVariants: 1) { try await database.writeGeneration() }
        breachedCache = GenerationCache(maximumAge: 30, maximumVariants: 1) { try await database.writeGeneration() }
    }

    /// The status of the current data.
    func current() async throws -> FleetStatus {
        let generation = try await database.writeGeneration()
        return try await cache.value("status", generation: generation, now: database.currentDate) { [database] in
            try await database.fleet.fleetStatus()
        }
    }

    /// Each environment's replicas running digests with findings past their SLA, kept like the status.
    func breachedExposure() async throws -> [EnvironmentExposure] {
        let generation = try await database.writeGeneration()
        return try await breachedCache.value("breached", generation: generation, now: database.currentDate) { [database] in
            try await database.fleet.breachedExposure()
        }
    }
}
