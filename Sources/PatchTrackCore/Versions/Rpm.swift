// RPM package versions, `[epoch:]version[-release]` (EVR).
//
// Follows rpm 4.18: segments compared as rpmio/rpmvercmp.c `rpmvercmp()` (alphanumeric segments, `~` sorting before
// everything, `^` after the base version but before any other continuation), and the three EVR parts compared as
// python `rpm.labelCompare()` / Lua `rpm.vercmp()` do: a missing epoch is "0" and a missing release sorts below any
// release. See https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning
//
// Deliberate deviations from rpm:
// - rpm compares any string; here the epoch must be ASCII digits, version and release must be non-empty and made of
//   `[A-Za-z0-9._+~^]` (the characters rpm allows in spec files), and at most one `-` may appear.
// - rpm's dependency matching (`rpmdsCompare`) lets a missing release match every release; this scheme orders a
//   missing release lowest instead, as `labelCompare` does ("1.0" < "1.0-1").

/// The RPM version scheme used by Red Hat, Fedora, SUSE, Amazon Linux and other RPM distributions.
public struct RpmScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "rpm".
    public var name: String { "rpm" }

    /// Parses an `[epoch:]version[-release]` string.
    public func parse(_ string: String) throws(VersionError) -> RpmVersion {
        try RpmVersion(validating: string)
    }
}

/// A parsed RPM EVR, ordered as `rpm.labelCompare` orders it.
public struct RpmVersion: Comparable, Sendable, CustomStringConvertible {
    /// The version as given, with contiguous UTF-8.
    private let text: String
    /// UTF-8 offsets: the epoch is `0..<epochEnd` (empty when absent), the version `versionStart..<versionEnd`,
    /// and the release `versionEnd + 1..<count` when `hasRelease`.
    private let epochEnd: Int
    private let versionStart: Int
    private let versionEnd: Int
    private let hasRelease: Bool

    /// The epoch's digits as written, or "0" when there is none.
    public var epoch: String { epochEnd == 0 ? "0" : slice(0, epochEnd) }

    /// The version part, between the epoch's colon and the hyphen.
    public var version: String { slice(versionStart, versionEnd) }

    /// The release after the hyphen, or nil when there is none (which sorts below every release).
    public var release: String? { hasRelease ? slice(versionEnd + 1, text.utf8.count) : nil }

    /// The version exactly as it was parsed.
    public var description: String { text }

    private func slice(_ start: Int, _ end: Int) -> String {
        let utf8 = text.utf8
        return String(text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
    }

    // MARK: - Parsing

    init(validating string: String) throws(VersionError) {
        var text = string
        text.makeContiguousUTF8()
        var failure: String?
        var epochEnd = 0
        var versionStart = 0
        var versionEnd = 0
        var hasRelease = false
        text.withUTF8 { bytes in
            let count = bytes.count
            if count == 0 { failure = "version string is empty"; return }
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
                if colon == 0 || !bytes[..<colon].allSatisfy(Self.isDigit) {
                    failure = "epoch is not a number"
                    return
                }
                epochEnd = colon
                versionStart = colon + 1
            }
            versionEnd = count
            var dashes = 0
            for index in versionStart..<count where bytes[index] == UInt8(ascii: "-") {
                dashes += 1
                versionEnd = index
            }
            if dashes > 1 { failure = "more than one '-'"; return }
            hasRelease = dashes == 1
            if hasRelease && versionEnd == count - 1 { failure = "release is empty"; return }
            if versionEnd == versionStart { failure = "version is empty"; return }
            for index in versionStart..<count where index != versionEnd && !Self.isAllowed(bytes[index]) {
                failure = "invalid character in version or release"
                return
            }
        }
        if let failure { throw VersionError(scheme: "rpm", version: string, reason: failure) }
        self.text = text
        self.epochEnd = epochEnd
        self.versionStart = versionStart
        self.versionEnd = versionEnd
        self.hasRelease = hasRelease
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        isDigit(byte) || isAlpha(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "^")
    }

    // MARK: - Comparison

    /// Compares epoch, version and release as `rpm.labelCompare` does: -1, 0 or 1.
    public func compare(to other: RpmVersion) -> Int {
        var lhsText = text
        var rhsText = other.text
        return lhsText.withUTF8 { a in
            rhsText.withUTF8 { b in
                // Epochs are all digits, so rpmvercmp compares them as numbers; an empty run equals "0".
                var result = DigitRun.compare(a[0..<epochEnd], b[0..<other.epochEnd])
                if result != 0 { return result }
                result = Self.rpmvercmp(a, versionStart, versionEnd, b, other.versionStart, other.versionEnd)
                if result != 0 { return result }
                switch (hasRelease, other.hasRelease) {
                case (false, false): return 0
                case (false, true): return -1
                case (true, false): return 1
                case (true, true):
                    return Self.rpmvercmp(a, versionEnd + 1, a.count, b, other.versionEnd + 1, b.count)
                }
            }
        }
    }

    /// rpm's `rpmvercmp()` over `a[i..<aEnd]` and `b[j..<bEnd]`.
    private static func rpmvercmp(
        _ a: UnsafeBufferPointer<UInt8>, _ start1: Int, _ aEnd: Int,
        _ b: UnsafeBufferPointer<UInt8>, _ start2: Int, _ bEnd: Int
    ) -> Int {
        let tilde = UInt8(ascii: "~")
        let caret = UInt8(ascii: "^")
        var i = start1
        var j = start2
        while i < aEnd || j < bEnd {
            // Separators (anything but letters, digits, "~" and "^") only delimit segments.
            while i < aEnd && !isDigit(a[i]) && !isAlpha(a[i]) && a[i] != tilde && a[i] != caret { i += 1 }
            while j < bEnd && !isDigit(b[j]) && !isAlpha(b[j]) && b[j] != tilde && b[j] != caret { j += 1 }
            let x: UInt8 = i < aEnd ? a[i] : 0
            let y: UInt8 = j < bEnd ? b[j] : 0
            // "~" sorts before everything, even the end of the string.
            if x == tilde || y == tilde {
                if x != tilde { return 1 }
                if y != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            // "^" sorts after the end of the string but before anything else.
            if x == caret || y == caret {
                if i == aEnd { return -1 }
                if j == bEnd { return 1 }
                if x != caret { return 1 }
                if y != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            if i == aEnd || j == bEnd { break }
            var iEnd = i
            var jEnd = j
            if isDigit(x) {
                while iEnd < aEnd && isDigit(a[iEnd]) { iEnd += 1 }
                while jEnd < bEnd && isDigit(b[jEnd]) { jEnd += 1 }
                // A numeric segment is newer than an alphabetic one.
                if jEnd == j { return 1 }
                let result = DigitRun.compare(a[i..<iEnd], b[j..<jEnd])
                if result != 0 { return result }
            } else {
                while iEnd < aEnd && isAlpha(a[iEnd]) { iEnd += 1 }
                while jEnd < bEnd && isAlpha(b[jEnd]) { jEnd += 1 }
                if jEnd == j { return -1 }
                let result = compareBytes(a[i..<iEnd], b[j..<jEnd])
                if result != 0 { return result }
            }
            i = iEnd
            j = jEnd
        }
        if i == aEnd && j == bEnd { return 0 }
        return i == aEnd ? -1 : 1
    }

    /// `strcmp` on two letter runs: the first differing byte decides, else the shorter run is smaller.
    private static func compareBytes(_ a: Slice<UnsafeBufferPointer<UInt8>>, _ b: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Orders as `rpm.labelCompare` does.
    public static func < (lhs: RpmVersion, rhs: RpmVersion) -> Bool {
        lhs.compare(to: rhs) < 0
    }

    /// Equal when rpm orders them equal ("1.0" == "0:1.0" == "1_0"), not when the strings are equal.
    public static func == (lhs: RpmVersion, rhs: RpmVersion) -> Bool {
        lhs.compare(to: rhs) == 0
    }
}
