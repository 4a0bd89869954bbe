// Maven versions, as org.apache.maven.artifact.versioning.ComparableVersion of Maven 3.8.7 orders them.
//
// Spec: https://maven.apache.org/pom.html#version-order-specification
// Upstream: apache/maven tag maven-3.8.7, `maven-artifact/src/main/java/org/apache/maven/artifact/versioning/
// ComparableVersion.java` (the jar the oracle runs). Any string is a version. The lower-cased text splits into items
// at `.`, at `-` (which also opens a sub-list) and at letter/digit transitions (which open sub-lists too); digit runs
// become numbers of three kinds by length after leading zeros (≤ 9 int, ≤ 18 long, else big; a longer kind is always
// larger), letter runs become qualifiers: alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release
// < sp < any other string (those in code-unit order); `a`/`b`/`m` directly followed by a digit mean alpha/beta/
// milestone. Trailing null items (0, "", empty lists) are dropped from every list, innermost first. Comparison walks
// the lists item by item, a missing item comparing as null (`1.0 == 1`, `1-sp > 1`, `1-alpha < 1`).
//
// Deliberate deviations:
// - Java lower-cases Greek capital sigma to final sigma at the end of a word as the JDK's `BreakIterator` finds
//   words; here an approximation of its word rules decides. This only matters for unknown qualifiers with "Σ".
// - Java recurses while comparing and the oracle reports `StackOverflowError` for versions nested thousands of
//   levels deep; this comparison is iterative and answers.

/// Maven artifact versions ordered like Maven 3.8.7's `ComparableVersion`.
public struct MavenScheme: VersionScheme {
    /// Creates the scheme.
    public init() {}

    /// "maven".
    public var name: String { "maven" }

    /// Parses a Maven version. Every string is a version (`""` equals `"0"`), so this never throws.
    public func parse(_ string: String) throws(VersionError) -> MavenVersion {
        MavenVersion(string)
    }
}

/// A parsed Maven version: a tree of numbers, qualifiers and sub-lists.
public struct MavenVersion: Comparable, Sendable, CustomStringConvertible {
    /// One item of the flattened tree.
    struct Item: Sendable {
        enum Kind: UInt8, Sendable { case int, long, big, string, list }
        var kind: Kind
        /// Numbers: 1 when the value is zero. Strings: the qualifier rank 0...6, or 7 for another string.
        var rank: UInt8
        /// Numbers: digits of `digits`; other strings: code units of `units`; lists: child items of `items`.
        var start: Int32
        var end: Int32
    }

    /// The version string as given.
    public let description: String
    /// `items[0]` is the root list; each list's children are contiguous.
    private let items: [Item]
    /// The ASCII digits of every number, leading zeros dropped.
    private let digits: [UInt8]
    /// The UTF-16 code units of every string that is not a known qualifier.
    private let units: [UInt16]
    /// How deeply lists nest (the root list is depth 0).
    private let depth: Int32

    /// Parses `text`; every string is accepted.
    public init(_ text: String) {
        self.description = text
        var builder = MavenVersionBuilder(Self.javaLowercased(text))
        builder.parse()
        (items, digits, units, depth) = builder.flatten()
    }

    // MARK: - Ordering

    /// Compares with `other` like `ComparableVersion.compareTo`: -1, 0 or 1.
    public func compare(to other: MavenVersion) -> Int {
        items.withUnsafeBufferPointer { selfItems in
            other.items.withUnsafeBufferPointer { otherItems in
                digits.withUnsafeBufferPointer { selfDigits in
                    other.digits.withUnsafeBufferPointer { otherDigits in
                        let mine = Side(items: selfItems, digits: selfDigits, units: units)
                        let theirs = Side(items: otherItems, digits: otherDigits, units: other.units)
                        return Self.walk(mine, theirs, depth: Int(max(depth, other.depth)) + 1)
                    }
                }
            }
        }
    }

    /// One version's storage during a comparison.
    private struct Side {
        var items: UnsafeBufferPointer<Item>
        var digits: UnsafeBufferPointer<UInt8>
        var units: [UInt16]
    }

    /// A list being compared with a list of the other side (or with null): where its items are, how far it got.
    private struct Frame {
        var left: Item
        var right: Item?
        var index: Int32
        /// 1 when `left` belongs to the first version, -1 when to the second (Java's `-r.compareTo(null)`).
        var sign: Int
    }

    /// ListItem.compareTo without recursion: an explicit stack of the lists being walked.
    private static func walk(_ first: Side, _ second: Side, depth: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Frame.self, capacity: depth) { stack in
            stack[0] = Frame(left: first.items[0], right: second.items[0], index: 0, sign: 1)
            var top = 0
            while top >= 0 {
                let frame = stack[top]
                let (leftSide, rightSide) = frame.sign > 0 ? (first, second) : (second, first)
                let leftCount = frame.left.end - frame.left.start
                let rightCount = frame.right.map { $0.end - $0.start } ?? 0
                let i = frame.index
                if i >= max(leftCount, rightCount) {
                    top -= 1
                    continue
                }
                stack[top].index += 1
                let l = i < leftCount ? leftSide.items[Int(frame.left.start + i)] : nil
                let r = i < rightCount ? rightSide.items[Int(frame.right!.start + i)] : nil
                // Java: l == null ? -r.compareTo(null) : l.compareTo(r)
                let (x, xSide, y, ySide, sign) = l == nil
                    ? (r!, rightSide, nil as Item?, leftSide, -frame.sign)
                    : (l!, leftSide, r, rightSide, frame.sign)
                if x.kind == .list, y == nil || y!.kind == .list {
                    top += 1
                    stack[top] = Frame(left: x, right: y, index: 0, sign: sign)
                    continue
                }
                let c = compareItem(x, xSide, y, ySide)
                if c != 0 { return sign * c }
            }
            return 0
        }
    }

    /// Orders by ``compare(to:)``.
    public static func < (lhs: MavenVersion, rhs: MavenVersion) -> Bool { lhs.compare(to: rhs) < 0 }

    /// Equal in Maven's order (`1.0 == 1-ga`): agrees with ``compare(to:)``, unlike `ComparableVersion.equals`.
    public static func == (lhs: MavenVersion, rhs: MavenVersion) -> Bool { lhs.compare(to: rhs) == 0 }

    private static let releaseRank: UInt8 = 5

    /// One item against another that is not a list (or against null), as the Item classes' `compareTo` do.
    private static func compareItem(_ x: Item, _ xSide: Side, _ y: Item?, _ ySide: Side) -> Int {
        switch x.kind {
        case .int, .long, .big:
            guard let y else { return x.rank == 1 ? 0 : 1 }
            switch y.kind {
            case .int, .long, .big:
                if x.kind != y.kind { return x.kind.rawValue < y.kind.rawValue ? -1 : 1 }
                return DigitRun.compare(xSide.digits[Int(x.start)..<Int(x.end)], ySide.digits[Int(y.start)..<Int(y.end)])
            case .string, .list: return 1
            }
        case .string:
            guard let y else { return x.rank == releaseRank ? 0 : (x.rank < releaseRank ? -1 : 1) }
            switch y.kind {
            case .int, .long, .big, .list: return -1
            case .string:
                if x.rank != y.rank { return x.rank < y.rank ? -1 : 1 }
                if x.rank < 7 { return 0 }
                let a = xSide.units[Int(x.start)..<Int(x.end)]
                let b = ySide.units[Int(y.start)..<Int(y.end)]
                for (p, q) in zip(a, b) where p != q { return p < q ? -1 : 1 }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
        case .list:
            // A list against a number or a string (list-against-list is walked by `compare(to:)`).
            return y!.kind == .string ? 1 : -1
        }
    }

    // MARK: - Lower-casing

    /// `String.toLowerCase(Locale.ENGLISH)` as UTF-16 code units.
    static func javaLowercased(_ text: String) -> [UInt16] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.map { UInt16($0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0) }
        }
        let scalars = Array(text.unicodeScalars)
        var result: [UInt16] = []
        result.reserveCapacity(text.utf16.count)
        for (index, scalar) in scalars.enumerated() {
            if scalar.value == 0x03A3 {
                result.append(isFinalSigma(scalars, index) ? 0x03C2 : 0x03C3)
                continue
            }
            for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                result.append(contentsOf: String(lower).utf16)
            }
        }
        return result
    }

    /// Final sigma (Java's `ConditionalSpecialCasing`): a cased letter before it and none after it within its word,
    /// where a word is what the JDK's word `BreakIterator` keeps together: runs of letters and of digits, letters
    /// joined by `.`, `'`, `"`, `_` or a dash, digits by `.`, `'`, `"`, `,`; marks and format characters inside.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        enum Class { case letter, digit, ignorable, other }
        func kind(_ i: Int) -> Class {
            guard i >= 0 && i < scalars.count, scalars[i].value <= 0xFFFF else { return .other }
            switch scalars[i].properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spacingMark:
                return .letter
            case .decimalNumber, .letterNumber, .otherNumber: return .digit
            case .nonspacingMark, .enclosingMark, .format: return .ignorable
            default: return .other
            }
        }
        /// The nearest letter or digit from `i` stepping by `step` over ignorables.
        func neighbour(_ i: Int, _ step: Int) -> Class {
            var j = i
            while kind(j) == .ignorable { j += step }
            return kind(j)
        }
        func joins(_ i: Int) -> Bool {
            let v = scalars[i].value
            let before = neighbour(i - 1, -1)
            guard before == neighbour(i + 1, 1) else { return false }
            let midWord = v == 0x2E || v == 0x27 || v == 0x22 || v == 0xAD || v == 0x2027
                || [.dashPunctuation, .connectorPunctuation].contains(scalars[i].properties.generalCategory)
            let midNumber = v == 0x2E || v == 0x27 || v == 0x22 || v == 0x2C || v == 0x66B
            return (before == .letter && midWord) || (before == .digit && midNumber)
        }
        func inWord(_ i: Int) -> Bool { kind(i) != .other || (i > 0 && i < scalars.count - 1 && joins(i)) }
        func isCased(_ i: Int) -> Bool { scalars[i].properties.isCased }
        var before = false
        var i = index - 1
        while i >= 0 && inWord(i) {
            if isCased(i) { before = true; break }
            i -= 1
        }
        guard before else { return false }
        var j = index + 1
        while j < scalars.count && inWord(j) {
            if isCased(j) { return false }
            j += 1
        }
        return true
    }
}
