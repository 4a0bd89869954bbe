import Foundation

/// Reads Trivy's JSON report, `SchemaVersion` 2 (pkg/types/report.go in aquasecurity/trivy), into a
/// ``ScanDocument``.
///
/// - `ArtifactType` container_image: `ArtifactName` is the reference; `Metadata` gives `ImageID`, `RepoDigests`,
///   `RepoTags`, `Layers` (digest and diff ID; `DiffIDs` when `Layers` is absent), `ImageConfig.config.Labels`
///   and the platform. `Metadata.OS` (`Family`, `Name`) is the operating system.
/// - `Results[].Packages` (written with `--list-all-pkgs`) are the packages; versions are joined as Trivy prints
///   them (`epoch:version-release`), as are source versions (`SrcEpoch`, `SrcVersion`, `SrcRelease`); the type is
///   the result's `Type`; `ID` is the reference and `DependsOn` the dependencies.
/// - A package result (`Class` os-pkgs or lang-pkgs) without `Packages` contributes the packages its
///   vulnerabilities name, and the document's coverage becomes ``ScanDocument/Coverage/findingsOnly``, even when
///   it names none (a clean image scanned without `--list-all-pkgs` says nothing about its packages).
/// - `Results[].Vulnerabilities` are verdicts; a comma-separated `FixedVersion` is split into its versions.
///
/// Deviations: SchemaVersion 1 (a bare array) and other versions are refused.
enum TrivyParser {
    /// Parses one Trivy JSON report.
    static func parse(_ data: Data) throws(IngestError) -> ScanDocument {
        let report = try IngestDecoding.decode(Report.self, from: data)
        guard let schemaVersion = report.schemaVersion else {
            throw .invalidDocument("SchemaVersion is required", path: "SchemaVersion")
        }
        guard schemaVersion == 2 else {
            throw .unsupportedFormat("Trivy SchemaVersion \(schemaVersion) is not supported", path: "SchemaVersion")
        }
        var document = ScanDocument(
            format: .trivy, specVersion: String(schemaVersion),
            tool: ScanDocument.Tool(name: "trivy", version: report.trivy?.version), subjectName: report.artifactName,
            createdAt: report.createdAt)
        let metadata = report.metadata
        if report.artifactType == "container_image" || (report.artifactType == nil && metadata?.imageID != nil) {
            document.image = image(name: report.artifactName, metadata: metadata)
        }
        if let os = metadata?.os, let family = os.family.nonEmpty {
            document.operatingSystem = ScanDocument.OperatingSystem(id: family, versionID: os.name.nonEmpty)
        }
        for (resultIndex, result) in (report.results ?? []).enumerated() {
            let resultPath = "Results[\(resultIndex)]"
            if let packages = result.packages {
                for (index, package) in packages.enumerated() {
                    add(package, type: result.type, path: "\(resultPath).Packages[\(index)]", to: &document)
                }
            } else if result.class == "os-pkgs" || result.class == "lang-pkgs" {
                // Written without --list-all-pkgs: the result names only vulnerable packages, even none at all.
                document.coverage = .findingsOnly
            }
            var derived = Set<String>()
            for (index, vulnerability) in (result.vulnerabilities ?? []).enumerated() {
                let path = "\(resultPath).Vulnerabilities[\(index)]"
                guard let id = vulnerability.vulnerabilityID.nonEmpty, let name = vulnerability.pkgName.nonEmpty else {
                    document.skipped.append(ScanDocument.Skipped(
                        path: path, reference: vulnerability.vulnerabilityID ?? vulnerability.pkgName,
                        reason: "vulnerability without VulnerabilityID or PkgName"))
                    continue
                }
                let purl = vulnerability.pkgIdentifier?.purl.nonEmpty
                let layer = vulnerability.layer?.layer
                document.verdicts.append(ScanDocument.Verdict(
                    path: path, advisoryID: id, packageRef: vulnerability.pkgID, packagePURL: purl, packageName: name,
                    installedVersion: vulnerability.installedVersion.nonEmpty,
                    fixedVersions: splitFixedVersions(vulnerability.fixedVersion), fixState: vulnerability.status,
                    severity: vulnerability.severity, dataSource: vulnerability.dataSource?.id, layer: layer))
                if result.packages == nil {
                    document.coverage = .findingsOnly
                    let key = purl ?? vulnerability.pkgID ?? "\(name)@\(vulnerability.installedVersion ?? "")"
                    if derived.insert(key).inserted {
                        document.packages.append(ScanDocument.Package(
                            path: path, ref: vulnerability.pkgID, purl: purl, name: name,
                            version: vulnerability.installedVersion.nonEmpty, type: result.type, layer: layer))
                    }
                }
            }
        }
        return document
    }

    // MARK: - Mapping

    private static func add(_ package: Package, type: String?, path: String, to document: inout ScanDocument) {
        guard let name = package.name.nonEmpty else {
            document.skipped.append(ScanDocument.Skipped(path: path, reference: package.id, reason: "no name"))
            return
        }
        let purl = package.identifier?.purl.nonEmpty
        let version = IngestText.trivyVersion(epoch: package.epoch, version: package.version, release: package.release)
        guard purl != nil || version != nil else {
            document.skipped.append(ScanDocument.Skipped(
                path: path, reference: package.id ?? name, reason: "neither purl nor version"))
            return
        }
        let sourceName = package.srcName.nonEmpty
        let sourceVersion = sourceName == nil ? nil : IngestText.trivyVersion(
            epoch: package.srcEpoch, version: package.srcVersion, release: package.srcRelease)
        document.packages.append(ScanDocument.Package(
            path: path, ref: package.id, purl: purl, name: name, version: version, type: type.nonEmpty,
            sourceName: sourceName, sourceVersion: sourceVersion, layer: package.layer?.layer))
        if let id = package.id {
            for dependency in package.dependsOn ?? [] {
                document.dependencies.append(ScanDocument.Dependency(dependent: id, dependency: dependency))
            }
        }
    }

    private static func image(name: String?, metadata: Metadata?) -> ScanDocument.Image {
        var image = ScanDocument.Image(
            reference: name.nonEmpty, repoDigests: metadata?.repoDigests ?? [], imageID: metadata?.imageID.nonEmpty,
            tags: metadata?.repoTags ?? [], labels: metadata?.imageConfig?.config?.labels ?? [:])
        if let layers = metadata?.layers, !layers.isEmpty {
            image.layers = layers.compactMap(\.layer)
        } else {
            image.layers = (metadata?.diffIDs ?? []).map { ScanDocument.Layer(diffID: $0) }
        }
        if let config = metadata?.imageConfig, let architecture = config.architecture.nonEmpty {
            image.platform = config.os.nonEmpty.map { "\($0)/\(architecture)" } ?? architecture
        }
        return image
    }

    /// Trivy joins several fixed versions with ", " (e.g. "1.2.3, 1.3.1").
    static func splitFixedVersions(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: - Wire format

    private struct Report: Decodable {
        var schemaVersion: Int?
        var createdAt: String?
        var artifactName: String?
        var artifactType: String?
        var metadata: Metadata?
        var results: [ResultEntry]?
        var trivy: TrivyInfo?

        private enum CodingKeys: String, CodingKey {
            case schemaVersion = "SchemaVersion", createdAt = "CreatedAt", artifactName = "ArtifactName"
            case artifactType = "ArtifactType", metadata = "Metadata", results = "Results", trivy = "Trivy"
        }
    }

    private struct TrivyInfo: Decodable {
        var version: String?

        private enum CodingKeys: String, CodingKey { case version = "Version" }
    }

    private struct Metadata: Decodable {
        var os: OS?
        var imageID: String?
        var diffIDs: [String]?
        var repoTags: [String]?
        var repoDigests: [String]?
        var layers: [LayerInfo]?
        var imageConfig: ImageConfig?

        private enum CodingKeys: String, CodingKey {
            case os = "OS", imageID = "ImageID", diffIDs = "DiffIDs", repoTags = "RepoTags"
            case repoDigests = "RepoDigests", layers = "Layers", imageConfig = "ImageConfig"
        }
    }

    private struct OS: Decodable {
        var family: String?
        var name: String?

        private enum CodingKeys: String, CodingKey { case family = "Family", name = "Name" }
    }

    /// The OCI image configuration both tools copy into their documents.
    private typealias ImageConfig = OCIImageConfig

    private struct LayerInfo: Decodable {
        var digest: String?
        var diffID: String?

        private enum CodingKeys: String, CodingKey { case digest = "Digest", diffID = "DiffID" }

        var layer: ScanDocument.Layer? {
            digest.nonEmpty == nil && diffID.nonEmpty == nil
                ? nil : ScanDocument.Layer(digest: digest.nonEmpty, diffID: diffID.nonEmpty)
        }
    }

    private struct ResultEntry: Decodable {
        var `class`: String?
        var type: String?
        var packages: [Package]?
        var vulnerabilities: [Vulnerability]?

        private enum CodingKeys: String, CodingKey {
            case `class` = "Class", type = "Type", packages = "Packages", vulnerabilities = "Vulnerabilities"
        }
    }

    private struct Identifier: Decodable {
        var purl: String?

        private enum CodingKeys: String, CodingKey { case purl = "PURL" }
    }

    private struct Package: Decodable {
        var id: String?
        var name: String?
        var identifier: Identifier?
        var version: String?
        var release: String?
        var epoch: Int?
        var srcName: String?
        var srcVersion: String?
        var srcRelease: String?
        var srcEpoch: Int?
        var layer: LayerInfo?
        var dependsOn: [String]?

        private enum CodingKeys: String, CodingKey {
            case id = "ID", name = "Name", identifier = "Identifier", version = "Version", release = "Release"
            case epoch = "Epoch", srcName = "SrcName", srcVersion = "SrcVersion", srcRelease = "SrcRelease"
            case srcEpoch = "SrcEpoch", layer = "Layer", dependsOn = "DependsOn"
        }
    }

    private struct DataSource: Decodable {
        var id: String?

        private enum CodingKeys: String, CodingKey { case id = "ID" }
    }

    private struct Vulnerability: Decodable {
        var vulnerabilityID: String?
        var pkgID: String?
        var pkgName: String?
        var pkgIdentifier: Identifier?
        var installedVersion: String?
        var fixedVersion: String?
        var status: String?
        var severity: String?
        var layer: LayerInfo?
        var dataSource: DataSource?

        private enum CodingKeys: String, CodingKey {
            case vulnerabilityID = "VulnerabilityID", pkgID = "PkgID", pkgName = "PkgName"
            case pkgIdentifier = "PkgIdentifier", installedVersion = "InstalledVersion"
            case fixedVersion = "FixedVersion", status = "Status", severity = "Severity", layer = "Layer"
            case dataSource = "DataSource"
        }
    }
}
