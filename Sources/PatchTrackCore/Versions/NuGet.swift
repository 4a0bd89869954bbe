// NuGet package versions, as NuGet.Versioning parses and orders them.
//
// Follows NuGet/NuGet.Client src/NuGet.Core/NuGet.Versioning as of October 2024 (`NuGetVersion.TryParse` in
// NuGetVersionFactory.cs, `SemanticVersion.ParseSections`/`IsValidPart`, `VersionComparer.Default`), see
// https://learn.microsoft.com/nuget/concepts/package-versioning:
// - the input is trimmed (`String.Trim`), then split at the first "-" or "+" into the numeric part, the release
//   labels (up to the next "+", split at ".") and the build metadata;
// - the numeric part (`TryGetNormalizedVersion`) has 1 to 4 dot-separated sections of ASCII digits, each at most
//   2147483647, with white space allowed around the digits; a trailing "." is invalid; missing sections are 0, so
//   "1" == "1.0" == "1.0.0.0";
// - labels are non-empty runs of `[0-9A-Za-z-]`, without a leading zero when all-digit; metadata parts likewise but
//   leading zeros allowed; metadata takes no part in the order or in equality;
// - order: major, minor, patch, revision; a version with labels sorts before one without; labels compare pairwise:
//   a label `int.TryParse` reads (an optional "-" and digits within Int32) numerically and before any other label,
//   other labels ordinal case-insensitively; when all shared labels agree, fewer labels sort first.
//
// Deliberate deviations from NuGet:
// - Equality follows the order (`VersionComparer.Compare` == 0). NuGet's `Equals` compares labels as strings, so it
//   calls "1.0.0-0" and "1.0.0--0" different although `Compare` says 0; here they are equal.
// The numeric part follows the parser NuGet.Client has had since July 2024 (#5862). Older releases read it with
// `System.Version.TryParse` (which also takes a sign, "+1.0") or, from mid-2023, with a parser that accepted empty
// sections ("1..2") and wrapped overflowing numbers.
// Numbers are never converted to integers: digit runs are range-checked and compared with `DigitRun`.

/// The NuGet version scheme (NuGet.Versioning's `NuGetVersion`).
public struct NuGetScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "nuget".
    public var name: String { "nuget" }

    /// Parses a NuGet version, rejecting what `NuGetVersion.TryParse` rejects.
    public func parse(_ string: String) throws(VersionError) -> NuGetVersion {
        try NuGetVersion(validating: string)
    }
}

/// A parsed NuGet version: four numeric components and release labels, ordered as NuGet orders them.
public struct NuGetVersion: Comparable, Sendable, CustomStringConvertible {
    /// A numeric component or label: a byte range of `storage`; numbers without sign or leading zeros.
    struct Part: Sendable {
        var start: Int32
        var end: Int32
        /// For labels: whether `int.TryParse` reads it as a number.
        var isNumber: Bool
        /// For numeric labels: whether the number is below zero.
        var isNegative: Bool
    }

    /// The version exactly as it was parsed.
    public let description: String
    private let storage: [UInt8]
    /// Major, minor, patch and revision, then the release labels (none for a release).
    private let parts: [Part]

    /// Whether the version has release labels.
    public var isPrerelease: Bool { parts.count > 4 }

    init(validating string: String) throws(VersionError) {
        func invalid(_ reason: String) -> VersionError {
            VersionError(scheme: "nuget", version: string, reason: reason)
        }
        // String.Trim() removes Unicode white space (the same set as .NET's char.IsWhiteSpace).
        var scalars = Substring(string).unicodeScalars[...]
        while let first = scalars.first, Self.isWhite(first) { scalars.removeFirst() }
        while let last = scalars.last, Self.isWhite(last) { scalars.removeLast() }
        let text = Array(scalars)

        // SemanticVersion.ParseSections: the numeric part ends at the first "-" or "+".
        var versionEnd = text.count
        var labelRange: Range<Int>?
        var metadataRange: Range<Int>?
        if let cut = text.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            if cut == text.count - 1 {
                versionEnd = text.count  // a trailing separator stays in the numeric part, which then fails
            } else if text[cut] == "+" {
                versionEnd = cut
                metadataRange = (cut + 1)..<text.count
            } else {
                versionEnd = cut
                let rest = (cut + 1)..<text.count
                if let plus = text[rest].firstIndex(of: "+") {
                    // A "+" as the very last character stays in the labels (and makes them invalid).
                    if plus == text.count - 1 {
                        labelRange = rest
                    } else {
                        labelRange = (cut + 1)..<plus
                        metadataRange = (plus + 1)..<text.count
                    }
                } else {
                    labelRange = rest
                }
            }
        }

        var storage: [UInt8] = []
        storage.reserveCapacity(text.count)
        guard let numbers = Self.parseNumbers(text[..<versionEnd]) else {
            throw invalid("not 1 to 4 dot-separated numbers in 0...2147483647")
        }
        var parts: [Part] = []
        for digits in numbers {
            let start = Int32(storage.count)
            storage.append(contentsOf: digits)
            parts.append(Part(start: start, end: Int32(storage.count), isNumber: true, isNegative: false))
        }

        if let labelRange {
            for label in Self.ascii(text[labelRange]).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard Self.isValidPart(label, allowLeadingZeros: false) else {
                    throw invalid("invalid release label \"\(String(decoding: label, as: UTF8.self))\"")
                }
                let start = Int32(storage.count)
                if let (negative, digits) = Self.labelNumber(label) {
                    storage.append(contentsOf: digits)
                    parts.append(Part(start: start, end: Int32(storage.count), isNumber: true, isNegative: negative))
                } else {
                    storage.append(contentsOf: label)
                    parts.append(Part(start: start, end: Int32(storage.count), isNumber: false, isNegative: false))
                }
            }
        }
        if let metadataRange {
            for part in Self.ascii(text[metadataRange]).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard Self.isValidPart(part, allowLeadingZeros: true) else {
                    throw invalid("invalid build metadata")
                }
            }
        }
        self.description = string
        self.storage = storage
        self.parts = parts
    }

    // MARK: - Parsing helpers

    /// `TryGetNormalizedVersion`: up to four sections of digits, white space allowed around each, separated by
    /// single dots, no trailing dot; each at most Int32.max. Returns four digit runs without leading zeros, or nil.
    private static func parseNumbers(_ s: ArraySlice<Unicode.Scalar>) -> [[UInt8]]? {
        guard s.contains(where: { !isWhite($0) }) else { return nil }
        var numbers: [[UInt8]] = []
        var i = s.startIndex
        let end = s.endIndex
        for _ in 0..<4 {
            guard i < end else {
                numbers.append([])  // an empty (missing) section is 0
                continue
            }
            while i < end, isWhite(s[i]) { i += 1 }
            let digitsStart = i
            var digits: [UInt8] = []
            while i < end, let digit = asciiDigit(s[i]) {
                if digit != UInt8(ascii: "0") || !digits.isEmpty { digits.append(digit) }
                if digits.count > int32Max.count { return nil }
                i += 1
            }
            guard i > digitsStart, DigitRun.compare(digits, int32Max) <= 0 else { return nil }
            while i < end, isWhite(s[i]) { i += 1 }
            if i < end {
                guard s[i] == "." else { return nil }
                i += 1
                guard i < end else { return nil }  // the version ends with "."
            }
            numbers.append(digits)
        }
        return i == end ? numbers : nil
    }

    /// .NET's `char.IsWhiteSpace` (the Unicode White_Space set), with an ASCII fast path.
    private static func isWhite(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c == " " || c.value &- 0x09 < 5 : c.properties.isWhitespace
    }

    private static func asciiDigit(_ c: Unicode.Scalar) -> UInt8? {
        c.value &- 0x30 < 10 ? UInt8(c.value) : nil
    }

    /// The labels or metadata as bytes; a non-ASCII character becomes 0x80, which no part accepts.
    private static func ascii(_ s: ArraySlice<Unicode.Scalar>) -> [UInt8] {
        s.map { $0.isASCII ? UInt8($0.value) : 0x80 }
    }

    /// A label `int.TryParse` accepts: an optional "-" then digits, within Int32. Returns (negative, digits).
    private static func labelNumber(_ s: ArraySlice<UInt8>) -> (Bool, ArraySlice<UInt8>)? {
        var digits = s
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits.removeFirst() }
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
        while let first = digits.first, first == UInt8(ascii: "0") { digits.removeFirst() }
        guard DigitRun.compare(digits, negative ? int32MinMagnitude : int32Max) <= 0 else { return nil }
        return (negative && !digits.isEmpty, digits)
    }

    /// SemanticVersionFactory.IsValidPart: non-empty, `[0-9A-Za-z-]`, no leading zero on an all-digit part.
    private static func isValidPart(_ s: ArraySlice<UInt8>, allowLeadingZeros: Bool) -> Bool {
        guard !s.isEmpty else { return false }
        if !allowLeadingZeros, s.count > 1, s.first == UInt8(ascii: "0"), s.allSatisfy(isDigit) { return false }
        return s.allSatisfy { isDigit($0) || ($0 | 0x20) &- UInt8(ascii: "a") < 26 || $0 == UInt8(ascii: "-") }
    }

    private static let int32Max = Array("2147483647".utf8)
    private static let int32MinMagnitude = Array("2147483648".utf8)
    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
    /// .NET number parsing's blanks: space and U+0009...U+000D.
    private static func isNumberWhite(_ c: UInt8) -> Bool { c == 0x20 || c &- 0x09 < 5 }

    // MARK: - Ordering

    /// `VersionComparer.Default.Compare`: -1, 0 or 1.
    static func order(_ lhs: NuGetVersion, _ rhs: NuGetVersion) -> Int {
        lhs.parts.withUnsafeBufferPointer { l in
            rhs.parts.withUnsafeBufferPointer { r in
                lhs.storage.withUnsafeBufferPointer { a in
                    rhs.storage.withUnsafeBufferPointer { b in order(l, r, a, b) }
                }
            }
        }
    }

    /// The order on the parts `l` (bytes in `a`) and `r` (bytes in `b`).
    private static func order(
        _ l: UnsafeBufferPointer<Part>, _ r: UnsafeBufferPointer<Part>,
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
    ) -> Int {
        for i in 0..<4 {
            let c = DigitRun.compare(bytes(a, l[i]), bytes(b, r[i]))
            if c != 0 { return c }
        }
        // A release (no labels) sorts after its prereleases.
        switch (l.count == 4, r.count == 4) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        var i = 4
        while i < l.count && i < r.count {
            let x = l[i], y = r[i]
            i += 1
            let c: Int
            switch (x.isNumber, y.isNumber) {
            case (true, true):
                if x.isNegative != y.isNegative {
                    c = x.isNegative ? -1 : 1
                } else {
                    let magnitude = DigitRun.compare(bytes(a, x), bytes(b, y))
                    c = x.isNegative ? -magnitude : magnitude
                }
            case (true, false): c = -1
            case (false, true): c = 1
            case (false, false): c = compareIgnoringCase(bytes(a, x), bytes(b, y))
            }
            if c != 0 { return c }
        }
        return l.count == r.count ? 0 : (l.count < r.count ? -1 : 1)
    }

    private static func bytes(_ p: UnsafeBufferPointer<UInt8>, _ part: Part) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: p[Int(part.start)..<Int(part.end)])
    }

    /// `StringComparer.OrdinalIgnoreCase` on ASCII: upper-cased code units, then the shorter first.
    private static func compareIgnoringCase(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        for (p, q) in zip(x, y) {
            let pu = p &- UInt8(ascii: "a") < 26 ? p - 0x20 : p
            let qu = q &- UInt8(ascii: "a") < 26 ? q - 0x20 : q
            if pu != qu { return pu < qu ? -1 : 1 }
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// Ordered as NuGet's `VersionComparer.Default`.
    public static func < (lhs: NuGetVersion, rhs: NuGetVersion) -> Bool { order(lhs, rhs) < 0 }

    /// Equal when NuGet compares them equal (metadata and label case ignored, "1.0" == "1.0.0.0").
    public static func == (lhs: NuGetVersion, rhs: NuGetVersion) -> Bool { order(lhs, rhs) == 0 }
}
