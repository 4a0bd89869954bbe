import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatchTrackCore
import PatchTrackStorage
import Testing

@testable import PatchTrackHTTP

/// A fresh SQLite file in a temporary directory, the router over it, and one token per role.
struct TestEnvironment {
    let directory: URL
    let database: AppDatabase
    let configuration: ServerConfiguration
    let admin: String
    let ingest: String
    let read: String

    init(
        maxBodySize: Int = 1024 * 1024, maxJSONDepth: Int = 32,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appending(path: "test.sqlite").path
        database = try AppDatabase(path: path, now: now)
        configuration = ServerConfiguration(databasePath: path, maxBodySize: maxBodySize, maxJSONDepth: maxJSONDepth, logLevel: .error)
        admin = try await database.tokens.create(name: "admin", role: .admin).secret
        ingest = try await database.tokens.create(name: "ci", role: .ingest).secret
        read = try await database.tokens.create(name: "dashboard", role: .read).secret
    }

    /// Runs `body` against the application in process; `fleet` feeds the fleet series of `/metrics`.
    func withClient<Value: Sendable>(
        fleet: FleetMetricsSource? = nil, _ body: @Sendable (Client) async throws -> Value
    ) async throws -> Value {
        let router = buildRouter(configuration: configuration, database: database, fleet: fleet)
        let app = Application(router: router)
        return try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    /// Deletes the temporary directory.
    func remove() {
        try? database.close()
        try? FileManager.default.removeItem(at: directory)
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
