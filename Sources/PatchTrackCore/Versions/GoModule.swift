// Go module versions, as `golang.org/x/mod/semver` validates and orders them.
//
// Spec: https://go.dev/ref/mod#versions and https://semver.org/spec/v2.0.0.html
// Upstream: golang.org/x/mod `semver/semver.go` (`IsValid`, `Compare`): a `v` prefix is required; `vMAJOR` and
// `vMAJOR.MINOR` are shorthands for `.0` / `.0.0` (without pre-release or build); numbers have no leading zeros but
// any length; build metadata (`+incompatible`, `+meta`) is accepted and ignored by comparison; pseudo-versions
// (`v0.0.0-20230101123456-abcdef123456`, `vX.Y.Z-pre.0.…`, `vX.Y.(Z+1)-0.…`) are ordinary pre-releases and order
// as such.
//
// Deliberate deviations: none in the default mode. `GoModuleScheme(requirePrefix: false)` is for the OSV `Go`
// ecosystem, whose records write versions without the `v` ("1.2.3"): it puts a `v` in front of the input and then
// validates exactly as x/mod does, so "v1.2.3" itself is then rejected ("vv1.2.3").

/// Go module versions ordered like `golang.org/x/mod/semver`.
public struct GoModuleScheme: VersionScheme {
    /// Whether inputs carry Go's `v` prefix themselves (`true`, the x/mod form) or come without it (`false`,
    /// the OSV `Go` ecosystem form "1.2.3", to which the scheme adds the `v` before validating).
    public let requirePrefix: Bool

    /// Creates the scheme; pass `requirePrefix: false` for OSV `Go` versions written without the `v`.
    public init(requirePrefix: Bool = true) {
        self.requirePrefix = requirePrefix
    }

    /// "go".
    public var name: String { "go" }

    /// Parses a Go module version, rejecting what `semver.IsValid` rejects.
    public func parse(_ string: String) throws(VersionError) -> GoModuleVersion {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count + 1)
        if !requirePrefix { bytes.append(UInt8(ascii: "v")) }
        bytes.append(contentsOf: string.utf8)
        guard let version = GoModuleVersion(text: string, bytes: bytes) else {
            throw VersionError(scheme: name, version: string, reason: "not a valid Go module version")
        }
        return version
    }
}

/// A parsed Go module version.
public struct GoModuleVersion: Comparable, Sendable, CustomStringConvertible {
    struct Span: Sendable {
        var start: Int32
        var end: Int32
        var range: Range<Int> { Int(start)..<Int(end) }
    }

    /// The version string as given.
    public let description: String
    private let bytes: [UInt8]
    /// Major, minor and patch numbers; an empty span stands for an omitted "0" of the shorthands.
    private let major: Span
    private let minor: Span
    private let patch: Span
    /// Dot-separated pre-release identifiers and whether each is numeric.
    private let prerelease: [(span: Span, isNumeric: Bool)]
    private let buildStart: Int32?

    /// The build metadata without its "+" ("incompatible" for `+incompatible`), or nil.
    public var build: Substring? {
        guard let buildStart else { return nil }
        return Substring(String(decoding: bytes[Int(buildStart)...], as: UTF8.self))
    }

    /// Whether the version carries `+incompatible` (a v2+ module without a go.mod path suffix).
    public var isIncompatible: Bool { build == "incompatible" }

    // MARK: - Ordering

    /// Compares with `other` like `semver.Compare`: -1, 0 or 1. Build metadata is ignored.
    public func compare(to other: GoModuleVersion) -> Int {
        bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                var c = DigitRun.compare(a[major.range], b[other.major.range])
                if c != 0 { return c }
                c = DigitRun.compare(a[minor.range], b[other.minor.range])
                if c != 0 { return c }
                c = DigitRun.compare(a[patch.range], b[other.patch.range])
                if c != 0 { return c }
                let x = prerelease
                let y = other.prerelease
                if x.isEmpty || y.isEmpty { return x.count == y.count ? 0 : (x.isEmpty ? 1 : -1) }
                for i in 0..<min(x.count, y.count) {
                    let sa = a[x[i].span.range]
                    let sb = b[y[i].span.range]
                    switch (x[i].isNumeric, y[i].isNumeric) {
                    case (true, true): c = DigitRun.compare(sa, sb)
                    case (true, false): return -1
                    case (false, true): return 1
                    case (false, false):
                        c = 0
                        for (p, q) in zip(sa, sb) where p != q {
                            c = p < q ? -1 : 1
                            break
                        }
                        if c == 0 && sa.count != sb.count { c = sa.count < sb.count ? -1 : 1 }
                    }
                    if c != 0 { return c }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    /// Orders by ``compare(to:)``.
    public static func < (lhs: GoModuleVersion, rhs: GoModuleVersion) -> Bool { lhs.compare(to: rhs) < 0 }

    /// Equal precedence, build metadata ignored (`v1.2.3+x == v1.2.3`): agrees with ``compare(to:)``.
    public static func == (lhs: GoModuleVersion, rhs: GoModuleVersion) -> Bool { lhs.compare(to: rhs) == 0 }

    // MARK: - Parsing

    /// Validates `bytes` (with the `v`) as x/mod's `parse` does; `text` is kept for display.
    init?(text: String, bytes: [UInt8]) {
        var p = 0
        func at(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
        func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
        func isIdentifierByte(_ c: UInt8) -> Bool {
            isDigit(c) || (c | 0x20) &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "-")
        }
        /// A number without leading zeros, or nil.
        func number() -> Span? {
            let start = p
            while isDigit(at(p)) { p += 1 }
            if p == start || (p - start > 1 && bytes[start] == UInt8(ascii: "0")) { return nil }
            return Span(start: Int32(start), end: Int32(p))
        }
        /// Dot-separated non-empty identifiers; numeric pre-release identifiers without leading zeros.
        func identifiers(prerelease: Bool) -> [(span: Span, isNumeric: Bool)]? {
            var result: [(span: Span, isNumeric: Bool)] = []
            while true {
                let start = p
                var numeric = true
                while isIdentifierByte(at(p)) {
                    if !isDigit(at(p)) { numeric = false }
                    p += 1
                }
                if p == start { return nil }
                if prerelease && numeric && p - start > 1 && bytes[start] == UInt8(ascii: "0") { return nil }
                result.append((Span(start: Int32(start), end: Int32(p)), numeric))
                guard at(p) == UInt8(ascii: ".") else { return result }
                p += 1
            }
        }

        guard at(0) == UInt8(ascii: "v") else { return nil }
        p = 1
        guard let major = number() else { return nil }
        let none = Span(start: 0, end: 0)
        var minor = none
        var patch = none
        var prerelease: [(span: Span, isNumeric: Bool)] = []
        var buildStart: Int32?
        if p < bytes.count {
            guard at(p) == UInt8(ascii: ".") else { return nil }
            p += 1
            guard let m = number() else { return nil }
            minor = m
            if p < bytes.count {
                guard at(p) == UInt8(ascii: ".") else { return nil }
                p += 1
                guard let n = number() else { return nil }
                patch = n
                if at(p) == UInt8(ascii: "-") {
                    p += 1
                    guard let ids = identifiers(prerelease: true) else { return nil }
                    prerelease = ids
                }
                if at(p) == UInt8(ascii: "+") {
                    p += 1
                    buildStart = Int32(p)
                    guard identifiers(prerelease: false) != nil else { return nil }
                }
                guard p == bytes.count else { return nil }
            }
        }
        self.description = text
        self.bytes = bytes
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.buildStart = buildStart
    }
}
