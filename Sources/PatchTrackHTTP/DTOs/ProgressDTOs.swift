import Foundation
import PatchTrackCore
import PatchTrackStorage

/// `GET /v1/advisories/{id}/progress`.
struct ProgressResponse: Encodable {
    struct Summary: Encodable {
        let affectedImages: Int
        let rebuiltImages: Int
        let rolledOutImages: Int
        let openFindings: Int
        let closedFindings: Int
        let slaBreached: Int
        let slaDueWithin24h: Int
        let stage: String?

        enum CodingKeys: String, CodingKey {
            case stage
            case affectedImages = "affected_images"
            case rebuiltImages = "rebuilt_images"
            case rolledOutImages = "rolled_out_images"
            case openFindings = "open_findings"
            case closedFindings = "closed_findings"
            case slaBreached = "sla_breached"
            case slaDueWithin24h = "sla_due_within_24h"
        }
    }

    struct Stages: Encodable {
        let firstDetected: String?
        let firstPatchedBuild: String?
        let firstRolloutStarted: String?
        let canaryComplete: String?
        let fullyRolledOut: String?

        enum CodingKeys: String, CodingKey {
            case firstDetected = "first_detected"
            case firstPatchedBuild = "first_patched_build"
            case firstRolloutStarted = "first_rollout_started"
            case canaryComplete = "canary_complete"
            case fullyRolledOut = "fully_rolled_out"
        }
    }

    struct Running: Encodable {
        let environment: String
        let replicas: Int
    }

    struct Image: Encodable {
        let digest: String
        let repository: String
        let severity: String
        let fixable: Bool
        let findings: Int
        let stage: String
        let patchedDigest: String?
        let patchedBuiltAt: String?
        let closedAt: String?
        let running: [Running]

        enum CodingKeys: String, CodingKey {
            case digest, repository, severity, fixable, findings, stage, running
            case patchedDigest = "patched_digest"
            case patchedBuiltAt = "patched_built_at"
            case closedAt = "closed_at"
        }
    }

    struct Environment: Encodable {
        let name: String
        let stage: String
        let order: Int
        let status: String
        let vulnerableWorkloads: Int
        let vulnerableReplicas: Int
        let patchedReplicas: Int
        let activeRollouts: Int
        let completedRollouts: Int

        enum CodingKeys: String, CodingKey {
            case name, stage, order, status
            case vulnerableWorkloads = "vulnerable_workloads"
            case vulnerableReplicas = "vulnerable_replicas"
            case patchedReplicas = "patched_replicas"
            case activeRollouts = "active_rollouts"
            case completedRollouts = "completed_rollouts"
        }
    }

    let vulnerabilityId: String
    let summary: Summary
    let stages: Stages
    let images: [Image]
    let environments: [Environment]

    enum CodingKeys: String, CodingKey {
        case summary, stages, images, environments
        case vulnerabilityId = "vulnerability_id"
    }

    init(_ progress: VulnerabilityProgress) {
        func format(_ date: Date?) -> String? { date.map(Timestamp.format) }
        let timelines = progress.findings.map(\.timeline)
        let open = progress.findings.filter { $0.timeline.closedAt == nil }
        let order = PatchStage.allCases
        vulnerabilityId = progress.vulnerabilityId
        summary = Summary(
            affectedImages: progress.images.count, rebuiltImages: progress.images.filter { $0.patchedDigest != nil }.count,
            rolledOutImages: progress.images.filter { $0.closedAt != nil }.count, openFindings: open.count,
            closedFindings: progress.findings.count - open.count, slaBreached: open.filter { $0.sla == .breached }.count,
            slaDueWithin24h: open.filter { $0.sla == .dueSoon }.count,
            stage: (open.isEmpty ? timelines : open.map(\.timeline)).map(\.stage).min { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }?.rawValue)
        stages = Stages(
            firstDetected: format(timelines.map(\.firstDetected).min()), firstPatchedBuild: format(timelines.compactMap(\.patchedBuilt).min()),
            firstRolloutStarted: format(timelines.compactMap(\.firstRolloutStarted).min()),
            canaryComplete: format(timelines.compactMap(\.canaryComplete).min()),
            fullyRolledOut: open.isEmpty ? format(timelines.compactMap(\.fullyRolledOut).max()) : nil)
        images = progress.images.map { image in
            Image(
                digest: image.digest, repository: image.repository, severity: image.severity.rawValue, fixable: image.fixable,
                findings: image.findings, stage: image.stage.rawValue, patchedDigest: image.patchedDigest,
                patchedBuiltAt: format(image.patchedBuilt), closedAt: format(image.closedAt),
                running: image.running.sorted { $0.key < $1.key }.map { Running(environment: $0.key, replicas: $0.value) })
        }
        environments = progress.environments.map {
            Environment(
                name: $0.name, stage: $0.stage, order: $0.order, status: $0.vulnerableReplicas > 0 ? "exposed" : "clear",
                vulnerableWorkloads: $0.vulnerableWorkloads, vulnerableReplicas: $0.vulnerableReplicas, patchedReplicas: $0.patchedReplicas,
                activeRollouts: $0.activeRollouts, completedRollouts: $0.completedRollouts)
        }
    }
}

/// `GET /v1/advisories/{id}/exposure`: vulnerable workloads and replicas per environment over time.
struct ExposureResponse: Encodable {
    struct Point: Encodable {
        let environment: String
        let takenAt: String
        let workloads: Int
        let replicas: Int

        enum CodingKeys: String, CodingKey {
            case environment, workloads, replicas
            case takenAt = "taken_at"
        }
    }

    let vulnerabilityId: String
    let items: [Point]

    enum CodingKeys: String, CodingKey {
        case items
        case vulnerabilityId = "vulnerability_id"
    }

    static let csvHeader = ["environment", "taken_at", "workloads", "replicas"]
}
