import Foundation

/// A cheap look at a JSON document's top-level object: its keys in order, and the values of short string members.
///
/// Format detection needs only a few top-level keys, so this walks the bytes once without building values, and
/// stops as soon as `isDecisive` says a key settles the question. Nested values are skipped by bracket depth with
/// string awareness (RFC 8259 section 7: a string ends at an unescaped quote). It does not validate everything it
/// skips; the real decoder does that afterwards.
struct JSONTopLevelPeek {
    /// Top-level keys seen, in document order (up to the decisive one).
    var keys: [String] = []
    /// Top-level members whose value is a string, by key.
    var stringValues: [String: String] = [:]
    /// True when the top-level value is an array rather than an object.
    var isArray = false

    /// Peeks at `data`, stopping early once `isDecisive(key)` returns true for a key (after reading its value).
    static func peek(_ data: Data, stopAt isDecisive: (String) -> Bool) -> Result<JSONTopLevelPeek, IngestError> {
        data.withUnsafeBytes { raw -> Result<JSONTopLevelPeek, IngestError> in
            var scanner = Scanner(bytes: raw)
            return scanner.run(stopAt: isDecisive)
        }
    }

    // MARK: - Scanner

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        private enum Failure: Error {
            case unexpected(Int)
            case endOfData
        }

        mutating func run(stopAt isDecisive: (String) -> Bool) -> Result<JSONTopLevelPeek, IngestError> {
            var result = JSONTopLevelPeek()
            do {
                // A UTF-8 byte order mark is tolerated, as most JSON readers do.
                if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
                skipWhitespace()
                guard index < bytes.count else { throw Failure.endOfData }
                switch bytes[index] {
                case UInt8(ascii: "["):
                    result.isArray = true
                    return .success(result)
                case UInt8(ascii: "{"):
                    index += 1
                default:
                    throw Failure.unexpected(index)
                }
                skipWhitespace()
                if try peekByte() == UInt8(ascii: "}") { return .success(result) }
                while true {
                    skipWhitespace()
                    guard try peekByte() == UInt8(ascii: "\"") else { throw Failure.unexpected(index) }
                    let key = try readString()
                    skipWhitespace()
                    guard try peekByte() == UInt8(ascii: ":") else { throw Failure.unexpected(index) }
                    index += 1
                    skipWhitespace()
                    if try peekByte() == UInt8(ascii: "\"") {
                        let value = try readString()
                        if value.count <= 256 { result.stringValues[key] = value }
                    } else {
                        try skipValue()
                    }
                    result.keys.append(key)
                    if isDecisive(key) { return .success(result) }
                    skipWhitespace()
                    switch try peekByte() {
                    case UInt8(ascii: ","): index += 1
                    case UInt8(ascii: "}"): return .success(result)
                    default: throw Failure.unexpected(index)
                    }
                }
            } catch Failure.endOfData {
                return .failure(IngestError(
                    kind: .malformedJSON, path: "",
                    message: "unexpected end of data after \(bytes.count) bytes (truncated document?)"))
            } catch Failure.unexpected(let offset) {
                let byte = bytes[offset]
                let shown = (0x20..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x"
                    + String(byte, radix: 16)
                return .failure(IngestError(
                    kind: .malformedJSON, path: "",
                    message: "not valid JSON: unexpected \(shown) at byte offset \(offset)"))
            } catch {
                return .failure(IngestError(kind: .malformedJSON, path: "", message: "not valid JSON"))
            }
        }

        private func peekByte() throws(Failure) -> UInt8 {
            guard index < bytes.count else { throw .endOfData }
            return bytes[index]
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Reads a string starting at the opening quote; escapes are decoded only for the common single-character
        /// forms, which is all that top-level keys and format markers use.
        private mutating func readString() throws(Failure) -> String {
            index += 1
            let start = index
            var hasEscape = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    hasEscape = true
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    let text = String(decoding: slice, as: UTF8.self)
                    return hasEscape ? Self.unescape(text) : text
                }
                index += 1
            }
            throw .endOfData
        }

        private static func unescape(_ text: String) -> String {
            var output = ""
            var iterator = text.makeIterator()
            while let character = iterator.next() {
                guard character == "\\", let next = iterator.next() else {
                    output.append(character)
                    continue
                }
                switch next {
                case "n": output.append("\n")
                case "t": output.append("\t")
                case "r": output.append("\r")
                default: output.append(next)
                }
            }
            return output
        }

        /// Skips one value that is not a string: an object or array by depth, or a scalar to its delimiter.
        private mutating func skipValue() throws(Failure) {
            let first = try peekByte()
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                        if index == start { throw .unexpected(index) }
                        return
                    default: index += 1
                    }
                }
                throw .endOfData
            }
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    index += 1
                    if depth == 0 { return }
                case UInt8(ascii: "\""):
                    _ = try skipString()
                default:
                    index += 1
                }
            }
            throw .endOfData
        }

        private mutating func skipString() throws(Failure) -> Int {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return index
                default: index += 1
                }
            }
            throw .endOfData
        }
    }
}
