import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// Fleet status, SLA breaches, vulnerability progress and the plan input over ``FleetFixture``: the same numbers on
/// each engine.
@Suite("Fleet, progress and rebuild stores, on each engine")
struct FleetAndProgressStoreTests {
    private static let fifteenDays: Double = 15 * 86_400

    @Test("fleet status: open findings without the suppressed and closed, SLA standings, exposure, time-to-patch", arguments: TestEngine.available)
    func fleetStatus(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let clock = FixtureClock(FleetFixture.now)
            _ = try await FleetFixture.write(executors[0], clock: clock)

            // when
            let status = try await FleetStore(executor: executors[0], now: clock.now).fleetStatus()

            // then
            #expect((status.images, status.runningImages, status.supersededImages) == (3, 2, 1))
            let open = Dictionary(uniqueKeysWithValues: status.openFindings.map { ("\($0.severity.rawValue)/\($0.fixable)", $0.count) })
            #expect(open.filter { $0.value != 0 } == ["critical/true": 1, "medium/true": 1, "low/false": 1])
            #expect(status.openFindings.count == SeverityLevel.allCases.count * 2)
            #expect(status.slaBreached == [.critical: 1])
            #expect(status.slaDueSoon == [.low: 1])
            #expect(status.timeToPatch == [.critical: [Self.fifteenDays], .high: [Self.fifteenDays]])
            #expect(status.timeToPatchAllTime == status.timeToPatch)
            #expect(status.activeRollouts.isEmpty)
            let prod = try #require(status.environments.first)
            #expect(status.environments.count == 1 && prod.environment == "prod" && prod.workloads == 2 && prod.replicas == 5)
            #expect(prod.vulnerableWorkloads == 1 && prod.vulnerableReplicas == 2 && prod.vulnerableReplicasBySeverity == [.critical: 2])
        }
    }

    @Test("SLA breaches: the breached (and due soon) open, unsuppressed findings, soonest due first", arguments: TestEngine.available)
    func slaBreaches(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let clock = FixtureClock(FleetFixture.now)
            let findings = try await FleetFixture.write(executors[0], clock: clock)
            let fleet = FleetStore(executor: executors[0], now: clock.now)

            // when
            let breached = try await fleet.slaBreaches(includeDueSoon: false, severity: nil)
            let withSoon = try await fleet.slaBreaches(includeDueSoon: true, severity: nil)
            let lowOnly = try await fleet.slaBreaches(includeDueSoon: true, severity: .low)
            let highOnly = try await fleet.slaBreaches(includeDueSoon: true, severity: .high)

            // then
            #expect(breached.map(\.findingId) == [findings["f3"]])
            #expect(breached.first?.due == Timestamp.parse("2026-11-22T00:00:00Z") && breached.first?.sla == .breached)
            #expect(withSoon.map(\.findingId) == [findings["f3"], findings["f4"]])
            #expect(withSoon.map(\.sla) == [.breached, .dueSoon])
            #expect(lowOnly.map(\.findingId) == [findings["f4"]])
            #expect(highOnly.isEmpty)
        }
    }

    @Test("breached exposure: the replicas of running digests with findings past their SLA, by environment", arguments: TestEngine.available)
    func breachedExposure(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: prod runs web on B (no open findings) and api on C (f3 critical breached, f4 low due within a
            // day, f5 suppressed, f6 medium on track); A, with f1 and f2, stopped running and they closed
            let clock = FixtureClock(FleetFixture.now)
            _ = try await FleetFixture.write(executors[0], clock: clock)
            let fleet = FleetStore(executor: executors[0], now: clock.now)

            // when / then: api's 2 pods, at critical
            var exposure = try await fleet.breachedExposure()
            #expect(exposure.map(\.environment) == ["prod"])
            #expect(exposure.first?.vulnerableReplicasBySeverity == [.critical: 2])
            #expect(exposure.first?.vulnerableWorkloads == 1)
            // the image set agrees with the breach list where the images run
            let breachedImages = Set(try await fleet.slaBreaches(includeDueSoon: false, severity: nil).map(\.digest))
            #expect(breachedImages == [FleetFixture.c])

            // when: VEX suppresses f3, and a day and a half later f4 (low) is past its SLA too
            clock.set("2026-11-29T00:00:00Z")
            exposure = try await fleet.breachedExposure()
            #expect(exposure.first?.vulnerableReplicasBySeverity == [.critical: 2])
            try await executors[0].write { session in
                try session.execute(
                    """
                    INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, status, statedAt, createdAt)
                    VALUES ('openvex', 'CVE-1', 'image', \(FleetFixture.c), 'not_affected', '2026-11-28T00:00:00.000Z',
                        '2026-11-28T00:00:00.000Z')
                    """)
            }
            // (a new store: this raw write bumps no generation, so a kept store would keep its suppressed set)
            exposure = try await FleetStore(executor: executors[0], now: clock.now).breachedExposure()
            #expect(exposure.first?.vulnerableReplicasBySeverity == [.low: 2])
        }
    }

    @Test("vulnerability progress, exposure history and one finding's timeline", arguments: TestEngine.available)
    func vulnerabilityProgress(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let clock = FixtureClock(FleetFixture.now)
            let findings = try await FleetFixture.write(executors[0], clock: clock)
            let store = ProgressStore(executor: executors[0], now: clock.now)

            // when
            let progress = try await store.vulnerabilityProgress("CVE-1")
            let history = try await store.exposureHistory("CVE-1", limit: 10)
            let closed = try #require(try await store.findingProgress(id: findings["f1"]))
            let suppressed = try await store.findingProgress(id: findings["f5"])

            // then
            #expect(Set(progress.findings.map(\.findingId)) == [findings["f1"], findings["f3"]])
            #expect(progress.images.map(\.digest) == [FleetFixture.c, FleetFixture.a])
            let patched = try #require(progress.images.first { $0.digest == FleetFixture.a })
            #expect(patched.patchedDigest == FleetFixture.b && patched.stage == .fullyRolledOut)
            #expect(patched.closedAt == Timestamp.parse("2026-11-25T00:00:00Z") && patched.running.isEmpty)
            let open = try #require(progress.images.first { $0.digest == FleetFixture.c })
            #expect(open.patchedDigest == nil && open.closedAt == nil && open.running == ["prod": 2] && open.severity == .critical)
            #expect(
                progress.environments == [
                    .init(
                        name: "prod", stage: "production", order: 1, vulnerableWorkloads: 1, vulnerableReplicas: 2, patchedReplicas: 3,
                        activeRollouts: 0, completedRollouts: 0)
                ])
            #expect(history.map(\.workloads) == [2, 1] && history.map(\.replicas) == [5, 2])
            #expect(history.map(\.takenAt) == ["2026-11-01T00:00:00.000Z", "2026-11-25T00:00:00.000Z"])
            #expect(closed.sla == .missed && closed.timeline.timeToPatch == Self.fifteenDays)
            #expect(closed.timeline.patchedDigest?.value == FleetFixture.b)
            #expect(suppressed == nil)
        }
    }

    @Test("timelines read along their own rebuild chain equal the fleet-wide computation's", arguments: TestEngine.available)
    func scopedTimelines(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given: the fixture's fleet, and every open finding's progress computed from the whole database's facts
            let clock = FixtureClock(FleetFixture.now)
            let findings = try await FleetFixture.write(executors[0], clock: clock)
            let store = ProgressStore(executor: executors[0], now: clock.now)
            let now = clock.now()
            let everything = try await executors[0].read { session in
                let facts = try TimelineFacts.load(session, suppressed: try VEXStore.suppressedFindings(session))
                return try ProgressStore.findingProgress(session, facts: facts, now: now, condition: "TRUE")
            }
            #expect(everything.count == 5)  // f5 is suppressed
            #expect(everything.contains { $0.timeline.patchedDigest?.value == FleetFixture.b })
            // when / then: a point read, which loads only its finding's chain and statements, answers the same
            for (name, id) in findings.ids {
                let one = try await store.findingProgress(id: id)
                #expect(one == everything.first { $0.findingId == id }, "finding \(name)")
            }
            // and so does each vulnerability's progress
            for vulnerability in ["CVE-1", "CVE-2", "CVE-3", "CVE-4"] {
                let progress = try await store.vulnerabilityProgress(vulnerability)
                #expect(
                    progress.findings.sorted { $0.findingId < $1.findingId }
                        == everything.filter { $0.vulnerabilityId == vulnerability }.sorted { $0.findingId < $1.findingId },
                    "vulnerability \(vulnerability)")
            }
        }
    }

    @Test("the plan input counts the tag heads not superseded, with VEX suppression", arguments: TestEngine.available)
    func planInput(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            // given
            let clock = FixtureClock(FleetFixture.now)
            _ = try await FleetFixture.write(executors[0], clock: clock)

            // when
            let input = try await RebuildStore(executor: executors[0], now: clock.now).rebuildPlanInput()

            // then
            let (b, c) = (try Digest(parsing: FleetFixture.b), try Digest(parsing: FleetFixture.c))
            #expect(Set(input.images.map(\.digest)) == [b, c])
            #expect(input.findings[b] == nil)
            let findings = try #require(input.findings[c])
            #expect(findings.map(\.advisoryID).sorted() == ["CVE-1", "CVE-2", "CVE-3", "CVE-4"])
            #expect(findings.filter(\.suppressedByVEX).map(\.advisoryID) == ["CVE-2"])
            #expect(input.now == Timestamp.parse(FleetFixture.now))
            #expect(input.tagHeads.count == 2)
        }
    }

    @Test("a finding write on another process shows in the next fleet read (cache per stored generation)", arguments: TestEngine.available)
    func findingFactsFollowOtherProcesses(engine: TestEngine) async throws {
        try await engine.withDatabase(executors: 2) { executors in
            // given: process 0 has read (and cached) the finding facts
            let clock = FixtureClock(FleetFixture.now)
            _ = try await FleetFixture.write(executors[0], clock: clock)
            let fleet = FleetStore(executor: executors[0], now: clock.now)
            let before = try await fleet.fleetStatus()
            #expect(before.environments.first?.vulnerableReplicasBySeverity == [.critical: 2])

            // when: process 1 suppresses CVE-1 on C
            try await GenerationStore(executor: executors[1]).write { session in
                _ = try session.execute(
                    """
                    INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, status, statedAt, createdAt)
                    VALUES ('openvex', 'CVE-1', 'image', \(FleetFixture.c), 'not_affected', '2026-11-27T00:00:00.000Z',
                        '2026-11-27T00:00:00.000Z')
                    """)
            }

            // then: process 0's next read sees it
            let after = try await fleet.fleetStatus()
            #expect(after.environments.first?.vulnerableReplicasBySeverity == [.medium: 2])
            #expect(after.slaBreached.isEmpty)
            #expect(try await fleet.slaBreaches(includeDueSoon: false, severity: nil).isEmpty)
        }
    }

    @Test("sums of BIGINT columns (numeric on PostgreSQL) read as integers, fractions as reals", arguments: TestEngine.available)
    func sums(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let (sum, fraction) = try await executors[0].read { session in
                (
                    try session.fetchValue("SELECT sum(replicas) FROM (SELECT CAST(2 AS BIGINT) AS replicas UNION ALL SELECT 40) t", as: Int.self),
                    try session.fetchValue("SELECT sum(share) FROM (SELECT 1.25 AS share UNION ALL SELECT 1.25) t", as: Double.self)
                )
            }
            #expect(sum == 42 && fraction == 2.5)
        }
    }
}
