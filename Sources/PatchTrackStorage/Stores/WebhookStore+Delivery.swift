import Foundation
import PatchTrackCore
import Synchronization

/// A delivery due for an attempt, with what the worker needs to send it.
public struct DueDelivery: Sendable, Equatable {
    public var id: Int64
    public var webhookId: Int64
    public var url: String
    public var format: WebhookFormat
    public var secret: String
    public var eventId: String
    /// The event's standard body.
    public var body: Data
    /// Attempts made before this one.
    public var attempts: Int
}

/// How one attempt went.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver answered 2xx.
    case delivered(code: Int)
    /// Anything else: another status (code), or no answer (nil code: refused, timed out, unreachable, not allowed).
    case failed(code: Int?, error: String)
}

/// The outbox's state for `/metrics`.
public struct WebhookQueue: Sendable, Equatable {
    /// Deliveries waiting for an attempt.
    public var depth: Int
    /// Age of the oldest waiting delivery, in seconds (0 when none).
    public var oldestPendingSeconds: Double
}

/// Delivery attempts made by this process, by result (`delivered`, `failed`): `patchtrack_webhook_deliveries_total`.
public final class WebhookAttemptCounts: Sendable {
    private let counts = Mutex<[String: Int]>(["delivered": 0, "failed": 0])

    public init() {}

    func add(_ result: String) {
        counts.withLock { $0[result, default: 0] += 1 }
    }

    /// The counts so far.
    public var snapshot: [String: Int] { counts.withLock { $0 } }
}

extension WebhookStore {
    /// Deliveries due now to enabled subscriptions, soonest first, at most `limit`, skipping the ids in `excluding`
    /// (attempts in flight).
    public func due(limit: Int, excluding: Set<Int64>) async throws -> [DueDelivery] {
        let now = context.timestamp
        let skip = excluding.sorted()
        return try await context.executor.read { session in
            try session.fetchAll(
                """
                SELECT d.id, d.webhookId, w.url, w.format, s.secret, d.eventId, e.body, d.attempts
                FROM webhookDelivery d JOIN webhook w ON w.id = d.webhookId JOIN webhookSecret s ON s.webhookId = w.id
                JOIN event e ON e.id = d.eventId
                WHERE d.status = 'pending' AND d.nextAttemptAt <= \(now) AND w.enabled = 1 AND d.id NOT IN \(set: skip)
                ORDER BY d.nextAttemptAt, d.id LIMIT \(limit)
                """
            ).map { row in
                DueDelivery(
                    id: try row.decode(0), webhookId: try row.decode(1), url: try row.decode(2),
                    format: WebhookFormat(rawValue: try row.decode(3)) ?? .standard, secret: try row.decode(4), eventId: try row.decode(5),
                    body: Data(try row.decode(6, as: String.self).utf8), attempts: try row.decode(7))
            }
        }
    }

    /// Records an attempt of `delivery`: delivered, or failed and scheduled again by Core's ``DeliverySchedule``
    /// (`jitter` in -1…1), or failed for good after the last attempt. The subscription's health follows
    /// ``WebhookHealth/after(consecutiveFailures:exhausted:)``; disabled, it stops receiving until an admin enables it.
    /// Answers the subscription's health afterwards.
    @discardableResult
    public func record(_ delivery: DueDelivery, outcome: DeliveryOutcome, jitter: Double) async throws -> WebhookHealth {
        let now = context.now()
        let timestamp = Timestamp.format(now)
        let attempt = delivery.attempts + 1
        defer {
            switch outcome {
            case .delivered: attempts.add("delivered")
            case .failed: attempts.add("failed")
            }
        }
        return try await context.executor.write { session in
            let failures = try session.fetchValue(
                "SELECT consecutiveFailures FROM webhook WHERE id = \(delivery.webhookId) \(SQLStatement.forUpdate)", as: Int.self) ?? 0
            switch outcome {
            case .delivered(let code):
                try session.execute(
                    """
                    UPDATE webhookDelivery SET status = 'delivered', attempts = \(attempt), nextAttemptAt = NULL,
                        lastAttemptAt = \(timestamp), lastResponseCode = \(code), lastError = NULL, deliveredAt = \(timestamp)
                    WHERE id = \(delivery.id)
                    """)
                try session.execute(
                    """
                    UPDATE webhook SET consecutiveFailures = 0, health = 'active', healthReason = NULL, lastAttemptAt = \(timestamp),
                        lastSuccessAt = \(timestamp), lastResponseCode = \(code), lastError = NULL
                    WHERE id = \(delivery.webhookId)
                    """)
                return .active
            case .failed(let code, let error):
                let delay = DeliverySchedule.delay(afterAttempt: attempt, jitter: jitter)
                let next = delay.map { Timestamp.format(now.addingTimeInterval($0)) }
                try session.execute(
                    """
                    UPDATE webhookDelivery SET status = \(delay == nil ? "failed" : "pending"), attempts = \(attempt),
                        nextAttemptAt = \(next), lastAttemptAt = \(timestamp), lastResponseCode = \(code), lastError = \(error)
                    WHERE id = \(delivery.id)
                    """)
                let health = WebhookHealth.after(consecutiveFailures: failures + 1, exhausted: delay == nil)
                let reason: String? = switch health {
                case .disabled: "disabled after \(failures + 1) failed attempts in a row, the last at \(timestamp): \(error)"
                case .failing: "\(failures + 1) failed attempts in a row; last: \(error)"
                case .active: nil
                }
                try session.execute(
                    """
                    UPDATE webhook SET consecutiveFailures = \(failures + 1), health = \(health.rawValue), healthReason = \(reason),
                        enabled = CASE WHEN \(health == .disabled) = 1 THEN 0 ELSE enabled END,
                        lastAttemptAt = \(timestamp), lastResponseCode = \(code), lastError = \(error)
                    WHERE id = \(delivery.webhookId)
                    """)
                return health
            }
        }
    }

    /// The number of pending deliveries and the age of the oldest.
    public func queue() async throws -> WebhookQueue {
        let now = context.now()
        return try await context.executor.read { session in
            guard let row = try session.fetchOne("SELECT count(*), min(createdAt) FROM webhookDelivery WHERE status = 'pending'") else {
                return WebhookQueue(depth: 0, oldestPendingSeconds: 0)
            }
            let oldest = try row.decode(1, as: String?.self).flatMap(Timestamp.parse)
            return WebhookQueue(depth: try row.decode(0), oldestPendingSeconds: oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        }
    }

    /// Removes events older than `days` none of whose deliveries is pending (their deliveries with them); answers
    /// how many.
    public func prune(olderThanDays days: Int) async throws -> Int {
        let cutoff = Timestamp.format(context.now().addingTimeInterval(-Double(days) * 86_400))
        return try await context.executor.write { session in
            let old = try session.fetchAll(
                """
                SELECT e.id FROM event e WHERE e.occurredAt < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM webhookDelivery d WHERE d.eventId = e.id AND d.status = 'pending') LIMIT 10000
                """
            ).map { try $0.decode(0, as: String.self) }
            guard !old.isEmpty else { return 0 }
            try session.execute("DELETE FROM webhookDelivery WHERE eventId IN \(set: old)")
            return try session.execute("DELETE FROM event WHERE id IN \(set: old)")
        }
    }
}
