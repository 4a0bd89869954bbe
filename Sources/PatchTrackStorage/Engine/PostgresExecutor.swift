import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The PostgreSQL engine: PostgresNIO's pooled `PostgresClient`, for several replicas on one database.
///
/// A transaction leases a connection, then runs its synchronous body on a thread of this executor's own pool (one
/// thread per connection), which waits for each statement's answer; event-loop threads never wait. Dialect notes
/// kept here: placeholders are `$1`…; integers arrive as int2/int4/int8 and are read as 64-bit; `numeric` results
/// (sums) are read as integers or reals; booleans as 0/1 like SQLite's; text compares bytewise only in a database
/// created with the C collation (`createdb --locale=C`), which the README asks for.
public final class PostgresExecutor: SQLExecutor {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let threads: NIOThreadPool
    private let logger: Logger
    public let health = StorageHealth()

    public var dialect: SQLDialect { .postgres }

    /// Connects a pool of at most `maximumConnections` to `location`.
    public init(_ location: PostgresLocation, maximumConnections: Int = 16, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: Self.tls(location.tls))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: maximumConnections)
        threads.start()
        self.runner = Task { await client.run() }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        // One snapshot for every statement of the read, as a SQLite read transaction sees.
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                let result = try await transaction("BEGIN", body)
                health.recordSuccess()
                return result
            } catch let error as PSQLError {
                // A deadlock or serialization failure rolled the whole transaction back: run it again (its body only
                // touches the database), a few times, before reporting it.
                if attempt < Self.attemptsOnConflict, let state = error.serverInfo?[.sqlState], ["40P01", "40001"].contains(state) {
                    attempt += 1
                    logger.notice("write transaction retried", metadata: ["sqlstate": .string(state), "attempt": .stringConvertible(attempt)])
                    continue
                }
                throw health.record(Self.storageError(error) ?? error)
            }
        }
    }

    /// How many times a write transaction runs when PostgreSQL aborts it for a deadlock or a serialization failure.
    static let attemptsOnConflict = 3

    /// ``SQLError/storageFull(_:)`` for the SQLSTATEs that mean the server cannot keep a write: class 53
    /// (insufficient resources: 53100 disk_full, 53200 out_of_memory, 53400 configuration_limit_exceeded such as
    /// `temp_file_limit`) and 25006 read_only_sql_transaction (a standby, or `default_transaction_read_only`).
    /// 53300 too_many_connections is left out: it is about connections, not storage, and stays a 500.
    /// See <https://www.postgresql.org/docs/current/errcodes-appendix.html>.
    static func storageError(_ error: PSQLError) -> SQLError? {
        guard let state = error.serverInfo?[.sqlState] else { return nil }
        let message = error.serverInfo?[.message] ?? state
        if state == "25006" {
            return .storageFull("the database is read-only (PostgreSQL \(state): \(message))")
        }
        if state == "53100" {
            return .storageFull("the disk holding the database is full (PostgreSQL \(state): \(message))")
        }
        if state.hasPrefix("53") && state != "53300" {
            return .storageFull("the database server lacks resources to keep the write (PostgreSQL \(state): \(message))")
        }
        return nil
    }

    /// Runs `body` on one leased connection outside a transaction (migrations manage their own).
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await self.threads.runIfActive { try body(PostgresSession(connection: connection, logger: logger)) }
        }
    }

    /// Runs `body` between `begin` and COMMIT, rolling back when it throws; the body's own error is what the caller
    /// sees.
    private func transaction<T: Sendable>(
        _ begin: SQLStatement, _ body: @escaping @Sendable (any SQLSession) throws -> T
    ) async throws -> T {
        try await withConnection { session in
            try session.execute(begin)
            let result: T
            do {
                result = try body(session)
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
            try session.execute("COMMIT")
            return result
        }
    }

    /// Checks that the server answers within `timeout`: PostgresNIO's pool keeps retrying an unreachable server
    /// for about a minute, so commands and start-up ask first and report an unreachable database at once.
    public func ping(timeout: Duration = .seconds(10)) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await self.read { session in try session.fetchAll("SELECT 1") } }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SQLError.unreachable("PostgreSQL did not answer within \(timeout)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
        try await threads.shutdownGracefully()
    }

    private static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(configuration)
        case .verifyFull:
            return .require(TLSConfiguration.makeClientConfiguration())
        }
    }
}

/// Statements on one leased connection, from a thread of the executor's pool.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    @discardableResult
    func execute(_ statement: SQLStatement) throws -> Int {
        try run(statement).metadata.rows ?? 0
    }

    func fetchAll(_ statement: SQLStatement) throws -> [SQLRow] {
        // Streamed like forEachRow: the values of the rows already received are decoded while the rest arrive.
        var rows: [SQLRow] = []
        var columns: SQLRow.Columns?
        try forEachRow(statement) { row in
            let shared = columns ?? SQLRow.Columns((0..<row.columnCount).map { row.columnName(at: $0) })
            columns = shared
            rows.append(SQLRow(columns: shared, values: try (0..<row.columnCount).map { try row.value(at: $0) }))
        }
        return rows
    }

    /// The rows of a result.
    static func rows(of result: PostgresQueryResult) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        rows.reserveCapacity(result.rows.count)
        var columns: SQLRow.Columns?
        for row in result.rows {
            var values: [SQLValue] = []
            for cell in row {
                values.append(try value(cell))
            }
            let shared = columns ?? SQLRow.Columns(row.map(\.columnName))
            columns = shared
            rows.append(SQLRow(columns: shared, values: values))
        }
        return rows
    }

    func serialize(on lock: TransactionLock) throws {
        // A transaction-level advisory lock in PatchTrack's key space (high 32 bits "PT"), released at commit.
        try execute("SELECT pg_advisory_xact_lock(\(0x5054_0000_0000 | lock.rawValue))")
    }

    /// The whole result with its command tag (the changed-row count), waited for on this pool thread.
    private func run(_ statement: SQLStatement) throws -> PostgresQueryResult {
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(try Self.query(statement), logger: logger)
        return try result.wait()
    }

    static func query(_ statement: SQLStatement) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: statement.arguments.count)
        for (argument, form) in zip(statement.arguments, statement.forms) {
            if case .rowLock = form { continue }
            try argument.checkStorable()
            // A set of strings goes as a text[] (see SQLDialect.render: the planner then knows its size).
            if case .textSet = form, case .text(let json) = argument {
                bindings.append(try JSONDecoder().decode([String].self, from: Data(json.utf8)))
                continue
            }
            switch argument {
            case .null: bindings.appendNull()
            case .typedNull(let type): bindings.append(PostgresData(type: Self.dataType(type), value: nil))
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: statement.sql(.postgres), binds: bindings)
    }

    private static func dataType(_ type: SQLType) -> PostgresDataType {
        switch type {
        case .integer: .int8
        case .real: .float8
        case .text: .text
        case .blob: .bytea
        }
    }
}
