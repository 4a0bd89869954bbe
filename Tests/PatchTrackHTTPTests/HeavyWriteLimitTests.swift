import Foundation
import Testing

@testable import PatchTrackHTTP

@Suite("Concurrent heavy writes per token")
struct HeavyWriteLimitTests {
    @Test("beyond the limit a token's heavy write is a 429 with Retry-After; other tokens and later requests pass")
    func limit() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        // A read timeout far beyond the test's length: the held upload must stay held however slow the machine is.
        try await withLiveServer(environment, configure: { $0.heavyWritesPerToken = 1; $0.readTimeout = .seconds(600) }) { port in
            // given one scan upload of the ingest token held open mid-body
            let held = try RawConnection(port: port)
            try held.send(
                "POST /v1/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(environment.ingest)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"bomFormat\":")

            // when the same token posts another heavy write (retried until the held one has its slot)
            var refused: RawConnection.Reply?
            for _ in 0..<100 {
                let reply = try await RawConnection.exchange(port: port, "POST", "/v1/vex", token: environment.ingest, body: "{}")
                if reply.status == 429 {
                    refused = reply
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }

            // then it is refused with a problem and a Retry-After
            let reply = try #require(refused)
            #expect(reply.header("Content-Type") == "application/problem+json")
            #expect(reply.body.contains("urn:patchtrack:problem:too-many-requests"))
            #expect(Int(reply.header("Retry-After") ?? "") ?? 0 >= 1)

            // and another token's heavy write and the same token's light write are not limited
            let otherToken = try await RawConnection.exchange(port: port, "POST", "/v1/vex", token: environment.admin, body: "{}")
            #expect(otherToken.status == 422 || otherToken.status == 400, "\(otherToken.head)")
            let light = try await RawConnection.exchange(
                port: port, "POST", "/v1/images", token: environment.ingest, body: #"{"reference":"ghcr.io/acme/api:1@\#(digest("b"))"}"#)
            #expect(light.status == 201, "\(light.head)")

            // when the held upload ends, the token's next heavy write runs
            try held.send(String(repeating: " ", count: 1000 - 13))
            _ = await held.readUntilClosed(timeout: .milliseconds(500))
            var admitted = false
            for _ in 0..<100 {
                let again = try await RawConnection.exchange(port: port, "POST", "/v1/vex", token: environment.ingest, body: "{}")
                if again.status != 429 {
                    admitted = true
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(admitted)
        }
    }
}
