import Foundation
import Testing

@testable import PatchTrackCore

private typealias S = PlanningSamples

/// A plan computed with the memo of earlier plans equals the plan computed from scratch, after every kind of change
/// its checks read: findings, requests, tags and bases, tag heads, the policy and time.
@Suite("Rebuild plan memo")
struct RebuildPlanMemoTests {
    @Test(arguments: [7, 16, 2026] as [UInt64])
    func memoizedPlansEqualPlansFromScratch(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let labels = (0..<12).map { String(format: "img%02d", $0) }
        let repositories = ["ghcr.io/acme/app", "ghcr.io/acme/base", "docker.io/library/debian"]
        let severities: [SeverityLevel] = [.low, .medium, .high, .critical]
        var input = RebuildPlanInput(images: try labels.map { try S.image($0) }, now: S.now)
        var memo = RebuildPlanMemo()
        var reused = 0
        for round in 0..<120 {
            let index = Int.random(in: 0..<labels.count, using: &random)
            let digest = input.images[index].digest
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                input.findings[digest] = (0..<Int.random(in: 0...3, using: &random)).map { number in
                    S.finding(
                        "CVE-\(number)", severities.randomElement(using: &random)!,
                        fixed: Bool.random(using: &random) ? "2.0" : nil, suppressed: Int.random(in: 0..<4, using: &random) == 0)
                }
            case 1:
                input.requests[digest] = Bool.random(using: &random)
                    ? [RebuildRequest(requestedBy: "ops", reason: "round \(round)", requestedAt: S.daysAgo(1))] : nil
            case 2:
                // A base by tag (and digest), never the image itself; a loop through tag heads is possible.
                let baseLabel = labels[Int.random(in: 0..<labels.count, using: &random)]
                input.images[index].base = baseLabel == labels[index]
                    ? nil : try S.base(repositories[1], tag: Bool.random(using: &random) ? "stable" : nil, label: baseLabel)
                input.images[index].repository = try S.repository(repositories.randomElement(using: &random)!)
            case 3:
                let head = RepositoryTag(repository: try S.repository(repositories[1]), tag: "stable")
                input.tagHeads[head] = Bool.random(using: &random) ? input.images.randomElement(using: &random)!.digest : nil
            case 4:
                input.policy.defaults.minimumSeverity = severities.randomElement(using: &random)!
                input.policy.defaults.trustedBasePatterns = Bool.random(using: &random)
                    ? [RepositoryPattern("ghcr.io/acme/*")] : []
            case 5:
                input.now = input.now.addingTimeInterval(Double(Int.random(in: 0...40, using: &random)) * 86_400)
            default:
                input.images[index].created = Bool.random(using: &random) ? S.daysAgo(Double(Int.random(in: 0...90, using: &random))) : nil
                input.images[index].tags = Bool.random(using: &random) ? ["latest"] : ["latest", "v\(round)"]
            }
            let before = memo.entries
            let fresh = Result { try RebuildPlanner.plan(input) }
            let memoized = Result { try RebuildPlanner.plan(input, memo: &memo) }
            switch (fresh, memoized) {
            case (.success(let expected), .success(let plan)):
                #expect(plan == expected, "round \(round)")
                reused += memo.entries.filter { before[$0.key]?.facts == $0.value.facts }.count
            case (.failure(let expected), .failure(let error)):
                #expect("\(error)" == "\(expected)", "round \(round)")
            default:
                Issue.record("round \(round): \(fresh) without the memo, \(memoized) with it")
            }
        }
        // The memo was used: many images kept their facts from one plan to the next (policy changes and lineage loops
        // reset it).
        #expect(reused > 120 * labels.count / 3)
    }
}
