import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `POST /v1/scans`: SBOMs and scanner reports as the tools write them; and the component reads.
struct ScansController {
    let database: AppDatabase
    let limits: BodyLimits
    let metrics: AppMetrics

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/scans", role: .ingest, heavyWrite: true, handler: ingest),
            Endpoint(.get, "/v1/images/{digest}/scans", role: .read, handler: scans),
            Endpoint(.get, "/v1/images/{digest}/components", role: .read, handler: imageComponents),
            Endpoint(.get, "/v1/components", role: .read, heavyRead: true, handler: componentsByPURL),
        ]
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> Response {
        var override: ImageReference?
        if let text = request.uri.queryParameters["image"], !text.isEmpty {
            do {
                override = try ImageReference(parsing: String(text))
            } catch {
                throw ProblemDetails.badParameter("image", error.reason)
            }
            if override?.digest == nil {
                throw ProblemDetails.badParameter("image", "must name the digest: REPOSITORY[:TAG]@sha256:<64 hex>")
            }
        }
        let contentType = request.headers[.contentType]
        let ((document, contentHash), size) = try await request.readJSONDocument(
            limits: limits, accepted: "accepted formats: \(IngestError.acceptedFormats)"
        ) { data in
            do throws(IngestError) {
                return (try ScanDocument.parse(data, contentType: contentType), ScanStore.contentHash(of: data))
            } catch {
                throw ProblemDetails(ScanIngest.Failure.unreadable(error))
            }
        }
        defer { MemoryTrim.afterRequest(ofSize: size) }
        let parsed: ScanIngest.Parsed
        do throws(ScanSubject.Unresolved) {
            parsed = try ScanIngest.prepare(document, override: override)
        } catch {
            throw ProblemDetails(ScanIngest.Failure.noImage(error))
        }
        // Parsing a large document takes a while: nothing is written for a request whose task was cancelled meanwhile.
        try Task.checkCancellation()
        let result = try await database.scans.ingest(
            contentHash: contentHash, document: parsed.document, normalized: parsed.normalized, registration: parsed.registration)
        if result.isNew { metrics.ingested(kind: .scan, format: result.format.rawValue) }
        return try JSONResponse.make(
            ScanIngestResponse(result), status: result.isNew ? .created : .ok,
            headers: [.location: "/v1/images/\(result.imageDigest)/scans"])
    }

    @Sendable func scans(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context).value
        guard let scans = try await database.scans.scans(imageDigest: digest) else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        return try JSONResponse.make(ScanListResponse(items: scans.map(ScanResponse.init)))
    }

    @Sendable func imageComponents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context).value
        let page = try PageRequest(request)
        let query = request.uri.queryParameters
        let nonEmpty = { (name: String) -> String? in query[name[...]].flatMap { $0.isEmpty ? nil : String($0) } }
        guard let result = try await database.scans.components(
            imageDigest: digest, ecosystem: nonEmpty("ecosystem"), name: nonEmpty("name"), purlPrefix: nonEmpty("purl"),
            after: try page.integerCursor(), limit: page.limit)
        else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        return try Self.answer(request, result)
    }

    @Sendable func componentsByPURL(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters["purl"], !text.isEmpty else {
            throw ProblemDetails.badParameter("purl", "is required, e.g. pkg:deb/debian/openssl")
        }
        let purl: PURL
        do {
            purl = try PURL(parsing: String(text))
        } catch {
            throw ProblemDetails.badParameter("purl", String(describing: error))
        }
        let page = try PageRequest(request)
        let result = try await database.scans.components(
            purlBase: ScanStore.purlBase(purl), version: purl.version, after: try page.integerCursor(), limit: page.limit)
        return try Self.answer(request, result)
    }

    private static func answer(_ request: Request, _ page: Page<StoredComponent>) throws -> Response {
        let next = PageRequest.encode(page.nextCursor.map(String.init))
        let link = PageRequest.linkHeader(request, nextCursor: next)
        let items = page.items.map(ComponentResponse.init)
        if CSV.isRequested(request) {
            return CSV.response(header: ComponentResponse.csvHeader, rows: items.map(\.csvRow), headers: link)
        }
        return try JSONResponse.make(ComponentListResponse(items: items, nextCursor: next), headers: link)
    }
}
