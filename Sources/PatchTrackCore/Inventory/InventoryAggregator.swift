/// Accumulates containers into workloads while an inventory is read, and produces the sorted result.
///
/// Workloads are keyed by `namespace/name` alone, so that names are unique in a document (storage relies on it).
/// Kubernetes lets two kinds share a name (a Deployment and a StatefulSet both called `web`); such pods are one
/// workload whose kind lists both, sorted and joined by `+` (`Deployment+StatefulSet`). Containers are keyed by
/// (name, init flag, digest) within their workload and their replicas summed.
struct InventoryAggregator {
    /// A workload's identity while aggregating.
    struct WorkloadKey: Hashable {
        var namespace: String
        var name: String
    }

    /// How a workload's replica count is derived.
    enum ReplicaRule {
        /// The number of pods recorded with ``addPod(to:kind:)``.
        case podCount
        /// The largest sum of replicas over the entries of one container name (the simple list has no pods).
        case largestContainerSum
    }

    private struct ContainerKey: Hashable {
        var name: String
        var isInit: Bool
        var digest: Digest
    }

    private struct Entry {
        var kinds: [String] = []
        var pods = 0
        var containers: [ContainerKey: InventoryContainer] = [:]

        mutating func note(kind: String) {
            if !kinds.contains(kind) { kinds.append(kind) }
        }

        mutating func merge(_ container: InventoryContainer) {
            let key = ContainerKey(name: container.name, isInit: container.isInit, digest: container.digest)
            guard var existing = containers[key] else {
                containers[key] = container
                return
            }
            existing.replicas += container.replicas
            // Spellings of one digest may differ between pods; the smallest one wins so that order does not matter.
            if container.reference < existing.reference {
                existing.reference = container.reference
                existing.repository = container.repository
            }
            containers[key] = existing
        }
    }

    private var entries: [WorkloadKey: Entry] = [:]

    /// Counts one pod of `workload`, of `kind`.
    mutating func addPod(to workload: WorkloadKey, kind: String) {
        entries[workload, default: Entry()].pods += 1
        entries[workload]?.note(kind: kind)
    }

    /// Adds `container` (its `replicas` included) to `workload` of `kind`, merging it with an entry of the same
    /// name, init flag and digest.
    mutating func add(_ container: InventoryContainer, to workload: WorkloadKey, kind: String) {
        entries[workload, default: Entry()].merge(container)
        entries[workload]?.note(kind: kind)
    }

    /// The workloads that have at least one container, sorted by name, with their containers sorted init
    /// containers first, then by name and digest.
    func workloads(replicas rule: ReplicaRule) -> [InventoryWorkload] {
        var result: [InventoryWorkload] = []
        result.reserveCapacity(entries.count)
        for (key, entry) in entries where !entry.containers.isEmpty {
            let containers = entry.containers.values.sorted(by: Self.containerOrder)
            let replicas: Int
            switch rule {
            case .podCount:
                replicas = entry.pods
            case .largestContainerSum:
                var sums: [String: Int] = [:]
                for container in containers { sums[container.name, default: 0] += container.replicas }
                replicas = sums.values.max() ?? 0
            }
            result.append(InventoryWorkload(
                name: key.namespace + "/" + key.name, namespace: key.namespace,
                kind: entry.kinds.sorted().joined(separator: "+"), replicas: replicas, containers: containers))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Init containers first (they start first), then by name and digest.
    private static func containerOrder(_ lhs: InventoryContainer, _ rhs: InventoryContainer) -> Bool {
        if lhs.isInit != rhs.isInit { return lhs.isInit }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.digest < rhs.digest
    }
}
