import PatchTrackCore
import PatchTrackStorage

/// The problems for documents ingest preparation (Core's ``ScanIngest``, Storage's ``OSVBundle``) cannot take.
extension ProblemDetails {
    /// The problem for a document that could not be read: 400 malformed JSON, 415/422 unsupported or invalid.
    init(ingestError error: IngestError) {
        switch error.kind {
        case .malformedJSON:
            self.init(.malformedJSON, status: .badRequest, detail: error.detail)
        case .unsupportedFormat:
            self.init(.unsupportedDocument, status: .unprocessableContent, detail: error.detail)
        case .invalidDocument:
            self = .validation([FieldError(field: error.path.isEmpty ? "$" : error.path, message: error.message)])
        }
    }

    /// The problem for a scan document: unreadable (see ``init(ingestError:)``), or 422 on `image` when no image
    /// digest is known.
    init(_ failure: ScanIngest.Failure) {
        switch failure {
        case .unreadable(let error): self.init(ingestError: error)
        case .noImage(let unresolved): self = .invalidField("image", unresolved.message)
        }
    }

    /// The problem for posted advisories: unreadable JSON (see ``init(ingestError:)``), 400 for a body that is no
    /// zip archive, 413 for an archive over the limits (checked before inflating), 422 on an entry that cannot be
    /// extracted or inflates beyond its declared size.
    init(_ failure: OSVBundle.Failure) {
        switch failure {
        case .unreadable(let error): self.init(ingestError: error)
        case .notAZip: self.init(.badRequest, status: .badRequest, detail: failure.description)
        case .invalidEntry(let path, let message): self = .invalidField(path, message)
        case .overLimit: self.init(.payloadTooLarge, status: .contentTooLarge, detail: failure.description)
        }
    }
}
