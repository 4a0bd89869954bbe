import Foundation
import PatchTrackCore
import PatchTrackStorage

extension FeedSyncer {
    /// Syncs every followed ecosystem; one that fails is reported (its error, in its source and the feed's) and the
    /// others go on.
    func syncOSV(_ feed: StoredFeed, _ report: inout FeedSyncReport) async throws {
        var failures: [String] = []
        for ecosystem in feed.definition.followedEcosystems {
            try Task.checkCancellation()
            var source = feed.sources.first { $0.source == ecosystem } ?? StoredFeedSource(source: ecosystem)
            source.lastAttempt = Timestamp.format(database.currentDate)
            source.counts = FeedCounts()
            var ecosystemReport = FeedSyncReport(feed: feed.name)
            do {
                if source.bootstrapped {
                    try await incremental(feed, &source, &ecosystemReport)
                } else {
                    try await bootstrap(feed, &source, &ecosystemReport)
                }
                source.lastError = nil
                source.lastSuccess = Timestamp.format(database.currentDate)
            } catch is CancellationError {
                // What was committed before the stop is counted; the source's state was saved with each batch.
                report.counts = report.counts + ecosystemReport.counts
                report.stored += ecosystemReport.stored
                throw CancellationError()
            } catch {
                source.lastError = "\(error)"
                failures.append("\(ecosystem): \(error)")
            }
            source.counts = ecosystemReport.counts
            try await database.feeds.save(source, feed: feed.name)
            report.counts = report.counts + ecosystemReport.counts
            report.rejections += ecosystemReport.rejections.map { FeedRejection(record: "\(ecosystem) \($0.record)", reason: $0.reason) }
            report.stored += ecosystemReport.stored
        }
        if !failures.isEmpty {
            report.error = failures.count == 1 ? failures[0] : "\(failures.count) ecosystems failed; \(failures.joined(separator: "; "))"
        }
    }

    /// The base URL of one ecosystem's directory.
    private func directory(_ feed: StoredFeed, _ ecosystem: String) -> String {
        let base = feed.definition.url.hasSuffix("/") ? String(feed.definition.url.dropLast()) : feed.definition.url
        return base + "/" + (ecosystem.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ecosystem)
    }

    /// The first sync of an ecosystem: the newest line of modified_id.csv is noted, then all.zip is downloaded to a
    /// temporary file and imported in batches, each committed before the count of archive files done is recorded;
    /// once the archive is done the noted line becomes the high-water mark. A sync stopped midway downloads the
    /// archive again and skips the files already imported (when the archive is the same one, by its validator).
    private func bootstrap(_ feed: StoredFeed, _ source: inout StoredFeedSource, _ report: inout FeedSyncReport) async throws {
        let directory = directory(feed, source.source)
        if source.pending == nil {
            var reader = OSVModifiedIndexReader(highWater: nil)
            _ = try await fetcher.lines(directory + "/modified_id.csv") { line in
                _ = reader.read(line: line)
                return reader.newest == nil
            }
            source.pending = reader.newest
            try await database.feeds.save(source, feed: feed.name)
        }
        guard case .fetched(let file, let validators) = try await fetcher.file(directory + "/all.zip") else { return }
        defer { try? FileManager.default.removeItem(at: file) }
        let tag = validators.etag ?? validators.lastModified
        if source.zipTag == nil || source.zipTag != tag {
            source.zipEntriesDone = 0
        }
        source.zipTag = tag
        let started = ContinuousClock.now
        var imported = 0
        try await OSVBundle.forEachBatch(zipFile: file, skipping: source.zipEntriesDone, batchSize: archiveBatch) { batch, filesDone in
            let items = try await database.advisories.ingest(batch, eventStage: report.eventStage)
            Self.tally(items, &report.counts, &report.rejections, &report.stored)
            source.zipEntriesDone = filesDone
            source.counts = report.counts
            try await database.feeds.save(source, feed: feed.name)
            imported += batch.count
            progress?(FeedProgress(feed: feed.name, source: source.source, records: imported, elapsed: ContinuousClock.now - started))
        }
        source.bootstrapped = true
        source.highWater = source.pending
        source.pending = nil
        source.zipEntriesDone = 0
        source.zipTag = nil
    }

    /// A later sync: modified_id.csv (conditionally) down to the high-water mark, then each newer `<ID>.json`,
    /// oldest first, in batches; the mark moves after each committed batch, the index's validators only once all
    /// are in (a sync stopped midway reads the index again and goes on after the mark).
    private func incremental(_ feed: StoredFeed, _ source: inout StoredFeedSource, _ report: inout FeedSyncReport) async throws {
        let directory = directory(feed, source.source)
        var reader = OSVModifiedIndexReader(highWater: source.highWater)
        guard let fresh = try await fetcher.lines(directory + "/modified_id.csv", validators: source.validators, { reader.read(line: $0) }) else {
            return  // 304: nothing changed
        }
        report.rejections += reader.rejections
        report.counts.rejected += reader.rejectedLines
        let started = ContinuousClock.now
        var imported = 0
        let positions = reader.oldestFirst
        for start in stride(from: 0, to: positions.count, by: recordBatch) {
            try Task.checkCancellation()
            let chunk = positions[start..<min(start + recordBatch, positions.count)]
            var batch: [(position: String, entry: OSVIntake.Entry)] = []
            for position in chunk {
                let url = directory + "/" + (position.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? position.id) + ".json"
                do {
                    guard case .fetched(let data, _) = try await fetcher.document(url) else { continue }
                    try JSONInputCheck.check(data, maxDepth: 64)
                    batch += try OSVBundle.entries(json: data).map { ("\(position.id).json\($0.position == "0" ? "" : $0.position)", $0.entry) }
                } catch let error as FeedFetchError {
                    if case .status = error {
                        // A listed record that cannot be fetched (404, 403) is named and skipped; transport errors
                        // end the sync, which resumes at the mark.
                        report.rejections.append(FeedRejection(record: position.id, reason: "\(error)"))
                        report.counts.rejected += 1
                        continue
                    }
                    throw error
                } catch let violation as JSONInputViolation {
                    report.rejections.append(FeedRejection(record: position.id, reason: "\(violation)"))
                    report.counts.rejected += 1
                } catch let failure as OSVBundle.Failure {
                    report.rejections.append(FeedRejection(record: position.id, reason: failure.description))
                    report.counts.rejected += 1
                }
            }
            let items = try await database.advisories.ingest(batch, eventStage: report.eventStage)
            Self.tally(items, &report.counts, &report.rejections, &report.stored)
            if let last = chunk.last { source.highWater = last }
            source.counts = report.counts
            try await database.feeds.save(source, feed: feed.name)
            imported += chunk.count
            progress?(FeedProgress(feed: feed.name, source: source.source, records: imported, elapsed: ContinuousClock.now - started))
        }
        if source.highWater == nil { source.highWater = reader.newest }
        source.etag = fresh.etag
        source.lastModified = fresh.lastModified
    }

    static func tally(_ items: [AdvisoryIntakeItem], _ counts: inout FeedCounts, _ rejections: inout [FeedRejection], _ stored: inout Int) {
        for item in items {
            switch item.outcome {
            case .created:
                counts.added += 1
                stored += 1
            case .updated: counts.updated += 1
            case .unchanged, .older: counts.unchanged += 1
            case .rejected:
                counts.rejected += 1
                if rejections.count < FeedStore.maximumRejections {
                    rejections.append(FeedRejection(record: item.id ?? item.position, reason: item.messages.joined(separator: "; ")))
                }
            }
        }
    }
}
