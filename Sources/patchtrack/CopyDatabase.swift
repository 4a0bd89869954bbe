import ArgumentParser
import PatchTrackStorage

/// `patchtrack copy-database --database FILE --to URL`: copies a SQLite database into a new PostgreSQL database
/// (migrated first), for an installation moving to several replicas. Stop `serve` on the SQLite file first.
struct CopyDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-database",
        abstract: "Copy a SQLite database into a new PostgreSQL database.",
        discussion: """
            The target is migrated first and must hold no data yet. Everything is copied in one PostgreSQL \
            transaction: a failure leaves the target empty. Stop every `patchtrack serve` on the SQLite file first.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The PostgreSQL database to copy into: postgres://user:password@host:port/dbname?sslmode=…")
    var to: String

    func run() async throws {
        guard case .sqlite = try database.location() else {
            throw ValidationError("--database must name the SQLite file to copy from")
        }
        let target: DatabaseLocation
        do {
            target = try DatabaseLocation(to)
        } catch {
            throw ValidationError("--to: \(error)")
        }
        guard case .postgres = target else { throw ValidationError("--to must be a postgres:// URL") }
        let source = try database.open()
        let destination = try DatabaseOptions.open(target)
        do {
            _ = try await StorageEngine.migrate(source)
            _ = try await StorageEngine.migrate(destination)
            let result = try await DatabaseCopy.copy(from: source, to: destination)
            for table in result.tables { print("\(table.name): \(table.rows) rows") }
            print("copied \(result.tables.reduce(0) { $0 + $1.rows }) rows into \(target)")
        } catch {
            try? await source.close()
            try? await destination.close()
            throw error
        }
        try await source.close()
        try await destination.close()
    }
}
