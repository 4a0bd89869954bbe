import ArgumentParser
import Foundation
import Logging
import PatchTrackRegistry
import PatchTrackStorage

/// `patchtrack registry`: registry watches from the command line.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Poll registry watches in the foreground.", subcommands: [Poll.self])

    /// `patchtrack registry poll [WATCH_ID]`.
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll one watch (or every watch) now, due or not, printing what each poll learnt; exits 1 when a poll reported an error.")

        @Argument(help: "The watch's id (GET /v1/watches); every watch when omitted.")
        var watchId: Int64?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let appDatabase = AppDatabase(executor: try database.open())
            _ = try await appDatabase.migrate()
            let client = RegistryClient()
            var failed = false
            do {
                let watches: [StoredWatch]
                if let watchId {
                    guard let watch = try await appDatabase.watches.watch(id: watchId) else {
                        throw ValidationError("there is no watch \(watchId) (GET /v1/watches)")
                    }
                    watches = [watch]
                } else {
                    watches = try await appDatabase.watches.list()
                }
                let poller = RegistryPoller(database: appDatabase, client: client, logger: Logger(label: "patchtrack.registry"))
                for watch in watches {
                    let report = try await poller.poll(watch)
                    print(report.summary)
                    failed = failed || report.error != nil
                }
            } catch {
                try? await client.shutdown()
                try await appDatabase.close()
                throw error
            }
            try? await client.shutdown()
            try await appDatabase.close()
            if failed { throw ExitCode(1) }
        }
    }
}
