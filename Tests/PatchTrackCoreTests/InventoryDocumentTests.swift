import Foundation
import Testing
import PatchTrackCore

@Suite("InventoryDocument")
struct InventoryDocumentTests {
    // MARK: - Real and derived Kubernetes fixtures

    @Test("reads a single docker-runtime Pod: a bare pod with a docker-pullable imageID")
    func nginxPod() throws {
        // given
        let data = try Self.fixture("k9s-pod-nginx-alpine.json")
        // when
        let document = try InventoryDocument.parse(data)
        // then
        #expect(document.format == .pod)
        #expect(document.skipped.isEmpty)
        #expect(document.workloads == [InventoryWorkload(
            name: "default/nginx", namespace: "default", kind: "Pod", replicas: 1,
            containers: [try Self.container("nginx", "docker.io/library/nginx", Self.nginxDigest, "nginx:alpine")])])
    }

    @Test("reads init and sidecar containers from a containerd Pod")
    func istioPod() throws {
        // given
        let data = try Self.fixture("k9s-pod-istio-sidecar-init.json")
        // when
        let document = try InventoryDocument.parse(data)
        // then
        #expect(document.format == .pod)
        #expect(document.skipped.isEmpty)
        let repository = "docker.io/istio/base"
        #expect(document.workloads == [InventoryWorkload(
            name: "default/sleep", namespace: "default", kind: "Pod", replicas: 1,
            containers: [
                try Self.container("init", repository, Self.istioDigest, "istio/base", isInit: true),
                try Self.container("sidecar", repository, Self.istioDigest, "istio/base", isInit: true),
                try Self.container("sleep", repository, Self.istioDigest, "istio/base"),
            ])])
    }

    @Test("reads a kubectl pod list: owners, every imageID form, pending and finished pods")
    func kubectlList() throws {
        // given
        let data = try Self.fixture("kubectl-pods-list.json")
        // when
        let document = try InventoryDocument.parse(data)
        // then
        #expect(document.format == .podList)
        let istio = "docker.io/istio/base"
        let localIstio = "sha256:62be02e76910b42a9100298e02e2a117258d1635ae8b74594459eebf3083c395"
        let rolledIstio = "sha256:bd4dd250ef8746de7a2762c036d57a18e6141b533a12a36df40b4f9c4d10a6c8"
        let localNginx = "sha256:aad8262d82953be73ef7d3446f998b7164aad162bf1954df0b322e3204f26b56"
        let expected = [
            // Bare pod, containerd bare `sha256:` imageIDs; the repository comes from the status image.
            InventoryWorkload(name: "default/debug", namespace: "default", kind: "Pod", replicas: 1, containers: [
                try Self.container("init", istio, localIstio, "istio/base", isInit: true),
                try Self.container("sidecar", istio, localIstio, "istio/base", isInit: true),
                try Self.container("sleep", istio, localIstio, "istio/base"),
            ]),
            // Pending, unscheduled, pinned by digest; a ReplicaSet without pod-template-hash stays a ReplicaSet.
            InventoryWorkload(name: "default/legacy-web", namespace: "default", kind: "ReplicaSet", replicas: 1, containers: [
                try Self.container("nginx", "docker.io/library/nginx", Self.nginxDigest, "nginx@\(Self.nginxDigest)"),
            ]),
            // `docker://sha256:` imageID.
            InventoryWorkload(name: "monitoring/edge-proxy", namespace: "monitoring", kind: "DaemonSet", replicas: 1, containers: [
                try Self.container("nginx", "docker.io/library/nginx", localNginx, "nginx:alpine"),
            ]),
            // Two pods, one pending by tag: it counts as a pod but runs no known digest.
            InventoryWorkload(name: "shop/checkout", namespace: "shop", kind: "Deployment", replicas: 2, containers: [
                try Self.container("nginx", "docker.io/library/nginx", Self.nginxDigest, "nginx:alpine"),
            ]),
            // Two pods mid-rollout: `sleep` runs two digests, one pod each.
            InventoryWorkload(name: "shop/db", namespace: "shop", kind: "StatefulSet", replicas: 2, containers: [
                try Self.container("init", istio, Self.istioDigest, "istio/base", isInit: true, replicas: 2),
                try Self.container("sidecar", istio, Self.istioDigest, "istio/base", isInit: true, replicas: 2),
                try Self.container("sleep", istio, Self.istioDigest, "istio/base"),
                try Self.container("sleep", istio, rolledIstio, "istio/base"),
            ]),
        ]
        #expect(document.workloads == expected)
        #expect(document.skipped.map(\.path) == ["items[3].spec.containers[0]", "items[7]"])
        #expect(document.skipped[0].reason.contains("not pinned by digest"))
        #expect(document.skipped[1].reason.contains("Succeeded"))
    }

    @Test("accepts a raw API PodList whose items have no kind, and skips objects that are not pods")
    func podListAndForeignItems() throws {
        // given
        var nginx = try Self.fixtureObject("k9s-pod-nginx-alpine.json")
        nginx["kind"] = nil
        nginx["apiVersion"] = nil
        let service: [String: Any] = ["kind": "Service", "metadata": ["name": "web"], "spec": ["ports": [["port": 80]]]]
        let data = try Self.json(["kind": "PodList", "apiVersion": "v1", "items": [service, nginx]])
        // when
        let document = try InventoryDocument.parse(data)
        // then
        #expect(document.format == .podList)
        #expect(document.workloads.map(\.name) == ["default/nginx"])
        #expect(document.skipped.map(\.path) == ["items[0]"])
        #expect(document.skipped.first?.reason.contains("Service") == true)
    }

    @Test("picks the controlling owner; Node-owned mirror pods stay pods; kinds sharing a name make one workload")
    func ownerRules() throws {
        // given
        func pod(_ name: String, owners: [[String: Any]], hash: String? = nil) throws -> [String: Any] {
            var pod = try Self.fixtureObject("k9s-pod-nginx-alpine.json")
            var metadata = pod["metadata"] as? [String: Any] ?? [:]
            metadata["name"] = name
            metadata["namespace"] = "kube-system"
            metadata["ownerReferences"] = owners
            if let hash { metadata["labels"] = ["pod-template-hash": hash] }
            pod["metadata"] = metadata
            return pod
        }
        let items = [
            try pod("etcd-node-1", owners: [["kind": "Node", "name": "node-1", "controller": true]]),
            try pod("coredns-5d78c9869d-abcde", owners: [
                ["kind": "ConfigMap", "name": "unrelated"],
                ["kind": "ReplicaSet", "name": "coredns-5d78c9869d", "controller": true],
            ], hash: "5d78c9869d"),
            try pod("proxy-abc-xyz", owners: [["kind": "ReplicaSet", "name": "proxy-abc", "controller": true]], hash: "other"),
            try pod("runner-1", owners: [["kind": "Workflow", "name": "nightly", "controller": true]]),
            try pod("web-0", owners: [["kind": "StatefulSet", "name": "web", "controller": true]]),
            try pod("web-6b9f7c5d48-q2w3e", owners: [["kind": "ReplicaSet", "name": "web-6b9f7c5d48", "controller": true]],
                    hash: "6b9f7c5d48"),
        ]
        // when
        let document = try InventoryDocument.parse(Self.json(["kind": "List", "items": items]))
        // then
        #expect(document.workloads.map { "\($0.name) \($0.kind) \($0.replicas)" } == [
            "kube-system/coredns Deployment 1", "kube-system/etcd-node-1 Pod 1", "kube-system/nightly Workflow 1",
            "kube-system/proxy-abc ReplicaSet 1", "kube-system/web Deployment+StatefulSet 2",
        ])
    }

    @Test("reads each runtime's imageID form; the repository comes from its name, else from the status image",
          arguments: [
              ("docker-pullable://localhost:5000/team/web@" + digestC, "localhost:5000/team/web"),
              ("docker://" + digestC, "docker.io/library/nginx"),
              ("quay.io/team/web@" + digestC, "quay.io/team/web"),
              (digestC, "docker.io/library/nginx"),
          ])
    func imageIDForms(imageID: String, repository: String) throws {
        // given
        let pod = try Self.settingImageID(imageID, in: Self.fixtureObject("k9s-pod-nginx-alpine.json"))
        // when
        let document = try InventoryDocument.parse(Self.json(pod))
        // then
        #expect(document.workloads.first?.containers == [try Self.container("nginx", repository, Self.digestC, "nginx:alpine")])
        #expect(document.skipped.isEmpty)
    }

    @Test("skips a container whose imageID carries no digest and whose image is not pinned")
    func imageIDWithoutDigest() throws {
        // given
        let pod = try Self.settingImageID("docker.io/library/nginx:alpine", in: Self.fixtureObject("k9s-pod-nginx-alpine.json"))
        // when
        let document = try InventoryDocument.parse(Self.json(pod))
        // then
        #expect(document.workloads.isEmpty)
        #expect(document.skipped.map(\.path) == ["spec.containers[0]"])
    }

    // MARK: - Simple workload list

    @Test("groups rows by workload, container and digest; replicas are the largest per-container sum")
    func workloadList() throws {
        // given
        let digestA = String(repeating: "a", count: 64)
        let digestB = String(repeating: "b", count: 64)
        let rows: [[String: Any]] = [
            ["workload": "shop/checkout", "container": "web", "image": "nginx@sha256:\(digestA)", "replicas": 3],
            ["namespace": "shop", "workload": "checkout", "container": "web", "image": "nginx:1.27",
             "digest": "sha256:\(digestB)", "replicas": 2, "kind": "Deployment", "team": "payments"],
            ["workload": "shop/checkout", "container": "web", "image": "docker.io/library/nginx:1.27",
             "digest": "sha256:\(digestA)", "replicas": 1],
            ["workload": "shop/checkout", "container": "log", "image": "ghcr.io/acme/log@sha256:\(digestA)", "replicas": 4],
            ["workload": "api", "container": "migrate", "image": "ghcr.io/acme/api@sha256:\(digestB)", "init": true],
            ["workload": "api", "container": "api", "image": "ghcr.io/acme/api@sha256:\(digestB)", "replicas": 0],
        ]
        // when
        let document = try InventoryDocument.parse(Self.json(rows))
        // then
        #expect(document.format == .workloadList)
        #expect(document.workloads == [
            InventoryWorkload(name: "default/api", namespace: "default", kind: "Workload", replicas: 1, containers: [
                try Self.container("migrate", "ghcr.io/acme/api", "sha256:\(digestB)", "ghcr.io/acme/api@sha256:\(digestB)",
                                   isInit: true),
            ]),
            InventoryWorkload(name: "shop/checkout", namespace: "shop", kind: "Deployment", replicas: 6, containers: [
                try Self.container("log", "ghcr.io/acme/log", "sha256:\(digestA)", "ghcr.io/acme/log@sha256:\(digestA)",
                                   replicas: 4),
                try Self.container("web", "docker.io/library/nginx", "sha256:\(digestA)", "docker.io/library/nginx:1.27",
                                   replicas: 4),
                try Self.container("web", "docker.io/library/nginx", "sha256:\(digestB)", "nginx:1.27", replicas: 2),
            ]),
        ])
        #expect(document.skipped.map(\.path) == ["[5]"])
        #expect(InventoryDocument(format: .workloadList, workloads: []) == (try InventoryDocument.parse(Data("[]".utf8))))
    }

    @Test("reports bad values of the simple list as invalid-document with the row's field", arguments: [
        (#""workload":"a","image":"nginx","digest":"sha256:abc""#, "[1].digest"),
        (#""workload":"a","image":"nginx:1""#, "[1].digest"),
        (#""workload":"a","image":"\#(pinnedC)","digest":"sha256:\#(String(repeating: "d", count: 64))""#, "[1].digest"),
        (#""workload":"a","image":"Nginx:1","digest":"sha256:\#(String(repeating: "d", count: 64))""#, "[1].image"),
        (#""workload":"a","image":"\#(pinnedC)","replicas":-1"#, "[1].replicas"),
        (#""workload":"a","image":"\#(pinnedC)","replicas":"2""#, "[1].replicas"),
        (#""workload":"shop/a","image":"\#(pinnedC)","namespace":"prod""#, "[1].namespace"),
        (#""workload":"shop/a/b","image":"\#(pinnedC)""#, "[1].workload"),
        (#""workload":"a","image":"\#(pinnedC)","kind":"Job""#, "[1].kind"),
        (#""workload":"a","replicas":2"#, "[1].image"),
        (#""workload":"\#(String(repeating: "n", count: 254))","image":"\#(pinnedC)""#, "[1].workload"),
        (#""workload":"\#(String(repeating: "n", count: 64))/a","image":"\#(pinnedC)""#, "[1].workload"),
    ])
    func workloadListErrors(fields: String, path: String) throws {
        // given: a valid row of workload default/a, then the bad one
        let valid = #"{"workload":"a","container":"c","kind":"Deployment","image":"\#(Self.pinnedC)"}"#
        let data = Data(#"[\#(valid),{"container":"c",\#(fields)}]"#.utf8)
        // when
        let error = #expect(throws: IngestError.self) { try InventoryDocument.parse(data) }
        // then
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == path)
    }

    // MARK: - Errors in pod documents

    @Test("reports a malformed imageID digest with its full path in a list and in a single pod")
    func badImageID() throws {
        // given
        var list = try JSONSerialization.jsonObject(with: Self.fixture("kubectl-pods-list.json")) as? [String: Any] ?? [:]
        var items = list["items"] as? [[String: Any]] ?? []
        items[4] = try Self.settingImageID("docker-pullable://nginx@sha256:482EAD", in: items[4])
        list["items"] = items
        let pod = try Self.settingImageID("sha512:" + String(repeating: "0", count: 128),
                                          in: Self.fixtureObject("k9s-pod-nginx-alpine.json"))
        // when
        let listError = #expect(throws: IngestError.self) { try InventoryDocument.parse(Self.json(list)) }
        let podError = #expect(throws: IngestError.self) { try InventoryDocument.parse(Self.json(pod)) }
        // then
        #expect(listError?.kind == .invalidDocument)
        #expect(listError?.path == "items[4].status.containerStatuses[0].imageID")
        #expect(podError?.kind == .invalidDocument)
        #expect(podError?.path == "status.containerStatuses[0].imageID")
    }

    @Test("refuses names longer than Kubernetes allows, with their path")
    func overlongNames() throws {
        // given
        var pod = try Self.fixtureObject("k9s-pod-nginx-alpine.json")
        var metadata = try #require(pod["metadata"] as? [String: Any])
        metadata["ownerReferences"] = [["kind": "Job", "name": String(repeating: "j", count: 254), "controller": true]]
        pod["metadata"] = metadata
        // when
        let error = #expect(throws: IngestError.self) { try InventoryDocument.parse(Self.json(["kind": "List", "items": [pod]])) }
        // then
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == "items[0].metadata.ownerReferences[0].name")
    }

    @Test("reports a field of the wrong JSON type with its path")
    func wrongType() throws {
        // given
        var pod = try Self.fixtureObject("k9s-pod-nginx-alpine.json")
        var status = pod["status"] as? [String: Any] ?? [:]
        status["phase"] = 3
        pod["status"] = status
        // when
        let error = #expect(throws: IngestError.self) { try InventoryDocument.parse(Self.json(["kind": "List", "items": [pod]])) }
        // then
        #expect(error?.kind == .invalidDocument)
        #expect(error?.path == "items[0].status.phase")
    }

    @Test("refuses bytes that are not JSON as malformed-json", arguments: ["kind: List", #"{"kind":"List","items":["#, ""])
    func malformed(text: String) {
        let error = #expect(throws: IngestError.self) { try InventoryDocument.parse(Data(text.utf8)) }
        #expect(error?.kind == .malformedJSON)
    }

    @Test("refuses other JSON as unsupported-format, naming the accepted shapes", arguments: [
        (#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}"#, "kind"),
        (#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}"#, ""),
        (#"{"kind":7,"items":[]}"#, ""),
        ("42", ""),
    ])
    func unsupported(text: String, path: String) {
        let error = #expect(throws: IngestError.self) { try InventoryDocument.parse(Data(text.utf8)) }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.path == path)
        #expect(error?.message.contains("pod list") == true)
        #expect(error?.message.contains("kind Pod") == true)
        #expect(error?.message.contains("JSON array") == true)
        #expect(error?.message.contains("CycloneDX JSON 1.2") == false)
    }

    // MARK: - Helpers

    static let nginxDigest = "sha256:482ead44b2203fa32b3390abdaf97cbdc8ad15c07fb03a3e68d7c35a19ad7595"
    static let digestC = "sha256:" + String(repeating: "c", count: 64)
    static let pinnedC = "nginx@" + digestC
    static let istioDigest = "sha256:61673929bc39a86dca7d978b27fc632d3e590bc59cd8b2f386408751d007c91e"

    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/k8s"))
        return try Data(contentsOf: url)
    }

    static func fixtureObject(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: fixture(name)) as? [String: Any])
    }

    static func json(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value)
    }

    static func settingImageID(_ imageID: String, in pod: [String: Any]) throws -> [String: Any] {
        var pod = pod
        var status = try #require(pod["status"] as? [String: Any])
        var statuses = try #require(status["containerStatuses"] as? [[String: Any]])
        statuses[0]["imageID"] = imageID
        status["containerStatuses"] = statuses
        pod["status"] = status
        return pod
    }

    static func container(
        _ name: String, _ repository: String, _ digest: String, _ reference: String, isInit: Bool = false, replicas: Int = 1
    ) throws -> InventoryContainer {
        InventoryContainer(
            name: name, isInit: isInit, repository: try RepositoryName(parsing: repository),
            digest: try Digest(parsing: digest), reference: reference, replicas: replicas)
    }
}
