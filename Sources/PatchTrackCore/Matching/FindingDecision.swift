// Which (component, advisory) pairs are findings, the one loop both ingest directions run: scan ingest decides one
// image's components against the advisories sharing a key with them, advisory ingest decides fresh advisories
// against the stored components sharing a key with them.
//
// Rules: a pair is considered when the candidate is listed under one of the advisory's match keys (its own keys for
// a scan's components, the stored key rows for stored components); each pair once, however many keys they share;
// a withdrawn advisory gives nothing; a pair is a finding when the advisory's combined verdict (``AdvisoryVerdict``,
// fixes ordered by the advisory's scheme) is affected, with that verdict's fixed version.
//
// Performance: these loops run over millions of rows. The candidates are read in place through their positions
// (never copied or collected again), and the functions are inlinable so that Storage gets them specialised for its
// own candidate and advisory types.

/// The finding decision of matching: which candidates an advisory affects.
public enum FindingDecision {
    /// A package to decide advisories against (a scanned or stored component).
    public protocol Candidate {
        /// The matcher's view of the component (``Component/advisoryPackage``).
        var package: EcosystemPackage { get }
    }

    /// An advisory prepared for matching.
    public protocol Advisory {
        /// The prepared record.
        var matcher: AdvisoryMatcher { get }
        /// The version scheme that orders the record's fixes (see ``AdvisoryVerdict/init(_:scheme:)``).
        var scheme: VersionSchemeID? { get }
    }

    /// One affected candidate of an advisory.
    public struct Affected: Equatable, Sendable {
        /// The candidate's position in the candidates decided.
        public let candidate: Int
        /// The version that fixes it, nil when some affected entry has no fix yet.
        public let fixedVersion: String?

        @inlinable
        public init(candidate: Int, fixedVersion: String?) {
            self.candidate = candidate
            self.fixedVersion = fixedVersion
        }
    }

    /// The positions of `candidates` by match key value, from each candidate's own keys
    /// (``MatchKey/keys(for:)-(EcosystemPackage)``).
    @inlinable
    public static func positionsByKey<C: Candidate>(_ candidates: [C]) -> [String: [Int]] {
        var byKey: [String: [Int]] = [:]
        for index in candidates.indices {
            for key in MatchKey.keys(for: candidates[index].package) { byKey[key.value, default: []].append(index) }
        }
        return byKey
    }

    /// The candidates `advisory` affects among those `positionsByKey` lists under its keys, each once, in the
    /// order of its keys and then of the positions listed.
    @inlinable
    public static func affected<A: Advisory, C: Candidate>(
        by advisory: A, candidates: [C], positionsByKey: [String: [Int]]
    ) -> [Affected] {
        let matcher = advisory.matcher
        guard !matcher.isWithdrawn else { return [] }
        var affected: [Affected] = []
        var seen = Set<Int>()
        for key in matcher.keys {
            guard let positions = positionsByKey[key.value] else { continue }
            for index in positions where seen.insert(index).inserted {
                let verdict = AdvisoryVerdict(matcher.match(candidates[index].package), scheme: advisory.scheme)
                if case .affected(let fixedIn) = verdict {
                    affected.append(Affected(candidate: index, fixedVersion: fixedIn))
                }
            }
        }
        return affected
    }

    /// Every (advisory, candidate) finding: ``affected(by:candidates:positionsByKey:)`` for each advisory in turn,
    /// with the candidates' own keys.
    @inlinable
    public static func affected<A: Advisory, C: Candidate>(
        _ advisories: [A], _ candidates: [C]
    ) -> [(advisory: Int, affected: Affected)] {
        let byKey = positionsByKey(candidates)
        var result: [(advisory: Int, affected: Affected)] = []
        for index in advisories.indices {
            for affected in affected(by: advisories[index], candidates: candidates, positionsByKey: byKey) {
                result.append((index, affected))
            }
        }
        return result
    }
}
