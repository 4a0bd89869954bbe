import PatchTrackCore

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

    /// Creates the figures.
    public init(
        imagesNeedingRebuild: [String: Int] = [:], openFindings: [FindingCount] = [],
        vulnerableReplicas: [ReplicaCount] = [], slaBreaches: [SeverityLevel: Int] = [:],
        timeToPatchSeconds: [SeverityLevel: [Double]] = [:]
    ) {
        self.imagesNeedingRebuild = imagesNeedingRebuild
        self.openFindings = openFindings
        self.vulnerableReplicas = vulnerableReplicas
        self.slaBreaches = slaBreaches
        self.timeToPatchSeconds = timeToPatchSeconds
    }
}
