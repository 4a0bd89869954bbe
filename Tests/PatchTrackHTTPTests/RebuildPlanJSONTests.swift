import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP

@Suite("Rebuild plan JSON writer")
struct RebuildPlanJSONTests {
    @Test("the plan writer's bytes equal the API encoder's for a plan with every reason and awkward strings")
    func sameBytesAsTheEncoder() throws {
        // given: a base with a fixable finding, an untrusted base moved on, an old image with requests
        let base = try RepositoryName(parsing: "docker.io/library/debian")
        let app = try RepositoryName(parsing: "ghcr.io/acme/app")
        let d = { (c: Character) in try Digest(parsing: "sha256:" + String(repeating: c, count: 64)) }
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        var exploited = PlanFinding(advisoryID: "CVE-2021-44228", package: "log4j-core", installedVersion: "2.14.1", fixedVersion: "2.15.0", severity: .critical)
        exploited.kev = true
        exploited.epss = 0.97531
        let input = RebuildPlanInput(
            images: [
                PlanImage(digest: try d("1"), repository: base, tags: ["12"], created: now.addingTimeInterval(-86_400)),
                PlanImage(
                    digest: try d("2"), repository: app, tags: ["latest", "v1"], created: now.addingTimeInterval(-90 * 86_400),
                    base: ImageReference(repository: base, tag: "12", digest: try d("3"))),
                PlanImage(digest: try d("4"), repository: app, tags: [], created: nil, base: ImageReference(repository: base)),
            ],
            tagHeads: [RepositoryTag(repository: base, tag: "12"): try d("1")],
            findings: [
                try d("1"): [
                    PlanFinding(advisoryID: "CVE-2026-1", package: "lib\"quoted\"\\", installedVersion: "1.0/α", fixedVersion: "1.1\n", severity: .critical, layerOrigin: .image),
                    PlanFinding(advisoryID: "CVE-2026-2", package: "b\u{1}", installedVersion: "2", fixedVersion: nil, severity: .high, suppressedByVEX: false),
                    exploited,
                ]
            ],
            requests: [try d("4"): [RebuildRequest(requestedBy: "ops/\"team\"", reason: "tab\there", requestedAt: now)]],
            // the base digest 3 has an invalid signature; image 4's base has no digest at all (null)
            signatures: [try d("3"): .invalid],
            policy: RebuildPolicy(
                defaults: RebuildRules(requireFix: false, trustedBasePatterns: ["ghcr.io/**", "quay.io/*"], requireSignedBase: true)),
            now: now)
        let plan = try RebuildPlanner.plan(input)
        #expect(Set(plan.entries.flatMap(\.reasonCodes)) == Set(RebuildReasonCode.allCases))
        #expect(plan.entries.contains { $0.kev && $0.maxEPSS == 0.97531 })

        // when
        var writer = RebuildPlanJSON(capacity: 16)
        writer.writePlan(generatedAt: Timestamp.format(now), waveCount: plan.waveCount, entries: plan.entries)
        let written = String(buffer: writer.buffer)
        let encoded = String(
            decoding: try APICoding.encoder.encode(
                RebuildPlanResponse(
                    generatedAt: Timestamp.format(now), waveCount: plan.waveCount, total: plan.entries.count,
                    items: plan.entries.map(RebuildPlanEntryResponse.init))),
            as: UTF8.self)

        // then
        #expect(written == encoded)
    }

    @Test("entries reused from the last answer give the bytes of a fresh encoding, after entries change, come and go")
    func reusedEntriesGiveFreshBytes() throws {
        let app = try RepositoryName(parsing: "ghcr.io/acme/app")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let digests = try (0..<6).map { try Digest(parsing: "sha256:" + String(repeating: String($0), count: 64)) }
        func plan(_ severities: [SeverityLevel?]) throws -> RebuildPlan {
            var input = RebuildPlanInput(images: [], now: now)
            for (digest, severity) in zip(digests, severities) {
                input.images.append(PlanImage(digest: digest, repository: app, tags: ["latest"], created: now))
                if let severity {
                    input.findings[digest] = [
                        PlanFinding(advisoryID: "CVE-2026-1", package: "openssl", installedVersion: "1", fixedVersion: "2", severity: severity)
                    ]
                }
            }
            return try RebuildPlanner.plan(input)
        }
        func fresh(_ plan: RebuildPlan) -> String {
            var writer = RebuildPlanJSON(capacity: 16)
            writer.writePlan(generatedAt: Timestamp.format(now), waveCount: plan.waveCount, entries: plan.entries)
            return String(buffer: writer.buffer)
        }
        let encodings = EntryEncodings()
        let plans = [
            try plan([.high, .critical, nil, .low, .high, nil]),
            try plan([.high, .high, nil, .low, .high, .medium]),  // one entry changed, one added
            try plan([nil, .high, .critical, .low, nil, .medium]),  // entries removed, one added
            try plan([nil, .high, .critical, .low, nil, .medium]),  // nothing changed: every entry reused
        ]
        for (round, plan) in plans.enumerated() {
            var writer = RebuildPlanJSON(capacity: 16)
            writer.writePlan(generatedAt: Timestamp.format(now), waveCount: plan.waveCount, entries: plan.entries, reusing: encodings)
            #expect(String(buffer: writer.buffer) == fresh(plan), "round \(round)")
            #expect(Set(encodings.kept().keys) == Set(plan.entries.map(\.digest)), "round \(round)")
        }
    }
}
