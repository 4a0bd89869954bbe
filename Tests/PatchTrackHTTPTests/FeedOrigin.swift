import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ZIPFoundation

/// A feed origin for the tests: files served over HTTP on 127.0.0.1 by a Hummingbird server of their own, with an
/// `ETag` per file version, `304` to a matching `If-None-Match`, and a count of requests per path.
actor FeedOrigin {
    private var files: [String: (data: Data, etag: String)] = [:]
    /// Paths answered with a 302 to another location.
    private var redirects: [String: String] = [:]
    /// Paths answered 503 this many more times before their file.
    private var failures: [String: Int] = [:]
    /// Paths whose answer waits this long (a hanging origin).
    private var stalls: [String: Duration] = [:]
    private var version = 0
    private(set) var requests: [String: Int] = [:]

    func put(_ path: String, _ data: Data) {
        version += 1
        files[path] = (data, "\"v\(version)\"")
    }

    func remove(_ path: String) {
        files[path] = nil
    }

    func redirect(_ path: String, to location: String) {
        redirects[path] = location
    }

    func fail(_ path: String, times: Int) {
        failures[path] = times
    }

    func stall(_ path: String, for duration: Duration) {
        stalls[path] = duration
    }

    func delay(_ path: String) -> Duration? { stalls[path] }

    func data(_ path: String) -> Data? { files[path]?.data }

    func count(_ path: String) -> Int { requests[path] ?? 0 }

    /// Requests of paths ending with `suffix`, all paths together.
    func count(endingWith suffix: String) -> Int {
        requests.filter { $0.key.hasSuffix(suffix) }.values.reduce(0, +)
    }

    func resetCounts() { requests = [:] }

    func answer(_ path: String, ifNoneMatch: String?) -> (status: HTTPResponse.Status, data: Data?, etag: String?) {
        requests[path, default: 0] += 1
        if let location = redirects[path] { return (.found, Data(location.utf8), nil) }
        if let left = failures[path], left > 0 {
            failures[path] = left - 1
            return (.serviceUnavailable, nil, nil)
        }
        guard let file = files[path] else { return (.notFound, nil, nil) }
        if ifNoneMatch == file.etag { return (.notModified, nil, file.etag) }
        return (.ok, file.data, file.etag)
    }

    /// Serves the files during `body`, which gets the origin's base URL (`http://127.0.0.1:PORT`).
    func serve<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path.removingPercentEncoding ?? request.uri.path
            if let delay = await self.delay(path) { try await Task.sleep(for: delay) }
            let answer = await self.answer(path, ifNoneMatch: request.headers[.ifNoneMatch])
            var headers: HTTPFields = [:]
            if let etag = answer.etag { headers[.eTag] = etag }
            if answer.status == .found, let location = answer.data { headers[.location] = String(decoding: location, as: UTF8.self) }
            return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.data ?? Data())))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    /// Publishes an OSV export under `prefix`: per ecosystem `all.zip`, `modified_id.csv` (newest first) and each
    /// `<ID>.json`.
    func publishOSV(_ records: [OSVExportRecord], prefix: String = "/osv") throws {
        for (ecosystem, group) in Dictionary(grouping: records, by: \.ecosystem) {
            let directory = "\(prefix)/\(ecosystem)"
            let archive = try Archive(accessMode: .create)
            for record in group.sorted(by: { $0.id < $1.id }) {
                try archive.addEntry(
                    with: "\(record.id).json", type: .file, uncompressedSize: Int64(record.data.count), compressionMethod: .deflate
                ) { position, size in
                    record.data.subdata(in: Int(position)..<Int(position) + size)
                }
                put("\(directory)/\(record.id).json", record.data)
            }
            put("\(directory)/all.zip", archive.data ?? Data())
            let index = group.sorted { ($0.modified, $0.id) > ($1.modified, $1.id) }.map { "\($0.modified),\($0.id)\n" }.joined()
            put("\(directory)/modified_id.csv", Data(index.utf8))
        }
    }
}

/// One record of a test OSV export: a real record from the fixtures, its `modified` possibly moved by a test.
struct OSVExportRecord: Sendable {
    let ecosystem: String
    let id: String
    var modified: String
    var data: Data

    /// The fixture at `path` (under PatchTrackCoreTests/Fixtures/advisories) as published in `ecosystem`.
    init(_ ecosystem: String, _ path: String) throws {
        self.ecosystem = ecosystem
        data = Data(try advisoryFixture(path).utf8)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        id = object?["id"] as? String ?? ""
        modified = object?["modified"] as? String ?? ""
    }

    /// The same record with a newer `modified` (as its publisher would write on a change).
    func modified(_ time: String) throws -> OSVExportRecord {
        var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        object["modified"] = time
        var copy = self
        copy.modified = time
        copy.data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return copy
    }
}

/// A file of the Core test target's feed fixtures (KEV catalogue, EPSS excerpt; sources in Tests/Fixtures/README.md).
func feedFixture(_ name: String) throws -> Data {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "PatchTrackCoreTests/Fixtures/feeds/\(name)")
    return try Data(contentsOf: url)
}
