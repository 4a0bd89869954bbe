extension InventoryDocument {
    /// Reads Kubernetes pods (the items of a pod list, or one Pod) into workloads.
    ///
    /// - A pod's workload is its controlling owner (`metadata.ownerReferences` with `controller: true`, else the
    ///   first): a ReplicaSet named `<deployment>-<pod-template-hash>` is its Deployment, any other owner is itself;
    ///   a pod without owner, or owned by a Node (a static pod's mirror), is a workload of kind `Pod`.
    /// - Each container's digest comes from its status `imageID` (containers and init containers); a pod that has
    ///   no usable imageID yet keeps containers whose image is pinned by digest and skips the others.
    /// - Pods in phase Succeeded or Failed run nothing and are skipped; every other pod counts one replica of its
    ///   workload and of each (container, digest) it runs.
    static func read(pods: [KubernetesPod], format: InventoryFormat) throws(IngestError) -> InventoryDocument {
        var reader = PodReader()
        for (index, pod) in pods.enumerated() {
            try reader.read(pod, path: format == .podList ? "items[\(index)]" : "")
        }
        return InventoryDocument(
            format: format, workloads: reader.aggregator.workloads(replicas: .podCount), skipped: reader.skipped)
    }
}

/// The per-pod rules of ``InventoryDocument/read(pods:format:)``.
private struct PodReader {
    var aggregator = InventoryAggregator()
    var skipped: [InventorySkip] = []

    typealias Pod = KubernetesPod

    /// Where a container sits: its spec entry and its status entry, either of which may be missing.
    private struct Location {
        var podPath: String
        var isInit: Bool
        var specIndex: Int?
        var statusIndex: Int?

        var specPath: String? {
            specIndex.map { PodReader.join(podPath, isInit ? "spec.initContainers[\($0)]" : "spec.containers[\($0)]") }
        }

        var statusPath: String? {
            statusIndex.map {
                PodReader.join(
                    podPath, isInit ? "status.initContainerStatuses[\($0)]" : "status.containerStatuses[\($0)]")
            }
        }
    }

    mutating func read(_ pod: Pod, path: String) throws(IngestError) {
        if let kind = pod.kind, kind != "Pod" {
            skip(path, "kind \(InventoryDocument.quoted(kind)) is not Pod")
            return
        }
        guard let name = pod.metadata?.name.nonEmpty else {
            skip(Self.join(path, "metadata.name"), "pod without a name")
            return
        }
        let namespace = pod.metadata?.namespace.nonEmpty ?? "default"
        if let phase = pod.status?.phase, phase == "Succeeded" || phase == "Failed" {
            skip(path, "pod \(namespace)/\(name) has finished (phase \(phase)) and runs no containers")
            return
        }
        let (workload, kind) = try Self.workload(of: pod.metadata, podName: name, namespace: namespace, path: path)
        aggregator.addPod(to: workload, kind: kind)
        var seen: [InventoryContainer] = []
        for isInit in [false, true] {
            let specs = (isInit ? pod.spec?.initContainers : pod.spec?.containers) ?? []
            let statuses = (isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? []
            var statusUsed = [Bool](repeating: false, count: statuses.count)
            for (specIndex, spec) in specs.enumerated() {
                let statusIndex = spec.name.flatMap { name in
                    statuses.indices.first { !statusUsed[$0] && statuses[$0].name == name }
                }
                if let statusIndex { statusUsed[statusIndex] = true }
                let location = Location(podPath: path, isInit: isInit, specIndex: specIndex, statusIndex: statusIndex)
                if let container = try resolve(spec: spec, status: statusIndex.map { statuses[$0] }, at: location) {
                    seen.append(container)
                }
            }
            // A status without a spec entry (a document trimmed to its status) still says what runs.
            for (statusIndex, status) in statuses.enumerated() where !statusUsed[statusIndex] {
                let location = Location(podPath: path, isInit: isInit, specIndex: nil, statusIndex: statusIndex)
                if let container = try resolve(spec: nil, status: status, at: location) { seen.append(container) }
            }
        }
        // One replica per distinct (container, digest) the pod runs, even if the document repeats a container.
        for (index, container) in seen.enumerated() where !seen[..<index].contains(where: {
            $0.name == container.name && $0.isInit == container.isInit && $0.digest == container.digest
        }) {
            aggregator.add(container, to: workload, kind: kind)
        }
    }

    // MARK: - Workload

    /// The workload a pod belongs to, and its kind, from its controlling owner reference.
    ///
    /// Names longer than Kubernetes allows (253 characters, 63 for a namespace) are refused: they cannot come from
    /// a cluster, and storage bounds workload names.
    static func workload(of metadata: Pod.Metadata?, podName: String, namespace: String, path: String)
        throws(IngestError) -> (InventoryAggregator.WorkloadKey, kind: String)
    {
        guard namespace.count <= 63 else {
            throw .invalidDocument("namespace is longer than 63 characters", path: join(path, "metadata.namespace"))
        }
        guard podName.count <= 253 else {
            throw .invalidDocument("name is longer than 253 characters", path: join(path, "metadata.name"))
        }
        let bare = (InventoryAggregator.WorkloadKey(namespace: namespace, name: podName), kind: "Pod")
        let owners = metadata?.ownerReferences ?? []
        guard let index = owners.firstIndex(where: { $0.controller == true }) ?? owners.indices.first,
              let kind = owners[index].kind.nonEmpty, let name = owners[index].name.nonEmpty
        else {
            return bare
        }
        guard name.count <= 253 else {
            throw .invalidDocument(
                "owner name is longer than 253 characters", path: join(path, "metadata.ownerReferences[\(index)].name"))
        }
        switch kind {
        case "ReplicaSet":
            // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>` and labels their pods with the
            // hash.
            if let hash = metadata?.labels?.podTemplateHash.nonEmpty, name.hasSuffix("-" + hash),
               name.count > hash.count + 1
            {
                let deployment = String(name.dropLast(hash.count + 1))
                return (InventoryAggregator.WorkloadKey(namespace: namespace, name: deployment), kind: "Deployment")
            }
            return (InventoryAggregator.WorkloadKey(namespace: namespace, name: name), kind: "ReplicaSet")
        case "Node":
            // The kubelet's mirror of a static pod (etcd, kube-apiserver, ...): each is its own workload, not one
            // workload per node.
            return bare
        default:
            return (InventoryAggregator.WorkloadKey(namespace: namespace, name: name), kind: kind)
        }
    }

    // MARK: - Containers

    /// The container's image and digest, or nil after recording why it was skipped.
    private mutating func resolve(spec: Pod.SpecContainer?, status: Pod.ContainerStatus?, at location: Location)
        throws(IngestError) -> InventoryContainer?
    {
        guard let name = spec?.name.nonEmpty ?? status?.name.nonEmpty else {
            skip(location.specPath ?? location.statusPath ?? location.podPath, "container without a name")
            return nil
        }
        let specImage = spec?.image.nonEmpty
        let statusImage = status?.image.nonEmpty
        if let imageID = status?.imageID.nonEmpty, let statusPath = location.statusPath {
            switch resolution(ofImageID: imageID) {
            case .invalid(let message):
                throw .invalidDocument(message, path: statusPath + ".imageID")
            case .digest(let repository?, let digest):
                return container(name, location, repository, digest, specImage ?? statusImage ?? imageID)
            case .digest(nil, let digest):
                guard let repository = repository(ofImages: statusImage, specImage) else {
                    skip(statusPath, "imageID \(InventoryDocument.quoted(imageID)) has no repository and the "
                        + "container's image names none")
                    return nil
                }
                return container(name, location, repository, digest, specImage ?? statusImage ?? imageID)
            case .unusable:
                break
            }
        }
        // No digest from the runtime (a pending pod): only an image pinned by digest says what will run.
        let imagePath = location.specPath ?? location.statusPath ?? location.podPath
        guard let image = specImage ?? statusImage else {
            skip(imagePath, "container \(name) has neither an imageID nor an image")
            return nil
        }
        guard let reference = try? ImageReference(parsing: image) else {
            skip(imagePath, "container \(name): image \(InventoryDocument.quoted(image)) is not a valid reference")
            return nil
        }
        guard let digest = reference.digest else {
            skip(imagePath, "container \(name) has no imageID yet and its image \(InventoryDocument.quoted(image)) "
                + "is not pinned by digest")
            return nil
        }
        return container(name, location, reference.repository, digest, image)
    }

    private func container(
        _ name: String, _ location: Location, _ repository: RepositoryName, _ digest: Digest, _ reference: String
    ) -> InventoryContainer {
        InventoryContainer(
            name: name, isInit: location.isInit, repository: repository, digest: digest, reference: reference,
            replicas: 1)
    }

    // MARK: - Caches

    /// What an imageID resolves to; pods of one workload repeat the same few, so each is parsed once.
    private enum ImageIDResolution {
        case digest(RepositoryName?, Digest)
        case unusable
        case invalid(String)
    }

    private var imageIDs: [String: ImageIDResolution] = [:]
    private var imageRepositories: [String: RepositoryName?] = [:]

    private mutating func resolution(ofImageID imageID: String) -> ImageIDResolution {
        if let known = imageIDs[imageID] { return known }
        let resolution: ImageIDResolution
        switch ContainerImageID.parse(imageID) {
        case .failure(let error):
            resolution = .invalid(error.message)
        case .success(.unusable):
            resolution = .unusable
        case .success(.digest(nil, let digest)):
            resolution = .digest(nil, digest)
        case .success(.digest(let written?, let digest)):
            if let repository = try? ImageReference(parsing: written).repository {
                resolution = .digest(repository, digest)
            } else {
                resolution = .invalid("imageID names the invalid repository \(InventoryDocument.quoted(written))")
            }
        }
        imageIDs[imageID] = resolution
        return resolution
    }

    /// The repository of the first image that parses; runtime image IDs (`sha256:…`) name no repository.
    private mutating func repository(ofImages images: String?...) -> RepositoryName? {
        for case let image? in images where !image.hasPrefix("sha256:") {
            if let known = imageRepositories[image] {
                if let known { return known }
                continue
            }
            let repository = try? ImageReference(parsing: image).repository
            imageRepositories[image] = repository
            if let repository { return repository }
        }
        return nil
    }

    private mutating func skip(_ path: String, _ reason: String) {
        skipped.append(InventorySkip(path: path, reason: reason))
    }

    static func join(_ prefix: String, _ suffix: String) -> String {
        prefix.isEmpty ? suffix : prefix + "." + suffix
    }
}
