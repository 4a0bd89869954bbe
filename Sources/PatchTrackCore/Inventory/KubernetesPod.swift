/// The fields of a Kubernetes Pod that an inventory needs; everything else in the object is skipped unread.
///
/// Reference: core/v1 Pod, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
struct KubernetesPod: Decodable {
    /// `kind` when the object states it (`kubectl get -o json` does; the raw API's `PodList` items do not).
    var kind: String?
    var metadata: Metadata?
    var spec: Spec?
    var status: Status?

    private enum CodingKeys: String, CodingKey {
        case kind, metadata, spec, status
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        // A `kubectl get all` list mixes in Services and Deployments, whose spec and status have other shapes:
        // they are not read, only reported as skipped.
        guard kind == nil || kind == "Pod" else { return }
        metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata)
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

    struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var labels: Labels?
        var ownerReferences: [OwnerReference]?
    }

    /// Only the label that names a Deployment's pod template hash.
    struct Labels: Decodable {
        var podTemplateHash: String?

        private enum CodingKeys: String, CodingKey {
            case podTemplateHash = "pod-template-hash"
        }
    }

    struct OwnerReference: Decodable {
        var kind: String?
        var name: String?
        var controller: Bool?
    }

    struct Spec: Decodable {
        var containers: [SpecContainer]?
        var initContainers: [SpecContainer]?
    }

    struct SpecContainer: Decodable {
        var name: String?
        var image: String?
    }

    struct Status: Decodable {
        var phase: String?
        var containerStatuses: [ContainerStatus]?
        var initContainerStatuses: [ContainerStatus]?
    }

    struct ContainerStatus: Decodable {
        var name: String?
        var image: String?
        var imageID: String?
    }
}
