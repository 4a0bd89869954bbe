import Foundation
import PatchTrackCore
import Testing

import PatchTrackStorage

/// Reading posted advisory documents (record, array, zip) into positioned intake entries.
@Suite struct OSVBundleTests {
    @Test func positionsRecordsOfAnArrayAndASingleRecord() throws {
        let record = #"{"id": "X-1", "modified": "2024-01-01T00:00:00Z"}"#
        #expect(try OSVBundle.entries(json: Data(" [\(record), \(record)]".utf8)).map(\.position) == ["[0]", "[1]"])
        #expect(try OSVBundle.entries(json: Data(record.utf8)).map(\.position) == ["0"])
    }

    @Test func unreadableBodiesAreFailuresNotEntries() {
        #expect(OSVBundle.isZip(Data("PK\u{3}\u{4}garbage".utf8)))
        #expect(!OSVBundle.isZip(Data("{}".utf8)))
        do {
            _ = try OSVBundle.entries(zip: Data("PK\u{3}\u{4}garbage".utf8))
            Issue.record("garbage is no zip archive")
        } catch let error as OSVBundle.Failure {
            guard case .notAZip = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("the body is not a readable zip archive: "))
        } catch {
            Issue.record("\(error)")
        }
        do {
            _ = try OSVBundle.entries(json: Data("[".utf8))
            Issue.record("a truncated array is not JSON")
        } catch {
            guard case .unreadable(let ingestError) = error else { Issue.record("\(error)"); return }
            #expect(ingestError.kind == .malformedJSON)
        }
    }
}
