import Foundation

/// What a feed fetches.
public enum FeedKind: String, Sendable, Codable, CaseIterable {
    /// An OSV export: `<url>/<Ecosystem>/all.zip`, `modified_id.csv` and `<ID>.json` per ecosystem.
    case osv
    /// CISA's Known Exploited Vulnerabilities catalogue (JSON).
    case kev
    /// FIRST's daily EPSS scores (gzip-compressed CSV).
    case epss
}

/// A feed as an admin configures it: where it fetches from and how often.
public struct FeedDefinition: Sendable, Equatable {
    /// The admin's name for it (`^[a-z0-9][a-z0-9._-]{0,62}$`).
    public var name: String
    public var kind: FeedKind
    /// The base URL (`osv`) or the document's URL (`kev`, `epss`); http or https.
    public var url: String
    /// The OSV ecosystems followed (`osv` only; empty for the other kinds). Nil: every ecosystem PatchTrack can
    /// match (``Ecosystem/osvNames``), as the built-in `osv` feed.
    public var ecosystems: [String]?
    /// Minutes between two syncs.
    public var intervalMinutes: Int
    public var enabled: Bool

    public init(name: String, kind: FeedKind, url: String, ecosystems: [String]?, intervalMinutes: Int, enabled: Bool) {
        self.name = name
        self.kind = kind
        self.url = url
        self.ecosystems = ecosystems
        self.intervalMinutes = intervalMinutes
        self.enabled = enabled
    }

    /// The ecosystems a sync follows: the configured ones, or every one PatchTrack can match.
    public var followedEcosystems: [String] {
        guard kind == .osv else { return [] }
        return ecosystems ?? Ecosystem.osvNames
    }

    /// The feeds a new database lists, all disabled: nothing leaves the machine until an admin enables one.
    public static let builtIn: [FeedDefinition] = [
        FeedDefinition(
            name: "osv", kind: .osv, url: "https://osv-vulnerabilities.storage.googleapis.com", ecosystems: nil,
            intervalMinutes: 60, enabled: false),
        FeedDefinition(
            name: "kev", kind: .kev, url: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
            ecosystems: nil, intervalMinutes: 360, enabled: false),
        FeedDefinition(
            name: "epss", kind: .epss, url: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz", ecosystems: nil,
            intervalMinutes: 1440, enabled: false),
    ]

    /// Why a definition cannot be stored: the field and the reason.
    public struct Invalid: Error, Equatable, Sendable {
        public let field: String
        public let reason: String
    }

    /// Bounds of `interval_minutes`: a minute to a week.
    public static let intervalRange = 1...10_080

    /// Checks every field; throws the first that is wrong.
    public func validate() throws(Invalid) {
        guard Self.isValidName(name) else {
            throw Invalid(field: "name", reason: "must be 1 to 63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
        }
        guard url.utf8.count <= 2_048, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty, parsed.query == nil,
            parsed.fragment == nil, parsed.user == nil
        else {
            throw Invalid(field: "url", reason: "must be an http or https URL of at most 2,048 bytes, without credentials, query or fragment")
        }
        guard Self.intervalRange.contains(intervalMinutes) else {
            throw Invalid(field: "interval_minutes", reason: "must be \(Self.intervalRange.lowerBound) to \(Self.intervalRange.upperBound)")
        }
        switch kind {
        case .osv:
            guard let ecosystems else { return }
            guard (1...200).contains(ecosystems.count) else {
                throw Invalid(field: "ecosystems", reason: "an osv feed follows 1 to 200 ecosystems")
            }
            for name in ecosystems where !Self.isValidEcosystemName(name) {
                throw Invalid(field: "ecosystems", reason: "\(name.debugDescription) is not an OSV ecosystem directory name")
            }
            guard Set(ecosystems).count == ecosystems.count else {
                throw Invalid(field: "ecosystems", reason: "lists an ecosystem twice")
            }
        case .kev, .epss:
            if let ecosystems, !ecosystems.isEmpty {
                throw Invalid(field: "ecosystems", reason: "only an osv feed follows ecosystems")
            }
        }
    }

    /// A feed name: lowercase letters, digits, `.`, `_`, `-`, at most 63, not starting with punctuation.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func isAlnum(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        return isAlnum(bytes[0]) && bytes.allSatisfy { isAlnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    /// An OSV export directory name: printable, no path separator or `..`, at most 100 bytes (`Red Hat`,
    /// `crates.io`, `Ubuntu:22.04:LTS` are all fine; an unknown name is allowed: a mirror may carry more).
    public static func isValidEcosystemName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...100).contains(bytes.count), name != ".", name != ".." else { return false }
        return bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x2F && $0 != 0x5C && $0 != 0x3F && $0 != 0x23 && $0 != 0x25 }
    }
}

/// How a feed stands against its interval.
public enum FeedStanding {
    /// When the next sync is due: an interval after the last attempt, or now when there was none.
    public static func nextRun(lastAttempt: Date?, intervalMinutes: Int) -> Date? {
        lastAttempt.map { $0.addingTimeInterval(TimeInterval(intervalMinutes * 60)) }
    }

    /// Stale once two intervals passed without a success: since the last success, or since the feed was enabled
    /// when it never succeeded. A disabled feed is never stale (nobody asked it to be current).
    public static func isStale(enabled: Bool, lastSuccess: Date?, enabledSince: Date?, intervalMinutes: Int, now: Date) -> Bool {
        guard enabled, let since = lastSuccess ?? enabledSince else { return false }
        return now.timeIntervalSince(since) > TimeInterval(2 * intervalMinutes * 60)
    }
}
