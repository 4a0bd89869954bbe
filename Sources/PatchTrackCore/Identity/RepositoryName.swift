/// A normalised repository name: `domain/path`, e.g. `docker.io/library/nginx`, `ghcr.io/org/sub/app`,
/// `localhost:5000/team/app`. See ``ImageReference`` for the grammar and the normalisation rules.
public struct RepositoryName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The registry host, with its port when given.
    public let domain: String
    /// The path within the registry (lowercase components separated by `/`).
    public let path: String

    /// Parses a repository name without tag or digest and normalises it.
    public init(parsing string: String) throws(IdentityError) {
        func fail(_ reason: String) -> IdentityError { IdentityError(kind: .repository, input: string, reason: reason) }
        guard !string.isEmpty else { throw fail("repository name is empty") }
        var domain = "docker.io"
        var remainder = Substring(string)
        if let slash = string.firstIndex(of: "/") {
            let first = string[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                domain = String(first)
                remainder = string[string.index(after: slash)...]
            }
        }
        guard Self.isValidDomain(domain) else { throw fail("registry host \"\(domain)\" is not a valid host[:port]") }
        if domain == "index.docker.io" { domain = "docker.io" }
        guard !remainder.isEmpty else { throw fail("repository path is empty") }
        let components = remainder.split(separator: "/", omittingEmptySubsequences: false)
        for component in components where !Self.isValidPathComponent(component) {
            if component.lowercased() != component && Self.isValidPathComponent(Substring(component.lowercased())) {
                throw fail("repository name must be lowercase")
            }
            throw fail("path component \"\(component)\" must match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*")
        }
        var path = String(remainder)
        if domain == "docker.io" && components.count == 1 { path = "library/" + path }
        guard domain.utf8.count + 1 + path.utf8.count <= 255 else { throw fail("repository name is longer than 255 characters") }
        self.domain = domain
        self.path = path
    }

    /// A name as ``value`` wrote it (`domain/path`, already normalised and validated), split at its first slash
    /// without checking it again: for names read back from storage, which only ever holds ``value``.
    public init(canonical value: String) {
        if let slash = value.utf8.firstIndex(of: UInt8(ascii: "/")) {
            domain = String(value[..<slash])
            path = String(value[value.index(after: slash)...])
        } else {
            domain = "docker.io"
            path = value
        }
    }

    /// `domain/path`.
    public var value: String { domain + "/" + path }

    public var description: String { value }

    public static func < (lhs: RepositoryName, rhs: RepositoryName) -> Bool { lhs.value < rhs.value }

    /// `alpha-numeric (separator alpha-numeric)*` with separators `.`, `_`, `__`, `-+`.
    static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlphanumeric(bytes[index]) {
                index += 1
                continue
            }
            // A separator run: exactly one '.', one or two '_', or any number of '-'.
            var end = index
            while end < bytes.count, !isLowerAlphanumeric(bytes[end]) { end += 1 }
            let separator = bytes[index..<end]
            let ok = separator.elementsEqual([UInt8(ascii: ".")]) || separator.elementsEqual([UInt8(ascii: "_")])
                || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")]) || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            if !ok { return false }
            index = end
        }
        return true
    }

    /// `host[:port]`: dot-separated domain components (letters, digits, inner hyphens), an IPv4 address, or a
    /// bracketed IPv6 address.
    static func isValidDomain(_ domain: String) -> Bool {
        var host = Substring(domain)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inner = host[host.index(after: host.startIndex)..<close]
            // Only an IPv6 address may stand between brackets (RFC 3986 §3.2.2): `[0]` or `[f]` are not hosts.
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), inner.contains(":"),
                let address = IPAddress(String(inner)), address.bytes.count == 16
            else { return false }
            host = host[host.index(after: close)...]
            if host.isEmpty { return true }
            guard host.first == ":" else { return false }
            let port = host.dropFirst()
            return !port.isEmpty && port.allSatisfy(\.isASCIIDigit)
        }
        if let colon = host.firstIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isASCIIDigit) else { return false }
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return first.isASCIIAlphanumeric && last.isASCIIAlphanumeric
                && label.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" }
        }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
