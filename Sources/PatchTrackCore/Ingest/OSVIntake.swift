// Intake of posted OSV data (https://ossf.github.io/osv-schema/, schema 1.7): one record (a JSON object) or a
// JSON array of records. Each array element is decoded and validated on its own, so one bad record is reported
// with its index and reason and does not hide the others. The validation rules are in OSVIntake+Validation.swift.

import Foundation

/// Reads a posted OSV record or array of records into per-record results.
public enum OSVIntake {
    /// The result for one record of the posted document.
    public struct Entry: Sendable {
        /// The record's position in the posted array (0 for a single record).
        public let index: Int
        /// The record's `id` when it could be read, for messages.
        public let id: String?
        /// The validated record, or why it was rejected.
        public let outcome: Outcome

        /// Creates an entry (a reader of containers, such as zip archives, reports unreadable files with it).
        public init(index: Int, id: String?, outcome: Outcome) {
            self.index = index
            self.id = id
            self.outcome = outcome
        }

        /// The validated record, nil when rejected.
        public var record: ValidatedOSVRecord? {
            if case .accepted(let record) = outcome { return record }
            return nil
        }

        /// The rejection, nil when accepted.
        public var rejection: IngestError? {
            if case .rejected(let error) = outcome { return error }
            return nil
        }
    }

    /// Accepted or rejected.
    public enum Outcome: Sendable {
        /// The record follows the schema; unsupported ecosystems and unevaluable ranges are noted in it. Boxed, so
        /// an entry (and an array of many rejected ones) is a few words, not the size of a whole record.
        indirect case accepted(ValidatedOSVRecord)
        /// The record breaks the schema; `path` is relative to the posted document (`[2].modified`).
        case rejected(IngestError)
    }

    /// Parses `data`: a JSON object (one record) or a JSON array of records (possibly empty). Throws only when
    /// the document as a whole is unusable: not JSON, or neither an object nor an array.
    public static func parse(_ data: Data) throws(IngestError) -> [Entry] {
        let tree = try JSONTree(data)
        guard tree.nodes[0].kind == .array || tree.nodes[0].kind == .object else {
            throw IngestError.unsupportedFormat("an OSV document is a record (object) or an array of records")
        }
        // Elements are decoded and validated one at a time: only their entries are kept, never every decoded
        // record at once. Decoders hold the tree unowned: it is kept alive explicitly.
        return withExtendedLifetime(tree) {
            guard tree.nodes[0].kind == .array else {
                return [entry(Slot(from: JSONTreeDecoder(tree: tree, node: 0)), index: 0, prefix: "")]
            }
            var entries: [Entry] = []
            entries.reserveCapacity(Int(tree.nodes[0].count))
            var element = 1
            for index in 0..<Int(tree.nodes[0].count) {
                entries.append(entry(Slot(from: JSONTreeDecoder(tree: tree, node: element)), index: index, prefix: "[\(index)]"))
                element = Int(tree.nodes[element].next)
            }
            return entries
        }
    }

    /// The entry for one decoded element, validated.
    private static func entry(_ slot: Slot, index: Int, prefix: String) -> Entry {
        switch slot.result {
        case .success(let record):
            switch validate(record, pathPrefix: prefix) {
            case .success(let validated):
                return Entry(index: index, id: slot.id, outcome: .accepted(validated))
            case .failure(let error):
                return Entry(index: index, id: slot.id, outcome: .rejected(error))
            }
        case .failure(let error):
            return Entry(index: index, id: slot.id, outcome: .rejected(error))
        }
    }

    /// The accepted records with one record per id: the newest by `modified`, the first on a tie (as successive
    /// upserts with ``ValidatedOSVRecord/isNewer(than:)`` would keep it). Order of first appearance.
    public static func newestPerID(_ entries: [Entry]) -> [ValidatedOSVRecord] {
        var order: [String] = []
        var chosen: [String: ValidatedOSVRecord] = [:]
        for record in entries.compactMap(\.record) {
            if let current = chosen[record.id] {
                if record.isNewer(than: current.modified) { chosen[record.id] = record }
            } else {
                order.append(record.id)
                chosen[record.id] = record
            }
        }
        return order.compactMap { chosen[$0] }
    }

    // MARK: - Decoding one element

    /// One array element: decoded on its own, never throwing, so the other elements still decode.
    private struct Slot: Decodable {
        var id: String?
        var result: Result<OSVRecord, IngestError>

        private enum IDKey: String, CodingKey { case id }

        init(from decoder: any Decoder) {
            if let node = decoder as? JSONTreeDecoder, node.tree.nodes[node.node].kind != .object {
                id = nil
                result = .failure(.invalidDocument(
                    "an OSV record must be a JSON object", path: IngestDecoding.render(decoder.codingPath)))
                return
            }
            id = try? decoder.container(keyedBy: IDKey.self).decodeIfPresent(String.self, forKey: .id)
            do {
                result = .success(try OSVRecord(from: decoder))
            } catch let error as DecodingError {
                result = .failure(IngestDecoding.ingestError(from: error))
            } catch {
                result = .failure(.invalidDocument("\(error)", path: ""))
            }
        }
    }
}
