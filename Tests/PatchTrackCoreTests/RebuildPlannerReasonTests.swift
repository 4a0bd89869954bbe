import Foundation
import Testing

import PatchTrackCore

/// Each reason on its own, the policy knobs, and `explain` — one image at a time.
@Suite struct RebuildPlannerReasonTests {
    typealias S = PlanningSamples

    // MARK: - fixable_vulnerability

    @Test func fixableFindingsAtOrAbovePolicySeverityAreListedWorstFirst() throws {
        // given
        let app = try S.image("app")
        let findings = [
            S.finding("CVE-2024-0002", .high, package: "libc6", installed: "2.36-9", fixed: "2.36-9+deb12u4", origin: .base),
            S.finding("CVE-2024-0001", .critical, package: "openssl", origin: .image),
            S.finding("CVE-2024-0003", .low, package: "zlib1g"),
            S.finding("CVE-2024-0004", .medium, package: "curl"),
        ]

        // when
        let plan = try S.plan([app], findings: [app.digest: findings])

        // then
        let entry = try #require(plan.entry(for: app.digest))
        #expect(entry.reasonCodes == [.fixableVulnerability])
        #expect(entry.wave == 1)
        #expect(entry.fixableFindings.map(\.advisoryID) == ["CVE-2024-0001", "CVE-2024-0002"])
        #expect(entry.fixableFindings.map(\.layerOrigin) == [.image, .base])
        let libc = try #require(entry.fixableFindings.last)
        #expect((libc.package, libc.installedVersion, libc.fixedVersion) == ("libc6", "2.36-9", "2.36-9+deb12u4"))
        #expect(entry.highestSeverity == .critical)
    }

    @Test func suppressedFindingsDoNotCount() throws {
        // given: a critical fixable finding that a VEX statement suppresses
        let app = try S.image("app")
        let findings = [S.finding("CVE-2024-0001", .critical, suppressed: true)]

        // when
        let plan = try S.plan([app], findings: [app.digest: findings])

        // then
        #expect(plan.entries.isEmpty)
        let check = try #require(try checks(of: app.digest, in: plan).first { $0.name == .fixableVulnerability })
        #expect(check.detail.contains("1 suppressed by VEX"))
    }

    @Test func findingWithoutFixIsNoReasonWhenPolicyRequiresFix() throws {
        // given
        let app = try S.image("app")
        let findings = [S.finding("CVE-2024-0001", .critical, fixed: nil)]

        // when
        let plan = try S.plan([app], findings: [app.digest: findings])

        // then
        #expect(plan.entries.isEmpty)
        let check = try #require(try checks(of: app.digest, in: plan).first { $0.name == .fixableVulnerability })
        #expect(check.detail.contains("1 without a fix"))
    }

    @Test func findingWithoutFixCountsWhenPolicyDoesNotRequireFix() throws {
        // given
        let app = try S.image("app")
        let findings = [S.finding("CVE-2024-0001", .critical, fixed: nil)]
        let policy = RebuildPolicy(defaults: RebuildRules(requireFix: false))

        // when
        let plan = try S.plan([app], findings: [app.digest: findings], policy: policy)

        // then
        let entry = try #require(plan.entry(for: app.digest))
        #expect(entry.reasonCodes == [.fixableVulnerability])
        #expect(entry.fixableFindings.map(\.fixedVersion) == [nil])
    }

    // MARK: - base_image_updated

    @Test func movedBaseTagIsBaseImageUpdated() throws {
        // given: the app was built on debian:bookworm@old; the tag now points to new
        let app = try S.image("app", base: S.base("debian", tag: "bookworm", label: "debian-old"))
        let bookworm = RepositoryTag(repository: try S.repository("debian"), tag: "bookworm")

        // when
        let plan = try S.plan([app], tagHeads: [bookworm: try S.digest("debian-new")])

        // then
        let entry = try #require(plan.entry(for: app.digest))
        let moved = RebuildReason.baseImageUpdated(base: bookworm, builtFrom: try S.digest("debian-old"), current: try S.digest("debian-new"))
        #expect(entry.reasons == [moved])
        #expect(bookworm.description == "docker.io/library/debian:bookworm")
    }

    @Test func baseTagStillAtBuiltFromDigestNeedsNothing() throws {
        // given
        let app = try S.image("app", base: S.base("debian", tag: "bookworm", label: "debian-old"))
        let bookworm = RepositoryTag(repository: try S.repository("debian"), tag: "bookworm")

        // when
        let plan = try S.plan([app], tagHeads: [bookworm: try S.digest("debian-old")])

        // then
        #expect(plan.entries.isEmpty)
        let check = try #require(try checks(of: app.digest, in: plan).first { $0.name == .baseImageUpdated })
        #expect(check.detail.contains("still points to"))
    }

    // MARK: - max_age_exceeded

    @Test(arguments: [(29.5, false), (30.0, false), (30.01, true), (400.0, true)])
    func imagesOlderThanMaximumAgeAreMaxAgeExceeded(daysAgo: Double, exceeded: Bool) throws {
        // given
        let app = try S.image("app", createdDaysAgo: daysAgo)

        // when
        let plan = try S.plan([app])

        // then
        let entry = plan.entry(for: app.digest)
        #expect((entry != nil) == exceeded)
        if let entry {
            #expect(entry.reasons == [.maxAgeExceeded(created: S.daysAgo(daysAgo), ageDays: Int(daysAgo), maximumAgeDays: 30)])
        }
    }

    // MARK: - untrusted_base

    @Test func baseOutsideTrustedPatternsIsUntrusted() throws {
        // given
        let trusted: [RepositoryPattern] = ["docker.io/library/*", "ghcr.io/acme/*"]
        let policy = RebuildPolicy(defaults: RebuildRules(trustedBasePatterns: trusted))
        let onDebian = try S.image("on-debian", base: S.base("debian", tag: "12", label: nil))
        let onAcme = try S.image("on-acme", base: S.base("ghcr.io/acme/base", label: "acme-base"))
        let onStranger = try S.image("on-stranger", base: S.base("quay.io/stranger/base", label: nil))
        let onAcmeTeam = try S.image("on-acme-team", base: S.base("ghcr.io/acme/team/base", label: nil))

        // when
        let plan = try S.plan([onDebian, onAcme, onStranger, onAcmeTeam], policy: policy)

        // then
        #expect(Set(plan.entries.map(\.digest)) == [onStranger.digest, onAcmeTeam.digest])
        let stranger = try #require(plan.entry(for: onStranger.digest))
        #expect(stranger.reasons == [.untrustedBase(repository: try S.repository("quay.io/stranger/base"), trustedPatterns: trusted)])
        let debianCheck = try #require(try checks(of: onDebian.digest, in: plan).first { $0.name == .untrustedBase })
        #expect(debianCheck.detail.contains("docker.io/library/*"))
    }

    @Test func emptyTrustedPatternsTrustEveryBase() throws {
        // given
        let app = try S.image("app", base: S.base("quay.io/stranger/base", label: nil))

        // when
        let plan = try S.plan([app])

        // then
        #expect(plan.entries.isEmpty)
    }

    // MARK: - requested

    @Test func openRequestsAreListedOldestFirst() throws {
        // given
        let app = try S.image("app")
        let late = RebuildRequest(requestedBy: "bob", reason: "pick up new CA bundle", requestedAt: S.daysAgo(1))
        let early = RebuildRequest(requestedBy: "alice", reason: "compliance", requestedAt: S.daysAgo(3))

        // when
        let plan = try S.plan([app], requests: [app.digest: [late, early]])

        // then
        let entry = try #require(plan.entry(for: app.digest))
        #expect(entry.reasons == [.requested(requests: [early, late])])
    }

    // MARK: - Policy

    @Test func perRepositoryOverrideReplacesOnlyItsFields() throws {
        // given: the same medium finding in two repositories, and old images; one repository lowers the threshold,
        // the other removes the age limit
        let strict = try S.image("strict", in: "ghcr.io/acme/payments", createdDaysAgo: 10)
        let relaxed = try S.image("relaxed", in: "ghcr.io/acme/docs", createdDaysAgo: 100)
        let medium = [S.finding("CVE-2024-0001", .medium)]
        let policy = RebuildPolicy(overrides: [
            try S.repository("ghcr.io/acme/payments"): RebuildRulesOverride(minimumSeverity: .medium),
            try S.repository("ghcr.io/acme/docs"): RebuildRulesOverride(maximumAgeDays: .some(nil)),
        ])

        // when
        let plan = try S.plan([strict, relaxed], findings: [strict.digest: medium, relaxed.digest: medium], policy: policy)

        // then
        #expect(plan.entries.map(\.digest) == [strict.digest])
        #expect(try #require(plan.entry(for: strict.digest)).reasonCodes == [.fixableVulnerability])
        #expect(policy.rules(for: strict.repository).maximumAgeDays == 30)
        #expect(policy.rules(for: relaxed.repository) == RebuildRules(maximumAgeDays: nil))
    }

    // MARK: - explain

    @Test func explainForImageNeedingNothingListsEveryCheck() throws {
        // given: an app on a trusted, unmoved, planned-for base, with only a low finding
        let debian = try S.image("debian", in: "debian", tags: ["bookworm"])
        let app = try S.image("app", base: S.base("debian", tag: "bookworm", label: "debian"))
        let bookworm = RepositoryTag(repository: try S.repository("debian"), tag: "bookworm")
        let policy = RebuildPolicy(defaults: RebuildRules(trustedBasePatterns: ["docker.io/library/*"]))

        // when
        let plan = try S.plan(
            [debian, app], tagHeads: [bookworm: debian.digest], findings: [app.digest: [S.finding("CVE-2024-0001", .low)]],
            policy: policy)
        let explanation = try #require(plan.explain(app.digest))

        // then
        guard case .needsNothing(let digest, let checks) = explanation else {
            Issue.record("expected needsNothing, got \(explanation)")
            return
        }
        #expect(digest == app.digest)
        #expect(checks.map(\.name) == RebuildReasonCode.allCases)
        let details = Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0.detail) })
        #expect(details[.fixableVulnerability] == "none of 1 finding(s) counts: 1 below high")
        #expect(details[.baseImageUpdated]?.contains("still points to") == true)
        #expect(details[.baseImageNeedsRebuild]?.contains("needs no rebuild") == true)
        #expect(details[.maxAgeExceeded] == "created 1 day(s) ago, within the maximum of 30")
        #expect(details[.untrustedBase] == "base docker.io/library/debian matches trusted pattern docker.io/library/*")
        #expect(details[.requested] == "no open rebuild request")
    }

    @Test func explainForPlannedImageReturnsItsEntryAndUnknownDigestNothing() throws {
        // given
        let app = try S.image("app", createdDaysAgo: 45)

        // when
        let plan = try S.plan([app])

        // then
        #expect(plan.explain(app.digest) == .rebuild(try #require(plan.entry(for: app.digest))))
        #expect(plan.explain(app.digest)?.needsRebuild == true)
        #expect(plan.explain(try S.digest("unknown")) == nil)
    }

    // MARK: - Helpers

    private func checks(of digest: Digest, in plan: RebuildPlan) throws -> [PlanCheck] {
        guard case .needsNothing(_, let checks) = try #require(plan.explain(digest)) else { return [] }
        return checks
    }
}
