import ArgumentParser
import PatchTrackStorage

/// `patchtrack migrate`: applies pending migrations and lists what it applied.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let appDatabase = try AppDatabase(path: database.path, migrate: false)
        let applied = try appDatabase.migrate()
        if applied.isEmpty {
            print("database \(database.path) is up to date (\(try appDatabase.appliedMigrations().count) migrations)")
        } else {
            for name in applied { print("applied \(name)") }
        }
        try appDatabase.close()
    }
}
