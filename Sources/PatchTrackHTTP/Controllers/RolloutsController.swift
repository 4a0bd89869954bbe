import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/rollouts`: moving a workload of an environment to a new digest, step by step, as rollout controllers report
/// it (and as inventory snapshots show it).
struct RolloutsController {
    let database: AppDatabase
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/rollouts", role: .ingest, handler: create),
            Endpoint(.get, "/v1/rollouts", role: .read, handler: list),
            Endpoint(.get, "/v1/rollouts/{id}", role: .read, handler: show),
            Endpoint(.post, "/v1/rollouts/{id}/events", role: .ingest, handler: event),
        ]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RolloutBody.self, limits: limits).request()
        let (rollout, created) = try await database.rollouts.create(body, by: try context.requireToken())
        return try JSONResponse.make(RolloutResponse(rollout), status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try PageRequest(request)
        let query = request.uri.queryParameters
        var state: RolloutStateFilter?
        if let text = query["state"].map(String.init) {
            guard let filter = RolloutStateFilter(text) else {
                throw ProblemDetails.badParameter("state", "must be one of " + RolloutState.listFilterNames.joined(separator: ", "))
            }
            state = filter
        }
        var environment: String?
        if let text = query["environment"].map(String.init) {
            guard EnvironmentNames.isValidName(text) else {
                throw ProblemDetails.badParameter("environment", "must match [A-Za-z0-9][A-Za-z0-9._-]{0,62}")
            }
            environment = text
        }
        let result = try await database.rollouts.list(state: state, environment: environment, before: try page.integerCursor(), limit: page.limit)
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        let headers = PageRequest.linkHeader(request, nextCursor: next)
        if CSV.isRequested(request) {
            return CSV.response(header: RolloutResponse.csvHeader, rows: result.items.map(RolloutResponse.csvRow), headers: headers)
        }
        return try JSONResponse.make(PageResponse(items: result.items.map { RolloutResponse($0) }, nextCursor: next), headers: headers)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let rollout = try await database.rollouts.rollout(id: id) else { throw Self.notFound(id) }
        return try JSONResponse.make(RolloutResponse(rollout, withEvents: true))
    }

    @Sendable func event(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        let event = try await request.decodeJSON(RolloutEventBody.self, limits: limits).event()
        guard
            let rollout = try await database.rollouts.recordEvent(
                id: id, status: event.status, weight: event.weight, at: event.at, by: try context.requireToken())
        else { throw Self.notFound(id) }
        return try JSONResponse.make(RolloutResponse(rollout, withEvents: true), status: .created)
    }

    private static func id(_ request: Request, _ context: AppRequestContext) throws -> Int64 {
        guard let id = Int64(request.pathParameter("id", context)), id > 0 else {
            throw ProblemDetails.badParameter("id", "must be a positive integer")
        }
        return id
    }

    private static func notFound(_ id: Int64) -> ProblemDetails { ProblemDetails.notFound("no rollout has the id \(id)") }
}
