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
        var memo = RebuildPlanMemo()
        return try plan(input, memo: &memo)
    }

    /// Plans the rebuilds for `input`, reusing from `memo` the checks of every image whose own facts did not change
    /// since the plan that filled it (and its entry, when its age and base checks came out the same too), and leaving
    /// in it this plan's. The same plan as without a memo.
    public static func plan(_ input: RebuildPlanInput, memo: inout RebuildPlanMemo) throws(PlanningError) -> RebuildPlan {
        let lineage = try RebuildLineage(images: input.images, tagHeads: input.tagHeads)
        var waves = [Int?](repeating: nil, count: lineage.images.count)
        var entries: [RebuildPlanEntry] = []
        var passedChecks: [Digest: [PlanCheck]] = [:]
        var rulesByRepository: [RepositoryName: RebuildRules] = [:]
        var kept = RebuildPlanMemo()
        kept.entries.reserveCapacity(lineage.images.count)
        for position in lineage.topologicalOrder {
            let image = lineage.images[position]
            let digest = image.digest
            let rules = rulesByRepository[image.repository] ?? input.policy.rules(for: image.repository)
            rulesByRepository[image.repository] = rules
            let facts = RebuildPlanMemo.Facts(
                image: image, findings: input.findings[digest] ?? [], requests: input.requests[digest] ?? [],
                baseHead: image.base.flatMap { base in
                    base.tag.flatMap { input.tagHeads[RepositoryTag(repository: base.repository, tag: $0)] }
                }, rules: rules, baseSignature: nil)
                .withBaseSignature(from: input.signatures)
            let previous = memo.entries[digest].flatMap { $0.facts == facts ? $0 : nil }
            let own = previous?.own ?? ownOutcomes(of: facts, tagHeads: input.tagHeads)
            let basePosition = lineage.bases[position]
            let baseWave = basePosition.flatMap { waves[$0] }
            let circumstances = RebuildPlanMemo.Circumstances(
                age: ageStanding(of: image, rules: rules, now: input.now),
                rebuildBase: RebuildLineage.rebuildBaseDigest(of: image, tagHeads: input.tagHeads),
                trackedBase: basePosition.map { lineage.images[$0].repository }, baseWave: baseWave)
            let decision: RebuildPlanMemo.Decision
            if let previous, previous.circumstances == circumstances {
                decision = previous.decision
            } else {
                let outcomes = own + [
                    ageOutcome(of: image, rules: rules, now: input.now),
                    baseRebuildOutcome(
                        rebuildBase: circumstances.rebuildBase, trackedBase: circumstances.trackedBase, baseWave: baseWave),
                ]
                let reasons = outcomes.compactMap(\.reason).sorted { $0.code < $1.code }
                decision = reasons.isEmpty
                    ? .nothing(outcomes.compactMap(\.passedCheck).sorted { $0.name < $1.name })
                    : .rebuild(
                        RebuildPlanEntry(
                            digest: digest, repository: image.repository, tags: image.tags.sorted(), created: image.created,
                            base: image.base, wave: (baseWave ?? 0) + 1, reasons: reasons))
            }
            kept.entries[digest] = RebuildPlanMemo.Entry(facts: facts, own: own, circumstances: circumstances, decision: decision)
            switch decision {
            case .nothing(let checks):
                passedChecks[digest] = checks
            case .rebuild(let entry):
                waves[position] = entry.wave
                entries.append(entry)
            }
        }
        memo = kept
        return RebuildPlan(entries: RebuildPlanEntry.sortedInPlanOrder(entries), passedChecks: passedChecks)
    }

    /// The checks that depend on the image's own facts alone: not on time (the age check) nor on whether its base is
    /// rebuilt. `tagHeads` is read for the image's base tag only (``RebuildPlanMemo/Facts/baseHead``).
    static func ownOutcomes(of facts: RebuildPlanMemo.Facts, tagHeads: [RepositoryTag: Digest]) -> [CheckOutcome] {
        [
            fixableOutcome(findings: facts.findings, rules: facts.rules),
            baseUpdatedOutcome(of: facts.image, tagHeads: tagHeads),
            trustOutcome(of: facts.image, rules: facts.rules),
            signatureOutcome(of: facts),
            requestOutcome(requests: facts.requests),
        ]
    }
}

/// Each image's own check outcomes from the last plan, with the facts they were computed from: a plan after a write
/// that changed a few images decides the checks of those images only. Kept by the caller between plans.
public struct RebuildPlanMemo: Sendable {
    /// What an image's own checks read.
    struct Facts: Equatable, Sendable {
        let image: PlanImage
        let findings: [PlanFinding]
        let requests: [RebuildRequest]
        /// The digest the image's base tag points to now, when known.
        let baseHead: Digest?
        let rules: RebuildRules
        /// The signature state of the base the image was built from (its digest, else the tag's head), when signed
        /// bases are required.
        let baseSignature: SignatureState?

        /// The base digest the signature check judges: the one the image was built from, else the tag's head.
        var signedBaseDigest: Digest? { image.base?.digest ?? baseHead }

        func withBaseSignature(from signatures: [Digest: SignatureState]) -> Facts {
            guard rules.requireSignedBase, let digest = signedBaseDigest else { return self }
            return Facts(
                image: image, findings: findings, requests: requests, baseHead: baseHead, rules: rules,
                baseSignature: signatures[digest] ?? .unchecked)
        }
    }

    /// What the plan decided for an image: an entry, or the checks it passed.
    enum Decision: Sendable {
        case rebuild(RebuildPlanEntry)
        case nothing([PlanCheck])
    }

    /// What the age and base checks read besides the image's facts: with equal facts, equal circumstances give equal
    /// outcomes (compared without writing the outcomes' texts).
    struct Circumstances: Equatable, Sendable {
        let age: RebuildPlanner.AgeStanding?
        let rebuildBase: Digest?
        let trackedBase: RepositoryName?
        let baseWave: Int?
    }

    /// An image's facts, the outcomes of its own checks, its circumstances, and the decision they all gave.
    struct Entry: Sendable {
        let facts: Facts
        let own: [CheckOutcome]
        let circumstances: Circumstances
        let decision: Decision
    }

    var entries: [Digest: Entry] = [:]

    /// An empty memo.
    public init() {}
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
