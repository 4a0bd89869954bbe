import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `PUT /v1/environments/{name}`.
struct EnvironmentRequest: Decodable {
    let stage: String
    let order: Int
    let description: String?

    /// Validates every field, collecting all errors.
    func settings() throws -> EnvironmentSettings {
        var errors: [ProblemDetails.FieldError] = []
        if !EnvironmentNames.isValidStage(stage) {
            errors.append(.init(field: "stage", message: "must match [a-z][a-z0-9_-]{0,31} (e.g. canary, staging, production)"))
        }
        if !(0...1_000_000).contains(order) { errors.append(.init(field: "order", message: "must be an integer from 0 to 1000000")) }
        if let description, description.unicodeScalars.count > 1000 {
            errors.append(.init(field: "description", message: "must be at most 1000 characters"))
        }
        guard errors.isEmpty else { throw ProblemDetails.validation(errors) }
        return EnvironmentSettings(stage: stage, order: order, description: description)
    }
}

/// Name rules for environments, stages and workloads.
enum EnvironmentNames {
    /// `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// `[a-z][a-z0-9_-]{0,31}`.
    static func isValidStage(_ stage: String) -> Bool {
        let bytes = Array(stage.utf8)
        guard (1...32).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `namespace/name`, each part 1–253 characters of letters, digits, `.`, `_`, `-`.
    static func isValidWorkload(_ workload: String) -> Bool {
        let parts = workload.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { part in
                (1...253).contains(part.utf8.count)
                    && part.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
            }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// An environment as answered.
struct EnvironmentResponse: Encodable {
    let name: String
    let stage: String
    let order: Int
    let description: String?
    let createdAt: String
    let updatedAt: String
    let inventoryAt: String?
    let workloads: Int
    let replicas: Int

    init(_ environment: StoredEnvironment) {
        name = environment.name
        stage = environment.stage
        order = environment.order
        description = environment.description
        createdAt = environment.createdAt
        updatedAt = environment.updatedAt
        inventoryAt = environment.inventoryAt
        workloads = environment.workloads
        replicas = environment.replicas
    }

    enum CodingKeys: String, CodingKey {
        case name, stage, order, description, workloads, replicas
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case inventoryAt = "inventory_at"
    }
}

/// The answer to an inventory post.
struct InventoryOutcomeResponse: Encodable {
    struct Rollout: Encodable {
        let id: Int64
        let observedWeight: Int
        let state: String

        enum CodingKeys: String, CodingKey {
            case id, state
            case observedWeight = "observed_weight"
        }
    }

    struct Skip: Encodable {
        let path: String
        let reason: String
    }

    let environment: String
    let snapshotId: Int64
    let format: String
    let takenAt: String
    let workloads: Int
    let replicas: Int
    let containers: Int
    let digests: Int
    let newImages: Int
    let stoppedImages: Int
    let prunedSnapshots: Int
    let rollouts: [Rollout]
    /// The first ``InputLimits/listedEntries`` entries left out.
    let skipped: [Skip]
    /// Entries left out but not listed.
    let skippedOmitted: Int

    init(_ outcome: InventoryOutcome) {
        environment = outcome.environment
        snapshotId = outcome.snapshotId
        format = outcome.format
        takenAt = outcome.takenAt
        workloads = outcome.workloads
        replicas = outcome.replicas
        containers = outcome.containers
        digests = outcome.digests
        newImages = outcome.newImages
        stoppedImages = outcome.stoppedImages
        prunedSnapshots = outcome.prunedSnapshots
        rollouts = outcome.rollouts.map { Rollout(id: $0.id, observedWeight: $0.observedWeight, state: $0.state.rawValue) }
        let listed = InputLimits.listed(outcome.skipped)
        skipped = listed.listed.map { Skip(path: $0.path, reason: $0.reason) }
        skippedOmitted = listed.omitted
    }

    enum CodingKeys: String, CodingKey {
        case environment, format, workloads, replicas, containers, digests, rollouts, skipped
        case skippedOmitted = "skipped_omitted"
        case snapshotId = "snapshot_id"
        case takenAt = "taken_at"
        case newImages = "new_images"
        case stoppedImages = "stopped_images"
        case prunedSnapshots = "pruned_snapshots"
    }
}

/// An inventory snapshot in an environment's history.
struct SnapshotResponse: Encodable {
    let id: Int64
    let format: String
    let takenAt: String
    let workloads: Int
    let replicas: Int
    let skipped: Int
    let postedBy: String

    init(_ snapshot: SnapshotSummary) {
        id = snapshot.id
        format = snapshot.format
        takenAt = snapshot.takenAt
        workloads = snapshot.workloads
        replicas = snapshot.replicas
        skipped = snapshot.skipped
        postedBy = snapshot.postedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, format, workloads, replicas, skipped
        case takenAt = "taken_at"
        case postedBy = "posted_by"
    }
}

/// What an environment runs now.
struct CurrentInventoryResponse: Encodable {
    struct Workload: Encodable {
        let name: String
        let kind: String
        let replicas: Int
        let containers: [Container]
    }

    struct Container: Encodable {
        let name: String
        let `init`: Bool
        let repository: String
        let digest: String
        let reference: String
        let replicas: Int
        /// The highest severity of the digest's open, unsuppressed findings; absent when it has none.
        let highestSeverity: String?

        enum CodingKeys: String, CodingKey {
            case name, `init`, repository, digest, reference, replicas
            case highestSeverity = "highest_severity"
        }
    }

    let environment: String
    let snapshot: SnapshotResponse?
    let items: [Workload]
    /// Set when a page was asked for: the workloads in all, and the next page's cursor (null on the last).
    var page: (total: Int, nextCursor: String?)?

    enum CodingKeys: String, CodingKey {
        case environment, snapshot, items, total
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environment, forKey: .environment)
        try container.encodeIfPresent(snapshot, forKey: .snapshot)
        try container.encode(items, forKey: .items)
        if let page {
            try container.encode(page.total, forKey: .total)
            try container.encode(page.nextCursor, forKey: .nextCursor)
        }
    }

    init(environment: String, snapshot: SnapshotSummary?, workloads: some Collection<RunningWorkload>) {
        self.environment = environment
        self.snapshot = snapshot.map(SnapshotResponse.init)
        items = workloads.map { workload in
            Workload(
                name: workload.name, kind: workload.kind, replicas: workload.replicas,
                containers: workload.containers.map {
                    Container(
                        name: $0.name, init: $0.isInit, repository: $0.repository, digest: $0.digest, reference: $0.reference,
                        replicas: $0.replicas, highestSeverity: $0.highestSeverity?.rawValue)
                })
        }
    }


    static let csvHeader = [
        "workload", "kind", "workload_replicas", "container", "init", "repository", "digest", "replicas", "highest_severity",
    ]

    var csvRows: [[String?]] {
        items.flatMap { workload in
            workload.containers.map {
                [
                    workload.name, workload.kind, String(workload.replicas), $0.name, String($0.`init`), $0.repository, $0.digest,
                    String($0.replicas), $0.highestSeverity,
                ]
            }
        }
    }
}
