import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/repositories`: repositories with their tags; one repository with its tag history. Names contain slashes
/// (`ghcr.io/org/sub/app`), written as they are or percent-encoded.
struct RepositoriesController {
    let database: AppDatabase

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/repositories", role: .read, handler: list),
            Endpoint(.get, "/v1/repositories/**", role: .read, handler: show),
        ]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try PageRequest(request)
        // The cursor is the last repository name of the previous page, in its normalised form.
        if let cursor = page.cursor, (try? RepositoryName(parsing: cursor))?.value != cursor { throw PageRequest.forged }
        let result = try await database.registry.repositories(after: page.cursor, limit: page.limit)
        let next = PageRequest.encode(result.nextCursor)
        return try JSONResponse.make(
            RepositoryListResponse(items: result.items.map { RepositoryResponse($0, withHistory: false) }, nextCursor: next),
            headers: PageRequest.linkHeader(request, nextCursor: next))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = request.catchAll(context)
        let name: RepositoryName
        do {
            name = try RepositoryName(parsing: text)
        } catch {
            throw ProblemDetails.notFound("repository \(text) is not tracked (\(error.reason))")
        }
        guard let repository = try await database.registry.repository(name: name.value) else {
            throw ProblemDetails.notFound("repository \(name) is not tracked")
        }
        return try JSONResponse.make(RepositoryResponse(repository, withHistory: true))
    }
}
