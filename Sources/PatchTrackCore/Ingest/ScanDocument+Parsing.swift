import Foundation

extension ScanDocument {
    /// Detects the format of one posted document (see ``ScanFormat/detect(_:contentType:)``) and parses it.
    public static func parse(_ data: Data, contentType: String? = nil) throws(IngestError) -> ScanDocument {
        let format = try ScanFormat.detect(data, contentType: contentType)
        return try parse(data, as: format)
    }

    /// Parses one document known to be in `format`.
    /// Identifiers over ``IdentifierLimit`` refuse the document.
    public static func parse(_ data: Data, as format: ScanFormat) throws(IngestError) -> ScanDocument {
        let document: ScanDocument
        switch format {
        case .cyclonedx: document = try CycloneDXParser.parse(data)
        case .spdx: document = try SPDXParser.parse(data)
        case .syft: document = try SyftParser.parse(data)
        case .trivy: document = try TrivyParser.parse(data)
        case .grype: document = try GrypeParser.parse(data)
        }
        try document.checkIdentifierLengths()
        return document
    }
}
