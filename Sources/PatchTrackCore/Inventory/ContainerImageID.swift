/// The `imageID` of a Kubernetes container status, in the forms container runtimes write it.
///
/// - dockershim / cri-dockerd: `docker-pullable://nginx@sha256:<hex>` (a repo digest), or `docker://sha256:<hex>`
///   for an image without one (a locally built or loaded image);
/// - containerd and CRI-O: `docker.io/istio/base@sha256:<hex>`, or a bare `sha256:<hex>` for an image without a
///   repo digest (e.g. one loaded with `kind load`).
///
/// A bare `sha256:` form is the runtime's image ID (in practice the image config digest), not a registry manifest
/// digest; it is still a digest of what runs, so it is kept, but it will not match images registered by manifest.
enum ContainerImageID {
    /// What an `imageID` says.
    enum Parsed: Equatable {
        /// A digest, with the repository name written before `@` when there is one (as written, not normalised).
        case digest(name: String?, Digest)
        /// Nothing usable (empty, or a name without a digest).
        case unusable
    }

    /// Reads `text`, refusing digests that are not `sha256:` followed by 64 lowercase hex digits (the message says
    /// why).
    static func parse(_ text: String) -> Result<Parsed, InvalidDigest> {
        var rest = Substring(text)
        if let scheme = schemeEnd(text) { rest = rest[scheme...] }
        if rest.isEmpty { return .success(.unusable) }
        if let at = rest.lastIndex(of: "@") {
            let name = rest[..<at]
            let written = name.isEmpty ? nil : String(name)
            return digest(String(rest[rest.index(after: at)...])).map { .digest(name: written, $0) }
        }
        // Without `@`, only an `algorithm:hex` image ID carries a digest; `name:tag` has a `/` or a non-`sha` prefix.
        if !rest.contains("/"), let colon = rest.firstIndex(of: ":"), rest[..<colon].hasPrefix("sha") {
            return digest(String(rest)).map { .digest(name: nil, $0) }
        }
        return .success(.unusable)
    }

    /// The index just past a leading `scheme://`, found by bytes (Foundation's `range(of:)` is far slower here).
    private static func schemeEnd(_ text: String) -> String.Index? {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ":") {
                let slashes = utf8[utf8.index(after: index)...].prefix(2)
                return slashes.elementsEqual("//".utf8) ? utf8.index(index, offsetBy: 3) : nil
            }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@") { return nil }
            index = utf8.index(after: index)
        }
        return nil
    }

    /// A digest that breaks the sha256 grammar.
    struct InvalidDigest: Error {
        var message: String
    }

    private static func digest(_ text: String) -> Result<Digest, InvalidDigest> {
        do {
            return .success(try Digest(parsing: text))
        } catch {
            return .failure(InvalidDigest(
                message: "digest \(InventoryDocument.quoted(text)) is not 'sha256:' followed by 64 lowercase hex digits"))
        }
    }
}
