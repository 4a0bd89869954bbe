import Foundation
import PatchTrackCore

/// A subscription as an admin configures it.
public struct WebhookDefinition: Sendable, Equatable {
    public var url: String
    public var events: EventSelection
    public var format: WebhookFormat
    public var filter: WebhookFilter
    public var enabled: Bool

    public init(url: String, events: EventSelection, format: WebhookFormat, filter: WebhookFilter, enabled: Bool) {
        self.url = url
        self.events = events
        self.format = format
        self.filter = filter
        self.enabled = enabled
    }
}

/// A stored subscription with the health of its deliveries (never its secret).
public struct StoredWebhook: Sendable, Equatable {
    public var id: Int64
    public var definition: WebhookDefinition
    public var health: WebhookHealth
    public var healthReason: String?
    public var consecutiveFailures: Int
    public var lastAttemptAt: String?
    public var lastSuccessAt: String?
    public var lastResponseCode: Int?
    public var lastError: String?
    public var createdAt: String
    public var updatedAt: String
    public var tokenName: String?
    /// Deliveries waiting for an attempt.
    public var pending: Int
}

/// One event's delivery to one subscription.
public struct StoredDelivery: Sendable, Equatable {
    public var id: Int64
    public var webhookId: Int64
    public var eventId: String
    public var eventType: String
    public var occurredAt: String
    /// `pending`, `delivered` or `failed` (out of attempts).
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastAttemptAt: String?
    public var lastResponseCode: Int?
    public var lastError: String?
    public var createdAt: String
    public var deliveredAt: String?
}

/// Webhook subscriptions (admin), their deliveries, and what the delivery worker and the notice jobs read and write.
/// Secrets live in `webhookSecret`, written at creation (or rotation) and read only by the worker.
public struct WebhookStore: Sendable {
    let context: StoreContext
    let attempts: WebhookAttemptCounts

    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }, attempts: WebhookAttemptCounts = .init()) {
        context = StoreContext(executor: executor, now: now)
        self.attempts = attempts
    }

    // MARK: - Subscriptions

    /// Stores a new subscription with its signing secret.
    public func create(_ definition: WebhookDefinition, secret: String, tokenName: String?) async throws -> StoredWebhook {
        let now = context.timestamp
        return try await context.executor.write { session in
            guard let id = try session.fetchValue(
                """
                INSERT INTO webhook (url, events, format, filter, enabled, createdAt, updatedAt, tokenName)
                VALUES (\(definition.url), \(try StoredJSON.text(definition.events.names)), \(definition.format.rawValue),
                    \(try StoredJSON.text(WebhookFilterJSON(definition.filter))), \(definition.enabled), \(now), \(now), \(tokenName))
                RETURNING id
                """, as: Int64.self)
            else { throw StorageError.conflict("the webhook was not stored") }
            try session.execute("INSERT INTO webhookSecret (webhookId, secret) VALUES (\(id), \(secret))")
            guard let stored = try Self.load(session, id: id).first else { throw StorageError.conflict("the webhook was not stored") }
            return stored
        }
    }

    /// Every subscription, by id.
    public func list() async throws -> [StoredWebhook] {
        try await context.executor.read { session in try Self.load(session, id: nil) }
    }

    /// One subscription.
    public func webhook(id: Int64) async throws -> StoredWebhook? {
        try await context.executor.read { session in try Self.load(session, id: id).first }
    }

    /// Replaces a subscription's definition (and its secret when `secret` is given). Enabling it clears the health
    /// PatchTrack gave it: deliveries start again. Nil when there is none.
    public func update(id: Int64, _ definition: WebhookDefinition, secret: String?) async throws -> StoredWebhook? {
        let now = context.timestamp
        return try await context.executor.write { session in
            guard let enabled = try session.fetchValue("SELECT enabled FROM webhook WHERE id = \(id) \(SQLStatement.forUpdate)", as: Bool.self)
            else { return nil }
            let reenabled = definition.enabled && !enabled
            try session.execute(
                """
                UPDATE webhook SET url = \(definition.url), events = \(try StoredJSON.text(definition.events.names)),
                    format = \(definition.format.rawValue), filter = \(try StoredJSON.text(WebhookFilterJSON(definition.filter))),
                    enabled = \(definition.enabled), updatedAt = \(now),
                    health = CASE WHEN \(reenabled) = 1 THEN 'active' ELSE health END,
                    healthReason = CASE WHEN \(reenabled) = 1 THEN NULL ELSE healthReason END,
                    consecutiveFailures = CASE WHEN \(reenabled) = 1 THEN 0 ELSE consecutiveFailures END
                WHERE id = \(id)
                """)
            if let secret { try session.execute("UPDATE webhookSecret SET secret = \(secret) WHERE webhookId = \(id)") }
            return try Self.load(session, id: id).first
        }
    }

    /// Deletes a subscription with its secret and deliveries; false when there was none.
    public func delete(id: Int64) async throws -> Bool {
        try await context.executor.write { session in
            try session.execute("DELETE FROM webhookDelivery WHERE webhookId = \(id)")
            try session.execute("DELETE FROM webhookSecret WHERE webhookId = \(id)")
            return try session.execute("DELETE FROM webhook WHERE id = \(id)") > 0
        }
    }

    /// Queues a `ping` event for subscription `id` alone (whatever its event types and filter); nil when there is
    /// no such subscription.
    public func ping(id: Int64) async throws -> StoredDelivery? {
        let now = context.now()
        return try await context.executor.write { session in
            guard try session.fetchValue("SELECT 1 FROM webhook WHERE id = \(id)", as: Int.self) != nil else { return nil }
            let event = try OutboxEvent(type: .ping, occurredAt: now, facets: EventFacets(), data: PingData(webhookId: id))
            try Outbox.insert([(event, [id])], session, now: now)
            return try Self.deliveries(session, "d.webhookId = \(id) AND d.eventId = \(event.id)", limit: 1).first
        }
    }

    // MARK: - Deliveries

    /// A subscription's deliveries, newest first, after delivery id `cursor`; nil when the subscription does not
    /// exist.
    public func deliveries(webhookId: Int64, status: String?, after cursor: Int64?, limit: Int) async throws -> Page<StoredDelivery>? {
        try await context.executor.read { session in
            guard try session.fetchValue("SELECT 1 FROM webhook WHERE id = \(webhookId)", as: Int.self) != nil else { return nil }
            var condition: SQLStatement = "d.webhookId = \(webhookId)"
            if let status { condition = "\(condition) AND d.status = \(status)" }
            if let cursor { condition = "\(condition) AND d.id < \(cursor)" }
            let rows = try Self.deliveries(session, condition, limit: limit + 1)
            return Page(items: Array(rows.prefix(limit)), nextCursor: rows.count > limit ? rows[limit - 1].id : nil)
        }
    }

    /// Sends delivery `deliveryId` of subscription `webhookId` again: pending now, its attempts counted afresh,
    /// same event id. Nil when there is no such delivery.
    public func redeliver(webhookId: Int64, deliveryId: Int64) async throws -> StoredDelivery? {
        let now = context.timestamp
        return try await context.executor.write { session in
            let changed = try session.execute(
                """
                UPDATE webhookDelivery SET status = 'pending', attempts = 0, nextAttemptAt = \(now), deliveredAt = NULL
                WHERE id = \(deliveryId) AND webhookId = \(webhookId)
                """)
            guard changed > 0 else { return nil }
            return try Self.deliveries(session, "d.id = \(deliveryId)", limit: 1).first
        }
    }

    // MARK: - Reading

    static func load(_ session: any SQLSession, id: Int64?) throws -> [StoredWebhook] {
        let condition: SQLStatement = id.map { "WHERE w.id = \($0)" } ?? ""
        return try session.fetchAll(
            """
            SELECT w.id, w.url, w.events, w.format, w.filter, w.enabled, w.health, w.healthReason, w.consecutiveFailures,
                w.lastAttemptAt, w.lastSuccessAt, w.lastResponseCode, w.lastError, w.createdAt, w.updatedAt, w.tokenName,
                (SELECT count(*) FROM webhookDelivery d WHERE d.webhookId = w.id AND d.status = 'pending') AS pending
            FROM webhook w \(condition) ORDER BY w.id
            """
        ).map { row in
            let names = try StoredJSON.decode([String].self, from: try row.decode("events"))
            let definition = WebhookDefinition(
                url: try row.decode("url"), events: (try? EventSelection(names: names)) ?? .all,
                format: WebhookFormat(rawValue: try row.decode("format")) ?? .standard,
                filter: try StoredJSON.decode(WebhookFilterJSON.self, from: try row.decode("filter")).filter, enabled: try row.decode("enabled"))
            return StoredWebhook(
                id: try row.decode("id"), definition: definition, health: WebhookHealth(rawValue: try row.decode("health")) ?? .active,
                healthReason: try row.decode("healthReason"), consecutiveFailures: try row.decode("consecutiveFailures"),
                lastAttemptAt: try row.decode("lastAttemptAt"), lastSuccessAt: try row.decode("lastSuccessAt"),
                lastResponseCode: try row.decode("lastResponseCode"), lastError: try row.decode("lastError"),
                createdAt: try row.decode("createdAt"), updatedAt: try row.decode("updatedAt"), tokenName: try row.decode("tokenName"),
                pending: try row.decode("pending"))
        }
    }

    static func deliveries(_ session: any SQLSession, _ condition: SQLStatement, limit: Int) throws -> [StoredDelivery] {
        try session.fetchAll(
            """
            SELECT d.id, d.webhookId, d.eventId, e.type, e.occurredAt, d.status, d.attempts, d.nextAttemptAt, d.lastAttemptAt,
                d.lastResponseCode, d.lastError, d.createdAt, d.deliveredAt
            FROM webhookDelivery d JOIN event e ON e.id = d.eventId
            WHERE \(condition) ORDER BY d.id DESC LIMIT \(limit)
            """
        ).map { row in
            StoredDelivery(
                id: try row.decode(0), webhookId: try row.decode(1), eventId: try row.decode(2), eventType: try row.decode(3),
                occurredAt: try row.decode(4), status: try row.decode(5), attempts: try row.decode(6), nextAttemptAt: try row.decode(7),
                lastAttemptAt: try row.decode(8), lastResponseCode: try row.decode(9), lastError: try row.decode(10),
                createdAt: try row.decode(11), deliveredAt: try row.decode(12))
        }
    }
}
