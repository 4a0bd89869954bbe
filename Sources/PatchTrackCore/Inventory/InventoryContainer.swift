/// One container of a workload running one image digest, with the number of pods that run it.
public struct InventoryContainer: Sendable, Equatable {
    /// The container's name in the pod spec (or the simple list's `container`).
    public var name: String
    /// Whether it is an init container (sidecars declared as init containers included).
    public var isInit: Bool
    /// The normalised repository of the image, e.g. `docker.io/library/nginx`.
    public var repository: RepositoryName
    /// The sha256 digest the container runs.
    public var digest: Digest
    /// The image as the pod spec (or, lacking one, the container status) or the simple list wrote it; when pods
    /// of one workload wrote it differently for the same digest, the lexicographically smallest spelling.
    public var reference: String
    /// Pods running this container on this digest (the simple list's summed `replicas`).
    public var replicas: Int

    /// Creates a container entry.
    public init(
        name: String, isInit: Bool, repository: RepositoryName, digest: Digest, reference: String, replicas: Int
    ) {
        self.name = name
        self.isInit = isInit
        self.repository = repository
        self.digest = digest
        self.reference = reference
        self.replicas = replicas
    }
}
