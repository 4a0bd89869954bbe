import Foundation

extension JSONTree {
    /// The validating single pass that fills a ``JSONTree`` (RFC 8259 grammar: sections 2-7).
    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        private(set) var nodes: [Node] = []
        var index = 0
        /// The containers being scanned, for error paths: node, member count (objects) or position of the element
        /// being read (arrays), last key node (objects).
        private var open: [(node: Int, members: Int, lastKey: Int?)] = []

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            nodes.reserveCapacity(bytes.count / 16 + 16)
        }

        private mutating func append(_ node: Node) -> Int {
            nodes.append(node)
            return nodes.count - 1
        }

        private mutating func finish(_ index: Int, count: Int) {
            nodes[index].next = UInt32(nodes.count)
            nodes[index].count = UInt32(count)
        }

        enum Failure: Error {
            case unexpected(Int)
            case endOfData
            case tooDeep(Int)
            case badEscape(Int)
            case controlCharacter(Int)
        }

        mutating func scanDocument() throws(Failure) {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            skipWhitespace()
            try scanValue()
            skipWhitespace()
            if index < bytes.count { throw .unexpected(index) }
        }

        // MARK: - Values

        private mutating func scanValue() throws(Failure) {
            guard index < bytes.count else { throw .endOfData }
            switch bytes[index] {
            case UInt8(ascii: "{"): try scanObject()
            case UInt8(ascii: "["): try scanArray()
            case UInt8(ascii: "\""): try scanString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
            case UInt8(ascii: "t"): try scanLiteral("true", kind: .bool)
            case UInt8(ascii: "f"): try scanLiteral("false", kind: .bool)
            case UInt8(ascii: "n"): try scanLiteral("null", kind: .null)
            default: throw .unexpected(index)
            }
        }

        private mutating func scanObject() throws(Failure) {
            guard open.count < JSONTree.maximumDepth else { throw .tooDeep(index) }
            let node = append(Node(kind: .object, hasEscape: false, start: UInt32(index), end: 0, next: 0, count: 0))
            open.append((node, 0, nil))
            index += 1
            skipWhitespace()
            if try peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    guard try peek() == UInt8(ascii: "\"") else { throw .unexpected(index) }
                    open[open.count - 1].lastKey = nodes.count
                    try scanString()
                    skipWhitespace()
                    guard try peek() == UInt8(ascii: ":") else { throw .unexpected(index) }
                    index += 1
                    skipWhitespace()
                    try scanValue()
                    open[open.count - 1].members += 1
                    skipWhitespace()
                    let byte = try peek()
                    index += 1
                    if byte == UInt8(ascii: "}") { break }
                    guard byte == UInt8(ascii: ",") else { throw .unexpected(index - 1) }
                    skipWhitespace()
                }
            }
            finish(node, count: open.removeLast().members)
        }

        private mutating func scanArray() throws(Failure) {
            guard open.count < JSONTree.maximumDepth else { throw .tooDeep(index) }
            let node = append(Node(kind: .array, hasEscape: false, start: UInt32(index), end: 0, next: 0, count: 0))
            open.append((node, 0, nil))
            index += 1
            skipWhitespace()
            var count = 0
            if try peek() == UInt8(ascii: "]") {
                index += 1
            } else {
                while true {
                    // `members` is the position of the element being read, for error paths.
                    open[open.count - 1].members = count
                    try scanValue()
                    count += 1
                    skipWhitespace()
                    let byte = try peek()
                    index += 1
                    if byte == UInt8(ascii: "]") { break }
                    guard byte == UInt8(ascii: ",") else { throw .unexpected(index - 1) }
                    skipWhitespace()
                }
            }
            open.removeLast()
            finish(node, count: count)
        }

        private mutating func scanString() throws(Failure) {
            index += 1
            let start = index
            var hasEscape = false
            while true {
                guard index < bytes.count else { throw .endOfData }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    hasEscape = true
                    guard index + 1 < bytes.count else { throw .endOfData }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 5 < bytes.count else { throw .endOfData }
                        for offset in 2...5 where !isHexDigit(bytes[index + offset]) { throw .badEscape(index) }
                        index += 6
                    default:
                        throw .badEscape(index)
                    }
                    continue
                }
                if byte < 0x20 { throw .controlCharacter(index) }
                index += 1
            }
            _ = append(Node(
                kind: .string, hasEscape: hasEscape, start: UInt32(start), end: UInt32(index),
                next: UInt32(nodes.count + 1), count: 0))
            index += 1
        }

        private mutating func scanNumber() throws(Failure) {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw .endOfData }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard isDigit(bytes[index]) else { throw .unexpected(index) }
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count else { throw .endOfData }
                guard isDigit(bytes[index]) else { throw .unexpected(index) }
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < bytes.count else { throw .endOfData }
                guard isDigit(bytes[index]) else { throw .unexpected(index) }
                skipDigits()
            }
            _ = append(Node(
                kind: .number, hasEscape: false, start: UInt32(start), end: UInt32(index),
                next: UInt32(nodes.count + 1), count: 0))
        }

        private mutating func scanLiteral(_ literal: StaticString, kind: Kind) throws(Failure) {
            let start = index
            let length = literal.utf8CodeUnitCount
            for offset in 0..<length {
                guard index + offset < bytes.count else { throw .endOfData }
                guard bytes[index + offset] == literal.utf8Start[offset] else { throw .unexpected(index + offset) }
            }
            index += length
            _ = append(Node(
                kind: kind, hasEscape: false, start: UInt32(start), end: UInt32(index),
                next: UInt32(nodes.count + 1), count: 0))
        }

        // MARK: - Bytes

        private func peek() throws(Failure) -> UInt8 {
            guard index < bytes.count else { throw .endOfData }
            return bytes[index]
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        private mutating func skipDigits() {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        private func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
        }

        // MARK: - Errors

        /// Describes a failure with its position and the path of the member being read.
        func ingestError(_ failure: Failure) -> IngestError {
            var path = ""
            for entry in open {
                if nodes[entry.node].kind == .array {
                    path += "[\(entry.members)]"
                } else if let key = entry.lastKey, key < nodes.count, nodes[key].kind == .string {
                    let name = JSONTree.string(of: nodes[key], in: bytes)
                    path += path.isEmpty ? name : ".\(name)"
                }
            }
            let message: String
            switch failure {
            case .endOfData:
                message = "unexpected end of data after \(bytes.count) bytes (truncated document?)"
            case .unexpected(let offset):
                let byte = bytes[offset]
                let shown = (0x20..<0x7F).contains(byte)
                    ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
                message = "unexpected \(shown) at \(position(offset))"
            case .tooDeep(let offset):
                message = "nesting deeper than \(JSONTree.maximumDepth) levels at \(position(offset))"
            case .badEscape(let offset):
                message = "invalid escape sequence at \(position(offset))"
            case .controlCharacter(let offset):
                message = "unescaped control character in a string at \(position(offset))"
            }
            return IngestError(kind: .malformedJSON, path: path, message: "not valid JSON: \(message)")
        }

        private func position(_ offset: Int) -> String {
            var line = 1
            var lineStart = 0
            for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0A {
                line += 1
                lineStart = position + 1
            }
            return "line \(line), column \(offset - lineStart + 1)"
        }
    }
}
