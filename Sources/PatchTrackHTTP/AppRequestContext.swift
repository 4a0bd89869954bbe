import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// The request context: the authenticated token, the request id, and the one JSON coder pair of the API.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated this request, once the route's guard has run.
    public var token: TokenInfo?
    /// The request id (echoed `X-Request-Id` or generated).
    public var requestID: String = ""

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder { APICoding.decoder }
    public var responseEncoder: JSONEncoder { APICoding.encoder }
}

/// The API's JSON coders: keys as written in the DTOs (snake_case), sorted output, RFC 3339 dates as ``Timestamp``
/// writes and reads them (the DTOs carry times as strings; this keeps any `Date` field to the same one form).
enum APICoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            guard let date = Timestamp.parse(try container.decode(String.self)) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }
}
