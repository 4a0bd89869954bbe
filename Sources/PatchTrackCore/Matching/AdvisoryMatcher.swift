// Matching of one OSV record against packages, prepared once per record: advisory ingest evaluates one record for
// thousands of stored components, scan ingest evaluates each candidate record (found by MatchKey) for the new
// components, so the entries' keys and parsed ranges are built once and reused.
//
// Rules:
// - An entry applies to a package when one of its keys has the same `value` as one of the package's keys (same
//   ecosystem, same normalised advisory name: source package for Debian, Ubuntu and Alpine, binary or source for
//   RPM, Wolfi and Chainguard) and the entry's release covers the package's (`EcosystemRelease.covers`: `Debian:12`
//   covers only Debian 12 packages; an entry without release covers all; a package of unknown release is checked
//   against every release's entries).
// - Each applicable entry gives one AdvisoryMatch, in `affected` order: affected (with the OSVVerdict fix),
//   not affected, or unmatchable with a reason (no component version, a version or range the scheme rejects,
//   an unknown range type). Nothing unreadable becomes "not affected".
// - A withdrawn record (any `withdrawn` value, even a future one: matching must not depend on the clock, since
//   nothing re-runs it when that time passes, and a publisher who sets the field has retracted the record)
//   matches nothing.
// - Per-ecosystem differences (which name keys the advisories, how releases are written, which version scheme) all
//   live in the Ecosystem table, so there is no per-ecosystem matcher type: Go's `stdlib@go1.21.0` and rpm epochs
//   are normalised when the EcosystemPackage is built, Chainguard's `fixed: "0"` by the range evaluator, and the
//   source version of Debian and Ubuntu binaries is chosen by `Component.advisoryPackage`
//   (Component+Matching.swift).

/// One OSV record prepared for matching many packages. A class of constants: prepared once and shared by every
/// scan it is matched for, so passing it along (caches, candidate lists) retains one reference instead of copying
/// its four arrays and strings.
public final class AdvisoryMatcher: Sendable {
    /// The record id.
    public let recordID: String
    /// Whether the record is withdrawn (then it matches nothing).
    public let isWithdrawn: Bool
    /// The record's keys, sorted, without repeats (see ``MatchKey``).
    public let keys: [MatchKey]
    private let entries: [Entry]
    /// Entry positions by key `value`.
    private let entriesByKey: [String: [Int]]

    /// One prepared `affected` entry.
    private struct Entry: Sendable {
        let index: Int
        let release: EcosystemRelease
        let evaluator: Result<OSVAffectedEvaluator, OSVEvaluationError>
    }

    /// Prepares every `affected` entry of `record`: keys computed, ranges parsed and sorted.
    public init(_ record: OSVRecord) {
        recordID = record.id
        isWithdrawn = record.withdrawn != nil
        var entries: [Entry] = []
        var byKey: [String: [Int]] = [:]
        var allKeys: Set<MatchKey> = []
        for (index, affected) in record.affected.enumerated() {
            let entryKeys = MatchKey.keys(for: affected)
            guard !entryKeys.isEmpty else { continue }
            let release = EcosystemRelease(osvEcosystem: affected.package.ecosystem)
            let evaluator: Result<OSVAffectedEvaluator, OSVEvaluationError>
            if let scheme = release.ecosystem.scheme {
                evaluator = .success(OSVAffectedEvaluator(affected, scheme: scheme))
            } else {
                evaluator = .failure(.unsupportedEcosystem(affected.package.ecosystem))
            }
            for key in entryKeys {
                byKey[key.value, default: []].append(entries.count)
                allKeys.insert(key)
            }
            entries.append(Entry(index: index, release: release, evaluator: evaluator))
        }
        self.entries = entries
        self.entriesByKey = byKey
        self.keys = allKeys.sorted()
    }

    /// What the record says about `package`: one match per applicable entry, in `affected` order; empty when no
    /// entry names the package or the record is withdrawn.
    public func match(_ package: EcosystemPackage) -> [AdvisoryMatch] {
        if isWithdrawn { return [] }
        return evaluate(package)
    }

    /// Like ``match(_:)`` but also for a withdrawn record, whose applicable entries are then reported as
    /// unmatchable with reason `.withdrawn` (for explaining why a finding disappeared).
    public func evaluate(_ package: EcosystemPackage) -> [AdvisoryMatch] {
        var positions: [Int] = []
        for key in MatchKey.keys(for: package) {
            for position in entriesByKey[key.value] ?? [] where !positions.contains(position) {
                positions.append(position)
            }
        }
        positions.sort()
        var matches: [AdvisoryMatch] = []
        for position in positions {
            let entry = entries[position]
            guard entry.release.covers(package.release) else { continue }
            matches.append(AdvisoryMatch(
                affectedIndex: entry.index, release: entry.release, outcome: outcome(of: entry, for: package)))
        }
        return matches
    }

    /// Matches `package` against `record` without keeping the prepared form.
    public static func match(_ package: EcosystemPackage, against record: OSVRecord) -> [AdvisoryMatch] {
        AdvisoryMatcher(record).match(package)
    }

    private func outcome(of entry: Entry, for package: EcosystemPackage) -> AdvisoryMatch.Outcome {
        if isWithdrawn { return .unmatchable(.withdrawn) }
        guard let version = package.version, !version.isEmpty else { return .unmatchable(.missingVersion) }
        let evaluator: OSVAffectedEvaluator
        switch entry.evaluator {
        case .success(let prepared): evaluator = prepared
        case .failure(let error): return .unmatchable(.evaluation(error))
        }
        do {
            switch try evaluator.evaluate(version) {
            case .notAffected: return .notAffected
            case .affected(let fixedIn): return .affected(fixedIn: fixedIn)
            }
        } catch {
            return .unmatchable(.evaluation(error))
        }
    }
}
