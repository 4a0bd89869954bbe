import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// `/v1/environments`: where images run, and what each runs (inventory snapshots posted by clusters).
struct EnvironmentsController {
    let database: AppDatabase
    let limits: BodyLimits
    let metrics: AppMetrics
    /// Days inventory snapshots are kept (nil: all).
    let retentionDays: Int?

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/environments", role: .read, handler: list),
            Endpoint(.get, "/v1/environments/{name}", role: .read, handler: show),
            Endpoint(.put, "/v1/environments/{name}", role: .admin, handler: put),
            Endpoint(.post, "/v1/environments/{name}/inventory", role: .ingest, heavyWrite: true, handler: postInventory),
            Endpoint(.get, "/v1/environments/{name}/inventory", role: .read, heavyRead: true, handler: inventory),
            Endpoint(.get, "/v1/environments/{name}/snapshots", role: .read, handler: snapshots),
        ]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let environments = try await database.environments.list()
        return try JSONResponse.make(PageResponse(items: environments.map(EnvironmentResponse.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        guard let environment = try await database.environments.environment(name: name) else { throw Self.notFound(name) }
        return try JSONResponse.make(EnvironmentResponse(environment))
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        let settings = try await request.decodeJSON(EnvironmentRequest.self, limits: limits).settings()
        let (environment, created) = try await database.environments.put(name: name, settings)
        return try JSONResponse.make(EnvironmentResponse(environment), status: created ? .created : .ok)
    }

    @Sendable func postInventory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        let token = try context.requireToken()
        let (document, size) = try await request.readJSONDocument(
            limits: limits, accepted: "accepted: a Kubernetes PodList (kubectl get pods -A -o json), a Pod, or a JSON array of workloads"
        ) { data in
            do throws(IngestError) {
                return try InventoryDocument.parse(data)
            } catch {
                throw ProblemDetails(ingestError: error)
            }
        }
        defer { MemoryTrim.afterRequest(ofSize: size) }
        if document.workloads.isEmpty, !document.skipped.isEmpty {
            // A post replaces the whole snapshot: one whose every entry was left out would empty the environment.
            throw ProblemDetails.validation(
                listing: document.skipped.map { .init(field: $0.path.isEmpty ? "$" : $0.path, message: $0.reason) },
                detail: "nothing in the document could be recorded (every entry was left out); post [] to record that nothing runs there")
        }
        try Task.checkCancellation()
        guard let outcome = try await database.inventory.record(environment: name, document, by: token, retentionDays: retentionDays) else { throw Self.notFound(name) }
        metrics.ingested(kind: .inventory, format: outcome.format, count: 1)
        return try JSONResponse.make(InventoryOutcomeResponse(outcome), status: .created)
    }

    @Sendable func inventory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        // Paged only when asked (`limit` or `cursor`), by workload in name order; otherwise the whole inventory.
        let query = request.uri.queryParameters
        let page = query["limit"] != nil || query["cursor"] != nil ? try PageRequest(request) : nil
        let offset = Int(try page?.integerCursor() ?? 0)
        guard let (snapshot, workloads) = try await database.inventory.current(environment: name) else { throw Self.notFound(name) }
        var response = CurrentInventoryResponse(
            environment: name, snapshot: snapshot, workloads: page.map { workloads.dropFirst(offset).prefix($0.limit) } ?? workloads[...])
        var headers: HTTPFields = [:]
        if let page {
            let next = offset + response.items.count < workloads.count ? PageRequest.encode(String(offset + response.items.count)) : nil
            response.page = (workloads.count, next)
            headers = PageRequest.linkHeader(request, nextCursor: next)
        }
        if CSV.isRequested(request) {
            return CSV.response(header: CurrentInventoryResponse.csvHeader, rows: response.csvRows, headers: headers)
        }
        return try JSONResponse.make(response, headers: headers)
    }

    @Sendable func snapshots(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(request, context)
        let page = try PageRequest(request)
        guard let result = try await database.inventory.snapshots(environment: name, before: try page.integerCursor(), limit: page.limit) else {
            throw Self.notFound(name)
        }
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        return try JSONResponse.make(
            PageResponse(items: result.items.map(SnapshotResponse.init), nextCursor: next), headers: PageRequest.linkHeader(request, nextCursor: next))
    }

    static func name(_ request: Request, _ context: AppRequestContext) throws -> String {
        let name = request.pathParameter("name", context)
        guard EnvironmentNames.isValidName(name) else {
            throw ProblemDetails.badParameter("name", "must match [A-Za-z0-9][A-Za-z0-9._-]{0,62}")
        }
        return name
    }

    static func notFound(_ name: String) -> ProblemDetails {
        ProblemDetails.notFound("no environment is named \(name); create it with PUT /v1/environments/\(name)")
    }
}
