import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/advisories`: OSV intake (record, array, zip) and advisory reads.
struct AdvisoriesController {
    let database: AppDatabase
    let limits: BodyLimits
    let metrics: AppMetrics

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/advisories", role: .ingest, heavyWrite: true, handler: ingest),
            Endpoint(.get, "/v1/advisories/{id}", role: .read, handler: show),
            Endpoint(.get, "/v1/advisories/{id}/images", role: .read, handler: images),
        ]
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType]?.lowercased()
        let isZipType = contentType.map { $0.hasPrefix("application/zip") || $0.hasPrefix("application/x-zip") || $0.hasPrefix("application/octet-stream") } ?? false
        let buffer: ByteBuffer
        if isZipType {
            buffer = try await request.collectBody(upTo: limits.maxBytes)
        } else {
            buffer = try await request.collectJSONBody(limits: limits, accepted: "send OSV JSON (a record or an array) or a zip of records")
        }
        let data = Data(buffer: buffer)
        let entries: [(position: String, entry: OSVIntake.Entry)]
        do {
            if OSVBundle.isZip(data) {
                entries = try OSVBundle.entries(zip: data, limits: .upload(maxJSONDepth: limits.maxDepth))
            } else {
                try checkJSONLimits(data, limits: limits)
                entries = try OSVBundle.entries(json: data)
            }
        } catch let failure as OSVBundle.Failure {
            throw ProblemDetails(failure)
        }
        // The store checks again between its transactions of 1,000 records.
        try Task.checkCancellation()
        let items = try await database.advisories.ingest(entries)
        MemoryTrim.afterRequest(ofSize: data.count)
        if !items.isEmpty && items.allSatisfy({ $0.outcome == .rejected }) {
            // Nothing usable: a 422 naming the first records' problems and counting the rest (nothing was written).
            let errors = items.prefix(InputLimits.listedEntries).map {
                ProblemDetails.FieldError(field: $0.position, message: $0.messages.joined(separator: "; "))
            }
            let first = errors.prefix(3).map { "\($0.field): \($0.message)" }.joined(separator: " | ")
            throw ProblemDetails.validation(
                listing: errors, total: items.count,
                detail: "no record was accepted: \(items.count) rejected; " + first
                    + (errors.count > 3 ? " | … (each listed in errors, the first \(InputLimits.listedEntries))" : ""))
        }
        let stored = items.filter { $0.outcome == .created || $0.outcome == .updated }.count
        metrics.ingested(kind: .advisory, format: "osv", count: stored)
        return try JSONResponse.make(AdvisoryIntakeResponse(items), status: stored > 0 ? .created : .ok)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = request.pathParameter("id", context)
        guard let advisory = try await database.advisories.advisory(id) else {
            throw ProblemDetails.notFound("no advisory has the id or alias \(id)")
        }
        return try JSONResponse.make(AdvisoryResponse(advisory))
    }

    @Sendable func images(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = request.pathParameter("id", context)
        guard let vulnerability = try await database.advisories.vulnerabilityID(of: id) else {
            throw ProblemDetails.notFound("no advisory has the id or alias \(id)")
        }
        let images = try await database.findings.images(affectedBy: vulnerability)
        return try JSONResponse.make(
            AdvisoryImagesResponse(
                vulnerabilityId: vulnerability,
                items: images.map { .init(image: ImageResponse($0.image), openFindings: $0.findings) }))
    }
}
