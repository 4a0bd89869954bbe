import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/watches`: repositories whose tags PatchTrack polls in their registry (admin). Polls run in the background
/// jobs of `serve`; `POST …/poll` makes a watch due now.
struct WatchesController {
    let database: AppDatabase
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/watches", role: .admin, handler: create),
            Endpoint(.get, "/v1/watches", role: .admin, handler: list),
            Endpoint(.get, "/v1/watches/{id}", role: .admin, handler: show),
            Endpoint(.delete, "/v1/watches/{id}", role: .admin, handler: delete),
            Endpoint(.post, "/v1/watches/{id}/poll", role: .admin, handler: poll),
        ]
    }

    /// 201 with the watch, due at once.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let definition = try await request.decodeJSON(WatchRequest.self, limits: limits).definition()
        let watch = try await database.watches.create(definition, tokenName: context.token?.name)
        return try JSONResponse.make(WatchResponse(watch), status: .created, headers: [.location: "/v1/watches/\(watch.id)"])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(PageResponse(items: try await database.watches.list().map(WatchResponse.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let watch = try await database.watches.watch(id: id) else { throw Self.missing(id) }
        return try JSONResponse.make(WatchResponse(watch))
    }

    /// Stops polling; what the watch registered stays.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard try await database.watches.delete(id: id) else { throw Self.missing(id) }
        return Response(status: .noContent)
    }

    /// 202: the watch is due now (`next_run` null); a background worker on whichever replica holds the lease polls it.
    @Sendable func poll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let watch = try await database.watches.requestPoll(id: id) else { throw Self.missing(id) }
        return try JSONResponse.make(WatchResponse(watch), status: .accepted)
    }

    private static func id(_ request: Request, _ context: AppRequestContext) throws -> Int64 {
        let text = request.pathParameter("id", context)
        guard let id = Int64(text), id > 0 else { throw ProblemDetails.notFound("watch \(text) does not exist") }
        return id
    }

    private static func missing(_ id: Int64) -> ProblemDetails {
        ProblemDetails.notFound("watch \(id) does not exist")
    }
}
