import Foundation
import Testing
@testable import PatchTrackCore

/// Any JSON value, decoded only through the generic `Decoder` API, to compare decoders.
private enum AnyJSON: Decodable, Equatable {
    case object([String: AnyJSON])
    case array([AnyJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var object: [String: AnyJSON] = [:]
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(AnyJSON.self, forKey: key) }
            self = .object(object)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [AnyJSON] = []
            while !unkeyed.isAtEnd { array.append(try unkeyed.decode(AnyJSON.self)) }
            self = .array(array)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let bool = try? single.decode(Bool.self) {
                self = .bool(bool)
            } else if let number = try? single.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }
}

@Suite("JSONTreeDecoder")
struct JSONTreeDecoderTests {
    private func treeDecode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONTreeDecoder.decode(T.self, from: JSONTree(Data(text.utf8)))
    }

    @Test("decodes every real fixture to the same values as JSONDecoder", arguments: [
        "syft-cdx1.4-alpine3.16.2.json", "trivy-cdx1.7-fluentd-multiple-lockfiles.json",
        "syft-spdx2.2-alpine-latest.json", "syft-spdx2.3-kubectl-image.json", "syft-native-alpine3.12.json",
        "trivy-alpine-310.json", "trivy-centos-7.json", "trivy-debian-buster.json", "trivy-npm.json", "trivy-pip.json",
        "grype0.7-defectdojo-django-1.13.1-debian10.json", "grype0.66-keycloak-rhel9.json",
    ])
    func matchesJSONDecoder(name: String) throws {
        // given
        let data = try ScanFixtures.data(name)
        // when
        let reference = try JSONDecoder().decode(AnyJSON.self, from: data)
        let tree = try JSONTreeDecoder.decode(AnyJSON.self, from: JSONTree(data))
        // then
        #expect(tree == reference)
    }

    @Test("decodes escapes, surrogate pairs and numbers")
    func scalars() throws {
        let values = try treeDecode(
            [String].self, #"["a\"b\\c\/d", "\u00e9\ud83d\ude00", "line\nbreak\ttab", ""]"#)
        #expect(values == ["a\"b\\c/d", "é😀", "line\nbreak\ttab", ""])
        #expect(try treeDecode([Int].self, "[0, -12, 1e2, 3.0]") == [0, -12, 100, 3])
        #expect(try treeDecode([Double].self, "[0.5, -1.25e-3]") == [0.5, -0.00125])
        #expect(try treeDecode([Bool?].self, "[true, false, null]") == [true, false, nil])
    }

    @Test("rejects what RFC 8259 rejects", arguments: [
        #"{"a":1,}"#, "[1,]", "[01]", "[1.]", "[-]", #"["\x"]"#, "[\"a\u{01}\"]", "[1] 2", "{'a':1}", "[tru]",
        "", "   ", #"{"a" 1}"#, "[NaN]",
    ])
    func rejectsInvalid(text: String) {
        let error = #expect(throws: IngestError.self) { try JSONTree(Data(text.utf8)) }
        #expect(error?.kind == .malformedJSON)
    }

    @Test("reports where a truncated document stopped")
    func truncatedPath() {
        let error = #expect(throws: IngestError.self) {
            try JSONTree(Data(#"{"Results":[{"Target":"x"},{"Packages":[{"Name":"a"#.utf8))
        }
        #expect(error?.path == "Results[1].Packages[0].Name")
        #expect(error?.message.contains("unexpected end of data") == true)
    }

    @Test("reports line and column of a syntax error")
    func syntaxPosition() {
        let error = #expect(throws: IngestError.self) { try JSONTree(Data("{\n  \"a\": [1,\n  2 3]\n}".utf8)) }
        #expect(error?.message.contains("unexpected '3' at line 3, column 5") == true)
        #expect(error?.path == "a[1]")
    }

    @Test("refuses nesting deeper than the limit")
    func depthLimit() {
        let deep = String(repeating: "[", count: JSONTree.maximumDepth + 1) + String(repeating: "]", count: JSONTree.maximumDepth + 1)
        let error = #expect(throws: IngestError.self) { try JSONTree(Data(deep.utf8)) }
        #expect(error?.message.contains("nesting deeper than 512") == true)
        let allowed = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONTree(Data(allowed.utf8)) }
    }

    @Test("type errors carry the coding path of the offending value")
    func typeMismatchPath() {
        struct Inner: Decodable { var id: Int }
        struct Outer: Decodable { var items: [Inner] }
        #expect {
            try treeDecode(Outer.self, #"{"items":[{"id":1},{"id":"two"}]}"#)
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return IngestDecoding.render(context.codingPath) == "items[1].id"
        }
        #expect {
            try treeDecode(Outer.self, #"{"items":[{"id":1},{}]}"#)
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, let context) = error else { return false }
            return key.stringValue == "id" && IngestDecoding.render(context.codingPath) == "items[1]"
        }
    }

    @Test("numbers that do not fit the requested type are errors")
    func overflow() {
        #expect(throws: DecodingError.self) { try treeDecode([UInt8].self, "[256]") }
        #expect(throws: DecodingError.self) { try treeDecode([Int].self, "[1.5]") }
    }
}
