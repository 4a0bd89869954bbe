import Foundation

/// The pure part of taking a scan document: detect, parse, normalise, and find its image. Shared by `POST /v1/scans`
/// and `patchtrack import scan`, which each report a ``Failure`` their own way (the API as a problem document).
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

    /// Why a scan document cannot be taken.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The document could not be read: malformed JSON, not an accepted format, or an invalid document.
        case unreadable(IngestError)
        /// No image digest is known for it (nor given).
        case noImage(ScanSubject.Unresolved)

        /// What is wrong, naming the field: `$.bomFormat: …`, `image: …`.
        public var description: String {
            switch self {
            case .unreadable(let error): error.detail
            case .noImage(let unresolved): "image: \(unresolved.message)"
            }
        }
    }

    /// Parses `data` and prepares it (see ``prepare(_:override:)``).
    public static func parse(_ data: Data, contentType: String?, override: ImageReference?) throws(Failure) -> Parsed {
        let document: ScanDocument
        do {
            document = try ScanDocument.parse(data, contentType: contentType)
        } catch {
            throw .unreadable(error)
        }
        do {
            return try prepare(document, override: override)
        } catch {
            throw .noImage(error)
        }
    }

    /// Normalises the components and finds the image. The document's raw package list is dropped once normalised:
    /// storage needs only the components, and a large document's memory is freed before the write.
    public static func prepare(_ document: ScanDocument, override: ImageReference?) throws(ScanSubject.Unresolved) -> Parsed {
        var document = document
        let registration = try ScanSubject.registration(for: document, override: override)
        let normalized = ComponentNormalizer.normalize(document)
        document.packages = []
        return Parsed(document: document, normalized: normalized, registration: registration)
    }
}

extension IngestError {
    /// What is wrong, as the API's problem `detail` and the command line say it: the message, after the field path
    /// for malformed JSON and invalid documents (`$` for the document as a whole).
    public var detail: String {
        switch kind {
        case .malformedJSON: path.isEmpty ? message : "\(path): \(message)"
        case .unsupportedFormat: message
        case .invalidDocument: "\(path.isEmpty ? "$" : path): \(message)"
        }
    }
}
