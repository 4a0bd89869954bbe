// The lookup keys that pair advisories with components before any version is compared. Storage keeps one row per
// key on each side and finds candidates with one equality join on `value`; the matcher then decides.
//
// The key string (`value`) is exactly `<ecosystem>|<name>`:
// - `<ecosystem>` is the canonical OSV ecosystem name from the Ecosystem table, without release suffix, as the
//   table spells it (`Debian`, `Alpine`, `Rocky Linux`, `crates.io`, `PyPI`, `Go`), whatever case the record used;
//   for the table's ecosystems that have no OSV name (CentOS, Fedora, Oracle Linux) it is the table's first short
//   name (`centos`, `fedora`, `oracle`), which no advisory produces today.
// - `<name>` is `Ecosystem.normalizedPackageName` of the package name: the source package for Debian, Ubuntu and
//   Alpine components, binary and source package (two keys) for RPM distributions, Wolfi and Chainguard
//   (`EcosystemPackage.advisoryNames`); `group:artifact` for Maven, the module path for Go, `@scope/name` for npm,
//   `vendor/name` for Packagist, PEP 503 for PyPI, lowercase for NuGet and distributions.
// - `|` separates them; no table ecosystem name contains it, so the first `|` splits a key.
// Examples: `Debian|intel-microcode`, `Alpine|mariadb`, `Maven|org.springframework.security.oauth:spring-security-oauth`,
// `Go|golang.org/x/net`, `Go|stdlib`, `PyPI|qutebrowser`, `AlmaLinux|avahi-libs`.
//
// The release is not part of `value`: an entry without release covers every release and a component without a
// known release is checked against every release's entries (`EcosystemRelease.covers`), which an equality join
// cannot say. Storage may narrow the join with
// `advisory.release IS NULL OR component.release IS NULL OR advisory.release = component.release`.
// Unsupported ecosystems produce no keys: nothing can be evaluated there, and the intake reports them.

/// One (ecosystem, release, package name) an advisory entry names or a component is looked up by.
public struct MatchKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The canonical OSV ecosystem name without release (`Debian`, `Rocky Linux`, `PyPI`).
    public let ecosystem: String
    /// The normalised release (`12`, `3.16`, `22.04`), or nil when the entry or component has none.
    public let release: String?
    /// The normalised package name.
    public let name: String

    /// Creates a key from normalised parts.
    public init(ecosystem: String, release: String?, name: String) {
        self.ecosystem = ecosystem
        self.release = release
        self.name = name
    }

    /// The join string `<ecosystem>|<name>` (see the top of MatchKey.swift).
    public var value: String { ecosystem + "|" + name }

    /// `value`, then `@release` when there is one.
    public var description: String { release.map { value + "@" + $0 } ?? value }

    /// Orders by value, then release (none first).
    public static func < (lhs: MatchKey, rhs: MatchKey) -> Bool {
        if lhs.value != rhs.value { return lhs.value < rhs.value }
        switch (lhs.release, rhs.release) {
        case (nil, nil), (_?, nil): return false
        case (nil, _?): return true
        case (let left?, let right?): return left < right
        }
    }

    // MARK: - Both sides

    /// The keys of every `affected` entry of `record`, sorted, without repeats. Entries of unsupported ecosystems
    /// and entries naming no package give none.
    public static func keys(for record: OSVRecord) -> [MatchKey] {
        Array(Set(record.affected.flatMap { keys(for: $0) })).sorted()
    }

    /// The keys of one `affected` entry: its package name, or the name in its purl when the name is empty.
    public static func keys(for affected: OSVRecord.Affected) -> [MatchKey] {
        let release = EcosystemRelease(osvEcosystem: affected.package.ecosystem)
        guard let ecosystem = keyName(of: release.ecosystem) else { return [] }
        var name = affected.package.name
        if name.isEmpty, let purl = affected.package.purl, let parsed = try? PURL(parsing: purl) {
            name = EcosystemPackage(purl: parsed).name
        }
        guard !name.isEmpty else { return [] }
        return [MatchKey(
            ecosystem: ecosystem, release: release.release, name: release.ecosystem.normalizedPackageName(name))]
    }

    /// The keys to look `package` up by: one per name in `advisoryNames`, in that order.
    public static func keys(for package: EcosystemPackage) -> [MatchKey] {
        guard let ecosystem = keyName(of: package.ecosystem) else { return [] }
        return package.advisoryNames.filter { !$0.isEmpty }.map {
            MatchKey(ecosystem: ecosystem, release: package.release.release, name: $0)
        }
    }

    /// The ecosystem part of a key; nil for unsupported ecosystems.
    public static func keyName(of ecosystem: Ecosystem) -> String? {
        guard let entry = ecosystem.entry else { return nil }
        return entry.osvName ?? entry.shortNames.first
    }
}
