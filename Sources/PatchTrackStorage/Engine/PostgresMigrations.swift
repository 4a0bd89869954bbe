/// The PostgreSQL migrations: the files in `migrations/postgres/`, embedded at build time like the SQLite ones,
/// with the same identifiers, applied in name order, each once and in its own transaction, recorded in
/// `grdb_migrations` as GRDB records SQLite's. Replicas starting together wait on one advisory lock, so each file is
/// applied once.
enum PostgresMigrations {
    /// Names of every migration known to this build, in order.
    static var names: [String] { EmbeddedPostgresMigrations.all.map(\.name) }

    /// An arbitrary constant naming PatchTrack's migration lock among the database's advisory locks.
    private static let lockKey: Int64 = 0x5054_4D49_4752  // "PTMIGR"

    /// Applies the pending migrations and returns their names.
    static func migrate(_ executor: PostgresExecutor) async throws -> [String] {
        try await executor.withConnection { session in
            try session.execute("SELECT pg_advisory_lock(\(lockKey))")
            do {
                let applied = try run(session)
                try session.execute("SELECT pg_advisory_unlock(\(lockKey))")
                return applied
            } catch {
                _ = try? session.execute("SELECT pg_advisory_unlock(\(lockKey))")
                throw error
            }
        }
    }

    /// The names of the applied migrations, in order.
    static func applied(_ session: any SQLSession) throws -> [String] {
        let exists = try session.fetchValue(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'grdb_migrations'",
            as: Int.self) ?? 0
        guard exists > 0 else { return [] }
        return try session.fetchAll("SELECT identifier FROM grdb_migrations ORDER BY identifier")
            .map { try $0.decode(0, as: String.self) }
    }

    private static func run(_ session: any SQLSession) throws -> [String] {
        try session.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        let done = Set(try applied(session))
        var appliedNow: [String] = []
        for migration in EmbeddedPostgresMigrations.all where !done.contains(migration.name) {
            try session.execute("BEGIN")
            do {
                for statement in split(migration.sql) {
                    try session.execute(SQLStatement(stringLiteral: statement))
                }
                try session.execute("INSERT INTO grdb_migrations (identifier) VALUES (\(migration.name))")
                try session.execute("COMMIT")
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw MigrationError(name: migration.name, underlying: error)
            }
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    /// A migration that failed, with the engine's error.
    struct MigrationError: Error, CustomStringConvertible {
        let name: String
        let underlying: any Error
        var description: String { "migration \(name) failed: \(String(reflecting: underlying))" }
    }

    /// Splits a migration file into its statements at top-level semicolons: not inside quotes, comments or
    /// dollar-quoted bodies (PostgresNIO's extended protocol runs one statement per query). Statements that hold only
    /// comments are dropped.
    static func split(_ sql: String) -> [String] {
        let characters = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false
        var index = 0
        func flush() {
            if hasCode { statements.append(String(current).trimmingWhitespace()) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "-" && next == "-" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
                continue
            }
            if character == "/" && next == "*" {
                index += 2
                while index + 1 < characters.count && !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
                continue
            }
            if character == ";" {
                flush()
                index += 1
                continue
            }
            if character == "'" || character == "\"" {
                var end = index + 1
                while end < characters.count {
                    if characters[end] == character {
                        if end + 1 < characters.count && characters[end + 1] == character { end += 2; continue }
                        break
                    }
                    end += 1
                }
                current.append(contentsOf: characters[index...min(end, characters.count - 1)])
                hasCode = true
                index = end + 1
                continue
            }
            if character == "$", let tagEnd = dollarTagEnd(characters, from: index) {
                let tag = Array(characters[index...tagEnd])
                var end = tagEnd + 1
                while end + tag.count <= characters.count && Array(characters[end..<end + tag.count]) != tag { end += 1 }
                let last = min(end + tag.count, characters.count)
                current.append(contentsOf: characters[index..<last])
                hasCode = true
                index = last
                continue
            }
            current.append(character)
            if !character.properties.isWhitespace { hasCode = true }
            index += 1
        }
        flush()
        return statements
    }

    /// The index of the closing `$` of a dollar-quote tag (`$$` or `$tag$`) starting at `start`.
    private static func dollarTagEnd(_ characters: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return index }
            guard character == "_" || character.properties.isAlphabetic || (index > start + 1 && ("0"..."9").contains(character)) else {
                return nil
            }
            index += 1
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
