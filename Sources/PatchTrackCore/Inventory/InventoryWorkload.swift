/// A workload of an inventory (a Deployment, StatefulSet, DaemonSet, Job, bare Pod, ...) with the images its
/// containers run.
public struct InventoryWorkload: Sendable, Equatable {
    /// `namespace/name`, e.g. `shop/checkout`.
    public var name: String
    /// The Kubernetes namespace.
    public var namespace: String
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `Job`, `ReplicaSet`, `Pod` (no owner), another owner kind, or the
    /// simple list's `kind` (default `Workload`); kinds sharing one name are joined, e.g. `Deployment+StatefulSet`.
    public var kind: String
    /// Pods of this workload; for the simple list, the largest per-container-name sum of `replicas`.
    public var replicas: Int
    /// One entry per (name, isInit, digest), init containers first, then sorted by name and digest.
    public var containers: [InventoryContainer]

    /// Creates a workload entry.
    public init(name: String, namespace: String, kind: String, replicas: Int, containers: [InventoryContainer]) {
        self.name = name
        self.namespace = namespace
        self.kind = kind
        self.replicas = replicas
        self.containers = containers
    }
}
