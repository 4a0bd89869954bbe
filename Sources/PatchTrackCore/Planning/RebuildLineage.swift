/// The base-image graph over the input images: each image points to at most one tracked base, the image its rebuild
/// will start from.
///
/// That is the digest its base tag points to now when known (a rebuild resolves `FROM repository:tag` again), and
/// otherwise the base digest it was built from. Because every image has at most one base, the graph is a forest
/// unless some chain loops; a loop is reported with its digests in base order. Bases that are not among the input
/// images end the chain (the image is a root here).
struct RebuildLineage {
    /// The input images by digest.
    let images: [Digest: PlanImage]
    /// Each image's rebuild base, when that base is among the input images.
    let bases: [Digest: Digest]
    /// Every digest with its tracked ancestors before it, ties broken by depth then digest.
    let topologicalOrder: [Digest]

    /// Indexes `images` and orders them, or throws on a duplicate digest or a lineage cycle.
    init(images list: [PlanImage], tagHeads: [RepositoryTag: Digest]) throws(PlanningError) {
        var images: [Digest: PlanImage] = [:]
        for image in list {
            guard images.updateValue(image, forKey: image.digest) == nil else { throw .duplicateImage(image.digest) }
        }
        self.images = images
        self.bases = images.compactMapValues { image in
            Self.rebuildBaseDigest(of: image, tagHeads: tagHeads).flatMap { images[$0] == nil ? nil : $0 }
        }
        let sorted = images.keys.sorted()
        if let cycle = Self.firstCycle(in: bases, startingFrom: sorted) { throw .lineageCycle(cycle) }
        let depths = Self.depths(in: bases, sorted: sorted)
        // `sorted` is in digest order and the sort is stable: ordering by depth alone breaks ties by digest.
        let keyed = sorted.map { (depth: depths[$0] ?? 0, digest: $0) }
        self.topologicalOrder = keyed.sorted { $0.depth < $1.depth }.map(\.digest)
    }

    /// The digest a rebuild of `image` starts from: its base tag's current digest, else the base digest it was built
    /// from; `nil` when neither is known.
    static func rebuildBaseDigest(of image: PlanImage, tagHeads: [RepositoryTag: Digest]) -> Digest? {
        guard let base = image.base else { return nil }
        if let tag = base.tag, let head = tagHeads[RepositoryTag(repository: base.repository, tag: tag)] { return head }
        return base.digest
    }

    /// The tracked rebuild base of `digest`, when it is among the inputs.
    func base(of digest: Digest) -> PlanImage? {
        bases[digest].flatMap { images[$0] }
    }

    // MARK: - Cycles

    /// Walks each chain once (white / on the current walk / done); meeting the current walk again closes a cycle.
    private static func firstCycle(in bases: [Digest: Digest], startingFrom sorted: [Digest]) -> [Digest]? {
        enum Mark { case onWalk, done }
        var marks: [Digest: Mark] = [:]
        for start in sorted where marks[start] == nil {
            var walk: [Digest] = []
            var current: Digest? = start
            while let digest = current {
                if let mark = marks[digest] {
                    if mark == .onWalk, let loopStart = walk.firstIndex(of: digest) {
                        return rotatedToSmallest(Array(walk[loopStart...]))
                    }
                    break
                }
                marks[digest] = .onWalk
                walk.append(digest)
                current = bases[digest]
            }
            for digest in walk { marks[digest] = .done }
        }
        return nil
    }

    private static func rotatedToSmallest(_ loop: [Digest]) -> [Digest] {
        guard let smallest = loop.indices.min(by: { loop[$0] < loop[$1] }) else { return loop }
        return Array(loop[smallest...] + loop[..<smallest])
    }

    // MARK: - Depth

    /// The number of tracked ancestors of each image, computed without recursion (chains may be long).
    private static func depths(in bases: [Digest: Digest], sorted: [Digest]) -> [Digest: Int] {
        var depths: [Digest: Int] = [:]
        for start in sorted where depths[start] == nil {
            var chain: [Digest] = []
            var current: Digest? = start
            var known = -1
            while let digest = current {
                if let depth = depths[digest] {
                    known = depth
                    break
                }
                chain.append(digest)
                current = bases[digest]
            }
            for digest in chain.reversed() {
                known += 1
                depths[digest] = known
            }
        }
        return depths
    }
}
