// RubyGems versions, as `Gem::Version` orders them.
//
// Follows rubygems/rubygems lib/rubygems/version.rb (RubyGems 3.3, the reference the oracle runs):
// - validity is `Gem::Version.correct?`: `[0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`;
// - every "-" reads as ".pre.", then the segments are the runs of digits (numbers) and of ASCII letters (strings);
// - `canonical_segments`: trailing zeros are dropped from the numeric run before the first string and from the rest;
// - `<=>` walks the canonical segments padded with 0: a string sorts below a number, strings compare bytewise
//   (case-sensitively), numbers by value. So "1.0" == "1.0.0" and "1.0.a" == "1.a", while "1.a" < "1".
//
// Deliberate deviations from RubyGems:
// - The empty string and surrounding blanks are rejected (`correct?` accepts them, reading "" as "0" and stripping
//   blanks); a version must match the pattern exactly, as the project's differential oracle requires.

/// The RubyGems version scheme (`Gem::Version`).
public struct RubyGemsScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "rubygems".
    public var name: String { "rubygems" }

    /// Parses a gem version, rejecting what `Gem::Version.correct?` rejects (and "" or surrounding blanks).
    public func parse(_ string: String) throws(VersionError) -> RubyGemsVersion {
        try RubyGemsVersion(validating: string)
    }
}

/// A parsed gem version: its canonical segments, ordered as `Gem::Version#<=>` orders them.
public struct RubyGemsVersion: Comparable, Sendable, CustomStringConvertible {
    /// One canonical segment: a digit run without leading zeros, or a run of letters ("pre" for a hyphen).
    struct Segment: Sendable {
        var start: Int32
        var end: Int32
        var isNumber: Bool
    }

    /// The version exactly as it was parsed.
    public let description: String
    /// The bytes the segments point into.
    private let storage: [UInt8]
    /// The canonical segments.
    private let segments: [Segment]

    /// Whether the version is a prerelease: it contains a letter or a hyphen (`Gem::Version#prerelease?`).
    public var isPrerelease: Bool { segments.contains { !$0.isNumber } }

    init(validating string: String) throws(VersionError) {
        var text = string
        let bytes = text.withUTF8 { Array($0) }
        guard let end = Self.matchPattern(bytes), end == bytes.count else {
            throw VersionError(scheme: "rubygems", version: string, reason: "not a Gem::Version (Gem::Version.correct?)")
        }
        var storage: [UInt8] = []
        storage.reserveCapacity(bytes.count + 8)
        var all: [Segment] = []
        var firstString: Int?
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if Self.isDigit(byte) {
                var j = i
                while j < bytes.count, Self.isDigit(bytes[j]) { j += 1 }
                var k = i
                while k < j, bytes[k] == UInt8(ascii: "0") { k += 1 }
                let start = Int32(storage.count)
                storage.append(contentsOf: bytes[k..<j])
                all.append(Segment(start: start, end: Int32(storage.count), isNumber: true))
                i = j
            } else if Self.isLetter(byte) {
                var j = i
                while j < bytes.count, Self.isLetter(bytes[j]) { j += 1 }
                let start = Int32(storage.count)
                storage.append(contentsOf: bytes[i..<j])
                if firstString == nil { firstString = all.count }
                all.append(Segment(start: start, end: Int32(storage.count), isNumber: false))
                i = j
            } else {
                if byte == UInt8(ascii: "-") {
                    // version.rb: `gsub("-", ".pre.")`.
                    let start = Int32(storage.count)
                    storage.append(contentsOf: [UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "e")])
                    if firstString == nil { firstString = all.count }
                    all.append(Segment(start: start, end: Int32(storage.count), isNumber: false))
                }
                i += 1
            }
        }
        // canonical_segments: drop trailing zeros of the numeric part and of the string part separately.
        let split = firstString ?? all.count
        var numeric = all[..<split]
        while let last = numeric.last, last.isNumber, last.start == last.end { numeric.removeLast() }
        var rest = all[split...]
        while let last = rest.last, last.isNumber, last.start == last.end { rest.removeLast() }
        self.description = string
        self.storage = storage
        self.segments = Array(numeric) + Array(rest)
    }

    // MARK: - Validation

    /// Matches `Gem::Version::VERSION_PATTERN` from the start; returns where the match ends, or nil.
    private static func matchPattern(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count, isDigit(b[i]) { i += 1 }
        guard i > 0 else { return nil }
        // (?>\.[0-9a-zA-Z]+)*
        while i + 1 < b.count, b[i] == UInt8(ascii: "."), isAlphanumeric(b[i + 1]) {
            i += 1
            while i < b.count, isAlphanumeric(b[i]) { i += 1 }
        }
        // (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
        if i + 1 < b.count, b[i] == UInt8(ascii: "-"), isPrereleaseCharacter(b[i + 1]) {
            i += 1
            while i < b.count, isPrereleaseCharacter(b[i]) { i += 1 }
            while i + 1 < b.count, b[i] == UInt8(ascii: "."), isPrereleaseCharacter(b[i + 1]) {
                i += 1
                while i < b.count, isPrereleaseCharacter(b[i]) { i += 1 }
            }
        }
        return i
    }

    private static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- UInt8(ascii: "a") < 26 }
    private static func isAlphanumeric(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
    private static func isPrereleaseCharacter(_ c: UInt8) -> Bool { isAlphanumeric(c) || c == UInt8(ascii: "-") }

    // MARK: - Ordering

    /// `Gem::Version#<=>`: -1, 0 or 1.
    static func order(_ lhs: RubyGemsVersion, _ rhs: RubyGemsVersion) -> Int {
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                let l = lhs.segments, r = rhs.segments
                let count = max(l.count, r.count)
                var i = 0
                while i < count {
                    // A missing segment counts as the number 0 (an empty digit run).
                    let x = i < l.count ? l[i] : Segment(start: 0, end: 0, isNumber: true)
                    let y = i < r.count ? r[i] : Segment(start: 0, end: 0, isNumber: true)
                    i += 1
                    let xs = UnsafeBufferPointer(rebasing: a[Int(x.start)..<Int(x.end)])
                    let ys = UnsafeBufferPointer(rebasing: b[Int(y.start)..<Int(y.end)])
                    let c: Int
                    switch (x.isNumber, y.isNumber) {
                    case (true, true): c = DigitRun.compare(xs, ys)
                    case (false, true): c = -1
                    case (true, false): c = 1
                    case (false, false): c = compareBytes(xs, ys)
                    }
                    if c != 0 { return c }
                }
                return 0
            }
        }
    }

    /// Ruby's `String#<=>` on ASCII: bytewise, then the shorter first.
    private static func compareBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// Ordered as `Gem::Version#<=>`.
    public static func < (lhs: RubyGemsVersion, rhs: RubyGemsVersion) -> Bool { order(lhs, rhs) < 0 }

    /// Equal when `Gem::Version#<=>` says 0 ("1.0" == "1.0.0"), whatever the spelling.
    public static func == (lhs: RubyGemsVersion, rhs: RubyGemsVersion) -> Bool { order(lhs, rhs) == 0 }
}
