// Distribution releases, from OSV ecosystem suffixes (https://ossf.github.io/osv-schema/#defined-ecosystems:
// `Debian:12`, `Ubuntu:Pro:18.04:LTS`, `Alpine:v3.16`, `Red Hat:enterprise_linux:8::appstream`,
// `SUSE:Linux Enterprise Server 15 SP5`, ...) and from purl `distro` qualifiers as syft and trivy write them
// (`debian-12`, `alpine-3.19.1`, `rhel-8.9`, `esm-apps/jammy`, `jessie`). Both normalise to the same lowercase
// release so that the two sides compare with `==`.

/// An ecosystem and, for distributions, the release an advisory entry or a package belongs to.
public struct EcosystemRelease: Hashable, Sendable, CustomStringConvertible {
    /// The ecosystem.
    public let ecosystem: Ecosystem
    /// The normalised release (`12`, `22.04`, `3.19`, `9`, `15.5`, `tumbleweed`), or nil when none is known.
    public let release: String?
    /// What else the OSV suffix said, kept for display and not compared (`Pro`, a Red Hat CPE stream, a SUSE
    /// product name, a Maven repository URL).
    public let qualifier: String?

    /// Creates a value from its parts; `release` is used as given.
    public init(ecosystem: Ecosystem, release: String? = nil, qualifier: String? = nil) {
        self.ecosystem = ecosystem
        self.release = release
        self.qualifier = qualifier
    }

    /// Reads an OSV `affected[].package.ecosystem` string: the name before the first `:` picks the ecosystem, the
    /// rest is the release suffix. Unknown names give `.unsupported(name)`.
    public init(osvEcosystem: String) {
        let base: Substring
        let suffix: Substring?
        if let colon = osvEcosystem.firstIndex(of: ":") {
            base = osvEcosystem[..<colon]
            suffix = osvEcosystem[osvEcosystem.index(after: colon)...]
        } else {
            base = Substring(osvEcosystem)
            suffix = nil
        }
        let entry =
            Ecosystem.table.first { $0.osvName == String(base) }
            ?? Ecosystem.table.first { $0.osvName?.lowercased() == base.lowercased() }
        guard let entry else {
            self.init(ecosystem: .unsupported(String(base)), qualifier: suffix.map(String.init))
            return
        }
        guard let suffix, !suffix.isEmpty else {
            self.init(ecosystem: entry.ecosystem)
            return
        }
        let (release, qualifier) = Self.splitOSVSuffix(suffix, style: entry.releaseStyle)
        self.init(ecosystem: entry.ecosystem, release: release, qualifier: qualifier)
    }

    /// Reads a purl `distro` qualifier (`debian-12`, `alpine-3.19.1`, `ubuntu-22.04`, `esm-apps/jammy`, `bookworm`)
    /// for a package of `ecosystem`; nil or an unreadable value gives no release.
    public init(ecosystem: Ecosystem, distro: String?) {
        guard let distro, let style = ecosystem.entry?.releaseStyle, style != .none else {
            self.init(ecosystem: ecosystem)
            return
        }
        // Ubuntu Pro writes the archive before the codename: "esm-apps/jammy".
        let last = distro.split(separator: "/").last.map { $0.lowercased() } ?? ""
        let release: String?
        if let number = Self.numericTail(last) {
            release = Self.normalized(number, style: style)
        } else if let known = Self.codenames[last] {
            release = known
        } else if style == .suse, last.contains("tumbleweed") {
            release = "tumbleweed"
        } else {
            release = last.isEmpty ? nil : last
        }
        self.init(ecosystem: ecosystem, release: release)
    }

    /// Whether an advisory entry for `self` applies to a package of `package`: same ecosystem, and the same
    /// release unless either side has none (an entry without release covers every release; a package whose release
    /// is unknown is checked against every release's entries).
    public func covers(_ package: EcosystemRelease) -> Bool {
        guard ecosystem == package.ecosystem else { return false }
        guard let release, let other = package.release else { return true }
        return release == other
    }

    /// `Debian:12`, `Ubuntu:22.04 (Pro)`, `npm`.
    public var description: String {
        var text = ecosystem.osvName ?? "\(ecosystem)"
        if let release { text += ":" + release }
        if let qualifier { text += " (" + qualifier + ")" }
        return text
    }

    // MARK: - Normalisation

    /// Splits an OSV suffix into the release and the rest.
    private static func splitOSVSuffix(_ suffix: Substring, style: Ecosystem.ReleaseStyle) -> (String?, String?) {
        switch style {
        case .none:
            return (nil, String(suffix))
        case .verbatim:
            return (suffix.lowercased(), nil)
        case .suse:
            return suseRelease(suffix)
        case .major, .majorMinor:
            // The first ':'-separated part that starts with a digit (after an optional 'v') is the release;
            // Ubuntu's "LTS" marker is dropped, other parts ("Pro", a CPE stream) are kept as the qualifier.
            let parts = suffix.split(separator: ":", omittingEmptySubsequences: false)
            guard let index = parts.firstIndex(where: { numericStart($0) != nil }),
                let number = numericStart(parts[index])
            else {
                let word = suffix.lowercased()
                return (codenames[word] ?? word, nil)
            }
            let release = normalized(number, style: style)
            if style == .majorMinor {
                let rest = parts.enumerated().filter { $0.offset != index && $0.element != "LTS" && !$0.element.isEmpty }
                    .map { String($0.element) }
                return (release, rest.isEmpty ? nil : rest.joined(separator: ":"))
            }
            return (release, parts.count > 1 ? String(suffix) : nil)
        }
    }

    /// SUSE product names: "Linux Enterprise Server 15 SP5" is 15.5, "Leap 15.5" is 15.5, "Tumbleweed" is itself.
    private static func suseRelease(_ suffix: Substring) -> (String?, String?) {
        let words = suffix.split(separator: " ")
        guard let index = words.firstIndex(where: { $0.first.map { $0.isASCII && $0.isNumber } == true }) else {
            let lower = suffix.lowercased()
            return (lower.contains("tumbleweed") ? "tumbleweed" : lower, nil)
        }
        var release = String(words[index])
        if index + 1 < words.count, words[index + 1].uppercased().hasPrefix("SP") {
            release += "." + words[index + 1].dropFirst(2)
        }
        let product = words[..<index].joined(separator: " ")
        return (release, product.isEmpty ? nil : product)
    }

    /// The part of `text` from its first digit, when that digit starts the text (after an optional 'v') or follows
    /// a '-': "debian-12" → "12", "v3.19" → "3.19", "opensuse-leap-15.5" → "15.5".
    private static func numericTail(_ text: String) -> Substring? {
        if let start = numericStart(Substring(text)) { return start }
        var previous: Character = "-"
        for index in text.indices {
            if text[index].isASCII, text[index].isNumber, previous == "-" { return text[index...] }
            previous = text[index]
        }
        return nil
    }

    /// `text` itself when it starts with a digit, or without its leading 'v' when a digit follows.
    private static func numericStart(_ text: Substring) -> Substring? {
        let body = text.first == "v" ? text.dropFirst() : text
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        return body
    }

    /// Applies a style to a release number: "12.4" → "12" (major), "3.19.1" → "3.19" (majorMinor),
    /// "15-sp5" → "15.5" (suse).
    private static func normalized(_ number: Substring, style: Ecosystem.ReleaseStyle) -> String {
        let lower = number.lowercased()
        switch style {
        case .major:
            return String(lower.prefix { $0.isASCII && $0.isNumber })
        case .majorMinor:
            return lower.split(separator: ".", omittingEmptySubsequences: false).prefix(2).joined(separator: ".")
        case .suse:
            let parts = lower.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == " " })
            guard let major = parts.first else { return lower }
            if parts.count > 1 {
                let minor = parts[1].hasPrefix("sp") ? parts[1].dropFirst(2) : parts[1]
                return minor.isEmpty ? String(major) : major + "." + minor
            }
            return String(major)
        case .none, .verbatim:
            return lower
        }
    }

    /// Debian and Ubuntu codenames (distro-info-data debian.csv and ubuntu.csv).
    private static let codenames: [String: String] = [
        "wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12",
        "trixie": "13", "forky": "14", "duke": "15", "unstable": "sid",
        "trusty": "14.04", "xenial": "16.04", "bionic": "18.04", "cosmic": "18.10", "disco": "19.04",
        "eoan": "19.10", "focal": "20.04", "groovy": "20.10", "hirsute": "21.04", "impish": "21.10",
        "jammy": "22.04", "kinetic": "22.10", "lunar": "23.04", "mantic": "23.10", "noble": "24.04",
        "oracular": "24.10", "plucky": "25.04", "questing": "25.10", "resolute": "26.04",
    ]
}
