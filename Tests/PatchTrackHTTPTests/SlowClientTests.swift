import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import PatchTrackHTTP

/// The real server on 127.0.0.1 and a free port, with `configure` applied to the test configuration.
func withLiveServer<Value: Sendable>(
    _ environment: TestEnvironment, configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (_ port: Int) async throws -> Value
) async throws -> Value {
    var configuration = environment.configuration
    configuration.port = 0
    configure(&configuration)
    let app = buildApplication(configuration: configuration, database: environment.database)
    return try await app.test(.live) { client in
        // Tests talk over their own sockets (RawConnection): the test client's one connection would be closed by the
        // read timeout while it waits unused.
        try await body(try #require(client.port))
    }
}

@Suite("Slow and stalled clients")
struct SlowClientTests {
    /// The margin beyond the configured timeout within which a close must be seen (the check asserts the close,
    /// not its timing; a loaded machine answers late).
    static let margin: Duration = .seconds(30)

    @Test("a client still sending its head after the read timeout is disconnected")
    func slowHead() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await withLiveServer(environment, configure: { $0.readTimeout = .seconds(1) }) { port in
            // given a client that sends half a head and stops
            let slow = try RawConnection(port: port)
            try slow.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")

            // then the server closes the connection without answering
            let outcome = await slow.readUntilClosed(timeout: .seconds(1) + Self.margin)
            #expect(outcome.closed)
            #expect(outcome.received.isEmpty)

            // and a client that sends its request whole is answered
            #expect(try await RawConnection.exchange(port: port, "GET", "/healthz").status == 200)
        }
    }

    @Test("a client that opens a connection and sends nothing is disconnected")
    func silentConnection() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await withLiveServer(environment, configure: { $0.readTimeout = .seconds(1) }) { port in
            let silent = try RawConnection(port: port)
            #expect(await silent.readUntilClosed(timeout: .seconds(1) + Self.margin).closed)
        }
    }

    @Test("a client silent in the middle of its body is disconnected, and nothing is written")
    func stalledBody() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let generation = try await environment.database.writeGeneration()
        try await withLiveServer(environment, configure: { $0.readTimeout = .seconds(1) }) { port in
            // given a scan upload that stops after a few bytes of its announced 1000
            let stalled = try RawConnection(port: port)
            try stalled.send(
                "POST /v1/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(environment.ingest)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"bomFormat\":")

            // then the connection is closed
            #expect(await stalled.readUntilClosed(timeout: .seconds(1) + Self.margin).closed)
        }
        #expect(try await environment.database.writeGeneration() == generation)
    }

    @Test("a keep-alive connection whose second head stalls is disconnected after answering the first")
    func keepAliveSecondHead() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        try await withLiveServer(environment, configure: { $0.readTimeout = .seconds(1) }) { port in
            // given a kept-alive connection that was answered once
            let connection = try RawConnection(port: port)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await connection.read(until: #"{"status":"ok"}"#, timeout: .seconds(120)).received.hasPrefix("HTTP/1.1 200"))

            // when its next head stops half way
            try connection.send("GET /healthz HTTP/1.1\r\nHost: 1")

            // then it is closed without a second answer
            let outcome = await connection.readUntilClosed(timeout: .seconds(1) + Self.margin)
            #expect(outcome.closed)
            #expect(outcome.received.isEmpty)
        }
    }
}
