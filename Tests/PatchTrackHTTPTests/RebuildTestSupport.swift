import Foundation
import Logging
import PatchTrackCore
import PatchTrackStorage
import Synchronization
import Testing

@testable import PatchTrackHTTP

/// A clock tests set and move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ text: String) {
        current = Mutex(Timestamp.parse(text) ?? Date(timeIntervalSince1970: 0))
    }

    /// The time now.
    var now: Date { current.withLock { $0 } }

    /// Moves the clock to `text` (RFC 3339).
    func set(_ text: String) {
        current.withLock { $0 = Timestamp.parse(text) ?? $0 }
    }

    /// The closure `AppDatabase` takes.
    var closure: @Sendable () -> Date { { [self] in self.now } }
}

/// Rows that other features produce (advisories and their findings, VEX statements), written directly with SQL on
/// the test database (either engine), bumping the generations stored in it as every store's write does.
struct Seeder {
    let executor: any SQLExecutor

    init(_ environment: TestEnvironment) {
        executor = environment.database.executor
    }

    /// Runs `body` in one write transaction.
    private func write(_ body: @escaping @Sendable (any SQLSession) throws -> Void) async throws {
        try await GenerationStore(executor: executor).write(body)
    }

    /// An open finding of `vulnerability` in `package` on the image with `image` digest.
    func finding(
        image: String, vulnerability: String, package: String, installed: String = "1.0", fixed: String? = "1.1",
        severity: String = "high", purl: String? = nil, layer: String? = nil
    ) async throws {
        try await write { session in
            try session.execute(
                """
                INSERT INTO advisory (osvId, modified, severityLevel, vulnerabilityId, record, importedAt, updatedAt)
                VALUES (\(vulnerability), '2026-01-01T00:00:00Z', \(severity), \(vulnerability), '{}',
                    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                ON CONFLICT (osvId) DO NOTHING
                """)
            try session.execute(
                """
                INSERT INTO finding (imageId, purl, ecosystem, packageName, installedVersion, layerDigest, advisoryId,
                    vulnerabilityId, fixedVersion, severityLevel, state, firstDetected, lastDetected)
                VALUES ((SELECT id FROM image WHERE digest = \(image)),
                    \(purl ?? "pkg:deb/debian/\(package)@\(installed)"), 'Debian', \(package), \(installed), \(layer),
                    (SELECT id FROM advisory WHERE osvId = \(vulnerability)), \(vulnerability), \(fixed), \(severity),
                    'open', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                """)
        }
    }

    /// A VEX statement about `vulnerability` for the image with `image` digest.
    func vex(image: String, vulnerability: String, status: String) async throws {
        try await write { session in
            try session.execute(
                """
                INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, status, statedAt, createdAt)
                VALUES ('openvex', \(vulnerability), 'image', \(image), \(status), '2026-02-01T00:00:00Z',
                    '2026-02-01T00:00:00Z')
                """)
        }
    }

    /// A component with a layer on the image with `image` digest (the scan row it needs included).
    func layer(image: String, layer: String) async throws {
        try await write { session in
            let scanId = try session.fetchValue(
                """
                INSERT INTO scan (imageId, format, coverage, contentHash, componentCount, verdictCount,
                    countsByEcosystem, skipped, firstSeen, lastSeen)
                VALUES ((SELECT id FROM image WHERE digest = \(image)), 'syft', 'inventory', \(String(repeating: "0", count: 64)),
                    1, 0, '{}', '[]', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                RETURNING id
                """, as: Int64.self)
            try session.execute(
                """
                INSERT INTO component (imageId, scanId, purl, purlBase, ecosystem, name, version, layerDigest)
                VALUES ((SELECT id FROM image WHERE digest = \(image)), \(scanId), 'pkg:deb/debian/libc6@2.36',
                    'pkg:deb/debian/libc6', 'Debian', 'libc6', '2.36', \(layer))
                """)
        }
    }

    /// How many rows `sql` counts.
    func count(_ sql: String) async throws -> Int {
        try await executor.read { session in try session.fetchValue(SQLStatement(stringLiteral: sql), as: Int.self) ?? 0 }
    }
}

extension Client {
    /// Registers `repository:tag@digest` created at `created`, built on `base` (a reference with digest) when given.
    @discardableResult
    func register(
        _ repository: String, tag: String, digest: String, created: String = "2026-11-20T00:00:00Z", base: String? = nil,
        token: String
    ) async throws -> Reply {
        let baseJSON = base.map { #","base":{"reference":"\#($0)"}"# } ?? ""
        let reply = try await send(
            .post, "/v1/images", token: token,
            body: #"{"reference":"\#(repository):\#(tag)@\#(digest)","created":"\#(created)"\#(baseJSON)}"#)
        #expect([.created, .ok].contains(reply.status), "\(reply.text)")
        return reply
    }

    /// The plan's items (JSON), with the query `query`.
    func plan(_ query: String = "", token: String) async throws -> [[String: Any]] {
        let reply = try await send(.get, "/v1/rebuilds/plan" + query, token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        return (reply.json["items"] as? [[String: Any]]) ?? []
    }
}

/// The reason codes of a plan item.
func reasonCodes(_ item: [String: Any]) -> [String] {
    ((item["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
}
