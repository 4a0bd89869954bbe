import Foundation

/// Which plan entries `rebuild.required` announces: an image that entered the plan, or whose reason codes changed
/// since they were last announced. An image that left the plan is forgotten (announced again if it comes back).
public enum RebuildNotice {
    /// What changed between the `announced` reason codes (by digest) and `plan`: the entries to announce with
    /// their previous codes, and the codes to remember from now on.
    public static func changes(
        announced: [String: [String]], plan: RebuildPlan
    ) -> (announce: [(entry: RebuildPlanEntry, previous: [String])], remember: [String: [String]]) {
        var announce: [(entry: RebuildPlanEntry, previous: [String])] = []
        var remember: [String: [String]] = [:]
        remember.reserveCapacity(plan.entries.count)
        for entry in plan.entries {
            let codes = Set(entry.reasonCodes).sorted().map(\.rawValue)
            let digest = entry.digest.value
            remember[digest] = codes
            let previous = announced[digest] ?? []
            if previous != codes { announce.append((entry, previous)) }
        }
        return (announce, remember)
    }
}
