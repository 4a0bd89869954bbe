extension InventoryDocument {
    /// Reads the simple workload list: one row per (workload, container, digest) with a replica count.
    ///
    /// `workload` is `name` or `namespace/name` (a `namespace` field, when also given, must agree; it defaults to
    /// `default`); `digest` may be left out when `image` is pinned by digest, and must agree with it otherwise;
    /// `replicas` defaults to 1, must not be negative, and rows with 0 are skipped; `kind` defaults to `Workload`
    /// and must be the same on every row of a workload that gives it; `init` defaults to false. Unknown fields are
    /// ignored. A workload's replicas are the largest sum of `replicas` over the rows of one container name.
    static func read(rows: [WorkloadRow]) throws(IngestError) -> InventoryDocument {
        var entries: [(key: InventoryAggregator.WorkloadKey, container: InventoryContainer)] = []
        var explicitKinds: [String: (kind: String, row: Int)] = [:]
        var skipped: [InventorySkip] = []
        for (index, row) in rows.enumerated() {
            let path = "[\(index)]"
            let (namespace, name) = try workloadName(of: row, path: path)
            if let kind = row.kind {
                guard !kind.isEmpty else { throw .invalidDocument("kind must not be empty", path: path + ".kind") }
                let qualified = namespace + "/" + name
                if let earlier = explicitKinds[qualified], earlier.kind != kind {
                    throw .invalidDocument(
                        "kind \(quoted(kind)) disagrees with kind \(quoted(earlier.kind)) of row [\(earlier.row)] "
                            + "for workload \(qualified)", path: path + ".kind")
                }
                explicitKinds[qualified] = (kind, index)
            }
            guard !row.container.isEmpty else {
                throw .invalidDocument("container must not be empty", path: path + ".container")
            }
            let reference: ImageReference
            do {
                reference = try ImageReference(parsing: row.image)
            } catch {
                throw .invalidDocument(error.reason, path: path + ".image")
            }
            let digest = try digest(of: row, reference: reference, path: path)
            let replicas = row.replicas ?? 1
            guard replicas >= 0 else {
                throw .invalidDocument("replicas must not be negative", path: path + ".replicas")
            }
            // Sums stay far from overflow: no row exceeds Int32.max and a document holds fewer than 2^31 rows.
            guard replicas <= Int(Int32.max) else {
                throw .invalidDocument("replicas must be at most \(Int32.max)", path: path + ".replicas")
            }
            guard replicas > 0 else {
                skipped.append(InventorySkip(
                    path: path, reason: "\(namespace)/\(name) container \(row.container) has 0 replicas"))
                continue
            }
            entries.append((
                InventoryAggregator.WorkloadKey(namespace: namespace, name: name),
                InventoryContainer(
                    name: row.container, isInit: row.isInit ?? false, repository: reference.repository, digest: digest,
                    reference: row.image, replicas: replicas)))
        }
        var aggregator = InventoryAggregator()
        for entry in entries {
            let kind = explicitKinds[entry.key.namespace + "/" + entry.key.name]?.kind ?? "Workload"
            aggregator.add(entry.container, to: entry.key, kind: kind)
        }
        return InventoryDocument(
            format: .workloadList, workloads: aggregator.workloads(replicas: .largestContainerSum), skipped: skipped)
    }

    /// The namespace and short name of a row's workload, within Kubernetes' limits (a namespace of at most 63
    /// characters, a name of at most 253).
    private static func workloadName(of row: WorkloadRow, path: String) throws(IngestError) -> (String, String) {
        let parts = row.workload.split(separator: "/", omittingEmptySubsequences: false)
        let given = row.namespace.nonEmpty
        let namespace: String
        let name: String
        switch parts.count {
        case 1 where !row.workload.isEmpty:
            if let given, given.contains("/") {
                throw .invalidDocument("namespace must not contain '/'", path: path + ".namespace")
            }
            (namespace, name) = (given ?? "default", row.workload)
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            if let given, given != parts[0] {
                throw .invalidDocument(
                    "namespace \(quoted(given)) disagrees with workload \(quoted(row.workload))",
                    path: path + ".namespace")
            }
            (namespace, name) = (String(parts[0]), String(parts[1]))
        default:
            throw .invalidDocument("workload must be 'name' or 'namespace/name'", path: path + ".workload")
        }
        guard namespace.count <= 63 else {
            throw .invalidDocument(
                "namespace is longer than 63 characters", path: path + (given == nil ? ".workload" : ".namespace"))
        }
        guard name.count <= 253 else {
            throw .invalidDocument("workload name is longer than 253 characters", path: path + ".workload")
        }
        return (namespace, name)
    }

    /// The row's digest: `digest`, or the digest `image` is pinned by; both must agree when both are given.
    private static func digest(of row: WorkloadRow, reference: ImageReference, path: String) throws(IngestError)
        -> Digest
    {
        guard let text = row.digest else {
            guard let pinned = reference.digest else {
                throw .invalidDocument("digest is required unless image is pinned by digest", path: path + ".digest")
            }
            return pinned
        }
        let digest: Digest
        do {
            digest = try Digest(parsing: text)
        } catch {
            throw .invalidDocument(
                "digest \(quoted(text)) is not 'sha256:' followed by 64 lowercase hex digits", path: path + ".digest")
        }
        if let pinned = reference.digest, pinned != digest {
            throw .invalidDocument(
                "digest disagrees with the digest of image \(quoted(row.image))", path: path + ".digest")
        }
        return digest
    }
}

/// One row of the simple workload list; fields not listed here are ignored.
struct WorkloadRow: Decodable {
    var namespace: String?
    var workload: String
    var container: String
    var image: String
    var digest: String?
    var replicas: Int?
    var kind: String?
    var isInit: Bool?

    private enum CodingKeys: String, CodingKey {
        case namespace, workload, container, image, digest, replicas, kind
        case isInit = "init"
    }
}
