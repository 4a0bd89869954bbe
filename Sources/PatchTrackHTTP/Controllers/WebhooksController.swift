import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage
import PatchTrackWebhooks

/// `/v1/webhooks`: subscriptions to events (admin), their delivery log and redelivery. Events are written by the
/// writes that cause them (the outbox); the delivery worker of `serve` posts them, signed.
struct WebhooksController {
    let database: AppDatabase
    let limits: BodyLimits
    let allowPrivate: Bool

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/webhooks", role: .admin, handler: create),
            Endpoint(.get, "/v1/webhooks", role: .admin, handler: list),
            Endpoint(.get, "/v1/webhooks/{id}", role: .admin, handler: show),
            Endpoint(.patch, "/v1/webhooks/{id}", role: .admin, handler: patch),
            Endpoint(.delete, "/v1/webhooks/{id}", role: .admin, handler: delete),
            Endpoint(.post, "/v1/webhooks/{id}/test", role: .admin, handler: test),
            Endpoint(.get, "/v1/webhooks/{id}/deliveries", role: .admin, handler: deliveries),
            Endpoint(.post, "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", role: .admin, handler: redeliver),
        ]
    }

    /// 201 with the subscription; the secret is answered only when PatchTrack generated it, this once.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(WebhookRequest.self, limits: limits)
        let definition = try body.definition(over: nil, allowPrivate: allowPrivate)
        let generated = body.secret == nil ? WebhookSigning.newSecret() : nil
        let webhook = try await database.webhooks.create(definition, secret: body.secret ?? generated!, tokenName: context.token?.name)
        return try JSONResponse.make(
            WebhookResponse(webhook, generatedSecret: generated), status: .created, headers: [.location: "/v1/webhooks/\(webhook.id)"])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(PageResponse(items: try await database.webhooks.list().map { WebhookResponse($0) }, nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let webhook = try await database.webhooks.webhook(id: id) else { throw Self.missing(id) }
        return try JSONResponse.make(WebhookResponse(webhook))
    }

    /// Changes the fields given; a new `secret` replaces the old one (and is not answered: the caller chose it).
    @Sendable func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        let body = try await request.decodeJSON(WebhookRequest.self, limits: limits)
        guard let current = try await database.webhooks.webhook(id: id) else { throw Self.missing(id) }
        let definition = try body.definition(over: current.definition, allowPrivate: allowPrivate)
        guard let webhook = try await database.webhooks.update(id: id, definition, secret: body.secret) else { throw Self.missing(id) }
        return try JSONResponse.make(WebhookResponse(webhook))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard try await database.webhooks.delete(id: id) else { throw Self.missing(id) }
        return Response(status: .noContent)
    }

    /// 202: a `ping` event is queued for this subscription alone; its delivery shows in the log.
    @Sendable func test(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let delivery = try await database.webhooks.ping(id: id) else { throw Self.missing(id) }
        return try JSONResponse.make(DeliveryResponse(delivery), status: .accepted)
    }

    /// The delivery log, newest first, `?status=` pending, delivered or failed; CSV with `Accept: text/csv`.
    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        let page = try PageRequest(request)
        var status: String?
        if let text = request.uri.queryParameters["status"] {
            guard ["pending", "delivered", "failed"].contains(String(text)) else {
                throw ProblemDetails.badParameter("status", "must be one of pending, delivered, failed")
            }
            status = String(text)
        }
        guard let result = try await database.webhooks.deliveries(
            webhookId: id, status: status, after: try page.integerCursor(), limit: page.limit)
        else { throw Self.missing(id) }
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        if CSV.isRequested(request) {
            return CSV.response(
                header: DeliveryResponse.csvHeader, rows: result.items.map(DeliveryResponse.csvRow),
                headers: PageRequest.linkHeader(request, nextCursor: next))
        }
        return try JSONResponse.make(
            PageResponse(items: result.items.map(DeliveryResponse.init), nextCursor: next),
            headers: PageRequest.linkHeader(request, nextCursor: next))
    }

    /// 202: the delivery is pending again (same event id, attempts counted afresh).
    @Sendable func redeliver(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.id(request, context)
        guard let deliveryId = Int64(request.pathParameter("delivery_id", context)), deliveryId > 0,
            let delivery = try await database.webhooks.redeliver(webhookId: id, deliveryId: deliveryId)
        else { throw ProblemDetails.notFound("webhook \(id) has no such delivery") }
        return try JSONResponse.make(DeliveryResponse(delivery), status: .accepted)
    }

    private static func id(_ request: Request, _ context: AppRequestContext) throws -> Int64 {
        let text = request.pathParameter("id", context)
        guard let id = Int64(text), id > 0 else { throw ProblemDetails.notFound("webhook \(text) does not exist") }
        return id
    }

    private static func missing(_ id: Int64) -> ProblemDetails {
        ProblemDetails.notFound("webhook \(id) does not exist")
    }
}
