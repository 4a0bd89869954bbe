import Foundation

/// A content descriptor: what a manifest or index points to.
/// https://github.com/opencontainers/image-spec/blob/main/descriptor.md
public struct OCIDescriptor: Sendable, Equatable, Decodable {
    public var mediaType: String
    public var digest: String
    public var size: Int64
    public var platform: OCIPlatform?
    public var annotations: [String: String]?
    public var artifactType: String?
}

/// The platform of an index entry.
public struct OCIPlatform: Sendable, Equatable, Decodable {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String, architecture: String, variant: String?) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// `os/architecture[/variant]`, as `POST /v1/images` takes it.
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}

/// An image manifest or an image index (OCI or Docker v2 schema 2), the fields PatchTrack reads.
/// https://github.com/opencontainers/image-spec/blob/main/manifest.md and image-index.md
public struct OCIDocument: Sendable, Equatable {
    public var kind: OCIDocumentKind
    public var mediaType: String
    /// A manifest's config blob (nil for an index).
    public var config: OCIDescriptor?
    public var layers: [OCIDescriptor]
    /// An index's entries (empty for a manifest).
    public var manifests: [OCIDescriptor]
    public var annotations: [String: String]
    public var artifactType: String?
    public var subject: OCIDescriptor?

    /// Parses `data`, served with the media type `contentType` (the document's own `mediaType` wins when present).
    public init(parsing data: Data, contentType: String?) throws(RegistryError) {
        struct Wire: Decodable {
            var schemaVersion: Int?
            var mediaType: String?
            var config: OCIDescriptor?
            var layers: [OCIDescriptor]?
            var manifests: [OCIDescriptor]?
            var annotations: [String: String]?
            var artifactType: String?
            var subject: OCIDescriptor?
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: data)
        } catch {
            throw .malformed("the manifest is not a valid image manifest or index: \(error)")
        }
        guard wire.schemaVersion == 2 else {
            throw .unsupportedMediaType(contentType ?? "schemaVersion \(wire.schemaVersion.map(String.init) ?? "missing")")
        }
        let mediaType = wire.mediaType ?? contentType ?? ""
        guard let kind = OCIMediaType.kind(of: mediaType) ?? (wire.manifests != nil ? .index : wire.config != nil ? .manifest : nil) else {
            throw .unsupportedMediaType(mediaType.isEmpty ? "none" : mediaType)
        }
        if kind == .manifest, wire.config == nil { throw .malformed("the image manifest has no config") }
        self.kind = kind
        self.mediaType = mediaType
        config = wire.config
        layers = wire.layers ?? []
        manifests = wire.manifests ?? []
        annotations = wire.annotations ?? [:]
        artifactType = wire.artifactType
        subject = wire.subject
    }
}
