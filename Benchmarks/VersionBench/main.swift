// version-bench: throughput of the version schemes and of OSV range evaluation, on one core.
//
// Usage: version-bench PAIRS.tsv... [--seconds S]
// Each file holds `ECOSYSTEM<TAB>A<TAB>B` lines as `python3 /work/shared/oracle/gen.py ECO N SEED` writes them; the
// ecosystem is read with `VersionSchemeID(shortName:)`. For each file it prints comparisons per second:
// - parse+cmp: both strings parsed by the concrete scheme, then compared (what a one-off comparison costs);
// - cmp: already parsed concrete versions compared (what sorting or matching a parsed set costs);
// - any cmp: the same through `AnyVersion` (the matcher's path).
// Then OSV evaluations per second on real `affected` entries (prepared once, and prepared on every call).
// Build with `swift build -c release`; timings are wall clock, each loop repeated until it ran `--seconds`.

import Foundation
import PatchTrackCore

// MARK: - Timing

/// Runs `body` (which performs `operationsPerCall` operations) until `seconds` have passed; operations per second.
func throughput(seconds: Double, operationsPerCall: Int, _ body: () -> Int) -> (rate: Double, checksum: Int) {
    let clock = ContinuousClock()
    var checksum = body()  // warm-up
    var calls = 0
    let start = clock.now
    var elapsed = 0.0
    repeat {
        checksum &+= body()
        calls += 1
        let duration = clock.now - start
        elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    } while elapsed < seconds
    return (Double(calls * operationsPerCall) / elapsed, checksum)
}

func format(_ rate: Double) -> String {
    rate >= 1e6 ? String(format: "%7.2f M/s", rate / 1e6) : String(format: "%7.1f k/s", rate / 1e3)
}

// MARK: - Schemes

struct PairResult {
    var parseCompare: Double
    var compare: Double
    var anyCompare: Double
    var valid: Int
    var checksum: Int
}

/// Measures one concrete scheme on the pairs it accepts.
func measure<S: VersionScheme>(_ scheme: S, id: VersionSchemeID, pairs: [(String, String)], seconds: Double)
    -> PairResult
{
    let valid = pairs.filter { (try? scheme.parse($0.0)) != nil && (try? scheme.parse($0.1)) != nil }
    let parsed = valid.compactMap { pair -> (S.Version, S.Version)? in
        guard let a = try? scheme.parse(pair.0), let b = try? scheme.parse(pair.1) else { return nil }
        return (a, b)
    }
    let anyParsed = valid.compactMap { pair -> (AnyVersion, AnyVersion)? in
        guard let a = try? id.parse(pair.0), let b = try? id.parse(pair.1) else { return nil }
        return (a, b)
    }
    guard !valid.isEmpty else { return PairResult(parseCompare: 0, compare: 0, anyCompare: 0, valid: 0, checksum: 0) }
    let full = throughput(seconds: seconds, operationsPerCall: valid.count) {
        var sum = 0
        for (a, b) in valid { sum &+= (try? scheme.compare(a, b)) ?? 7 }
        return sum
    }
    let typed = throughput(seconds: seconds, operationsPerCall: parsed.count) {
        var sum = 0
        for (a, b) in parsed { sum &+= a < b ? -1 : (a == b ? 0 : 1) }
        return sum
    }
    let erased = throughput(seconds: seconds, operationsPerCall: anyParsed.count) {
        var sum = 0
        for (a, b) in anyParsed { sum &+= a < b ? -1 : (a == b ? 0 : 1) }
        return sum
    }
    return PairResult(
        parseCompare: full.rate, compare: typed.rate, anyCompare: erased.rate, valid: valid.count,
        checksum: full.checksum &+ typed.checksum &+ erased.checksum)
}

func measure(_ id: VersionSchemeID, pairs: [(String, String)], seconds: Double) -> PairResult {
    switch id {
    case .dpkg: measure(DpkgScheme(), id: id, pairs: pairs, seconds: seconds)
    case .rpm: measure(RpmScheme(), id: id, pairs: pairs, seconds: seconds)
    case .apk: measure(ApkScheme(), id: id, pairs: pairs, seconds: seconds)
    case .semver: measure(SemVerScheme(flavor: .npm), id: id, pairs: pairs, seconds: seconds)
    case .cargo: measure(SemVerScheme(flavor: .cargo), id: id, pairs: pairs, seconds: seconds)
    case .go: measure(GoModuleScheme(), id: id, pairs: pairs, seconds: seconds)
    case .pep440: measure(PEP440Scheme(), id: id, pairs: pairs, seconds: seconds)
    case .maven: measure(MavenScheme(), id: id, pairs: pairs, seconds: seconds)
    case .rubygems: measure(RubyGemsScheme(), id: id, pairs: pairs, seconds: seconds)
    case .nuget: measure(NuGetScheme(), id: id, pairs: pairs, seconds: seconds)
    case .composer: measure(ComposerScheme(), id: id, pairs: pairs, seconds: seconds)
    }
}

// MARK: - OSV

/// Real `affected` entries (GO-2022-0969, DSA-5474-1, UBUNTU-CVE-2022-24823, PYSEC-2018-27 shortened) and the
/// installed versions evaluated against each: some affected, some fixed, some outside every range.
let osvCases: [(name: String, json: String, versions: [String])] = [
    ("Go stdlib, 2 SEMVER intervals", """
    {"package": {"ecosystem": "Go", "name": "stdlib"}, "ranges": [{"type": "SEMVER", "events": [
     {"introduced": "0"}, {"fixed": "1.18.6"}, {"introduced": "1.19.0-0"}, {"fixed": "1.19.1"}]}]}
    """, ["v1.17.13", "v1.18.5", "v1.18.6", "v1.19.0", "v1.19.1", "v1.21.4"]),
    ("Debian:12 ECOSYSTEM", """
    {"package": {"ecosystem": "Debian:12", "name": "intel-microcode"}, "ranges": [{"type": "ECOSYSTEM",
     "events": [{"introduced": "0"}, {"fixed": "3.20230808.1~deb12u1"}]}]}
    """, ["3.20230512.1", "3.20230808.1~deb12u1", "3.20231114.1~deb12u1", "3.20221108.1"]),
    ("Ubuntu Pro ECOSYSTEM + 5 versions", """
    {"package": {"ecosystem": "Ubuntu:Pro:18.04:LTS", "name": "netty"}, "ranges": [{"type": "ECOSYSTEM",
     "events": [{"introduced": "0"}, {"fixed": "1:4.1.7-4ubuntu0.1+esm3"}]}], "versions": ["1:4.1.7-4",
     "1:4.1.7-4ubuntu0.1~esm1", "1:4.1.7-4ubuntu0.1", "1:4.1.7-4ubuntu0.1+esm1", "1:4.1.7-4ubuntu0.1+esm2"]}
    """, ["1:4.1.7-4", "1:4.1.7-4ubuntu0.1+esm3", "1:4.1.7-4ubuntu0.1+esm2", "1:4.1.8-1"]),
    ("PyPI GIT + ECOSYSTEM + 12 versions", """
    {"package": {"ecosystem": "PyPI", "name": "qutebrowser"}, "ranges": [{"type": "GIT",
     "repo": "https://github.com/qutebrowser/qutebrowser", "events": [{"introduced": "0"},
     {"fixed": "43e58ac865ff862c2008c510fc5f7627e10b4660"}]}, {"type": "ECOSYSTEM", "events": [{"introduced": "0"},
     {"fixed": "1.4.1"}]}], "versions": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.1.0", "1.1.1", "1.1.2",
     "1.2.0", "1.2.1", "1.3.0", "1.4.0"]}
    """, ["1.3.3", "1.4.0", "1.4.1", "2.5.4"]),
]

func benchmarkOSV(seconds: Double) {
    print("\nOSV affected-entry evaluations (installed version parsed on every evaluation):")
    print("  entry                                 prepared     prepare+evaluate")
    for (name, json, versions) in osvCases {
        guard let affected = try? JSONDecoder().decode(OSVRecord.Affected.self, from: Data(json.utf8)),
            let evaluator = try? OSVAffectedEvaluator(affected)
        else {
            print("  \(name): could not prepare")
            continue
        }
        let prepared = throughput(seconds: seconds, operationsPerCall: versions.count) {
            var sum = 0
            for version in versions {
                if let verdict = try? evaluator.evaluate(version) { sum &+= verdict.isAffected ? 1 : 0 }
            }
            return sum
        }
        let unprepared = throughput(seconds: seconds, operationsPerCall: versions.count) {
            var sum = 0
            for version in versions {
                if let verdict = try? affected.evaluate(version: version) { sum &+= verdict.isAffected ? 1 : 0 }
            }
            return sum
        }
        let label = name.padding(toLength: 36, withPad: " ", startingAt: 0)
        print("  \(label)  \(format(prepared.rate))  \(format(unprepared.rate))   (check \(prepared.checksum % 97))")
    }
}

// MARK: - Main

var seconds = 0.5
var files: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--seconds", let value = arguments.popFirst().flatMap(Double.init) {
        seconds = value
    } else {
        files.append(argument)
    }
}

print("scheme    file                  pairs  valid    parse+cmp        cmp    any cmp")
for file in files {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        print("\(file): cannot read")
        continue
    }
    var ecosystem = ""
    var pairs: [(String, String)] = []
    for line in text.split(whereSeparator: \.isNewline) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 3 else { continue }
        ecosystem = String(fields[0])
        pairs.append((String(fields[1]), String(fields[2])))
    }
    guard let id = VersionSchemeID(shortName: ecosystem) else {
        print("\(file): no scheme for \"\(ecosystem)\"")
        continue
    }
    let result = measure(id, pairs: pairs, seconds: seconds)
    let name = (file as NSString).lastPathComponent.padding(toLength: 20, withPad: " ", startingAt: 0)
    let scheme = id.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
    print(
        "\(scheme)  \(name)  \(String(format: "%5d  %5d", pairs.count, result.valid))  \(format(result.parseCompare))"
            + "  \(format(result.compare))  \(format(result.anyCompare))   (check \(result.checksum % 97))")
}
benchmarkOSV(seconds: seconds)
