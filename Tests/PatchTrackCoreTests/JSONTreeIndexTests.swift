import Foundation
import Testing

@testable import PatchTrackCore

@Suite("JSONTree lookups in large containers")
struct JSONTreeIndexTests {
    @Test("the coding path of the last of 200,000 elements is found (by a table, not a walk)")
    func codingPathInLargeArray() throws {
        let data = Data(("[" + Array(repeating: #"{"a":[1]}"#, count: 200_000).joined(separator: ",") + "]").utf8)
        let tree = try JSONTree(data)
        let last = tree.nodes.count - 1  // the `1` inside the last element
        let path = tree.codingPath(to: last)
        #expect(path.map(\.intValue) == [199_999, nil, 0])
        #expect(path[1].stringValue == "a")
        #expect(tree.indexes.childStarts.count == 1)
    }

    @Test("keyed lookups in a large object find the first occurrence of each name")
    func memberLookup() throws {
        let members = (0..<50).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let tree = try JSONTree(Data("{\(members)}".utf8))
        let value = try #require(tree.value(forKey: "k42", inObject: 0))
        #expect(tree.rawText(at: value) == "42")
        #expect(tree.value(forKey: "missing", inObject: 0) == nil)
    }
}
