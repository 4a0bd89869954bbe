// Debian package versions, `[epoch:]upstream[-revision]`.
//
// Follows dpkg: validation as lib/dpkg/parsehelp.c `parseversion()`, ordering as lib/dpkg/version.c
// `dpkg_version_compare()` / `verrevcmp()` (the same order as `dpkg --compare-versions` and libapt-pkg), see
// https://www.debian.org/doc/debian-policy/ch-controlfields.html#version
//
// Deliberate deviations from dpkg:
// - What dpkg only warns about is rejected: a version whose upstream part does not start with a digit, and
//   characters outside `[A-Za-z0-9.+~:-]` (upstream) or `[A-Za-z0-9.+~]` (revision).
// - Surrounding or embedded blanks are rejected (dpkg trims them); the epoch must be plain ASCII digits (dpkg's
//   `strtol` also takes a sign).
// - A version without a revision equals the same version with revision "0" (as dpkg compares them); an empty
//   revision ("1.0-") is rejected, as dpkg does.

/// The dpkg version scheme used by Debian and Ubuntu packages.
public struct DpkgScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "dpkg".
    public var name: String { "dpkg" }

    /// Parses a Debian version, rejecting whatever dpkg rejects or warns about.
    public func parse(_ string: String) throws(VersionError) -> DpkgVersion {
        try DpkgVersion(validating: string)
    }
}

/// A parsed Debian version: epoch, upstream version and revision, ordered as dpkg orders them.
public struct DpkgVersion: Comparable, Sendable, CustomStringConvertible {
    /// The version as given, with contiguous UTF-8.
    private let text: String
    /// The epoch; dpkg itself stores it as an `int` and rejects values above `INT_MAX`, so it always fits.
    public let epoch: Int
    /// UTF-8 offsets of the upstream part.
    private let upstreamStart: Int
    private let upstreamEnd: Int
    /// Whether a `-revision` follows the upstream part (it starts at `upstreamEnd + 1`).
    private let hasRevision: Bool

    /// The upstream version: between the epoch's colon and the last hyphen.
    public var upstream: String {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: upstreamStart)
        let end = utf8.index(utf8.startIndex, offsetBy: upstreamEnd)
        return String(text[start..<end])
    }

    /// The Debian revision after the last hyphen, or "" when there is none (dpkg compares "" like "0").
    public var revision: String {
        guard hasRevision else { return "" }
        let utf8 = text.utf8
        return String(text[utf8.index(utf8.startIndex, offsetBy: upstreamEnd + 1)...])
    }

    /// The version exactly as it was parsed.
    public var description: String { text }

    // MARK: - Parsing

    init(validating string: String) throws(VersionError) {
        var text = string
        text.makeContiguousUTF8()
        let parts = text.withUTF8 { Self.split($0) }
        switch parts {
        case .failure(let reason):
            throw VersionError(scheme: "dpkg", version: string, reason: reason.rawValue)
        case .success(let split):
            self.text = text
            self.epoch = split.epoch
            self.upstreamStart = split.upstreamStart
            self.upstreamEnd = split.upstreamEnd
            self.hasRevision = split.hasRevision
        }
    }

    private struct Split {
        var epoch: Int
        var upstreamStart: Int
        var upstreamEnd: Int
        var hasRevision: Bool
    }

    private enum Failure: String, Error {
        case empty = "version string is empty"
        case epochEmpty = "epoch in version is empty"
        case epochNotNumber = "epoch in version is not a number"
        case epochTooBig = "epoch in version is too big"
        case nothingAfterColon = "nothing after colon in version number"
        case revisionEmpty = "revision number is empty"
        case upstreamEmpty = "upstream version is empty"
        case upstreamNotDigit = "version number does not start with digit"
        case upstreamCharacter = "invalid character in version number"
        case revisionCharacter = "invalid character in revision number"
    }

    /// The largest epoch dpkg accepts (`INT_MAX`), compared as a digit run so that long epochs cannot overflow.
    private static let maximumEpoch: [UInt8] = Array("2147483647".utf8)

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Split, Failure> {
        let count = bytes.count
        if count == 0 { return .failure(.empty) }
        var epoch = 0
        var start = 0
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let digits = bytes[..<colon]
            if digits.isEmpty { return .failure(.epochEmpty) }
            if !digits.allSatisfy(isDigit) { return .failure(.epochNotNumber) }
            if DigitRun.compare(digits, maximumEpoch) > 0 { return .failure(.epochTooBig) }
            for digit in digits.drop(while: { $0 == UInt8(ascii: "0") }) {
                epoch = epoch * 10 + Int(digit &- UInt8(ascii: "0"))
            }
            start = colon + 1
            if start == count { return .failure(.nothingAfterColon) }
        }
        var end = count
        var hasRevision = false
        if let dash = bytes[start...].lastIndex(of: UInt8(ascii: "-")) {
            if dash == count - 1 { return .failure(.revisionEmpty) }
            end = dash
            hasRevision = true
        }
        if end == start { return .failure(.upstreamEmpty) }
        if !isDigit(bytes[start]) { return .failure(.upstreamNotDigit) }
        for byte in bytes[start..<end] where !isUpstreamByte(byte) {
            return .failure(.upstreamCharacter)
        }
        if hasRevision {
            for byte in bytes[(end + 1)...] where !isRevisionByte(byte) {
                return .failure(.revisionCharacter)
            }
        }
        return .success(Split(epoch: epoch, upstreamStart: start, upstreamEnd: end, hasRevision: hasRevision))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 26
    }

    private static func isUpstreamByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "~")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }

    private static func isRevisionByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "~")
    }

    // MARK: - Comparison

    /// Compares two versions as `dpkg_version_compare()` does: -1, 0 or 1.
    public func compare(to other: DpkgVersion) -> Int {
        if epoch != other.epoch { return epoch < other.epoch ? -1 : 1 }
        var lhsText = text
        var rhsText = other.text
        return lhsText.withUTF8 { lhs in
            rhsText.withUTF8 { rhs in
                let result = Self.verrevcmp(
                    lhs, upstreamStart, upstreamEnd, rhs, other.upstreamStart, other.upstreamEnd)
                if result != 0 { return result }
                // A missing revision is the empty string, which dpkg orders like "0".
                let lhsStart = hasRevision ? upstreamEnd + 1 : lhs.count
                let rhsStart = other.hasRevision ? other.upstreamEnd + 1 : rhs.count
                return Self.verrevcmp(lhs, lhsStart, lhs.count, rhs, rhsStart, rhs.count)
            }
        }
    }

    /// dpkg's `order()`: digits and the end sort as 0, "~" before everything, letters before other characters.
    @inline(__always)
    private static func order(_ byte: UInt8) -> Int {
        if isDigit(byte) { return 0 }
        if (byte | 0x20) &- UInt8(ascii: "a") < 26 { return Int(byte) }
        if byte == UInt8(ascii: "~") { return -1 }
        return Int(byte) + 256
    }

    /// dpkg's `verrevcmp()` over `a[aStart..<aEnd]` and `b[bStart..<bEnd]`: alternating non-digit parts compared
    /// by `order()` and digit runs compared numerically (``DigitRun``).
    private static func verrevcmp(
        _ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ aEnd: Int,
        _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ bEnd: Int
    ) -> Int {
        var i = aStart
        var j = bStart
        while i < aEnd || j < bEnd {
            // Non-digit prefix: the end of a string orders like a digit (0).
            while (i < aEnd && !isDigit(a[i])) || (j < bEnd && !isDigit(b[j])) {
                let ac = i < aEnd ? order(a[i]) : 0
                let bc = j < bEnd ? order(b[j]) : 0
                if ac != bc { return ac < bc ? -1 : 1 }
                // Equal orders here mean the same non-digit byte on both sides, so neither is at its end.
                i += 1
                j += 1
            }
            var iEnd = i
            while iEnd < aEnd && isDigit(a[iEnd]) { iEnd += 1 }
            var jEnd = j
            while jEnd < bEnd && isDigit(b[jEnd]) { jEnd += 1 }
            let result = DigitRun.compare(a[i..<iEnd], b[j..<jEnd])
            if result != 0 { return result }
            i = iEnd
            j = jEnd
        }
        return 0
    }

    /// Orders as dpkg does.
    public static func < (lhs: DpkgVersion, rhs: DpkgVersion) -> Bool {
        lhs.compare(to: rhs) < 0
    }

    /// Equal when dpkg orders them equal ("1.0" == "0:1.0" == "1.0-0"), not when the strings are equal.
    public static func == (lhs: DpkgVersion, rhs: DpkgVersion) -> Bool {
        lhs.compare(to: rhs) == 0
    }
}
