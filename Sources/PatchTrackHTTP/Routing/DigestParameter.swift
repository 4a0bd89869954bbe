import Hummingbird
import PatchTrackCore

extension Request {
    /// The `{digest}` path parameter, validated (400 when malformed).
    func digestParameter(_ context: AppRequestContext) throws -> Digest {
        try Self.digest(pathParameter("digest", context), parameter: "digest")
    }

    /// Query parameter `name` as a digest: nil when absent, 400 when malformed (empty included).
    func digestQuery(_ name: String) throws -> Digest? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        return try Self.digest(String(text), parameter: name)
    }

    /// `text` as a digest, or a 400 problem naming `parameter`.
    static func digest(_ text: String, parameter: String) throws -> Digest {
        guard let digest = try? Digest(parsing: text) else {
            throw ProblemDetails.badParameter(parameter, "must be 'sha256:' followed by 64 lowercase hex digits")
        }
        return digest
    }
}
