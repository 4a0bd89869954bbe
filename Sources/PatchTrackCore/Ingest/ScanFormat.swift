import Foundation

/// The document formats ingest reads: two SBOM standards, Syft's native SBOM, and two scanners' reports.
public enum ScanFormat: String, Sendable, CaseIterable, Equatable {
    /// CycloneDX JSON (https://cyclonedx.org/specification/overview/), spec versions 1.2 and later 1.x.
    case cyclonedx
    /// SPDX JSON 2.2 / 2.3 (https://spdx.github.io/spdx-spec/v2.3/).
    case spdx
    /// Syft's native JSON (https://github.com/anchore/syft/tree/main/schema/json).
    case syft
    /// Trivy's JSON report, `SchemaVersion` 2 (https://trivy.dev/latest/docs/configuration/reporting/#json).
    case trivy
    /// Grype's JSON report, old (0.7) and current schemas (https://github.com/anchore/grype).
    case grype

    /// A display name for messages.
    public var displayName: String {
        switch self {
        case .cyclonedx: "CycloneDX"
        case .spdx: "SPDX"
        case .syft: "Syft JSON"
        case .trivy: "Trivy JSON"
        case .grype: "Grype JSON"
        }
    }

    /// Detects the format from the document's top-level keys, checked against the Content-Type when one is given.
    ///
    /// Only the top-level object is walked, and the walk stops at the first key that settles the format
    /// (`bomFormat`, `spdxVersion`, `SchemaVersion`/`Results`/`ArtifactName`, `matches`, `artifacts`), so this
    /// costs a fraction of a full decode. A Content-Type naming a format the content contradicts, a non-JSON
    /// serialisation, or content no format claims gives ``IngestError/Kind/unsupportedFormat``; bytes that are
    /// not JSON at all give ``IngestError/Kind/malformedJSON``.
    public static func detect(_ data: Data, contentType: String?) throws(IngestError) -> ScanFormat {
        let hint = try formatHint(contentType: contentType)
        let peek: JSONTopLevelPeek
        switch JSONTopLevelPeek.peek(data, stopAt: { decisiveFormat(forKey: $0) != nil }) {
        case .success(let value): peek = value
        case .failure:
            // The peek only knows that the top level is not an object; the full scan says where broken JSON
            // breaks, with the enclosing path, and otherwise the document is a bare scalar.
            _ = try JSONTree(data)
            throw .unsupportedFormat("the document is a JSON scalar; every accepted format is a JSON object")
        }
        if peek.isArray {
            throw .unsupportedFormat(
                "the document is a JSON array; every accepted format is a JSON object (Trivy's SchemaVersion 1 "
                    + "array output is not supported)")
        }
        let detected = format(from: peek)
        switch (detected, hint) {
        case (let detected?, let hint?) where detected != hint:
            throw .unsupportedFormat(
                "Content-Type says \(hint.displayName) but the document is \(detected.displayName)")
        case (let detected?, _):
            return detected
        case (nil, let hint?):
            // The content has none of the markers; the header decides and that format's parser reports what
            // is missing with a field path.
            return hint
        case (nil, nil):
            if peek.keys.contains("@context") {
                throw .unsupportedFormat("JSON-LD documents (SPDX 3) are not supported")
            }
            let shown = peek.keys.prefix(8).joined(separator: ", ")
            throw .unsupportedFormat(
                peek.keys.isEmpty
                    ? "the document is an empty JSON object"
                    : "no known format has the top-level keys [\(shown)]")
        }
    }

    // MARK: - Detection rules

    /// The format a top-level key proves by itself.
    static func decisiveFormat(forKey key: String) -> ScanFormat? {
        switch key {
        case "bomFormat": .cyclonedx
        case "spdxVersion": .spdx
        case "SchemaVersion", "ArtifactName", "Results": .trivy
        case "matches": .grype
        case "artifacts", "artifactRelationships": .syft
        default: nil
        }
    }

    private static func format(from peek: JSONTopLevelPeek) -> ScanFormat? {
        for key in peek.keys {
            if let format = decisiveFormat(forKey: key) { return format }
        }
        // Weaker evidence, used only when no decisive key is present.
        let keys = Set(peek.keys)
        if keys.contains("specVersion"), keys.contains("components") || keys.contains("metadata") { return .cyclonedx }
        if keys.contains("SPDXID"), keys.contains("packages") { return .spdx }
        return nil
    }

    /// Reads the media type of a Content-Type header; JSON media types of a known format become a hint, other
    /// serialisations of the accepted formats are refused, and generic or unknown types give no hint.
    static func formatHint(contentType: String?) throws(IngestError) -> ScanFormat? {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/vnd.cyclonedx+json": return .cyclonedx
        case "application/spdx+json": return .spdx
        case "application/vnd.cyclonedx+xml", "application/vnd.cyclonedx+protobuf",
            "application/x.vnd.cyclonedx+protobuf", "application/xml", "text/xml", "text/spdx",
            "application/spdx+xml", "application/rdf+xml", "application/spdx+yaml", "application/yaml",
            "text/yaml", "application/x-yaml":
            throw .unsupportedFormat("Content-Type \(mediaType) is not a JSON serialisation")
        default: return nil
        }
    }
}
