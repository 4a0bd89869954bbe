import Foundation

/// Reads Grype's JSON report (grype/presenter/models in anchore/grype; the 0.7 schema too) into a
/// ``ScanDocument``.
///
/// - Each `matches[]` entry is a verdict: `vulnerability.id`, `severity`, `fix.versions`/`fix.state` (0.7:
///   `fixedInVersion`), `namespace` (or `dataSource`) as the data source, `relatedVulnerabilities[].id` as related
///   ids, and the matched `artifact` (`name`, `version`, `purl`, layer of its first location).
/// - The distinct matched artifacts are the packages, so coverage is ``ScanDocument/Coverage/findingsOnly``;
///   the source package comes from `artifact.upstreams` (or Syft-style `metadata`).
/// - `source` of type `image` is the image (`target`: `userInput`, `manifestDigest`, `imageID`, `repoDigests`,
///   `tags`, `layers`); `distro` (`name`, `version`) is the operating system; `descriptor` the tool.
///
/// `matchDetails` and CPEs change shape between versions and carry nothing PatchTrack stores, so they are not read.
enum GrypeParser {
    /// Parses one Grype JSON report.
    static func parse(_ data: Data) throws(IngestError) -> ScanDocument {
        let report = try IngestDecoding.decode(Report.self, from: data)
        guard let matches = report.matches else {
            throw .invalidDocument("matches is required", path: "matches")
        }
        var document = ScanDocument(format: .grype, coverage: .findingsOnly)
        if let name = report.descriptor?.name.nonEmpty {
            document.tool = ScanDocument.Tool(name: name, version: report.descriptor?.version)
        }
        document.createdAt = report.descriptor?.timestamp
        if let source = report.source {
            if source.type == "image", let target = source.target {
                document.image = SyftParser.image(from: target)
            } else {
                document.subjectName = source.target?.userInput ?? source.targetText
            }
        }
        if let distro = report.distro, let name = distro.name.nonEmpty {
            document.operatingSystem = ScanDocument.OperatingSystem(id: name, versionID: distro.version.nonEmpty)
        }
        var seen = Set<String>()
        for (index, match) in matches.enumerated() {
            let path = "matches[\(index)]"
            guard let artifact = match.artifact, let name = artifact.name.nonEmpty else {
                document.skipped.append(ScanDocument.Skipped(
                    path: path, reference: match.vulnerability?.id, reason: "match without artifact name"))
                continue
            }
            guard let vulnerability = match.vulnerability, let id = vulnerability.id.nonEmpty else {
                document.skipped.append(ScanDocument.Skipped(
                    path: path, reference: name, reason: "match without vulnerability id"))
                continue
            }
            let layer = SyftParser.layer(of: artifact.locations ?? [])
            let purl = artifact.purl.nonEmpty
            let fixedVersions = vulnerability.fix?.versions
                ?? vulnerability.fixedInVersion.nonEmpty.map { [$0] } ?? []
            let related = (match.relatedVulnerabilities ?? []).compactMap(\.id).filter { $0 != id }
            document.verdicts.append(ScanDocument.Verdict(
                path: path, advisoryID: id, relatedAdvisoryIDs: related, packageRef: artifact.id, packagePURL: purl,
                packageName: name,
                installedVersion: artifact.version.nonEmpty, fixedVersions: fixedVersions,
                fixState: vulnerability.fix?.state, severity: vulnerability.severity,
                dataSource: vulnerability.namespace.nonEmpty ?? vulnerability.dataSource.nonEmpty, layer: layer))

            let key = artifact.id ?? "\(purl ?? name)|\(artifact.version ?? "")|\(artifact.type ?? "")"
            guard seen.insert(key).inserted else { continue }
            guard purl != nil || artifact.version.nonEmpty != nil else {
                document.skipped.append(ScanDocument.Skipped(
                    path: "\(path).artifact", reference: name, reason: "neither purl nor version"))
                continue
            }
            let upstream = artifact.upstreams?.first(where: { $0.name.nonEmpty != nil })
            let source = upstream.map { (name: $0.name ?? "", version: $0.version.nonEmpty) }
                ?? artifact.metadata?.sourcePackage
            document.packages.append(ScanDocument.Package(
                path: "\(path).artifact", ref: artifact.id, purl: purl, name: name, version: artifact.version.nonEmpty,
                type: artifact.type.nonEmpty, sourceName: source?.name, sourceVersion: source?.version, layer: layer))
        }
        return document
    }

    // MARK: - Wire format

    private struct Report: Decodable {
        var matches: [Match]?
        var source: Source?
        var distro: Distro?
        var descriptor: Descriptor?
    }

    private struct Match: Decodable {
        var vulnerability: Vulnerability?
        var relatedVulnerabilities: [Related]?
        var artifact: Artifact?
    }

    private struct Vulnerability: Decodable {
        var id: String?
        var severity: String?
        var namespace: String?
        var dataSource: String?
        var fix: Fix?
        var fixedInVersion: String?
    }

    private struct Fix: Decodable {
        var versions: [String]?
        var state: String?
    }

    private struct Related: Decodable {
        var id: String?
    }

    private struct Artifact: Decodable {
        var id: String?
        var name: String?
        var version: String?
        var type: String?
        var purl: String?
        var locations: [SyftParser.Location]?
        var upstreams: [Upstream]?
        var metadata: SyftParser.PackageMetadata?
    }

    private struct Upstream: Decodable {
        var name: String?
        var version: String?
    }

    /// `source.target` is image metadata for images and a path string for directories and files.
    private struct Source: Decodable {
        var type: String?
        var target: SyftParser.ImageMetadata?
        var targetText: String?

        private enum CodingKeys: String, CodingKey { case type, target }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            if let text = try? container.decodeIfPresent(String.self, forKey: .target) {
                targetText = text
            } else if type == "image" {
                target = try container.decodeIfPresent(SyftParser.ImageMetadata.self, forKey: .target)
            } else {
                target = try? container.decodeIfPresent(SyftParser.ImageMetadata.self, forKey: .target)
            }
        }
    }

    private struct Distro: Decodable {
        var name: String?
        var version: String?
    }

    private struct Descriptor: Decodable {
        var name: String?
        var version: String?
        var timestamp: String?
    }
}
