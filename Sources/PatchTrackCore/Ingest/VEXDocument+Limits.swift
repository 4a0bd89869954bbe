/// The identifier lengths of a parsed VEX document, checked against ``IdentifierLimit``: an over-long vulnerability
/// id or product identifier refuses the document (422 naming the field) rather than being stored as written.
extension VEXDocument {
    /// Throws the first identifier over its limit; paths are the statement's (`statements[2].products[0]`).
    func checkIdentifierLengths() throws(IngestError) {
        // Document ids are IRIs (OpenVEX `@id`), as long as purls may be.
        try IdentifierLimit.purl.check(id, field: "id")
        for statement in statements {
            try IdentifierLimit.identifier.check(statement.vulnerability, field: statement.path + ".vulnerability")
            for (index, alias) in statement.aliases.enumerated() {
                try IdentifierLimit.identifier.check(alias, field: statement.path + ".aliases[\(index)]")
            }
            for (index, product) in statement.products.enumerated() {
                let field = statement.path + ".products[\(index)]"
                // Identifiers are IRIs, preferably purls: the purl limit applies to all of them.
                for subject in [product.subject] + product.subcomponents {
                    if case .unresolved(let text) = subject { try IdentifierLimit.purl.check(text, field: field) }
                }
            }
        }
    }
}
