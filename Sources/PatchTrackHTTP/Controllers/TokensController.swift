import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/tokens`: create, list and revoke API tokens (admin).
struct TokensController {
    let database: AppDatabase
    let authenticator: Authenticator
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/tokens", role: .admin, handler: create),
            Endpoint(.get, "/v1/tokens", role: .admin, handler: list),
            Endpoint(.delete, "/v1/tokens/{id}", role: .admin, handler: revoke),
        ]
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateTokenRequest.self, limits: limits)
        let name = body.name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count) else { throw ProblemDetails.invalidField("name", "must be 1 to 100 characters") }
        let token = try await database.tokens.create(name: name, role: body.role, createdBy: context.token?.id)
        let answer = CreatedTokenResponse(
            id: token.info.id, name: token.info.name, role: token.info.role, createdAt: token.info.createdAt, token: token.secret)
        return try JSONResponse.make(answer, status: .created, headers: [.location: "/v1/tokens/\(token.info.id)"])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(TokenListResponse(items: try await database.tokens.list().map(TokenResponse.init)))
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(request.pathParameter("id", context)), id > 0 else {
            throw ProblemDetails.notFound("token \(request.pathParameter("id", context)) does not exist")
        }
        if id == context.token?.id {
            throw ProblemDetails(.conflict, status: .conflict, detail: "a token cannot revoke itself; use another admin token")
        }
        let info = try await database.tokens.revoke(id: id)
        authenticator.forget(tokenID: id)
        return try JSONResponse.make(TokenResponse(info))
    }
}
