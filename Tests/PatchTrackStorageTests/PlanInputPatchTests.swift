import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackStorage

/// The kept plan input, patched with the images each write logged, against the input loaded whole: after every step
/// of a random (seeded) sequence of every kind of write that changes planning data, on each engine.
@Suite("Plan input patched from the image change log")
struct PlanInputPatchTests {
    private static let packages = ["a", "b", "c", "d", "e"]
    private static let repositories = ["registry.example.com/test/app", "registry.example.com/test/base", "registry.example.com/test/tool"]
    private static let tags = ["latest", "v1", "stable"]

    private static func digest(_ index: Int) -> Digest {
        try! Digest(parsing: IngestFixtures.digest(String(format: "%02x", index)))
    }

    /// The input as a comparable value: images by digest, each image's findings in description order (within one
    /// package the engines may return them in any order; the planner sorts them), the rest as stored.
    private static func normalized(_ input: RebuildPlanInput) -> [String] {
        var lines = input.images.sorted { $0.digest < $1.digest }.map { "image \($0)" }
        lines += input.tagHeads.sorted { $0.key < $1.key }.map { "head \($0.key) \($0.value)" }
        lines += input.findings.sorted { $0.key < $1.key }.map { "findings \($0.key) \($0.value.map { "\($0)" }.sorted())" }
        lines += input.requests.sorted { $0.key < $1.key }.map { "requests \($0.key) \($0.value)" }
        lines.append("policy \(input.policy)")
        return lines
    }

    @Test("after every write, the patched input equals the input loaded whole, and so do their plans", arguments: TestEngine.available)
    func patchedEqualsWhole(engine: TestEngine) async throws {
        let clock = Date(timeIntervalSince1970: 1_795_000_000)
        try await engine.withDatabase { executors in
            let database = AppDatabase(executor: executors[0], now: { clock })
            let whole = RebuildStore(executor: executors[0], now: { clock })
            let token = try await database.tokens.create(name: "ci", role: .admin).info
            var random = SplitMix64(seed: 0x5EED_0016)
            var kinds: [String: Int] = [:]
            var (mostImages, mostFindings, suppressed) = (0, 0, 0)
            for step in 0..<120 {
                let kind = try await Self.randomWrite(database, token: token, step: step, random: &random)
                kinds[kind, default: 0] += 1
                // Now and then several writes land between two plans.
                guard Int.random(in: 0..<3, using: &random) > 0 else { continue }
                let patched = try await database.rebuilds.rebuildPlanInput()
                let loaded = try await whole.rebuildPlanInput()
                let (kept, fresh) = (Self.normalized(patched), Self.normalized(loaded))
                #expect(kept == fresh, "step \(step) (\(kind)): only patched \(kept.filter { !fresh.contains($0) }), only loaded \(fresh.filter { !kept.contains($0) })")
                #expect((try? RebuildPlanner.plan(patched)) == (try? RebuildPlanner.plan(loaded)), "step \(step) (\(kind))")
                mostImages = max(mostImages, loaded.images.count)
                mostFindings = max(mostFindings, loaded.findings.values.map(\.count).reduce(0, +))
                suppressed += loaded.findings.values.joined().filter(\.suppressedByVEX).count
            }
            // The sequence exercised every kind of write, and the data set is not trivial.
            #expect(kinds.count == 8, "\(kinds)")
            #expect(mostImages >= 4 && mostFindings >= 4 && suppressed > 0, "\(mostImages) \(mostFindings) \(suppressed)")
        }
    }

    /// One random write through the stores; returns its kind.
    private static func randomWrite(
        _ database: AppDatabase, token: TokenInfo, step: Int, random: inout SplitMix64
    ) async throws -> String {
        let image = Int.random(in: 1...10, using: &random)
        let repository = try RepositoryName(parsing: repositories[Int.random(in: 0..<repositories.count, using: &random)])
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            // A registration with tags and, often, a base (by tag and digest) among the same images.
            let baseIndex = Int.random(in: 1...10, using: &random)
            let base: ImageReference? = baseIndex == image || Bool.random(using: &random)
                ? nil
                : ImageReference(repository: try RepositoryName(parsing: repositories[1]), tag: "stable", digest: digest(baseIndex))
            let tags = tags.filter { _ in Bool.random(using: &random) }
            do {
                _ = try await database.registry.registerImage(
                    ImageRegistration(repository: repository, digest: digest(image), tags: tags, base: base))
            } catch is PlanningError {
                return "register"  // a lineage loop is refused and nothing is written
            } catch StorageError.invalid {
                return "register"
            }
            return "register"
        case 1:
            let purls = packages.filter { _ in Bool.random(using: &random) }.map { name in
                "pkg:deb/debian/\(name)@1.\(Int.random(in: 0...3, using: &random))"
            }
            let sbom = IngestFixtures.sbom(
                image: digest(image).value, purls: purls, timestamp: "2026-01-01T00:00:\(String(format: "%02d", step % 60))Z")
            try await IngestFixtures.ingest(sbom, database.scans)
            return "scan"
        case 2:
            let id = Int.random(in: 1...6, using: &random)
            let aliases = Bool.random(using: &random) ? ["CVE-TEST-\(Int.random(in: 1...3, using: &random))"] : []
            let record = IngestFixtures.osv(
                id: "TEST-\(id)", modified: "2026-01-01T00:\(String(format: "%02d", step % 60)):00Z", aliases: aliases,
                ecosystem: "Debian", name: packages[Int.random(in: 0..<packages.count, using: &random)],
                fixed: Bool.random(using: &random) ? "1.\(Int.random(in: 1...3, using: &random))" : nil)
            _ = try await database.advisories.ingest(try IngestFixtures.entries([record]))
            return "advisory"
        case 3:
            let report = BuildReport(
                repository: repository, tag: tags[Int.random(in: 0..<tags.count, using: &random)], status: .succeeded,
                digest: digest(Int.random(in: 1...10, using: &random)), replaces: nil, url: nil, message: nil)
            do { _ = try await database.builds.record(report, by: token) } catch StorageError.invalid { return "build" }
            return "build"
        case 4:
            _ = try await database.rebuilds.requestRebuild(digest: digest(image).value, reason: "step \(step)", by: token)
            return "request"
        case 5:
            let base = ImageReference(
                repository: try RepositoryName(parsing: repositories[1]), tag: Bool.random(using: &random) ? "stable" : nil,
                digest: digest(Int.random(in: 1...10, using: &random)))
            do { _ = try await database.rebuilds.setBase(digest: digest(image).value, base: base) } catch is PlanningError {
            } catch StorageError.notFound {}
            return "base"
        case 6:
            // An OpenVEX document (one of two ids, so later versions replace earlier ones) about one package, mostly
            // one with an open finding, named by the finding's vulnerability or one of its aliases.
            let open = try await database.executor.read { session in
                try session.fetchAll("SELECT vulnerabilityId, packageName FROM finding WHERE state = 'open' ORDER BY id")
                    .map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) }
            }
            var (vulnerability, package) = (
                "CVE-TEST-\(Int.random(in: 1...3, using: &random))", packages[Int.random(in: 0..<packages.count, using: &random)]
            )
            if !open.isEmpty, Int.random(in: 0..<4, using: &random) > 0 {
                (vulnerability, package) = open[Int.random(in: 0..<open.count, using: &random)]
            }
            let document: [String: Any] = [
                "@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/\(Int.random(in: 1...2, using: &random))",
                "author": "test", "timestamp": "2026-01-01T00:00:\(String(format: "%02d", step % 60))Z", "version": step + 1,
                "statements": [[
                    "vulnerability": ["name": vulnerability],
                    "products": [["@id": "pkg:deb/debian/\(package)"]],
                    "status": Bool.random(using: &random) ? "not_affected" : "affected",
                    "justification": "vulnerable_code_not_present",
                ]],
            ]
            _ = try await database.vex.ingest(try VEXDocument.parse(try JSONSerialization.data(withJSONObject: document)))
            return "vex"
        default:
            let severity: SeverityLevel = Bool.random(using: &random) ? .high : .low
            _ = try await database.policies.updateDefaults(by: token) { rules, _ in rules.minimumSeverity = severity }
            return "policy"
        }
    }
}
