import Foundation
import Logging
import PatchTrackCore
import PatchTrackStorage
import Synchronization

/// The delivery worker: polls the outbox for due deliveries and posts them, many at once, at most a few per
/// subscription, so a slow or hanging receiver (cut at the attempt timeout) never delays the others. It runs under
/// a lease (one replica delivers), as one long run renewed while it lasts; a replica that takes the lease over
/// finds the deliveries still pending (a delivery is marked only after its attempt: at-least-once).
public final class WebhookWorker: Sendable {
    let store: WebhookStore
    let sender: WebhookSender
    let logger: Logger
    /// Attempts in flight, by delivery id, with their subscription.
    private let inFlight = Mutex<[Int64: Int64]>([:])
    let maximumInFlight: Int
    let perSubscription: Int

    public init(store: WebhookStore, sender: WebhookSender, logger: Logger, maximumInFlight: Int = 32, perSubscription: Int = 8) {
        self.store = store
        self.sender = sender
        self.logger = logger
        self.maximumInFlight = maximumInFlight
        self.perSubscription = perSubscription
    }

    /// The job: deliver until cancelled, polling every `poll` (a write's event goes out within about that time
    /// when the receiver answers at once).
    public func job(poll: Duration = .milliseconds(200)) -> BackgroundJob {
        BackgroundJob(name: "webhooks", every: .seconds(1)) { [self] in
            try await deliver(poll: poll)
            return ""
        }
    }

    /// Delivers until cancelled; waits for the attempts in flight (cancelled too) before returning. Idle, it looks
    /// at the outbox every `poll`; while it delivers, as soon as attempts finish (a backlog drains at the speed of
    /// the receivers, not of the polls).
    func deliver(poll: Duration) async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let started = await startDue(in: &group)
                let busy = inFlight.withLock { !$0.isEmpty }
                let pause: Duration = started > 0 ? .milliseconds(2) : busy ? .milliseconds(20) : poll
                do { try await Task.sleep(for: pause) } catch { break }
            }
        }
    }

    /// Starts attempts of the due deliveries that fit the limits; answers how many.
    @discardableResult
    func startDue(in group: inout DiscardingTaskGroup) async -> Int {
        let busy = inFlight.withLock { $0 }
        guard busy.count < maximumInFlight else { return 0 }
        let due: [DueDelivery]
        do {
            due = try await store.due(limit: maximumInFlight * 2, excluding: Set(busy.keys))
        } catch {
            if !Task.isCancelled { logger.error("cannot read the webhook outbox", metadata: ["error": "\(error)"]) }
            return 0
        }
        var perWebhook: [Int64: Int] = [:]
        for webhookId in busy.values { perWebhook[webhookId, default: 0] += 1 }
        var running = busy.count
        for delivery in due where running < maximumInFlight && perWebhook[delivery.webhookId, default: 0] < perSubscription {
            perWebhook[delivery.webhookId, default: 0] += 1
            running += 1
            inFlight.withLock { $0[delivery.id] = delivery.webhookId }
            group.addTask { [self] in
                defer { inFlight.withLock { _ = $0.removeValue(forKey: delivery.id) } }
                await attempt(delivery)
            }
        }
        return running - busy.count
    }

    /// One attempt and its record.
    func attempt(_ delivery: DueDelivery) async {
        let outcome = await sender.send(delivery)
        guard !Task.isCancelled else { return }
        do {
            let health = try await store.record(delivery, outcome: outcome, jitter: Double.random(in: -1...1))
            if case .failed(let code, let error) = outcome {
                logger.warning(
                    "webhook delivery failed",
                    metadata: [
                        "webhook": "\(delivery.webhookId)", "event": "\(delivery.eventId)", "attempt": "\(delivery.attempts + 1)",
                        "code": "\(code.map(String.init) ?? "-")", "error": "\(error)", "health": "\(health.rawValue)",
                    ])
            }
        } catch {
            logger.error("cannot record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }
}

/// The jobs that turn time and the plan into events: `sla.due_soon` / `sla.breached` once per finding, and
/// `rebuild.required` when an image enters the plan or its reasons change.
public struct NoticeJobs: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Judges the open findings against their SLA every `interval`.
    public func sla(every interval: Duration = .seconds(60)) -> BackgroundJob {
        BackgroundJob(name: "webhook-sla", every: interval) { [database] in
            let standings = try await database.fleet.slaBreaches(includeDueSoon: true, severity: nil)
            let noticed = try await database.webhooks.noticeSLA(standings)
            return noticed == 0 ? "" : "\(noticed) findings announced due soon or breached"
        }
    }

    /// Plans after each write (at most every `interval`, and at least every minute for the age rule) and announces
    /// the changes.
    public func plan(every interval: Duration = .seconds(5)) -> BackgroundJob {
        let state = PlanWatchState()
        return BackgroundJob(name: "webhook-plan", every: interval) { [database] in
            let generation = try await database.writeGeneration()
            let now = Date()
            guard state.due(generation: generation, now: now) else { return "" }
            let (input, _) = try await database.rebuilds.rebuildPlanInputAndGeneration()
            let plan = try state.plan(input)
            let announced = try await database.webhooks.noticePlan(plan)
            state.done(generation: generation, at: now)
            return announced == 0 ? "" : "\(announced) images announced as needing a rebuild"
        }
    }
}

/// What the plan job remembers between runs: the generation it last planned and the planner's memo.
final class PlanWatchState: Sendable {
    private struct Last {
        var generation: Int?
        var at: Date?
        var memo = RebuildPlanMemo()
    }

    private let last = Mutex(Last())

    func due(generation: Int, now: Date) -> Bool {
        last.withLock { last in
            guard let previous = last.generation, let at = last.at else { return true }
            return previous != generation || now.timeIntervalSince(at) >= 60
        }
    }

    func plan(_ input: RebuildPlanInput) throws -> RebuildPlan {
        var memo = last.withLock { $0.memo }
        let plan = try RebuildPlanner.plan(input, memo: &memo)
        last.withLock { [memo] in $0.memo = memo }
        return plan
    }

    func done(generation: Int, at now: Date) {
        last.withLock {
            $0.generation = generation
            $0.at = now
        }
    }
}
