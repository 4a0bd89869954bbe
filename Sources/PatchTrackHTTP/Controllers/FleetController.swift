import Foundation
import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// The fleet's patch status for dashboards: the header figures, one vulnerability's progress and exposure over time,
/// one finding's timeline, and the SLA breaches.
struct FleetController {
    let database: AppDatabase
    let plans: PlanSource
    let status: FleetStatusSource
    /// Every breach list asked for (by status and severity), kept per write generation: the pages of one list and
    /// the dashboards polling it share one computation per change (or per 30 s, as standings move with time).
    let breachLists: GenerationCache<[FindingProgress]>
    /// The open-findings trend per window length, kept like the breach lists.
    let trends: GenerationCache<[FindingTrend.Point]>

    init(database: AppDatabase, plans: PlanSource, status: FleetStatusSource) {
        self.database = database
        self.plans = plans
        self.status = status
        breachLists = GenerationCache(maximumAge: 30) { try await database.writeGeneration() }
        trends = GenerationCache(maximumAge: 30) { try await database.writeGeneration() }
    }

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/status", role: .read, heavyRead: true, handler: status),
            Endpoint(.get, "/v1/status/trend", role: .read, handler: trend),
            Endpoint(.get, "/v1/advisories/{id}/progress", role: .read, heavyRead: true, handler: progress),
            Endpoint(.get, "/v1/advisories/{id}/exposure", role: .read, handler: exposure),
            Endpoint(.get, "/v1/findings/{id}/timeline", role: .read, handler: timeline),
            Endpoint(.get, "/v1/sla/breaches", role: .read, heavyRead: true, handler: breaches),
        ]
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        async let plan = plans.recent()
        let fleet = try await status.current()
        let rebuilds = try await plan
        var answer = StatusResponse(fleet, plan: rebuilds.plan, planComputedAt: rebuilds.computedAt)
        // Read fresh on every request (a few rows): a sync writes no generation the cached status would notice.
        let now = database.currentDate
        answer.feeds = try await database.feeds.list().map { FeedSummary(FeedResponse($0, now: now)) }
        return try JSONResponse.make(answer)
    }

    @Sendable func trend(_ request: Request, context: AppRequestContext) async throws -> Response {
        var days = 30
        if let text = request.uri.queryParameters["days"] {
            guard text.utf8.count <= 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(String(text)),
                (1...365).contains(value)
            else { throw ProblemDetails.badParameter("days", "must be an integer from 1 to 365, in digits only") }
            days = value
        }
        let window = days
        let points = try await trends.value(String(days), generation: database.writeGeneration(), now: database.currentDate) {
            [database] in try await database.fleet.openFindingsTrend(days: window)
        }
        if CSV.isRequested(request) {
            return CSV.response(
                header: ["day"] + StatusResponse.severities.map(\.rawValue),
                rows: points.map { point in [point.day] + StatusResponse.severities.map { String(point.open[$0] ?? 0) } })
        }
        return try JSONResponse.make(TrendResponse(days: days, points: points))
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let vulnerability = try await vulnerability(request, context)
        return try JSONResponse.make(ProgressResponse(try await database.progress.vulnerabilityProgress(vulnerability)))
    }

    @Sendable func exposure(_ request: Request, context: AppRequestContext) async throws -> Response {
        let vulnerability = try await vulnerability(request, context)
        let page = try PageRequest(request)
        let points = try await database.progress.exposureHistory(vulnerability, limit: page.limit)
        if CSV.isRequested(request) {
            return CSV.response(
                header: ExposureResponse.csvHeader, rows: points.map { [$0.environment, $0.takenAt, String($0.workloads), String($0.replicas)] })
        }
        return try JSONResponse.make(
            ExposureResponse(
                vulnerabilityId: vulnerability,
                items: points.map { .init(environment: $0.environment, takenAt: $0.takenAt, workloads: $0.workloads, replicas: $0.replicas) }))
    }

    @Sendable func timeline(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = Int64(request.pathParameter("id", context)), id > 0 else {
            throw ProblemDetails.badParameter("id", "must be a positive integer")
        }
        guard let finding = try await database.progress.findingProgress(id: id) else {
            throw ProblemDetails.notFound("no open finding has the id \(id) (resolved and VEX-suppressed findings have no timeline)")
        }
        return try JSONResponse.make(FindingTimelineResponse(finding, now: database.currentDate))
    }

    @Sendable func breaches(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var includeDueSoon = true
        if let text = query["status"].map(String.init) {
            switch text {
            case "breached": includeDueSoon = false
            case "due_soon", "all": includeDueSoon = true
            default: throw ProblemDetails.badParameter("status", "must be one of breached, due_soon, all")
            }
        }
        let onlyDueSoon = query["status"] == "due_soon"
        var severity: SeverityLevel?
        if let text = query["severity"].map(String.init) {
            guard let level = SeverityLevel(rawValue: text), level != .unknown else {
                throw ProblemDetails.badParameter("severity", "must be one of critical, high, medium, low")
            }
            severity = level
        }
        let page = try PageRequest(request)
        let offset = try page.integerCursor() ?? 0
        guard offset >= 0 else { throw ProblemDetails.badParameter("cursor", "is not a cursor this server issued") }
        let now = database.currentDate
        let variant = "\(query["status"] ?? "all")|\(severity?.rawValue ?? "")"
        let findings = try await breachLists.value(variant, generation: database.writeGeneration(), now: now) {
            [database, includeDueSoon, severity] in
            let findings = try await database.fleet.slaBreaches(includeDueSoon: includeDueSoon, severity: severity)
            return onlyDueSoon ? findings.filter { $0.sla == .dueSoon } : findings
        }
        let slice = findings.dropFirst(Int(offset)).prefix(page.limit)
        let next = Int(offset) + slice.count < findings.count ? PageRequest.encode(String(Int(offset) + slice.count)) : nil
        let items = slice.map { FindingTimelineResponse($0, now: now) }
        let headers = PageRequest.linkHeader(request, nextCursor: next)
        if CSV.isRequested(request) {
            return CSV.response(header: FindingTimelineResponse.csvHeader, rows: items.map(\.csvRow), headers: headers)
        }
        return try JSONResponse.make(PageResponse(items: Array(items), nextCursor: next), headers: headers)
    }

    private func vulnerability(_ request: Request, _ context: AppRequestContext) async throws -> String {
        let id = request.pathParameter("id", context)
        guard let vulnerability = try await database.advisories.vulnerabilityID(of: id) else {
            throw ProblemDetails.notFound("no advisory has the id or alias \(id)")
        }
        return vulnerability
    }
}
