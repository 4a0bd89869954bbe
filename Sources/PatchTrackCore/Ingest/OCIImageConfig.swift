/// The part of an OCI image configuration (https://github.com/opencontainers/image-spec/blob/main/config.md) that
/// Syft and Trivy copy into their documents: platform and labels (where the base-image annotations live).
struct OCIImageConfig: Decodable {
    var architecture: String?
    var os: String?
    var config: Inner?

    /// `config`: the container configuration, of which only the labels are read.
    struct Inner: Decodable {
        var labels: [String: String]?

        private enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }
}
