import Foundation
import PatchTrackCore
import Testing

@Suite("Open findings per day")
struct FindingTrendTests {
    let now = Timestamp.parse("2026-12-05T18:30:00Z")!

    @Test("the window ends with today's UTC day and starts days-1 before")
    func window() {
        let (first, start) = FindingTrend.window(days: 30, endingAt: now)
        #expect(first == "2026-11-06")
        #expect(Timestamp.format(start) == "2026-11-06T00:00:00.000Z")
        #expect(FindingTrend.window(days: 1, endingAt: now).firstDay == "2026-12-05")
    }

    @Test("the counts run from the open findings at the start, detections added and resolutions taken away per day")
    func runningTotals() {
        let points = FindingTrend.points(
            days: 3, endingAt: now, openAtStart: [.high: 2, .low: 1],
            detected: [.init(day: "2026-12-04", severity: .high, count: 3), .init(day: "2026-12-05", severity: .critical, count: 1)],
            resolved: [.init(day: "2026-12-04", severity: .high, count: 1), .init(day: "2026-12-05", severity: .low, count: 1)])
        #expect(points.map(\.day) == ["2026-12-03", "2026-12-04", "2026-12-05"])
        #expect(points.map { $0.open[.high] } == [2, 4, 4])
        #expect(points.map { $0.open[.critical] } == [0, 0, 1])
        #expect(points.map { $0.open[.low] } == [1, 1, 0])
        #expect(points.allSatisfy { $0.open.count == SeverityLevel.allCases.count })
    }

    @Test("a timeline gives the time from detection to each stage it reached")
    func secondsToStage() {
        let detected = Timestamp.parse("2026-12-01T00:00:00Z")!
        let timeline = PatchTimeline(
            firstDetected: detected, patchedBuilt: detected.addingTimeInterval(3_600),
            firstRolloutStarted: detected.addingTimeInterval(7_200))
        #expect(timeline.secondsToStage == [.patchedBuilt: 3_600, .rolloutStarted: 7_200])
    }
}
