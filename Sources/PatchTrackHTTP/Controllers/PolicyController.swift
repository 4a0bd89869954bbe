import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/policy` and `/v1/repositories/{name}/policy`: the rebuild policy, its defaults and per-repository overrides
/// (admin only; every change is audited with the token that made it).
struct PolicyController {
    let database: AppDatabase
    let limits: BodyLimits

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/policy", role: .admin, handler: show),
            Endpoint(.put, "/v1/policy", role: .admin, handler: update),
            Endpoint(.get, "/v1/policy/changes", role: .admin, handler: changes),
            Endpoint(.get, "/v1/repositories/**/policy", role: .admin, handler: showRepository),
            Endpoint(.put, "/v1/repositories/**/policy", role: .admin, handler: updateRepository),
        ]
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(PolicyResponse(policy: try await database.policies.policy()))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PolicyUpdateRequest.self, limits: limits)
        let change = try body.change()
        let keys = try body.validatedKeys()
        let policy = try await database.policies.updateDefaults(by: try context.requireToken(), trustedKeys: keys, change)
        return try JSONResponse.make(PolicyResponse(policy: policy))
    }

    /// The audit trail: every change of the defaults or of an override, oldest first, with the policy before and
    /// after as stored (JSON objects, written through as they are).
    @Sendable func changes(_ request: Request, context: AppRequestContext) async throws -> Response {
        func object(_ text: String?) -> Any {
            text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) } ?? NSNull()
        }
        let items: [[String: Any]] = try await database.policies.changes().map { change in
            [
                "id": change.id, "repository": change.repository ?? NSNull(), "token_id": change.tokenID ?? NSNull(),
                "token_name": change.tokenName, "changed_at": change.changedAt, "old": object(change.oldValue),
                "new": object(change.newValue),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["items": items], options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func showRepository(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.repositoryName(request, context)
        let policy = try await database.policies.policy()
        let stored = policy.overrides.first { $0.repository == name.value }
        return try JSONResponse.make(
            RepositoryPolicyResponse(repository: name.value, stored: stored, effective: policy.rebuildPolicy.rules(for: name)))
    }

    @Sendable func updateRepository(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.repositoryName(request, context)
        let override = try await request.decodeJSON(RepositoryPolicyRequest.self, limits: limits).override()
        let stored = try await database.policies.setOverride(repository: name.value, override: override, by: try context.requireToken())
        let policy = try await database.policies.policy().rebuildPolicy
        return try JSONResponse.make(RepositoryPolicyResponse(repository: name.value, stored: stored, effective: policy.rules(for: name)))
    }

    /// The repository named by the path before `/policy`; 400 when it is not a repository name.
    private static func repositoryName(_ request: Request, _ context: AppRequestContext) throws -> RepositoryName {
        let text = request.catchAll(context, droppingLast: 1)
        do {
            return try RepositoryName(parsing: text)
        } catch {
            throw ProblemDetails(
                .badRequest, status: .badRequest, detail: "repository name \(text): \(error.reason)",
                errors: [.init(field: "name", message: error.reason)])
        }
    }
}

extension AppRequestContext {
    /// The token the route's guard authenticated; routes with a role always have one.
    func requireToken() throws -> TokenInfo {
        guard let token else {
            throw ProblemDetails(.unauthorized, status: .unauthorized, detail: "this route needs a token")
        }
        return token
    }
}
