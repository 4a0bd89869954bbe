import ArgumentParser
import Foundation
import Logging
import PatchTrackCore
import PatchTrackRegistry
import PatchTrackStorage

/// `patchtrack registry`: registry watches from the command line.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Poll registry watches, or read one image from its registry, in the foreground.",
        subcommands: [Poll.self, Check.self])

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

    /// `patchtrack registry check IMAGE_REF`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what PatchTrack would learn about one image reference (digest, platforms, base, signature, attached SBOMs) without storing it; the registry settings, credentials and trusted keys come from the database.")

        @Argument(help: "An image reference: REPOSITORY[:TAG][@DIGEST] (the tag latest when neither is given).")
        var reference: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let parsed: ImageReference
            do {
                parsed = try ImageReference(parsing: reference)
            } catch {
                throw ValidationError("\(reference): \(error.reason)")
            }
            let appDatabase = AppDatabase(executor: try database.open())
            _ = try await appDatabase.migrate()
            let client = RegistryClient()
            let poller = RegistryPoller(database: appDatabase, client: client, logger: Logger(label: "patchtrack.registry"))
            let result: Result<RegistryInspection, any Error>
            do {
                result = .success(try await poller.inspect(parsed))
            } catch {
                result = .failure(error)
            }
            try? await client.shutdown()
            try await appDatabase.close()
            switch result {
            case .success(let inspection):
                for line in inspection.lines { print(line) }
            case .failure(let error as RegistryError):
                FileHandle.standardError.write(Data("\(reference): \(error)\n".utf8))
                throw ExitCode(1)
            case .failure(let error):
                throw error
            }
        }
    }
}
