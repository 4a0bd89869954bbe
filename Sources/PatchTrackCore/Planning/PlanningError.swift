/// Input that rebuild planning cannot order.
public enum PlanningError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Images build on each other in a loop: each digest's base is the next, and the last one's base is the first.
    /// The list starts at the smallest digest of the loop.
    case lineageCycle([Digest])
    /// Two input images have the same digest.
    case duplicateImage(Digest)

    public var description: String {
        switch self {
        case .lineageCycle(let digests):
            let loop = (digests + digests.prefix(1)).map(\.value).joined(separator: " → ")
            return "base image lineage has a cycle: \(loop)"
        case .duplicateImage(let digest):
            return "image \(digest) is listed more than once"
        }
    }
}
