import ArgumentParser
import PatchTrackStorage

/// `patchtrack migrate`: applies pending migrations and lists what it applied, on either engine.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let location = try database.location()
        let executor = try database.open()
        do {
            let applied = try await StorageEngine.migrate(executor)
            if applied.isEmpty {
                let count = try await StorageEngine.appliedMigrations(executor).count
                print("database \(location) is up to date (\(count) migrations)")
            } else {
                for name in applied { print("applied \(name)") }
            }
        } catch {
            try? await executor.close()
            throw error
        }
        try await executor.close()
    }
}
