import Foundation
import PatchTrackStorage

/// The background job that polls watches: every few seconds it polls the watches that are due (their interval
/// passed, or a poll was asked for with `POST /v1/watches/{id}/poll` on any replica). Run under a lease, so with
/// several replicas one of them polls at a time.
public struct RegistryWorker: Sendable {
    let poller: RegistryPoller

    public init(poller: RegistryPoller) {
        self.poller = poller
    }

    /// The job: the lease name `registry-watches`, checked every `every`.
    public func job(every interval: Duration = .seconds(5)) -> BackgroundJob {
        BackgroundJob(name: "registry-watches", every: interval) { try await poller.pollDue() }
    }
}
