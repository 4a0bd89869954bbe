import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PatchTrackCore
import PatchTrackStorage

/// How webhooks are sent.
public struct WebhookSendSettings: Sendable {
    /// Whether URLs to loopback, link-local and private addresses are allowed (`serve --webhook-allow-private`).
    public var allowPrivate: Bool
    /// The base of the absolute links in Slack messages (`serve --public-url`).
    public var publicURL: String
    /// The longest an attempt may take, connection to last byte read.
    public var timeout: TimeAmount
    /// Response bytes read (the rest is dropped).
    public var maximumResponseBytes: Int

    public init(allowPrivate: Bool, publicURL: String, timeout: TimeAmount = .seconds(10), maximumResponseBytes: Int = 4096) {
        self.allowPrivate = allowPrivate
        self.publicURL = publicURL
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
    }
}

/// Posts one delivery, signed, with a timeout, following no redirect, reading a little of the answer; never throws:
/// every fault is an outcome the store records.
public final class WebhookSender: Sendable {
    let settings: WebhookSendSettings
    private let client: HTTPClient
    /// Threads of its own for name resolution (`getaddrinfo` blocks; a slow resolver must not hold shared threads).
    private let resolver: NIOThreadPool

    public init(settings: WebhookSendSettings) {
        self.settings = settings
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: settings.timeout), decompression: .disabled)
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        resolver = NIOThreadPool(numberOfThreads: 2)
        resolver.start()
    }

    /// Closes the connections.
    public func shutdown() async throws {
        try await client.shutdown()
        try await resolver.shutdownGracefully()
    }

    /// Sends `delivery` once.
    public func send(_ delivery: DueDelivery, now: Date = Date()) async -> DeliveryOutcome {
        do {
            let url = try WebhookTarget.validate(delivery.url, allowPrivate: settings.allowPrivate)
            if !settings.allowPrivate, let host = url.host, IPAddress(host) == nil {
                try await Self.checkResolved(host: host, port: url.port ?? (url.scheme == "https" ? 443 : 80), on: resolver)
            }
            let body = delivery.format == .slack
                ? try SlackMessage.body(fromEvent: delivery.body, baseURL: settings.publicURL) : delivery.body
            let timestamp = Int(now.timeIntervalSince1970)
            guard let signature = WebhookSigning.signature(secret: delivery.secret, id: delivery.eventId, timestamp: timestamp, body: body)
            else { return .failed(code: nil, error: "the subscription's secret is unusable") }
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "PatchTrack-Webhooks/1")
            request.headers.add(name: "webhook-id", value: delivery.eventId)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(name: "webhook-signature", value: signature)
            request.body = .bytes(ByteBuffer(data: body))
            return try await withDeadline(settings.timeout) { [client, settings, request] in
                let response = try await client.execute(request, timeout: settings.timeout)
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    if read >= settings.maximumResponseBytes { break }
                }
                let code = Int(response.status.code)
                if (200..<300).contains(code) { return .delivered(code: code) }
                if (300..<400).contains(code) {
                    return .failed(code: code, error: "HTTP \(code): redirects are not followed; configure the final URL")
                }
                return .failed(code: code, error: "HTTP \(code)")
            }
        } catch let refusal as WebhookTarget.Refusal {
            return .failed(code: nil, error: "refused: \(refusal.reason)")
        } catch is DeadlineExceeded {
            return .failed(code: nil, error: "no answer within \(settings.timeout.nanoseconds / 1_000_000_000) s")
        } catch {
            return .failed(code: nil, error: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .readTimeout || error == .deadlineExceeded { return "timed out" }
            if error == .connectTimeout { return "connection timed out" }
        }
        return String(describing: error).prefix(300).description
    }

    /// Refuses a host name that resolves to a non-public address (checked at each attempt: the name's addresses
    /// may have changed since the subscription was made).
    static func checkResolved(host: String, port: Int, on pool: NIOThreadPool) async throws {
        let addresses = try await pool.runIfActive { try resolve(host: host, port: port) }
        guard !addresses.isEmpty else { throw WebhookTarget.Refusal(reason: "\(host) does not resolve") }
        if let address = addresses.first(where: { !$0.isPublic }) {
            throw WebhookTarget.Refusal(
                reason: "\(host) resolves to \(address), a \(address.kind) address (serve --webhook-allow-private allows it)")
        }
    }

    private static func resolve(host: String, port: Int) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0 else { throw WebhookTarget.Refusal(reason: "\(host) does not resolve") }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var cursor = result
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr {
                switch Int32(info.pointee.ai_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes) { addresses.append(ip) }
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes) { addresses.append(ip) }
                    }
                default: break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

struct DeadlineExceeded: Error {}

/// Runs `body`, cancelled and answered ``DeadlineExceeded`` after `timeout` (a receiver that sends its head and
/// then trickles the body is cut too).
func withDeadline<T: Sendable>(_ timeout: TimeAmount, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}
