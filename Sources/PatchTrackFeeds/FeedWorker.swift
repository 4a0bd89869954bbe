import Foundation
import PatchTrackStorage

/// The background job that keeps feeds current: every few seconds it syncs the enabled feeds that are due (their
/// interval passed, or a sync was asked for with `POST /v1/feeds/{name}/sync` on any replica). Run under a lease,
/// so with several replicas one of them syncs at a time.
public struct FeedWorker: Sendable {
    let syncer: FeedSyncer

    public init(syncer: FeedSyncer) {
        self.syncer = syncer
    }

    /// The job: the lease name `feeds`, checked every `every`.
    public func job(every interval: Duration = .seconds(5)) -> BackgroundJob {
        BackgroundJob(name: "feeds", every: interval) { try await runDue() }
    }

    /// Syncs each due feed in turn; answers a summary ("" when none was due).
    public func runDue() async throws -> String {
        var summaries: [String] = []
        for feed in try await syncer.database.feeds.due() {
            try Task.checkCancellation()
            if let report = try await syncer.sync(named: feed.name) {
                summaries.append("\(feed.name): \(report.summary)")
            }
        }
        return summaries.joined(separator: "; ")
    }
}
