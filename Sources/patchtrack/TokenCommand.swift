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
            let executor = try database.open()
            do {
                _ = try await StorageEngine.migrate(executor)
                let token = try await TokenStore(executor: executor).create(name: name, role: role)
                print(token.secret)
            } catch {
                try? await executor.close()
                throw error
            }
            try await executor.close()
        }
    }
}

extension Role: ExpressibleByArgument {}
