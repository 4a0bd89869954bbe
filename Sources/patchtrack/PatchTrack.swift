import ArgumentParser
import Logging
import PatchTrackStorage

/// The `patchtrack` command: a thin shell over the libraries; each subcommand parses options and calls them.
@main
struct PatchTrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchtrack",
        abstract: "Tracks container images, their packages and advisories, rebuilds and rollouts.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, ImportCommand.self, FeedCommand.self, RegistryCommand.self, CopyDatabase.self, VersionCompare.self],
        defaultSubcommand: nil)
}

/// The `--database` option shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            A SQLite file path, or postgres://user:password@host:port/dbname?sslmode=disable|require|verify-full \
            (env PATCHTRACK_DATABASE; default ./patchtrack.sqlite).
            """)
    var database: String?

    /// The location as given: the option, else the environment, else the default.
    var text: String {
        database ?? Environment.value("PATCHTRACK_DATABASE") ?? "patchtrack.sqlite"
    }

    /// The parsed location.
    func location() throws -> DatabaseLocation {
        do {
            return try DatabaseLocation(text)
        } catch {
            throw ValidationError("--database: \(error)")
        }
    }

    /// The executor for the location (either engine).
    func open() throws -> any SQLExecutor {
        try Self.open(try location())
    }

    /// The executor for `location`.
    static func open(_ location: DatabaseLocation) throws -> any SQLExecutor {
        var logger = Logger(label: "patchtrack.storage")
        logger.logLevel = .error  // PostgresNIO's pool logs each failed connection attempt at info
        return try StorageEngine.open(location, logger: logger)
    }
}
