import Foundation
import Testing

@testable import PatchTrackCore

@Suite("Patch timelines, SLA verdicts and percentiles")
struct PatchTimelineTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test("fully rolled out needs the patched build and no affected digest running; it is the later of build and last stop")
    func fullyRolledOut() {
        let built = Self.at("2026-03-02T05:00:00Z")
        #expect(PatchTimeline.fullyRolledOut(patchedBuilt: nil, affected: [.never]) == nil)
        #expect(PatchTimeline.fullyRolledOut(patchedBuilt: built, affected: [.stopped(Self.at("2026-03-02T04:00:00Z")), .now]) == nil)
        #expect(PatchTimeline.fullyRolledOut(patchedBuilt: built, affected: [.never]) == built)
        #expect(
            PatchTimeline.fullyRolledOut(
                patchedBuilt: built, affected: [.stopped(Self.at("2026-03-02T04:00:00Z")), .stopped(Self.at("2026-03-02T12:00:00Z")), .never])
                == Self.at("2026-03-02T12:00:00Z"))
    }

    @Test("the stage is the furthest reached; time to patch runs from detection to closing")
    func stages() {
        var timeline = PatchTimeline(firstDetected: Self.at("2026-03-02T01:00:00Z"))
        #expect(timeline.stage == .detected)
        #expect(timeline.timeToPatch == nil)
        timeline.patchedBuilt = Self.at("2026-03-02T05:00:00Z")
        #expect(timeline.stage == .patchedBuilt)
        timeline.firstRolloutStarted = Self.at("2026-03-02T06:00:00Z")
        #expect(timeline.stage == .rolloutStarted)
        timeline.canaryComplete = Self.at("2026-03-02T08:00:00Z")
        #expect(timeline.stage == .canaryComplete)
        timeline.fullyRolledOut = Self.at("2026-03-02T12:00:00Z")
        #expect(timeline.stage == .fullyRolledOut)
        #expect(timeline.closedAt == Self.at("2026-03-02T12:00:00Z"))
        #expect(abs((timeline.timeToPatch ?? 0) - 11 * 3600) < 0.001)
    }

    @Test("SLA: due is detection plus the severity's days; verdicts at the boundaries")
    func serviceLevel() {
        let levels = ServiceLevel(criticalDays: 2, highDays: 7, mediumDays: 30, lowDays: 90)
        let detected = Self.at("2026-03-02T00:00:00Z")
        let due = levels.due(detected: detected, severity: .critical)!
        #expect(due == Self.at("2026-03-04T00:00:00Z"))
        #expect(levels.due(detected: detected, severity: .low) == Self.at("2026-05-31T00:00:00Z"))
        #expect(levels.due(detected: detected, severity: .unknown) == nil)
        #expect(ServiceLevel.verdict(due: nil, closedAt: nil, now: detected) == .none)
        #expect(ServiceLevel.verdict(due: due, closedAt: due, now: detected) == .met)
        #expect(ServiceLevel.verdict(due: due, closedAt: due.addingTimeInterval(1), now: detected) == .missed)
        #expect(ServiceLevel.verdict(due: due, closedAt: nil, now: due.addingTimeInterval(1)) == .breached)
        #expect(ServiceLevel.verdict(due: due, closedAt: nil, now: due) == .dueSoon)
        #expect(ServiceLevel.verdict(due: due, closedAt: nil, now: due.addingTimeInterval(-86_400)) == .dueSoon)
        #expect(ServiceLevel.verdict(due: due, closedAt: nil, now: due.addingTimeInterval(-86_401)) == .onTrack)
    }

    @Test("nearest-rank percentiles")
    func percentiles() {
        #expect(Percentile.of([], 50) == nil)
        #expect(Percentile.of([7], 90) == 7)
        #expect(Percentile.of([4, 1, 3, 2], 50) == 2)
        #expect(Percentile.of([15, 20, 35, 40, 50], 90) == 50)
        #expect(Percentile.of(Array(1...10).map(Double.init), 90) == 9)
    }

    @Test("rollout states: active, finished, end of canary; replica shares round down")
    func rolloutStates() {
        #expect(RolloutState.allCases.filter(\.isActive) == [.progressing, .paused, .promoted])
        #expect(RolloutState.allCases.filter(\.isFinished) == [.completed, .aborted, .rolledBack])
        #expect(RolloutState.allCases.filter(\.endsCanary) == [.promoted, .completed])
        #expect(RolloutState(rawValue: "rolled_back") == .rolledBack)
        #expect(replicaShare(1, of: 4) == 25)
        #expect(replicaShare(2, of: 3) == 66)
        #expect(replicaShare(5, of: 5) == 100)
        #expect(replicaShare(1, of: 0) == 0)
    }
}
