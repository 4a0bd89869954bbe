import Foundation
import PatchTrackCore

/// The pure part of taking a scan document: detect, parse, normalise, and find its image; every failure is a
/// problem naming what is wrong. Shared by `POST /v1/scans` and `patchtrack import scan`.
public enum ScanIngest {
    /// A parsed document ready to store.
    public struct Parsed: Sendable {
        /// The parsed document.
        public var document: ScanDocument
        /// Its components, normalised.
        public var normalized: ComponentNormalizer.Output
        /// The image it describes.
        public var registration: ImageRegistration
    }

    /// Parses `data`; throws ``ProblemDetails`` (400 malformed JSON, 415/422 unsupported or invalid documents, 422
    /// when no image digest is known).
    public static func parse(_ data: Data, contentType: String?, override: ImageReference?) throws -> Parsed {
        try prepare(try document(data, contentType: contentType), override: override)
    }

    /// Detects the format and parses `data` (400 / 422 problems).
    public static func document(_ data: Data, contentType: String?) throws -> ScanDocument {
        do {
            return try ScanDocument.parse(data, contentType: contentType)
        } catch {
            throw ProblemDetails(ingestError: error)
        }
    }

    /// Normalises the components and finds the image. The document's raw package list is dropped once normalised:
    /// storage needs only the components, and a large document's memory is freed before the write.
    public static func prepare(_ document: ScanDocument, override: ImageReference?) throws -> Parsed {
        var document = document
        let registration: ImageRegistration
        do {
            registration = try ScanSubject.registration(for: document, override: override)
        } catch {
            throw ProblemDetails.invalidField("image", error.message)
        }
        let normalized = ComponentNormalizer.normalize(document)
        document.packages = []
        return Parsed(document: document, normalized: normalized, registration: registration)
    }
}

extension ProblemDetails {
    /// The problem for a document that could not be read.
    init(ingestError error: IngestError) {
        switch error.kind {
        case .malformedJSON:
            self.init(.malformedJSON, status: .badRequest, detail: error.path.isEmpty ? error.message : "\(error.path): \(error.message)")
        case .unsupportedFormat:
            self.init(.unsupportedDocument, status: .unprocessableContent, detail: error.message)
        case .invalidDocument:
            self = .validation([FieldError(field: error.path.isEmpty ? "$" : error.path, message: error.message)])
        }
    }
}
