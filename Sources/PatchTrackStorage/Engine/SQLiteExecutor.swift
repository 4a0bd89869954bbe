import Foundation
import GRDB

/// The SQLite engine: GRDB's `DatabasePool` on the system libsqlite3 (WAL, one writer, cached statements).
///
/// GRDB hands out a connection only inside a synchronous closure on its own queue, while stores are written once
/// for both engines as `async` code. A transaction therefore holds GRDB's closure open on GRDB's queue and runs
/// each statement the async body sends it there (``SQLiteSession``): one hand-off per statement, so stores batch
/// their work into few statements, as they must for PostgreSQL's round trips anyway.
public struct SQLiteExecutor: SQLExecutor {
    /// The pool the statements run on (shared with the stores not yet on the seam).
    let pool: DatabasePool

    public var dialect: SQLDialect { .sqlite }

    /// Wraps an open pool.
    init(pool: DatabasePool) {
        self.pool = pool
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await run(body) { session in
            try await pool.read { db in try session.serve(db) }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await run(body) { session in
            try await pool.write { db in try session.serve(db) }
        }
    }

    public func close() async throws {
        try pool.close()
    }

    /// Runs `body` against a session that `transaction` serves on GRDB's queue. The transaction commits when the
    /// body returns and rolls back when it throws; if the transaction cannot start, the body's statements fail.
    private func run<T: Sendable>(
        _ body: @Sendable (any SQLSession) async throws -> T,
        transaction: @escaping @Sendable (SQLiteSession) async throws -> Void
    ) async throws -> T {
        let session = SQLiteSession()
        async let served: Void = {
            do {
                try await transaction(session)
            } catch {
                session.abandon(error)
                throw error
            }
        }()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(session))
        } catch {
            outcome = .failure(error)
        }
        session.finish(commit: (try? outcome.get()) != nil)
        do {
            try await served
        } catch {
            // The body's own error explains a rollback better than the rollback does.
            if case .failure(let bodyError) = outcome { throw bodyError }
            throw error
        }
        return try outcome.get()
    }

    // MARK: - Statements on a GRDB connection

    /// Runs `statement` on `db` (also used by code that already holds a GRDB connection).
    @discardableResult
    static func execute(_ statement: SQLStatement, in db: Database) throws -> Int {
        let prepared = try prepare(statement, in: db)
        try prepared.execute()
        return db.changesCount
    }

    /// Every row `statement` returns on `db`.
    static func fetchAll(_ statement: SQLStatement, in db: Database) throws -> [SQLRow] {
        let prepared = try prepare(statement, in: db)
        let columns = prepared.columnNames
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(prepared)
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for index in 0..<columns.count {
                values.append(SQLValue(row[index] as DatabaseValue))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    private static func prepare(_ statement: SQLStatement, in db: Database) throws -> Statement {
        let prepared = try db.cachedStatement(sql: statement.sql(placeholder: SQLDialect.sqlite.placeholder))
        try prepared.setArguments(StatementArguments(statement.arguments.map(\.databaseValue)))
        return prepared
    }
}

/// Statements of one transaction, sent from the async body to the thread that holds GRDB's connection.
final class SQLiteSession: SQLSession, @unchecked Sendable {
    private enum State {
        case open
        case finished(commit: Bool)
        case abandoned(any Error)
    }

    private struct RollbackRequested: Error {}

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []

    /// A statement waiting for the connection: run it there, or fail it when there is none.
    private struct Job {
        let run: (Database) -> Void
        let fail: (any Error) -> Void
    }
    private var state = State.open

    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func execute(_ statement: SQLStatement) async throws -> Int {
        try await run { db in try SQLiteExecutor.execute(statement, in: db) }
    }

    func fetchAll(_ statement: SQLStatement) async throws -> [SQLRow] {
        try await run { db in try SQLiteExecutor.fetchAll(statement, in: db) }
    }

    func serialize(on lock: TransactionLock) async throws {
        // SQLite runs one write transaction at a time already.
    }

    /// Sends `work` to the connection's thread and waits for its result.
    private func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            switch state {
            case .abandoned(let error):
                continuation.resume(throwing: error)
            case .finished:
                continuation.resume(throwing: SQLError.transactionEnded)
            case .open:
                jobs.append(
                    Job(
                        run: { db in continuation.resume(with: Result { try work(db) }) },
                        fail: { error in continuation.resume(throwing: error) }))
                condition.signal()
            }
        }
    }

    /// Runs the body's statements on `db` (GRDB's queue) until the body is done; throws to roll back.
    func serve(_ db: Database) throws {
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let batch = jobs
                jobs.removeAll()
                condition.unlock()
                for job in batch { job.run(db) }
                condition.lock()
                continue
            }
            if case .finished(let commit) = state {
                condition.unlock()
                if !commit { throw RollbackRequested() }
                return
            }
            condition.wait()
        }
    }

    /// The body is done: commit or roll back.
    func finish(commit: Bool) {
        condition.lock()
        if case .open = state { state = .finished(commit: commit) }
        condition.signal()
        condition.unlock()
    }

    /// The transaction could not run: fail every waiting and later statement with `error`.
    func abandon(_ error: any Error) {
        condition.lock()
        let waiting = jobs
        jobs.removeAll()
        if case .open = state { state = .abandoned(error) }
        condition.unlock()
        for job in waiting { job.fail(error) }
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(Array(data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
