import ArgumentParser

/// The `patchtrack` command: a thin shell over the libraries; each subcommand parses options and calls them.
@main
struct PatchTrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchtrack",
        abstract: "Tracks container images, their packages and advisories, rebuilds and rollouts.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, ImportCommand.self, VersionCompare.self],
        defaultSubcommand: nil)
}

/// The `--database` option shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env PATCHTRACK_DATABASE; default ./patchtrack.sqlite).")
    var database: String?

    /// The path to use: the option, else the environment, else the default.
    var path: String {
        database ?? Environment.value("PATCHTRACK_DATABASE") ?? "patchtrack.sqlite"
    }
}
