import Hummingbird
import PatchTrackStorage

/// The open routes: liveness, readiness, metrics and the contract.
struct SystemController {
    let database: AppDatabase
    let metrics: AppMetrics

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/healthz", role: nil) { _, _ in try JSONResponse.make(["status": "ok"]) },
            Endpoint(.get, "/readyz", role: nil, handler: ready),
            Endpoint(.get, "/metrics", role: nil) { _, _ in
                JSONResponse.text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            },
            Endpoint(.get, "/openapi.yaml", role: nil) { _, _ in
                JSONResponse.text(EmbeddedOpenAPI.yaml, contentType: "application/yaml")
            },
        ]
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard await database.isReady() else {
            throw ProblemDetails(.notReady, status: .serviceUnavailable, detail: "the database is unreachable or has pending migrations")
        }
        return try JSONResponse.make(["status": "ready"])
    }
}
