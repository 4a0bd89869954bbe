import Foundation
import PatchTrackCore
import Testing

/// One file of version vectors, `Fixtures/versions/<name>.txt`, checked against any ``VersionScheme``.
///
/// Line format (one per line, blanks around fields are free):
/// - `a < b`, `a = b`, `a > b`: the expected order, asserted in both orientations;
/// - `! v`: `v` must be rejected with ``VersionError``;
/// - `# text`: a comment; a trailing ` # text` after a vector is a comment too;
/// - `# skip: reason`: the next vector line is a known, deliberate divergence: parsed but not asserted.
struct VersionFixture {
    /// The expected result of comparing `lhs` with `rhs`: -1, 0 or 1.
    struct Comparison {
        var lhs: String
        var rhs: String
        var expected: Int
        var line: Int
    }

    /// A version the scheme must reject.
    struct Invalid {
        var version: String
        var line: Int
    }

    /// A line that is not asserted, with the reason given for it.
    struct Skip {
        var line: Int
        var reason: String
    }

    /// A malformed fixture line.
    struct FormatError: Error, CustomStringConvertible {
        var file: String
        var line: Int
        var text: String
        var description: String { "\(file):\(line): malformed fixture line \"\(text)\"" }
    }

    let file: String
    private(set) var comparisons: [Comparison] = []
    private(set) var invalid: [Invalid] = []
    private(set) var skipped: [Skip] = []

    /// Loads `Fixtures/versions/<name>.txt` from the test bundle.
    init(named name: String) throws {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/versions"),
            "missing fixture Fixtures/versions/\(name).txt")
        try self.init(file: "\(name).txt", text: String(contentsOf: url, encoding: .utf8))
    }

    /// Parses fixture text; `file` names it in failure messages.
    init(file: String, text: String) throws {
        self.file = file
        var pendingSkip: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                let comment = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                if comment.hasPrefix("skip:") {
                    pendingSkip = comment.dropFirst("skip:".count).trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            let content = raw.components(separatedBy: " #").first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if let reason = pendingSkip {
                skipped.append(Skip(line: number, reason: reason))
                pendingSkip = nil
                continue
            }
            if fields.count == 2 && fields[0] == "!" {
                invalid.append(Invalid(version: fields[1], line: number))
            } else if fields.count == 3, let expected = ["<": -1, "=": 0, ">": 1][fields[1]] {
                comparisons.append(Comparison(lhs: fields[0], rhs: fields[2], expected: expected, line: number))
            } else {
                throw FormatError(file: file, line: number, text: String(raw))
            }
        }
    }

    /// The distinct versions of all asserted comparisons, in order of first appearance.
    var versions: [String] {
        var seen = Set<String>()
        return comparisons.flatMap { [$0.lhs, $0.rhs] }.filter { seen.insert($0).inserted }
    }

    // MARK: - Checks

    /// Asserts every comparison line both ways round, through `<`, `==` and the scheme's string `compare`.
    func checkComparisons<S: VersionScheme>(with scheme: S) {
        var failures = 0
        for item in comparisons {
            let where_ = "\(file):\(item.line): \(item.lhs) \(Self.symbol(item.expected)) \(item.rhs)"
            do {
                let lhs = try scheme.parse(item.lhs)
                let rhs = try scheme.parse(item.rhs)
                let forward = Self.order(lhs, rhs)
                let backward = Self.order(rhs, lhs)
                let viaStrings = try scheme.compare(item.lhs, item.rhs)
                if forward != item.expected || backward != -item.expected || viaStrings != item.expected {
                    failures += 1
                    Issue.record("\(where_): got \(forward) forward, \(backward) backward, \(viaStrings) via compare")
                }
            } catch {
                failures += 1
                Issue.record("\(where_): \(error)")
            }
            if failures >= 50 {
                Issue.record("\(file): stopping after 50 failures")
                return
            }
        }
    }

    /// Asserts that every `! v` line is rejected with a ``VersionError`` naming the scheme and the input.
    func checkInvalid<S: VersionScheme>(with scheme: S) {
        for item in invalid {
            do {
                let version = try scheme.parse(item.version)
                Issue.record("\(file):\(item.line): \"\(item.version)\" was accepted as \(version)")
            } catch {
                if error.scheme != scheme.name || error.version != item.version || error.reason.isEmpty {
                    Issue.record("\(file):\(item.line): unexpected error \(error)")
                }
            }
        }
    }

    /// Checks order properties over the file's versions: reflexive, exactly one of `<`, `==`, `>` (antisymmetric,
    /// symmetric equality), and, after sorting, no later version below an earlier one (transitivity), on sampled pairs.
    func checkOrderingProperties<S: VersionScheme>(with scheme: S, samples: Int = 20_000) throws {
        let parsed = try versions.map { version throws(VersionError) in try scheme.parse(version) }
        try #require(parsed.count > 1, "\(file): too few versions")
        for (index, version) in parsed.enumerated() where !(version == version) || version < version {
            Issue.record("\(file): \(versions[index]) is not equal to itself")
        }
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<samples {
            let a = parsed[Int(random.next() % UInt64(parsed.count))]
            let b = parsed[Int(random.next() % UInt64(parsed.count))]
            let facts = [a < b, a == b, b < a].filter { $0 }.count
            if facts != 1 || (a == b) != (b == a) {
                Issue.record("\(file): \(a) and \(b) are not exactly one of <, ==, >")
            }
        }
        let sorted = parsed.sorted()
        for index in sorted.indices.dropLast() where sorted[index + 1] < sorted[index] {
            Issue.record("\(file): sorting left \(sorted[index + 1]) after \(sorted[index])")
        }
        for _ in 0..<samples {
            let i = Int(random.next() % UInt64(sorted.count))
            let j = Int(random.next() % UInt64(sorted.count))
            let (low, high) = (min(i, j), max(i, j))
            if sorted[high] < sorted[low] {
                Issue.record("\(file): not transitive: \(sorted[high]) < \(sorted[low]) after sorting")
            }
        }
    }

    private static func order<V: Comparable>(_ lhs: V, _ rhs: V) -> Int {
        lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
    }

    private static func symbol(_ expected: Int) -> String {
        expected < 0 ? "<" : (expected == 0 ? "=" : ">")
    }
}

/// A small deterministic generator so that sampled property checks repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
