import Foundation

extension ScanDocument {
    /// Detects the format of one posted document (see ``ScanFormat/detect(_:contentType:)``) and parses it.
    public static func parse(_ data: Data, contentType: String? = nil) throws(IngestError) -> ScanDocument {
        let format = try ScanFormat.detect(data, contentType: contentType)
        return try parse(data, as: format)
    }

    /// Parses one document known to be in `format`.
    public static func parse(_ data: Data, as format: ScanFormat) throws(IngestError) -> ScanDocument {
        switch format {
        case .cyclonedx: try CycloneDXParser.parse(data)
        case .spdx: try SPDXParser.parse(data)
        case .syft: try SyftParser.parse(data)
        case .trivy: try TrivyParser.parse(data)
        case .grype: try GrypeParser.parse(data)
        }
    }
}
