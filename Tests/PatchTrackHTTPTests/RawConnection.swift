import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to the server under test, for clients no HTTP library imitates: one that stops in the
/// middle of its head or body.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    /// A port free on 127.0.0.1 now (the kernel's pick for port 0), for a server started in another process.
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let probe = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let probe = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard probe >= 0 else { throw POSIXError(.EBADF) }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(socket)
    }

    /// Sends `text` as it is.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            guard count > 0 else { throw POSIXError(.EPIPE) }
            sent += count
        }
    }

    /// Reads until the server closes the connection or `timeout` passes; returns what was read and whether the
    /// server closed it.
    func readUntilClosed(timeout: Duration) async -> (received: String, closed: Bool) {
        await Self.offPool { self.read(timeout: timeout) { _ in false } }
    }

    /// Reads until what was read ends with `suffix`, the server closes the connection or `timeout` passes.
    func read(until suffix: String, timeout: Duration) async -> (received: String, closed: Bool) {
        await Self.offPool { self.read(timeout: timeout) { $0.hasSuffix(suffix) } }
    }

    /// Runs blocking socket reads on a thread of their own: blocking one of Swift concurrency's few cooperative
    /// threads would starve the server under test running in the same process.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    private func read(timeout: Duration, done: (String) -> Bool) -> (received: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
            if done(String(decoding: received, as: UTF8.self)) { return (String(decoding: received, as: UTF8.self), false) }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

extension RawConnection {
    /// One answer read off the wire.
    struct Reply {
        /// The status code, 0 when none arrived.
        let status: Int
        /// The header lines.
        let head: String
        /// The body (not de-chunked).
        let body: String

        /// The value of the header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    /// Sends one request on a new connection (`Connection: close`) and reads the whole answer, waiting up to
    /// `timeout` for it (generous: a loaded test machine answers slowly, and this checks answers, not timing).
    static func exchange(
        port: Int, _ method: String, _ path: String, token: String? = nil, body: String? = nil, timeout: Duration = .seconds(120)
    ) async throws -> Reply {
        let connection = try RawConnection(port: port)
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + (body ?? "")
        try connection.send(request)
        let received = await connection.readUntilClosed(timeout: timeout).received
        let (head, rest) = received.range(of: "\r\n\r\n").map { (String(received[..<$0.lowerBound]), String(received[$0.upperBound...])) }
            ?? (received, "")
        let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        return Reply(status: status, head: head, body: rest)
    }
}
