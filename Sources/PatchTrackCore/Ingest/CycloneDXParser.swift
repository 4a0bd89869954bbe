import Foundation

/// Reads CycloneDX JSON (spec 1.2 and later 1.x; https://cyclonedx.org/docs/1.6/json/) into a ``ScanDocument``.
///
/// - `metadata.component` of type `container` is the image: its name is the reference, the digest comes from its
///   `pkg:oci/...@sha256:...` purl or a digest-shaped `version`; Trivy's `aquasecurity:trivy:*` and Syft's
///   `syft:image:labels:*` properties add image id, repo digests, tags, layers and labels.
/// - Components are walked depth-first including nested `components`. The `operating-system` component becomes
///   ``ScanDocument/operatingSystem`` (Syft's `syft:distro:*` properties win over name/version).
/// - Tool properties give the package type, source package and layer: Syft `syft:package:type`,
///   `syft:metadata:source`/`sourceVersion`/`originPackage`/`sourceRpm`, `syft:location:0:layerID`; Trivy
///   `aquasecurity:trivy:PkgType`, `SrcName`/`SrcVersion`/`SrcRelease`/`SrcEpoch`, `LayerDigest`/`LayerDiffID`.
/// - `dependencies[].ref`/`dependsOn` become ``ScanDocument/dependencies``.
///
/// Deviations: CycloneDX 1.0/1.1 had no JSON form and are refused; `specVersion` above 1.6 is accepted as
/// forward-compatible 1.x (Trivy already writes 1.7).
enum CycloneDXParser {
    /// Parses one CycloneDX JSON document.
    static func parse(_ data: Data) throws(IngestError) -> ScanDocument {
        let bom = try IngestDecoding.decode(BOM.self, from: data)
        if let bomFormat = bom.bomFormat, bomFormat != "CycloneDX" {
            throw .unsupportedFormat("bomFormat is \"\(bomFormat)\", expected \"CycloneDX\"", path: "bomFormat")
        }
        guard let specVersion = bom.specVersion else {
            throw .invalidDocument("specVersion is required", path: "specVersion")
        }
        guard isSupported(specVersion: specVersion) else {
            throw .unsupportedFormat("CycloneDX specVersion \(specVersion) is not supported", path: "specVersion")
        }
        var document = ScanDocument(format: .cyclonedx, specVersion: specVersion)
        document.createdAt = bom.metadata?.timestamp
        if let tool = bom.metadata?.tools?.list.first(where: { $0.name.nonEmpty != nil }), let name = tool.name {
            document.tool = ScanDocument.Tool(name: name, version: tool.version)
        }
        if let subject = bom.metadata?.component {
            if subject.type == "container" {
                document.image = image(from: subject)
            } else {
                document.subjectName = subject.name
            }
        }
        for (index, component) in (bom.components ?? []).enumerated() {
            walk(component, path: "components[\(index)]", into: &document)
        }
        for entry in bom.dependencies ?? [] {
            guard let ref = entry.ref else { continue }
            for target in entry.dependsOn ?? [] {
                document.dependencies.append(ScanDocument.Dependency(dependent: ref, dependency: target))
            }
        }
        return document
    }

    static func isSupported(specVersion: String) -> Bool {
        let parts = specVersion.split(separator: ".")
        guard parts.count == 2, parts[0] == "1", let minor = Int(parts[1]) else { return false }
        return minor >= 2
    }

    // MARK: - Mapping

    private static let nonPackageTypes: Set<String> = [
        "file", "container", "data", "machine-learning-model", "cryptographic-asset",
    ]

    private static func walk(_ component: Component, path: String, into document: inout ScanDocument) {
        let properties = PropertyFields(component.properties?.pairs ?? [])
        let type = component.type ?? "library"
        if type == "operating-system" {
            if document.operatingSystem == nil, let id = (properties.distroID ?? component.name).nonEmpty {
                document.operatingSystem = ScanDocument.OperatingSystem(
                    id: id, versionID: (properties.distroVersionID ?? component.version).nonEmpty,
                    prettyName: properties.distroPrettyName ?? component.description)
            }
        } else if nonPackageTypes.contains(type) {
            document.skipped.append(ScanDocument.Skipped(
                path: path, reference: component.bomRef ?? component.name,
                reason: "not a software package (type \(type))"))
        } else if let reason = missingIdentity(component) {
            document.skipped.append(ScanDocument.Skipped(
                path: path, reference: component.bomRef ?? component.name, reason: reason))
        } else if let name = component.name.nonEmpty {
            document.packages.append(ScanDocument.Package(
                path: path, ref: component.bomRef, purl: component.purl.nonEmpty, name: name,
                version: component.version.nonEmpty, type: properties.packageType,
                sourceName: properties.sourceName, sourceVersion: properties.sourceVersion, layer: properties.layer))
        }
        for (index, child) in (component.components ?? []).enumerated() {
            walk(child, path: "\(path).components[\(index)]", into: &document)
        }
    }

    private static func missingIdentity(_ component: Component) -> String? {
        if component.name.nonEmpty == nil { return "no name" }
        if component.purl.nonEmpty == nil, component.version.nonEmpty == nil { return "neither purl nor version" }
        return nil
    }

    private static func image(from component: Component) -> ScanDocument.Image {
        var image = ScanDocument.Image(reference: component.name.nonEmpty)
        if let purl = component.purl, let digest = IngestText.digest(inReference: purl) {
            image.digest = digest
        } else if let version = component.version, IngestText.isDigest(version) {
            image.digest = version
        }
        var diffIDs: [String] = []
        for property in component.properties?.pairs ?? [] {
            guard let value = property.value.nonEmpty else { continue }
            let name = property.name
            switch name {
            case "aquasecurity:trivy:ImageID": image.imageID = value
            case "aquasecurity:trivy:RepoDigest": image.repoDigests.append(value)
            case "aquasecurity:trivy:RepoTag": image.tags.append(value)
            case "aquasecurity:trivy:DiffID": diffIDs.append(value)
            default:
                for prefix in ["aquasecurity:trivy:Labels:", "syft:image:labels:"] where name.hasPrefix(prefix) {
                    image.labels[String(name.dropFirst(prefix.count))] = value
                }
            }
        }
        image.layers = diffIDs.map { ScanDocument.Layer(diffID: $0) }
        if image.digest == nil, let repoDigest = image.repoDigests.first {
            image.digest = IngestText.digest(inReference: repoDigest)
        }
        return image
    }

    /// The tool properties of one component that matter, gathered in a single pass.
    private struct PropertyFields {
        var packageType: String?
        var sourceName: String?
        var sourceVersion: String?
        var layer: ScanDocument.Layer?
        var distroID: String?
        var distroVersionID: String?
        var distroPrettyName: String?

        init(_ properties: [(name: String, value: String?)]) {
            var trivySource: (name: String?, version: String?, release: String?, epoch: Int?)
            var layerDigest: String?
            var layerDiffID: String?
            var sourceRPM: String?
            for (name, value) in properties {
                guard let value = value.nonEmpty else { continue }
                switch name {
                case "syft:package:type", "aquasecurity:trivy:PkgType": packageType = value
                case "syft:metadata:source", "syft:metadata:originPackage": sourceName = value
                case "syft:metadata:sourceVersion": sourceVersion = value
                case "syft:metadata:sourceRpm": sourceRPM = value
                case "syft:location:0:layerID": layerDiffID = value
                case "aquasecurity:trivy:LayerDiffID": layerDiffID = value
                case "aquasecurity:trivy:LayerDigest": layerDigest = value
                case "aquasecurity:trivy:SrcName": trivySource.name = value
                case "aquasecurity:trivy:SrcVersion": trivySource.version = value
                case "aquasecurity:trivy:SrcRelease": trivySource.release = value
                case "aquasecurity:trivy:SrcEpoch": trivySource.epoch = Int(value)
                case "syft:distro:id": distroID = value
                case "syft:distro:versionID": distroVersionID = value
                case "syft:distro:prettyName": distroPrettyName = value
                default: break
                }
            }
            if let name = trivySource.name {
                sourceName = name
                sourceVersion = IngestText.trivyVersion(
                    epoch: trivySource.epoch, version: trivySource.version, release: trivySource.release)
            }
            if sourceName == nil, let sourceRPM, let parsed = IngestText.sourceRPM(sourceRPM) {
                sourceName = parsed.name
                sourceVersion = parsed.version
            }
            if layerDigest != nil || layerDiffID != nil {
                layer = ScanDocument.Layer(digest: layerDigest, diffID: layerDiffID)
            }
        }
    }

    // MARK: - Wire format

    private struct BOM: Decodable {
        var bomFormat: String?
        var specVersion: String?
        var metadata: Metadata?
        var components: [Component]?
        var dependencies: [DependencyEntry]?
    }

    private struct Metadata: Decodable {
        var timestamp: String?
        var tools: Tools?
        var component: Component?
    }

    /// `metadata.tools`: an array of tools (1.2-1.4, deprecated later) or `{components, services}` (1.5+).
    private struct Tools: Decodable {
        var list: [Tool]

        private enum CodingKeys: String, CodingKey { case components, services }

        init(from decoder: any Decoder) throws {
            if let legacy = try? decoder.singleValueContainer().decode([Tool].self) {
                list = legacy
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            list = (try container.decodeIfPresent([Tool].self, forKey: .components) ?? [])
                + (try container.decodeIfPresent([Tool].self, forKey: .services) ?? [])
        }
    }

    private struct Tool: Decodable {
        var name: String?
        var version: String?
    }

    private struct Component: Decodable {
        var type: String?
        var bomRef: String?
        var name: String?
        var version: String?
        var description: String?
        var purl: String?
        var properties: Properties?
        var components: [Component]?

        private enum CodingKeys: String, CodingKey {
            case type, name, version, description, purl, properties, components
            case bomRef = "bom-ref"
        }
    }

    /// The properties PatchTrack reads (Syft's and Trivy's, see ``PropertyFields``); others are not materialised.
    private struct Properties: Decodable {
        var pairs: [(name: String, value: String?)]

        private static let wantedNames: Set<String> = [
            "syft:package:type", "syft:metadata:source", "syft:metadata:sourceVersion", "syft:metadata:originPackage",
            "syft:metadata:sourceRpm", "syft:location:0:layerID", "syft:distro:id", "syft:distro:versionID",
            "syft:distro:prettyName",
        ]
        private static let wantedNameList = Array(wantedNames)
        private static let wantedPrefixes = ["aquasecurity:trivy:", "syft:image:labels:"]

        init(from decoder: any Decoder) throws {
            if let treeDecoder = decoder as? JSONTreeDecoder {
                // Most of a Syft SBOM's bytes are properties PatchTrack ignores (CPEs, paths, sizes).
                pairs = try treeDecoder.namedValuePairs { tree, name in
                    Self.wantedPrefixes.contains { tree.stringHasPrefix(name, $0) }
                        || Self.wantedNameList.contains { tree.stringEquals(name, $0) }
                }
            } else {
                pairs = try [Property](from: decoder).compactMap { property in
                    guard let name = property.name, Self.isWanted(name) else { return nil }
                    return (name, property.value)
                }
            }
        }

        private static func isWanted(_ name: String) -> Bool {
            wantedNames.contains(name) || wantedPrefixes.contains { name.hasPrefix($0) }
        }
    }

    private struct Property: Decodable {
        var name: String?
        var value: String?
    }

    private struct DependencyEntry: Decodable {
        var ref: String?
        var dependsOn: [String]?
    }
}
