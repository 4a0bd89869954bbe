import Foundation
import Logging
import PatchTrackCore
import PatchTrackStorage

/// What one sync did.
public struct FeedSyncReport: Sendable {
    public var feed: String
    public var counts = FeedCounts()
    public var rejections: [FeedRejection] = []
    /// The error that ended the sync (or one of its ecosystems); nil when all went through.
    public var error: String?
    /// Records stored by this sync (added).
    public var stored = 0
    public var duration: Duration = .zero
    /// Where the sync's finding events are held until it ends: one `finding.opened` per image for the whole sync.
    var eventStage = "feed_" + UUID().uuidString.lowercased()

    public var summary: String {
        "added \(counts.added), updated \(counts.updated), unchanged \(counts.unchanged), rejected \(counts.rejected)"
            + (error.map { "; failed: \($0)" } ?? "")
    }
}

/// A sync's progress, for `patchtrack feed sync`'s progress line.
public struct FeedProgress: Sendable {
    public var feed: String
    public var source: String
    public var records: Int
    public var elapsed: Duration
}

/// Runs one feed's sync: fetches what changed since the last one and stores it through the same paths as the API
/// (advisories through ``AdvisoryStore/ingest(_:)``), recording the state that lets the next sync, or this one
/// after a crash, go on where it stopped. A failing feed keeps its last good data.
public struct FeedSyncer: Sendable {
    let database: AppDatabase
    let fetcher: FeedFetcher
    let logger: Logger
    let progress: (@Sendable (FeedProgress) -> Void)?
    /// Records per transaction when importing an archive, and records fetched per batch in an incremental sync.
    public var archiveBatch = 1_000
    public var recordBatch = 100

    public init(
        database: AppDatabase, fetcher: FeedFetcher, logger: Logger = Logger(label: "patchtrack.feeds"),
        progress: (@Sendable (FeedProgress) -> Void)? = nil
    ) {
        self.database = database
        self.fetcher = fetcher
        self.logger = logger
        self.progress = progress
    }

    /// Syncs feed `name` now (enabled or not); nil when there is no such feed.
    public func sync(named name: String) async throws -> FeedSyncReport? {
        guard let feed = try await database.feeds.feed(named: name) else { return nil }
        let started = ContinuousClock.now
        try await database.feeds.beginSync(feed)
        var report = FeedSyncReport(feed: name)
        do {
            switch feed.definition.kind {
            case .kev: try await syncKEV(feed, &report)
            case .epss: try await syncEPSS(feed, &report)
            case .osv: try await syncOSV(feed, &report)
            }
        } catch is CancellationError {
            report.error = "the sync was stopped (shutdown); it resumes where it stopped"
        } catch {
            report.error = "\(error)"
        }
        report.duration = ContinuousClock.now - started
        // In a task of its own: a cancelled sync still records how far it got.
        let (feeds, advisories, finished) = (database.feeds, database.advisories, report)
        try await Task {
            // A failure here leaves the stage to the job that coalesces abandoned stages; the status is still recorded.
            try? await advisories.flushEvents(stage: finished.eventStage)
            try await feeds.finishSync(
                named: name, counts: finished.counts, rejections: finished.rejections, error: finished.error,
                recordsAdded: feed.definition.kind == .osv ? finished.stored : 0)
        }.value
        if report.error == nil {
            logger.info("feed synced", metadata: ["feed": "\(name)", "result": "\(report.summary)", "duration": "\(report.duration)"])
        } else {
            logger.error("feed sync failed", metadata: ["feed": "\(name)", "result": "\(report.summary)"])
        }
        return report
    }

    // MARK: KEV and EPSS

    private func syncKEV(_ feed: StoredFeed, _ report: inout FeedSyncReport) async throws {
        try await syncDocument(feed, &report) { data in
            let document = try KEVCatalog.parse(data)
            let result = try await database.feeds.replaceKEV(feed: feed.name, document.entries)
            return (result.counts, document.rejections)
        }
    }

    private func syncEPSS(_ feed: StoredFeed, _ report: inout FeedSyncReport) async throws {
        let maxBytes = fetcher.settings.maxDocumentBytes
        try await syncDocument(feed, &report) { data in
            let document = try EPSSScores.parse(try Gzip.inflate(data, maxBytes: maxBytes))
            let result = try await database.feeds.replaceEPSS(feed: feed.name, document.entries)
            return (result.counts, document.rejections)
        }
    }

    /// Fetches a KEV or EPSS document conditionally and stores it with `store`; the validators are kept only once
    /// it is stored.
    private func syncDocument(
        _ feed: StoredFeed, _ report: inout FeedSyncReport,
        store: (Data) async throws -> (FeedCounts, [FeedRejection])
    ) async throws {
        var source = feed.sources.first { $0.source == "" } ?? StoredFeedSource(source: "")
        source.lastAttempt = Timestamp.format(database.currentDate)
        do {
            switch try await fetcher.document(feed.definition.url, validators: source.validators) {
            case .notModified:
                source.counts = FeedCounts()
            case .fetched(let data, let fresh):
                let (counts, rejections) = try await store(data)
                source.counts = FeedCounts(added: counts.added, updated: counts.updated, unchanged: counts.unchanged, rejected: rejections.count)
                report.rejections += rejections
                source.etag = fresh.etag
                source.lastModified = fresh.lastModified
                try await database.feeds.countSignalRecords(named: feed.name, kind: feed.definition.kind)
            }
            source.lastError = nil
            source.lastSuccess = Timestamp.format(database.currentDate)
            report.counts = source.counts
        } catch {
            source.lastError = "\(error)"
            try? await database.feeds.save(source, feed: feed.name)
            throw error
        }
        try await database.feeds.save(source, feed: feed.name)
    }
}

extension StoredFeedSource {
    /// The validators to send back, nil before a full answer was stored.
    var validators: FeedValidators? {
        etag == nil && lastModified == nil ? nil : FeedValidators(etag: etag, lastModified: lastModified)
    }
}
