import Foundation
import GRDB
import PatchTrackCore

// Steps of the stores on the seam, called from use cases still written against GRDB, inside their own transactions.
// Each disappears with the last of its GRDB callers.

extension AppDatabase {
    /// Registry facts.
    public var registry: RegistryStore { RegistryStore(executor: executor, now: now) }

    /// Environments.
    public var environments: EnvironmentStore { EnvironmentStore(executor: executor, now: now) }

    static func environments(_ db: Database, name: String?) throws -> [StoredEnvironment] {
        try EnvironmentStore.environments(SQLiteSession(db: db), name: name)
    }

    static func environmentID(_ db: Database, name: String) throws -> Int64? {
        try EnvironmentStore.environmentID(SQLiteSession(db: db), name: name)
    }

    /// Inventory snapshots.
    public var inventory: InventoryStore { InventoryStore(executor: executor, now: now) }

    /// Rollouts.
    public var rollouts: RolloutStore { RolloutStore(executor: executor, now: now) }

    /// Build reports.
    public var builds: BuildStore { BuildStore(executor: executor, now: now) }

    static func recordFindingFates(_ db: Database, successorImageId: Int64, now: String) throws {
        try BuildStore.recordFindingFates(SQLiteSession(db: db), successorImageId: successorImageId, now: now)
    }

    /// VEX statements.
    public var vex: VEXStore { VEXStore(executor: executor, now: now) }

    /// The rebuild policy.
    public var policies: PolicyStore { PolicyStore(executor: executor, now: now) }

    static func loadPolicy(_ db: Database) throws -> StoredPolicy {
        try PolicyStore.loadPolicy(SQLiteSession(db: db))
    }

    static func loadDefaults(_ db: Database) throws -> StoredPolicyDefaults {
        try PolicyStore.loadDefaults(SQLiteSession(db: db))
    }

    static func upsertImage(_ db: Database, _ registration: ImageRegistration, now: String) throws -> (id: Int64, isNew: Bool) {
        try RegistryStore.upsertImage(SQLiteSession(db: db), registration, now: now)
    }

    static func repositoryID(_ db: Database, name: String, now: String) throws -> Int64 {
        try RegistryStore.repositoryID(SQLiteSession(db: db), name: name, now: now)
    }

    static func imageID(_ db: Database, digest: String, repositoryId: Int64, now: String) throws -> (id: Int64, isNew: Bool) {
        try RegistryStore.imageID(SQLiteSession(db: db), digest: digest, repositoryId: repositoryId, now: now)
    }

    static func moveTag(_ db: Database, repositoryId: Int64, name: String, to imageId: Int64, now: String) throws {
        try RegistryStore.moveTag(SQLiteSession(db: db), repositoryId: repositoryId, name: name, to: imageId, now: now)
    }

    static func storedImages(_ db: Database, ids: [Int64]) throws -> [StoredImage] {
        try RegistryStore.storedImages(SQLiteSession(db: db), ids: ids)
    }

    static func checkLineage(_ db: Database, from digest: String) throws {
        try RegistryStore.checkLineage(SQLiteSession(db: db), from: digest)
    }

    static func jsonArray(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// `[1,2,3]`: passes an id list as one bound parameter (read with `json_each`) in GRDB-written queries.
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
