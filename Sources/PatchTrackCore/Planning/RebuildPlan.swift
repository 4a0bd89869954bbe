/// Which images must be rebuilt, why, and in what order: bases before the images built on them.
public struct RebuildPlan: Hashable, Sendable {
    /// The images to rebuild, by wave, then priority, then digest.
    public let entries: [RebuildPlanEntry]
    /// For every input image that needs nothing, the checks it passed.
    public let passedChecks: [Digest: [PlanCheck]]
    /// Each entry's position in ``entries``: one image's entry is found without a walk over the plan.
    private let positions: [Digest: Int]

    /// Creates a plan from entries already in plan order and the passed checks of the other images.
    public init(entries: [RebuildPlanEntry], passedChecks: [Digest: [PlanCheck]]) {
        self.entries = entries
        self.passedChecks = passedChecks
        var positions: [Digest: Int] = [:]
        positions.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() where positions[entry.digest] == nil { positions[entry.digest] = position }
        self.positions = positions
    }

    /// The number of waves (0 for an empty plan).
    public var waveCount: Int { entries.map(\.wave).max() ?? 0 }

    /// The entries of wave `wave`, in plan order.
    public func entries(inWave wave: Int) -> [RebuildPlanEntry] { entries.filter { $0.wave == wave } }

    /// The entry for `digest`, when the image is in the plan.
    public func entry(for digest: Digest) -> RebuildPlanEntry? { positions[digest].map { entries[$0] } }

    /// The entries that `filter` keeps, in plan order.
    public func entries(matching filter: RebuildPlanFilter) -> [RebuildPlanEntry] { entries.filter(filter.matches) }

    /// Why `digest` needs a rebuild or why it needs nothing; `nil` when the image was not an input.
    public func explain(_ digest: Digest) -> RebuildExplanation? {
        if let entry = entry(for: digest) { return .rebuild(entry) }
        guard let checks = passedChecks[digest] else { return nil }
        return .needsNothing(digest: digest, checks: checks)
    }
}

/// Which plan entries to show: every field set must match; `nil` fields match everything.
public struct RebuildPlanFilter: Hashable, Sendable {
    /// Only entries in this repository.
    public var repository: RepositoryName?
    /// Only entries with a reason of this code.
    public var reason: RebuildReasonCode?
    /// Only entries whose highest fixable finding is at least this severe.
    public var minimumSeverity: SeverityLevel?
    /// Only entries in this wave.
    public var wave: Int?

    /// Creates a filter.
    public init(
        repository: RepositoryName? = nil, reason: RebuildReasonCode? = nil, minimumSeverity: SeverityLevel? = nil,
        wave: Int? = nil
    ) {
        self.repository = repository
        self.reason = reason
        self.minimumSeverity = minimumSeverity
        self.wave = wave
    }

    /// Whether `entry` passes the filter.
    public func matches(_ entry: RebuildPlanEntry) -> Bool {
        if let repository, entry.repository != repository { return false }
        if let reason, !entry.has(reason) { return false }
        if let wave, entry.wave != wave { return false }
        if let minimumSeverity {
            guard let highest = entry.highestSeverity, highest >= minimumSeverity else { return false }
        }
        return true
    }
}
