import Foundation
import PatchTrackCore

/// What one posted VEX document did.
public struct VEXIngestResult: Sendable {
    /// Statement rows stored (one per product and subcomponent).
    public var stored: Int
    /// Statements or products left out, with reasons.
    public var skipped: [(path: String, reason: String)]
    /// Rows of earlier versions of the same document (same format and id) replaced.
    public var replaced: Int
}

/// VEX statements: producers' claims about advisories for images, repositories or packages. Written once for both
/// engines.
public struct VEXStore: Sendable {
    let context: StoreContext

    /// Wraps an executor; `now` stamps statements.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        context = StoreContext(executor: executor, now: now)
    }

    /// Stores the statements of a VEX document in one transaction. A document with an id replaces the statements of
    /// its earlier versions, so posting it again changes nothing.
    public func ingest(_ document: VEXDocument) async throws -> VEXIngestResult {
        let now = context.timestamp
        // Logs the images with findings of the statements' vulnerabilities, added or replaced: whose suppression may change.
        return try await context.generations.write(imageChanges: .declared) { session in
            var result = VEXIngestResult(stored: 0, skipped: document.skipped.map { ($0.path, $0.reason) }, replaced: 0)
            var vulnerabilities = Set(document.statements.map(\.vulnerability))
            if let id = document.id {
                let replaced = try session.fetchAll(
                    """
                    DELETE FROM vexStatement WHERE format = \(document.format.rawValue) AND documentId = \(id)
                    RETURNING vulnerabilityId
                    """)
                result.replaced = replaced.count
                for row in replaced { vulnerabilities.insert(try row.decode(0, as: String.self)) }
            }
            try session.logImagesWithFindings(ofVulnerabilities: vulnerabilities)
            for statement in document.statements {
                let stated = (statement.timestamp ?? document.timestamp)?.utc
                for (index, product) in statement.products.enumerated() {
                    guard let (kind, subject) = Self.vexSubject(product.subject) else {
                        result.skipped.append(
                            ("\(statement.path).products[\(index)]", "\(product.subject) names no image digest, repository or package"))
                        continue
                    }
                    let components = product.subcomponents.compactMap { $0.purl.map(Self.vexPackage) }
                    for componentPurl in components.isEmpty ? [nil] : components.map(Optional.some) {
                        try session.execute(
                            """
                            INSERT INTO vexStatement (format, documentId, vulnerabilityId, aliases, subjectKind, subject,
                                componentPurl, status, justification, impactStatement, actionStatement, statedAt, createdAt)
                            VALUES (\(document.format.rawValue), \(document.id), \(statement.vulnerability),
                                \(try StoredJSON.text(statement.aliases)), \(kind), \(subject), \(componentPurl),
                                \(statement.status.rawValue), \(statement.justification), \(statement.impactStatement),
                                \(statement.actionStatement), \(stated), \(now))
                            """)
                        result.stored += 1
                    }
                }
            }
            return result
        }
    }

    /// The stored (kind, subject) of a VEX product.
    static func vexSubject(_ subject: VEXSubject) -> (String, String)? {
        switch subject {
        case .image(let digest, _): ("image", digest.value)
        case .repository(let name): ("repository", name.value)
        case .component(let purl): ("component", vexPackage(purl))
        case .unresolved: nil
        }
    }

    /// A package as VEX statements name it for matching: the purl without qualifiers and subpath, with its version
    /// when given (a finding's purl starts with it).
    static func vexPackage(_ purl: PURL) -> String {
        (try? PURL(type: purl.type, namespace: purl.namespace, name: purl.name, version: purl.version, qualifiers: [:], subpath: nil))?
            .description ?? purl.description
    }
}
