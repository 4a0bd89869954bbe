/// The identifier lengths of an OSV record, checked against ``IdentifierLimit`` before the record is validated
/// further: a record with a 5 MB id or package name is rejected, not stored.
extension OSVRecord {
    /// The first identifier over its limit, as (message, field path relative to the record), or nil.
    func identifierLengthViolation() -> (message: String, field: String)? {
        func over(_ limit: IdentifierLimit, _ value: String?, _ field: @autoclosure () -> String) -> (String, String)? {
            guard let value, let message = limit.violation(value) else { return nil }
            return (message, field())
        }
        if let found = over(.identifier, id, "id") { return found }
        for (name, list) in [("aliases", aliases), ("upstream", upstream), ("related", related)] {
            for (index, value) in list.enumerated() {
                if let found = over(.identifier, value, "\(name)[\(index)]") { return found }
            }
        }
        for (index, affected) in affected.enumerated() {
            let entry = "affected[\(index)]"
            if let found = over(.identifier, affected.package.ecosystem, entry + ".package.ecosystem")
                ?? over(.packageName, affected.package.name, entry + ".package.name")
                ?? over(.purl, affected.package.purl, entry + ".package.purl")
            {
                return found
            }
            for (versionIndex, version) in affected.versions.enumerated() {
                if let found = over(.version, version, entry + ".versions[\(versionIndex)]") { return found }
            }
            for (rangeIndex, range) in affected.ranges.enumerated() {
                for (eventIndex, event) in range.events.enumerated() {
                    let field = entry + ".ranges[\(rangeIndex)].events[\(eventIndex)]"
                    if let found = over(.version, event.version, field) { return found }
                }
            }
        }
        return nil
    }
}
