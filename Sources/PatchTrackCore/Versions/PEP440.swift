// Python package versions (PEP 440), as `packaging.version.Version` reads and orders them.
//
// Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/ (PEP 440)
// Upstream: pypa/packaging `src/packaging/version.py` (26.x): `VERSION_PATTERN` matched in full with surrounding
// `\s*`, `re.VERBOSE | re.IGNORECASE`, ASCII-only inside the version, possessive quantifiers (CPython ≥ 3.11.5), and
// `_cmpkey` for ordering: epoch, release without trailing zeros, then (pre rank, pre number, post rank, post number,
// dev rank, dev number) where a dev-only release sorts before any pre-release, then the local version (absent below
// present; string segments below numeric ones; numbers by value; a longer list above its prefix).
// Accepted spellings follow the normalisation rules: `alpha`/`beta`/`c`/`pre`/`preview` for `a`/`b`/`rc`,
// `rev`/`r` for `post`, the implicit post release `1.0-1`, optional `.`/`-`/`_` separators, omitted numbers (0),
// a leading `v`, any letter case, and surrounding whitespace (Python's `\s`: Unicode white space).
//
// Deliberate deviations: none known. Like CPython (`sys.int_info.default_max_str_digits`), a number of more than
// 4300 digits is rejected, because `int()` raises there and `Version()` fails.

/// PEP 440 versions ordered like `packaging.version.Version` (PyPI).
public struct PEP440Scheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// "pep440" (the PyPI ecosystem's scheme).
    public var name: String { "pep440" }

    /// Parses a PEP 440 version, accepting exactly what `packaging.version.Version` accepts.
    public func parse(_ string: String) throws(VersionError) -> PEP440Version {
        guard let version = PEP440Version(parsing: string) else {
            throw VersionError(scheme: name, version: string, reason: "not a valid PEP 440 version")
        }
        return version
    }
}

/// A parsed PEP 440 version.
public struct PEP440Version: Comparable, Sendable, CustomStringConvertible {
    /// A byte range of the lower-cased version text.
    struct Span: Sendable {
        var start: Int32
        var end: Int32
        static let empty = Span(start: 0, end: 0)
        var range: Range<Int> { Int(start)..<Int(end) }
    }

    /// One local version segment: digits compare as numbers, anything else as a lower-case string.
    struct LocalSegment: Sendable {
        var span: Span
        var isNumeric: Bool
    }

    /// The version string as given.
    public let description: String
    private let bytes: [UInt8]
    private let epoch: Span
    private let release: [Span]
    /// How many leading release components remain once trailing zeros are dropped (`1.0.0` orders as `1`).
    private let significantRelease: Int
    /// 0 `a`, 1 `b`, 2 `rc`; nil without a pre-release.
    private let preKind: Int8?
    private let preNumber: Span
    private let post: Span?
    private let dev: Span?
    private let local: [LocalSegment]?

    // MARK: - Ordering

    /// Compares with `other` like packaging's `_cmpkey`: -1, 0 or 1.
    public func compare(to other: PEP440Version) -> Int {
        bytes.withUnsafeBufferPointer { a in
            other.bytes.withUnsafeBufferPointer { b in
                var c = DigitRun.compare(a[epoch.range], b[other.epoch.range])
                if c != 0 { return c }
                let n = min(significantRelease, other.significantRelease)
                for i in 0..<n {
                    c = DigitRun.compare(a[release[i].range], b[other.release[i].range])
                    if c != 0 { return c }
                }
                if significantRelease != other.significantRelease {
                    return significantRelease < other.significantRelease ? -1 : 1
                }
                c = compareInts(preRank, other.preRank)
                if c != 0 { return c }
                c = DigitRun.compare(a[preNumber.range], b[other.preNumber.range])
                if c != 0 { return c }
                c = compareInts(post == nil ? 0 : 1, other.post == nil ? 0 : 1)
                if c != 0 { return c }
                c = DigitRun.compare(a[(post ?? .empty).range], b[(other.post ?? .empty).range])
                if c != 0 { return c }
                c = compareInts(dev == nil ? 1 : 0, other.dev == nil ? 1 : 0)
                if c != 0 { return c }
                c = DigitRun.compare(a[(dev ?? .empty).range], b[(other.dev ?? .empty).range])
                if c != 0 { return c }
                return Self.compareLocal(a, local, b, other.local)
            }
        }
    }

    /// Orders by ``compare(to:)``.
    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) < 0 }

    /// Equality of normalised versions (`1.0 == 1.0.0`, `1.0a == 1.0.alpha0`): agrees with ``compare(to:)``.
    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) == 0 }

    /// A dev-only release (no pre, no post) sorts before every pre-release; no pre-release sorts after `rc`.
    private var preRank: Int {
        if let preKind { return Int(preKind) }
        return post == nil && dev != nil ? -1 : 3
    }

    private func compareInts(_ x: Int, _ y: Int) -> Int { x == y ? 0 : (x < y ? -1 : 1) }

    private static func compareLocal(
        _ a: UnsafeBufferPointer<UInt8>, _ x: [LocalSegment]?, _ b: UnsafeBufferPointer<UInt8>, _ y: [LocalSegment]?
    ) -> Int {
        guard let x, let y else { return x == nil ? (y == nil ? 0 : -1) : 1 }
        for i in 0..<min(x.count, y.count) {
            let sa = a[x[i].span.range]
            let sb = b[y[i].span.range]
            switch (x[i].isNumeric, y[i].isNumeric) {
            case (true, true):
                let c = DigitRun.compare(sa, sb)
                if c != 0 { return c }
            case (true, false): return 1
            case (false, true): return -1
            case (false, false):
                for (p, q) in zip(sa, sb) where p != q { return p < q ? -1 : 1 }
                if sa.count != sb.count { return sa.count < sb.count ? -1 : 1 }
            }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    // MARK: - Parsing

    /// Parses `text`, or returns nil where `packaging.version.Version(text)` raises.
    init?(parsing text: String) {
        let core = Self.trimmingPythonWhitespace(text)
        var s = Array(core.utf8)
        for i in s.indices where s[i] &- UInt8(ascii: "A") < 26 { s[i] |= 0x20 }
        var p = 0
        func at(_ i: Int) -> UInt8 { i < s.count ? s[i] : 0 }
        func isDigit(_ i: Int) -> Bool { at(i) &- UInt8(ascii: "0") < 10 }
        func isSeparator(_ i: Int) -> Bool { let c = at(i); return c == 0x2E || c == 0x2D || c == 0x5F }
        func isAlphanumeric(_ i: Int) -> Bool { isDigit(i) || at(i) &- UInt8(ascii: "a") < 26 }
        func digits(from i: Int) -> Int { var j = i; while isDigit(j) { j += 1 }; return j }
        func span(_ i: Int, _ j: Int) -> Span { Span(start: Int32(i), end: Int32(j)) }
        /// The first of `words` (lower case) spelled at `i`, as in a regex alternation.
        func word(at i: Int, _ words: [StaticString]) -> Int? {
            for w in words {
                let n = w.utf8CodeUnitCount
                if i + n <= s.count && (0..<n).allSatisfy({ s[i + $0] == w.utf8Start[$0] }) { return n }
            }
            return nil
        }

        if at(p) == UInt8(ascii: "v") { p += 1 }
        // Epoch: digits followed by "!".
        var epoch = Span.empty
        let epochEnd = digits(from: p)
        if epochEnd > p && at(epochEnd) == UInt8(ascii: "!") {
            epoch = span(p, epochEnd)
            p = epochEnd + 1
        }
        // Release: N(.N)*
        guard isDigit(p) else { return nil }
        var release: [Span] = []
        while true {
            let end = digits(from: p)
            release.append(span(p, end))
            p = end
            guard at(p) == UInt8(ascii: "."), isDigit(p + 1) else { break }
            p += 1
        }
        // Pre-release: [._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?N?
        var preKind: Int8?
        var preNumber = Span.empty
        do {
            let q = isSeparator(p) ? p + 1 : p
            let words: [StaticString] = ["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"]
            let kinds: [Int8] = [0, 0, 1, 1, 2, 2, 2, 2]
            for (index, w) in words.enumerated() {
                guard let n = word(at: q, [w]) else { continue }
                preKind = kinds[index]
                p = q + n
                if isSeparator(p) { p += 1 }
                let end = digits(from: p)
                preNumber = span(p, end)
                p = end
                break
            }
        }
        // Post-release: -N | [._-]?(post|rev|r)[._-]?N?
        var post: Span?
        if at(p) == UInt8(ascii: "-") && isDigit(p + 1) {
            let end = digits(from: p + 1)
            post = span(p + 1, end)
            p = end
        } else {
            let q = isSeparator(p) ? p + 1 : p
            if let n = word(at: q, ["post", "rev", "r"]) {
                p = q + n
                if isSeparator(p) { p += 1 }
                let end = digits(from: p)
                post = span(p, end)
                p = end
            }
        }
        // Development release: [._-]?dev[._-]?N?
        var dev: Span?
        do {
            let q = isSeparator(p) ? p + 1 : p
            if let n = word(at: q, ["dev"]) {
                p = q + n
                if isSeparator(p) { p += 1 }
                let end = digits(from: p)
                dev = span(p, end)
                p = end
            }
        }
        // Local version: +[a-z0-9]+([._-][a-z0-9]+)*
        var local: [LocalSegment]?
        if at(p) == UInt8(ascii: "+") && isAlphanumeric(p + 1) {
            var segments: [LocalSegment] = []
            p += 1
            while true {
                var end = p
                var numeric = true
                while isAlphanumeric(end) {
                    if !isDigit(end) { numeric = false }
                    end += 1
                }
                segments.append(LocalSegment(span: span(p, end), isNumeric: numeric))
                p = end
                guard isSeparator(p), isAlphanumeric(p + 1) else { break }
                p += 1
            }
            local = segments
        }
        guard p == s.count else { return nil }
        // CPython refuses int() of more than 4300 digits, so Version() fails on such a number.
        var numbers = release + [epoch, preNumber, post ?? .empty, dev ?? .empty]
        numbers += (local ?? []).filter(\.isNumeric).map(\.span)
        if numbers.contains(where: { $0.end - $0.start > 4300 }) { return nil }

        var significant = release.count
        while significant > 0 && s[release[significant - 1].range].allSatisfy({ $0 == UInt8(ascii: "0") }) {
            significant -= 1
        }
        self.description = text
        self.bytes = s
        self.epoch = epoch
        self.release = release
        self.significantRelease = significant
        self.preKind = preKind
        self.preNumber = preNumber
        self.post = post
        self.dev = dev
        self.local = local
    }

    /// Python's `\s` in a str pattern: ASCII blanks, the information separators U+001C–U+001F and Unicode spaces.
    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    private static func trimmingPythonWhitespace(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPythonWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isPythonWhitespace($0) })
        else { return text[text.endIndex...] }
        return Substring(scalars[first...last])
    }
}
