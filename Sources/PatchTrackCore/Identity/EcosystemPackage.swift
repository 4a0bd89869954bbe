// What a component's purl means for matching: which ecosystem and release it belongs to, which names its
// advisories may use, and its version in the form the ecosystem's scheme parses. The purl conventions are those of
// the purl-spec type definitions and of syft, whose SBOMs PatchTrack ingests most:
// - deb `upstream=<source>[@<source version>]`, apk `upstream=<origin>`, rpm `upstream=<name>-<ver>-<rel>.src.rpm`;
// - rpm `epoch=<n>` (the purl version has no epoch);
// - Go standard library as `pkg:golang/stdlib@go1.21.0` (OSV writes `1.21.0`).

import Foundation

/// A package as the matcher sees it: ecosystem and release, names to look advisories up by, and version.
public struct EcosystemPackage: Hashable, Sendable {
    /// The ecosystem and distribution release.
    public let release: EcosystemRelease
    /// The package name, normalised for the ecosystem (binary package name for distributions; `group:artifact`
    /// for Maven, module path for Go, `@scope/name` for npm, `vendor/name` for Composer, PEP 503 for PyPI).
    public let name: String
    /// The source package (deb source, apk origin, source rpm name) when the purl says it.
    public let sourceName: String?
    /// The version in the form the ecosystem's scheme parses (rpm epoch added), or nil.
    public let version: String?

    /// The ecosystem.
    public var ecosystem: Ecosystem { release.ecosystem }

    /// The names advisories of this ecosystem may use for the package, first the preferred one, without repeats.
    public var advisoryNames: [String] {
        switch ecosystem.advisoryKey {
        case .sourcePackage:
            return [sourceName ?? name]
        case .binaryOrSourcePackage:
            guard let sourceName, sourceName != name else { return [name] }
            return [name, sourceName]
        case .packageName, nil:
            return [name]
        }
    }

    /// Creates a value from its parts, as given.
    public init(release: EcosystemRelease, name: String, sourceName: String? = nil, version: String? = nil) {
        self.release = release
        self.name = name
        self.sourceName = sourceName
        self.version = version
    }

    /// Reads a component purl. Types and namespaces outside the ecosystem table give `.unsupported("type")` or
    /// `.unsupported("type/namespace")`.
    public init(purl: PURL) {
        let ecosystem = Self.ecosystem(of: purl)
        let release = EcosystemRelease(ecosystem: ecosystem, distro: purl.qualifiers["distro"])
        let name: String
        switch purl.type {
        case "maven":
            name = purl.namespace.map { "\($0):\(purl.name)" } ?? purl.name
        case "npm", "golang", "composer":
            name = purl.namespace.map { "\($0)/\(purl.name)" } ?? purl.name
        default:
            name = purl.name
        }
        var source: String?
        if ecosystem.scheme == .rpm || ecosystem.scheme == .dpkg || ecosystem.scheme == .apk {
            let arch = purl.qualifiers["arch"]?.lowercased()
            if arch == "source" || arch == "src" {
                source = purl.name
            } else if let upstream = purl.qualifiers["upstream"] {
                source = ecosystem.scheme == .rpm ? Self.sourceRPMName(upstream) : Self.sourceName(upstream)
            }
        }
        self.init(
            release: release,
            name: ecosystem.normalizedPackageName(name),
            sourceName: source.map(ecosystem.normalizedPackageName),
            version: purl.version.map { Self.schemeVersion($0, ecosystem: ecosystem, purl: purl) }
        )
    }

    // MARK: - Purl conventions

    private static func ecosystem(of purl: PURL) -> Ecosystem {
        // syft before 0.60 wrote Alpine packages as `pkg:alpine/<name>`, a type the purl spec does not define.
        if purl.type == "alpine" { return .alpine }
        let namespace = purl.namespace?.lowercased()
        let rows = Ecosystem.table.filter { $0.purlType == purl.type }
        if let row = rows.first(where: { $0.purlNamespaces.isEmpty }) { return row.ecosystem }
        if let namespace, let row = rows.first(where: { $0.purlNamespaces.contains(namespace) }) {
            return row.ecosystem
        }
        return .unsupported(namespace.map { "\(purl.type)/\($0)" } ?? purl.type)
    }

    /// deb and apk `upstream`: the source name, without the `@version` syft adds when the versions differ.
    private static func sourceName(_ upstream: String) -> String? {
        let name = upstream.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// rpm `upstream`: a source rpm file name `name-version-release.src.rpm` gives `name`; anything else is read
    /// as a plain source name.
    static func sourceRPMName(_ upstream: String) -> String? {
        var file = Substring(upstream)
        var isFileName = false
        for suffix in [".src.rpm", ".nosrc.rpm"] where file.hasSuffix(suffix) {
            file = file.dropLast(suffix.count)
            isFileName = true
        }
        guard isFileName else { return sourceName(upstream) }
        // Version and release never contain '-', so the name is everything before the second-to-last '-'.
        let parts = file.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        return parts.dropLast(2).joined(separator: "-")
    }

    /// The version as the ecosystem's scheme expects it.
    private static func schemeVersion(_ version: String, ecosystem: Ecosystem, purl: PURL) -> String {
        switch ecosystem.scheme {
        case .rpm:
            // rpm-definition.json: the epoch is the `epoch` qualifier, not part of the version.
            if let epoch = purl.qualifiers["epoch"], !epoch.isEmpty, !version.contains(":") {
                return "\(epoch):\(version)"
            }
            return version
        case .go:
            // syft writes the toolchain version of `stdlib` as `go1.21.0`.
            if version.hasPrefix("go"), version.dropFirst(2).first?.isNumber == true {
                return String(version.dropFirst(2))
            }
            return version
        default:
            return version
        }
    }
}
