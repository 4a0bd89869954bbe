import Foundation
import NIOCore
import PatchTrackCore

/// The API's JSON encoder for responses: what ``APICoding/encoder`` writes (keys sorted, absent optionals left out,
/// `/` unescaped, dates as ``Timestamp`` writes them), built for speed. `JSONEncoder` builds a tree of boxed values
/// with a dictionary per object, then sorts and serialises it; on a 100-finding page that was twice the cost of the
/// database reads. This one records each object's members in order as an array, sorts them once while writing, and
/// writes straight into the response's byte buffer.
///
/// Keys are sorted by their UTF-8 bytes (`JSONEncoder` compares digit runs as numbers; no API key has digits where
/// that differs). Numbers: integers in decimal, doubles in their shortest form without a trailing `.0`.
struct APIJSONEncoder {
    func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        let node = try Self.node(of: value)
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        try node.write(into: &buffer)
        return buffer
    }

    /// `value` as a node: scalars directly, everything else through its `encode(to:)`.
    static func node<T: Encodable>(of value: T) throws -> JSONNode {
        switch value {
        case let text as String: return .string(text)
        case let number as Int: return .integer(Int64(number))
        case let number as Int64: return .integer(number)
        case let flag as Bool: return .bool(flag)
        case let number as Double: return try .double(number)
        case let date as Date: return .string(Timestamp.format(date))
        default:
            let encoder = NodeEncoder()
            try value.encode(to: encoder)
            return encoder.node ?? .object(JSONObject())
        }
    }
}

/// One encoded value. Objects and arrays are references: containers handed out by an encoder fill them afterwards.
enum JSONNode {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case number(String)
    case string(String)
    case object(JSONObject)
    case array(JSONArray)
    /// A `superEncoder`'s value, known once its user is done.
    case encoder(NodeEncoder)

    static func double(_ value: Double) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) is not a JSON number"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }

    func write(into buffer: inout ByteBuffer) throws {
        switch self {
        case .null: buffer.writeStaticString("null")
        case .bool(let flag): buffer.writeStaticString(flag ? "true" : "false")
        case .integer(let number): buffer.writeString(String(number))
        case .unsigned(let number): buffer.writeString(String(number))
        case .number(let text): buffer.writeString(text)
        case .string(let text): buffer.writeJSONString(text)
        case .object(let object):
            buffer.writeInteger(UInt8(ascii: "{"))
            // Stable by key; of members written twice under one key the last counts, as in `JSONEncoder`.
            let order = object.members.indices.sorted {
                let (left, right) = (object.members[$0].key, object.members[$1].key)
                return left == right ? $0 < $1 : left.utf8.lexicographicallyPrecedes(right.utf8)
            }
            var first = true
            for (position, index) in order.enumerated() {
                let member = object.members[index]
                if position + 1 < order.count, object.members[order[position + 1]].key == member.key { continue }
                if !first { buffer.writeInteger(UInt8(ascii: ",")) }
                first = false
                buffer.writeJSONString(member.key)
                buffer.writeInteger(UInt8(ascii: ":"))
                try member.value.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        case .array(let array):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, item) in array.items.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                try item.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .encoder(let encoder):
            try (encoder.node ?? .object(JSONObject())).write(into: &buffer)
        }
    }
}

final class JSONObject {
    var members: [(key: String, value: JSONNode)] = []
}

final class JSONArray {
    var items: [JSONNode] = []
}

/// The `Encoder` a value's `encode(to:)` writes into; its first container decides the node. Coding paths are not
/// tracked (only a non-finite double can fail, and its message names the value).
final class NodeEncoder: Encoder {
    var node: JSONNode?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object)? = node { return KeyedEncodingContainer(KeyedNodeContainer(object: object)) }
        let object = JSONObject()
        node = .object(object)
        return KeyedEncodingContainer(KeyedNodeContainer(object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array)? = node { return UnkeyedNodeContainer(array: array) }
        let array = JSONArray()
        node = .array(array)
        return UnkeyedNodeContainer(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(encoder: self) }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: JSONObject
    var codingPath: [any CodingKey] { [] }

    private func add(_ key: Key, _ value: JSONNode) { object.members.append((key.stringValue, value)) }

    mutating func encodeNil(forKey key: Key) throws { add(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(key, try .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(key, try .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(key, .integer(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, .integer(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(key, .unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(key, .unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(key, .unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(key, .unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(key, .unsigned(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(key, try APIJSONEncoder.node(of: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObject()
        add(key, .object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArray()
        add(key, .array(nested))
        return UnkeyedNodeContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let encoder = NodeEncoder()
        object.members.append((name, .encoder(encoder)))
        return encoder
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let array: JSONArray
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.items.count }

    mutating func encodeNil() throws { array.items.append(.null) }
    mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { array.items.append(try .double(value)) }
    mutating func encode(_ value: Int) throws { array.items.append(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { array.items.append(.integer(value)) }
    mutating func encode(_ value: Int8) throws { array.items.append(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { array.items.append(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { array.items.append(.integer(Int64(value))) }
    mutating func encode(_ value: UInt) throws { array.items.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { array.items.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { array.items.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { array.items.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { array.items.append(.unsigned(value)) }
    mutating func encode(_ value: Float) throws { array.items.append(try .double(Double(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { array.items.append(try APIJSONEncoder.node(of: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONObject()
        array.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArray()
        array.items.append(.array(nested))
        return UnkeyedNodeContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = NodeEncoder()
        array.items.append(.encoder(encoder))
        return encoder
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.node = .null }
    mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
    mutating func encode(_ value: String) throws { encoder.node = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.node = try .double(value) }
    mutating func encode(_ value: Int) throws { encoder.node = .integer(Int64(value)) }
    mutating func encode(_ value: Int64) throws { encoder.node = .integer(value) }
    mutating func encode(_ value: Int8) throws { encoder.node = .integer(Int64(value)) }
    mutating func encode(_ value: Int16) throws { encoder.node = .integer(Int64(value)) }
    mutating func encode(_ value: Int32) throws { encoder.node = .integer(Int64(value)) }
    mutating func encode(_ value: UInt) throws { encoder.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.node = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.node = .unsigned(value) }
    mutating func encode(_ value: Float) throws { encoder.node = try .double(Double(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try APIJSONEncoder.node(of: value) }
}

extension ByteBuffer {
    /// A JSON string as `JSONEncoder` escapes it: quote, backslash and control characters (the short forms where
    /// JSON has them); `/` and non-ASCII as they are.
    mutating func writeJSONString(_ text: String) {
        writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): writeStaticString("\\\"")
                case UInt8(ascii: "\\"): writeStaticString("\\\\")
                case 0x08: writeStaticString("\\b")
                case 0x0C: writeStaticString("\\f")
                case 0x0A: writeStaticString("\\n")
                case 0x0D: writeStaticString("\\r")
                case 0x09: writeStaticString("\\t")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    writeStaticString("\\u00")
                    writeInteger(hex[Int(byte >> 4)])
                    writeInteger(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...]))
        }
        writeInteger(UInt8(ascii: "\""))
    }
}
