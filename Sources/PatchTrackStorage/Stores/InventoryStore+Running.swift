import Foundation
import PatchTrackCore

/// One container of an environment's newest inventory that runs a given digest.
public struct RunningContainer: Sendable, Equatable {
    public var environment: String
    public var workload: String
    public var container: String
    public var isInit: Bool
    public var replicas: Int
}

extension InventoryStore {
    /// Where the image with `digest` runs now: the containers of every environment's newest inventory that run it,
    /// by environment and workload; nil when the image is not tracked. One indexed read (containers by image).
    public func running(digest: String) async throws -> [RunningContainer]? {
        try await context.executor.read { session in
            guard let imageId = try session.fetchValue("SELECT id FROM image WHERE digest = \(digest)", as: Int64.self) else {
                return nil
            }
            return try session.fetchAll(
                """
                SELECT e.name AS environment, w.name AS workload, c.container, c.isInit, c.replicas
                FROM inventoryContainer c
                JOIN environment e ON e.currentSnapshotId = c.snapshotId
                JOIN inventoryWorkload w ON w.id = c.workloadId
                WHERE c.imageId = \(imageId)
                ORDER BY e.name, w.name, c.container
                """
            ).map {
                RunningContainer(
                    environment: try $0.decode("environment"), workload: try $0.decode("workload"), container: try $0.decode("container"),
                    isInit: try $0.decode("isInit"), replicas: try $0.decode("replicas"))
            }
        }
    }
}
