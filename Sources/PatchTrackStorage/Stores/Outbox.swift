import Foundation
import PatchTrackCore

/// The transactional outbox: the events of a write transaction, written in it. Each event becomes one `event` row
/// and a pending `webhookDelivery` per enabled subscription that wants it (by type, then filter, as Core's
/// ``EventSelection`` and ``WebhookFilter`` decide); an event nobody wants is not stored. The delivery worker
/// posts the pending deliveries, so a crash at any moment after the commit loses no event.
enum Outbox {
    /// An enabled subscription, as matching needs it.
    struct Subscription {
        let id: Int64
        let selection: EventSelection
        let filter: WebhookFilter
    }

    /// A new stage name, for a write spanning several transactions.
    static func newStage() -> String { "stage_" + UUID().uuidString.lowercased() }

    /// The enabled subscriptions.
    static func subscriptions(_ session: any SQLSession) throws -> [Subscription] {
        try session.fetchAll("SELECT id, events, filter FROM webhook WHERE enabled = 1 ORDER BY id").map { row in
            let names = try StoredJSON.decode([String].self, from: try row.decode(1, as: String.self))
            return Subscription(
                id: try row.decode(0), selection: (try? EventSelection(names: names)) ?? .all,
                filter: try StoredJSON.decode(WebhookFilterJSON.self, from: try row.decode(2, as: String.self)).filter)
        }
    }

    /// Writes `batch`'s events and their deliveries; answers how many events were stored.
    @discardableResult
    static func write(_ batch: EventBatch, _ session: any SQLSession, now: Date) throws -> Int {
        guard !batch.isEmpty else { return 0 }
        let subscriptions = try subscriptions(session)
        guard !subscriptions.isEmpty else { return 0 }
        let imageIds = batch.imageIds.sorted()
        let events = try batch.events(
            images: try describeImages(session, imageIds), running: try running(session, imageIds), at: now)
        let routed = events.compactMap { event -> (event: OutboxEvent, webhookIds: [Int64])? in
            let targets = subscriptions.filter { $0.selection.contains(event.type) && $0.filter.accepts(event.facets) }.map(\.id)
            return targets.isEmpty ? nil : (event, targets)
        }
        return try insert(routed, session, now: now)
    }

    /// Stores `events`, each with a pending delivery to each of its subscriptions; answers how many events.
    @discardableResult
    static func insert(_ events: [(event: OutboxEvent, webhookIds: [Int64])], _ session: any SQLSession, now: Date) throws -> Int {
        guard !events.isEmpty else { return 0 }
        let timestamp = Timestamp.format(now)
        var eventRows = SQLBatchInsert(into: "event", columns: ["id", "type", "occurredAt", "body"])
        var deliveryRows = SQLBatchInsert(
            into: "webhookDelivery", columns: ["webhookId", "eventId", "status", "attempts", "nextAttemptAt", "createdAt"])
        for (event, webhookIds) in events {
            eventRows.append(event.id, event.type.rawValue, Timestamp.format(event.occurredAt), String(decoding: event.body, as: UTF8.self))
            for id in webhookIds { deliveryRows.append(id, event.id, "pending", 0, timestamp, timestamp) }
        }
        try session.insert(eventRows)
        try session.insert(deliveryRows)
        return eventRows.count
    }

    /// Holds `batch`'s findings under `stage` (one row per finding and type) and writes its other events now.
    static func stage(_ batch: EventBatch, _ stage: String, _ session: any SQLSession, now: Date) throws {
        try write(batch.preparedOnly, session, now: now)
        var rows = SQLBatchInsert(into: "eventStage", columns: ["stage", "type", "imageId", "findingId", "createdAt"])
        let timestamp = Timestamp.format(now)
        for group in batch.findingIds {
            for id in group.ids { rows.append(stage, group.type.rawValue, group.imageId, id, timestamp) }
        }
        if rows.count > 0 { try session.insert(rows) }
    }

    /// Coalesces the findings held under `stage` into events, one per (type, image), written with their deliveries;
    /// the stage is emptied. Answers how many events were stored.
    @discardableResult
    static func flush(_ stage: String, _ session: any SQLSession, now: Date) throws -> Int {
        var batch = EventBatch()
        if try !subscriptions(session).isEmpty {
            try session.forEachRow(
                """
                SELECT s.type, s.imageId, f.id, f.vulnerabilityId, f.severityLevel, f.packageName, f.installedVersion, f.fixedVersion
                FROM eventStage s JOIN finding f ON f.id = s.findingId WHERE s.stage = \(stage)
                """
            ) { row in
                guard let type = EventType(rawValue: try row.decode(0)) else { return }
                batch.add(type, imageId: try row.decode(1), finding: EventFinding(
                    findingId: try row.decode(2), vulnerability: try row.decode(3), severity: try row.decode(4),
                    package: try row.decode(5), installedVersion: try row.decode(6), fixedVersion: try row.decode(7)))
            }
        }
        try session.execute("DELETE FROM eventStage WHERE stage = \(stage)")
        return try write(batch, session, now: now)
    }

    /// Each image's digest, repository and current tags.
    static func describeImages(_ session: any SQLSession, _ ids: [Int64]) throws -> [Int64: EventImage] {
        guard !ids.isEmpty else { return [:] }
        var tags: [Int64: [String]] = [:]
        try session.forEachRow("SELECT imageId, name FROM tag WHERE imageId IN \(set: ids) ORDER BY name") { row in
            tags[try row.decode(0), default: []].append(try row.decode(1))
        }
        var images: [Int64: EventImage] = [:]
        try session.forEachRow(
            "SELECT i.id, i.digest, r.name FROM image i JOIN repository r ON r.id = i.repositoryId WHERE i.id IN \(set: ids)"
        ) { row in
            let id: Int64 = try row.decode(0)
            images[id] = EventImage(digest: try row.decode(1), repository: try row.decode(2), tags: tags[id] ?? [])
        }
        return images
    }

    /// Where each image runs now: per environment (its newest inventory), the workloads running it and their
    /// replicas (a workload counted once, with its most widely run container of the image).
    static func running(_ session: any SQLSession, _ ids: [Int64]) throws -> [Int64: [RunningPlace]] {
        guard !ids.isEmpty else { return [:] }
        var byImage: [Int64: [String: [String: Int]]] = [:]
        try session.forEachRow(
            """
            SELECT c.imageId, e.name, w.name, c.replicas FROM inventoryContainer c
            JOIN environment e ON e.currentSnapshotId = c.snapshotId
            JOIN inventoryWorkload w ON w.id = c.workloadId
            WHERE c.imageId IN \(set: ids)
            """
        ) { row in
            let image: Int64 = try row.decode(0)
            let environment: String = try row.decode(1)
            let workload: String = try row.decode(2)
            let replicas: Int = try row.decode(3)
            byImage[image, default: [:]][environment, default: [:]][workload] = max(
                byImage[image]?[environment]?[workload] ?? 0, replicas)
        }
        return byImage.mapValues { environments in
            environments.map { environment, workloads in
                RunningPlace(environment: environment, workloads: workloads.keys.sorted(), replicas: workloads.values.reduce(0, +))
            }.sorted()
        }
    }
}

/// The JSON form of a ``WebhookFilter``, stored and answered alike (snake_case keys). Read back leniently: an unknown
/// severity is no minimum (the API validates what it stores).
public struct WebhookFilterJSON: Codable, Sendable {
    public var minSeverity: String?
    public var environments: [String]?
    public var repositories: [String]?

    enum CodingKeys: String, CodingKey {
        case minSeverity = "min_severity"
        case environments, repositories
    }

    public init(_ filter: WebhookFilter) {
        minSeverity = filter.minSeverity?.rawValue
        environments = filter.environments
        repositories = filter.repositories
    }

    public var filter: WebhookFilter {
        WebhookFilter(minSeverity: minSeverity.flatMap(SeverityLevel.init(rawValue:)), environments: environments, repositories: repositories)
    }
}
