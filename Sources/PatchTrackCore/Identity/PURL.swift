// Package URL, per https://github.com/package-url/purl-spec (docs/specification/standard/specification.md,
// how-to-parse.md and how-to-build.md at commit 16f3d0e) and its type definitions (see PURLTypeRule.swift).
//
// Deliberate deviations, each checked by the purl-spec test suite tests (PURLTests.swift lists the exceptions):
// - Qualifier keys are lowercased when parsed, as how-to-parse.md says ("The key is the lowercase left side"), so
//   `?Arch=i386` is accepted as `arch`; two tests of the current suite expect such keys to be rejected, while the
//   suite's other tests (and the legacy suite) expect them lowercased.
// - `.` and `..` subpath segments are dropped when parsing (how-to-parse.md), not only when building.
// - An empty name right before the version (`pkg:swift/github.com/Alamofire/@5.4.3`) is an error rather than
//   having its trailing slash stripped, as the suite expects.
// - A qualifier without `=` is an error rather than a key with an empty value.
// - Input characters outside the canonical set (raw spaces, non-ASCII) are accepted and encoded in the canonical form.

import Foundation

/// A package URL (`pkg:type/namespace/name@version?qualifiers#subpath`) with its components decoded and normalised.
public struct PURL: Hashable, Sendable, CustomStringConvertible {
    /// The package type, lowercase (`deb`, `npm`, `maven`, ...).
    public let type: String
    /// The decoded namespace, segments joined by `/`, or nil.
    public let namespace: String?
    /// The decoded name, normalised for the type.
    public let name: String
    /// The decoded version, or nil.
    public let version: String?
    /// The qualifiers, keys lowercase, values decoded; pairs with empty values are dropped.
    public let qualifiers: [String: String]
    /// The decoded subpath, segments joined by `/`, without empty, `.` or `..` segments, or nil.
    public let subpath: String?

    /// Builds a purl from decoded components, applying the type's normalisation (how-to-build.md).
    ///
    /// `namespace` and `subpath` are split on `/`; their leading and trailing slashes do not matter.
    public init(
        type: String,
        namespace: String? = nil,
        name: String,
        version: String? = nil,
        qualifiers: [String: String] = [:],
        subpath: String? = nil
    ) throws(PURLError) {
        let namespaceSegments = (namespace ?? "").utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
        var trimmedName = Substring(name)
        while trimmedName.utf8.first == UInt8(ascii: "/") { trimmedName = Substring(trimmedName.utf8.dropFirst()) }
        while trimmedName.utf8.last == UInt8(ascii: "/") { trimmedName = Substring(trimmedName.utf8.dropLast()) }
        let subpathSegments = (subpath ?? "").utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
        try self.init(
            validating: type,
            namespaceSegments: namespaceSegments,
            name: String(trimmedName),
            version: version,
            qualifierPairs: qualifiers.map { (key: $0.key, value: $0.value) },
            subpathSegments: subpathSegments
        )
    }

    /// The common path of parsing and building: validates and normalises decoded components.
    init(
        validating rawType: String,
        namespaceSegments: [String],
        name rawName: String,
        version rawVersion: String?,
        qualifierPairs: [(key: String, value: String)],
        subpathSegments: [String]
    ) throws(PURLError) {
        let type = try Self.validatedType(rawType)
        let rule = PURLTypeRule.forType(type)

        var qualifiers: [String: String] = [:]
        for pair in qualifierPairs {
            let key = pair.key.lowercased()
            guard Self.isValidQualifierKey(key) else { throw .invalidQualifier(pair.key) }
            guard qualifiers[key] == nil else { throw .duplicateQualifier(key) }
            if !pair.value.isEmpty { qualifiers[key] = pair.value }
        }

        var segments: [String] = []
        for segment in namespaceSegments where !segment.isEmpty {
            guard !segment.contains("/") else { throw .invalidSegment(segment) }
            segments.append(rule.normalizedNamespaceSegment(segment))
        }
        if segments.isEmpty && rule.requiresNamespace { throw .namespaceRequired(type: type) }

        guard !rawName.isEmpty else { throw .missingName }
        let name = try rule.normalizedName(rawName, type: type, qualifiers: qualifiers)

        var subpath: [String] = []
        for segment in subpathSegments where !segment.isEmpty && segment != "." && segment != ".." {
            guard !segment.contains("/") else { throw .invalidSegment(segment) }
            subpath.append(segment)
        }

        self.type = type
        self.namespace = segments.isEmpty ? nil : segments.joined(separator: "/")
        self.name = name
        self.version = rawVersion.flatMap { $0.isEmpty ? nil : rule.normalizedVersion($0) }
        self.qualifiers = qualifiers
        self.subpath = subpath.isEmpty ? nil : subpath.joined(separator: "/")
    }

    /// The canonical purl string (how-to-build.md): lowercase type, type-normalised components, percent-encoded
    /// segments, qualifiers sorted, empty parts left out.
    public var description: String {
        var result = "pkg:" + type + "/"
        if let namespace {
            result += namespace.split(separator: "/").map { PURLPercentEncoding.encode(String($0)) }
                .joined(separator: "/")
            result += "/"
        }
        result += PURLPercentEncoding.encode(name)
        if let version {
            result += "@" + PURLPercentEncoding.encode(version)
        }
        if !qualifiers.isEmpty {
            // "Sort this list of qualifier strings lexicographically": the key=value strings, by byte.
            let pairs = qualifiers.map { $0.key + "=" + PURLPercentEncoding.encode($0.value) }
            result += "?" + pairs.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: "&")
        }
        if let subpath {
            result += "#" + subpath.split(separator: "/").map { PURLPercentEncoding.encode(String($0)) }
                .joined(separator: "/")
        }
        return result
    }

    // MARK: - Component rules

    /// "The package type shall be composed only of ASCII letters and numbers, period '.', and dash '-'" and "shall
    /// start with an ASCII letter"; the canonical form is lowercase.
    private static func validatedType(_ type: String) throws(PURLError) -> String {
        guard let first = type.utf8.first, isASCIILetter(first) else { throw .invalidType(type) }
        for byte in type.utf8 where !(isASCIILetter(byte) || isASCIIDigit(byte) || byte == 0x2E || byte == 0x2D) {
            throw .invalidType(type)
        }
        return type.lowercased()
    }

    /// A key is "composed only of lowercase ASCII letters and numbers, period '.', dash '-' and underscore '_'" and
    /// "shall start with an ASCII letter".
    private static func isValidQualifierKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, isASCIILetter(first) else { return false }
        return key.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || isASCIIDigit(byte) || byte == 0x2E || byte == 0x2D || byte == 0x5F
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isASCIIDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }
}
