import GRDB

/// The schema's migrations: the files in `migrations/`, embedded into the binary at build time by the
/// EmbedTextFiles plugin, applied in name order, each once, recorded in `grdb_migrations`.
enum Migrations {
    /// Names of every migration known to this build, in order.
    static var names: [String] { EmbeddedMigrations.all.map(\.name) }

    /// Applies the pending migrations to `writer` and returns the names of those applied now.
    static func apply(_ writer: some DatabaseWriter) throws -> [String] {
        let before = Set(try writer.read { db in try migrator.appliedIdentifiers(db) })
        try migrator.migrate(writer)
        return names.filter { !before.contains($0) }
    }

    /// A migrator that applies each embedded file in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.all {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }
}
