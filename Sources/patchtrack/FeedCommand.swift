import ArgumentParser
import Foundation
import Logging
import PatchTrackFeeds
import PatchTrackStorage

/// `patchtrack feed`: feeds from the command line, for cron users and air-gapped mirrors.
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "List advisory feeds, or sync one in the foreground.", subcommands: [Sync.self, List.self])

    /// `patchtrack feed sync NAME`.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync one feed now (enabled or not), printing a progress line; exits 1 when the sync failed.")

        @Argument(help: "The feed's name (patchtrack feed list).")
        var name: String

        @Option(help: "Records per transaction when importing an archive (100 to 20000; default 1000).")
        var batch: Int = 1_000

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (100...20_000).contains(batch) else { throw ValidationError("--batch must be 100 to 20000") }
        }

        func run() async throws {
            let appDatabase = AppDatabase(executor: try database.open())
            _ = try await appDatabase.migrate()
            let fetcher = try FeedFetcher()
            let isTerminal = isatty(STDERR_FILENO) == 1
            var syncer = FeedSyncer(database: appDatabase, fetcher: fetcher) { progress in
                let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
                let rate = seconds > 0 ? Int(Double(progress.records) / seconds) : 0
                let line = "\(progress.feed) \(progress.source): \(progress.records) records, \(rate) records/s"
                FileHandle.standardError.write(Data((isTerminal ? "\r\(line)\u{1B}[K" : "\(line)\n").utf8))
            }
            syncer.archiveBatch = batch
            let report = try await syncer.sync(named: name)
            try? await fetcher.shutdown()
            try await appDatabase.close()
            if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            guard let report else { throw ValidationError("there is no feed named \(name) (patchtrack feed list)") }
            print("\(name): \(report.summary) in \(report.duration)")
            for rejection in report.rejections.prefix(20) { print("  rejected \(rejection.record): \(rejection.reason)") }
            if report.rejections.count > 20 { print("  … and \(report.rejections.count - 20) more") }
            if report.error != nil { throw ExitCode(1) }
        }
    }

    /// `patchtrack feed list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the feeds and how their last sync went.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let feeds = try await database.withMigratedExecutor { executor in try await FeedStore(executor: executor).list() }
            for feed in feeds {
                let state = feed.definition.enabled ? "enabled" : "disabled"
                print("\(feed.name)\t\(feed.definition.kind.rawValue)\t\(state)\tevery \(feed.definition.intervalMinutes) min\t\(feed.definition.url)")
                print("\tlast success \(feed.lastSuccess ?? "never"), last attempt \(feed.lastAttempt ?? "never"), records \(feed.records)"
                    + (feed.lastError.map { ", last error: \($0)" } ?? ""))
            }
        }
    }
}
