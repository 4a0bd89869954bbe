/// What one `affected` entry of an advisory says about one package whose ecosystem, release and name it names.
public struct AdvisoryMatch: Equatable, Sendable {
    /// The index of the entry in the record's `affected` list.
    public let affectedIndex: Int
    /// The entry's ecosystem and release (`Debian:12`), as the record wrote it, normalised.
    public let release: EcosystemRelease
    /// The verdict.
    public let outcome: Outcome

    /// The verdict of one entry for one package version.
    public enum Outcome: Equatable, Sendable {
        /// The version is affected; `fixedIn` is the lowest fixed version above it (``OSVVerdict``), nil when no fix
        /// exists yet.
        case affected(fixedIn: String?)
        /// The version is outside every range and not listed.
        case notAffected
        /// The entry could not be evaluated for this package; never to be read as "not affected".
        case unmatchable(UnmatchableReason)
    }

    /// Creates a match.
    public init(affectedIndex: Int, release: EcosystemRelease, outcome: Outcome) {
        self.affectedIndex = affectedIndex
        self.release = release
        self.outcome = outcome
    }

    /// Whether the entry says the version is affected.
    public var isAffected: Bool {
        if case .affected = outcome { return true }
        return false
    }

    /// The version that fixes the package, when affected and a fix exists.
    public var fixedVersion: String? {
        if case .affected(let fixedIn) = outcome { return fixedIn }
        return nil
    }

    /// Whether the entry could not be evaluated.
    public var isUnmatchable: Bool {
        if case .unmatchable = outcome { return true }
        return false
    }
}

/// Why an advisory entry could not be evaluated for a package.
public enum UnmatchableReason: Equatable, Sendable, CustomStringConvertible {
    /// The component has no version.
    case missingVersion
    /// The record is withdrawn (reported only by ``AdvisoryMatcher/evaluate(_:)``; `match` returns nothing then).
    case withdrawn
    /// The entry's ranges or the component's version could not be evaluated.
    case evaluation(OSVEvaluationError)

    /// A sentence for finding lists.
    public var description: String {
        switch self {
        case .missingVersion: "the component has no version"
        case .withdrawn: "the advisory is withdrawn"
        case .evaluation(let error): error.description
        }
    }
}
