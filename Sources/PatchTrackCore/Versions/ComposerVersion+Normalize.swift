// composer/semver 3.3 `VersionParser::normalize`, written out as code instead of PCRE patterns.
//
// The patterns it follows, in order (all case-insensitive unless noted; `M` is the modifier
// `[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?`):
// 1. alias `^([^,\s]++) ++as ++([^,\s]++)$` (case-sensitive) keeps the part before " as ";
// 2. a stability flag `@(stable|RC|beta|alpha|dev)$` is dropped;
// 3. "master", "trunk", "default" (case-sensitive) become "dev-master" etc.; a "dev-" prefix makes a branch;
// 4. build metadata `^([^,\s+]++)\+[^\s]++$` is dropped;
// 5. classical `^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)?M$` → four components, missing ones ".0";
// 6. date `^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)M$` → the date with every separator turned into ".";
// 7. after 5 or 6: a stability other than exactly "stable" appends "-" + its expansion (a → alpha, b → beta,
//    p/pl → patch, rc → RC, others lower-cased) + its number without leading [.-]; "dev" appends "-dev";
// 8. numeric branch `(.*?)[.-]?dev$` whose prefix matches `^v?(\d++)(\.(?:\d++|[xX*])){0,3}$` → x/* become 9999999.
// PCRE's `$` also matches before a final "\n"; that is kept (a "\n" can only end the string after step 2).

extension ComposerVersion {
    /// `VersionParser::normalize` on a version without surrounding blanks; nil where it throws.
    static func normalize(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        var version = input
        if let source = aliasSource(version) { version = source }
        stripStabilityFlag(&version)
        for name in ["master", "trunk", "default"] where version.elementsEqual(name.utf8) {
            return devPrefix + Array(name.utf8)
        }
        if version.count >= 4, hasPrefixIgnoringCase(version, "dev-") {
            return devPrefix + version.dropFirst(4)
        }
        if version.last == UInt8(ascii: "\n") { version.removeLast() }  // PCRE `$` before a final newline
        if let build = buildMetadataPrefix(version) { version = build }
        if let result = classical(version) ?? dated(version) { return result }
        return numericBranch(version)
    }

    // MARK: - Steps 1 to 4

    /// PCRE `\s` without Unicode support: \t, \n, \v, \f, \r and space.
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c &- 0x09 < 5 }

    private static func aliasSource(_ v: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var i = v.startIndex
        while i < v.endIndex, v[i] != UInt8(ascii: ","), !isSpace(v[i]) { i += 1 }
        let sourceEnd = i
        guard sourceEnd > v.startIndex else { return nil }
        var j = i
        while j < v.endIndex, v[j] == 0x20 { j += 1 }
        guard j > i, v[j...].starts(with: "as".utf8) else { return nil }
        j += 2
        let spaces = j
        while j < v.endIndex, v[j] == 0x20 { j += 1 }
        guard j > spaces, j < v.endIndex else { return nil }
        guard v[j...].allSatisfy({ $0 != UInt8(ascii: ",") && !isSpace($0) }) else { return nil }
        return v[..<sourceEnd]
    }

    private static func stripStabilityFlag(_ v: inout ArraySlice<UInt8>) {
        guard let at = v.lastIndex(of: UInt8(ascii: "@")) else { return }
        let flag = v[(at + 1)...]
        for name in ["stable", "RC", "beta", "alpha", "dev"] where equalsIgnoringCase(flag, name) {
            v = v[..<at]
            return
        }
    }

    private static func buildMetadataPrefix(_ v: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var i = v.startIndex
        while i < v.endIndex, v[i] != UInt8(ascii: ","), v[i] != UInt8(ascii: "+"), !isSpace(v[i]) { i += 1 }
        guard i > v.startIndex, i < v.endIndex, v[i] == UInt8(ascii: "+"), i + 1 < v.endIndex else { return nil }
        guard v[(i + 1)...].allSatisfy({ !isSpace($0) }) else { return nil }
        return v[..<i]
    }

    // MARK: - Steps 5 to 7

    /// The modifier `M`: stability word (as written), its number, and whether "dev" follows.
    private struct Modifier {
        var stability: ArraySlice<UInt8>?
        var number: ArraySlice<UInt8>
        var isDev: Bool
    }

    private static let stabilityWords = ["stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p"]

    /// Matches `M$` against all of `r`, trying the alternatives in the pattern's order.
    private static func modifier(_ r: ArraySlice<UInt8>) -> Modifier? {
        var start = r.startIndex
        // `[._-]?` taken greedily; not taking it never matches where taking it fails.
        if start < r.endIndex, r[start] == UInt8(ascii: ".") || r[start] == UInt8(ascii: "_") || r[start] == UInt8(ascii: "-") {
            start += 1
        }
        for word in stabilityWords {
            let end = start + word.utf8.count
            guard end <= r.endIndex, equalsIgnoringCase(r[start..<end], word) else { continue }
            // `((?:[.-]?\d+)*+)?`: possessive, so as many separator-and-digits groups as there are.
            var i = end
            while true {
                var j = i
                if j < r.endIndex, r[j] == UInt8(ascii: ".") || r[j] == UInt8(ascii: "-") { j += 1 }
                guard j < r.endIndex, isDigit(r[j]) else { break }
                while j < r.endIndex, isDigit(r[j]) { j += 1 }
                i = j
            }
            if let isDev = devTail(r[i...]) {
                return Modifier(stability: r[start..<end], number: r[end..<i], isDev: isDev)
            }
        }
        if let isDev = devTail(r[start...]) { return Modifier(stability: nil, number: [], isDev: isDev) }
        return nil
    }

    /// `([.-]?dev)?$` against all of `r`: nil when it does not match, else whether "dev" is there.
    private static func devTail(_ r: ArraySlice<UInt8>) -> Bool? {
        if r.isEmpty { return false }
        var i = r.startIndex
        if r[i] == UInt8(ascii: ".") || r[i] == UInt8(ascii: "-") { i += 1 }
        return equalsIgnoringCase(r[i...], "dev") ? true : nil
    }

    /// Step 5: `^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)?M$`.
    private static func classical(_ v: ArraySlice<UInt8>) -> [UInt8]? {
        var i = skipV(v)
        let first = i
        while i < v.endIndex, isDigit(v[i]) { i += 1 }
        guard i > first, i - first <= 5 else { return nil }
        var result = Array(v[first..<i])
        var components = 1
        while components < 4, i + 1 < v.endIndex, v[i] == UInt8(ascii: "."), isDigit(v[i + 1]) {
            let start = i
            i += 1
            while i < v.endIndex, isDigit(v[i]) { i += 1 }
            result += v[start..<i]
            components += 1
        }
        guard let modifier = modifier(v[i...]) else { return nil }
        for _ in components..<4 { result += [UInt8(ascii: "."), UInt8(ascii: "0")] }
        return appending(modifier, to: result)
    }

    /// Step 6: `^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)M$`.
    private static func dated(_ v: ArraySlice<UInt8>) -> [UInt8]? {
        let start = skipV(v)
        // The date can only end at the last digit before the first character outside [0-9.:-]: `M` cannot start
        // with a digit, nor with a separator followed by a digit.
        var i = start
        var lastDigitEnd = start
        while i < v.endIndex, isDigit(v[i]) || v[i] == UInt8(ascii: ".") || v[i] == UInt8(ascii: ":") || v[i] == UInt8(ascii: "-") {
            if isDigit(v[i]) { lastDigitEnd = i + 1 }
            i += 1
        }
        let date = v[start..<lastDigitEnd]
        guard isDate(date), let modifier = modifier(v[lastDigitEnd...]) else { return nil }
        return appending(modifier, to: date.map { isDigit($0) ? $0 : UInt8(ascii: ".") })
    }

    /// Whether `d` is `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?`: single separators may only stand where a
    /// 4-digit, 2-digit or final 1-to-3-digit group ends.
    private static func isDate(_ d: ArraySlice<UInt8>) -> Bool {
        guard let first = d.first, isDigit(first) else { return false }
        var digits = 0
        var separators: [Int] = []  // digits before each separator
        var previousWasSeparator = false
        for c in d {
            if isDigit(c) {
                digits += 1
                previousWasSeparator = false
            } else {
                if previousWasSeparator { return false }
                separators.append(digits)
                previousWasSeparator = true
            }
        }
        for pairs in 1...6 {
            let last = digits - 4 - 2 * pairs
            guard (0...3).contains(last) else { continue }
            if separators.allSatisfy({ $0 >= 4 && ($0 - 4) % 2 == 0 && $0 <= 4 + 2 * pairs }) { return true }
        }
        return false
    }

    /// Step 7: the stability suffix and "-dev".
    private static func appending(_ modifier: Modifier, to version: [UInt8]) -> [UInt8] {
        var result = version
        if let stability = modifier.stability {
            if stability.elementsEqual("stable".utf8) { return result }
            result.append(UInt8(ascii: "-"))
            result += expandStability(stability)
            result += modifier.number.drop(while: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        }
        if modifier.isDev { result += Array("-dev".utf8) }
        return result
    }

    private static func expandStability(_ s: ArraySlice<UInt8>) -> [UInt8] {
        let lower = s.map(lowercased)
        switch String(decoding: lower, as: UTF8.self) {
        case "a": return Array("alpha".utf8)
        case "b": return Array("beta".utf8)
        case "p", "pl": return Array("patch".utf8)
        case "rc": return Array("RC".utf8)
        default: return lower
        }
    }

    // MARK: - Step 8

    /// `(.*?)[.-]?dev$`, then `normalizeBranch` on the prefix; only numeric branches are accepted.
    private static func numericBranch(_ v: ArraySlice<UInt8>) -> [UInt8]? {
        guard v.count >= 3, equalsIgnoringCase(v.suffix(3), "dev") else { return nil }
        var end = v.endIndex - 3
        if end > v.startIndex, v[end - 1] == UInt8(ascii: ".") || v[end - 1] == UInt8(ascii: "-") { end -= 1 }
        // `.` does not match "\n": the match starts after the last newline.
        let start = v[..<end].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? v.startIndex
        var name = v[start..<end]
        while let c = name.first, isTrimmed(c) { name.removeFirst() }
        while let c = name.last, isTrimmed(c) { name.removeLast() }
        // ^v?(\d++)(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?(\.(?:\d++|[xX*]))?$
        var i = skipV(name)
        let first = i
        while i < name.endIndex, isDigit(name[i]) { i += 1 }
        guard i > first else { return nil }
        var result = Array(name[first..<i])
        var components = 1
        while components < 4, i + 1 < name.endIndex, name[i] == UInt8(ascii: ".") {
            let c = name[i + 1]
            if isDigit(c) {
                let componentStart = i
                i += 1
                while i < name.endIndex, isDigit(name[i]) { i += 1 }
                result += name[componentStart..<i]
            } else if c == UInt8(ascii: "x") || c == UInt8(ascii: "X") || c == UInt8(ascii: "*") {
                result += [UInt8(ascii: "."), UInt8(ascii: "x")]
                i += 2
            } else {
                return nil
            }
            components += 1
        }
        guard i == name.endIndex else { return nil }
        for _ in components..<4 { result += Array(".x".utf8) }
        var expanded: [UInt8] = []
        for c in result {
            if c == UInt8(ascii: "x") { expanded += Array("9999999".utf8) } else { expanded.append(c) }
        }
        return expanded + Array("-dev".utf8)
    }

    // MARK: - Helpers

    private static func skipV(_ v: ArraySlice<UInt8>) -> Int {
        if let c = v.first, c == UInt8(ascii: "v") || c == UInt8(ascii: "V") { return v.startIndex + 1 }
        return v.startIndex
    }

    private static func equalsIgnoringCase(_ s: ArraySlice<UInt8>, _ word: String) -> Bool {
        s.count == word.utf8.count && zip(s, word.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    private static func lowercased(_ c: UInt8) -> UInt8 {
        c &- UInt8(ascii: "A") < 26 ? c | 0x20 : c
    }

    private static func hasPrefixIgnoringCase(_ s: ArraySlice<UInt8>, _ word: String) -> Bool {
        equalsIgnoringCase(s.prefix(word.utf8.count), word)
    }
}
