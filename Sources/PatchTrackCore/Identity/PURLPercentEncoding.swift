// Percent-encoding as the purl specification's "Character encoding" clause defines it
// (docs/specification/standard/specification.md): RFC 3986 section 2.1 triplets over UTF-8, where the allowed set is
// the alphanumerics and `.-_~`, and the colon is never encoded.

import Foundation

/// Percent-encoding and decoding of purl components.
enum PURLPercentEncoding {
    /// Encodes every byte outside `[A-Za-z0-9.-_~:]` as `%XX` (uppercase hex).
    static func encode(_ string: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if isUnencoded(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` triplets; a `%` without two hex digits or bytes that are not UTF-8 are an error.
    static func decode(_ text: Substring) throws(PURLError) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidPercentEncoding(String(text))
            }
            out.append(high << 4 | low)
        }
        // `String(bytes:encoding:)` rather than `String(validating:as:)`, which needs macOS 15.
        guard let decoded = String(bytes: out, encoding: .utf8) else {
            throw .invalidPercentEncoding(String(text))
        }
        return decoded
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnencoded(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
