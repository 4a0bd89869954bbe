import Foundation

/// A posted VEX document read into statements: OpenVEX (0.2.0, and the 0.0.x shapes) or CycloneDX VEX.
public struct VEXDocument: Equatable, Sendable {
    /// The formats PatchTrack reads.
    public enum Format: String, Sendable, Hashable {
        /// OpenVEX JSON-LD (https://github.com/openvex/spec).
        case openVEX = "openvex"
        /// CycloneDX JSON with `vulnerabilities[].analysis` (https://cyclonedx.org/capabilities/vex/).
        case cycloneDX = "cyclonedx"
    }

    /// A statement left out, with why (unknown status, no products, a not_affected claim without justification).
    public struct Skipped: Error, Equatable, Sendable {
        /// Where it is in the document (`statements[2]`).
        public var path: String
        /// Why it was left out.
        public var reason: String

        /// Creates a value.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// The format.
    public var format: Format
    /// The document id (OpenVEX `@id`, CycloneDX `serialNumber`).
    public var id: String?
    /// The author (OpenVEX `author`; CycloneDX metadata author or supplier name).
    public var author: String?
    /// The document timestamp.
    public var timestamp: RFC3339Timestamp?
    /// The document version.
    public var version: Int?
    /// The statements that can be applied.
    public var statements: [VEXStatement]
    /// The statements left out, with reasons.
    public var skipped: [Skipped]

    /// Creates a document.
    public init(
        format: Format, id: String? = nil, author: String? = nil, timestamp: RFC3339Timestamp? = nil,
        version: Int? = nil, statements: [VEXStatement] = [], skipped: [Skipped] = []
    ) {
        self.format = format
        self.id = id
        self.author = author
        self.timestamp = timestamp
        self.version = version
        self.statements = statements
        self.skipped = skipped
    }

    /// Detects the format (an `@context` key: OpenVEX; `bomFormat` or `vulnerabilities`: CycloneDX) and parses.
    public static func parse(_ data: Data) throws(IngestError) -> VEXDocument {
        let peek: JSONTopLevelPeek
        switch JSONTopLevelPeek.peek(data, stopAt: { $0 == "@context" || $0 == "bomFormat" }) {
        case .success(let value): peek = value
        case .failure(let error): throw error
        }
        if peek.keys.contains("@context") { return try parse(data, as: .openVEX) }
        if peek.keys.contains("bomFormat") || peek.keys.contains("vulnerabilities") {
            return try parse(data, as: .cycloneDX)
        }
        throw IngestError(
            kind: .unsupportedFormat, path: "",
            message: "not a VEX document; accepted formats: OpenVEX JSON (@context https://openvex.dev/ns/...), "
                + "CycloneDX JSON with vulnerabilities[].analysis")
    }

    /// Parses a document known to be in `format`.
    /// Identifiers over ``IdentifierLimit`` refuse the document.
    public static func parse(_ data: Data, as format: Format) throws(IngestError) -> VEXDocument {
        let document: VEXDocument
        switch format {
        case .openVEX: document = try OpenVEXParser.parse(data)
        case .cycloneDX: document = try CycloneDXVEXParser.parse(data)
        }
        try document.checkIdentifierLengths()
        return document
    }
}
