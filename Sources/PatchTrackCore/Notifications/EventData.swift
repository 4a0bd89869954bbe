import Foundation

/// The image an event is about, with links to its API resources.
public struct EventImage: Codable, Sendable, Equatable {
    public var digest: String
    public var repository: String
    public var tags: [String]
    public var links: Links

    public struct Links: Codable, Sendable, Equatable {
        public var image: String
        public var findings: String
        public var rebuild: String
    }

    public init(digest: String, repository: String, tags: [String]) {
        self.digest = digest
        self.repository = repository
        self.tags = tags
        links = Links(image: "/v1/images/\(digest)", findings: "/v1/images/\(digest)/findings", rebuild: "/v1/images/\(digest)/rebuild")
    }
}

/// Where an image runs now: one environment, its workloads running it and their replicas.
public struct RunningPlace: Codable, Sendable, Equatable, Comparable {
    public var environment: String
    public var workloads: [String]
    public var replicas: Int

    public init(environment: String, workloads: [String], replicas: Int) {
        self.environment = environment
        self.workloads = workloads
        self.replicas = replicas
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.environment < rhs.environment }
}

/// One finding in an event.
public struct EventFinding: Codable, Sendable, Equatable {
    public var findingId: Int64
    public var vulnerability: String
    public var severity: String
    public var package: String
    public var installedVersion: String
    public var fixedVersion: String?
    /// When it is due by the SLA (the `sla.*` events).
    public var due: String?
    public var links: Links

    public struct Links: Codable, Sendable, Equatable {
        public var advisory: String
    }

    public init(
        findingId: Int64, vulnerability: String, severity: String, package: String, installedVersion: String,
        fixedVersion: String?, due: String? = nil
    ) {
        self.findingId = findingId
        self.vulnerability = vulnerability
        self.severity = severity
        self.package = package
        self.installedVersion = installedVersion
        self.fixedVersion = fixedVersion
        self.due = due
        // Advisory ids are nearly always letters, digits, '-', '.' and ':' (no encoding needed); checked first, as
        // an import builds hundreds of thousands of these.
        let plain = vulnerability.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2d || byte == 0x2e
                || byte == 0x3a || byte == 0x5f
        }
        let escaped = plain ? vulnerability : vulnerability.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? vulnerability
        links = Links(advisory: "/v1/advisories/\(escaped)")
    }

    var severityLevel: SeverityLevel { SeverityLevel(rawValue: severity) ?? .unknown }
}

/// The data of the events about one image's findings (`finding.*`, `advisory.hits_running`, `sla.*`): the image,
/// where it runs now, its findings (at most ``EventBatch/maximumItems``, highest severity first) and how many there
/// were in all.
public struct ImageFindingsData: Codable, Sendable, Equatable {
    public var image: EventImage
    public var running: [RunningPlace]
    public var findings: [EventFinding]
    public var findingCount: Int
    public var truncated: Bool
    public var highestSeverity: String
    /// The vulnerabilities of the findings (all of them), sorted.
    public var vulnerabilities: [String]
}

/// `rebuild.required`: an image entered the plan, or its reasons changed.
public struct RebuildRequiredData: Codable, Sendable, Equatable {
    public var image: EventImage
    public var reasons: [String]
    /// The reasons before (empty: the image was not in the plan).
    public var previousReasons: [String]
    public var wave: Int
    public var highestSeverity: String?
    public var fixableFindings: Int
    public var running: [RunningPlace]

    public init(
        image: EventImage, reasons: [String], previousReasons: [String], wave: Int, highestSeverity: String?, fixableFindings: Int,
        running: [RunningPlace]
    ) {
        self.image = image
        self.reasons = reasons
        self.previousReasons = previousReasons
        self.wave = wave
        self.highestSeverity = highestSeverity
        self.fixableFindings = fixableFindings
        self.running = running
    }
}

/// `base_image.updated`: a tag named as base moved.
public struct BaseImageUpdatedData: Codable, Sendable, Equatable {
    public var repository: String
    public var tag: String
    public var previousDigest: String
    public var digest: String
    /// Images built on the previous digest (at most ``EventBatch/maximumItems``).
    public var dependents: [EventImage]
    public var dependentCount: Int

    public init(repository: String, tag: String, previousDigest: String, digest: String, dependents: [EventImage], dependentCount: Int) {
        self.repository = repository
        self.tag = tag
        self.previousDigest = previousDigest
        self.digest = digest
        self.dependents = dependents
        self.dependentCount = dependentCount
    }
}

/// `rollout.completed` / `rollout.aborted`.
public struct RolloutEventData: Codable, Sendable, Equatable {
    public var rolloutId: Int64
    public var environment: String
    public var workload: String
    public var state: String
    public var weight: Int?
    public var image: EventImage
    public var links: Links

    public struct Links: Codable, Sendable, Equatable {
        public var rollout: String
    }

    public init(rolloutId: Int64, environment: String, workload: String, state: String, weight: Int?, image: EventImage) {
        self.rolloutId = rolloutId
        self.environment = environment
        self.workload = workload
        self.state = state
        self.weight = weight
        self.image = image
        links = Links(rollout: "/v1/rollouts/\(rolloutId)")
    }
}

/// `feed.failed`.
public struct FeedFailedData: Codable, Sendable, Equatable {
    public var feed: String
    public var kind: String
    public var error: String
    public var lastSuccess: String?
    public var links: Links

    public struct Links: Codable, Sendable, Equatable {
        public var feed: String
    }

    public init(feed: String, kind: String, error: String, lastSuccess: String?) {
        self.feed = feed
        self.kind = kind
        self.error = error
        self.lastSuccess = lastSuccess
        links = Links(feed: "/v1/feeds/\(feed)")
    }
}

/// `ping`.
public struct PingData: Codable, Sendable, Equatable {
    public var webhookId: Int64
    public var message: String

    public init(webhookId: Int64) {
        self.webhookId = webhookId
        message = "PatchTrack webhook test"
    }
}
