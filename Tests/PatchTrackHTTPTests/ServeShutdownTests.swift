import Foundation
import Testing

/// The built `patchtrack` executable, next to the test bundle's build products (`swift build --build-tests` builds it).
private let patchtrackBinary: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: ".build/debug/patchtrack")

@Suite("patchtrack serve stops in bounded time")
struct ServeShutdownTests {
    @Test(
        "on SIGTERM a stalled upload is cut after the shutdown timeout and the process exits 0",
        .enabled(if: FileManager.default.isExecutableFile(atPath: patchtrackBinary.path), "needs .build/debug/patchtrack"))
    func stalledUpload() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try RawConnection.freePort()

        // given a server with a 1 s shutdown timeout and a 60 s read timeout, and an upload stalled mid-body
        let process = Process()
        process.executableURL = patchtrackBinary
        process.arguments = [
            "serve", "--port", String(port), "--database", directory.appending(path: "db.sqlite").path,
            "--shutdown-timeout", "1", "--read-timeout", "60", "--log-level", "critical",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var connection: RawConnection?
        for _ in 0..<200 where connection == nil {
            connection = try? RawConnection(port: port)
            if connection == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let stalled = try #require(connection)
        let printed = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let token = try #require(printed.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("pt_") })
        try stalled.send(
            "POST /v1/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"bomFormat\":")
        try await Task.sleep(for: .milliseconds(300))

        // when it is asked to stop
        kill(process.processIdentifier, SIGTERM)

        // then the upload is cut and the process exits 0, well before the read timeout
        #expect(await stalled.readUntilClosed(timeout: .seconds(30)).closed)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }
}
