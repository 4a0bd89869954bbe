import Foundation

/// The strict rules every JSON body meets before any decoder sees it, checked in one linear pass over the bytes:
/// valid UTF-8 throughout (RFC 8259 section 8.1), no lone surrogate escapes, no U+0000 in any string (storage
/// engines truncate or refuse it: it is refused here, with the field, rather than silently cut), no repeated member
/// name in one object (RFC 8259 section 4 leaves it to the receiver; decoders would keep the first or the last), and
/// nesting no deeper than a limit (RFC 8259 section 9). The grammar itself is left to the parser that follows: this
/// pass only tracks strings, brackets, colons and commas, so on malformed input it stays linear and at worst says
/// nothing.
public enum JSONInputCheck {
    /// Objects with more members than this check repeats through a set rather than by comparing names pairwise.
    static let pairwiseMembers = 16

    /// Throws the first violation in `bytes`.
    public static func check(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) throws(JSONInputViolation) {
        var pass = Pass(bytes: bytes, maxDepth: maxDepth)
        try pass.run()
    }

    /// Throws the first violation in `data`.
    public static func check(_ data: Data, maxDepth: Int) throws(JSONInputViolation) {
        let result: Result<Void, JSONInputViolation> = data.withUnsafeBytes { raw in
            do throws(JSONInputViolation) {
                try check(raw, maxDepth: maxDepth)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// A string's content range and what the pass learnt about it.
    struct StringSpan {
        var start: Int
        var end: Int
        /// Contains an escape or a non-ASCII byte: compared by decoded value, not by bytes.
        var needsDecoding: Bool
    }

    /// One open array or object.
    struct Frame {
        var isObject: Bool
        /// The element being read (arrays).
        var position = 0
        /// Where this object's names start in ``Pass/names`` (compared pairwise while few).
        var firstName: Int
        /// The member being read (objects), for paths.
        var lastName: StringSpan?
        /// The names seen, once the object has more than ``pairwiseMembers`` of them.
        var seen: Set<String>?
        /// The next string is a member name.
        var expectsName: Bool
    }

    struct Pass {
        let bytes: UnsafeRawBufferPointer
        let maxDepth: Int
        var index = 0
        var frames: [Frame] = []
        /// The member names of the open objects, innermost last.
        var names: [StringSpan] = []

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func run() throws(JSONInputViolation) {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let span = try scanString()
                    if let last = frames.indices.last, frames[last].isObject, frames[last].expectsName {
                        try noteName(span, in: last)
                        frames[last].expectsName = false
                    }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard frames.count < maxDepth else {
                        throw JSONInputViolation(kind: .tooDeep(maxDepth), offset: index, path: path())
                    }
                    let isObject = byte == UInt8(ascii: "{")
                    frames.append(Frame(isObject: isObject, firstName: names.count, expectsName: isObject))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if let frame = frames.popLast() { names.removeSubrange(frame.firstName...) }
                case UInt8(ascii: ","):
                    if let last = frames.indices.last {
                        if frames[last].isObject { frames[last].expectsName = true } else { frames[last].position += 1 }
                    }
                case 0x80...0xFF:
                    // Not valid JSON outside a string either way; the parser names it unless the bytes are not UTF-8.
                    index += try scalarLength(at: index)
                    continue
                default:
                    break
                }
                index += 1
            }
        }

        // MARK: - Strings

        /// Scans the string opening at `index`, leaving `index` past its closing quote.
        private mutating func scanString() throws(JSONInputViolation) -> StringSpan {
            index += 1
            var span = StringSpan(start: index, end: index, needsDecoding: false)
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    span.end = index
                    index += 1
                    return span
                case UInt8(ascii: "\\"):
                    span.needsDecoding = true
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                        try checkUnicodeEscape(span)
                    } else {
                        index += 2
                    }
                case 0x00:
                    throw JSONInputViolation(kind: .nul, offset: index, path: path())
                case 0x80...0xFF:
                    span.needsDecoding = true
                    index += try scalarLength(at: index)
                default:
                    index += 1
                }
            }
            span.end = bytes.count
            return span
        }

        /// Checks the `\uXXXX` escape at `index` (and the low half following a high surrogate), moving past it.
        private mutating func checkUnicodeEscape(_ span: StringSpan) throws(JSONInputViolation) {
            let start = index
            guard let value = hex(at: index + 2) else {
                index += 2  // the parser reports the bad escape
                return
            }
            index += 6
            switch value {
            case 0:
                throw JSONInputViolation(kind: .nul, offset: start, path: path())
            case 0xD800..<0xDC00:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                      let low = hex(at: index + 2), (0xDC00..<0xE000).contains(low)
                else { throw JSONInputViolation(kind: .loneSurrogate, offset: start, path: path()) }
                index += 6
            case 0xDC00..<0xE000:
                throw JSONInputViolation(kind: .loneSurrogate, offset: start, path: path())
            default:
                break
            }
        }

        private func hex(at offset: Int) -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[offset..<offset + 4] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// The length of the well-formed UTF-8 sequence at `offset` (Unicode 15, table 3-7), or a violation.
        private func scalarLength(at offset: Int) throws(JSONInputViolation) -> Int {
            let lead = bytes[offset]
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default: throw JSONInputViolation(kind: .invalidUTF8, offset: offset, path: path())
            }
            guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else {
                throw JSONInputViolation(kind: .invalidUTF8, offset: offset, path: path())
            }
            for continuation in offset + 2..<offset + length where !(0x80...0xBF).contains(bytes[continuation]) {
                throw JSONInputViolation(kind: .invalidUTF8, offset: offset, path: path())
            }
            return length
        }

        // MARK: - Member names

        /// Records `span` as a member name of the object `frame`, refusing a repeat.
        private mutating func noteName(_ span: StringSpan, in frame: Int) throws(JSONInputViolation) {
            let first = frames[frame].firstName
            if frames[frame].seen == nil, names.count - first < JSONInputCheck.pairwiseMembers {
                for earlier in names[first...] where equal(earlier, span) {
                    throw duplicate(span)
                }
                names.append(span)
            } else {
                // Taken out of the frame while inserting, so the set is uniquely referenced and not copied.
                var seen = frames[frame].seen ?? Set(names[first...].map { text($0) })
                frames[frame].seen = nil
                let inserted = seen.insert(text(span)).inserted
                frames[frame].seen = seen
                guard inserted else { throw duplicate(span) }
            }
            frames[frame].lastName = span
        }

        private func duplicate(_ span: StringSpan) -> JSONInputViolation {
            JSONInputViolation(kind: .duplicateKey(text(span)), offset: span.start - 1, path: path())
        }

        private func equal(_ left: StringSpan, _ right: StringSpan) -> Bool {
            if left.needsDecoding || right.needsDecoding { return text(left) == text(right) }
            let length = left.end - left.start
            guard length == right.end - right.start else { return false }
            return length == 0 || memcmp(bytes.baseAddress! + left.start, bytes.baseAddress! + right.start, length) == 0
        }

        private func text(_ span: StringSpan) -> String {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
            return span.needsDecoding ? JSONTree.unescape(slice) : String(decoding: slice, as: UTF8.self)
        }

        // MARK: - Paths

        /// `a.b[2].c` for the value being read (`$` at the top; the object itself while between members).
        private func path() -> String {
            var path = ""
            for (depth, frame) in frames.enumerated() {
                if !frame.isObject {
                    path += "[\(frame.position)]"
                    continue
                }
                if depth == frames.count - 1, frame.expectsName { break }
                guard let name = frame.lastName else { break }
                let shown = String(text(name).prefix(200))
                path += path.isEmpty ? shown : ".\(shown)"
            }
            return path.isEmpty ? "$" : path
        }
    }
}

/// A JSON body that breaks one of ``JSONInputCheck``'s rules: what, where (0-based byte offset), and in which field.
public struct JSONInputViolation: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule broken.
    public enum Kind: Equatable, Sendable {
        case invalidUTF8
        case loneSurrogate
        case nul
        /// The repeated member name.
        case duplicateKey(String)
        /// The depth limit.
        case tooDeep(Int)
    }

    /// The rule broken.
    public var kind: Kind
    /// The byte offset in the document.
    public var offset: Int
    /// The field: `a.b[2].c`, `$` for the document.
    public var path: String

    /// Creates a violation.
    public init(kind: Kind, offset: Int, path: String) {
        self.kind = kind
        self.offset = offset
        self.path = path
    }

    /// What is wrong, naming the byte offset.
    public var description: String {
        switch kind {
        case .invalidUTF8: "invalid UTF-8 at byte offset \(offset)"
        case .loneSurrogate: "a \\u escape at byte offset \(offset) is half of a surrogate pair (not a Unicode character)"
        case .nul: "contains U+0000 (NUL) at byte offset \(offset); NUL is not accepted in any string"
        case .duplicateKey(let key): "duplicate member name \"\(key.prefix(200))\" in \(path) at byte offset \(offset)"
        case .tooDeep(let limit): "JSON nesting deeper than the limit of \(limit) at byte offset \(offset)"
        }
    }

    /// The same, as an ``IngestError`` (a record inside an archive is rejected with it).
    public var ingestError: IngestError {
        switch kind {
        case .nul: IngestError.invalidDocument(description, path: path == "$" ? "" : path)
        default: IngestError(kind: .malformedJSON, path: "", message: "not accepted: \(description)")
        }
    }
}
