// Tokenising a Maven version the way ComparableVersion.parseVersion (Maven 3.8.7) does; see Maven.swift.

/// Builds the item tree of a ``MavenVersion`` from lower-cased UTF-16 code units, then flattens it.
struct MavenVersionBuilder {
    typealias Item = MavenVersion.Item

    /// Known qualifiers in order; their index is the rank ("" is the release itself).
    private static let qualifiers: [[UInt16]] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"].map {
        Array($0.utf16)
    }
    /// Aliases applied after the one-letter shorthands.
    private static let aliases: [([UInt16], [UInt16])] = [("ga", ""), ("final", ""), ("release", ""), ("cr", "rc")]
        .map { (Array($0.0.utf16), Array($0.1.utf16)) }

    private let text: [UInt16]
    /// Every list's items; a `.list` item's `start` is an index into `lists`. `lists[0]` is the root.
    private var lists: [[Item]] = [[]]
    private var current = 0
    /// The nesting depth of each list, and the deepest.
    private var depths: [Int32] = [0]
    private var maximumDepth: Int32 = 0
    private var digits: [UInt8] = []
    private var units: [UInt16] = []

    init(_ lowercased: [UInt16]) {
        self.text = lowercased
    }

    /// ComparableVersion.parseVersion: split, then normalise every list, innermost (latest created) first.
    mutating func parse() {
        var isDigit = false
        var start = 0
        for i in text.indices {
            let c = text[i]
            if c == 0x2E || c == 0x2D {  // "." or "-"
                if i == start {
                    add(Item(kind: .int, rank: 1, start: 0, end: 0))
                } else {
                    add(item(isDigit: isDigit, start..<i))
                }
                start = i + 1
                if c == 0x2D { openList() }
            } else if Self.digitValue(c) != nil {
                if !isDigit && i > start {
                    if !lists[current].isEmpty { openList() }
                    add(string(start..<i, followedByDigit: true))
                    start = i
                    openList()
                }
                isDigit = true
            } else {
                if isDigit && i > start {
                    add(item(isDigit: true, start..<i))
                    start = i
                    openList()
                }
                isDigit = false
            }
        }
        if text.count > start {
            if !isDigit && !lists[current].isEmpty { openList() }
            add(item(isDigit: isDigit, start..<text.count))
        }
        for index in lists.indices.reversed() {
            normalize(index)
        }
    }

    /// The tree as one array in which each list's children are contiguous, root first.
    func flatten() -> ([Item], [UInt8], [UInt16], Int32) {
        var flat = [Item(kind: .list, rank: 0, start: 1, end: Int32(1 + lists[0].count))]
        flat += lists[0]
        var next = 1
        while next < flat.count {
            if flat[next].kind == .list {
                let children = lists[Int(flat[next].start)]
                flat[next].start = Int32(flat.count)
                flat[next].end = Int32(flat.count + children.count)
                flat += children
            }
            next += 1
        }
        return (flat, digits, units, maximumDepth)
    }

    // MARK: - Items

    private mutating func add(_ item: Item) {
        lists[current].append(item)
    }

    /// `list.add(list = new ListItem())`: a new sub-list of the current list becomes current.
    private mutating func openList() {
        let index = lists.count
        lists.append([])
        add(Item(kind: .list, rank: 0, start: Int32(index), end: 0))
        depths.append(depths[current] + 1)
        maximumDepth = max(maximumDepth, depths[index])
        current = index
    }

    private mutating func item(isDigit: Bool, _ range: Range<Int>) -> Item {
        isDigit ? number(range) : string(range, followedByDigit: false)
    }

    /// parseItem(true, …): leading ASCII zeros dropped (all kept if all are zeros), the kind set by what remains.
    private mutating func number(_ range: Range<Int>) -> Item {
        var from = range.lowerBound
        while from < range.upperBound && text[from] == 0x30 { from += 1 }
        if from == range.upperBound { from = range.lowerBound }
        let length = range.upperBound - from
        let start = Int32(digits.count)
        var zero = true
        for i in from..<range.upperBound {
            let value = Self.digitValue(text[i]) ?? 0
            if value != 0 { zero = false }
            digits.append(UInt8(ascii: "0") + value)
        }
        let kind: Item.Kind = length <= 9 ? .int : (length <= 18 ? .long : .big)
        return Item(kind: kind, rank: zero ? 1 : 0, start: start, end: Int32(digits.count))
    }

    /// new StringItem(value, followedByDigit): shorthands, then aliases, then the qualifier rank.
    private mutating func string(_ range: Range<Int>, followedByDigit: Bool) -> Item {
        var value = Array(text[range])
        if followedByDigit && value.count == 1 {
            switch value[0] {
            case 0x61: value = Array("alpha".utf16)
            case 0x62: value = Array("beta".utf16)
            case 0x6D: value = Array("milestone".utf16)
            default: break
            }
        }
        if let alias = Self.aliases.first(where: { $0.0 == value }) { value = alias.1 }
        if let rank = Self.qualifiers.firstIndex(of: value) {
            return Item(kind: .string, rank: UInt8(rank), start: 0, end: 0)
        }
        let start = Int32(units.count)
        units += value
        return Item(kind: .string, rank: 7, start: start, end: Int32(units.count))
    }

    /// ListItem.normalize: from the end, drop null items; stop at the first non-null item that is not a list.
    private mutating func normalize(_ index: Int) {
        var list = lists[index]
        var i = list.count - 1
        while i >= 0 {
            let item = list[i]
            if isNull(item) {
                list.remove(at: i)
            } else if item.kind != .list {
                break
            }
            i -= 1
        }
        lists[index] = list
    }

    /// Zero, the release qualifier, or an (already normalised) empty list.
    private func isNull(_ item: Item) -> Bool {
        switch item.kind {
        case .int, .long, .big: return item.rank == 1
        case .string: return item.rank == 5
        case .list: return lists[Int(item.start)].isEmpty
        }
    }

    /// `Character.isDigit(char)` and its value: ASCII digits, and BMP characters of category Nd.
    static func digitValue(_ unit: UInt16) -> UInt8? {
        if unit &- 0x30 < 10 { return UInt8(unit - 0x30) }
        guard unit >= 0x80, let scalar = Unicode.Scalar(unit), scalar.properties.generalCategory == .decimalNumber,
              let value = scalar.properties.numericValue
        else { return nil }
        return UInt8(value)
    }
}
