import Foundation
import PatchTrackCore
import PatchTrackStorage
import PatchTrackWebhooks

/// The `filter` object of a subscription: the stored JSON form, validated on the way in.
typealias WebhookFilterBody = WebhookFilterJSON

extension WebhookFilterJSON {
    /// The filter; 422 naming the field otherwise.
    func validated() throws -> WebhookFilter {
        var severity: SeverityLevel?
        if let minSeverity {
            guard let level = SeverityLevel(rawValue: minSeverity), level != .unknown else {
                throw ProblemDetails.invalidField("filter.min_severity", "must be one of low, medium, high, critical")
            }
            severity = level
        }
        if let environments {
            guard (1...100).contains(environments.count), environments.allSatisfy({ (1...100).contains($0.count) }) else {
                throw ProblemDetails.invalidField("filter.environments", "1 to 100 environment names of 1 to 100 characters")
            }
        }
        var patterns: [String]?
        if let repositories {
            guard (1...100).contains(repositories.count) else {
                throw ProblemDetails.invalidField("filter.repositories", "1 to 100 repository names or patterns")
            }
            // A name is normalised (`nginx` is docker.io/library/nginx); a pattern is written against normalised names.
            patterns = try repositories.enumerated().map { index, text in
                let field = "filter.repositories[\(index)]"
                if text.contains("*") {
                    guard (1...255).contains(text.utf8.count), text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                        throw ProblemDetails.invalidField(field, "must be 1 to 255 printable characters without spaces")
                    }
                    return text
                }
                do {
                    return try RepositoryName(parsing: text).value
                } catch let error as IdentityError {
                    throw ProblemDetails.invalidField(field, error.reason)
                }
            }
        }
        return WebhookFilter(minSeverity: severity, environments: environments, repositories: patterns)
    }
}

/// Body of `POST /v1/webhooks` and `PATCH /v1/webhooks/{id}` (every field optional on PATCH; `url` required on POST).
struct WebhookRequest: Decodable {
    let url: String?
    let events: [String]?
    let format: String?
    let secret: String?
    let enabled: Bool?
    let filter: WebhookFilterBody?

    /// The definition: this body over `current` (a PATCH) or over the defaults (a POST); 422 naming the field.
    func definition(over current: WebhookDefinition?, allowPrivate: Bool) throws -> WebhookDefinition {
        guard let url = url ?? current?.url else { throw ProblemDetails.invalidField("url", "is required") }
        do {
            _ = try WebhookTarget.validate(url, allowPrivate: allowPrivate)
        } catch {
            throw ProblemDetails.invalidField("url", error.reason)
        }
        var selection = current?.events ?? .all
        if let events {
            guard events.count <= 50 else { throw ProblemDetails.invalidField("events", "at most 50 event types") }
            do {
                selection = try EventSelection(names: events)
            } catch {
                throw ProblemDetails.invalidField("events", "\(error.reason): \(error.names.joined(separator: ", "))")
            }
        }
        var webhookFormat = current?.format ?? .standard
        if let format {
            guard let parsed = WebhookFormat(rawValue: format) else {
                throw ProblemDetails.invalidField("format", "must be standard or slack")
            }
            webhookFormat = parsed
        }
        if let secret, !WebhookSigning.isValidSecret(secret) {
            throw ProblemDetails.invalidField("secret", "must be whsec_ followed by the base64 of 24 to 64 random bytes")
        }
        return WebhookDefinition(
            url: url, events: selection, format: webhookFormat, filter: try filter?.validated() ?? current?.filter ?? WebhookFilter(),
            enabled: enabled ?? current?.enabled ?? true)
    }
}

/// A subscription as answered: never its secret, except `secret` once in the answer that generated it.
struct WebhookResponse: Encodable {
    struct Links: Encodable {
        let deliveries: String
    }

    let id: Int64
    let url: String
    let events: [String]
    let format: String
    let enabled: Bool
    let filter: WebhookFilterBody
    let health: String
    let healthReason: String?
    let consecutiveFailures: Int
    let lastAttemptAt: String?
    let lastSuccessAt: String?
    let lastResponseCode: Int?
    let lastError: String?
    let pendingDeliveries: Int
    let createdAt: String
    let updatedAt: String
    let secret: String?
    let links: Links

    enum CodingKeys: String, CodingKey {
        case id, url, events, format, enabled, filter, health, secret, links
        case healthReason = "health_reason"
        case consecutiveFailures = "consecutive_failures"
        case lastAttemptAt = "last_attempt_at"
        case lastSuccessAt = "last_success_at"
        case lastResponseCode = "last_response_code"
        case lastError = "last_error"
        case pendingDeliveries = "pending_deliveries"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ webhook: StoredWebhook, generatedSecret: String? = nil) {
        id = webhook.id
        url = webhook.definition.url
        events = webhook.definition.events.names
        format = webhook.definition.format.rawValue
        enabled = webhook.definition.enabled
        filter = WebhookFilterBody(webhook.definition.filter)
        health = webhook.health.rawValue
        healthReason = webhook.healthReason
        consecutiveFailures = webhook.consecutiveFailures
        lastAttemptAt = webhook.lastAttemptAt
        lastSuccessAt = webhook.lastSuccessAt
        lastResponseCode = webhook.lastResponseCode
        lastError = webhook.lastError
        pendingDeliveries = webhook.pending
        createdAt = webhook.createdAt
        updatedAt = webhook.updatedAt
        secret = generatedSecret
        links = Links(deliveries: "/v1/webhooks/\(webhook.id)/deliveries")
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(events, forKey: .events)
        try container.encode(format, forKey: .format)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(filter, forKey: .filter)
        try container.encode(health, forKey: .health)
        try container.encode(healthReason, forKey: .healthReason)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(lastSuccessAt, forKey: .lastSuccessAt)
        try container.encode(lastResponseCode, forKey: .lastResponseCode)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(pendingDeliveries, forKey: .pendingDeliveries)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encode(links, forKey: .links)
    }
}

/// One delivery as answered.
struct DeliveryResponse: Encodable {
    let id: Int64
    let webhookId: Int64
    let eventId: String
    let eventType: String
    let occurredAt: String
    let status: String
    let attempts: Int
    let nextAttemptAt: String?
    let lastAttemptAt: String?
    let lastResponseCode: Int?
    let lastError: String?
    let createdAt: String
    let deliveredAt: String?

    enum CodingKeys: String, CodingKey {
        case id, status, attempts
        case webhookId = "webhook_id"
        case eventId = "event_id"
        case eventType = "event_type"
        case occurredAt = "occurred_at"
        case nextAttemptAt = "next_attempt_at"
        case lastAttemptAt = "last_attempt_at"
        case lastResponseCode = "last_response_code"
        case lastError = "last_error"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }

    init(_ delivery: StoredDelivery) {
        id = delivery.id
        webhookId = delivery.webhookId
        eventId = delivery.eventId
        eventType = delivery.eventType
        occurredAt = delivery.occurredAt
        status = delivery.status
        attempts = delivery.attempts
        nextAttemptAt = delivery.nextAttemptAt
        lastAttemptAt = delivery.lastAttemptAt
        lastResponseCode = delivery.lastResponseCode
        lastError = delivery.lastError
        createdAt = delivery.createdAt
        deliveredAt = delivery.deliveredAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(webhookId, forKey: .webhookId)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(lastResponseCode, forKey: .lastResponseCode)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(deliveredAt, forKey: .deliveredAt)
    }

    static let csvHeader = [
        "id", "webhook_id", "event_id", "event_type", "occurred_at", "status", "attempts", "next_attempt_at", "last_attempt_at",
        "last_response_code", "last_error", "created_at", "delivered_at",
    ]

    static func csvRow(_ delivery: StoredDelivery) -> [String?] {
        [
            String(delivery.id), String(delivery.webhookId), delivery.eventId, delivery.eventType, delivery.occurredAt, delivery.status,
            String(delivery.attempts), delivery.nextAttemptAt, delivery.lastAttemptAt, delivery.lastResponseCode.map(String.init),
            delivery.lastError, delivery.createdAt, delivery.deliveredAt,
        ]
    }
}
