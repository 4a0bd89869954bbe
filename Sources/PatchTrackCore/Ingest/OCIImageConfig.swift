import Foundation

/// The part of an OCI image configuration (https://github.com/opencontainers/image-spec/blob/main/config.md) that
/// PatchTrack reads: platform, creation time and labels (where the base-image annotations live). Syft and Trivy copy
/// it into their documents; a registry serves it as the config blob of a manifest.
public struct OCIImageConfig: Decodable, Sendable, Equatable {
    var architecture: String?
    var os: String?
    var variant: String?
    var created: String?
    var config: Inner?

    /// `config`: the container configuration, of which only the labels are read.
    struct Inner: Decodable, Sendable, Equatable {
        var labels: [String: String]?

        private enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    /// Parses a config blob.
    public init(parsing data: Data) throws(RegistryError) {
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw .malformed("the image config is not valid JSON of an image config: \(error)")
        }
    }

    /// The image's creation time, when given as RFC 3339.
    public var createdDate: Date? { created.flatMap(Timestamp.parse) }

    public var labels: [String: String] { config?.labels ?? [:] }

    public var platform: OCIPlatform? {
        guard let os, let architecture else { return nil }
        return OCIPlatform(os: os, architecture: architecture, variant: variant)
    }
}
