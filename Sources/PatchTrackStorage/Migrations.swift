import GRDB

/// The schema's migrations: the files in `migrations/`, embedded into the binary at build time by the
/// EmbedTextFiles plugin, applied in name order, each once, recorded in `grdb_migrations`.
enum Migrations {
    /// Names of every migration known to this build, in order.
    static var names: [String] { EmbeddedMigrations.all.map(\.name) }

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
