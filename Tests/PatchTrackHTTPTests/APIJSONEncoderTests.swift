import Foundation
import NIOCore
import Testing

@testable import PatchTrackHTTP

@Suite("API JSON encoder")
struct APIJSONEncoderTests {
    enum Kind: String, Codable { case image, repository }

    struct Inner: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double?
        var when: Date?
    }

    /// Every shape the DTOs use: nested objects, optionals present and absent, arrays of objects and of scalars,
    /// dictionaries, raw-value enums, dates, integers at their limits, doubles integral and not, and strings that need
    /// escaping (quotes, backslashes, control characters, slashes, non-ASCII, emoji).
    struct Zoo: Codable, Equatable {
        var text: String
        var empty: String
        var flag: Bool
        var off: Bool
        var small: Int
        var huge: Int64
        var tiny: Int64
        var unsigned: UInt64
        var whole: Double
        var fraction: Double
        var negative: Double
        var little: Double
        var big: Double
        var kind: Kind
        var absent: String?
        var present: String?
        var inner: Inner
        var inners: [Inner]
        var tags: [String]
        var none: [Int]
        var counts: [String: Int]
        var nothing: [String: String]
        var nested: [[Int]]
        var stamp: Date
    }

    static let zoo = Zoo(
        text: "quote \" backslash \\ slash / tab \t newline \n cr \r bell \u{07} nul-free \u{1F} del \u{7F} é ü 漢字 😇 \u{2028}",
        empty: "", flag: true, off: false, small: -42, huge: Int64.max, tiny: Int64.min, unsigned: UInt64.max,
        whole: 7, fraction: 0.1 + 0.2, negative: -2.5, little: 1e-7, big: 1.5e300, kind: .repository, absent: nil,
        present: "here",
        inner: Inner(name: "a", count: 1, ratio: 0.5, when: Date(timeIntervalSince1970: 1_700_000_000.123)),
        inners: [Inner(name: "b", count: 2, ratio: nil, when: nil), Inner(name: "c/d", count: 3, ratio: 100, when: nil)],
        tags: ["x", "y\"z"], none: [], counts: ["critical": 3, "high": 0, "low": 12, "medium": 5, "unknown": 1],
        nothing: [:], nested: [[1, 2], [], [3]], stamp: Date(timeIntervalSince1970: 1_800_000_000))

    @Test("writes byte for byte what the API's JSONEncoder writes")
    func sameBytesAsFoundation() throws {
        let ours = try APIJSONEncoder().encode(Self.zoo)
        let foundation = try APICoding.encoder.encode(Self.zoo)
        #expect(String(buffer: ours) == String(decoding: foundation, as: UTF8.self))
        // and it reads back to the same value
        #expect(try APICoding.decoder.decode(Zoo.self, from: Data(ours.readableBytesView)) == Self.zoo)
    }

    @Test("scalars and arrays at the top level, and a key written twice keeps the last value")
    func topLevelAndDuplicates() throws {
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: AnyKey.self)
                try container.encode(1, forKey: AnyKey("b"))
                try container.encode("first", forKey: AnyKey("a"))
                try container.encode("last", forKey: AnyKey("a"))
            }
        }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        #expect(String(buffer: try APIJSONEncoder().encode(Twice())) == #"{"a":"last","b":1}"#)
        #expect(String(buffer: try APIJSONEncoder().encode("a/b")) == String(decoding: try APICoding.encoder.encode("a/b"), as: UTF8.self))
        #expect(String(buffer: try APIJSONEncoder().encode([1.0, 2.25])) == "[1,2.25]")
        #expect(throws: EncodingError.self) { try APIJSONEncoder().encode([Double.nan]) }
    }
}
