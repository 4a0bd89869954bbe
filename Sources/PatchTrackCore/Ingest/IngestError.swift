/// Why a posted scan document could not be read, with the field it concerns.
///
/// `path` names the offending field the way a reader would look it up in the document, e.g.
/// `Results[2].Packages[5].Name`; the empty string means the document as a whole. Entries that are merely unusable
/// (a component without a name or version) are not errors: parsers record them in ``ScanDocument/skipped``.
public struct IngestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The broad class of failure, stable for mapping to problem types.
    public enum Kind: String, Sendable, Equatable {
        /// The document is not one of the accepted formats (or is the wrong serialisation of one).
        case unsupportedFormat = "unsupported-format"
        /// The bytes are not well-formed JSON (not JSON at all, truncated, bad escapes).
        case malformedJSON = "malformed-json"
        /// Well-formed JSON in a known format whose shape or values break that format's rules.
        case invalidDocument = "invalid-document"
    }

    /// The class of failure.
    public var kind: Kind
    /// The field path, e.g. `Results[2].Packages[5].Name`; empty for the whole document.
    public var path: String
    /// A human-readable explanation (no document content beyond short values).
    public var message: String

    /// Creates an error of `kind` at `path`.
    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// The formats ingest accepts, as listed in messages.
    public static let acceptedFormats =
        "CycloneDX JSON 1.2-1.7, SPDX JSON 2.2/2.3, Syft JSON, Trivy JSON (SchemaVersion 2), Grype JSON"

    /// A document that is not one of the accepted formats; the message lists them.
    public static func unsupportedFormat(_ detail: String, path: String = "") -> IngestError {
        IngestError(kind: .unsupportedFormat, path: path, message: "\(detail); accepted formats: \(acceptedFormats)")
    }

    /// A document of a known format that breaks its rules at `path`.
    public static func invalidDocument(_ message: String, path: String) -> IngestError {
        IngestError(kind: .invalidDocument, path: path, message: message)
    }

    /// `kind at path: message`, for logs and tests.
    public var description: String {
        path.isEmpty ? "\(kind.rawValue): \(message)" : "\(kind.rawValue) at \(path): \(message)"
    }
}
