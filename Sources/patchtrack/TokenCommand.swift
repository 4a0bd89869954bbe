import ArgumentParser
import PatchTrackCore
import PatchTrackStorage

/// `patchtrack token`: manage API tokens from the shell.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    /// `patchtrack token create --role admin|ingest|read --name NAME`: prints a new token once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (only this once).")

        @Option(help: "admin, ingest or read.")
        var role: Role

        @Option(help: "A name saying who uses it (e.g. ci-main).")
        var name: String

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...100).contains(name.count) else { throw ValidationError("--name must be 1 to 100 characters") }
        }

        func run() async throws {
            let appDatabase = try AppDatabase(path: database.path)
            let token = try appDatabase.createToken(name: name, role: role)
            print(token.secret)
            try appDatabase.close()
        }
    }
}

extension Role: ExpressibleByArgument {}
