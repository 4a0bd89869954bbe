// What a VEX product or subcomponent identifier names, for PatchTrack: an image (by manifest digest), a repository,
// or a package. OpenVEX 0.2.0 ("Product", "Subcomponent": an IRI, preferably a purl) and CycloneDX (`bom-ref` →
// component `purl`) both end here.
//
// Rules:
// - `pkg:oci/<name>@sha256:<hex>` (the purl-spec oci type; the `:` is usually percent-encoded `%3A`) is an image;
//   its `repository_url` qualifier, when it is a valid repository name, is the image's repository.
//   `pkg:oci/<name>` without a digest but with a `repository_url` is that repository.
// - Any other valid purl is a package.
// - Otherwise an image reference with a digest (`ghcr.io/org/app@sha256:...`) is an image, and a bare repository
//   name (`docker.io/library/nginx`, `nginx`) a repository. A reference with a tag is not resolved: a tag moves, and
//   a claim about whatever it pointed to once must not cover the repository's other images.
// - Anything else is kept as written and matches nothing.

/// The thing a VEX identifier names.
public enum VEXSubject: Hashable, Sendable, CustomStringConvertible {
    /// An image by manifest digest, with its repository when the identifier says.
    case image(digest: Digest, repository: RepositoryName?)
    /// Every image of a repository.
    case repository(RepositoryName)
    /// A package.
    case component(PURL)
    /// An identifier PatchTrack cannot tie to an image or package (kept for display; matches nothing).
    case unresolved(String)

    /// Classifies an identifier by the rules at the top of VEXSubject.swift.
    public init(identifier: String) {
        let text = identifier.trimmingCharacters(in: .whitespaces)
        if text.lowercased().hasPrefix("pkg:") {
            self = Self.fromPURL(text)
            return
        }
        if let reference = try? ImageReference(parsing: text) {
            if let digest = reference.digest {
                self = .image(digest: digest, repository: reference.repository)
                return
            }
            if reference.tag == nil {
                self = .repository(reference.repository)
                return
            }
        }
        self = .unresolved(text)
    }

    /// The digest when this is an image.
    public var digest: Digest? {
        if case .image(let digest, _) = self { return digest }
        return nil
    }

    /// Whether this names a whole repository.
    public var isRepository: Bool {
        if case .repository = self { return true }
        return false
    }

    /// The purl when this is a package.
    public var purl: PURL? {
        if case .component(let purl) = self { return purl }
        return nil
    }

    /// A short text: the digest (with repository), the repository, the purl, or the identifier.
    public var description: String {
        switch self {
        case .image(let digest, let repository): repository.map { "\($0)@\(digest)" } ?? digest.description
        case .repository(let repository): repository.description
        case .component(let purl): purl.description
        case .unresolved(let text): text
        }
    }

    private static func fromPURL(_ text: String) -> VEXSubject {
        guard let purl = try? PURL(parsing: text) else {
            // An oci purl our parser refuses may still carry a readable digest.
            if text.lowercased().hasPrefix("pkg:oci/"), let found = IngestText.digest(inReference: text),
                let digest = try? Digest(parsing: found)
            {
                return .image(digest: digest, repository: nil)
            }
            return .unresolved(text)
        }
        guard purl.type == "oci" else { return .component(purl) }
        let repository = purl.qualifiers["repository_url"].flatMap(repositoryName)
        if let version = purl.version, let digest = try? Digest(parsing: version) {
            return .image(digest: digest, repository: repository)
        }
        if let repository { return .repository(repository) }
        return .component(purl)
    }

    /// A `repository_url` qualifier as a repository name (a scheme such as `https://` is dropped).
    private static func repositoryName(_ url: String) -> RepositoryName? {
        var text = Substring(url)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        while text.hasSuffix("/") { text = text.dropLast() }
        return try? RepositoryName(parsing: String(text))
    }
}
