import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// Two processes (two executors on one database) ingesting at once end in the state of one process doing both in
/// turn: no duplicate rows, no unique-key error, no finding missed.
@Suite("Ingest races between processes, on each engine")
struct IngestRaceTests {
    typealias F = IngestFixtures

    /// Runs `first` and `second` at once and returns both results.
    private static func race<A: Sendable, B: Sendable>(
        _ first: @escaping @Sendable () async throws -> A, _ second: @escaping @Sendable () async throws -> B
    ) async throws -> (A, B) {
        async let a = first()
        async let b = second()
        return try await (a, b)
    }

    /// The snapshot after `steps` ran one after the other on a fresh database.
    private static func serial(_ engine: TestEngine, _ steps: [@Sendable (any SQLExecutor) async throws -> Void]) async throws -> [String] {
        try await engine.withDatabase { executors in
            for step in steps { try await step(executors[0]) }
            return try await F.snapshot(executors[0])
        }
    }

    static let packages = (0..<300).map { "pkg:npm/pad-\($0)@1.0.0" }
    /// An advisory on a package both documents of the image list (so which lands last does not matter).
    static var advisory: [String: Any] { F.osv(id: "TEST-NPM-PAD-150", ecosystem: "npm", name: "pad-150", fixed: "2.0.0") }

    @Test("two processes ingesting scans of one image at once", arguments: TestEngine.available)
    func scansOfOneImage(engine: TestEngine) async throws {
        // An older and a newer document of one image (the newer defines the components whichever lands last), and
        // the same document posted twice.
        let older = F.sbom(image: F.digest("d4"), purls: Array(Self.packages.prefix(200)), timestamp: "2026-01-01T00:00:00Z")
        let newer = F.sbom(image: F.digest("d4"), purls: Array(Self.packages.suffix(200)), timestamp: "2026-02-01T00:00:00Z")
        let entries = try F.entries([Self.advisory])
        let expected = try await Self.serial(engine, [
            { _ = try await AdvisoryStore(executor: $0).ingest(entries) },
            { try await F.ingest(older, ScanStore(executor: $0)) },
            { try await F.ingest(newer, ScanStore(executor: $0)) },
            { try await F.ingest(newer, ScanStore(executor: $0)) },
        ])
        for _ in 0..<3 {
            let raced = try await engine.withDatabase(executors: 2) { executors in
                _ = try await AdvisoryStore(executor: executors[0]).ingest(entries)
                let (a, b) = try await Self.race(
                    { try await F.ingest(newer, ScanStore(executor: executors[0])) },
                    { try await F.ingest(older, ScanStore(executor: executors[1])) })
                #expect(a.isNew && b.isNew)
                let (c, d) = try await Self.race(
                    { try await F.ingest(newer, ScanStore(executor: executors[0])) },
                    { try await F.ingest(newer, ScanStore(executor: executors[1])) })
                #expect(!c.isNew && !d.isNew)
                return try await F.snapshot(executors[1])
            }
            #expect(raced == expected)
        }
    }

    @Test("two processes ingesting the same new advisory at once", arguments: TestEngine.available)
    func sameAdvisory(engine: TestEngine) async throws {
        let sbom = F.sbom(image: F.digest("e5"), purls: Self.packages)
        let entries = try F.entries([Self.advisory])
        let expected = try await Self.serial(engine, [
            { try await F.ingest(sbom, ScanStore(executor: $0)) },
            { _ = try await AdvisoryStore(executor: $0).ingest(entries) },
            { _ = try await AdvisoryStore(executor: $0).ingest(entries) },
        ])
        for _ in 0..<3 {
            let raced = try await engine.withDatabase(executors: 2) { executors in
                try await F.ingest(sbom, ScanStore(executor: executors[0]))
                let (a, b) = try await Self.race(
                    { try await AdvisoryStore(executor: executors[0]).ingest(entries) },
                    { try await AdvisoryStore(executor: executors[1]).ingest(entries) })
                #expect(Set([a[0].outcome, b[0].outcome]) == [.created, .unchanged])
                return try await F.snapshot(executors[0])
            }
            #expect(raced == expected)
        }
    }

    @Test("a scan ingested while an advisory that hits it is ingested elsewhere", arguments: TestEngine.available)
    func scanAndAdvisory(engine: TestEngine) async throws {
        let sbom = F.sbom(image: F.digest("f6"), purls: Self.packages)
        let entries = try F.entries([Self.advisory])
        let expected = try await Self.serial(engine, [
            { try await F.ingest(sbom, ScanStore(executor: $0)) },
            { _ = try await AdvisoryStore(executor: $0).ingest(entries) },
        ])
        #expect(expected.contains("\(F.digest("f6")) pkg:npm/pad-150@1.0.0 TEST-NPM-PAD-150 2.0.0 open TEST-NPM-PAD-150"))
        for _ in 0..<5 {
            let raced = try await engine.withDatabase(executors: 2) { executors in
                _ = try await Self.race(
                    { try await F.ingest(sbom, ScanStore(executor: executors[0])) },
                    { try await AdvisoryStore(executor: executors[1]).ingest(entries) })
                return try await F.snapshot(executors[0])
            }
            #expect(raced == expected)
        }
    }
}
