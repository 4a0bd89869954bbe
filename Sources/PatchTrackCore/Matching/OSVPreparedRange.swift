// One `ECOSYSTEM` or `SEMVER` range of an OSV entry with its events parsed and sorted; the evaluation rules are
// written at the top of OSVAffectedEvaluator.swift.

/// A range ready for `IncludedInRanges` and `BeforeLimits` (OSV schema, section "Evaluation").
struct OSVPreparedRange: Sendable {
    /// A bound on the version line: `"0"` is below everything, a `*` limit above everything.
    enum Bound: Comparable, Sendable {
        case lowest
        case version(AnyVersion)
        case infinity
    }

    /// Event kinds in the order events at one version are walked.
    enum Kind: Int, Comparable, Sendable {
        case introduced, lastAffected, fixed

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A `fixed` event: its parsed version and the string to report.
    struct Fix: Sendable {
        let version: AnyVersion
        let text: String
    }

    let scheme: VersionSchemeID
    /// `introduced`, `last_affected` and `fixed` events sorted by bound, then kind.
    private let timeline: [(kind: Kind, bound: Bound)]
    /// `limit` bounds; empty means the implicit `"*"`.
    private let limits: [Bound]
    /// The `fixed` events that name a real version.
    let fixes: [Fix]

    init(_ range: OSVRecord.Range, index: Int, scheme: VersionSchemeID) throws(OSVEvaluationError) {
        self.scheme = scheme
        var timeline: [(kind: Kind, bound: Bound)] = []
        var limits: [Bound] = []
        var fixes: [Fix] = []
        for event in range.events {
            let text = event.version
            let bound: Bound
            if case .limit = event, text.contains("*") {
                bound = .infinity
            } else if text == "0" {
                bound = .lowest
            } else {
                do {
                    bound = .version(try scheme.parse(text))
                } catch {
                    throw .invalidEventVersion(rangeIndex: index, error)
                }
            }
            switch event {
            case .introduced: timeline.append((.introduced, bound))
            case .lastAffected: timeline.append((.lastAffected, bound))
            case .fixed:
                timeline.append((.fixed, bound))
                if case .version(let version) = bound { fixes.append(Fix(version: version, text: text)) }
            case .limit: limits.append(bound)
            }
        }
        guard timeline.contains(where: { $0.kind == .introduced }) else { throw .missingIntroduced(rangeIndex: index) }
        self.timeline = timeline.sorted { ($0.bound, $0.kind) < ($1.bound, $1.kind) }
        self.limits = limits
        self.fixes = fixes
    }

    /// `BeforeLimits(v) && vulnerable after walking the sorted events`.
    func contains(_ version: AnyVersion) -> Bool {
        let v = Bound.version(version)
        if !limits.isEmpty && !limits.contains(where: { v < $0 }) { return false }
        var vulnerable = false
        for event in timeline {
            // Sorted: once v is below an event's bound it is below every later one, and no later event applies.
            if v < event.bound { break }
            switch event.kind {
            case .introduced: vulnerable = true
            case .fixed: vulnerable = false
            case .lastAffected: if v > event.bound { vulnerable = false }
            }
        }
        return vulnerable
    }
}
