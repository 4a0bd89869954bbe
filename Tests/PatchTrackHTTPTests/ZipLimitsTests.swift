import Foundation
import HTTPTypes
import Hummingbird
import Testing
import ZIPFoundation

@testable import PatchTrackHTTP
@testable import PatchTrackStorage

@Suite("Zip uploads are bounded before inflating, and while inflating, with nothing written on refusal")
struct ZipLimitsTests {
    /// A zip of `count` small `.json` files, then rewritten so that each declares `declaredSize` inflated bytes.
    static func zip(count: Int, content: String = "{}", declaredSize: UInt32? = nil) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for index in 0..<count {
            let data = Data(content.utf8)
            try archive.addEntry(with: "r\(index).json", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        var bytes = [UInt8](try #require(archive.data))
        guard let declaredSize else { return bytes }
        // Local file headers keep the size at offset 22, central directory headers at offset 24 (APPNOTE 4.3.7, 4.3.12).
        for (signature, offset) in [([0x50, 0x4B, 0x03, 0x04] as [UInt8], 22), ([0x50, 0x4B, 0x01, 0x02], 24)] {
            var index = 0
            while index + 30 < bytes.count {
                if Array(bytes[index..<index + 4]) == signature {
                    for byte in 0..<4 { bytes[index + offset + byte] = UInt8((declaredSize >> (8 * UInt32(byte))) & 0xFF) }
                }
                index += 1
            }
        }
        return bytes
    }

    private static func postZip(_ environment: TestEnvironment, _ bytes: [UInt8]) async throws -> Client.Reply {
        try await environment.withClient { client in
            try await client.send(.post, "/v1/advisories", token: environment.ingest, bytes: bytes, contentType: "application/zip")
        }
    }

    @Test("a zip whose entries declare 140 × 16 MiB is refused with 413 before anything is inflated")
    func declaredTotalOverLimit() async throws {
        let environment = try await TestEnvironment(maxBodySize: 1 << 20)
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let reply = try await Self.postZip(environment, try Self.zip(count: 140, declaredSize: 16 << 20))
        #expect(reply.status == .contentTooLarge)
        #expect(reply.problemType == "payload-too-large")
        #expect((reply.json["detail"] as? String)?.contains("bytes in total") == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("a zip entry declaring more than 16 MiB is refused with 413")
    func declaredEntryOverLimit() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let reply = try await Self.postZip(environment, try Self.zip(count: 1, declaredSize: (16 << 20) + 1))
        #expect(reply.status == .contentTooLarge)
        #expect((reply.json["detail"] as? String)?.contains("per file") == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("a zip entry that inflates beyond its declared size is stopped there: 422 naming it")
    func lyingEntry() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let before = try await environment.database.diagnostics.contentFingerprint()
        let record = #"{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[]}"# + String(repeating: " ", count: 1 << 20)
        let reply = try await Self.postZip(environment, try Self.zip(count: 1, content: record, declaredSize: 64))
        #expect(reply.status == .unprocessableContent)
        #expect(reply.errorFields == ["r0.json"])
        #expect((reply.json["detail"] as? String)?.contains("beyond its declared size of 64 bytes") == true)
        #expect(try await environment.database.diagnostics.contentFingerprint() == before)
    }

    @Test("an archive with more entries than the limit is refused before any is inflated")
    func tooManyEntries() throws {
        var limits = OSVBundle.Limits()
        limits.maxEntries = 3
        #expect(throws: OSVBundle.Failure.overLimit("it has more than 3 entries")) {
            try OSVBundle.entries(zip: Data(try Self.zip(count: 4)), limits: limits)
        }
        #expect(try OSVBundle.entries(zip: Data(try Self.zip(count: 3)), limits: limits).count == 3)
    }

    @Test("a record inside a zip with a repeated member name is rejected, the others imported")
    func strictEntries() async throws {
        let environment = try await TestEnvironment()
        defer { environment.remove() }
        let archive = try Archive(accessMode: .create)
        for (name, text) in [
            ("good.json", #"{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[]}"#),
            ("twice.json", #"{"id":"TEST-2","id":"TEST-3","modified":"2024-01-01T00:00:00Z"}"#),
        ] {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let reply = try await Self.postZip(environment, [UInt8](try #require(archive.data)))
        #expect(reply.status == .created)
        let rejected = ((reply.json["items"] as? [[String: Any]]) ?? []).filter { $0["outcome"] as? String == "rejected" }
        #expect(rejected.map { $0["position"] as? String } == ["twice.json"])
        #expect((rejected.first?["messages"] as? [String])?.first?.contains("duplicate member name") == true)
    }
}
