import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `POST /v1/vex`: OpenVEX and CycloneDX VEX documents.
struct VEXController {
    let database: AppDatabase
    let limits: BodyLimits
    let metrics: AppMetrics

    var endpoints: [Endpoint] {
        [Endpoint(.post, "/v1/vex", role: .ingest, heavyWrite: true, handler: ingest)]
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let buffer = try await request.collectJSONBody(limits: limits, accepted: "send OpenVEX 0.2.0 or CycloneDX VEX JSON")
        let data = Data(buffer: buffer)
        try checkJSONLimits(data, limits: limits)
        let document: VEXDocument
        do {
            document = try VEXDocument.parse(data)
        } catch {
            throw ProblemDetails(ingestError: error)
        }
        try Task.checkCancellation()
        let result = try await database.vex.ingest(document)
        metrics.ingested(kind: .vex, format: document.format.rawValue, count: result.stored)
        let skipped = InputLimits.listed(result.skipped)
        return try JSONResponse.make(
            VEXIngestResponse(
                format: document.format.rawValue, documentId: document.id, statements: result.stored, replaced: result.replaced,
                skipped: skipped.listed.map { .init(path: $0.path, reason: $0.reason) }, skippedOmitted: skipped.omitted),
            status: result.stored > 0 ? .created : .ok)
    }
}
