// Parsing follows purl-spec docs/specification/how-to-parse.md: right to left, subpath, qualifiers, scheme, type,
// version, name, namespace. Deviations are listed in PURL.swift.
//
// Every separator is ASCII, so the string is split on its UTF-8 bytes: an index found in the UTF-8 view is a valid
// index of the substring, and no grapheme breaking is done (ingest parses one purl per component; Character-based
// searching was most of a 10,000-component SBOM's CPU time).

extension PURL {
    /// Parses a purl string, decoding and normalising its components; `description` gives it back canonical.
    public init(parsing string: String) throws(PURLError) {
        if IdentifierLimit.purl.violation(string) != nil { throw .tooLong(IdentifierLimit.purl.maxLength) }
        var remainder = Substring(string)

        // Subpath: split once from the right on '#'; segments are decoded, empty/'.'/'..' dropped later.
        var subpathSegments: [String] = []
        if let hash = remainder.utf8.lastIndex(of: UInt8(ascii: "#")) {
            for segment in remainder.after(hash).asciiSplit(UInt8(ascii: "/")) {
                subpathSegments.append(try PURLPercentEncoding.decode(segment))
            }
            remainder = remainder[..<hash]
        }

        // Qualifiers: split once from the right on '?', then on '&', each pair once from the left on '='.
        var qualifierPairs: [(key: String, value: String)] = []
        if let question = remainder.utf8.lastIndex(of: UInt8(ascii: "?")) {
            for pair in remainder.after(question).asciiSplit(UInt8(ascii: "&")) {
                guard let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) else { throw .invalidQualifier(String(pair)) }
                let value = try PURLPercentEncoding.decode(pair.after(equals))
                qualifierPairs.append((key: String(pair[..<equals]), value: value))
            }
            remainder = remainder[..<question]
        }

        // Scheme: split once from the left on ':'; the scheme is "pkg" in any case; slashes after it do not count.
        guard let colon = remainder.utf8.firstIndex(of: UInt8(ascii: ":")), remainder[..<colon].lowercased() == "pkg" else {
            throw .missingScheme
        }
        remainder = remainder.after(colon)
        while remainder.utf8.first == UInt8(ascii: "/") { remainder = Substring(remainder.utf8.dropFirst()) }

        // Type: up to the first '/'.
        guard let slash = remainder.utf8.firstIndex(of: UInt8(ascii: "/")) else { throw .invalidType(String(remainder)) }
        let type = String(remainder[..<slash])
        remainder = remainder.after(slash)

        // Version: after the last '@' that follows the last '/' (so that an unencoded npm scope such as
        // `@babel/core` is not taken for a version).
        var version: String?
        let nameStart = remainder.utf8.lastIndex(of: UInt8(ascii: "/")).map { remainder.utf8.index(after: $0) } ?? remainder.startIndex
        if let at = remainder[nameStart...].utf8.lastIndex(of: UInt8(ascii: "@")) {
            version = try PURLPercentEncoding.decode(remainder.after(at))
            remainder = remainder[..<at]
            // `namespace/@version`: the name is empty, not the namespace's last segment.
            if remainder.utf8.last == UInt8(ascii: "/") { throw .missingName }
        }

        // Name: trailing slashes stripped, then the part after the last '/'.
        while remainder.utf8.last == UInt8(ascii: "/") { remainder = Substring(remainder.utf8.dropLast()) }
        let name: String
        var namespaceSegments: [String] = []
        if let lastSlash = remainder.utf8.lastIndex(of: UInt8(ascii: "/")) {
            name = try PURLPercentEncoding.decode(remainder.after(lastSlash))
            for segment in remainder[..<lastSlash].asciiSplit(UInt8(ascii: "/")) {
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

extension Substring {
    /// The part after the ASCII byte at `index` (an index of the UTF-8 view).
    fileprivate func after(_ index: Index) -> Substring {
        self[utf8.index(after: index)...]
    }

    /// The non-empty parts between occurrences of the ASCII byte `separator`.
    fileprivate func asciiSplit(_ separator: UInt8) -> [Substring] {
        utf8.split(separator: separator).map { Substring($0) }
    }
}
