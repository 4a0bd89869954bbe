// Alpine package versions, as apk-tools 2.x (2.10–2.14, the `apk` of Alpine ≤ 3.22) validates and orders them.
//
// Follows apk-tools 2.x src/version.c (`apk_version_validate()`, `apk_version_compare()`): a version is a token
// stream `digits{.digits}[letter]{_suffix[digits]}[-rN]`, read by a small state machine where each separator
// decides the next token's type; see https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver
// Suffixes `_alpha`, `_beta`, `_pre`, `_rc` sort before the bare version, `_cvs`, `_svn`, `_git`, `_hg`, `_p` after.
// A number after "." that starts with zeros sorts by its count of leading zeros first ("1.01" < "1.1", "1.001" <
// "1.01"), as 2.x does.
//
// Deliberate deviations from apk-tools 2.x: none in ordering; a NUL byte ends the C string in apk-tools and is
// rejected here. apk-tools 3.0 (Alpine 3.23+) differs on leading zeros, digits after a letter, `~hash` (rejected
// here, as 2.x does), `-r` without digits and numbers of 18 or more digits (rejected here, as 2.x does).

/// The apk-tools 2.x version scheme used by Alpine Linux packages.
public struct ApkScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// The scheme's name, "apk".
    public var name: String { "apk" }

    /// Parses a version that `apk version --check` (apk-tools 2.x) accepts.
    public func parse(_ string: String) throws(VersionError) -> ApkVersion {
        try ApkVersion(validating: string)
    }
}

/// A parsed Alpine version: its apk-tools 2.x token stream, ordered as `apk_version_compare()` orders it.
public struct ApkVersion: Comparable, Sendable, CustomStringConvertible {
    /// Token types, in the order that apk-tools gives them: a separator may only move to a later type, with the
    /// three exceptions in `nextType`.
    enum Kind: UInt8, Comparable {
        case digitOrZero = 0, digit, letter, suffix, suffixNumber, revisionNumber, end

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One token: the type it was read as and its value, `small` first, then the digit run `start..<end` of `text`.
    /// `small` holds a letter's byte, a suffix's rank (negative for pre-releases) or minus the count of extra
    /// leading zeros; numbers are digit runs, never converted to integers.
    struct Token: Sendable {
        var kind: Kind
        var small: Int32
        var start: Int32
        var end: Int32
    }

    /// The version as given, with contiguous UTF-8.
    private let text: String
    private let tokens: [Token]

    /// The version exactly as it was parsed.
    public var description: String { text }

    // MARK: - Parsing

    private static let preReleaseSuffixes: [[UInt8]] = ["alpha", "beta", "pre", "rc"].map { Array($0.utf8) }
    private static let postReleaseSuffixes: [[UInt8]] = ["cvs", "svn", "git", "hg", "p"].map { Array($0.utf8) }

    init(validating string: String) throws(VersionError) {
        var text = string
        text.makeContiguousUTF8()
        let tokens = text.withUTF8 { Self.tokenize($0) }
        guard let tokens else { throw VersionError(scheme: "apk", version: string, reason: "invalid apk version") }
        self.text = text
        self.tokens = tokens
    }

    /// Reads the whole token stream, or nil where apk-tools' lexer reaches its invalid state.
    private static func tokenize(_ s: UnsafeBufferPointer<UInt8>) -> [Token]? {
        if s.isEmpty || s.contains(0) { return nil }
        var tokens: [Token] = []
        var kind = Kind.digit
        var p = 0
        while kind != .end {
            guard let (token, next, position) = readToken(kind, s, p) else { return nil }
            tokens.append(token)
            kind = next
            p = position
        }
        return tokens
    }

    /// `get_token()`: reads one token of type `kind` at `s[p]`, then the type of the token after it.
    private static func readToken(_ kind: Kind, _ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> (Token, Kind, Int)? {
        var token = Token(kind: kind, small: 0, start: Int32(p), end: Int32(p))
        // A separator at the very end announces a token that apk-tools reads as 0 ("1.0_" == "1.0_cvs", "1-r" == "1-r0").
        if p == s.count { return (token, .end, p) }
        var length = 0
        var forcedNext: Kind?
        switch kind {
        case .digitOrZero where s[p] == UInt8(ascii: "0"):
            // Extra leading zeros count against the number; the last zero is then read again as a plain number.
            while p + length + 1 < s.count && s[p + length + 1] == UInt8(ascii: "0") { length += 1 }
            token.small = -Int32(clamping: length)
            forcedNext = .digit
        case .digitOrZero, .digit, .suffixNumber, .revisionNumber:
            while p + length < s.count && isDigit(s[p + length]) { length += 1 }
            // apk-tools 2.x keeps numbers in a machine integer and rejects 18 digits or more.
            if length >= 18 { return nil }
            token.end = Int32(p + length)
        case .letter:
            token.small = Int32(s[p])
            length = 1
        case .suffix:
            guard let (rank, count) = suffix(s, p) else { return nil }
            token.small = rank
            length = count
        case .end:
            return nil
        }
        let position = p + length
        if position == s.count { return (token, .end, position) }
        if let forcedNext { return (token, forcedNext, position) }
        guard let (next, after) = nextType(kind, s, position) else { return nil }
        return (token, next, after)
    }

    /// The rank of the suffix name at `s[p]` (pre-releases negative) and its length.
    private static func suffix(_ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> (Int32, Int)? {
        for (index, name) in preReleaseSuffixes.enumerated() where hasPrefix(s, p, name) {
            return (Int32(index - preReleaseSuffixes.count), name.count)
        }
        for (index, name) in postReleaseSuffixes.enumerated() where hasPrefix(s, p, name) {
            return (Int32(index), name.count)
        }
        return nil
    }

    private static func hasPrefix(_ s: UnsafeBufferPointer<UInt8>, _ p: Int, _ name: [UInt8]) -> Bool {
        p + name.count <= s.count && s[p..<(p + name.count)].elementsEqual(name)
    }

    /// `next_token()`: the type announced by the separator at `s[p]` and the position after it.
    private static func nextType(_ kind: Kind, _ s: UnsafeBufferPointer<UInt8>, _ p: Int) -> (Kind, Int)? {
        let byte = s[p]
        var next: Kind
        var position = p
        if (kind == .digit || kind == .digitOrZero) && isLower(byte) {
            next = .letter
        } else if kind == .letter && isDigit(byte) {
            next = .digit
        } else if kind == .suffix && isDigit(byte) {
            next = .suffixNumber
        } else {
            switch byte {
            case UInt8(ascii: "."): next = .digitOrZero
            case UInt8(ascii: "_"): next = .suffix
            case UInt8(ascii: "-") where p + 1 < s.count && s[p + 1] == UInt8(ascii: "r"):
                next = .revisionNumber
                position += 1
            default: return nil
            }
            position += 1
        }
        // Types only move forward, except "." after digits, "_" after a suffix number and digits after a letter.
        if next < kind
            && !((next == .digitOrZero && kind == .digit) || (next == .suffix && kind == .suffixNumber)
                || (next == .digit && kind == .letter))
        {
            return nil
        }
        return (next, position)
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private static func isLower(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }

    // MARK: - Comparison

    /// Compares two versions as `apk_version_compare()` (apk-tools 2.x) does: -1, 0 or 1.
    public func compare(to other: ApkVersion) -> Int {
        var lhsText = text
        var rhsText = other.text
        return lhsText.withUTF8 { a in
            rhsText.withUTF8 { b in Self.compare(tokens, a, other.tokens, b) }
        }
    }

    private static func compare(_ x: [Token], _ a: UnsafeBufferPointer<UInt8>, _ y: [Token], _ b: UnsafeBufferPointer<UInt8>) -> Int {
        // Both streams start with a number; walk them while the types and values agree.
        var index = 0
        var nextX = Kind.digit
        var nextY = Kind.digit
        var result = 0
        while nextX == nextY && nextX != .end && result == 0 {
            result = value(x[index], a, y[index], b)
            index += 1
            nextX = index < x.count ? x[index].kind : .end
            nextY = index < y.count ? y[index].kind : .end
        }
        if result != 0 { return result }
        if nextX == nextY { return 0 }
        // Equal so far: the longer one is newer unless what follows is a pre-release suffix.
        if nextX == .suffix && x[index].small < 0 { return -1 }
        if nextY == .suffix && y[index].small < 0 { return 1 }
        return nextX > nextY ? -1 : 1
    }

    /// Compares two tokens of the same type: `small`, then the digit runs (numerically, via ``DigitRun``).
    @inline(__always)
    private static func value(_ s: Token, _ a: UnsafeBufferPointer<UInt8>, _ t: Token, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        if s.small != t.small { return s.small < t.small ? -1 : 1 }
        return DigitRun.compare(a[Int(s.start)..<Int(s.end)], b[Int(t.start)..<Int(t.end)])
    }

    /// Orders as apk-tools 2.x does.
    public static func < (lhs: ApkVersion, rhs: ApkVersion) -> Bool {
        lhs.compare(to: rhs) < 0
    }

    /// Equal when apk-tools orders them equal ("1.0_p01" == "1.0_p1"), not when the strings are equal.
    public static func == (lhs: ApkVersion, rhs: ApkVersion) -> Bool {
        lhs.compare(to: rhs) == 0
    }
}
