// Composer (Packagist) package versions, as composer/semver normalises and compares them.
//
// Follows composer/semver 3.3 (the reference the oracle runs): `VersionParser::normalize` (src/VersionParser.php,
// see ComposerVersion+Normalize.swift), then `Comparator` (src/Comparator.php, src/Constraint/Constraint.php
// `versionCompare`), which hands the normalised strings to PHP's `version_compare` (php-src
// ext/standard/versioning.c):
// - the normalised string is split into runs of digits and runs of letters; "-", "_", "+", "." and any other
//   character only separate them;
// - digit runs compare as numbers; PHP reads them with `strtol`, which saturates at 9223372036854775807, so larger
//   runs compare equal to that value (digit runs are still compared as strings, never converted);
// - letter runs rank by prefix: "dev" < "alpha"/"a" < "beta"/"b" < "RC"/"rc" < "#" < "pl"/"p", anything else below
//   "dev"; a digit run against letters ranks as "#"; when one side runs out, a following digit run is greater and
//   a following letter run compares with "#";
// - dev branches ("dev-foo", also "master", "trunk", "default") sort below every numeric version.
//
// Deliberate deviations from composer/semver:
// - Two different dev branches are incomparable in Composer (`Comparator` answers false to <, == and >); here they
//   order bytewise by their normalised names, so that the order is total. Equal names are equal, as in Composer.
// - Surrounding blanks (PHP `trim` characters) are rejected; `normalize` trims them. The differential oracle
//   rejects them too.

/// The Composer version scheme (composer/semver `VersionParser::normalize` + `Comparator`).
public struct ComposerScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "composer".
    public var name: String { "composer" }

    /// Parses a Composer version, rejecting what `VersionParser::normalize` rejects (and surrounding blanks).
    public func parse(_ string: String) throws(VersionError) -> ComposerVersion {
        try ComposerVersion(validating: string)
    }
}

/// A parsed Composer version: its normalised form, ordered as composer/semver's `Comparator` orders it.
public struct ComposerVersion: Comparable, Sendable, CustomStringConvertible {
    /// A run of digits (`rank == numberRank`) or letters (ranked as PHP's special version forms) in `storage`.
    struct Token: Sendable {
        var start: Int32
        var end: Int32
        var rank: Int8
    }

    /// The version exactly as it was parsed.
    public let description: String
    /// The version as `VersionParser::normalize` writes it ("1.2" → "1.2.0.0", "1.0RC1" → "1.0.0.0-RC1").
    public let normalized: String
    /// Whether this is a dev branch ("dev-..."), which `Comparator` does not compare numerically.
    public let isBranch: Bool
    /// Digit runs (leading zeros dropped, saturated as `strtol` does) and letter runs; for a branch, its name.
    private let storage: [UInt8]
    private let tokens: [Token]

    static let numberRank: Int8 = 4

    init(validating string: String) throws(VersionError) {
        let bytes = Array(string.utf8)
        if let first = bytes.first, let last = bytes.last, Self.isTrimmed(first) || Self.isTrimmed(last) {
            throw VersionError(scheme: "composer", version: string, reason: "surrounding blanks")
        }
        guard let normalized = Self.normalize(bytes[...]) else {
            throw VersionError(scheme: "composer", version: string, reason: "invalid version string (VersionParser::normalize)")
        }
        self.description = string
        self.normalized = String(decoding: normalized, as: UTF8.self)
        if normalized.starts(with: Self.devPrefix) {
            self.isBranch = true
            self.storage = normalized
            self.tokens = []
            return
        }
        self.isBranch = false
        var storage: [UInt8] = []
        storage.reserveCapacity(normalized.count)
        var tokens: [Token] = []
        var i = 0
        while i < normalized.count {
            let c = normalized[i]
            if Self.isDigit(c) {
                var j = i
                while j < normalized.count, Self.isDigit(normalized[j]) { j += 1 }
                var digits = normalized[i..<j]
                while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
                if DigitRun.compare(digits, Self.longMax) > 0 { digits = Self.longMax[...] }
                let start = Int32(storage.count)
                storage.append(contentsOf: digits)
                tokens.append(Token(start: start, end: Int32(storage.count), rank: Self.numberRank))
                i = j
            } else if Self.isLetter(c) {
                var j = i
                while j < normalized.count, Self.isLetter(normalized[j]) { j += 1 }
                let start = Int32(storage.count)
                storage.append(contentsOf: normalized[i..<j])
                tokens.append(Token(start: start, end: Int32(storage.count), rank: Self.specialRank(normalized[i..<j])))
                i = j
            } else {
                i += 1
            }
        }
        self.storage = storage
        self.tokens = tokens
    }

    /// PHP's `trim` characters: space, \t, \n, \r, \0, \x0B.
    static func isTrimmed(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x00 || c == 0x0B
    }

    static let devPrefix = Array("dev-".utf8)
    /// `LONG_MAX` on the 64-bit platforms PHP runs on: where `strtol` saturates.
    private static let longMax = Array("9223372036854775807".utf8)

    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- UInt8(ascii: "a") < 26 }

    /// `compare_special_version_forms`: the first of dev, alpha, a, beta, b, RC, rc, #, pl, p that prefixes the
    /// run gives its rank; anything else ranks -1.
    private static func specialRank(_ run: ArraySlice<UInt8>) -> Int8 {
        for (form, rank) in specialForms where run.starts(with: form) { return rank }
        return -1
    }

    private static let specialForms: [([UInt8], Int8)] = [
        ("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3), ("rc", 3), ("#", 4), ("pl", 5), ("p", 5),
    ].map { (Array($0.0.utf8), Int8($0.1)) }

    // MARK: - Ordering

    /// `Comparator` on the normalised strings: -1, 0 or 1.
    static func order(_ lhs: ComposerVersion, _ rhs: ComposerVersion) -> Int {
        switch (lhs.isBranch, rhs.isBranch) {
        case (true, true):
            return lhs.storage.lexicographicallyPrecedes(rhs.storage) ? -1 : (lhs.storage == rhs.storage ? 0 : 1)
        case (true, false): return -1
        case (false, true): return 1
        case (false, false): break
        }
        return lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                let l = lhs.tokens, r = rhs.tokens
                let shared = min(l.count, r.count)
                var i = 0
                while i < shared {
                    let x = l[i], y = r[i]
                    i += 1
                    let c: Int
                    if x.rank == numberRank && y.rank == numberRank {
                        c = DigitRun.compare(
                            UnsafeBufferPointer(rebasing: a[Int(x.start)..<Int(x.end)]),
                            UnsafeBufferPointer(rebasing: b[Int(y.start)..<Int(y.end)]))
                    } else {
                        c = x.rank == y.rank ? 0 : (x.rank < y.rank ? -1 : 1)
                    }
                    if c != 0 { return c }
                }
                // One side has more runs: a digit run beats the end, a letter run compares with "#".
                if l.count > shared { return tail(l[shared...]) }
                if r.count > shared { return -tail(r[shared...]) }
                return 0
            }
        }
    }

    /// `php_version_compare(rest, "#N#")` for the runs left over on one side.
    private static func tail(_ rest: ArraySlice<Token>) -> Int {
        // Letter runs never rank as "#" ("#" is not a letter), so the first leftover run decides.
        guard let first = rest.first else { return 0 }
        return first.rank == numberRank || first.rank > 4 ? 1 : -1
    }

    /// Ordered as composer/semver's `Comparator::lessThan`.
    public static func < (lhs: ComposerVersion, rhs: ComposerVersion) -> Bool { order(lhs, rhs) < 0 }

    /// Equal when `Comparator::equalTo` holds ("1.0" == "1.0.0", "1.0RC1" == "1.0-rc.1").
    public static func == (lhs: ComposerVersion, rhs: ComposerVersion) -> Bool { order(lhs, rhs) == 0 }
}
