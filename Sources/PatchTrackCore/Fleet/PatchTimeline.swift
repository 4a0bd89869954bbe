import Foundation

/// The stages a finding goes through until no environment runs a digest that has it, each with the time it was
/// reached (nil: not yet, or unknown).
///
/// - `advisoryPublished`: the advisory's `published` time.
/// - `fixAvailable`: when PatchTrack first stored a version of the advisory naming a fixed version (only for
///   findings with a fixed version).
/// - `firstDetected`: when the finding was first matched in this image.
/// - `patchedBuilt`: when the build of the first successor image (following rebuilds) without the finding finished.
/// - `firstRolloutStarted`: the earliest rollout to that patched digest.
/// - `canaryComplete`: the earliest such rollout that was promoted or completed in a canary environment.
/// - `fullyRolledOut`: when, the patched digest built, no environment ran an affected digest any more. The finding
///   is closed from then on.
public struct PatchTimeline: Sendable, Equatable {
    /// The advisory's publication time.
    public var advisoryPublished: Date?
    /// When a fix was first seen.
    public var fixAvailable: Date?
    /// When the finding was first detected.
    public var firstDetected: Date
    /// The first successor digest without the finding.
    public var patchedDigest: Digest?
    /// When that digest's build finished.
    public var patchedBuilt: Date?
    /// The earliest rollout of the patched digest.
    public var firstRolloutStarted: Date?
    /// The end of the first canary phase of a rollout of the patched digest.
    public var canaryComplete: Date?
    /// When no environment ran an affected digest any more (with the patched digest built).
    public var fullyRolledOut: Date?

    /// Creates a timeline.
    public init(
        advisoryPublished: Date? = nil, fixAvailable: Date? = nil, firstDetected: Date, patchedDigest: Digest? = nil,
        patchedBuilt: Date? = nil, firstRolloutStarted: Date? = nil, canaryComplete: Date? = nil, fullyRolledOut: Date? = nil
    ) {
        self.advisoryPublished = advisoryPublished
        self.fixAvailable = fixAvailable
        self.firstDetected = firstDetected
        self.patchedDigest = patchedDigest
        self.patchedBuilt = patchedBuilt
        self.firstRolloutStarted = firstRolloutStarted
        self.canaryComplete = canaryComplete
        self.fullyRolledOut = fullyRolledOut
    }

    /// When the finding closed: the time it was fully rolled out.
    public var closedAt: Date? { fullyRolledOut }

    /// Seconds from detection to closing; nil while open.
    public var timeToPatch: TimeInterval? { fullyRolledOut.map { max(0, $0.timeIntervalSince(firstDetected)) } }

    /// Seconds from detection to each stage after it that was reached (never negative).
    public var secondsToStage: [PatchStage: Double] {
        let reached: [(PatchStage, Date?)] = [
            (.patchedBuilt, patchedBuilt), (.rolloutStarted, firstRolloutStarted), (.canaryComplete, canaryComplete),
            (.fullyRolledOut, fullyRolledOut),
        ]
        var seconds: [PatchStage: Double] = [:]
        for case let (stage, at?) in reached { seconds[stage] = max(0, at.timeIntervalSince(firstDetected)) }
        return seconds
    }

    /// The furthest stage reached.
    public var stage: PatchStage {
        if fullyRolledOut != nil { return .fullyRolledOut }
        if canaryComplete != nil { return .canaryComplete }
        if firstRolloutStarted != nil { return .rolloutStarted }
        if patchedBuilt != nil { return .patchedBuilt }
        return .detected
    }

    /// Where an affected digest stands across all environments.
    public enum Running: Sendable, Equatable {
        /// No inventory ever showed it.
        case never
        /// Some environment runs it now.
        case now
        /// Every environment that ran it stopped; the last stop was at this time.
        case stopped(Date)
    }

    /// The time a finding is fully rolled out: once the patched digest is built and none of the digests carrying the
    /// finding runs anywhere, the later of the build and the last stop; nil before.
    public static func fullyRolledOut(patchedBuilt: Date?, affected: [Running]) -> Date? {
        guard let patchedBuilt else { return nil }
        var latest = patchedBuilt
        for state in affected {
            switch state {
            case .never: continue
            case .now: return nil
            case .stopped(let at): latest = max(latest, at)
            }
        }
        return latest
    }
}

/// The named stages of a ``PatchTimeline``, in order.
public enum PatchStage: String, CaseIterable, Sendable {
    case detected
    case patchedBuilt = "patched_digest_built"
    case rolloutStarted = "rollout_started"
    case canaryComplete = "canary_complete"
    case fullyRolledOut = "fully_rolled_out"
}
