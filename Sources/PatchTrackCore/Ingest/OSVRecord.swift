// An OSV record as https://ossf.github.io/osv-schema/ (ossf/osv-schema docs/schema.md, schema 1.7) defines it.
//
// Choices:
// - Timestamps stay RFC 3339 strings as written: records use several precisions, and the ingest layer owns time.
// - `purl` stays a string: real records carry invalid ones (PYSEC-2018-27 has `pkg:pypi:qutebrowser`).
// - An event object must hold exactly one of `introduced`, `fixed`, `last_affected`, `limit` (the schema calls
//   anything else invalid); decoding fails otherwise, with the coding path of the event.
// - `ecosystem_specific` and `database_specific` are kept as JSON values.

/// An OSV vulnerability record.
public struct OSVRecord: Codable, Equatable, Sendable {
    /// The OSV schema version the record says it follows.
    public var schemaVersion: String?
    /// The record id (`GHSA-...`, `DSA-5474-1`, `GO-2022-0969`).
    public var id: String
    /// When the record was last modified (RFC 3339).
    public var modified: String
    /// When the record was published (RFC 3339).
    public var published: String?
    /// When the record was withdrawn (RFC 3339); a withdrawn record matches nothing.
    public var withdrawn: String?
    /// Ids of the same vulnerability in other databases.
    public var aliases: [String]
    /// Ids of records this one is derived from.
    public var upstream: [String]
    /// Ids of related but different vulnerabilities.
    public var related: [String]
    /// One-line summary.
    public var summary: String?
    /// Longer description (CommonMark).
    public var details: String?
    /// Severity scores of the whole record.
    public var severity: [Severity]
    /// The affected packages.
    public var affected: [Affected]
    /// Links.
    public var references: [Reference]
    /// Database-defined extra data.
    public var databaseSpecific: JSONValue?

    /// A severity score (`CVSS_V3` vector, `Ubuntu` priority, ...).
    public struct Severity: Codable, Equatable, Sendable {
        /// The scoring system.
        public var type: String
        /// The score or vector as written.
        public var score: String

        /// Creates a score.
        public init(type: String, score: String) {
            self.type = type
            self.score = score
        }
    }

    /// A link from the record.
    public struct Reference: Codable, Equatable, Sendable {
        /// The kind of link (`ADVISORY`, `FIX`, `WEB`, ...).
        public var type: String
        /// The URL.
        public var url: String

        /// Creates a link.
        public init(type: String, url: String) {
            self.type = type
            self.url = url
        }
    }

    /// The package an `affected` entry is about.
    public struct Package: Codable, Equatable, Sendable {
        /// The OSV ecosystem, possibly with a release suffix (`Debian:12`).
        public var ecosystem: String
        /// The package name in that ecosystem.
        public var name: String
        /// The package's purl without version, as written (possibly invalid).
        public var purl: String?

        /// Creates a package reference.
        public init(ecosystem: String, name: String, purl: String? = nil) {
            self.ecosystem = ecosystem
            self.name = name
            self.purl = purl
        }

        enum CodingKeys: String, CodingKey {
            case ecosystem, name, purl
        }

        /// Decodes a package; a missing `name` reads as "" so that entries identified by `purl` alone are kept
        /// (OSV intake then requires one of the two).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ecosystem = try c.decode(String.self, forKey: .ecosystem)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            purl = try c.decodeIfPresent(String.self, forKey: .purl)
        }
    }

    /// One affected package with its affected versions.
    public struct Affected: Codable, Equatable, Sendable {
        /// The package.
        public var package: Package
        /// Per-package severity scores.
        public var severity: [Severity]
        /// Affected version ranges.
        public var ranges: [Range]
        /// Affected versions, enumerated.
        public var versions: [String]
        /// Ecosystem-defined extra data (Ubuntu and SUSE `binaries`, Go `imports`).
        public var ecosystemSpecific: JSONValue?
        /// Database-defined extra data.
        public var databaseSpecific: JSONValue?

        /// Creates an entry; missing lists are empty.
        public init(
            package: Package, severity: [Severity] = [], ranges: [Range] = [], versions: [String] = [],
            ecosystemSpecific: JSONValue? = nil, databaseSpecific: JSONValue? = nil
        ) {
            self.package = package
            self.severity = severity
            self.ranges = ranges
            self.versions = versions
            self.ecosystemSpecific = ecosystemSpecific
            self.databaseSpecific = databaseSpecific
        }

        enum CodingKeys: String, CodingKey {
            case package, severity, ranges, versions
            case ecosystemSpecific = "ecosystem_specific"
            case databaseSpecific = "database_specific"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            package = try c.decode(Package.self, forKey: .package)
            severity = try c.decodeIfPresent([Severity].self, forKey: .severity) ?? []
            ranges = try c.decodeIfPresent([Range].self, forKey: .ranges) ?? []
            versions = try c.decodeIfPresent([String].self, forKey: .versions) ?? []
            ecosystemSpecific = try c.decodeIfPresent(JSONValue.self, forKey: .ecosystemSpecific)
            databaseSpecific = try c.decodeIfPresent(JSONValue.self, forKey: .databaseSpecific)
        }
    }

    /// A range of affected versions: a timeline of events under one ordering.
    public struct Range: Codable, Equatable, Sendable {
        /// `SEMVER`, `ECOSYSTEM`, `GIT`, or another string kept as written.
        public var type: String
        /// The repository URL (`GIT` ranges).
        public var repo: String?
        /// The events, in the order written.
        public var events: [Event]
        /// Database-defined extra data.
        public var databaseSpecific: JSONValue?

        /// Creates a range.
        public init(type: String, repo: String? = nil, events: [Event], databaseSpecific: JSONValue? = nil) {
            self.type = type
            self.repo = repo
            self.events = events
            self.databaseSpecific = databaseSpecific
        }

        enum CodingKeys: String, CodingKey {
            case type, repo, events
            case databaseSpecific = "database_specific"
        }
    }

    /// One status change in a range's timeline.
    public enum Event: Codable, Equatable, Sendable {
        /// The vulnerability appears at this version (`"0"`: before every version).
        case introduced(String)
        /// The vulnerability is fixed at this version.
        case fixed(String)
        /// The last version known to be affected.
        case lastAffected(String)
        /// An upper limit of the range (`"*"`: none).
        case limit(String)

        enum CodingKeys: String, CodingKey, CaseIterable {
            case introduced, fixed
            case lastAffected = "last_affected"
            case limit
        }

        /// The event's version string.
        public var version: String {
            switch self {
            case .introduced(let v), .fixed(let v), .lastAffected(let v), .limit(let v): v
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let present = CodingKeys.allCases.filter { c.contains($0) }
            guard present.count == 1, let key = present.first else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an OSV event must have exactly one of introduced, fixed, last_affected, "
                        + "limit; found \(present.map(\.rawValue))"))
            }
            let version = try c.decode(String.self, forKey: key)
            switch key {
            case .introduced: self = .introduced(version)
            case .fixed: self = .fixed(version)
            case .lastAffected: self = .lastAffected(version)
            case .limit: self = .limit(version)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .introduced(let v): try c.encode(v, forKey: .introduced)
            case .fixed(let v): try c.encode(v, forKey: .fixed)
            case .lastAffected(let v): try c.encode(v, forKey: .lastAffected)
            case .limit(let v): try c.encode(v, forKey: .limit)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case id, modified, published, withdrawn, aliases, upstream, related, summary, details, severity, affected
        case references
        case databaseSpecific = "database_specific"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(String.self, forKey: .schemaVersion)
        id = try c.decode(String.self, forKey: .id)
        modified = try c.decode(String.self, forKey: .modified)
        published = try c.decodeIfPresent(String.self, forKey: .published)
        withdrawn = try c.decodeIfPresent(String.self, forKey: .withdrawn)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        upstream = try c.decodeIfPresent([String].self, forKey: .upstream) ?? []
        related = try c.decodeIfPresent([String].self, forKey: .related) ?? []
        summary = try c.decodeIfPresent(String.self, forKey: .summary)
        details = try c.decodeIfPresent(String.self, forKey: .details)
        severity = try c.decodeIfPresent([Severity].self, forKey: .severity) ?? []
        affected = try c.decodeIfPresent([Affected].self, forKey: .affected) ?? []
        references = try c.decodeIfPresent([Reference].self, forKey: .references) ?? []
        databaseSpecific = try c.decodeIfPresent(JSONValue.self, forKey: .databaseSpecific)
    }
}
