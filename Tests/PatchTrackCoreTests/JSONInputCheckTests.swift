import Foundation
import Testing

@testable import PatchTrackCore

@Suite("JSONInputCheck: the strict rules every JSON body meets")
struct JSONInputCheckTests {
    private func violation(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONInputViolation? {
        do {
            try JSONInputCheck.check(Data(bytes), maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }

    private func violation(_ text: String, maxDepth: Int = 64) -> JSONInputViolation? {
        violation(Array(text.utf8), maxDepth: maxDepth)
    }

    @Test("well-formed documents pass, including escapes, surrogate pairs and non-ASCII text")
    func accepted() {
        #expect(violation(#"{"a":"\u00e9\ud83d\ude00 é 😀","b":[1,{"a":2}],"c":{"a":{"a":3}}}"#) == nil)
        #expect(violation(#"[{"k":1},{"k":2}]"#) == nil)
        let many = "{" + (0..<100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        #expect(violation(many) == nil)
    }

    @Test("invalid UTF-8 names its byte offset", arguments: [
        [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82],
    ] as [[UInt8]])
    func invalidUTF8(_ sequence: [UInt8]) {
        let prefix = Array(#"{"name":"ab"#.utf8)
        let found = violation(prefix + sequence + Array(#"x"}"#.utf8))
        #expect(found?.kind == .invalidUTF8)
        #expect(found?.offset == prefix.count)
        #expect(found?.description == "invalid UTF-8 at byte offset \(prefix.count)")
    }

    @Test("NUL is refused with the field path, escaped or raw, in values and names")
    func nul() {
        #expect(violation(#"{"components":[{"name":"ba\u0000sh"}]}"#) == JSONInputViolation(kind: .nul, offset: 26, path: "components[0].name"))
        #expect(violation(Array(#"{"a":["x",""#.utf8) + [0] + Array(#""]}"#.utf8))?.path == "a[1]")
        #expect(violation(#"{"a\u0000":1}"#)?.kind == .nul)
    }

    @Test("a repeated member name is refused, by decoded value, in small and large objects")
    func duplicates() {
        #expect(violation(#"{"a":1,"b":{"a":1},"a":2}"#)?.kind == .duplicateKey("a"))
        #expect(violation(#"{"a":1,"\u0061":2}"#)?.kind == .duplicateKey("a"))
        let many = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        #expect(violation("{\(many),\"k7\":0}")?.kind == .duplicateKey("k7"))
        #expect(violation(#"{"x":{"a":1,"a":2}}"#)?.path == "x")
        // The same name in sibling objects is fine.
        #expect(violation(#"[{"a":1},{"a":2}]"#) == nil)
    }

    @Test("lone surrogate escapes are refused")
    func surrogates() {
        #expect(violation(#"["\ud800"]"#)?.kind == .loneSurrogate)
        #expect(violation(#"["\udc00\ud800"]"#)?.kind == .loneSurrogate)
    }

    @Test("nesting deeper than the limit is refused; brackets in strings do not count")
    func depth() {
        #expect(violation(String(repeating: "[", count: 5) + String(repeating: "]", count: 5), maxDepth: 4)?.kind == .tooDeep(4))
        #expect(violation(#"[["[[[[[["]]"#, maxDepth: 2) == nil)
    }
}
