import Foundation

/// A `Decoder` over a ``JSONTree``: the parsers' `Decodable` wire types decode through it exactly as through
/// `JSONDecoder`, but keyed lookups scan an object's members in place instead of building a dictionary per
/// object, and coding paths are computed only when an error needs one.
///
/// The tree is held `unowned(unsafe)`: decoders and containers live only inside ``decode(_:from:)``, which keeps
/// the tree alive, and skipping reference counting halves the cost of decoding many small objects.
///
/// Semantics follow `JSONDecoder`'s defaults: keys are matched exactly, numbers must fit the requested type,
/// `null` decodes only as nil, absent keys throw `keyNotFound` unless decoded with `decodeIfPresent`.
struct JSONTreeDecoder: Decoder {
    unowned(unsafe) let tree: JSONTree
    let node: Int

    var codingPath: [any CodingKey] { tree.codingPath(to: node) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Decodes `T` from the root of `tree`.
    static func decode<T: Decodable>(_ type: T.Type, from tree: JSONTree) throws -> T {
        try T(from: JSONTreeDecoder(tree: tree, node: 0))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try JSONTreeDecoder.expect(.object, at: node, in: tree, as: [String: Any].self)
        return KeyedDecodingContainer(KeyedContainer<Key>(tree: tree, node: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try JSONTreeDecoder.expect(.array, at: node, in: tree, as: [Any].self)
        return UnkeyedContainer(tree: tree, node: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(tree: tree, node: node)
    }

    /// Fast path for an array of `{"name": …, "value": …}` objects (CycloneDX `properties`): returns the pairs whose
    /// name passes `keep`, creating strings only for those. Shapes are checked as the synthesised decoding would.
    func namedValuePairs(keep: (JSONTree, Int) -> Bool) throws -> [(name: String, value: String?)] {
        try JSONTreeDecoder.expect(.array, at: node, in: tree, as: [Any].self)
        var pairs: [(name: String, value: String?)] = []
        var cursor = node + 1
        for _ in 0..<Int(tree.nodes[node].count) {
            let element = cursor
            cursor = Int(tree.nodes[element].next)
            try JSONTreeDecoder.expect(.object, at: element, in: tree, as: [String: Any].self)
            guard let name = tree.value(forKey: "name", inObject: element), tree.nodes[name].kind != .null else {
                continue
            }
            try JSONTreeDecoder.expect(.string, at: name, in: tree, as: String.self)
            guard keep(tree, name) else { continue }
            var value: String?
            if let valueNode = tree.value(forKey: "value", inObject: element), tree.nodes[valueNode].kind != .null {
                value = try JSONTreeDecoder.string(at: valueNode, in: tree)
            }
            pairs.append((tree.string(at: name), value))
        }
        return pairs
    }

    // MARK: - Scalars

    static func expect(_ kind: JSONTree.Kind, at node: Int, in tree: JSONTree, as type: Any.Type) throws {
        let actual = tree.nodes[node].kind
        guard actual != kind else { return }
        let context = DecodingError.Context(
            codingPath: tree.codingPath(to: node),
            debugDescription: "Expected to decode \(type) but found \(describe(actual)) instead.")
        throw actual == .null ? DecodingError.valueNotFound(type, context) : DecodingError.typeMismatch(type, context)
    }

    static func describe(_ kind: JSONTree.Kind) -> String {
        switch kind {
        case .object: "a dictionary"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a bool"
        case .null: "null"
        }
    }

    static func string(at node: Int, in tree: JSONTree) throws -> String {
        try expect(.string, at: node, in: tree, as: String.self)
        return tree.string(at: node)
    }

    static func bool(at node: Int, in tree: JSONTree) throws -> Bool {
        try expect(.bool, at: node, in: tree, as: Bool.self)
        return tree.bytes[Int(tree.nodes[node].start)] == UInt8(ascii: "t")
    }

    static func integer<T: FixedWidthInteger>(at node: Int, in tree: JSONTree, as type: T.Type) throws -> T {
        try expect(.number, at: node, in: tree, as: T.self)
        let text = tree.rawText(at: node)
        if let value = T(text) { return value }
        if let double = Double(text), double.rounded() == double, let value = T(exactly: double) { return value }
        throw DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: tree.codingPath(to: node), debugDescription: "Number \(text) does not fit in \(T.self)."))
    }

    static func floatingPoint(at node: Int, in tree: JSONTree) throws -> Double {
        try expect(.number, at: node, in: tree, as: Double.self)
        let text = tree.rawText(at: node)
        guard let value = Double(text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: tree.codingPath(to: node), debugDescription: "Number \(text) is not a Double."))
        }
        return value
    }

    // MARK: - Keyed

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        unowned(unsafe) let tree: JSONTree
        let node: Int

        var codingPath: [any CodingKey] { tree.codingPath(to: node) }

        var allKeys: [Key] {
            tree.members(of: node).compactMap { Key(stringValue: tree.string(at: $0.key)) }
        }

        func contains(_ key: Key) -> Bool {
            tree.value(forKey: key.stringValue, inObject: node) != nil
        }

        private func valueNode(_ key: Key) throws -> Int {
            guard let value = tree.value(forKey: key.stringValue, inObject: node) else {
                throw DecodingError.keyNotFound(key, DecodingError.Context(
                    codingPath: codingPath, debugDescription: "No value associated with key \"\(key.stringValue)\"."))
            }
            return value
        }

        /// The value node for `key` unless it is absent or null.
        private func presentNode(_ key: Key) -> Int? {
            guard let value = tree.value(forKey: key.stringValue, inObject: node),
                  tree.nodes[value].kind != .null else { return nil }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { tree.nodes[try valueNode(key)].kind == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            try JSONTreeDecoder.bool(at: valueNode(key), in: tree)
        }
        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            try JSONTreeDecoder.string(at: valueNode(key), in: tree)
        }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            try JSONTreeDecoder.floatingPoint(at: valueNode(key), in: tree)
        }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            Float(try JSONTreeDecoder.floatingPoint(at: valueNode(key), in: tree))
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

        private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
            try JSONTreeDecoder.integer(at: valueNode(key), in: tree, as: T.self)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try T(from: JSONTreeDecoder(tree: tree, node: valueNode(key)))
        }

        // One member scan instead of the default contains + decodeNil + decode.
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            try presentNode(key).map { try JSONTreeDecoder.string(at: $0, in: tree) }
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            try presentNode(key).map { try JSONTreeDecoder.integer(at: $0, in: tree, as: Int.self) }
        }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            try presentNode(key).map { try JSONTreeDecoder.bool(at: $0, in: tree) }
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try presentNode(key).map { try T(from: JSONTreeDecoder(tree: tree, node: $0)) }
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONTreeDecoder(tree: tree, node: valueNode(key)).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONTreeDecoder(tree: tree, node: valueNode(key)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { JSONTreeDecoder(tree: tree, node: node) }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONTreeDecoder(tree: tree, node: try valueNode(key))
        }
    }

    // MARK: - Unkeyed

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        unowned(unsafe) let tree: JSONTree
        let node: Int
        private(set) var currentIndex = 0
        private var cursor: Int

        init(tree: JSONTree, node: Int) {
            self.tree = tree
            self.node = node
            cursor = node + 1
        }

        var codingPath: [any CodingKey] { tree.codingPath(to: node) }
        var count: Int? { Int(tree.nodes[node].count) }
        var isAtEnd: Bool { currentIndex >= Int(tree.nodes[node].count) }

        /// The current element's node, advancing past it.
        private mutating func next(_ type: Any.Type) throws -> Int {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, DecodingError.Context(
                    codingPath: codingPath + [JSONTreeKey(index: currentIndex)],
                    debugDescription: "Unkeyed container is at end."))
            }
            let element = cursor
            cursor = Int(tree.nodes[element].next)
            currentIndex += 1
            return element
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, tree.nodes[cursor].kind == .null else { return false }
            _ = try next(Never.self)
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try JSONTreeDecoder.bool(at: next(type), in: tree) }
        mutating func decode(_ type: String.Type) throws -> String {
            try JSONTreeDecoder.string(at: next(type), in: tree)
        }
        mutating func decode(_ type: Double.Type) throws -> Double {
            try JSONTreeDecoder.floatingPoint(at: next(type), in: tree)
        }
        mutating func decode(_ type: Float.Type) throws -> Float {
            Float(try JSONTreeDecoder.floatingPoint(at: next(type), in: tree))
        }
        mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

        private mutating func integer<T: FixedWidthInteger>() throws -> T {
            try JSONTreeDecoder.integer(at: next(T.self), in: tree, as: T.self)
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try T(from: JSONTreeDecoder(tree: tree, node: next(type)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONTreeDecoder(tree: tree, node: next([String: Any].self)).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try JSONTreeDecoder(tree: tree, node: next([Any].self)).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            JSONTreeDecoder(tree: tree, node: try next(Any.self))
        }
    }

    // MARK: - Single value

    struct SingleValueContainer: SingleValueDecodingContainer {
        unowned(unsafe) let tree: JSONTree
        let node: Int

        var codingPath: [any CodingKey] { tree.codingPath(to: node) }

        func decodeNil() -> Bool { tree.nodes[node].kind == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try JSONTreeDecoder.bool(at: node, in: tree) }
        func decode(_ type: String.Type) throws -> String { try JSONTreeDecoder.string(at: node, in: tree) }
        func decode(_ type: Double.Type) throws -> Double { try JSONTreeDecoder.floatingPoint(at: node, in: tree) }
        func decode(_ type: Float.Type) throws -> Float {
            Float(try JSONTreeDecoder.floatingPoint(at: node, in: tree))
        }
        func decode(_ type: Int.Type) throws -> Int { try integer() }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
        func decode(_ type: UInt.Type) throws -> UInt { try integer() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

        private func integer<T: FixedWidthInteger>() throws -> T {
            try JSONTreeDecoder.integer(at: node, in: tree, as: T.self)
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try T(from: JSONTreeDecoder(tree: tree, node: node))
        }
    }
}
