/// Rebuild planning as a pure function: which images must be rebuilt, why, and in what order.
///
/// Each image is checked on its own (fixable findings, moved base tag, age, base trust, requests); then, walking the
/// lineage from bases to the images built on them, an image whose tracked base is in the plan joins it with
/// `base_image_needs_rebuild` one wave after its base. The base an image waits for is the one its rebuild starts
/// from: the digest its base tag points to now when known, else the digest it was built from. Entries are ordered
/// by ``RebuildPlanEntry/precedes(_:_:)``, so the same facts in any input order give the same plan.
public enum RebuildPlanner {
    /// Plans the rebuilds for `input`; throws when two images share a digest or the lineage has a cycle.
    public static func plan(_ input: RebuildPlanInput) throws(PlanningError) -> RebuildPlan {
        let lineage = try RebuildLineage(images: input.images, tagHeads: input.tagHeads)
        var waves = [Int?](repeating: nil, count: lineage.images.count)
        var entries: [RebuildPlanEntry] = []
        var passedChecks: [Digest: [PlanCheck]] = [:]
        for position in lineage.topologicalOrder {
            let image = lineage.images[position]
            let digest = image.digest
            var outcomes = ownOutcomes(of: image, input: input)
            let basePosition = lineage.bases[position]
            let baseWave = basePosition.flatMap { waves[$0] }
            let rebuildBase = RebuildLineage.rebuildBaseDigest(of: image, tagHeads: input.tagHeads)
            outcomes.append(
                baseRebuildOutcome(rebuildBase: rebuildBase, trackedBase: basePosition.map { lineage.images[$0] }, baseWave: baseWave))
            let reasons = outcomes.compactMap(\.reason).sorted { $0.code < $1.code }
            guard !reasons.isEmpty else {
                passedChecks[digest] = outcomes.compactMap(\.passedCheck).sorted { $0.name < $1.name }
                continue
            }
            let wave = (baseWave ?? 0) + 1
            waves[position] = wave
            entries.append(
                RebuildPlanEntry(
                    digest: digest, repository: image.repository, tags: image.tags.sorted(), created: image.created,
                    base: image.base, wave: wave, reasons: reasons))
        }
        return RebuildPlan(entries: RebuildPlanEntry.sortedInPlanOrder(entries), passedChecks: passedChecks)
    }

    /// The checks that depend on the image alone (not on whether its base is rebuilt).
    static func ownOutcomes(of image: PlanImage, input: RebuildPlanInput) -> [CheckOutcome] {
        let rules = input.policy.rules(for: image.repository)
        return [
            fixableOutcome(findings: input.findings[image.digest] ?? [], rules: rules),
            baseUpdatedOutcome(of: image, tagHeads: input.tagHeads),
            ageOutcome(of: image, rules: rules, now: input.now),
            trustOutcome(of: image, rules: rules),
            requestOutcome(requests: input.requests[image.digest] ?? []),
        ]
    }
}

/// What one check found: a reason to rebuild, or why its reason does not apply.
enum CheckOutcome: Hashable, Sendable {
    case reason(RebuildReason)
    case passed(PlanCheck)

    var reason: RebuildReason? {
        if case .reason(let reason) = self { return reason }
        return nil
    }

    var passedCheck: PlanCheck? {
        if case .passed(let check) = self { return check }
        return nil
    }

    static func passed(_ name: RebuildReasonCode, _ detail: String) -> CheckOutcome {
        .passed(PlanCheck(name: name, detail: detail))
    }
}
