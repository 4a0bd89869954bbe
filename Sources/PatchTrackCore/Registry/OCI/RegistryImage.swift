/// Turns what a registry serves for one image into the registration `POST /v1/images` would make: the
/// manifest's digest and platform, the config's creation time and labels, the base from the OCI annotations
/// (`org.opencontainers.image.base.name` / `.base.digest`, on the manifest, else as labels of the config).
public enum RegistryImage {
    public static let baseNameKey = "org.opencontainers.image.base.name"
    public static let baseDigestKey = "org.opencontainers.image.base.digest"
    public static let sourceKey = "org.opencontainers.image.source"
    public static let revisionKey = "org.opencontainers.image.revision"

    /// The registration of a platform (or single) manifest. `tags` are the tags that point at it directly; an index's
    /// platform manifests get none (the index carries them) and `platform` from the index entry.
    public static func registration(
        repository: RepositoryName, digest: Digest, tags: [String], manifest: OCIDocument, config: OCIImageConfig, platform: OCIPlatform?
    ) -> ImageRegistration {
        let labels = config.labels
        let annotations = manifest.annotations
        let source = (annotations[sourceKey] ?? labels[sourceKey], annotations[revisionKey] ?? labels[revisionKey])
        return ImageRegistration(
            repository: repository, digest: digest, tags: tags, created: config.createdDate,
            platform: (platform ?? config.platform)?.description, labels: labels,
            source: source.0 == nil && source.1 == nil ? nil : BuildSource(repository: source.0, revision: source.1),
            base: base(annotations: annotations) ?? base(annotations: labels))
    }

    /// The registration of an index: its digest and tags, with the base its annotations name (BuildKit writes them on
    /// the index too when asked).
    public static func registration(repository: RepositoryName, digest: Digest, tags: [String], index: OCIDocument) -> ImageRegistration {
        ImageRegistration(repository: repository, digest: digest, tags: tags, base: base(annotations: index.annotations))
    }

    /// The base an image names: `base.name` (a reference), with `base.digest` as its digest when that is valid.
    /// Without a valid name there is no base.
    static func base(annotations: [String: String]) -> ImageReference? {
        guard let name = annotations[baseNameKey], let reference = try? ImageReference(parsing: name) else { return nil }
        if let text = annotations[baseDigestKey], let digest = try? Digest(parsing: text) {
            return ImageReference(repository: reference.repository, tag: reference.tag, digest: digest)
        }
        return reference
    }
}
