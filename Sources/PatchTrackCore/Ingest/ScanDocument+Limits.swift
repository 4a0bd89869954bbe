/// The identifier lengths of a parsed scan document, checked against ``IdentifierLimit``: a package with a 5 MB purl,
/// name or version refuses the document (422 naming the field) rather than being stored or echoed in a skip reason.
extension ScanDocument {
    /// Throws the first identifier over its limit; paths are the document's (`components[3].purl`).
    func checkIdentifierLengths() throws(IngestError) {
        try IdentifierLimit.toolName.check(tool?.name, field: "tool.name")
        try IdentifierLimit.version.check(tool?.version, field: "tool.version")
        if let image {
            try IdentifierLimit.imageReference.check(image.reference, field: "image.reference")
            try IdentifierLimit.imageReference.check(image.digest, field: "image.digest")
            try IdentifierLimit.imageReference.check(image.imageID, field: "image.id")
            for (index, digest) in image.repoDigests.enumerated() {
                try IdentifierLimit.imageReference.check(digest, field: "image.repo_digests[\(index)]")
            }
            for (index, tag) in image.tags.enumerated() {
                try IdentifierLimit.imageReference.check(tag, field: "image.tags[\(index)]")
            }
        }
        if let operatingSystem {
            try IdentifierLimit.packageName.check(operatingSystem.id, field: "operating_system.id")
            try IdentifierLimit.version.check(operatingSystem.versionID, field: "operating_system.version_id")
        }
        for package in packages {
            try IdentifierLimit.purl.check(package.purl, field: package.path + ".purl")
            try IdentifierLimit.packageName.check(package.name, field: package.path + ".name")
            try IdentifierLimit.version.check(package.version, field: package.path + ".version")
            try IdentifierLimit.packageName.check(package.sourceName, field: package.path + ".source_name")
            try IdentifierLimit.version.check(package.sourceVersion, field: package.path + ".source_version")
        }
        for verdict in verdicts {
            try IdentifierLimit.identifier.check(verdict.advisoryID, field: verdict.path + ".id")
            for (index, related) in verdict.relatedAdvisoryIDs.enumerated() {
                try IdentifierLimit.identifier.check(related, field: verdict.path + ".related[\(index)]")
            }
            try IdentifierLimit.purl.check(verdict.packagePURL, field: verdict.path + ".purl")
            try IdentifierLimit.packageName.check(verdict.packageName, field: verdict.path + ".package_name")
            try IdentifierLimit.version.check(verdict.installedVersion, field: verdict.path + ".installed_version")
        }
    }
}
