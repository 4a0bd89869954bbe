import Foundation
import Testing

import PatchTrackCore

/// Lineage, waves, cycles, ordering and determinism of rebuild plans.
@Suite struct RebuildPlannerLineageTests {
    typealias S = PlanningSamples

    /// debian (tracked base) → runtime → app, each built on the previous one by digest.
    private func threeLevels() throws -> (debian: PlanImage, runtime: PlanImage, app: PlanImage) {
        let debian = try S.image("debian", in: "debian", tags: ["bookworm"])
        let runtime = try S.image("runtime", in: "ghcr.io/acme/runtime", base: S.base("debian", tag: "bookworm", label: "debian"))
        let app = try S.image("app", in: "ghcr.io/acme/app", base: S.base("ghcr.io/acme/runtime", tag: "latest", label: "runtime"))
        return (debian, runtime, app)
    }

    @Test func fixableFindingInBaseRebuildsThreeLevelsInThreeWaves() throws {
        // given
        let (debian, runtime, app) = try threeLevels()
        let findings = [debian.digest: [S.finding("DSA-5678-1", .high, origin: .image)]]

        // when
        let plan = try S.plan([app, runtime, debian], findings: findings)

        // then
        #expect(plan.entries.map(\.digest) == [debian.digest, runtime.digest, app.digest])
        #expect(plan.entries.map(\.wave) == [1, 2, 3])
        #expect(plan.waveCount == 3)
        #expect(plan.entries[0].reasonCodes == [.fixableVulnerability])
        #expect(plan.entries[1].reasons == [.baseImageNeedsRebuild(base: debian.digest, repository: debian.repository, baseWave: 1)])
        #expect(plan.entries[2].reasons == [.baseImageNeedsRebuild(base: runtime.digest, repository: runtime.repository, baseWave: 2)])
    }

    @Test func imageWithOwnReasonsAlsoWaitsForItsBase() throws {
        // given: both the base and the app have a fixable finding
        let (debian, runtime, _) = try threeLevels()
        let findings = [debian.digest: [S.finding("DSA-1", .high)], runtime.digest: [S.finding("GHSA-1", .critical)]]

        // when
        let plan = try S.plan([runtime, debian], findings: findings)

        // then: the critical runtime still waits for the high base, and keeps both reasons
        #expect(plan.entries.map(\.digest) == [debian.digest, runtime.digest])
        #expect(try #require(plan.entry(for: runtime.digest)).reasonCodes == [.fixableVulnerability, .baseImageNeedsRebuild])
    }

    @Test func movedBaseTagMarksDownstreamImageAndItsDependents() throws {
        // given: debian:bookworm moved from the digest runtime was built on to a newer one; the old base needs nothing
        let (oldDebian, runtime, app) = try threeLevels()
        let debian = PlanImage(digest: oldDebian.digest, repository: oldDebian.repository, created: oldDebian.created)
        let newDebian = try S.image("debian-new", in: "debian", tags: ["bookworm"])
        let bookworm = RepositoryTag(repository: debian.repository, tag: "bookworm")
        let runtimeTag = RepositoryTag(repository: runtime.repository, tag: "latest")

        // when
        let plan = try S.plan([debian, newDebian, runtime, app], tagHeads: [bookworm: newDebian.digest, runtimeTag: runtime.digest])

        // then
        #expect(plan.entries.map(\.digest) == [runtime.digest, app.digest])
        #expect(plan.entries[0].reasons == [.baseImageUpdated(base: bookworm, builtFrom: debian.digest, current: newDebian.digest)])
        #expect(plan.entries[0].wave == 1)
        #expect(plan.entries[1].reasons == [.baseImageNeedsRebuild(base: runtime.digest, repository: runtime.repository, baseWave: 1)])
        #expect(plan.explain(debian.digest)?.needsRebuild == false)
    }

    @Test func imageWaitsForTheBaseItsTagPointsToNowNotTheOneItWasBuiltFrom() throws {
        // given: runtime was built on debian@old; bookworm now points to debian@new; both debians have fixable
        // findings, and debian@new is itself built on a base being rebuilt
        let scratch = try S.image("scratch", in: "ghcr.io/acme/scratch")
        let oldDebian = try S.image("debian-old", in: "debian", tags: [])
        let newDebian = try S.image(
            "debian-new", in: "debian", tags: ["bookworm"], base: S.base("ghcr.io/acme/scratch", label: "scratch"))
        let runtime = try S.image("runtime", in: "ghcr.io/acme/runtime", base: S.base("debian", tag: "bookworm", label: "debian-old"))
        let bookworm = RepositoryTag(repository: newDebian.repository, tag: "bookworm")
        let findings = [
            scratch.digest: [S.finding("CVE-1", .high)], oldDebian.digest: [S.finding("DSA-1", .high)],
            newDebian.digest: [S.finding("DSA-2", .high)],
        ]

        // when
        let plan = try S.plan([runtime, newDebian, oldDebian, scratch], tagHeads: [bookworm: newDebian.digest], findings: findings)

        // then
        let entry = try #require(plan.entry(for: runtime.digest))
        #expect(entry.wave == 3)
        #expect(entry.reasons == [
            .baseImageUpdated(base: bookworm, builtFrom: oldDebian.digest, current: newDebian.digest),
            .baseImageNeedsRebuild(base: newDebian.digest, repository: newDebian.repository, baseWave: 2),
        ])
        #expect(plan.entry(for: oldDebian.digest)?.wave == 1)
    }

    @Test func cycleThroughATagHeadIsDetected() throws {
        // given: x is built on app:edge, which now points to y; y was built on x
        let x = try S.image("x", base: S.base("registry.example.com/app", tag: "edge", label: "old"))
        let y = try S.image("y", base: S.base("registry.example.com/app", label: "x"))
        let edge = RepositoryTag(repository: x.repository, tag: "edge")

        // when
        let error = #expect(throws: PlanningError.self) { try S.plan([y, x], tagHeads: [edge: y.digest]) }

        // then
        #expect(error == .lineageCycle([x.digest, y.digest]))
    }

    @Test func untrackedBaseEndsTheLineage() throws {
        // given: runtime's base digest is not among the images
        let runtime = try S.image("runtime", base: S.base("debian", tag: "bookworm", label: "somewhere-else"))

        // when
        let plan = try S.plan([runtime])

        // then
        guard case .needsNothing(_, let checks) = try #require(plan.explain(runtime.digest)) else {
            Issue.record("expected needsNothing")
            return
        }
        #expect(checks.first { $0.name == .baseImageNeedsRebuild }?.detail.contains("not among the planned images") == true)
    }

    // MARK: - Errors

    @Test func cycleIsReportedWithItsDigestsInBaseOrder() throws {
        // given: a → c → b → a (each arrow: "is built on"), plus an unrelated image and one hanging off the cycle
        let a = try S.image("a", base: S.base("registry.example.com/app", label: "c"))
        let b = try S.image("b", base: S.base("registry.example.com/app", label: "a"))
        let c = try S.image("c", base: S.base("registry.example.com/app", label: "b"))
        let leaf = try S.image("0-leaf", base: S.base("registry.example.com/app", label: "b"))
        let loner = try S.image("loner")

        // when
        let error = #expect(throws: PlanningError.self) { try S.plan([loner, c, b, leaf, a]) }

        // then
        #expect(error == .lineageCycle([a.digest, c.digest, b.digest]))
        let loop = [a, c, b, a].map(\.digest.value).joined(separator: " → ")
        #expect(error?.description == "base image lineage has a cycle: \(loop)")
    }

    @Test func imageBuiltOnItselfIsACycleOfOne() throws {
        // given
        let selfish = try S.image("selfish", base: S.base("registry.example.com/app", label: "selfish"))

        // when
        let error = #expect(throws: PlanningError.self) { try S.plan([selfish]) }

        // then
        #expect(error == .lineageCycle([selfish.digest]))
    }

    @Test func duplicateDigestIsRejected() throws {
        // given
        let app = try S.image("app")

        // when
        let error = #expect(throws: PlanningError.self) { try S.plan([app, app]) }

        // then
        #expect(error == .duplicateImage(app.digest))
    }

    // MARK: - Order

    @Test func entriesInAWaveAreOrderedBySeverityThenCountThenAgeThenDigest() throws {
        // given
        let critical = try S.image("p-critical", createdDaysAgo: 1)
        let highMany = try S.image("p-high-many", createdDaysAgo: 1)
        let highOld = try S.image("p-high-old", createdDaysAgo: 20)
        let highYoung = try S.image("p-high-young", createdDaysAgo: 5)
        let highUndated = try S.image("p-high-undated", createdDaysAgo: nil)
        let tieB = try S.image("p-tie-b", createdDaysAgo: 3)
        let tieA = try S.image("p-tie-a", createdDaysAgo: 3)
        let requestedOnly = try S.image("a-requested", createdDaysAgo: 1)
        let high = S.finding("CVE-1", .high)
        let findings = [
            critical.digest: [S.finding("CVE-9", .critical)],
            highMany.digest: [high, S.finding("CVE-2", .high), S.finding("CVE-3", .high)],
            highOld.digest: [high], highYoung.digest: [high], highUndated.digest: [high], tieB.digest: [high], tieA.digest: [high],
        ]
        let requests = [requestedOnly.digest: [RebuildRequest(requestedBy: "ops", reason: "test", requestedAt: S.daysAgo(1))]]
        let images = [requestedOnly, tieB, highUndated, highYoung, tieA, highOld, highMany, critical]

        // when
        let plan = try S.plan(images, findings: findings, requests: requests)

        // then
        let expected = [critical, highMany, highOld, highYoung, tieA, tieB, highUndated, requestedOnly].map(\.digest)
        #expect(plan.entries.map(\.digest) == expected)
    }

    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func shuffledInputsGiveTheSamePlan(seed: UInt64) throws {
        // given: two lineages, several reasons, findings and requests
        let input = try mixedInput()
        var generator = SplitMix64(seed: seed)
        var shuffled = input
        shuffled.images.shuffle(using: &generator)
        shuffled.findings = shuffled.findings.mapValues { $0.shuffled(using: &generator) }
        shuffled.requests = shuffled.requests.mapValues { $0.shuffled(using: &generator) }
        for index in shuffled.images.indices { shuffled.images[index].tags.shuffle(using: &generator) }

        // when
        let reference = try RebuildPlanner.plan(input)
        let plan = try RebuildPlanner.plan(shuffled)

        // then
        #expect(plan == reference)
        let expected = try ["debian", "stale", "tool", "runtime", "app", "worker"].map(S.digest)
        #expect(reference.entries.map(\.digest) == expected)
        #expect(reference.entries.map(\.wave) == [1, 1, 1, 2, 3, 3])
        #expect(reference.entry(for: try S.digest("worker"))?.tags == ["latest", "v2", "v2.1"])
    }

    @Test func longLineageIsPlannedWithoutRecursion() throws {
        // given: a chain of 3000 images, the root with a fixable finding
        var images = [try S.image("n0000")]
        for level in 1..<3000 {
            let parent = try S.base("registry.example.com/app", label: String(format: "n%04d", level - 1))
            images.append(try S.image(String(format: "n%04d", level), base: parent))
        }
        let root = images[0].digest

        // when
        let plan = try S.plan(images.reversed(), findings: [root: [S.finding("CVE-1", .critical)]])

        // then
        #expect(plan.entries.map(\.wave) == Array(1...3000))
        #expect(plan.entries.map(\.digest) == images.map(\.digest))
    }

    // MARK: - Filters

    @Test func filtersSelectByRepositoryReasonSeverityAndWave() throws {
        // given
        let plan = try RebuildPlanner.plan(try mixedInput())

        // when
        let inAcmeApp = plan.entries(matching: RebuildPlanFilter(repository: try S.repository("ghcr.io/acme/app")))
        let waitingForBase = plan.entries(matching: RebuildPlanFilter(reason: .baseImageNeedsRebuild))
        let critical = plan.entries(matching: RebuildPlanFilter(minimumSeverity: .critical))
        let thirdWave = plan.entries(matching: RebuildPlanFilter(wave: 3))
        let combined = plan.entries(matching: RebuildPlanFilter(reason: .requested, wave: 3))

        // then
        #expect(!inAcmeApp.isEmpty && inAcmeApp.allSatisfy { $0.repository.value == "ghcr.io/acme/app" })
        #expect(waitingForBase.map(\.digest) == plan.entries.filter { $0.has(.baseImageNeedsRebuild) }.map(\.digest))
        #expect(critical.map(\.digest) == [try S.digest("runtime")])
        #expect(thirdWave == plan.entries(inWave: 3))
        #expect(thirdWave.map(\.digest) == [try S.digest("app"), try S.digest("worker")])
        #expect(combined.map(\.digest) == [try S.digest("app")])
        #expect(plan.entries(matching: RebuildPlanFilter()) == plan.entries)
    }

    /// debian → runtime → app / worker; alpine → tool; plus an old image and a requested one.
    private func mixedInput() throws -> RebuildPlanInput {
        let (debian, runtime, app) = try threeLevels()
        let worker = try S.image(
            "worker", in: "ghcr.io/acme/worker", tags: ["v2", "latest", "v2.1"], base: S.base("ghcr.io/acme/runtime", label: "runtime"))
        let alpineOld = try S.image("alpine-old", in: "alpine", tags: [])
        let alpineNew = try S.image("alpine-new", in: "alpine", tags: ["3.20"])
        let tool = try S.image("tool", in: "ghcr.io/acme/tool", base: S.base("alpine", tag: "3.20", label: "alpine-old"))
        let stale = try S.image("stale", in: "ghcr.io/acme/app", tags: ["old"], createdDaysAgo: 90)
        let quiet = try S.image("quiet", in: "ghcr.io/acme/quiet")
        let findings = [
            debian.digest: [S.finding("DSA-1", .high), S.finding("DSA-2", .medium), S.finding("DSA-3", .critical, fixed: nil)],
            runtime.digest: [S.finding("GHSA-1", .critical, package: "node"), S.finding("GHSA-2", .high, package: "npm")],
            quiet.digest: [S.finding("CVE-1", .critical, suppressed: true), S.finding("CVE-2", .high, fixed: nil)],
        ]
        let requests = [
            app.digest: [
                RebuildRequest(requestedBy: "bob", reason: "b", requestedAt: S.daysAgo(1)),
                RebuildRequest(requestedBy: "alice", reason: "a", requestedAt: S.daysAgo(1)),
            ],
        ]
        let tagHeads = [RepositoryTag(repository: try S.repository("alpine"), tag: "3.20"): alpineNew.digest]
        return RebuildPlanInput(
            images: [debian, runtime, app, worker, alpineOld, alpineNew, tool, stale, quiet], tagHeads: tagHeads,
            findings: findings, requests: requests, now: S.now)
    }
}
