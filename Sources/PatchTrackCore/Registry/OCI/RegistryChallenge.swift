/// A `WWW-Authenticate` challenge of a registry's 401: Bearer (the token flow of the distribution spec, with `realm`,
/// `service` and `scope`) or Basic. https://distribution.github.io/distribution/spec/auth/token/
public struct RegistryChallenge: Sendable, Equatable {
    public enum Scheme: String, Sendable {
        case bearer
        case basic
    }

    public var scheme: Scheme
    /// The challenge's parameters, keys lowercased (`realm`, `service`, `scope`, ...).
    public var parameters: [String: String]

    /// Parses the header's value; nil when it names neither scheme or a Bearer challenge has no realm.
    public init?(header: String) {
        let trimmed = header.drop { $0 == " " }
        guard let space = trimmed.firstIndex(of: " ") ?? (trimmed.isEmpty ? nil : trimmed.endIndex) else { return nil }
        guard let scheme = Scheme(rawValue: trimmed[..<space].lowercased()) else { return nil }
        self.scheme = scheme
        parameters = Self.parameters(trimmed[space...])
        if scheme == .bearer, parameters["realm"] == nil { return nil }
    }

    /// `key=value` or `key="quoted, value"` pairs separated by commas.
    static func parameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text[...]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { return result }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for index in rest.indices {
                    let character = rest[index]
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index
                        break
                    } else {
                        value.append(character)
                    }
                }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            if !key.isEmpty { result[key] = value }
        }
    }
}

/// The `next` target of an RFC 8288 `Link` header (`</v2/app/tags/list?last=b&n=100>; rel="next"`), as the
/// distribution spec paginates `tags/list`.
public enum RegistryLink {
    public static func next(_ header: String) -> String? {
        for link in header.split(separator: ",") {
            guard let open = link.firstIndex(of: "<"), let close = link[open...].firstIndex(of: ">") else { continue }
            let parameters = RegistryChallenge.parameters(link[link.index(after: close)...].drop { $0 == ";" || $0 == " " }
                .replacingOccurrences(of: ";", with: ",")[...])
            if parameters["rel"]?.split(separator: " ").contains("next") == true {
                return String(link[link.index(after: open)..<close])
            }
        }
        return nil
    }
}
