/// An entry of an inventory that was left out (a finished pod, a container without a resolvable digest, a row with
/// no replicas), with where it sits in the document and why.
public struct InventorySkip: Sendable, Equatable {
    /// Where the entry sits, e.g. `items[4]` or `items[6].spec.containers[0]`; empty for the whole document.
    public var path: String
    /// Why it was left out.
    public var reason: String

    /// Creates a skip record.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
