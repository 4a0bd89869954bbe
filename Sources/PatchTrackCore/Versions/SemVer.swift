// Semantic Versioning 2.0.0, as two real implementations read it.
//
// Spec: https://semver.org/spec/v2.0.0.html
// `.npm` follows npm's `semver` package (7.6.x, node-semver `classes/semver.js` + `internal/identifiers.js`) with
// strict parsing: exactly the semver.org grammar (no `v`/`=` prefix, no blanks), at most 256 characters, and
// major, minor and patch at most 2^53 - 1 (`Number.MAX_SAFE_INTEGER`). Build metadata is ignored by comparison.
// `.cargo` follows the Rust `semver` crate 1.0 (`Version::parse`, `impl Ord for Version`): the same grammar, numbers
// up to 2^64 - 1, no length limit, and build metadata takes part in ordering after the pre-release
// (`impl Ord for BuildMetadata`: numeric identifiers before alphanumeric ones, numbers by value then by length).
//
// Deliberate deviations:
// - npm compares numeric pre-release identifiers above 2^53 - 1 as IEEE doubles, so two different such identifiers
//   that round to the same double compare equal and stop the comparison (which makes npm's order non-transitive).
//   Here they are compared exactly as digit runs.
// - Versions of different flavors compare with the npm rule (build metadata ignored).

/// Semantic Versioning 2.0.0 in the flavor of npm's `semver` package or of Rust's `semver` crate (Cargo).
public struct SemVerScheme: VersionScheme {
    /// Which implementation's limits and ordering to follow.
    public enum Flavor: Sendable, Hashable {
        /// npm's `semver` package, strict parsing: build metadata never affects ordering.
        case npm
        /// Rust's `semver` crate as Cargo uses it: build metadata orders versions of equal precedence.
        case cargo
    }

    /// The implementation this scheme follows.
    public let flavor: Flavor

    /// Creates a scheme following `flavor` (npm by default).
    public init(flavor: SemVerScheme.Flavor = .npm) {
        self.flavor = flavor
    }

    /// "semver" for npm, "cargo" for the Rust crate.
    public var name: String { flavor == .npm ? "semver" : "cargo" }

    /// Parses a SemVer 2.0.0 version string, rejecting whatever the chosen implementation rejects.
    public func parse(_ string: String) throws(VersionError) -> SemanticVersion {
        let bytes = Array(string.utf8)
        var parser = SemanticVersion.Parser(bytes: bytes, flavor: flavor)
        switch parser.run() {
        case .success(let parts):
            return SemanticVersion(text: string, bytes: bytes, flavor: flavor, parts: parts)
        case .failure(let reason):
            throw VersionError(scheme: name, version: string, reason: reason.message)
        }
    }
}

/// A parsed Semantic Versioning 2.0.0 version.
public struct SemanticVersion: Comparable, Sendable, CustomStringConvertible {
    /// The version string as given.
    public let description: String
    /// The flavor whose ordering this version follows.
    public let flavor: SemVerScheme.Flavor

    /// One dot-separated identifier: a byte range of `bytes`, and whether it is all digits.
    struct Identifier: Sendable {
        var start: Int32
        var end: Int32
        var isNumeric: Bool
    }

    struct Parts: Sendable {
        var major = 0..<0
        var minor = 0..<0
        var patch = 0..<0
        var prerelease: [Identifier] = []
        var build: [Identifier] = []
    }

    private let bytes: [UInt8]
    private let parts: Parts

    init(text: String, bytes: [UInt8], flavor: SemVerScheme.Flavor, parts: Parts) {
        self.description = text
        self.bytes = bytes
        self.flavor = flavor
        self.parts = parts
    }

    /// The major version number, as written.
    public var major: Substring { slice(parts.major) }
    /// The minor version number, as written.
    public var minor: Substring { slice(parts.minor) }
    /// The patch version number, as written.
    public var patch: Substring { slice(parts.patch) }
    /// The dot-separated pre-release identifiers (empty for a release).
    public var prerelease: [Substring] { parts.prerelease.map { slice(Int($0.start)..<Int($0.end)) } }
    /// The dot-separated build metadata identifiers.
    public var build: [Substring] { parts.build.map { slice(Int($0.start)..<Int($0.end)) } }

    private func slice(_ range: Range<Int>) -> Substring {
        let utf8 = description.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let upper = utf8.index(utf8.startIndex, offsetBy: range.upperBound)
        return description[lower..<upper]
    }

    // MARK: - Ordering

    /// Compares with `other`: -1, 0 or 1. Build metadata counts only when both versions are `.cargo`.
    public func compare(to other: SemanticVersion) -> Int {
        bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                var c = DigitRun.compare(a[parts.major], b[other.parts.major])
                if c != 0 { return c }
                c = DigitRun.compare(a[parts.minor], b[other.parts.minor])
                if c != 0 { return c }
                c = DigitRun.compare(a[parts.patch], b[other.parts.patch])
                if c != 0 { return c }
                c = Self.comparePrerelease(a, parts.prerelease, b, other.parts.prerelease)
                if c != 0 || flavor != .cargo || other.flavor != .cargo { return c }
                return Self.compareBuild(a, parts.build, b, other.parts.build)
            }
        }
    }

    /// Orders by ``compare(to:)``.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { lhs.compare(to: rhs) < 0 }

    /// Equal precedence (npm), or equal precedence and build metadata (Cargo): agrees with ``compare(to:)``.
    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { lhs.compare(to: rhs) == 0 }

    /// SemVer 2.0.0 §11: a release is above its pre-releases; identifiers compare one by one, numeric ones as
    /// numbers and below alphanumeric ones (compared in ASCII order); a longer list wins when all shared ones tie.
    private static func comparePrerelease(
        _ a: UnsafeBufferPointer<UInt8>, _ x: [Identifier], _ b: UnsafeBufferPointer<UInt8>, _ y: [Identifier]
    ) -> Int {
        if x.isEmpty || y.isEmpty { return x.count == y.count ? 0 : (x.isEmpty ? 1 : -1) }
        for i in 0..<min(x.count, y.count) {
            let p = x[i]
            let q = y[i]
            let sa = a[Int(p.start)..<Int(p.end)]
            let sb = b[Int(q.start)..<Int(q.end)]
            let c: Int
            switch (p.isNumeric, q.isNumeric) {
            case (true, true): c = DigitRun.compare(sa, sb)
            case (true, false): return -1
            case (false, true): return 1
            case (false, false): c = compareBytes(sa, sb)
            }
            if c != 0 { return c }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// The Rust crate's build order: numeric identifiers by value, then the one with more leading zeros above;
    /// numeric below alphanumeric; alphanumeric in ASCII order; a longer list above its prefix; none below any.
    private static func compareBuild(
        _ a: UnsafeBufferPointer<UInt8>, _ x: [Identifier], _ b: UnsafeBufferPointer<UInt8>, _ y: [Identifier]
    ) -> Int {
        for i in 0..<min(x.count, y.count) {
            let p = x[i]
            let q = y[i]
            let sa = a[Int(p.start)..<Int(p.end)]
            let sb = b[Int(q.start)..<Int(q.end)]
            var c: Int
            switch (p.isNumeric, q.isNumeric) {
            case (true, true):
                c = DigitRun.compare(sa, sb)
                if c == 0 && sa.count != sb.count { c = sa.count < sb.count ? -1 : 1 }
            case (true, false): return -1
            case (false, true): return 1
            case (false, false): c = compareBytes(sa, sb)
            }
            if c != 0 { return c }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    private static func compareBytes(_ a: Slice<UnsafeBufferPointer<UInt8>>, _ b: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

// MARK: - Parsing

extension SemanticVersion {
    struct Failure: Error {
        var message: String
    }

    /// A single pass over the bytes implementing the semver.org grammar (which both implementations share).
    struct Parser {
        let bytes: [UInt8]
        let flavor: SemVerScheme.Flavor
        var position = 0

        init(bytes: [UInt8], flavor: SemVerScheme.Flavor) {
            self.bytes = bytes
            self.flavor = flavor
        }

        /// 2^53 - 1 (npm's `Number.MAX_SAFE_INTEGER`) and 2^64 - 1 (Rust's `u64::MAX`).
        private static let npmMaximum = Array("9007199254740991".utf8)
        private static let cargoMaximum = Array("18446744073709551615".utf8)

        mutating func run() -> Result<Parts, Failure> {
            if flavor == .npm && bytes.count > 256 { return .failure(Failure(message: "longer than 256 characters")) }
            var parts = Parts()
            do throws(Failure) {
                parts.major = try number("major")
                try expect(UInt8(ascii: "."), after: "major")
                parts.minor = try number("minor")
                try expect(UInt8(ascii: "."), after: "minor")
                parts.patch = try number("patch")
                if peek == UInt8(ascii: "-") {
                    position += 1
                    parts.prerelease = try identifiers("pre-release", rejectLeadingZeros: true)
                }
                if peek == UInt8(ascii: "+") {
                    position += 1
                    parts.build = try identifiers("build metadata", rejectLeadingZeros: false)
                }
                if position != bytes.count { throw Failure(message: "unexpected character at offset \(position)") }
            } catch {
                return .failure(error)
            }
            return .success(parts)
        }

        private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        private mutating func expect(_ byte: UInt8, after what: String) throws(Failure) {
            guard peek == byte else { throw Failure(message: "expected \".\" after the \(what) number") }
            position += 1
        }

        private mutating func number(_ what: String) throws(Failure) -> Range<Int> {
            let start = position
            while let b = peek, isDigit(b) { position += 1 }
            let range = start..<position
            if range.isEmpty { throw Failure(message: "missing \(what) number") }
            if range.count > 1 && bytes[start] == UInt8(ascii: "0") {
                throw Failure(message: "leading zero in the \(what) number")
            }
            let maximum = flavor == .npm ? Self.npmMaximum : Self.cargoMaximum
            if DigitRun.compare(bytes[range], maximum) > 0 { throw Failure(message: "\(what) number too large") }
            return range
        }

        private mutating func identifiers(_ what: String, rejectLeadingZeros: Bool) throws(Failure) -> [Identifier] {
            var result: [Identifier] = []
            while true {
                let start = position
                var numeric = true
                while let b = peek, isIdentifierByte(b) {
                    if !isDigit(b) { numeric = false }
                    position += 1
                }
                if position == start { throw Failure(message: "empty \(what) identifier") }
                if rejectLeadingZeros && numeric && position - start > 1 && bytes[start] == UInt8(ascii: "0") {
                    throw Failure(message: "leading zero in a numeric \(what) identifier")
                }
                result.append(Identifier(start: Int32(start), end: Int32(position), isNumeric: numeric))
                guard peek == UInt8(ascii: ".") else { return result }
                position += 1
            }
        }

        private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

        private func isIdentifierByte(_ b: UInt8) -> Bool {
            isDigit(b) || (b | 0x20) &- UInt8(ascii: "a") < 26 || b == UInt8(ascii: "-")
        }
    }
}
