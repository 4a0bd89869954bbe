import Foundation

/// Reads SPDX 2.2 / 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/) into a ``ScanDocument``.
///
/// - The image is the package the document `DESCRIBES` (relationship or `documentDescribes`) when it is a container:
///   `primaryPackagePurpose` CONTAINER or a `pkg:oci/` purl. Its digest comes from the purl, a digest-shaped
///   `versionInfo` or a SHA256 checksum; it is not listed among the packages.
/// - Packages keep their `purl` external reference (`referenceType` purl), `SPDXID` as the reference and
///   `versionInfo` (NOASSERTION/NONE read as absent). Trivy's `sourceInfo` "built package from: NAME VERSION"
///   gives the source package; Trivy's annotations ("PkgType: …", "LayerDiffID: …") give type and layer.
/// - Syft writes each file's layer in its comment ("layerID: sha256:…"); a package's layer is that of the file
///   it is evident by (relationship OTHER "evident-by"), else the first file it CONTAINS or lists in `hasFiles`.
/// - A package with purpose OPERATING-SYSTEM (Trivy) is the operating system, not a package.
/// - DEPENDS_ON / DEPENDENCY_OF between packages become dependencies.
///
/// Deviations: SPDX 2.1 and earlier and SPDX 3 (JSON-LD) are refused; tag-value and RDF are not JSON.
enum SPDXParser {
    /// Parses one SPDX JSON document.
    static func parse(_ data: Data) throws(IngestError) -> ScanDocument {
        let spdx = try IngestDecoding.decode(SPDXDocument.self, from: data)
        guard let version = spdx.spdxVersion else {
            throw .invalidDocument("spdxVersion is required", path: "spdxVersion")
        }
        guard version == "SPDX-2.2" || version == "SPDX-2.3" else {
            throw .unsupportedFormat("\(version) is not supported (SPDX-2.2 and SPDX-2.3 are)", path: "spdxVersion")
        }
        var document = ScanDocument(format: .spdx, specVersion: version, subjectName: spdx.name)
        document.createdAt = spdx.creationInfo?.created
        document.tool = tool(from: spdx.creationInfo?.creators ?? [])

        let packages = spdx.packages ?? []
        let relationships = spdx.relationships ?? []
        let documentID = spdx.spdxID ?? "SPDXRef-DOCUMENT"
        var described = Set(spdx.documentDescribes ?? [])
        for relationship in relationships {
            if relationship.relationshipType == "DESCRIBES", relationship.spdxElementId == documentID,
               let target = relationship.relatedSpdxElement {
                described.insert(target)
            } else if relationship.relationshipType == "DESCRIBED_BY", relationship.relatedSpdxElement == documentID,
                      let source = relationship.spdxElementId {
                described.insert(source)
            }
        }
        let layers = packageLayers(spdx: spdx, relationships: relationships)

        var packageIDs = Set<String>()
        for (index, package) in packages.enumerated() {
            let path = "packages[\(index)]"
            let purl = package.externalRefs?.first(where: { $0.referenceType == "purl" })?.referenceLocator.nonEmpty
            let version = package.versionInfo.flatMap { $0 == "NOASSERTION" || $0 == "NONE" ? nil : $0.nonEmpty }
            let annotations = AnnotationFields(package.annotations ?? [])
            if let id = package.spdxID, described.contains(id), isContainer(package, purl: purl),
               document.image == nil {
                document.image = image(from: package, purl: purl, version: version, annotations: annotations)
                continue
            }
            if package.primaryPackagePurpose == "OPERATING-SYSTEM" {
                if document.operatingSystem == nil, let name = package.name.nonEmpty {
                    document.operatingSystem = ScanDocument.OperatingSystem(id: name, versionID: version)
                }
                continue
            }
            guard let name = package.name.nonEmpty else {
                document.skipped.append(ScanDocument.Skipped(path: path, reference: package.spdxID, reason: "no name"))
                continue
            }
            guard purl != nil || version != nil else {
                document.skipped.append(ScanDocument.Skipped(
                    path: path, reference: package.spdxID ?? name, reason: "neither purl nor version"))
                continue
            }
            let source = sourcePackage(from: package.sourceInfo)
            var layer = package.spdxID.flatMap { layers[$0] }
            if annotations.layerDigest != nil || annotations.layerDiffID != nil {
                layer = ScanDocument.Layer(digest: annotations.layerDigest, diffID: annotations.layerDiffID)
            }
            if let id = package.spdxID { packageIDs.insert(id) }
            document.packages.append(ScanDocument.Package(
                path: path, ref: package.spdxID, purl: purl, name: name, version: version,
                type: annotations.packageType, sourceName: source?.name, sourceVersion: source?.version, layer: layer))
        }
        if document.image == nil, let describedPackage = packages.first(where: { described.contains($0.spdxID ?? "") }) {
            document.subjectName = describedPackage.name ?? spdx.name
        }

        for relationship in relationships {
            guard let left = relationship.spdxElementId, let right = relationship.relatedSpdxElement,
                  packageIDs.contains(left), packageIDs.contains(right) else { continue }
            switch relationship.relationshipType {
            case "DEPENDS_ON":
                document.dependencies.append(ScanDocument.Dependency(dependent: left, dependency: right))
            case "DEPENDENCY_OF":
                document.dependencies.append(ScanDocument.Dependency(dependent: right, dependency: left))
            default: break
            }
        }
        return document
    }

    // MARK: - Mapping

    /// "Tool: syft-0.90.0" → syft 0.90.0; the version starts after the last "-" that precedes a digit.
    static func tool(from creators: [String]) -> ScanDocument.Tool? {
        guard let creator = creators.first(where: { $0.hasPrefix("Tool:") }) else { return nil }
        let text = creator.dropFirst("Tool:".count).trimmingCharacters(in: .whitespaces)
        if let dash = text.lastIndex(of: "-"), text.index(after: dash) < text.endIndex {
            let version = text[text.index(after: dash)...]
            if version.first?.isNumber == true || version == "dev" {
                return ScanDocument.Tool(name: String(text[..<dash]), version: String(version))
            }
        }
        return ScanDocument.Tool(name: text)
    }

    private static func isContainer(_ package: Package, purl: String?) -> Bool {
        package.primaryPackagePurpose == "CONTAINER" || (purl?.hasPrefix("pkg:oci/") ?? false)
    }

    private static func image(
        from package: Package, purl: String?, version: String?, annotations: AnnotationFields
    ) -> ScanDocument.Image {
        var image = ScanDocument.Image(reference: package.name.nonEmpty)
        if let purl, let digest = IngestText.digest(inReference: purl) {
            image.digest = digest
        } else if let version, IngestText.isDigest(version) {
            image.digest = version
        } else if let checksum = package.checksums?.first(where: { $0.algorithm == "SHA256" })?.checksumValue {
            image.digest = "sha256:\(checksum)"
        }
        if let purl, let name = package.name.nonEmpty, let tag = qualifier("tag", in: purl) {
            image.tags = ["\(name):\(tag)"]
        }
        image.imageID = annotations.imageID
        image.repoDigests = annotations.repoDigests
        if !annotations.repoTags.isEmpty { image.tags = annotations.repoTags }
        image.layers = annotations.diffIDs.map { ScanDocument.Layer(diffID: $0) }
        return image
    }

    private static func qualifier(_ key: String, in purl: String) -> String? {
        guard let query = purl.firstIndex(of: "?") else { return nil }
        let qualifiers = purl[purl.index(after: query)...].split(separator: "#").first ?? ""
        for pair in qualifiers.split(separator: "&") where pair.hasPrefix("\(key)=") {
            return String(pair.dropFirst(key.count + 1)).removingPercentEncoding
        }
        return nil
    }

    /// Trivy writes "built package from: NAME VERSION" (pkg/sbom/spdx/marshal.go, SourcePackagePrefix).
    private static func sourcePackage(from sourceInfo: String?) -> (name: String, version: String?)? {
        let prefix = "built package from: "
        guard let sourceInfo, sourceInfo.hasPrefix(prefix) else { return nil }
        let parts = sourceInfo.dropFirst(prefix.count).split(separator: " ", maxSplits: 1)
        guard let name = parts.first.map(String.init), !name.isEmpty else { return nil }
        return (name, parts.count > 1 ? String(parts[1]) : nil)
    }

    /// The layer diff ID of each package, from Syft's per-file "layerID: …" comments.
    private static func packageLayers(spdx: SPDXDocument, relationships: [Relationship]) -> [String: ScanDocument.Layer] {
        var fileLayer: [String: String] = [:]
        for file in spdx.files ?? [] {
            guard let id = file.spdxID, let comment = file.comment, comment.hasPrefix("layerID: ") else { continue }
            fileLayer[id] = String(comment.dropFirst("layerID: ".count))
        }
        guard !fileLayer.isEmpty else { return [:] }
        var evident: [String: String] = [:]
        var contained: [String: String] = [:]
        for relationship in relationships {
            guard let left = relationship.spdxElementId, let right = relationship.relatedSpdxElement,
                  let layer = fileLayer[right] else { continue }
            if relationship.relationshipType == "OTHER", relationship.comment?.hasPrefix("evident-by") == true {
                if evident[left] == nil { evident[left] = layer }
            } else if relationship.relationshipType == "CONTAINS", contained[left] == nil {
                contained[left] = layer
            }
        }
        for package in spdx.packages ?? [] {
            guard let id = package.spdxID, contained[id] == nil else { continue }
            if let layer = package.hasFiles?.lazy.compactMap({ fileLayer[$0] }).first { contained[id] = layer }
        }
        return contained.merging(evident) { _, evidentLayer in evidentLayer }
            .mapValues { ScanDocument.Layer(diffID: $0) }
    }

    /// Trivy's package annotations, "Key: value" comments.
    private struct AnnotationFields {
        var packageType: String?
        var layerDigest: String?
        var layerDiffID: String?
        var imageID: String?
        var repoDigests: [String] = []
        var repoTags: [String] = []
        var diffIDs: [String] = []

        init(_ annotations: [Annotation]) {
            for annotation in annotations {
                guard let comment = annotation.comment, let colon = comment.firstIndex(of: ":") else { continue }
                let key = comment[..<colon]
                let value = comment[comment.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard !value.isEmpty else { continue }
                switch key {
                case "PkgType": packageType = value
                case "LayerDigest": layerDigest = value
                case "LayerDiffID": layerDiffID = value
                case "ImageID": imageID = value
                case "RepoDigest": repoDigests.append(value)
                case "RepoTag": repoTags.append(value)
                case "DiffID": diffIDs.append(value)
                default: break
                }
            }
        }
    }

    // MARK: - Wire format

    private struct SPDXDocument: Decodable {
        var spdxVersion: String?
        var spdxID: String?
        var name: String?
        var creationInfo: CreationInfo?
        var documentDescribes: [String]?
        var packages: [Package]?
        var files: [File]?
        var relationships: [Relationship]?

        private enum CodingKeys: String, CodingKey {
            case spdxVersion, name, creationInfo, documentDescribes, packages, files, relationships
            case spdxID = "SPDXID"
        }
    }

    private struct CreationInfo: Decodable {
        var created: String?
        var creators: [String]?
    }

    private struct Package: Decodable {
        var spdxID: String?
        var name: String?
        var versionInfo: String?
        var sourceInfo: String?
        var primaryPackagePurpose: String?
        var externalRefs: [ExternalRef]?
        var checksums: [Checksum]?
        var hasFiles: [String]?
        var annotations: [Annotation]?

        private enum CodingKeys: String, CodingKey {
            case name, versionInfo, sourceInfo, primaryPackagePurpose, externalRefs, checksums, hasFiles, annotations
            case spdxID = "SPDXID"
        }
    }

    private struct ExternalRef: Decodable {
        var referenceType: String?
        var referenceLocator: String?
    }

    private struct Checksum: Decodable {
        var algorithm: String?
        var checksumValue: String?
    }

    private struct Annotation: Decodable {
        var comment: String?
    }

    private struct File: Decodable {
        var spdxID: String?
        var comment: String?

        private enum CodingKeys: String, CodingKey {
            case comment
            case spdxID = "SPDXID"
        }
    }

    private struct Relationship: Decodable {
        var spdxElementId: String?
        var relatedSpdxElement: String?
        var relationshipType: String?
        var comment: String?
    }
}
