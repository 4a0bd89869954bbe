import Foundation
import PatchTrackStorage
import Synchronization

/// The fleet status of the current data, computed at most once per write generation and reused for up to 30
/// seconds of the database's clock (SLA standings move with time, not only with writes). `/v1/status` and every
/// `/metrics` scrape read it, so a dashboard polling both costs one computation per change.
struct FleetStatusSource: Sendable {
    final class Cache: Sendable {
        fileprivate let entry = Mutex<(status: FleetStatus, generation: Int)?>(nil)
    }

    let database: AppDatabase
    let cache = Cache()
    static let maximumAge: TimeInterval = 30

    /// The status of the current data.
    func current() async throws -> FleetStatus {
        let generation = try await database.writeGeneration()
        let now = database.currentDate
        let cached = cache.entry.withLock { entry -> FleetStatus? in
            guard let entry, entry.generation == generation else { return nil }
            let age = now.timeIntervalSince(entry.status.generatedAt)
            return age >= 0 && age < Self.maximumAge ? entry.status : nil
        }
        if let cached { return cached }
        let status = try await database.fleet.fleetStatus()
        cache.entry.withLock { $0 = (status, generation) }
        return status
    }
}
