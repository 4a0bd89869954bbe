import Crypto
import Hummingbird

/// Conditional GETs for the API's reads (RFC 9110 §8.8.3, §13.1.2): every `200` answer to a `GET /v1/…` gets a
/// strong `ETag` computed from its media type and bytes, and a request whose `If-None-Match` lists it is answered
/// `304 Not Modified` without a body.
///
/// Hashing the answer is correct for every route, whatever its body depends on (other replicas' writes on
/// PostgreSQL, the clock through SLA and age rules, the query): equal tags mean equal bytes, on every replica. It
/// saves the transfer, not the work. A handler that keeps its answers per write generation (the rebuild plan) sets
/// the tag it names with ``entityTag(contentType:identity:)``, and this middleware then only compares it.
struct ConditionalGetMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Bodies larger than this are sent without a tag rather than hashed (pages are bounded well below it).
    static let maximumHashedBytes = 32 * 1024 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .get, request.uri.path.hasPrefix("/v1/"), response.status == .ok else { return response }
        let tag: String
        if let given = response.headers[.eTag] {
            tag = given
        } else {
            guard let length = response.body.contentLength, length <= Self.maximumHashedBytes else { return response }
            let body = try await Self.collect(response.body)
            tag = Self.entityTag(contentType: response.headers[.contentType] ?? "", body: body)
            response.headers[.eTag] = tag
            response.body = ResponseBody(byteBuffer: body)
        }
        if let condition = request.headers[.ifNoneMatch], Self.matches(condition, tag) {
            return Response(status: .notModified, headers: [.eTag: tag], body: ResponseBody())
        }
        return response
    }

    /// `"<first 128 bits of SHA-256(media type, NUL, body) in hex>"`.
    static func entityTag(contentType: String, body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(contentType.utf8) + [0])
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return quoted(hasher.finalize())
    }

    /// A tag for an answer that is a function of `identity` (e.g. a cached answer's kind, query, write generation
    /// and computation time), so that equal tags still mean equal bytes without hashing the bytes:
    /// `"<first 128 bits of SHA-256(media type, NUL, each part, NUL) in hex>"`.
    static func entityTag(contentType: String, identity: [String]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(contentType.utf8) + [0])
        for part in identity { hasher.update(data: Array(part.utf8) + [0]) }
        return quoted(hasher.finalize())
    }

    private static func quoted(_ hash: SHA256.Digest) -> String {
        let digest = hash.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }
        return "\"" + digest.joined() + "\""
    }

    /// Whether an `If-None-Match` value (`*` or a list of tags, weak or strong) names `tag`: the weak comparison
    /// RFC 9110 §13.1.2 asks for.
    static func matches(_ condition: String, _ tag: String) -> Bool {
        let opaque = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        for candidate in condition.split(separator: ",") {
            var candidate = candidate.trimmingCharacters(in: .whitespaces)
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
            if candidate == opaque { return true }
        }
        return false
    }

    /// The bytes a response body writes.
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = Collector()
        try await body.write(collector)
        return collector.buffer
    }

    private final class Collector: ResponseBodyWriter {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var part = buffer
            self.buffer.writeBuffer(&part)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
