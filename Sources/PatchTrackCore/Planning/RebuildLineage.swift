/// The base-image graph over the input images: each image points to at most one tracked base, the image its rebuild
/// will start from.
///
/// That is the digest its base tag points to now when known (a rebuild resolves `FROM repository:tag` again), and
/// otherwise the base digest it was built from. Because every image has at most one base, the graph is a forest
/// unless some chain loops; a loop is reported with its digests in base order. Bases that are not among the input
/// images end the chain (the image is a root here).
struct RebuildLineage {
    /// The input images, in input order; the lineage refers to them by position.
    let images: [PlanImage]
    /// Each image's rebuild base, by position, when that base is among the input images.
    let bases: [Int?]
    /// The positions of every image with its tracked ancestors before it, ties broken by depth then digest.
    let topologicalOrder: [Int]

    /// Indexes `images` and orders them, or throws on a duplicate digest or a lineage cycle. Works on positions, not
    /// digests: one dictionary from digest to position, then arrays (10,000 images spent most of the planner's time
    /// hashing 71-character digests in four dictionaries).
    init(images list: [PlanImage], tagHeads: [RepositoryTag: Digest]) throws(PlanningError) {
        var positions: [Digest: Int] = [:]
        positions.reserveCapacity(list.count)
        for (position, image) in list.enumerated() {
            guard positions.updateValue(position, forKey: image.digest) == nil else { throw .duplicateImage(image.digest) }
        }
        images = list
        bases = list.map { image in Self.rebuildBaseDigest(of: image, tagHeads: tagHeads).flatMap { positions[$0] } }
        let sorted = list.indices.sorted { list[$0].digest < list[$1].digest }
        if let cycle = Self.firstCycle(in: bases, startingFrom: sorted) {
            throw .lineageCycle(Self.rotatedToSmallest(cycle.map { list[$0].digest }))
        }
        let depths = Self.depths(in: bases, sorted: sorted)
        // `sorted` is in digest order and the sort is stable: ordering by depth alone breaks ties by digest.
        topologicalOrder = sorted.map { (depth: depths[$0], position: $0) }.sorted { $0.depth < $1.depth }.map(\.position)
    }

    /// The digest a rebuild of `image` starts from: its base tag's current digest, else the base digest it was built
    /// from; `nil` when neither is known.
    static func rebuildBaseDigest(of image: PlanImage, tagHeads: [RepositoryTag: Digest]) -> Digest? {
        guard let base = image.base else { return nil }
        if let tag = base.tag, let head = tagHeads[RepositoryTag(repository: base.repository, tag: tag)] { return head }
        return base.digest
    }

    // MARK: - Cycles

    /// Walks each chain once (white / on the current walk / done); meeting the current walk again closes a cycle,
    /// answered in base order.
    private static func firstCycle(in bases: [Int?], startingFrom sorted: [Int]) -> [Int]? {
        enum Mark { case unvisited, onWalk, done }
        var marks = [Mark](repeating: .unvisited, count: bases.count)
        for start in sorted where marks[start] == .unvisited {
            var walk: [Int] = []
            var current: Int? = start
            while let position = current {
                if marks[position] != .unvisited {
                    if marks[position] == .onWalk, let loopStart = walk.firstIndex(of: position) {
                        return Array(walk[loopStart...])
                    }
                    break
                }
                marks[position] = .onWalk
                walk.append(position)
                current = bases[position]
            }
            for position in walk { marks[position] = .done }
        }
        return nil
    }

    private static func rotatedToSmallest(_ loop: [Digest]) -> [Digest] {
        guard let smallest = loop.indices.min(by: { loop[$0] < loop[$1] }) else { return loop }
        return Array(loop[smallest...] + loop[..<smallest])
    }

    // MARK: - Depth

    /// The number of tracked ancestors of each image, computed without recursion (chains may be long).
    private static func depths(in bases: [Int?], sorted: [Int]) -> [Int] {
        var depths = [Int](repeating: -1, count: bases.count)
        for start in sorted where depths[start] < 0 {
            var chain: [Int] = []
            var current: Int? = start
            var known = -1
            while let position = current {
                if depths[position] >= 0 {
                    known = depths[position]
                    break
                }
                chain.append(position)
                current = bases[position]
            }
            for position in chain.reversed() {
                known += 1
                depths[position] = known
            }
        }
        return depths
    }
}
