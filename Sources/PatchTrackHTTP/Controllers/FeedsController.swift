import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/feeds`: the advisory feeds an admin configures (OSV exports, CISA KEV, FIRST EPSS), with their sync status.
/// Syncs run in the background jobs of `serve` (one replica at a time); `POST …/sync` makes a feed due now.
struct FeedsController {
    let database: AppDatabase
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/feeds", role: .admin, handler: list),
            Endpoint(.get, "/v1/feeds/{name}", role: .admin, handler: show),
            Endpoint(.put, "/v1/feeds/{name}", role: .admin, handler: put),
            Endpoint(.delete, "/v1/feeds/{name}", role: .admin, handler: delete),
            Endpoint(.post, "/v1/feeds/{name}/sync", role: .admin, handler: sync),
        ]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let now = database.currentDate
        return try JSONResponse.make(FeedListResponse(items: try await database.feeds.list().map { FeedResponse($0, now: now) }))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        guard let feed = try await database.feeds.feed(named: name) else { throw ProblemDetails.notFound("feed \(name) does not exist") }
        return try JSONResponse.make(FeedResponse(feed, now: database.currentDate))
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        let definition = try await request.decodeJSON(FeedRequest.self, limits: limits).definition(name: name)
        let (feed, created) = try await database.feeds.put(definition)
        return try JSONResponse.make(
            FeedResponse(feed, now: database.currentDate), status: created ? .created : .ok,
            headers: created ? [.location: "/v1/feeds/\(name)"] : [:])
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        guard try await database.feeds.delete(named: name) else { throw ProblemDetails.notFound("feed \(name) does not exist") }
        return Response(status: .noContent)
    }

    /// 202: the feed is due now; a background worker (on whichever replica holds the feeds lease) starts it within
    /// seconds. A disabled feed is refused: nothing leaves the machine until an admin enables it.
    @Sendable func sync(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        guard let current = try await database.feeds.feed(named: name) else { throw ProblemDetails.notFound("feed \(name) does not exist") }
        guard current.definition.enabled else {
            throw ProblemDetails(
                .conflict, status: .conflict,
                detail: "feed \(name) is disabled: enable it first (PUT /v1/feeds/\(name) with \"enabled\": true), or run `patchtrack feed sync \(name)`")
        }
        guard let feed = try await database.feeds.requestSync(named: name) else { throw ProblemDetails.notFound("feed \(name) does not exist") }
        return try JSONResponse.make(FeedResponse(feed, now: database.currentDate), status: .accepted)
    }

    /// The `{name}` path parameter; 404 when it cannot be a feed name (no feed has it).
    private static func name(_ request: Request, _ context: AppRequestContext) throws -> String {
        let name = request.pathParameter("name", context)
        guard FeedDefinition.isValidName(name) else {
            if request.method == .put {
                throw ProblemDetails(
                    .badRequest, status: .badRequest,
                    detail: "feed name \(name.debugDescription): must be 1 to 63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
                    errors: [.init(field: "name", message: "not a feed name")])
            }
            throw ProblemDetails.notFound("feed \(name) does not exist")
        }
        return name
    }
}
