import Foundation

/// Reads Syft's native JSON (schemas 1.x-16.x, https://github.com/anchore/syft/tree/main/schema/json) into a
/// ``ScanDocument``.
///
/// - `source` of type `image` is the image: `userInput` is the reference, `manifestDigest`, `imageID`, `tags`,
///   `repoDigests` and `layers` as written (Syft's layer `digest` is the diff ID); labels come from `labels`
///   when present, else from the base64 image `config` Syft embeds. Old schemas call `metadata` `target`.
/// - `distro` gives the operating system (`id`/`versionID`; old schemas `name`/`version`).
/// - `artifacts[]` give packages: `purl`, `type`, the layer of the primary-evidence location, and the source
///   package from `metadata` (`source`/`sourceVersion` for deb, `originPackage` for apk, `sourceRpm` for rpm).
/// - `artifactRelationships` of type `dependency-of` become dependencies (parent is a dependency of child).
enum SyftParser {
    /// Parses one Syft JSON document.
    static func parse(_ data: Data) throws(IngestError) -> ScanDocument {
        let syft = try IngestDecoding.decode(SyftDocument.self, from: data)
        guard let artifacts = syft.artifacts else {
            throw .invalidDocument("artifacts is required", path: "artifacts")
        }
        var document = ScanDocument(format: .syft, specVersion: syft.schema?.version)
        if let name = syft.descriptor?.name.nonEmpty {
            document.tool = ScanDocument.Tool(name: name, version: syft.descriptor?.version)
        }
        document.createdAt = syft.descriptor?.timestamp
        if let source = syft.source {
            if source.type == "image", let metadata = source.metadata {
                document.image = image(from: metadata)
            } else {
                document.subjectName = source.metadata?.userInput ?? source.targetText ?? source.name
            }
        }
        if let distro = syft.distro, let id = (distro.id ?? distro.name).nonEmpty {
            document.operatingSystem = ScanDocument.OperatingSystem(
                id: id, versionID: (distro.versionID ?? distro.version).nonEmpty, prettyName: distro.prettyName)
        }
        var artifactIDs = Set<String>()
        for (index, artifact) in artifacts.enumerated() {
            let path = "artifacts[\(index)]"
            guard let name = artifact.name.nonEmpty else {
                document.skipped.append(ScanDocument.Skipped(path: path, reference: artifact.id, reason: "no name"))
                continue
            }
            guard artifact.purl.nonEmpty != nil || artifact.version.nonEmpty != nil else {
                document.skipped.append(ScanDocument.Skipped(
                    path: path, reference: artifact.id ?? name, reason: "neither purl nor version"))
                continue
            }
            if let id = artifact.id { artifactIDs.insert(id) }
            let source = artifact.metadata?.sourcePackage
            document.packages.append(ScanDocument.Package(
                path: path, ref: artifact.id, purl: artifact.purl.nonEmpty, name: name,
                version: artifact.version.nonEmpty, type: artifact.type.nonEmpty, sourceName: source?.name,
                sourceVersion: source?.version, layer: layer(of: artifact.locations ?? [])))
        }
        for relationship in syft.artifactRelationships ?? [] where relationship.type == "dependency-of" {
            guard let parent = relationship.parent, let child = relationship.child,
                  artifactIDs.contains(parent), artifactIDs.contains(child) else { continue }
            document.dependencies.append(ScanDocument.Dependency(dependent: child, dependency: parent))
        }
        return document
    }

    // MARK: - Mapping

    /// The layer of the location Syft marks as primary evidence, else of the first location with a layer.
    static func layer(of locations: [Location]) -> ScanDocument.Layer? {
        let chosen = locations.first { $0.annotations?.evidence == "primary" && $0.layerID.nonEmpty != nil }
            ?? locations.first { $0.layerID.nonEmpty != nil }
        return chosen?.layerID.map { ScanDocument.Layer(diffID: $0) }
    }

    /// Maps Syft/Grype image metadata (`source.metadata` / `source.target`).
    static func image(from metadata: ImageMetadata) -> ScanDocument.Image {
        var image = ScanDocument.Image(
            reference: metadata.userInput.nonEmpty, digest: metadata.manifestDigest.nonEmpty,
            repoDigests: metadata.repoDigests ?? [], imageID: metadata.imageID.nonEmpty, tags: metadata.tags ?? [],
            labels: metadata.labels ?? [:],
            layers: (metadata.layers ?? []).compactMap { $0.digest.map { ScanDocument.Layer(diffID: $0) } })
        let config = metadata.labels == nil || metadata.architecture == nil ? decodedConfig(metadata.config) : nil
        if metadata.labels == nil, let labels = config?.config?.labels { image.labels = labels }
        let os = metadata.os ?? config?.os
        if let architecture = metadata.architecture ?? config?.architecture {
            image.platform = os.map { "\($0)/\(architecture)" } ?? architecture
        }
        return image
    }

    private static func decodedConfig(_ base64: String?) -> ImageConfig? {
        guard let base64, let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode(ImageConfig.self, from: data)
    }

    // MARK: - Wire format (shared with GrypeParser)

    private struct SyftDocument: Decodable {
        var artifacts: [Artifact]?
        var artifactRelationships: [Relationship]?
        var source: Source?
        var distro: Distro?
        var descriptor: Descriptor?
        var schema: Schema?
    }

    private struct Artifact: Decodable {
        var id: String?
        var name: String?
        var version: String?
        var type: String?
        var purl: String?
        var locations: [Location]?
        var metadata: PackageMetadata?
    }

    struct Location: Decodable {
        var layerID: String?
        var annotations: Annotations?

        struct Annotations: Decodable {
            var evidence: String?
        }
    }

    /// The fields of Syft's per-type package metadata that name a source package; other shapes are ignored.
    struct PackageMetadata: Decodable {
        var sourcePackage: (name: String, version: String?)?

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Key.self) else { return }
            if let source = container.lenientString(Key(stringValue: "source")).nonEmpty {
                // dpkg's "Source: name (version)" form carries the version in parentheses.
                if let open = source.firstIndex(of: "("), source.hasSuffix(")") {
                    let name = source[..<open].trimmingCharacters(in: .whitespaces)
                    let version = source[source.index(after: open)..<source.index(before: source.endIndex)]
                    sourcePackage = (name, String(version))
                } else {
                    sourcePackage = (source, container.lenientString(Key(stringValue: "sourceVersion")).nonEmpty)
                }
            } else if let origin = container.lenientString(Key(stringValue: "originPackage")).nonEmpty {
                sourcePackage = (origin, nil)
            } else if let sourceRPM = container.lenientString(Key(stringValue: "sourceRpm")).nonEmpty,
                      let parsed = IngestText.sourceRPM(sourceRPM) {
                sourcePackage = (parsed.name, parsed.version)
            }
        }
    }

    private struct Relationship: Decodable {
        var parent: String?
        var child: String?
        var type: String?
    }

    /// `source`: `metadata` (current) or `target` (schemas before 8), an object for images, a path otherwise.
    private struct Source: Decodable {
        var name: String?
        var type: String?
        var metadata: ImageMetadata?
        var targetText: String?

        private enum CodingKeys: String, CodingKey { case name, type, metadata, target }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            for key in [CodingKeys.metadata, .target] where container.contains(key) {
                if let text = try? container.decode(String.self, forKey: key) {
                    targetText = text
                } else if type == "image" {
                    metadata = try container.decodeIfPresent(ImageMetadata.self, forKey: key)
                } else {
                    metadata = try? container.decodeIfPresent(ImageMetadata.self, forKey: key)
                }
            }
        }
    }

    /// Image metadata as Syft and Grype write it.
    struct ImageMetadata: Decodable {
        var userInput: String?
        var imageID: String?
        var manifestDigest: String?
        var tags: [String]?
        var repoDigests: [String]?
        var layers: [LayerMetadata]?
        var labels: [String: String]?
        var config: String?
        var architecture: String?
        var os: String?

        struct LayerMetadata: Decodable {
            var digest: String?
        }
    }

    /// The OCI image configuration both tools copy into their documents.
    private typealias ImageConfig = OCIImageConfig

    private struct Distro: Decodable {
        var id: String?
        var versionID: String?
        var name: String?
        var version: String?
        var prettyName: String?
    }

    private struct Descriptor: Decodable {
        var name: String?
        var version: String?
        var timestamp: String?
    }

    private struct Schema: Decodable {
        var version: String?
    }
}
