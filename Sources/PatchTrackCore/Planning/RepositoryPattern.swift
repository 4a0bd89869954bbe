/// A pattern over normalised repository names (`domain/path`), e.g. `docker.io/library/*` or `ghcr.io/acme/**`.
///
/// `*` matches any run of characters within one path component (it does not cross `/`); `**` matches any run of
/// characters, `/` included. Everything else matches itself. The match is anchored at both ends and ignores ASCII case
/// (registry hosts are case-insensitive; paths are lowercase once normalised). So `ghcr.io/acme/*` trusts
/// `ghcr.io/acme/base` but not `ghcr.io/acme/team/base`, which `ghcr.io/acme/**` also trusts. Patterns are written
/// against normalised names: `debian` is `docker.io/library/debian`.
public struct RepositoryPattern: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The pattern as written.
    public let text: String
    private let tokens: [Token]

    private enum Token: Hashable, Sendable {
        case byte(UInt8)
        case star
        case doubleStar
    }

    /// Creates a pattern from its text.
    public init(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "*") {
                var end = index
                while end < bytes.count, bytes[end] == UInt8(ascii: "*") { end += 1 }
                tokens.append(end - index >= 2 ? .doubleStar : .star)
                index = end
            } else {
                tokens.append(.byte(Self.lowercased(bytes[index])))
                index += 1
            }
        }
        self.tokens = tokens
    }

    /// Creates a pattern from a string literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { text }

    /// Whether `repository` matches the pattern.
    public func matches(_ repository: RepositoryName) -> Bool {
        matches(repository.value)
    }

    /// Whether the normalised repository name `name` matches the pattern.
    public func matches(_ name: String) -> Bool {
        let text = name.utf8.map(Self.lowercased)
        // reachable[j]: the tokens consumed so far can match text[..<j]. One row per token, O(tokens × text).
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: text.count + 1)
            switch token {
            case .byte(let byte):
                for j in 0..<text.count where reachable[j] && text[j] == byte { next[j + 1] = true }
            case .star, .doubleStar:
                let crossesSlash = token == .doubleStar
                for j in 0...text.count {
                    if reachable[j] {
                        next[j] = true
                    } else if j > 0, next[j - 1], crossesSlash || text[j - 1] != UInt8(ascii: "/") {
                        next[j] = true
                    }
                }
            }
            reachable = next
        }
        return reachable[text.count]
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
