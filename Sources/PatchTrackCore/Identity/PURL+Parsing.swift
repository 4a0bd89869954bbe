// Parsing follows purl-spec docs/specification/how-to-parse.md: right to left, subpath, qualifiers, scheme, type,
// version, name, namespace. Deviations are listed in PURL.swift.

extension PURL {
    /// Parses a purl string, decoding and normalising its components; `description` gives it back canonical.
    public init(parsing string: String) throws(PURLError) {
        if IdentifierLimit.purl.violation(string) != nil { throw .tooLong(IdentifierLimit.purl.maxLength) }
        var remainder = Substring(string)

        // Subpath: split once from the right on '#'; segments are decoded, empty/'.'/'..' dropped later.
        var subpathSegments: [String] = []
        if let hash = remainder.lastIndex(of: "#") {
            for segment in remainder[remainder.index(after: hash)...].split(separator: "/") {
                subpathSegments.append(try PURLPercentEncoding.decode(segment))
            }
            remainder = remainder[..<hash]
        }

        // Qualifiers: split once from the right on '?', then on '&', each pair once from the left on '='.
        var qualifierPairs: [(key: String, value: String)] = []
        if let question = remainder.lastIndex(of: "?") {
            for pair in remainder[remainder.index(after: question)...].split(separator: "&") {
                guard let equals = pair.firstIndex(of: "=") else { throw .invalidQualifier(String(pair)) }
                let value = try PURLPercentEncoding.decode(pair[pair.index(after: equals)...])
                qualifierPairs.append((key: String(pair[..<equals]), value: value))
            }
            remainder = remainder[..<question]
        }

        // Scheme: split once from the left on ':'; the scheme is "pkg" in any case; slashes after it do not count.
        guard let colon = remainder.firstIndex(of: ":"), remainder[..<colon].lowercased() == "pkg" else {
            throw .missingScheme
        }
        remainder = remainder[remainder.index(after: colon)...].drop(while: { $0 == "/" })

        // Type: up to the first '/'.
        guard let slash = remainder.firstIndex(of: "/") else { throw .invalidType(String(remainder)) }
        let type = String(remainder[..<slash])
        remainder = remainder[remainder.index(after: slash)...]

        // Version: after the last '@' that follows the last '/' (so that an unencoded npm scope such as
        // `@babel/core` is not taken for a version).
        var version: String?
        let nameStart = remainder.lastIndex(of: "/").map { remainder.index(after: $0) } ?? remainder.startIndex
        if let at = remainder[nameStart...].lastIndex(of: "@") {
            version = try PURLPercentEncoding.decode(remainder[remainder.index(after: at)...])
            remainder = remainder[..<at]
            // `namespace/@version`: the name is empty, not the namespace's last segment.
            if remainder.last == "/" { throw .missingName }
        }

        // Name: trailing slashes stripped, then the part after the last '/'.
        while remainder.last == "/" { remainder = remainder.dropLast() }
        let name: String
        var namespaceSegments: [String] = []
        if let lastSlash = remainder.lastIndex(of: "/") {
            name = try PURLPercentEncoding.decode(remainder[remainder.index(after: lastSlash)...])
            for segment in remainder[..<lastSlash].split(separator: "/") {
                namespaceSegments.append(try PURLPercentEncoding.decode(segment))
            }
        } else {
            name = try PURLPercentEncoding.decode(remainder)
        }

        try self.init(
            validating: type,
            namespaceSegments: namespaceSegments,
            name: name,
            version: version,
            qualifierPairs: qualifierPairs,
            subpathSegments: subpathSegments
        )
    }
}
