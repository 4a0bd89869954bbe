import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/builds`: CI reports rebuilds (started, succeeded with the new digest, failed) and reads them back.
struct BuildsController {
    let database: AppDatabase
    let limits: BodyLimits
    let metrics: AppMetrics

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/builds", role: .ingest, handler: report),
            Endpoint(.get, "/v1/builds", role: .read, handler: list),
        ]
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await request.decodeJSON(BuildReportRequest.self, limits: limits).report()
        let (build, created) = try await database.builds.record(report, by: try context.requireToken())
        metrics.ingested(kind: .build, format: "report")
        return try JSONResponse.make(BuildResponse(build), status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try PageRequest(request)
        let query = request.uri.queryParameters
        var repository: String?
        if let name = query["repository"], !name.isEmpty {
            do {
                repository = try RepositoryName(parsing: String(name)).value
            } catch {
                throw ProblemDetails.badParameter("repository", error.reason)
            }
        }
        var status: BuildStatus?
        if let text = query["status"] {
            guard let parsed = BuildStatus(rawValue: String(text)) else {
                throw ProblemDetails.badParameter("status", "must be one of started, succeeded, failed")
            }
            status = parsed
        }
        let result = try await database.builds.list(
            repository: repository, digest: try request.digestQuery("digest")?.value, status: status,
            before: try page.integerCursor(), limit: page.limit)
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        if CSV.isRequested(request) {
            return CSV.response(
                header: BuildResponse.csvHeader, rows: result.items.map(BuildResponse.csvRow),
                headers: PageRequest.linkHeader(request, nextCursor: next))
        }
        return try JSONResponse.make(
            BuildListResponse(items: result.items.map(BuildResponse.init), nextCursor: next),
            headers: PageRequest.linkHeader(request, nextCursor: next))
    }
}
