import Foundation
import Hummingbird
import PatchTrackCore

/// An RFC 9457 problem: every error the API answers with, as `application/problem+json`.
public struct ProblemDetails: HTTPResponseError, Encodable, Sendable {
    /// One invalid field: a JSON path (`tags[1]`, `base.reference`) or parameter name, and what is wrong with it.
    public struct FieldError: Encodable, Sendable, Equatable {
        /// Where.
        public var field: String
        /// What.
        public var message: String

        /// Creates a field error.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The problem type (listed in openapi.yaml under `ProblemType`).
    public var type: ProblemType
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// A human explanation of this occurrence.
    public var detail: String
    /// Invalid fields, for validation problems: at most ``InputLimits/listedEntries``.
    public var errors: [FieldError]
    /// How many more invalid fields there were than `errors` lists (`errors_omitted`, absent when none).
    public var errorsOmitted = 0
    /// Extra response headers (`Allow`, `WWW-Authenticate`).
    public var headers: HTTPFields

    /// Creates a problem.
    public init(_ type: ProblemType, status: HTTPResponse.Status, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.type = type
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
        case errorsOmitted = "errors_omitted"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type.uri, forKey: .type)
        try container.encode(type.title, forKey: .title)
        try container.encode(Int(status.code), forKey: .status)
        try container.encode(detail, forKey: .detail)
        if !errors.isEmpty { try container.encode(errors, forKey: .errors) }
        if errorsOmitted > 0 { try container.encode(errorsOmitted, forKey: .errorsOmitted) }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? APICoding.encoder.encode(self)) ?? Data(#"{"status":500}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Common problems

    /// 422 with field errors.
    public static func validation(_ errors: [FieldError], detail: String? = nil) -> ProblemDetails {
        ProblemDetails(
            .validationFailed, status: .unprocessableContent,
            detail: detail ?? errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: errors)
    }

    /// 422 listing the first ``InputLimits/listedEntries`` of `errors` and counting the rest, of `total` errors in all
    /// (`errors.count` unless the caller made only the first ones); `detail` says how many there are.
    public static func validation(listing errors: [FieldError], total: Int? = nil, detail: String) -> ProblemDetails {
        let listed = Array(errors.prefix(InputLimits.listedEntries))
        var problem = ProblemDetails(.validationFailed, status: .unprocessableContent, detail: detail, errors: listed)
        problem.errorsOmitted = max(0, (total ?? errors.count) - listed.count)
        return problem
    }

    /// 422 for one field.
    public static func invalidField(_ field: String, _ message: String) -> ProblemDetails {
        validation([FieldError(field: field, message: message)])
    }

    /// 400 for a query parameter.
    public static func badParameter(_ name: String, _ message: String) -> ProblemDetails {
        ProblemDetails(
            .badRequest, status: .badRequest, detail: "query parameter \(name): \(message)",
            errors: [FieldError(field: name, message: message)])
    }

    /// 404 for a thing that does not exist.
    public static func notFound(_ detail: String) -> ProblemDetails {
        ProblemDetails(.notFound, status: .notFound, detail: detail)
    }
}

/// Every problem type the API uses. The URIs are stable identifiers (URNs), documented in openapi.yaml.
public enum ProblemType: String, Sendable, CaseIterable {
    case badRequest = "bad-request"
    case malformedJSON = "malformed-json"
    case unauthorized
    case forbidden
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case conflict
    case payloadTooLarge = "payload-too-large"
    case unsupportedMediaType = "unsupported-media-type"
    case validationFailed = "validation-failed"
    case unsupportedDocument = "unsupported-document"
    case internalError = "internal-error"
    case notReady = "not-ready"
    case lineageCycle = "lineage-cycle"
    case storageFull = "storage-full"
    case tooManyRequests = "too-many-requests"
    case registryError = "registry-error"

    /// `urn:patchtrack:problem:<slug>`.
    public var uri: String { "urn:patchtrack:problem:\(rawValue)" }

    /// A short summary that does not change between occurrences.
    public var title: String {
        switch self {
        case .badRequest: "Bad request"
        case .malformedJSON: "Malformed JSON"
        case .unauthorized: "Authentication required"
        case .forbidden: "Not allowed for this token's role"
        case .notFound: "Not found"
        case .methodNotAllowed: "Method not allowed"
        case .conflict: "Conflict"
        case .payloadTooLarge: "Request body too large"
        case .unsupportedMediaType: "Unsupported media type"
        case .validationFailed: "Validation failed"
        case .unsupportedDocument: "Unsupported document format"
        case .internalError: "Internal server error"
        case .notReady: "Not ready"
        case .lineageCycle: "Base image lineage would loop"
        case .storageFull: "The database cannot store more data"
        case .tooManyRequests: "Too many concurrent requests"
        case .registryError: "The registry could not be read"
        }
    }
}
