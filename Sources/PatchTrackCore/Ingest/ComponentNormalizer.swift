import Foundation

/// Turns a ``ScanDocument``'s packages into ``Component`` values for matching.
///
/// For each package:
/// 1. The purl as written is parsed (``PURL``). A package without one gets a purl built from the tool's package
///    type (``purlLocation(forToolType:operatingSystem:)``), its name and version, and the document's operating
///    system as namespace and `distro` qualifier; an rpm epoch goes to the `epoch` qualifier (rpm purl definition).
/// 2. ``EcosystemPackage`` reads ecosystem, release, names and the scheme version from the purl. When the purl has
///    no `distro` qualifier, the release comes from the document's operating system if it is the same ecosystem.
/// 3. The source package is the document's (dpkg `Source`, Trivy `SrcName`, apk origin, source rpm) or else the
///    purl `upstream` qualifier's.
///
/// Skipped, with the reason: image purls (`pkg:oci`, `pkg:docker`), unparseable purls, packages with neither
/// purl nor a mappable type, packages without version, Go main modules versioned `(devel)`, and repeats of a
/// canonical purl already seen.
public enum ComponentNormalizer {
    /// The components of one document and everything left out (the parser's skips first).
    public struct Output: Sendable, Equatable {
        /// Normalised components in document order.
        public var components: [Component]
        /// Entries left out by the parser or the normaliser, with reasons.
        public var skipped: [ScanDocument.Skipped]
    }

    /// Normalises every package of `document`.
    public static func normalize(_ document: ScanDocument) -> Output {
        var output = Output(components: [], skipped: document.skipped)
        output.components.reserveCapacity(document.packages.count)
        var firstPath: [PURL: String] = [:]
        let results = components(for: document.packages, operatingSystem: document.operatingSystem)
        for (package, result) in zip(document.packages, results) {
            switch result {
            case .success(let component):
                if let earlier = firstPath[component.purl] {
                    output.skipped.append(ScanDocument.Skipped(
                        path: package.path, reference: package.ref ?? package.name,
                        reason: "duplicate of \(earlier) (\(component.purl))"))
                    continue
                }
                firstPath[component.purl] = package.path
                output.components.append(component)
            case .failure(let skip):
                output.skipped.append(ScanDocument.Skipped(
                    path: package.path, reference: package.ref ?? package.name, reason: skip.reason))
            }
        }
        return output
    }

    /// Every package normalised on its own, in document order; a large document is split over the cores (each
    /// package's purl parsing is independent; duplicates are removed afterwards, in order).
    static func components(
        for packages: [ScanDocument.Package], operatingSystem: ScanDocument.OperatingSystem?
    ) -> [Result<Component, Skip>] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, packages.count / 2_000)
        guard workers > 1 else { return packages.map { component(for: $0, operatingSystem: operatingSystem) } }
        var results = [Result<Component, Skip>](repeating: .failure(Skip(reason: "")), count: packages.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            let chunk = (packages.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in (worker * chunk)..<min(packages.count, (worker + 1) * chunk) {
                    output[index] = component(for: packages[index], operatingSystem: operatingSystem)
                }
            }
        }
        return results
    }

    /// Why one package was left out.
    struct Skip: Error {
        var reason: String
    }

    /// Normalises one package.
    static func component(
        for package: ScanDocument.Package, operatingSystem: ScanDocument.OperatingSystem?
    ) -> Result<Component, Skip> {
        let purl: PURL
        switch resolvePURL(for: package, operatingSystem: operatingSystem) {
        case .success(let value): purl = value
        case .failure(let skip): return .failure(skip)
        }
        let matched = EcosystemPackage(purl: purl)
        guard let version = matched.version else { return .failure(Skip(reason: "no version")) }
        if matched.ecosystem == .go, version == "(devel)" {
            // Go writes "(devel)" for the main module of a binary built from a checkout: there is no release to
            // compare with advisories (OSV Go ranges are module versions).
            return .failure(Skip(reason: "Go main module built from source, version (devel)"))
        }
        var release = matched.release
        if release.release == nil, let os = operatingSystem, let osVersion = os.versionID,
           Ecosystem(shortName: os.id) == matched.ecosystem {
            release = EcosystemRelease(ecosystem: matched.ecosystem, distro: "\(os.id)-\(osVersion)")
        }
        let ecosystem = matched.ecosystem
        let upstream = upstreamSource(purl)
        let documentSource = package.sourceName.flatMap { $0.isEmpty ? nil : ecosystem.normalizedPackageName($0) }
        let sourceName = documentSource ?? matched.sourceName
        let sourceVersion = documentSource != nil ? package.sourceVersion : upstream?.version
        return .success(Component(
            purl: purl, release: release, name: matched.name, version: version, sourceName: sourceName,
            sourceVersion: sourceVersion, layer: package.layer, documentPath: package.path,
            documentRef: package.ref))
    }

    // MARK: - Purl

    private static func resolvePURL(
        for package: ScanDocument.Package, operatingSystem: ScanDocument.OperatingSystem?
    ) -> Result<PURL, Skip> {
        if let raw = package.purl {
            let parsed: PURL
            do {
                parsed = try PURL(parsing: raw)
            } catch {
                return .failure(Skip(reason: "invalid purl \"\(raw)\": \(error)"))
            }
            if parsed.type == "oci" || parsed.type == "docker" {
                return .failure(Skip(reason: "an image (pkg:\(parsed.type)), not a package"))
            }
            guard parsed.version == nil, let version = package.version else { return .success(parsed) }
            // A versionless purl next to a stated version: keep the version (CycloneDX allows both).
            do {
                return .success(try PURL(
                    type: parsed.type, namespace: parsed.namespace, name: parsed.name, version: version,
                    qualifiers: parsed.qualifiers, subpath: parsed.subpath))
            } catch {
                return .success(parsed)
            }
        }
        guard let version = package.version else { return .failure(Skip(reason: "no purl and no version")) }
        guard let location = purlLocation(forToolType: package.type, operatingSystem: operatingSystem) else {
            return .failure(Skip(reason: "no purl, and package type \(package.type ?? "(none)") has no purl mapping"))
        }
        var qualifiers: [String: String] = [:]
        var purlVersion = version
        if location.isDistribution, let os = operatingSystem, let osVersion = os.versionID {
            qualifiers["distro"] = "\(os.id)-\(osVersion)"
        }
        if location.type == "rpm", let colon = version.firstIndex(of: ":"),
           version[..<colon].allSatisfy(\.isNumber), !version[..<colon].isEmpty {
            qualifiers["epoch"] = String(version[..<colon])
            purlVersion = String(version[version.index(after: colon)...])
        }
        var namespace = location.namespace
        var name = package.name
        if namespace == nil {
            // Names that carry their namespace: Maven `group:artifact`, npm `@scope/name`, Go module paths.
            let separator: Character = location.type == "maven" ? ":" : "/"
            if let split = name.lastIndex(of: separator) {
                namespace = String(name[..<split])
                name = String(name[name.index(after: split)...])
            }
        }
        do {
            return .success(try PURL(
                type: location.type, namespace: namespace, name: name, version: purlVersion, qualifiers: qualifiers))
        } catch {
            return .failure(Skip(reason: "cannot build a purl for \(package.name): \(error)"))
        }
    }

    /// Where a tool's package type lives in purl terms; distributions take the operating system id as namespace.
    static func purlLocation(
        forToolType toolType: String?, operatingSystem: ScanDocument.OperatingSystem?
    ) -> (type: String, namespace: String?, isDistribution: Bool)? {
        guard let toolType = toolType?.lowercased() else { return nil }
        let osID = operatingSystem?.id.lowercased()
        switch toolType {
        // Syft/Grype names the package manager; Trivy names the distribution.
        case "apk": return ("apk", osID, true)
        case "alpine", "wolfi", "chainguard": return ("apk", osID ?? toolType, true)
        case "deb": return ("deb", osID, true)
        case "debian", "ubuntu": return ("deb", osID ?? toolType, true)
        case "rpm": return ("rpm", osID, true)
        case "redhat", "centos", "rocky", "alma", "almalinux", "amazon", "oracle", "fedora", "photon", "suse",
            "opensuse", "cbl-mariner", "azurelinux":
            return ("rpm", osID ?? toolType, true)
        case "go-module", "gomod", "gobinary": return ("golang", nil, false)
        case "python", "pip", "pipenv", "poetry", "python-pkg", "uv": return ("pypi", nil, false)
        case "npm", "yarn", "pnpm", "node-pkg", "bun": return ("npm", nil, false)
        case "gem", "bundler", "gemspec": return ("gem", nil, false)
        case "rust-crate", "cargo", "rust-binary": return ("cargo", nil, false)
        case "dotnet", "nuget", "dotnet-core", "packages-props": return ("nuget", nil, false)
        case "php-composer", "composer", "composer-vendor": return ("composer", nil, false)
        case "java-archive", "jenkins-plugin", "jar", "pom", "gradle", "sbt": return ("maven", nil, false)
        default: return nil
        }
    }

    /// The source name and version a purl `upstream` qualifier states: deb/apk `name[@version]`, rpm
    /// `name-version-release.src.rpm`.
    private static func upstreamSource(_ purl: PURL) -> (name: String, version: String?)? {
        guard let upstream = purl.qualifiers["upstream"], !upstream.isEmpty else { return nil }
        if purl.type == "rpm" {
            return IngestText.sourceRPM(upstream).map { ($0.name, $0.version) }
        }
        let parts = upstream.split(separator: "@", maxSplits: 1)
        guard let name = parts.first else { return nil }
        return (String(name), parts.count > 1 ? String(parts[1]) : nil)
    }
}
