import Foundation
import PatchTrackCore

/// What one environment runs now, and how much of it is vulnerable.
public struct EnvironmentExposure: Sendable, Equatable {
    public var environment: String
    public var stage: String
    public var order: Int
    public var inventoryAt: String?
    public var workloads: Int
    public var replicas: Int
    /// Workloads and replicas (pods) running at least one digest with an open finding.
    public var vulnerableWorkloads: Int
    public var vulnerableReplicas: Int
    /// Vulnerable replicas by the highest severity of the digests they run.
    public var vulnerableReplicasBySeverity: [SeverityLevel: Int]
}

/// The figures of a dashboard's header (`GET /v1/status`), except the rebuild plan's.
public struct FleetStatus: Sendable {
    public var generatedAt: Date
    public var images: Int
    public var runningImages: Int
    public var supersededImages: Int
    /// Open findings (not suppressed by VEX, not closed) by severity and fixability.
    public var openFindings: [FleetMetrics.FindingCount]
    public var environments: [EnvironmentExposure]
    /// Active rollouts by state.
    public var activeRollouts: [RolloutState: Int]
    public var slaBreached: [SeverityLevel: Int]
    public var slaDueSoon: [SeverityLevel: Int]
    /// Time-to-patch in seconds of findings closed in the window, by severity.
    public var timeToPatch: [SeverityLevel: [Double]]
    /// Time-to-patch in seconds of every closed finding, by severity (the `/metrics` histogram, which only grows as
    /// findings close, as Prometheus histograms should).
    public var timeToPatchAllTime: [SeverityLevel: [Double]]
    /// Seconds from detection to each later stage, of the findings closed in the window (every severity).
    public var timeToStage: [PatchStage: [Double]] = [:]
    public var windowDays: Int
}

/// The fleet's figures for `/metrics`, read in a few aggregate queries (never a full rebuild plan per scrape).
public struct FleetMetrics: Sendable, Equatable {
    /// One count of open findings.
    public struct FindingCount: Sendable, Equatable {
        /// The finding's severity.
        public var severity: SeverityLevel
        /// Whether a fixed version exists.
        public var fixable: Bool
        /// How many open findings.
        public var count: Int

        /// Creates a count.
        public init(severity: SeverityLevel, fixable: Bool, count: Int) {
            self.severity = severity
            self.fixable = fixable
            self.count = count
        }
    }

    /// Running replicas on affected digests in one environment, at one severity.
    public struct ReplicaCount: Sendable, Equatable {
        /// The environment's name.
        public var environment: String
        /// The highest severity of the open findings of the digests counted.
        public var severity: SeverityLevel
        /// How many replicas (pods) run such digests.
        public var replicas: Int

        /// Creates a count.
        public init(environment: String, severity: SeverityLevel, replicas: Int) {
            self.environment = environment
            self.severity = severity
            self.replicas = replicas
        }
    }

    /// Images needing a rebuild, by reason code (one image counts once per reason it has).
    public var imagesNeedingRebuild: [String: Int]
    /// Open findings by severity and fixability.
    public var openFindings: [FindingCount]
    /// Vulnerable running replicas by environment and severity.
    public var vulnerableReplicas: [ReplicaCount]
    /// Open findings past their SLA due time, by severity.
    public var slaBreaches: [SeverityLevel: Int]
    /// Time-to-patch (detection to fully rolled out) of every closed finding, in seconds, by severity.
    public var timeToPatchSeconds: [SeverityLevel: [Double]]
    /// Images by state: `total`, `running`, `superseded`, and `needing_rebuild` (each image once).
    public var images: [String: Int]
    /// Open findings due within 24 hours (not yet breached), by severity.
    public var slaDueSoon: [SeverityLevel: Int]
    /// Every environment's running replicas of digests with findings past their SLA, by highest such severity
    /// (``FleetStore/breachedExposure()``).
    public var slaBreachedExposure: [EnvironmentExposure]

    /// Creates the figures.
    public init(
        imagesNeedingRebuild: [String: Int] = [:], openFindings: [FindingCount] = [],
        vulnerableReplicas: [ReplicaCount] = [], slaBreaches: [SeverityLevel: Int] = [:],
        timeToPatchSeconds: [SeverityLevel: [Double]] = [:], images: [String: Int] = [:], slaDueSoon: [SeverityLevel: Int] = [:],
        slaBreachedExposure: [EnvironmentExposure] = []
    ) {
        self.imagesNeedingRebuild = imagesNeedingRebuild
        self.openFindings = openFindings
        self.vulnerableReplicas = vulnerableReplicas
        self.slaBreaches = slaBreaches
        self.timeToPatchSeconds = timeToPatchSeconds
        self.images = images
        self.slaDueSoon = slaDueSoon
        self.slaBreachedExposure = slaBreachedExposure
    }
}

extension FleetMetrics {
    /// The figures of `status` for `/metrics`, with the rebuild plan's counts by reason and its number of images,
    /// and the environments' exposure to findings past their SLA.
    public init(
        _ status: FleetStatus, imagesNeedingRebuild: [String: Int], planned: Int, slaBreachedExposure: [EnvironmentExposure] = []
    ) {
        var replicas: [ReplicaCount] = []
        for environment in status.environments {
            for (severity, count) in environment.vulnerableReplicasBySeverity.sorted(by: { $0.key > $1.key }) {
                replicas.append(.init(environment: environment.environment, severity: severity, replicas: count))
            }
        }
        self.init(
            imagesNeedingRebuild: imagesNeedingRebuild, openFindings: status.openFindings, vulnerableReplicas: replicas,
            slaBreaches: status.slaBreached, timeToPatchSeconds: status.timeToPatchAllTime,
            images: [
                "total": status.images, "running": status.runningImages, "superseded": status.supersededImages, "needing_rebuild": planned,
            ],
            slaDueSoon: status.slaDueSoon, slaBreachedExposure: slaBreachedExposure)
    }
}
