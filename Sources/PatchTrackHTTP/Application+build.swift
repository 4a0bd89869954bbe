import Hummingbird
import Logging
import PatchTrackCore
import PatchTrackRegistry
import PatchTrackStorage

/// Reads the fleet's figures for one `/metrics` scrape.
public typealias FleetMetricsSource = @Sendable () async throws -> FleetMetrics

/// Builds the HTTP application over an opened database.
public func buildApplication(
    configuration: ServerConfiguration, database: AppDatabase, logger: Logger? = nil, fleet: FleetMetricsSource? = nil,
    registry: RegistryPoller? = nil
) -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "patchtrack")
    logger.logLevel = configuration.logLevel
    let router = buildRouter(configuration: configuration, database: database, fleet: fleet, registry: registry)
    return Application(
        router: router,
        // Idle keep-alive connections close after a minute, and a client slow to send its head or silent mid-body
        // after the read timeout, so idle or stalled clients do not hold connections for long.
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ReadTimeoutHandler(timeout: configuration.readTimeout), ExpectContinueHandler()],
            idleTimeout: .seconds(60))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "patchtrack"),
        logger: logger)
}

/// The router with every route and the middleware chain (request log → problem mapping → conditional GETs → routes).
///
/// `fleet` reads the figures `/metrics` exposes as fleet gauges (tests pass fixed values); without it the fleet
/// series are all zero.
public func buildRouter(
    configuration: ServerConfiguration, database: AppDatabase, fleet: FleetMetricsSource? = nil, registry: RegistryPoller? = nil
) -> Router<AppRequestContext> {
    let limits = BodyLimits(maxBytes: configuration.maxBodySize, maxDepth: configuration.maxJSONDepth)
    let authenticator = Authenticator(database: database)
    let heavyWrites = HeavyWriteLimiter(limit: configuration.heavyWritesPerToken)
    let heavyReads = ReadBulkhead(limit: configuration.heavyReads)
    // One registry per application: no process-wide metrics bootstrap (tests build many applications per process).
    let metrics = AppMetrics()
    let plans = PlanSource(database: database, cache: PlanCache { try await database.writeGeneration() })
    // A scrape reads a few aggregates and the last computed plan's counts (refreshed in the background when stale),
    // never a full plan per scrape.
    let fleetStatus = FleetStatusSource(database: database)
    let fleet = fleet ?? {
        // The status and the exposure to breached findings are read in parallel (each kept per write generation).
        async let status = fleetStatus.current()
        async let breached = fleetStatus.breachedExposure()
        let plan = try await plans.recent().plan
        return FleetMetrics(
            try await status, imagesNeedingRebuild: PlanSource.reasonCounts(plan), planned: plan.entries.count,
            slaBreachedExposure: try await breached)
    }
    var endpoints: [Endpoint] = []
    endpoints += SystemController(database: database, metrics: metrics, fleet: fleet).endpoints
    endpoints += TokensController(database: database, authenticator: authenticator, limits: limits).endpoints
    endpoints += ImagesController(database: database, limits: limits, registry: registry).endpoints
    endpoints += RepositoriesController(database: database).endpoints
    endpoints += ScansController(database: database, limits: limits, metrics: metrics).endpoints
    endpoints += AdvisoriesController(database: database, limits: limits, metrics: metrics).endpoints
    endpoints += VEXController(database: database, limits: limits, metrics: metrics).endpoints
    endpoints += FindingsController(database: database).endpoints
    endpoints += PolicyController(database: database, limits: limits).endpoints
    endpoints += FeedsController(database: database, limits: limits).endpoints
    endpoints += WebhooksController(database: database, limits: limits, allowPrivate: configuration.webhookAllowPrivate).endpoints
    endpoints += RegistriesController(database: database, limits: limits).endpoints
    endpoints += WatchesController(database: database, limits: limits).endpoints
    endpoints += RebuildsController(database: database, limits: limits, plans: plans).endpoints
    endpoints += BuildsController(database: database, limits: limits, metrics: metrics).endpoints
    endpoints += EnvironmentsController(
        database: database, limits: limits, metrics: metrics, retentionDays: configuration.inventoryRetentionDays).endpoints
    endpoints += RolloutsController(database: database, limits: limits).endpoints
    endpoints += FleetController(database: database, plans: plans, status: fleetStatus).endpoints
    // The dashboard reads the API's own handlers (DashboardAPI), so it is built from the endpoints above.
    endpoints += DashboardController(
        database: database, authenticator: authenticator, api: DashboardAPI(endpoints: endpoints), plans: plans
    ).endpoints

    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(routes: RouteTable(endpoints)))
    router.add(middleware: ConditionalGetMiddleware())
    // Endpoints that share a router path and method (`/v1/repositories/**` and `/v1/repositories/**/policy`) are
    // registered once; each request runs the first whose full template matches, the more specific ones first.
    var groups: [(key: String, endpoints: [Endpoint])] = []
    for endpoint in endpoints {
        let key = endpoint.method.rawValue + " " + endpoint.routerPath
        if let index = groups.firstIndex(where: { $0.key == key }) {
            groups[index].endpoints.append(endpoint)
        } else {
            groups.append((key, [endpoint]))
        }
    }
    for group in groups {
        let candidates = group.endpoints.sorted { $0.needsFullMatch && !$1.needsFullMatch }
        guard let first = candidates.first else { continue }
        router.on(RouterPath(first.routerPath), method: first.method) { request, context in
            guard let endpoint = candidates.first(where: { !$0.needsFullMatch || $0.matches(request.uri.path) }) else {
                throw HTTPError(.notFound)
            }
            var context = context
            if let role = endpoint.role {
                context.token = try await authenticator.require(role, for: request)
            }
            if endpoint.isHeavyWrite, let token = context.token {
                return try await heavyWrites.withSlot(for: token.id) { try await endpoint.handler(request, context) }
            }
            if endpoint.isHeavyRead {
                return try await heavyReads.run { try await endpoint.handler(request, context) }
            }
            return try await endpoint.handler(request, context)
        }
    }
    return router
}
