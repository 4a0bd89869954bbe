// Evaluation of one OSV `affected` entry for one version, following the `IsVulnerable` / `IncludedInRanges` /
// `BeforeLimits` pseudocode of the OSV schema, section "Evaluation" (https://ossf.github.io/osv-schema/#evaluation,
// ossf/osv-schema docs/schema.md): a version is affected when it is listed in `versions` or lies in any range; in a
// range, events are sorted by version and walked, `introduced` (v >= e) turning "vulnerable" on, `fixed` (v >= e)
// and `last_affected` (v > e) turning it off; with `limit` events, v must be below one of them.
//
// Written rules where the schema leaves room:
// - `"0"` as the version of any event is the lowest possible version (the schema defines it for `introduced`;
//   Chainguard writes `fixed: "0"` for "never affected"); a `limit` containing `*` is infinity.
// - Events at the same version are walked `introduced`, `last_affected`, `fixed`, so `introduced: X, fixed: X`
//   affects nothing.
// - `ECOSYSTEM` ranges use the ecosystem's scheme. `SEMVER` ranges use it too when it is a SemVer scheme (npm,
//   crates.io, Go), and strict SemVer 2.0 otherwise. `GIT` ranges need the commit graph and are skipped: such
//   entries match through their `versions` list only.
// - Errors are never read as "not affected". The evaluated version must parse in the ecosystem's scheme, or the
//   evaluation throws. A range that cannot be evaluated (an event version its scheme rejects, no `introduced`, an
//   unknown type, or the evaluated version rejected by a `SEMVER` range's strict SemVer) does not hide a match
//   found elsewhere in the entry: the verdict is "affected" when another range or the `versions` list says so, and
//   otherwise the range's typed ``OSVEvaluationError`` is thrown. `versions` entries are compared by string, then
//   by scheme equality; entries the scheme rejects (often Git tags) only match by string.
// - The fix is the lowest `fixed` event above the version, among the ranges of the scheme whose ranges contain it,
//   that is itself not affected by those ranges nor listed in `versions` (so a fix that falls into a later range is
//   skipped). A version matched only through `versions` gets the lowest such `fixed` of any range.
// - An entry with neither ranges nor versions affects nothing, as the pseudocode says.

/// One OSV `affected` entry prepared for evaluation: event versions parsed and sorted once.
public struct OSVAffectedEvaluator: Sendable {
    /// The scheme of the entry's ecosystem.
    public let scheme: VersionSchemeID
    private let ranges: [OSVPreparedRange]
    private let listedStrings: Set<String>
    private let listedVersions: [AnyVersion]
    /// Schemes used by ranges, in order of first use (for choosing fixes).
    private let rangeSchemes: [VersionSchemeID]
    /// Why some ranges could not be prepared.
    private let brokenRanges: [OSVEvaluationError]

    /// Prepares `affected` with the scheme of its `package.ecosystem`.
    public init(_ affected: OSVRecord.Affected) throws(OSVEvaluationError) {
        let release = EcosystemRelease(osvEcosystem: affected.package.ecosystem)
        guard let scheme = release.ecosystem.scheme else {
            throw .unsupportedEcosystem(affected.package.ecosystem)
        }
        self.init(affected, scheme: scheme)
    }

    /// Prepares `affected` with `scheme` as its ecosystem's scheme. Ranges that cannot be prepared are kept as
    /// errors and reported by `evaluate` when nothing else in the entry matches.
    public init(_ affected: OSVRecord.Affected, scheme: VersionSchemeID) {
        self.scheme = scheme
        var ranges: [OSVPreparedRange] = []
        var broken: [OSVEvaluationError] = []
        for (index, range) in affected.ranges.enumerated() {
            let rangeScheme: VersionSchemeID
            switch range.type {
            case "ECOSYSTEM":
                rangeScheme = scheme
            case "SEMVER":
                rangeScheme = [.semver, .cargo, .go].contains(scheme) ? scheme : .semver
            case "GIT":
                continue
            default:
                broken.append(.unsupportedRangeType(range.type))
                continue
            }
            do {
                ranges.append(try OSVPreparedRange(range, index: index, scheme: rangeScheme))
            } catch {
                broken.append(error)
            }
        }
        self.ranges = ranges
        self.brokenRanges = broken
        self.listedStrings = Set(affected.versions)
        self.listedVersions = affected.versions.compactMap { try? scheme.parse($0) }
        var schemes: [VersionSchemeID] = []
        for range in ranges where !schemes.contains(range.scheme) { schemes.append(range.scheme) }
        self.rangeSchemes = schemes
    }

    /// Evaluates `version` (a version string of the entry's ecosystem).
    public func evaluate(_ version: String) throws(OSVEvaluationError) -> OSVVerdict {
        let primary: AnyVersion
        do {
            primary = try scheme.parse(version)
        } catch {
            throw .invalidVersion(error)
        }
        // Usually one scheme; at most two (ECOSYSTEM and SEMVER ranges in one entry).
        var parsed: [(scheme: VersionSchemeID, version: AnyVersion)] = [(scheme, primary)]
        var unevaluable = brokenRanges.first
        for rangeScheme in rangeSchemes where rangeScheme != scheme {
            do {
                parsed.append((rangeScheme, try rangeScheme.parse(version)))
            } catch {
                unevaluable = unevaluable ?? .invalidVersion(error)
            }
        }

        var containing: [(scheme: VersionSchemeID, version: AnyVersion)] = []
        for range in ranges where !containing.contains(where: { $0.scheme == range.scheme }) {
            guard let value = parsed.first(where: { $0.scheme == range.scheme })?.version else { continue }
            if range.contains(value) { containing.append((range.scheme, value)) }
        }
        let listed = listedStrings.contains(version) || listedVersions.contains(primary)
        guard !containing.isEmpty || listed else {
            if let unevaluable { throw unevaluable }
            return .notAffected
        }

        let searched = containing.isEmpty ? parsed.filter { rangeSchemes.contains($0.scheme) } : containing
        for (rangeScheme, value) in searched {
            if let fix = lowestFix(above: value, scheme: rangeScheme) {
                return .affected(fixedIn: fix)
            }
        }
        return .affected(fixedIn: nil)
    }

    /// The lowest `fixed` version above `version` among ranges of `rangeScheme` that no such range contains and
    /// that is not listed in `versions`.
    private func lowestFix(above version: AnyVersion, scheme rangeScheme: VersionSchemeID) -> String? {
        let group = ranges.filter { $0.scheme == rangeScheme }
        let candidates = group.flatMap(\.fixes).filter { $0.version > version }.sorted { $0.version < $1.version }
        for candidate in candidates {
            if group.contains(where: { $0.contains(candidate.version) }) { continue }
            if listedStrings.contains(candidate.text) || listedVersions.contains(candidate.version) { continue }
            return candidate.text
        }
        return nil
    }
}

extension OSVRecord.Affected {
    /// Evaluates `version` against this entry with its ecosystem's scheme (prepare an ``OSVAffectedEvaluator``
    /// once to evaluate many versions).
    public func evaluate(version: String) throws(OSVEvaluationError) -> OSVVerdict {
        try OSVAffectedEvaluator(self).evaluate(version)
    }
}
