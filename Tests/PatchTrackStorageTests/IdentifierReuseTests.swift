import Foundation
import GRDB
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// An id the API handed out names one resource forever: deleting the newest watch or webhook must not give its id to
/// the next one created (SQLite's plain INTEGER PRIMARY KEY did; migration 0015).
@Suite("Identifiers of deleted resources")
struct IdentifierReuseTests {
    private static let watchDefinition = WatchDefinition(
        repository: try! RepositoryName(parsing: "registry.example/acme/app"), tags: ["1.0"], tagPattern: nil, intervalMinutes: 60)
    private static let webhookDefinition = WebhookDefinition(
        url: "https://hooks.example/a", events: .all, format: .standard, filter: WebhookFilter(), enabled: true)

    @Test("a deleted watch's id is never given to a new watch", arguments: TestEngine.available)
    func watchIDs(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let watches = WatchStore(executor: executors[0])
            let first = try await watches.create(Self.watchDefinition, tokenName: nil)
            let newest = try await watches.create(Self.watchDefinition, tokenName: nil)
            #expect(try await watches.delete(id: newest.id))
            let next = try await watches.create(Self.watchDefinition, tokenName: nil)
            #expect(next.id > newest.id)
            #expect(try await watches.watch(id: newest.id) == nil)
            #expect(try await watches.list().map(\.id) == [first.id, next.id])
        }
    }

    @Test("a deleted webhook's id is never given to a new webhook", arguments: TestEngine.available)
    func webhookIDs(engine: TestEngine) async throws {
        try await engine.withDatabase { executors in
            let webhooks = WebhookStore(executor: executors[0])
            _ = try await webhooks.create(Self.webhookDefinition, secret: "whsec_a", tokenName: nil)
            let newest = try await webhooks.create(Self.webhookDefinition, secret: "whsec_b", tokenName: nil)
            #expect(try await webhooks.delete(id: newest.id))
            let next = try await webhooks.create(Self.webhookDefinition, secret: "whsec_c", tokenName: nil)
            #expect(next.id > newest.id)
        }
    }

    @Test("a database made at 0014 keeps its watches, webhooks, secrets and deliveries through 0015, and stops reusing ids")
    func upgradeFrom0014() async throws {
        // given: a file migrated through the landed 0014 with a watch, a webhook with its secret and one delivery
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-ids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "db.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "0014_ui_sessions")
            try await queue.write { db in
                let at = "2026-12-01T00:00:00.000Z"
                try db.execute(
                    sql: """
                        INSERT INTO watch (id, repository, tags, intervalMinutes, createdAt, tagsSeen) VALUES (7, 'registry.example/acme/app', '["1.0"]', 60, ?, '{"1.0":"sha256:aa"}');
                        INSERT INTO webhook (id, url, events, format, enabled, createdAt, updatedAt) VALUES (4, 'https://hooks.example/a', '["*"]', 'standard', 1, ?, ?);
                        INSERT INTO webhookSecret (webhookId, secret) VALUES (4, 'whsec_kept');
                        INSERT INTO event (id, type, occurredAt, body) VALUES ('evt_1', 'webhook.ping', ?, '{}');
                        INSERT INTO webhookDelivery (id, webhookId, eventId, status, createdAt) VALUES (9, 4, 'evt_1', 'pending', ?);
                        """, arguments: [at, at, at, at, at])
            }
            try queue.close()
        }
        // when
        let database = try AppDatabase(path: path)
        // then: the rows and their references survived the rebuilt tables
        #expect(try await database.appliedMigrations() == StorageEngine.knownMigrations(.sqlite))
        let watch = try #require(try await database.watches.watch(id: 7))
        #expect(watch.tagsSeen == ["1.0": "sha256:aa"])
        #expect(try await database.webhooks.webhook(id: 4)?.definition.url == "https://hooks.example/a")
        let kept = try await database.executor.read { session in
            (try session.fetchValue("SELECT secret FROM webhookSecret WHERE webhookId = 4", as: String.self),
             try session.fetchValue("SELECT count(*) FROM webhookDelivery WHERE id = 9 AND webhookId = 4", as: Int.self),
             try session.fetchAll("PRAGMA foreign_key_check").count)
        }
        #expect(kept.0 == "whsec_kept" && kept.1 == 1 && kept.2 == 0)
        // …and deleting the newest watch no longer frees its id
        #expect(try await database.watches.delete(id: 7))
        let next = try await database.watches.create(Self.watchDefinition, tokenName: nil)
        #expect(next.id > 7)
        try await database.close()
    }
}
