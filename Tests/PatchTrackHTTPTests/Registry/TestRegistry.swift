import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import PatchTrackCore
import Testing

@testable import PatchTrackRegistry
@testable import PatchTrackStorage

/// A real registry for the tests: Debian's `docker-registry` (the CNCF distribution registry) on a free loopback
/// port with a temporary storage directory, stopped by PID at the end. Tests that need it are skipped, with the
/// reason, where it is not installed (`.ci/run` installs it and never skips them).
final class TestRegistry: Sendable {
    static let binary = ["/usr/bin/docker-registry", "/usr/local/bin/docker-registry"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }
    static let skipReason: Comment = "Registry tests skipped: docker-registry is not installed (apt-get install docker-registry; .ci/run installs it)"

    let host: String
    let process: Process
    let directory: URL
    let http: HTTPClient

    /// Starts a registry; `htpasswd` (a file's contents) turns on Basic authentication.
    init(htpasswd: String? = nil) async throws {
        let port = try Self.freePort()
        host = "127.0.0.1:\(port)"
        directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appending(path: "storage"), withIntermediateDirectories: true)
        var config = """
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(directory.appending(path: "storage").path)
              delete:
                enabled: true
            http:
              addr: \(host)

            """
        if let htpasswd {
            try htpasswd.write(to: directory.appending(path: "htpasswd"), atomically: true, encoding: .utf8)
            config += """
                auth:
                  htpasswd:
                    realm: patchtrack-tests
                    path: \(directory.appending(path: "htpasswd").path)

                """
        }
        let configPath = directory.appending(path: "config.yml")
        try config.write(to: configPath, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        process.arguments = ["serve", configPath.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        for _ in 0..<100 {
            if let response = try? await http.execute(HTTPClientRequest(url: "http://\(host)/v2/"), timeout: .seconds(2)),
                response.status.code == 200 || response.status.code == 401
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw RegistryTestError("docker-registry did not start on \(host)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? http.syncShutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "http://\(host)" }

    func repository(_ path: String) throws -> RepositoryName { try RepositoryName(parsing: "\(host)/\(path)") }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw RegistryTestError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: - Pushing through the registry's own API

    /// Uploads `data` as a blob of `path` (monolithic upload); answers its digest.
    @discardableResult
    func pushBlob(_ path: String, _ data: Data, authorization: String? = nil) async throws -> String {
        let digest = Self.digest(data)
        var start = HTTPClientRequest(url: "\(url)/v2/\(path)/blobs/uploads/")
        start.method = .POST
        if let authorization { start.headers.add(name: "Authorization", value: authorization) }
        let started = try await http.execute(start, timeout: .seconds(10))
        guard started.status.code == 202, let location = started.headers.first(name: "Location") else {
            throw RegistryTestError("upload start answered \(started.status)")
        }
        let target = (location.hasPrefix("http") ? location : url + location)
        var put = HTTPClientRequest(url: target + (target.contains("?") ? "&" : "?") + "digest=\(digest)")
        put.method = .PUT
        put.headers.add(name: "Content-Type", value: "application/octet-stream")
        if let authorization { put.headers.add(name: "Authorization", value: authorization) }
        put.body = .bytes(ByteBuffer(bytes: data))
        let done = try await http.execute(put, timeout: .seconds(10))
        guard done.status.code == 201 else { throw RegistryTestError("blob upload answered \(done.status)") }
        return digest
    }

    /// Puts a manifest (or index) under `reference` (a tag or its digest); answers its digest.
    @discardableResult
    func pushManifest(_ path: String, _ reference: String?, _ data: Data, mediaType: String, authorization: String? = nil) async throws -> String {
        let digest = Self.digest(data)
        var put = HTTPClientRequest(url: "\(url)/v2/\(path)/manifests/\(reference ?? digest)")
        put.method = .PUT
        put.headers.add(name: "Content-Type", value: mediaType)
        if let authorization { put.headers.add(name: "Authorization", value: authorization) }
        put.body = .bytes(ByteBuffer(bytes: data))
        let done = try await http.execute(put, timeout: .seconds(10))
        guard done.status.code == 201 else {
            let body = try await done.body.collect(upTo: 1 << 16)
            throw RegistryTestError("manifest put answered \(done.status): \(String(buffer: body))")
        }
        return digest
    }

    static func digest(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

struct RegistryTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What most registry tests start with: a fresh database, a real registry (configured for plain HTTP on loopback),
/// a poller with a client of its own and an image builder. `close()` stops and removes all of it.
struct RegistryTestBed {
    let environment: TestEnvironment
    let registry: TestRegistry
    let poller: RegistryPoller
    let client: RegistryClient
    var builder: RegistryImageBuilder { RegistryImageBuilder(registry: registry) }

    init(htpasswd: String? = nil) async throws {
        environment = try await TestEnvironment()
        do {
            registry = try await TestRegistry(htpasswd: htpasswd)
        } catch {
            environment.remove()
            throw error
        }
        (poller, client) = try await RegistryWatchTests.poller(environment, registry)
    }

    func close() {
        let client = client
        Task { try? await client.shutdown() }
        registry.stop()
        environment.remove()
    }
}
