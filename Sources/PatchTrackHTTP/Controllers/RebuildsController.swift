import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// The rebuild plan, one image's explanation, rebuild requests and base image lineage.
struct RebuildsController {
    let database: AppDatabase
    let limits: BodyLimits
    /// The current plan, shared with the status and metrics routes.
    let plans: PlanSource
    var cache: PlanCache { plans.cache }

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/rebuilds/plan", role: .read, heavyRead: true, handler: plan),
            Endpoint(.post, "/v1/rebuilds/requests", role: .ingest, handler: request),
            Endpoint(.get, "/v1/images/{digest}/rebuild", role: .read, handler: explain),
            Endpoint(.put, "/v1/images/{digest}/base", role: .ingest, handler: setBase),
        ]
    }

    @Sendable func plan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let filter = try Self.filter(request)
        let query = request.uri.queryParameters
        let paging = query["limit"] != nil || query["cursor"] != nil
        let csv = CSV.isRequested(request)
        let contentType = csv ? "text/csv; charset=utf-8" : "application/json"
        let variant = (csv ? "csv?" : "json?") + (request.uri.query ?? "")
        let generation = try await database.writeGeneration()
        // A kept answer comes with its tag, so a dashboard's revalidation costs one generation read: no plan, no
        // encoding, no hash.
        if let (body, tag) = cache.body(variant, generation: generation, now: database.currentDate) {
            return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag], body: .init(byteBuffer: body))
        }
        let current = try await plans.current(generation: generation)
        let (plan, generatedAt) = (current.plan, current.computedAt)
        let entries = plan.entries(matching: filter)
        // Paged only when asked (`limit` or `cursor`): without them the answer is the whole plan, as it always was. The
        // next page's cursor is in the body (`next_cursor`); kept answers carry no per-page header.
        var shown = entries[...]
        var page: (total: Int, nextCursor: String?)?
        if paging {
            let request = try PageRequest(request)
            let offset = Int(try request.integerCursor() ?? 0)
            shown = entries.dropFirst(offset).prefix(request.limit)
            let next = offset + shown.count < entries.count ? PageRequest.encode(String(offset + shown.count)) : nil
            page = (entries.count, next)
        }
        let body: ByteBuffer
        if csv {
            body = ByteBuffer(string: CSV.render(header: RebuildPlanEntryResponse.csvHeader, rows: shown.map(RebuildPlanEntryResponse.csvRow)))
        } else {
            var json = RebuildPlanJSON(capacity: 1024 + shown.count * 1024)
            // The unfiltered, unpaged plan reuses the JSON of entries that did not change since the last one.
            json.writePlan(
                generatedAt: Timestamp.format(generatedAt), waveCount: plan.waveCount, entries: shown,
                reusing: filter == RebuildPlanFilter() && !paging ? cache.encodings : nil, page: page)
            body = json.buffer
        }
        // Named by what the answer is a function of, instead of hashing 10–110 MB: equal names, equal bytes.
        let tag = ConditionalGetMiddleware.entityTag(
            contentType: contentType,
            identity: ["rebuild-plan", variant, String(current.generation), String(generatedAt.timeIntervalSince1970.bitPattern)])
        cache.store(body: body, tag: tag, variant: variant, of: current, generation: generation)
        return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag], body: .init(byteBuffer: body))
    }

    @Sendable func explain(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context)
        guard let image = try await database.registry.image(digest: digest.value) else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        let plan = try await plans.current(generation: database.writeGeneration()).plan
        let response: RebuildExplanationResponse
        switch plan.explain(digest) {
        case .rebuild(let entry):
            response = RebuildExplanationResponse(
                digest: digest.value, counted: true, needsRebuild: true,
                detail: "the image needs a rebuild in wave \(entry.wave): " + entry.reasonCodes.map(\.rawValue).joined(separator: ", "),
                entry: RebuildPlanEntryResponse(entry), checks: [])
        case .needsNothing(_, let checks):
            response = RebuildExplanationResponse(
                digest: digest.value, counted: true, needsRebuild: false, detail: "the image needs nothing: every check passed",
                entry: nil, checks: checks.map { .init(name: $0.name.rawValue, detail: $0.detail) })
        case nil:
            let why = image.successor.map { "it was superseded by \($0)" } ?? "no tag points to it"
            response = RebuildExplanationResponse(
                digest: digest.value, counted: false, needsRebuild: false,
                detail: "the image does not count for rebuild planning: \(why)", entry: nil, checks: [])
        }
        return try JSONResponse.make(response)
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(RebuildRequestBody.self, limits: limits)
        var errors: [ProblemDetails.FieldError] = []
        let digest = try? Digest(parsing: body.digest)
        if digest == nil { errors.append(.init(field: "digest", message: "must be 'sha256:' followed by 64 lowercase hex digits")) }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty || reason.unicodeScalars.count > 2000 {
            errors.append(.init(field: "reason", message: "must be 1 to 2000 characters, not only spaces"))
        }
        guard errors.isEmpty, let digest else { throw ProblemDetails.validation(errors) }
        guard let stored = try await database.rebuilds.requestRebuild(digest: digest.value, reason: reason, by: try context.requireToken()) else {
            throw ProblemDetails.invalidField("digest", "\(digest) is not a tracked image")
        }
        return try JSONResponse.make(RebuildRequestResponse(stored), status: .created)
    }

    @Sendable func setBase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context)
        let body = try await request.decodeJSON(SetBaseRequest.self, limits: limits)
        let base: ImageReference
        do {
            base = try ImageReference(parsing: body.reference)
        } catch {
            throw ProblemDetails.invalidField("reference", error.reason)
        }
        guard let baseDigest = base.digest else {
            throw ProblemDetails.invalidField("reference", "must include the base image's digest (…@sha256:<64 hex>)")
        }
        guard baseDigest != digest else {
            throw ProblemDetails(
                .lineageCycle, status: .unprocessableContent,
                detail: PlanningError.lineageCycle([digest]).description, errors: [.init(field: "reference", message: "an image cannot be its own base")])
        }
        return try JSONResponse.make(ImageResponse(try await database.rebuilds.setBase(digest: digest.value, base: base)))
    }

    // MARK: - Helpers

    /// The plan filters from the query: repository, reason, min_severity, wave.
    private static func filter(_ request: Request) throws -> RebuildPlanFilter {
        let query = request.uri.queryParameters
        var filter = RebuildPlanFilter()
        if let text = query["repository"].map(String.init), !text.isEmpty {
            do {
                filter.repository = try RepositoryName(parsing: text)
            } catch {
                throw ProblemDetails.badParameter("repository", error.reason)
            }
        }
        if let text = query["reason"].map(String.init) {
            guard let code = RebuildReasonCode(rawValue: text) else {
                throw ProblemDetails.badParameter(
                    "reason", "must be one of " + RebuildReasonCode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.reason = code
        }
        if let text = query["min_severity"].map(String.init) {
            guard let severity = SeverityLevel(rawValue: text) else {
                throw ProblemDetails.badParameter("min_severity", "must be one of unknown, low, medium, high, critical")
            }
            filter.minimumSeverity = severity
        }
        if let text = query["wave"].map(String.init) {
            guard let wave = Int(text), wave >= 1 else { throw ProblemDetails.badParameter("wave", "must be an integer from 1") }
            filter.wave = wave
        }
        return filter
    }
}
