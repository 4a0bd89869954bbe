import Hummingbird
import PatchTrackStorage

/// The open routes: liveness, readiness, metrics and the contract.
struct SystemController {
    let database: AppDatabase
    let metrics: AppMetrics
    let fleet: FleetMetricsSource

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/healthz", role: nil) { _, _ in try JSONResponse.make(["status": "ok"]) },
            Endpoint(.get, "/readyz", role: nil, handler: ready),
            Endpoint(.get, "/metrics", role: nil, handler: scrape),
            Endpoint(.get, "/openapi.yaml", role: nil) { _, _ in
                JSONResponse.text(EmbeddedOpenAPI.yaml, contentType: "application/yaml")
            },
        ]
    }

    /// The long-lived HTTP and ingest series, then the fleet's figures read for this scrape. A failing fleet query
    /// is logged and leaves the fleet series out: the scrape still answers 200 with the rest.
    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        var text = metrics.render()
        do {
            text += FleetExposition.render(try await fleet())
        } catch {
            context.logger.error("fleet metrics unavailable", metadata: ["error": .string(String(describing: error))])
        }
        do {
            text += FeedExposition.render(try await database.feeds.list())
        } catch {
            context.logger.error("feed metrics unavailable", metadata: ["error": .string(String(describing: error))])
        }
        do {
            text += WatchExposition.render(try await database.watches.list())
        } catch {
            context.logger.error("watch metrics unavailable", metadata: ["error": .string(String(describing: error))])
        }
        do {
            text += WebhookExposition.render(
                attempts: database.webhookAttempts.snapshot, queue: try await database.webhooks.queue(),
                webhooks: try await database.webhooks.list())
        } catch {
            context.logger.error("webhook metrics unavailable", metadata: ["error": .string(String(describing: error))])
        }
        let writable = await database.writeFailure() == nil
        let ready = await database.isReady() && writable
        text += "# HELP patchtrack_ready 1 when /readyz answers ready (the database answers, no migration is pending, writes succeed).\n"
        text += "# TYPE patchtrack_ready gauge\npatchtrack_ready \(ready ? 1 : 0)\n"
        return JSONResponse.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard await database.isReady() else {
            throw ProblemDetails(.notReady, status: .serviceUnavailable, detail: "the database is unreachable or has pending migrations")
        }
        if let failure = await database.writeFailure() {
            throw ProblemDetails(.notReady, status: .serviceUnavailable, detail: "writes fail: \(failure)")
        }
        return try JSONResponse.make(["status": "ready"])
    }
}
