import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL

/// How feeds are fetched: timeouts, retries, sizes, proxy and trust.
public struct FeedFetchSettings: Sendable {
    public var connectTimeout: TimeAmount = .seconds(10)
    /// Longest silence while reading an answer.
    public var readTimeout: TimeAmount = .seconds(60)
    /// Longest time for a whole small document (KEV, EPSS, a record, the index); archives get ``archiveDeadline``.
    public var documentDeadline: TimeAmount = .minutes(5)
    public var archiveDeadline: TimeAmount = .minutes(60)
    /// Attempts per request (transport errors, 5xx and 429 are retried with exponential backoff and jitter).
    public var attempts = 4
    /// First backoff; doubled per attempt, times a random factor of 0.5–1.5.
    public var backoff: Duration = .seconds(1)
    /// Largest download kept in memory (KEV, EPSS compressed and inflated, modified_id.csv, a record).
    public var maxDocumentBytes: Int64 = 256 << 20
    /// Largest archive (all.zip) written to a temporary file.
    public var maxArchiveBytes: Int64 = 8 << 30
    /// A PEM file of CA certificates trusted instead of the system's (`PATCHTRACK_FEED_CA_BUNDLE`).
    public var caBundle: String?
    /// `host:port` of an HTTP proxy (from `HTTPS_PROXY`/`HTTP_PROXY`), and the hosts that bypass it (`NO_PROXY`).
    public var proxy: (host: String, port: Int)?
    public var noProxy: [String] = []
    /// Where archives are downloaded to.
    public var temporaryDirectory = FileManager.default.temporaryDirectory

    public init() {}

    /// The settings from the environment: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case) and
    /// `PATCHTRACK_FEED_CA_BUNDLE`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> FeedFetchSettings {
        var settings = FeedFetchSettings()
        func value(_ name: String) -> String? {
            (environment[name] ?? environment[name.lowercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        if let proxy = value("HTTPS_PROXY") ?? value("HTTP_PROXY"),
            let url = URL(string: proxy.contains("://") ? proxy : "http://\(proxy)"), let host = url.host
        {
            settings.proxy = (host, url.port ?? 80)
        }
        settings.noProxy = (value("NO_PROXY") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        settings.caBundle = value("PATCHTRACK_FEED_CA_BUNDLE")
        return settings
    }

    /// Whether `host` bypasses the proxy: `NO_PROXY` lists it, a parent domain of it (`example.com`, `.example.com`)
    /// or `*`.
    func bypassesProxy(_ host: String) -> Bool {
        let host = host.lowercased()
        return noProxy.contains { entry in
            if entry == "*" { return true }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            let bare = domain.split(separator: ":").first.map(String.init) ?? domain
            return host == bare || host.hasSuffix("." + bare)
        }
    }
}

/// Why a fetch failed.
public enum FeedFetchError: Error, CustomStringConvertible, Sendable {
    case status(url: String, code: UInt)
    case redirected(url: String, location: String)
    case tooLarge(url: String, limit: Int64)
    case transport(url: String, message: String)

    public var description: String {
        switch self {
        case .status(let url, let code): "\(url) answered HTTP \(code)"
        case .redirected(let url, let location):
            "\(url) redirects to \(location.isEmpty ? "another address" : location); feeds follow no redirects: configure the final URL"
        case .tooLarge(let url, let limit): "\(url) is larger than the limit of \(limit) bytes"
        case .transport(let url, let message): "\(url): \(message)"
        }
    }

    /// Whether trying again may help: transport errors, 5xx and 429.
    var isTransient: Bool {
        switch self {
        case .transport: true
        case .status(_, let code): code >= 500 || code == 429
        case .redirected, .tooLarge: false
        }
    }
}

/// The validators of a fetched document, sent back on the next request.
public struct FeedValidators: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Fetches feed documents with AsyncHTTPClient: no redirects, timeouts, size limits, retries, proxy and CA bundle.
public final class FeedFetcher: Sendable {
    let settings: FeedFetchSettings
    private let direct: HTTPClient
    private let proxied: HTTPClient?
    let logger: Logger

    public init(settings: FeedFetchSettings = .fromEnvironment(), logger: Logger = Logger(label: "patchtrack.feeds")) throws {
        self.settings = settings
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        if let bundle = settings.caBundle {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw FeedFetchError.transport(url: bundle, message: "the CA bundle cannot be read")
            }
            tls.trustRoots = .file(bundle)
        }
        func client(proxy: HTTPClient.Configuration.Proxy?) -> HTTPClient {
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(connect: settings.connectTimeout, read: settings.readTimeout), proxy: proxy,
                decompression: .disabled)
            configuration.httpVersion = .http1Only
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        direct = client(proxy: nil)
        proxied = settings.proxy.map { client(proxy: .server(host: $0.host, port: $0.port)) }
    }

    /// Closes the connections.
    public func shutdown() async throws {
        try await direct.shutdown()
        try await proxied?.shutdown()
    }

    /// What a GET gave.
    public enum Answer<Body: Sendable>: Sendable {
        /// 304 to a conditional request.
        case notModified
        /// 200 with its body and validators.
        case fetched(Body, FeedValidators)
    }

    /// GETs `url` whole into memory (at most ``FeedFetchSettings/maxDocumentBytes``), conditionally when
    /// `validators` are given.
    public func document(_ url: String, validators: FeedValidators? = nil) async throws -> Answer<Data> {
        try await get(url, validators: validators, deadline: settings.documentDeadline, limit: settings.maxDocumentBytes) { body, limit in
            var data = Data()
            for try await chunk in body {
                guard Int64(data.count + chunk.readableBytes) <= limit else { throw FeedFetchError.tooLarge(url: url, limit: limit) }
                data.append(contentsOf: chunk.readableBytesView)
            }
            return data
        }
    }

    /// GETs `url` streamed to a new temporary file (at most ``FeedFetchSettings/maxArchiveBytes``); the caller
    /// removes the file.
    public func file(_ url: String, validators: FeedValidators? = nil) async throws -> Answer<URL> {
        let directory = settings.temporaryDirectory
        return try await get(url, validators: validators, deadline: settings.archiveDeadline, limit: settings.maxArchiveBytes) { body, limit in
            let path = directory.appendingPathComponent("patchtrack-feed-\(UUID().uuidString).download")
            guard FileManager.default.createFile(atPath: path.path, contents: nil) else {
                throw FeedFetchError.transport(url: url, message: "cannot create \(path.path)")
            }
            do {
                let handle = try FileHandle(forWritingTo: path)
                defer { try? handle.close() }
                var written: Int64 = 0
                for try await chunk in body {
                    written += Int64(chunk.readableBytes)
                    guard written <= limit else { throw FeedFetchError.tooLarge(url: url, limit: limit) }
                    try handle.write(contentsOf: Data(chunk.readableBytesView))
                }
                return path
            } catch {
                try? FileManager.default.removeItem(at: path)
                throw error
            }
        }
    }

    /// GETs `url` and passes each line to `line` until it answers false (the rest is not read); answers the
    /// validators, or nil for a 304.
    public func lines(_ url: String, validators: FeedValidators? = nil, _ line: @escaping (Substring) -> Bool) async throws -> FeedValidators? {
        let answer: Answer<Bool> = try await get(url, validators: validators, deadline: settings.documentDeadline, limit: settings.maxDocumentBytes) { body, limit in
            var pending = Data()
            var read: Int64 = 0
            for try await chunk in body {
                read += Int64(chunk.readableBytes)
                guard read <= limit else { throw FeedFetchError.tooLarge(url: url, limit: limit) }
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let text = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    if !line(Substring(text)) { return true }
                }
            }
            if !pending.isEmpty { _ = line(Substring(String(decoding: pending, as: UTF8.self))) }
            return true
        }
        switch answer {
        case .notModified: return nil
        case .fetched(_, let validators): return validators
        }
    }

    /// One GET with retries; `read` consumes a 200's body.
    private func get<Body: Sendable>(
        _ url: String, validators: FeedValidators?, deadline: TimeAmount, limit: Int64,
        read: (HTTPClientResponse.Body, Int64) async throws -> Body
    ) async throws -> Answer<Body> {
        guard let host = URL(string: url)?.host else { throw FeedFetchError.transport(url: url, message: "not a URL") }
        let client = (proxied != nil && !settings.bypassesProxy(host)) ? proxied! : direct
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "PatchTrack feeds")
        if let etag = validators?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let modified = validators?.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response: HTTPClientResponse
                do {
                    response = try await client.execute(request, timeout: deadline)
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw FeedFetchError.transport(url: url, message: "\(error)")
                }
                switch response.status.code {
                case 200:
                    let validators = FeedValidators(
                        etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
                    do {
                        return .fetched(try await read(response.body, limit), validators)
                    } catch let error as FeedFetchError {
                        throw error
                    } catch let error as CancellationError {
                        throw error
                    } catch {
                        throw FeedFetchError.transport(url: url, message: "reading the answer: \(error)")
                    }
                case 304 where validators != nil:
                    return .notModified
                case 300..<400:
                    throw FeedFetchError.redirected(url: url, location: response.headers.first(name: "Location") ?? "")
                default:
                    throw FeedFetchError.status(url: url, code: response.status.code)
                }
            } catch let error as FeedFetchError where error.isTransient && attempt < settings.attempts {
                let factor = Double.random(in: 0.5...1.5) * Double(1 << (attempt - 1))
                let wait = settings.backoff * factor
                logger.warning("feed fetch failed, retrying", metadata: ["url": "\(url)", "attempt": "\(attempt)", "error": "\(error)", "wait": "\(wait)"])
                try await Task.sleep(for: wait)
            }
        }
    }
}
