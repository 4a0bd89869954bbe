/// Whether one version of a package is affected by one OSV `affected` entry, and what fixes it.
public enum OSVVerdict: Equatable, Sendable {
    /// The version is in no range and not in the `versions` list.
    case notAffected
    /// The version is affected; `fixedIn` is the lowest `fixed` version above it that is itself not affected, or
    /// nil when the entry names none (unfixed, `last_affected` or `limit` only, or matched through `versions` only).
    case affected(fixedIn: String?)

    /// Whether the version is affected.
    public var isAffected: Bool {
        if case .affected = self { return true }
        return false
    }
}

/// Why an OSV `affected` entry could not be evaluated. Never read as "not affected".
public enum OSVEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The entry's ecosystem has no version scheme in PatchTrack (the package is unmatchable).
    case unsupportedEcosystem(String)
    /// A range has a type other than `ECOSYSTEM`, `SEMVER` or `GIT`.
    case unsupportedRangeType(String)
    /// A range has no `introduced` event, which the OSV schema requires.
    case missingIntroduced(rangeIndex: Int)
    /// An event's version is not a valid version of the range's scheme.
    case invalidEventVersion(rangeIndex: Int, VersionError)
    /// The version being evaluated is not a valid version of the scheme.
    case invalidVersion(VersionError)

    public var description: String {
        switch self {
        case .unsupportedEcosystem(let name): "unsupported OSV ecosystem \"\(name)\""
        case .unsupportedRangeType(let type): "unsupported OSV range type \"\(type)\""
        case .missingIntroduced(let index): "OSV range \(index) has no introduced event"
        case .invalidEventVersion(let index, let error): "OSV range \(index): \(error)"
        case .invalidVersion(let error): "\(error)"
        }
    }
}
