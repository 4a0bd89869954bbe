import Foundation

/// A validated JSON document as a flat array of nodes in document order, for ``JSONTreeDecoder``.
///
/// One pass over the bytes checks the RFC 8259 grammar and records, for every value, its kind, its byte range and
/// (for objects and arrays) the index just past its last descendant, so that any value can be skipped in O(1).
/// Object members are laid out as key node, value node, key node, ... Nothing is materialised (no strings, no
/// dictionaries) until a decoder asks for it, which is what makes this several times faster than building a full
/// JSON value tree for documents of many small objects (CycloneDX properties).
///
/// Deviations from RFC 8259: invalid UTF-8 inside strings is replaced with U+FFFD rather than rejected; nesting
/// deeper than ``maximumDepth`` is refused (a denial-of-service guard, as RFC 8259 section 9 permits).
final class JSONTree {
    enum Kind: UInt8 {
        case object, array, string, number, bool, null
    }

    struct Node {
        var kind: Kind
        /// True for strings containing a backslash escape.
        var hasEscape: Bool
        /// Byte offset of the value's first content byte (after the quote for strings).
        var start: UInt32
        /// Byte offset just past the content (before the closing quote for strings); unused for containers.
        var end: UInt32
        /// Index of the node after this value's subtree.
        var next: UInt32
        /// Number of members (objects) or elements (arrays).
        var count: UInt32
    }

    /// The deepest nesting accepted.
    static let maximumDepth = 512

    let bytes: UnsafeRawBufferPointer
    /// The copy this tree owns, when it was made from `Data`; nil when it borrows its bytes.
    private let owned: UnsafeMutableRawBufferPointer?
    let nodes: [Node]
    /// Lookup tables for large containers, built on first use (see JSONTree+Index.swift).
    var indexes = Indexes()

    /// Scans a copy of `data`; the tree may outlive `data`.
    init(_ data: Data) throws(IngestError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 1)
        data.copyBytes(to: copy)
        let view = UnsafeRawBufferPointer(rebasing: copy[0..<data.count])
        do {
            nodes = try Self.scan(view)
        } catch {
            copy.deallocate()
            throw error
        }
        bytes = view
        owned = copy
    }

    /// Scans `bytes` in place, without a copy: a large posted document is not held twice. The caller keeps the
    /// bytes alive and unchanged for as long as it uses the tree (see ``IngestDecoding``).
    init(borrowing bytes: UnsafeRawBufferPointer) throws(IngestError) {
        nodes = try Self.scan(bytes)
        self.bytes = bytes
        owned = nil
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer) throws(IngestError) -> [Node] {
        var scanner = Scanner(bytes: bytes)
        do {
            try scanner.scanDocument()
        } catch {
            throw scanner.ingestError(error)
        }
        return scanner.nodes
    }

    deinit {
        owned?.deallocate()
    }

    // MARK: - Reading nodes

    /// The decoded text of a string node.
    func string(at index: Int) -> String {
        Self.string(of: nodes[index], in: UnsafeRawBufferPointer(bytes))
    }

    /// The decoded text of a string node over `bytes`.
    static func string(of node: Node, in bytes: UnsafeRawBufferPointer) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)])
        return node.hasEscape ? unescape(slice) : String(decoding: slice, as: UTF8.self)
    }

    /// True when the string node at `index` equals `key` (raw byte comparison unless it has escapes).
    func stringEquals(_ index: Int, _ key: String) -> Bool {
        let node = nodes[index]
        if node.hasEscape { return string(at: index) == key }
        let length = Int(node.end - node.start)
        var key = key
        return key.withUTF8 { utf8 in
            guard utf8.count == length else { return false }
            return length == 0 || memcmp(bytes.baseAddress! + Int(node.start), utf8.baseAddress!, length) == 0
        }
    }

    /// True when the string node at `index` starts with `prefix` (decoding it first only if it has escapes).
    func stringHasPrefix(_ index: Int, _ prefix: String) -> Bool {
        let node = nodes[index]
        if node.hasEscape { return string(at: index).hasPrefix(prefix) }
        let length = Int(node.end - node.start)
        var prefix = prefix
        return prefix.withUTF8 { utf8 in
            guard utf8.count <= length else { return false }
            return utf8.isEmpty || memcmp(bytes.baseAddress! + Int(node.start), utf8.baseAddress!, utf8.count) == 0
        }
    }

    /// The raw text of a scalar node (numbers, literals).
    func rawText(at index: Int) -> String {
        let node = nodes[index]
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)]), as: UTF8.self)
    }

    /// The node indices of an object's members as (key, value) pairs.
    func members(of index: Int) -> [(key: Int, value: Int)] {
        var result: [(key: Int, value: Int)] = []
        var cursor = index + 1
        for _ in 0..<Int(nodes[index].count) {
            result.append((cursor, cursor + 1))
            cursor = Int(nodes[cursor + 1].next)
        }
        return result
    }

    // MARK: - Escapes

    static func unescape(_ raw: UnsafeRawBufferPointer) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hexValue(raw, index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 5 < raw.count, raw[index] == UInt8(ascii: "\\"),
                   raw[index + 1] == UInt8(ascii: "u") {
                    let low = hexValue(raw, index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                output.append(contentsOf: Array(String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: output.append(escape)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ raw: UnsafeRawBufferPointer, _ start: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 where start + offset < raw.count {
            let byte = raw[start + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: digit = 0
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// The coding keys a ``JSONTree`` path is made of: member names and array positions.
struct JSONTreeKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        self.init(index: intValue)
    }

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }
}
