import Foundation
import Testing

import PatchTrackCore

@Suite struct OSVAffectedEvaluatorTests {
    // MARK: - Event kinds (OSV schema examples and written rules)

    @Test func introducedZeroAloneAffectsEveryVersionWithoutFix() throws {
        let entry = Self.entry("npm", [Self.range("SEMVER", [.introduced("0")])])
        #expect(try entry.evaluate(version: "0.0.0-alpha") == .affected(fixedIn: nil))
        #expect(try entry.evaluate(version: "99.0.0") == .affected(fixedIn: nil))
    }

    @Test func fixedEndsTheRangeAndIsReported() throws {
        let entry = Self.entry("npm", [Self.range("SEMVER", [.introduced("0"), .fixed("1.0.2")])])
        #expect(try entry.evaluate(version: "1.0.1") == .affected(fixedIn: "1.0.2"))
        #expect(try entry.evaluate(version: "1.0.2-rc.1") == .affected(fixedIn: "1.0.2"))
        #expect(try entry.evaluate(version: "1.0.2") == .notAffected)
        #expect(try entry.evaluate(version: "2.0.0") == .notAffected)
    }

    @Test func severalIntroducedFixedPairsInOneRange() throws {
        // The schema's "multiple range example": [1.0.0, 1.0.2) and [3.0.0, 3.2.5), events deliberately unsorted.
        let entry = Self.entry("npm", [Self.range("SEMVER", [
            .introduced("3.0.0"), .fixed("3.2.5"), .introduced("1.0.0"), .fixed("1.0.2"),
        ])])
        #expect(try entry.evaluate(version: "0.9.0") == .notAffected)
        #expect(try entry.evaluate(version: "1.0.0") == .affected(fixedIn: "1.0.2"))
        #expect(try entry.evaluate(version: "2.0.0") == .notAffected)
        #expect(try entry.evaluate(version: "3.1.0") == .affected(fixedIn: "3.2.5"))
        #expect(try entry.evaluate(version: "3.2.5") == .notAffected)
    }

    @Test func lastAffectedIncludesItsVersionAndGivesNoFix() throws {
        let entry = Self.entry("Maven", [Self.range("ECOSYSTEM", [.introduced("0"), .lastAffected("2.1.214")])])
        #expect(try entry.evaluate(version: "2.1.214") == .affected(fixedIn: nil))
        #expect(try entry.evaluate(version: "2.1.215") == .notAffected)
    }

    @Test func limitCapsTheRangeAndStarIsInfinity() throws {
        let capped = Self.entry("PyPI", [Self.range("ECOSYSTEM", [.introduced("10"), .limit("13")])])
        #expect(try capped.evaluate(version: "9") == .notAffected)
        #expect(try capped.evaluate(version: "12.9") == .affected(fixedIn: nil))
        #expect(try capped.evaluate(version: "13") == .notAffected)
        let open = Self.entry("PyPI", [Self.range("ECOSYSTEM", [.introduced("10"), .limit("*")])])
        #expect(try open.evaluate(version: "1000") == .affected(fixedIn: nil))
        // With several limits, being below any one of them is enough.
        let two = Self.entry("PyPI", [Self.range("ECOSYSTEM", [.introduced("0"), .limit("2"), .limit("5")])])
        #expect(try two.evaluate(version: "4") == .affected(fixedIn: nil))
        #expect(try two.evaluate(version: "5") == .notAffected)
    }

    @Test func eventsAtOneVersionAffectNothing() throws {
        // introduced X, fixed X: walked introduced first, so X itself is fixed.
        let entry = Self.entry("PyPI", [Self.range("ECOSYSTEM", [.fixed("1.0"), .introduced("1.0")])])
        #expect(try entry.evaluate(version: "1.0") == .notAffected)
        #expect(try entry.evaluate(version: "0.9") == .notAffected)
    }

    @Test func fixedZeroMeansNeverAffected() throws {
        let entry = Self.entry("Wolfi", [Self.range("ECOSYSTEM", [.introduced("0"), .fixed("0")])])
        #expect(try entry.evaluate(version: "0.0.1-r0") == .notAffected)
        #expect(try entry.evaluate(version: "2.0.14-r0") == .notAffected)
    }

    @Test func fixThatFallsIntoAnotherRangeIsSkipped() throws {
        // 1.5 fixed one bug line but a second range reintroduces the problem at 1.5 until 2.0.
        let entry = Self.entry("PyPI", [
            Self.range("ECOSYSTEM", [.introduced("0"), .fixed("1.5")]),
            Self.range("ECOSYSTEM", [.introduced("1.5"), .fixed("2.0")]),
        ])
        #expect(try entry.evaluate(version: "1.0") == .affected(fixedIn: "2.0"))
        #expect(try entry.evaluate(version: "1.7") == .affected(fixedIn: "2.0"))
        #expect(try entry.evaluate(version: "2.0") == .notAffected)
    }

    @Test func versionsListMatchesByStringOrSchemeEquality() throws {
        let entry = Self.entry("PyPI", [], versions: ["1.0", "1.1", "not-a-version"])
        #expect(try entry.evaluate(version: "1.0.0") == .affected(fixedIn: nil))
        #expect(try entry.evaluate(version: "1.1") == .affected(fixedIn: nil))
        #expect(try entry.evaluate(version: "1.2") == .notAffected)
    }

    @Test func gitRangesCountOnlyThroughTheVersionsList() throws {
        let git = Self.range("GIT", [.introduced("0"), .fixed("43e58ac865ff862c2008c510fc5f7627e10b4660")])
        let withList = Self.entry("PyPI", [git], versions: ["1.3.3"])
        #expect(try withList.evaluate(version: "1.3.3") == .affected(fixedIn: nil))
        #expect(try withList.evaluate(version: "1.4.1") == .notAffected)
    }

    @Test func entryWithoutRangesOrVersionsAffectsNothing() throws {
        #expect(try Self.entry("npm", []).evaluate(version: "1.0.0") == .notAffected)
    }

    // MARK: - Errors are never "not affected"

    @Test func invalidEventVersionIsAnErrorWhenNothingElseMatches() throws {
        let entry = Self.entry("npm", [Self.range("SEMVER", [.introduced("0"), .fixed("1.0")])])
        #expect {
            try entry.evaluate(version: "2.0.0")
        } throws: { error in
            guard case .invalidEventVersion(rangeIndex: 0, let cause) = error as? OSVEvaluationError else { return false }
            return cause.version == "1.0" && cause.scheme == "semver"
        }
    }

    @Test func brokenRangeDoesNotHideAMatchElsewhere() throws {
        // The Dependency-Track synthetic entry: ECOSYSTEM [1,2) and [3,4) plus a SEMVER range whose "1" is not SemVer.
        let entry = Self.entry("Maven", [
            Self.range("ECOSYSTEM", [.introduced("1"), .fixed("2"), .introduced("3"), .fixed("4")]),
            Self.range("SEMVER", [.introduced("0"), .fixed("1")]),
        ])
        #expect(try entry.evaluate(version: "3.5") == .affected(fixedIn: "4"))
        #expect(throws: OSVEvaluationError.self) { try entry.evaluate(version: "2.5") }
    }

    @Test func invalidInstalledVersionIsAnError() {
        let entry = Self.entry("npm", [Self.range("SEMVER", [.introduced("0"), .fixed("1.0.0")])])
        #expect {
            try entry.evaluate(version: "banana")
        } throws: { error in
            guard case .invalidVersion(let cause) = error as? OSVEvaluationError else { return false }
            return cause.version == "banana"
        }
    }

    @Test func rangeWithoutIntroducedAndUnknownRangeTypesAreErrors() {
        let noIntroduced = Self.entry("PyPI", [Self.range("ECOSYSTEM", [.fixed("2.0")])])
        #expect(throws: OSVEvaluationError.missingIntroduced(rangeIndex: 0)) {
            try noIntroduced.evaluate(version: "1.0")
        }
        let unknown = Self.entry("PyPI", [Self.range("HG", [.introduced("0")])])
        #expect(throws: OSVEvaluationError.unsupportedRangeType("HG")) { try unknown.evaluate(version: "1.0") }
    }

    @Test func unsupportedEcosystemIsAnError() {
        let entry = Self.entry("GitHub Actions", [Self.range("ECOSYSTEM", [.introduced("0")])])
        #expect(throws: OSVEvaluationError.unsupportedEcosystem("GitHub Actions")) {
            try entry.evaluate(version: "1.0.0")
        }
    }

    @Test func eventObjectsMustHoldExactlyOneKind() {
        for json in [#"{"introduced": "1.0.0", "fixed": "1.0.2"}"#, "{}"] {
            #expect(throws: DecodingError.self, "\(json)") {
                try JSONDecoder().decode(OSVRecord.Event.self, from: Data(json.utf8))
            }
        }
    }

    // MARK: - Against a literal reading of the pseudocode

    @Test func randomRangesAgreeWithTheSchemaPseudocode() throws {
        // given: random ranges over the versions 1...12 (PyPI), "0" and "*" included, events in random order
        var random = SplitMix(seed: 20261127)
        for _ in 0..<400 {
            var ranges: [[(kind: Int, value: Int)]] = []
            for _ in 0..<random.next(1...2) {
                var events = [(kind: 0, value: random.next(0...12))]
                for _ in 0..<random.next(0...4) { events.append((random.next(0...3), random.next(0...13))) }
                ranges.append(events.shuffled(using: &random))
            }
            let entry = Self.entry("PyPI", ranges.map { events in
                Self.range("ECOSYSTEM", events.map { event -> OSVRecord.Event in
                    let text = event.kind == 3 && event.value == 13 ? "*" : String(event.value)
                    return [.introduced(text), .fixed(text), .lastAffected(text), .limit(text)][event.kind]
                })
            })
            let evaluator = try OSVAffectedEvaluator(entry)
            for version in 1...12 {
                // when
                let verdict = try evaluator.evaluate(String(version))
                // then: affected exactly when the pseudocode says so
                let affected = ranges.contains { Self.pseudocode(version, $0) }
                #expect(verdict.isAffected == affected, "\(ranges) at \(version)")
                // and the fix is the lowest fixed event above the version that the entry does not affect
                let fixes = ranges.flatMap { $0 }.filter { $0.kind == 1 && $0.value > version }.map(\.value)
                let expectedFix = fixes.sorted().first { fix in !ranges.contains { Self.pseudocode(fix, $0) } }
                if case .affected(let fixedIn) = verdict {
                    #expect(fixedIn == expectedFix.map(String.init), "\(ranges) at \(version)")
                }
            }
        }
    }

    /// `IncludedInRanges` for one range, read literally: integers, "0" is 0, a limit of 13 is "*".
    static func pseudocode(_ v: Int, _ events: [(kind: Int, value: Int)]) -> Bool {
        let limits = events.filter { $0.kind == 3 }
        if !limits.isEmpty && !limits.contains(where: { $0.value == 13 || v < $0.value }) { return false }
        var vulnerable = false
        for event in events.filter({ $0.kind != 3 }).sorted(by: { ($0.value, $0.kind == 1 ? 2 : $0.kind == 2 ? 1 : 0)
            < ($1.value, $1.kind == 1 ? 2 : $1.kind == 2 ? 1 : 0) })
        {
            switch event.kind {
            case 0: if v >= event.value { vulnerable = true }
            case 1: if v >= event.value { vulnerable = false }
            default: if v > event.value { vulnerable = false }
            }
        }
        return vulnerable
    }

    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func next(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    }

    // MARK: - Helpers

    static func entry(_ ecosystem: String, _ ranges: [OSVRecord.Range], versions: [String] = []) -> OSVRecord.Affected {
        OSVRecord.Affected(package: .init(ecosystem: ecosystem, name: "example"), ranges: ranges, versions: versions)
    }

    static func range(_ type: String, _ events: [OSVRecord.Event]) -> OSVRecord.Range {
        OSVRecord.Range(type: type, repo: type == "GIT" ? "https://example.invalid/repo" : nil, events: events)
    }
}
