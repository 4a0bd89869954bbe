import Foundation

/// Lookups in large containers: keyed access and coding paths stay O(1) and O(depth · log n) however many members
/// an object or elements an array has, so decoding (or rejecting) every element of a 200,000-element array costs
/// linear time in total. Small containers are still scanned in place, which is faster than building a table.
extension JSONTree {
    /// Tables built on first use, one per large container.
    struct Indexes {
        /// The node index of each child (each key node, for objects), in document order.
        var childStarts: [Int: [UInt32]] = [:]
        /// Member name → value node, first occurrence winning (duplicate names are refused before parsing in the API).
        var memberValues: [Int: [String: Int]] = [:]
    }

    /// Containers with more children than this get a table.
    static let indexThreshold = 16

    /// The index of the value for `key` in the object at `index`, if present (the first, if the key repeats).
    func value(forKey key: String, inObject index: Int) -> Int? {
        let count = Int(nodes[index].count)
        if count > Self.indexThreshold { return memberValues(index)[key] }
        var cursor = index + 1
        for _ in 0..<count {
            if stringEquals(cursor, key) { return cursor + 1 }
            cursor = Int(nodes[cursor + 1].next)
        }
        return nil
    }

    /// The coding path from the root to the node at `target`, computed on demand (only errors need it).
    func codingPath(to target: Int) -> [any CodingKey] {
        var path: [any CodingKey] = []
        var current = 0
        while current != target, current < nodes.count {
            let node = nodes[current]
            guard node.kind == .object || node.kind == .array, node.count > 0, target > current, target < Int(node.next)
            else { break }
            let isObject = node.kind == .object
            let (position, start) = child(of: current, containing: target)
            path.append(isObject ? JSONTreeKey(stringValue: string(at: start)) : JSONTreeKey(index: position))
            current = isObject ? start + 1 : start
        }
        return path
    }

    /// The position and first node (key node, for objects) of the child of `container` whose subtree holds `target`.
    private func child(of container: Int, containing target: Int) -> (position: Int, start: Int) {
        let node = nodes[container]
        if Int(node.count) > Self.indexThreshold {
            let starts = childStarts(container)
            var low = 0
            var high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if Int(starts[middle]) <= target { low = middle } else { high = middle - 1 }
            }
            return (low, Int(starts[low]))
        }
        var cursor = container + 1
        for position in 0..<Int(node.count) {
            let after = Int(nodes[node.kind == .object ? cursor + 1 : cursor].next)
            if target < after { return (position, cursor) }
            cursor = after
        }
        return (Int(node.count) - 1, cursor)
    }

    private func childStarts(_ container: Int) -> [UInt32] {
        if let starts = indexes.childStarts[container] { return starts }
        let node = nodes[container]
        var starts: [UInt32] = []
        starts.reserveCapacity(Int(node.count))
        var cursor = container + 1
        for _ in 0..<Int(node.count) {
            starts.append(UInt32(cursor))
            cursor = Int(nodes[node.kind == .object ? cursor + 1 : cursor].next)
        }
        indexes.childStarts[container] = starts
        return starts
    }

    private func memberValues(_ object: Int) -> [String: Int] {
        if let table = indexes.memberValues[object] { return table }
        var table: [String: Int] = [:]
        table.reserveCapacity(Int(nodes[object].count))
        var cursor = object + 1
        for _ in 0..<Int(nodes[object].count) {
            let key = string(at: cursor)
            if table[key] == nil { table[key] = cursor + 1 }
            cursor = Int(nodes[cursor + 1].next)
        }
        indexes.memberValues[object] = table
        return table
    }
}
