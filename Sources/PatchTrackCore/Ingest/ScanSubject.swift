/// Which image a posted scan document describes, as a registration: from `?image=` when given, else from the
/// document (repo digests, then the image digest with the document's reference), with the OCI base-image labels.
public enum ScanSubject {
    /// Why no image could be determined.
    public struct Unresolved: Error, Equatable, Sendable {
        /// What to tell the user.
        public var message: String
    }

    /// The registration for `document`'s image. `override` (from `?image=`) must carry a digest.
    public static func registration(for document: ScanDocument, override: ImageReference?) throws(Unresolved) -> ImageRegistration {
        let image = document.image
        var repository: RepositoryName?
        var digest: Digest?
        var tags: [String] = []
        let documentReference = image?.reference.flatMap { try? ImageReference(parsing: $0) }
        if let override {
            guard let overrideDigest = override.digest else {
                throw Unresolved(message: "?image= must name the digest: REPOSITORY[:TAG]@sha256:<64 hex>")
            }
            repository = override.repository
            digest = overrideDigest
            if let tag = override.tag { tags.append(tag) }
        } else {
            // A repo digest (`repo@sha256:…`) is what the registry serves and what clusters report as imageID.
            let repoDigests = (image?.repoDigests ?? []).compactMap { try? ImageReference(parsing: $0) }.filter { $0.digest != nil }
            let preferred = repoDigests.first { $0.repository == documentReference?.repository } ?? repoDigests.first
            if let preferred {
                repository = preferred.repository
                digest = preferred.digest
            } else if let text = image?.digest, let parsed = try? Digest(parsing: text), let documentReference {
                repository = documentReference.repository
                digest = parsed
            } else if let documentReference, let referenceDigest = documentReference.digest {
                repository = documentReference.repository
                digest = referenceDigest
            }
            if let tag = documentReference?.tag, documentReference?.repository == repository { tags.append(tag) }
            for text in image?.tags ?? [] {
                if let tagged = try? ImageReference(parsing: text), tagged.repository == repository, let tag = tagged.tag, !tags.contains(tag) {
                    tags.append(tag)
                }
            }
        }
        guard let repository, let digest else {
            throw Unresolved(
                message: "the document names no image digest (no repo digest, no manifest digest with a reference); "
                    + "pass ?image=REPOSITORY[:TAG]@sha256:<64 hex>")
        }
        var base: ImageReference?
        if let name = image?.baseName, let baseDigestText = image?.baseDigest, let baseDigest = try? Digest(parsing: baseDigestText),
            let parsed = try? ImageReference(parsing: name), baseDigest != digest
        {
            base = ImageReference(repository: parsed.repository, tag: parsed.tag, digest: baseDigest)
        }
        let labels = image?.labels ?? [:]
        return ImageRegistration(
            repository: repository, digest: digest, tags: tags, platform: image?.platform,
            labels: labels.isEmpty ? nil : labels, base: base)
    }
}
