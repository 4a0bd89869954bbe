import Foundation
import PatchTrackCore
import Synchronization
import Testing

@testable import PatchTrackStorage

/// A clock the fleet tests move by hand.
final class FixtureClock: Sendable {
    private let current: Mutex<Date>

    init(_ text: String) {
        current = Mutex(Timestamp.parse(text)!)
    }

    /// Moves the clock to `text` (RFC 3339).
    func set(_ text: String) {
        current.withLock { $0 = Timestamp.parse(text)! }
    }

    /// The closure stores take.
    var now: @Sendable () -> Date { { [self] in current.withLock { $0 } } }
}

/// A small fleet written through the stores (and raw INSERTs for what matching would produce), the same on both
/// engines:
/// - 2026-11-01: `ghcr.io/acme/web:stable` is digest A, `ghcr.io/acme/api:1` digest C; environment `prod` runs
///   `shop/web` on A (3 pods) and `shop/api` on C (2 pods).
/// - findings: f1 A CVE-1 critical fixable and f2 A CVE-2 high, detected 2026-11-10; on C: f3 CVE-1 critical fixable
///   detected 2026-11-20 (breached), f4 CVE-3 low detected 2026-08-30 (due 2026-11-28, within a day), f5 CVE-2 high
///   fixable detected 2026-11-01 but VEX not_affected for C, f6 CVE-4 medium fixable detected 2026-11-26 (on track).
/// - 2026-11-20: a build replaces A by B on `stable`, whose scan finds neither f1 nor f2; 2026-11-25: `shop/web` runs B, so A stops
///   and f1 and f2 close, 15 days after detection.
/// - The clock ends at 2026-11-27T12:00:00Z.
enum FleetFixture {
    static let a = "sha256:" + String(repeating: "0a", count: 32)
    static let b = "sha256:" + String(repeating: "0b", count: 32)
    static let c = "sha256:" + String(repeating: "0c", count: 32)
    static let now = "2026-11-27T12:00:00.000Z"

    /// Finding ids by name (f1 … f6).
    struct Findings: Sendable {
        var ids: [String: Int64]
        subscript(_ name: String) -> Int64 { ids[name]! }
    }

    static func write(_ executor: any SQLExecutor, clock: FixtureClock) async throws -> Findings {
        clock.set("2026-11-01T00:00:00Z")
        let token = try await TokenStore(executor: executor, now: clock.now).create(name: "ci", role: .ingest).info
        let registry = RegistryStore(executor: executor, now: clock.now)
        _ = try await registry.registerImage(
            ImageRegistration(repository: try RepositoryName(parsing: "ghcr.io/acme/web"), digest: try Digest(parsing: a), tags: ["stable"]))
        _ = try await registry.registerImage(
            ImageRegistration(repository: try RepositoryName(parsing: "ghcr.io/acme/api"), digest: try Digest(parsing: c), tags: ["1"]))
        _ = try await EnvironmentStore(executor: executor, now: clock.now)
            .put(name: "prod", EnvironmentSettings(stage: "production", order: 1, description: nil))
        let inventory = InventoryStore(executor: executor, now: clock.now)
        _ = try await inventory.record(environment: "prod", try document(web: a), by: token)

        let findings = try await GenerationStore(executor: executor).write { session in
            for (id, severity) in [("CVE-1", "critical"), ("CVE-2", "high"), ("CVE-3", "low"), ("CVE-4", "medium")] {
                try session.execute(
                    """
                    INSERT INTO advisory (osvId, modified, published, severityLevel, vulnerabilityId, record, importedAt, updatedAt)
                    VALUES (\(id), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', \(severity), \(id), '{}',
                        '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                    """)
            }
            var ids: [String: Int64] = [:]
            let rows: [(String, String, String, String, String?, String, String)] = [
                ("f1", a, "CVE-1", "openssl", "1.1", "critical", "2026-11-10T00:00:00.000Z"),
                ("f2", a, "CVE-2", "zlib", nil, "high", "2026-11-10T00:00:00.000Z"),
                ("f3", c, "CVE-1", "openssl", "1.1", "critical", "2026-11-20T00:00:00.000Z"),
                ("f4", c, "CVE-3", "bash", nil, "low", "2026-08-30T00:00:00.000Z"),
                ("f5", c, "CVE-2", "zlib", "1.2", "high", "2026-11-01T00:00:00.000Z"),
                ("f6", c, "CVE-4", "curl", "8.1", "medium", "2026-11-26T00:00:00.000Z"),
            ]
            for (name, digest, vulnerability, package, fixed, severity, detected) in rows {
                ids[name] = try session.fetchValue(
                    """
                    INSERT INTO finding (imageId, purl, ecosystem, packageName, installedVersion, advisoryId, vulnerabilityId,
                        fixedVersion, severityLevel, state, firstDetected, lastDetected)
                    VALUES ((SELECT id FROM image WHERE digest = \(digest)), \("pkg:deb/debian/\(package)@1.0"), 'Debian',
                        \(package), '1.0', (SELECT id FROM advisory WHERE osvId = \(vulnerability)), \(vulnerability), \(fixed),
                        \(severity), 'open', \(detected), \(detected))
                    RETURNING id
                    """, as: Int64.self)
            }
            try session.execute(
                """
                INSERT INTO vexStatement (format, vulnerabilityId, subjectKind, subject, status, statedAt, createdAt)
                VALUES ('openvex', 'CVE-2', 'image', \(c), 'not_affected', '2026-11-02T00:00:00.000Z', '2026-11-02T00:00:00.000Z')
                """)
            return Findings(ids: ids)
        }

        clock.set("2026-11-20T00:00:00Z")
        let builds = BuildStore(executor: executor, now: clock.now)
        let web = try RepositoryName(parsing: "ghcr.io/acme/web")
        _ = try await builds.record(
            BuildReport(repository: web, tag: "stable", status: .started, digest: nil, replaces: nil, url: nil, message: nil), by: token)
        _ = try await builds.record(
            BuildReport(repository: web, tag: "stable", status: .succeeded, digest: try Digest(parsing: b), replaces: nil, url: nil, message: nil),
            by: token)
        // B's scan (no findings) decides the fates of A's findings: both fixed in B.
        try await GenerationStore(executor: executor).write { session in
            let successor = try #require(try session.fetchValue("SELECT id FROM image WHERE digest = \(b)", as: Int64.self))
            try BuildStore.recordFindingFates(session, successorImageId: successor, now: "2026-11-20T00:00:00.000Z")
        }
        clock.set("2026-11-25T00:00:00Z")
        _ = try await inventory.record(environment: "prod", try document(web: b), by: token)
        clock.set(now)
        return findings
    }

    /// `shop/web` on `web` (3 pods) and `shop/api` on C (2 pods).
    private static func document(web: String) throws -> InventoryDocument {
        let items: [[String: Any]] = [
            ["namespace": "shop", "workload": "web", "container": "app", "image": "ghcr.io/acme/web", "digest": web, "replicas": 3],
            ["namespace": "shop", "workload": "api", "container": "app", "image": "ghcr.io/acme/api", "digest": c, "replicas": 2],
        ]
        return try InventoryDocument.parse(try JSONSerialization.data(withJSONObject: items))
    }
}
