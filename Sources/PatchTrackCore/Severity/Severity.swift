// The severity PatchTrack assigns to an advisory or a scanner finding, and where it came from.
//
// Order of preference for an OSV record (https://ossf.github.io/osv-schema/#severity-field):
// 1. a `CVSS_V4` vector in `severity[]` (the record's, else its `affected[]` entries'), scored with `CVSS4`;
// 2. a `CVSS_V3` vector (v3.1 or v3.0, whichever is present), scored with `CVSS3`;
// 3. a label: the record's `database_specific.severity` (GHSA), then `severity[]` entries of type `Ubuntu`, then
//    each affected entry's `database_specific` and `ecosystem_specific` `severity` / `urgency` (Debian, SUSE, ...);
// 4. otherwise `.unknown` with source `.none`.
//
// Choices:
// - Several vectors of the chosen kind (Ubuntu repeats them; affected entries may differ): the highest score wins,
//   the first written on a tie. Several labels of one step: the most severe wins. Conservative on purpose: the
//   value drives rebuild thresholds and SLAs.
// - A malformed vector or an unrecognised label is skipped and the next source is tried; a label meaning "unknown"
//   (`not yet assigned`) does not hide a later, informative one.
// - A label is `.distro` when it is an Ubuntu severity entry or comes from an affected entry of a distribution
//   ecosystem (dpkg, rpm or apk versions); otherwise `.databaseSpecific`.
// - `CVSS_V2` vectors are not scored: v2 is superseded and every feed with v2 also has a later vector or a label.

/// A severity level with its score and its source.
public struct Severity: Equatable, Sendable {
    /// Where a severity came from.
    public enum Source: Equatable, Sendable {
        /// A CVSS v4.0 vector, as written.
        case cvssV4(String)
        /// A CVSS v3.0 or v3.1 vector, as written.
        case cvssV3(String)
        /// A label in an advisory database's own field (GHSA `database_specific.severity`).
        case databaseSpecific(String)
        /// A distribution's label (Debian urgency, Ubuntu priority, SUSE / Red Hat severity).
        case distro(String)
        /// A scanner's label (Trivy, Grype).
        case scanner(String)
        /// No source: the severity is unknown.
        case none
    }

    /// The qualitative level.
    public var level: SeverityLevel
    /// The CVSS score when the level comes from a vector.
    public var score: Double?
    /// Where the level came from.
    public var source: Source

    /// Creates a severity.
    public init(level: SeverityLevel, score: Double? = nil, source: Source) {
        self.level = level
        self.score = score
        self.source = source
    }

    /// No severity information.
    public static let unknown = Severity(level: .unknown, source: .none)

    /// The severity of a CVSS v3.x or v4.0 vector string, with its score.
    public static func from(cvssVector vector: String) throws(CVSSError) -> Severity {
        if vector.hasPrefix("CVSS:4.") {
            let score = try CVSS4(vector: vector).score
            return Severity(level: SeverityLevel(score: score), score: score, source: .cvssV4(vector))
        }
        let score = try CVSS3(vector: vector).baseScore
        return Severity(level: SeverityLevel(score: score), score: score, source: .cvssV3(vector))
    }

    /// The severity of a scanner's label (`CRITICAL`, `Negligible`); `.unknown` level for an unrecognised label.
    public static func from(scannerLabel label: String) -> Severity {
        Severity(level: SeverityLevel(label: label) ?? .unknown, source: .scanner(label))
    }

    /// The severity of an OSV record, by the order of preference in this file's header.
    public static func from(record: OSVRecord) -> Severity {
        let scores = record.severity + record.affected.flatMap(\.severity)
        if let best = highestScored(scores, type: "CVSS_V4") { return best }
        if let best = highestScored(scores, type: "CVSS_V3") { return best }
        if let label = record.databaseSpecific?["severity"], let best = mostSevere([(label, .databaseSpecific)]) {
            return best
        }
        let ubuntu = record.severity.filter { $0.type == "Ubuntu" }.map {
            (OSVRecord.JSONValue.string($0.score), LabelKind.distro)
        }
        if let best = mostSevere(ubuntu) { return best }
        var labels: [(OSVRecord.JSONValue, LabelKind)] = []
        for affected in record.affected {
            let kind: LabelKind = isDistribution(affected.package.ecosystem) ? .distro : .databaseSpecific
            for container in [affected.databaseSpecific, affected.ecosystemSpecific] {
                for key in ["severity", "urgency"] {
                    if let value = container?[key] { labels.append((value, kind)) }
                }
            }
        }
        return mostSevere(labels) ?? .unknown
    }

    // MARK: - Helpers

    private enum LabelKind {
        case databaseSpecific, distro
    }

    /// The highest-scoring valid vector among `scores` of `type`; the first on a tie.
    private static func highestScored(_ scores: [OSVRecord.Severity], type: String) -> Severity? {
        var best: Severity?
        for entry in scores where entry.type == type {
            guard let candidate = try? from(cvssVector: entry.score), let score = candidate.score else { continue }
            if let current = best?.score, current >= score { continue }
            best = candidate
        }
        return best
    }

    /// The most severe recognised, informative label among `labels` (string values only); the first on a tie.
    private static func mostSevere(_ labels: [(OSVRecord.JSONValue, LabelKind)]) -> Severity? {
        var best: Severity?
        for (value, kind) in labels {
            guard case .string(let text) = value, let level = SeverityLevel(label: text), level != .unknown else {
                continue
            }
            if let current = best?.level, current >= level { continue }
            best = Severity(level: level, source: kind == .distro ? .distro(text) : .databaseSpecific(text))
        }
        return best
    }

    /// Whether an OSV ecosystem (`Debian:12`, `Red Hat:...`) is a distribution's: its versions are dpkg, rpm or apk.
    private static func isDistribution(_ osvEcosystem: String) -> Bool {
        switch EcosystemRelease(osvEcosystem: osvEcosystem).ecosystem.scheme {
        case .dpkg, .rpm, .apk: true
        default: false
        }
    }
}
