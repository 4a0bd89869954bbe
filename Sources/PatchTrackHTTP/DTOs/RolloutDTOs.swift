import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `POST /v1/rollouts`.
struct RolloutBody: Decodable {
    let environment: String
    let workload: String
    let repository: String
    let toDigest: String
    let fromDigests: [String]?
    let steps: [Int]?
    let startedAt: String?

    enum CodingKeys: String, CodingKey {
        case environment, workload, repository, steps
        case toDigest = "to_digest"
        case fromDigests = "from_digests"
        case startedAt = "started_at"
    }

    /// Validates every field, collecting all errors.
    func request() throws -> RolloutRequest {
        var errors: [ProblemDetails.FieldError] = []
        if !EnvironmentNames.isValidName(environment) {
            errors.append(.init(field: "environment", message: "must match [A-Za-z0-9][A-Za-z0-9._-]{0,62}"))
        }
        if !EnvironmentNames.isValidWorkload(workload) {
            errors.append(.init(field: "workload", message: "must be namespace/name (letters, digits, '.', '_', '-')"))
        }
        var name: RepositoryName?
        do {
            name = try RepositoryName(parsing: repository)
        } catch {
            errors.append(.init(field: "repository", message: error.reason))
        }
        let digestMessage = "must be 'sha256:' followed by 64 lowercase hex digits"
        let to = try? Digest(parsing: toDigest)
        if to == nil { errors.append(.init(field: "to_digest", message: digestMessage)) }
        var from: [Digest] = []
        for (index, text) in (fromDigests ?? []).enumerated() {
            if let digest = try? Digest(parsing: text) {
                if digest == to {
                    errors.append(.init(field: "from_digests[\(index)]", message: "is the digest rolled out ('to_digest')"))
                }
                from.append(digest)
            } else {
                errors.append(.init(field: "from_digests[\(index)]", message: digestMessage))
            }
        }
        if (fromDigests?.count ?? 0) > 100 { errors.append(.init(field: "from_digests", message: "must have at most 100 digests")) }
        let steps = steps ?? []
        if steps.count > 100 { errors.append(.init(field: "steps", message: "must have at most 100 steps")) }
        for (index, weight) in steps.enumerated() {
            if !(1...100).contains(weight) {
                errors.append(.init(field: "steps[\(index)]", message: "must be a weight from 1 to 100 percent"))
            } else if index > 0, weight <= steps[index - 1] {
                errors.append(.init(field: "steps[\(index)]", message: "must be greater than the step before"))
            }
        }
        var started: Date?
        if let startedAt {
            started = Timestamp.parse(startedAt)
            if started == nil { errors.append(.init(field: "started_at", message: "must be an RFC 3339 time")) }
        }
        guard errors.isEmpty, let name, let to else { throw ProblemDetails.validation(errors) }
        return RolloutRequest(
            environment: environment, workload: workload, repository: name, toDigest: to, fromDigests: from, steps: steps, startedAt: started)
    }
}

/// Body of `POST /v1/rollouts/{id}/events`.
struct RolloutEventBody: Decodable {
    let status: String
    let weight: Int?
    let at: String?

    /// Validates every field, collecting all errors.
    func event() throws -> (status: RolloutState, weight: Int?, at: Date?) {
        var errors: [ProblemDetails.FieldError] = []
        let status = RolloutState(rawValue: self.status)
        if status == nil {
            errors.append(.init(field: "status", message: "must be one of " + RolloutState.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        if let weight, !(0...100).contains(weight) { errors.append(.init(field: "weight", message: "must be from 0 to 100 percent")) }
        var date: Date?
        if let at {
            date = Timestamp.parse(at)
            if date == nil { errors.append(.init(field: "at", message: "must be an RFC 3339 time")) }
        }
        guard errors.isEmpty, let status else { throw ProblemDetails.validation(errors) }
        return (status, weight, date)
    }
}

/// A rollout as answered.
struct RolloutResponse: Encodable {
    struct Event: Encodable {
        let status: String
        let weight: Int?
        let at: String
        let source: String
        let recordedAt: String
        let reportedBy: String?

        enum CodingKeys: String, CodingKey {
            case status, weight, at, source
            case recordedAt = "recorded_at"
            case reportedBy = "reported_by"
        }
    }

    let id: Int64
    let environment: String
    let stage: String
    let workload: String
    let repository: String
    let toDigest: String
    let fromDigests: [String]
    let steps: [Int]
    let state: String
    let active: Bool
    let weight: Int
    let observedWeight: Int?
    let observedAt: String?
    let startedAt: String
    let updatedAt: String
    let promotedAt: String?
    let finishedAt: String?
    let reportedBy: String
    let events: [Event]?

    init(_ rollout: StoredRollout, withEvents: Bool = false) {
        id = rollout.id
        environment = rollout.environment
        stage = rollout.stage
        workload = rollout.workload
        repository = rollout.repository
        toDigest = rollout.toDigest
        fromDigests = rollout.fromDigests
        steps = rollout.steps
        state = rollout.state.rawValue
        active = rollout.state.isActive
        weight = rollout.weight
        observedWeight = rollout.observedWeight
        observedAt = rollout.observedAt
        startedAt = rollout.startedAt
        updatedAt = rollout.updatedAt
        promotedAt = rollout.promotedAt
        finishedAt = rollout.finishedAt
        reportedBy = rollout.reportedBy
        events = withEvents
            ? rollout.events.map {
                Event(status: $0.status.rawValue, weight: $0.weight, at: $0.at, source: $0.source, recordedAt: $0.recordedAt, reportedBy: $0.reportedBy)
            } : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, environment, stage, workload, repository, steps, state, active, weight, events
        case toDigest = "to_digest"
        case fromDigests = "from_digests"
        case observedWeight = "observed_weight"
        case observedAt = "observed_at"
        case startedAt = "started_at"
        case updatedAt = "updated_at"
        case promotedAt = "promoted_at"
        case finishedAt = "finished_at"
        case reportedBy = "reported_by"
    }

    static let csvHeader = [
        "id", "environment", "stage", "workload", "repository", "to_digest", "state", "weight", "observed_weight", "started_at",
        "promoted_at", "finished_at",
    ]

    static func csvRow(_ rollout: StoredRollout) -> [String?] {
        [
            String(rollout.id), rollout.environment, rollout.stage, rollout.workload, rollout.repository, rollout.toDigest,
            rollout.state.rawValue, String(rollout.weight), rollout.observedWeight.map(String.init), rollout.startedAt,
            rollout.promotedAt, rollout.finishedAt,
        ]
    }
}
