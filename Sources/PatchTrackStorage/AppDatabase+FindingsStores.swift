import Foundation

extension AppDatabase {
    /// Finding lists, known advisory ids, images a vulnerability affects.
    public var findings: FindingStore { FindingStore(executor: executor, now: now) }

    /// The schema snapshot and content fingerprint.
    public var diagnostics: DiagnosticsStore { DiagnosticsStore(executor: executor, now: now) }
}
