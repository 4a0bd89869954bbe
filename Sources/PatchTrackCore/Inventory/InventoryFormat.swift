/// The shapes `POST /v1/environments/{name}/inventory` accepts.
public enum InventoryFormat: String, Sendable {
    /// A Kubernetes pod list as `kubectl get pods -A -o json` prints it (`kind` `List` or `PodList`).
    case podList = "pod-list"
    /// A single Kubernetes Pod object (`kind` `Pod`).
    case pod
    /// A JSON array of `{namespace, workload, container, image, digest, replicas}` rows.
    case workloadList = "workload-list"

    /// The accepted shapes, as listed in error messages.
    static let acceptedShapes =
        "accepted inventories: a Kubernetes pod list (kubectl get pods -A -o json, kind List or PodList), "
        + "a single Kubernetes Pod (kind Pod), or a JSON array of "
        + "{namespace, workload, container, image, digest, replicas} objects"
}
