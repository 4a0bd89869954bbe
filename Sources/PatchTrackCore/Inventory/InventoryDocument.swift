import Foundation

/// What runs in one environment: its workloads and the image digests their containers run, read from a Kubernetes
/// pod list, a single Pod, or a simple JSON list of workload rows.
public struct InventoryDocument: Sendable, Equatable {
    /// The shape the document had.
    public var format: InventoryFormat
    /// The workloads with at least one resolved container, sorted by name; names are unique.
    public var workloads: [InventoryWorkload]
    /// What was left out and why, in document order.
    public var skipped: [InventorySkip]

    /// Creates a document.
    public init(format: InventoryFormat, workloads: [InventoryWorkload], skipped: [InventorySkip] = []) {
        self.format = format
        self.workloads = workloads
        self.skipped = skipped
    }

    /// Detects the shape of `data` and reads it.
    ///
    /// A top-level array is the simple workload list; an object is a pod list when its `kind` is `List` or
    /// `PodList` and a Pod when it is `Pod`. Bytes that are not JSON give ``IngestError/Kind/malformedJSON``, other
    /// JSON ``IngestError/Kind/unsupportedFormat``, and bad values ``IngestError/Kind/invalidDocument`` with the
    /// field path (`items[3].status.containerStatuses[0].imageID`, `[2].digest`). The document is scanned once.
    public static func parse(_ data: Data) throws(IngestError) -> InventoryDocument {
        let document: InventoryDocument
        switch try IngestDecoding.decode(Root.self, from: data) {
        case .podList(let pods):
            document = try read(pods: pods, format: .podList)
        case .pod(let pod):
            document = try read(pods: [pod], format: .pod)
        case .workloadRows(let rows):
            document = try read(rows: rows)
        case .unsupported(let detail, let path):
            throw IngestError(
                kind: .unsupportedFormat, path: path, message: "\(detail); \(InventoryFormat.acceptedShapes)")
        }
        // Names over ``IdentifierLimit`` refuse the document.
        try document.checkIdentifierLengths()
        return document
    }

    /// Quotes a document value for a message, shortened so that messages stay small.
    static func quoted(_ text: String) -> String {
        text.count > 100 ? "\"\(text.prefix(100))…\"" : "\"\(text)\""
    }

    // MARK: - Shape detection

    /// The top level, told apart while decoding so that the document is scanned only once (a pod list's `kind`
    /// follows its `items`, so peeking for it would walk the whole document first).
    private enum Root: Decodable {
        case podList([KubernetesPod])
        case pod(KubernetesPod)
        case workloadRows([WorkloadRow])
        case unsupported(String, path: String)

        private enum CodingKeys: String, CodingKey {
            case kind, items
        }

        init(from decoder: any Decoder) throws {
            if let rows = try? decoder.unkeyedContainer() {
                var rows = rows
                var decoded: [WorkloadRow] = []
                decoded.reserveCapacity(rows.count ?? 0)
                while !rows.isAtEnd { decoded.append(try rows.decode(WorkloadRow.self)) }
                self = .workloadRows(decoded)
                return
            }
            guard let object = try? decoder.container(keyedBy: CodingKeys.self) else {
                self = .unsupported("the document is a JSON scalar", path: "")
                return
            }
            switch try? object.decodeIfPresent(String.self, forKey: .kind) {
            case "List", "PodList":
                self = .podList(try object.decode([KubernetesPod].self, forKey: .items))
            case "Pod":
                self = .pod(try KubernetesPod(from: decoder))
            case let kind?:
                self = .unsupported("kind \(InventoryDocument.quoted(kind)) is not an inventory", path: "kind")
            case nil:
                self = .unsupported("the JSON object has no string kind", path: "")
            }
        }
    }
}
