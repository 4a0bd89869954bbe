import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
import PatchTrackRegistry
@testable import PatchTrackStorage

/// A fresh database, the router over it, and one token per role. The database is a new SQLite file, or, when
/// `PATCHTRACK_TEST_ENGINE=postgres` and `PATCHTRACK_TEST_POSTGRES_URL` names a server (`.ci/run` runs the HTTP tests
/// a second time so), a new PostgreSQL database copied from a migrated template.
struct TestEnvironment {
    let directory: URL
    let database: AppDatabase
    let configuration: ServerConfiguration
    let admin: String
    let ingest: String
    let read: String
    /// The PostgreSQL database to drop at the end, if any.
    private let postgresDatabase: String?

    init(
        maxBodySize: Int = 1024 * 1024, maxJSONDepth: Int = 32, webhookAllowPrivate: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let server = try TestPostgres.server {
            let name = try await TestPostgres.createDatabase()
            var location = server
            location.database = name
            postgresDatabase = name
            database = AppDatabase(executor: PostgresExecutor(location, maximumConnections: 4, logger: TestPostgres.logger), now: now)
            configuration = ServerConfiguration(
                databasePath: location.description, maxBodySize: maxBodySize, maxJSONDepth: maxJSONDepth, logLevel: .error,
                webhookAllowPrivate: webhookAllowPrivate)
        } else {
            let path = directory.appending(path: "test.sqlite").path
            postgresDatabase = nil
            database = try AppDatabase(path: path, now: now)
            configuration = ServerConfiguration(
                databasePath: path, maxBodySize: maxBodySize, maxJSONDepth: maxJSONDepth, logLevel: .error,
                webhookAllowPrivate: webhookAllowPrivate)
        }
        admin = try await database.tokens.create(name: "admin", role: .admin).secret
        ingest = try await database.tokens.create(name: "ci", role: .ingest).secret
        read = try await database.tokens.create(name: "dashboard", role: .read).secret
    }

    /// Runs `body` against the application in process; `fleet` feeds the fleet series of `/metrics`.
    func withClient<Value: Sendable>(
        fleet: FleetMetricsSource? = nil, registry: RegistryPoller? = nil, _ body: @Sendable (Client) async throws -> Value
    ) async throws -> Value {
        let router = buildRouter(configuration: configuration, database: database, fleet: fleet, registry: registry)
        let app = Application(router: router)
        return try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    /// Closes the database and deletes it with the temporary directory (a PostgreSQL database is dropped in the
    /// background: `remove` runs from `defer`).
    func remove() {
        let (database, postgresDatabase) = (self.database, self.postgresDatabase)
        Task {
            try? await database.close()
            if let postgresDatabase { await TestPostgres.drop(postgresDatabase) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The PostgreSQL server the HTTP tests run on when asked to.
enum TestPostgres {
    static let logger: Logger = {
        var logger = Logger(label: "patchtrack.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// The server, when `PATCHTRACK_TEST_ENGINE=postgres`; throws when that is asked without a server URL.
    static var server: PostgresLocation? {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            guard environment["PATCHTRACK_TEST_ENGINE"] == "postgres" else { return nil }
            guard let url = environment["PATCHTRACK_TEST_POSTGRES_URL"], !url.isEmpty else {
                throw SQLError.invalidLocation("PATCHTRACK_TEST_ENGINE=postgres needs PATCHTRACK_TEST_POSTGRES_URL")
            }
            return try PostgresLocation(url: url)
        }
    }

    /// A migrated template database, made once per test process.
    private static let template = Task<String, any Error> {
        let name = "pt_http_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin { session in
            try session.execute(SQLStatement(stringLiteral: "DROP DATABASE IF EXISTS \(name)"))
            try session.execute(SQLStatement(stringLiteral: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
        }
        var location = try #require(try server)
        location.database = name
        let executor = PostgresExecutor(location, maximumConnections: 1, logger: logger)
        _ = try await StorageEngine.migrate(executor)
        try await executor.close()
        return name
    }

    /// A new database copied from the template.
    static func createDatabase() async throws -> String {
        let template = try await template.value
        let name = "pt_http_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20))"
        try await admin { session in
            try session.execute(SQLStatement(stringLiteral: "CREATE DATABASE \(name) TEMPLATE \(template)"))
        }
        return name
    }

    static func drop(_ name: String) async {
        try? await admin { session in try session.execute(SQLStatement(stringLiteral: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
    }

    /// Runs `body` on a connection to the server's maintenance database, outside a transaction.
    private static func admin(_ body: @escaping @Sendable (any SQLSession) throws -> Void) async throws {
        let executor = PostgresExecutor(try #require(try server), maximumConnections: 1, logger: logger)
        do {
            try await executor.withConnection(body)
        } catch {
            try? await executor.close()
            throw error
        }
        try await executor.close()
    }
}

/// A thin wrapper over the test client: JSON in, status + headers + parsed body out.
struct Client: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        /// The body as a JSON object.
        var json: [String: any Sendable] {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]) ?? [:]
        }

        /// The body as text.
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The problem `type` slug (`validation-failed`), if the body is a problem.
        var problemType: String? {
            (json["type"] as? String).map { $0.replacingOccurrences(of: "urn:patchtrack:problem:", with: "") }
        }

        /// The `field` of each problem error.
        var errorFields: [String] {
            ((json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        }
    }

    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }
}

/// A syntactically valid digest made of one repeated hex character.
func digest(_ character: Character) -> String {
    "sha256:" + String(repeating: character, count: 64)
}
