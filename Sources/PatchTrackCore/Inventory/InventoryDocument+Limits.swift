/// The identifier lengths of a read inventory, checked against ``IdentifierLimit``: an over-long workload, namespace
/// or container name refuses the document (422 naming it) rather than being stored. References are bounded by their
/// grammar (``ImageReference``).
extension InventoryDocument {
    /// Throws the first name over its limit; the field names the workload by position.
    func checkIdentifierLengths() throws(IngestError) {
        for (index, workload) in workloads.enumerated() {
            let field = "workloads[\(index)]"
            try IdentifierLimit.name.check(workload.name, field: field + ".name")
            try IdentifierLimit.name.check(workload.namespace, field: field + ".namespace")
            try IdentifierLimit.name.check(workload.kind, field: field + ".kind")
            for (position, container) in workload.containers.enumerated() {
                let containerField = field + ".containers[\(position)]"
                try IdentifierLimit.name.check(container.name, field: containerField + ".name")
                try IdentifierLimit.imageReference.check(container.reference, field: containerField + ".image")
            }
        }
    }
}
