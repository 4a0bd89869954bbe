import Foundation
import Logging

/// Work done in the background, on one process at a time among all those sharing the database.
public struct BackgroundJob: Sendable {
    /// The job's lease name (unique per job).
    public let name: String
    /// Time between two runs on the process holding the lease; a process that takes the lease over runs at once.
    public let interval: Duration
    /// One run; answers a short summary for the log (empty: nothing to say, nothing logged).
    public let run: @Sendable () async throws -> String

    public init(name: String, every interval: Duration, run: @escaping @Sendable () async throws -> String) {
        self.name = name
        self.interval = interval
        self.run = run
    }
}

/// Runs background jobs under leases held in the database. Every `tick` each process tries to take or renew each
/// job's lease, which lasts three ticks by default: the holder keeps it while it lives (renewing during long runs
/// too), and when it dies or hangs another process takes the job over once the lease expired. A run whose lease was lost meanwhile
/// is cancelled, so two processes never run one job at once for longer than a tick.
public struct LeasedJobRunner: Sendable {
    /// This process's name in the lease table.
    public let holder: String
    let leases: LeaseStore
    public let jobs: [BackgroundJob]
    let tick: Duration
    let leaseDuration: Duration
    let logger: Logger

    /// `tick`: how often each job's lease is taken or renewed; `leaseDuration` (three ticks when nil): how long a
    /// holder that stopped renewing keeps it.
    public init(
        leases: LeaseStore, holder: String = Self.processHolder(), jobs: [BackgroundJob], tick: Duration = .seconds(15),
        leaseDuration: Duration? = nil, logger: Logger
    ) {
        self.leases = leases
        self.holder = holder
        self.jobs = jobs
        self.tick = tick
        self.leaseDuration = leaseDuration ?? tick * 3
        self.logger = logger
    }

    /// A holder name unique to this process: host, process id and a random suffix (a restarted process on the same
    /// host with a reused process id is another holder).
    public static func processHolder() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(100)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs every job until the task is cancelled, then gives up the leases held (another process need not wait for
    /// them to expire).
    public func run() async {
        await withDiscardingTaskGroup { group in
            for job in jobs {
                group.addTask { await loop(job) }
            }
        }
    }

    private var leaseSeconds: TimeInterval {
        let components = leaseDuration.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    private func loop(_ job: BackgroundJob) async {
        var holding = false
        var due: ContinuousClock.Instant?
        while !Task.isCancelled {
            let held = await acquire(job.name)
            if held != holding {
                logger.info(held ? "took the job's lease" : "lost the job's lease", metadata: ["job": "\(job.name)", "holder": "\(holder)"])
                due = held ? .now : nil
                holding = held
            }
            if held, let next = due, next <= .now {
                holding = await runOnce(job)
                due = ContinuousClock.now.advanced(by: job.interval)
            }
            try? await Task.sleep(for: tick)
        }
        if holding {
            // In a task of its own: this one is cancelled, and the release must still reach the database.
            let (leases, holder) = (self.leases, self.holder)
            await Task { try? await leases.release(job.name, holder: holder) }.value
        }
    }

    /// Takes or renews the lease; a database fault counts as not holding it (and is logged).
    private func acquire(_ name: String) async -> Bool {
        do {
            return try await leases.acquire(name, holder: holder, for: leaseSeconds)
        } catch {
            if !Task.isCancelled { logger.error("cannot take the job's lease", metadata: ["job": "\(name)", "error": "\(error)"]) }
            return false
        }
    }

    /// One run of `job` while its lease is renewed every tick; the run is cancelled if the lease is lost. True when
    /// the lease is still held afterwards.
    private func runOnce(_ job: BackgroundJob) async -> Bool {
        let started = ContinuousClock.now
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                do {
                    let summary = try await job.run()
                    if !summary.isEmpty { logger.info(
                        "background job ran", metadata: ["job": "\(job.name)", "result": "\(summary)", "duration": "\(ContinuousClock.now - started)"]) }
                } catch is CancellationError {
                } catch {
                    logger.error("background job failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
                }
                return nil
            }
            group.addTask {
                // Renewing while the run lasts; nil when cancelled because the run ended first.
                while true {
                    do { try await Task.sleep(for: tick) } catch { return nil }
                    if await !acquire(job.name) { return Task.isCancelled ? nil : false }
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if first == false {
                logger.warning("lost the job's lease during a run; the run was cancelled", metadata: ["job": "\(job.name)"])
                return false
            }
            return true
        }
    }
}
