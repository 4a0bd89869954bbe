import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/registries`: how PatchTrack reaches each registry host it polls (admin). Credentials are write-only: stored
/// apart from the other settings, read only by the poller, never answered. A host nobody configured is reached
/// anonymously over https at its default URL.
struct RegistriesController {
    let database: AppDatabase
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/registries", role: .admin, handler: list),
            Endpoint(.get, "/v1/registries/{host}", role: .admin, handler: show),
            Endpoint(.put, "/v1/registries/{host}", role: .admin, handler: put),
            Endpoint(.delete, "/v1/registries/{host}", role: .admin, handler: delete),
        ]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(PageResponse(items: try await database.registries.list().map(RegistryResponse.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let host = try Self.host(request, context)
        guard let registry = try await database.registries.registry(host: host) else { throw Self.missing(host) }
        return try JSONResponse.make(RegistryResponse(registry))
    }

    /// 201 when the host was new, 200 when its settings (credentials included) were replaced.
    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        let host = try Self.host(request, context)
        let settings = try await request.decodeJSON(RegistryRequest.self, limits: limits).settings(host: host)
        let (registry, created) = try await database.registries.put(settings.definition, credentials: settings.credentials)
        return try JSONResponse.make(
            RegistryResponse(registry), status: created ? .created : .ok,
            headers: created ? [.location: "/v1/registries/\(host)"] : [:])
    }

    /// Removes the settings and credentials; later polls reach the host anonymously at its default URL.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let host = try Self.host(request, context)
        guard try await database.registries.delete(host: host) else { throw Self.missing(host) }
        return Response(status: .noContent)
    }

    /// The longest host a repository name can have: RepositoryName keeps names to 255 characters, `host/x` at least.
    static let maximumHostLength = 253

    /// The `{host}` path parameter (`ghcr.io`, `localhost:5000`); 404 when it cannot be a registry host (none is
    /// configured under it), 400 on PUT.
    private static func host(_ request: Request, _ context: AppRequestContext) throws -> String {
        let host = request.pathParameter("host", context)
        do {
            guard host.utf8.count <= maximumHostLength else {
                throw FieldError(field: "host", reason: "is longer than \(maximumHostLength) characters")
            }
            // A host whose default URL is not valid (a port beyond 65535) is no usable host either.
            let definition = RegistryDefinition(host: host, url: nil, insecure: false)
            try definition.validate()
        } catch {
            if request.method == .put {
                throw ProblemDetails(
                    .badRequest, status: .badRequest,
                    detail: "registry host \(host.debugDescription): must be host[:port] as repository names spell it (ghcr.io, localhost:5000)",
                    errors: [.init(field: "host", message: "not a registry host")])
            }
            throw missing(host)
        }
        return host
    }

    private static func missing(_ host: String) -> ProblemDetails {
        ProblemDetails.notFound("registry \(host) is not configured")
    }
}
