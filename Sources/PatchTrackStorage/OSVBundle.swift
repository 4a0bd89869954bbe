import Foundation
import PatchTrackCore
import ZIPFoundation

/// Reads posted advisories: one OSV record, a JSON array of records, or a zip archive of record files (the layout of
/// osv.dev's per-ecosystem `all.zip`), into positioned intake entries for ``AdvisoryStore/ingest(_:)``.
/// Shared by `POST /v1/advisories` and `patchtrack import osv`, which each report a ``Failure`` their own way.
public enum OSVBundle {
    /// Limits on what a zip may expand to (against zip bombs): per entry and in total.
    public struct Limits: Sendable {
        public var maxEntryBytes: UInt64 = 16 << 20
        public var maxTotalBytes: UInt64 = 2 << 30
        public var maxEntries = 1_000_000

        /// The defaults.
        public init() {}
    }

    /// Why a posted document or archive cannot be read at all (records that cannot be read are rejected entries).
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The JSON document could not be read.
        case unreadable(IngestError)
        /// The body is not a zip archive ZIPFoundation can open; the reason.
        case notAZip(String)
        /// An archive entry (`path`), or the archive as a whole (`$`), breaks the limits or cannot be extracted.
        case invalidEntry(path: String, message: String)

        /// What is wrong, naming the entry.
        public var description: String {
            switch self {
            case .unreadable(let error): error.detail
            case .notAZip(let reason): "the body is not a readable zip archive: \(reason)"
            case .invalidEntry(let path, let message): "\(path): \(message)"
            }
        }
    }

    /// Whether `data` starts like a zip archive (`PK\u{3}\u{4}`, or `PK\u{5}\u{6}` when empty).
    public static func isZip(_ data: Data) -> Bool {
        data.count >= 4 && data[data.startIndex] == 0x50 && data[data.startIndex + 1] == 0x4B
            && (data[data.startIndex + 2] == 3 || data[data.startIndex + 2] == 5)
    }

    /// The entries of a JSON document (`0` for a single record, `[i]` for array items).
    public static func entries(json data: Data) throws(Failure) -> [(position: String, entry: OSVIntake.Entry)] {
        let entries: [OSVIntake.Entry]
        do {
            entries = try OSVIntake.parse(data)
        } catch {
            throw .unreadable(error)
        }
        let isArray = data.first { !$0.isJSONWhitespace } == UInt8(ascii: "[")
        return entries.map { (isArray ? "[\($0.index)]" : "\($0.index)", $0) }
    }

    /// The entries of every `.json` file of a zip archive, positioned by path (`[i]` appended for arrays).
    public static func entries(zip data: Data, limits: Limits = Limits()) throws(Failure) -> [(position: String, entry: OSVIntake.Entry)] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw .notAZip("\(error)")
        }
        var result: [(String, OSVIntake.Entry)] = []
        var total: UInt64 = 0
        var count = 0
        for file in archive where file.type == .file && file.path.lowercased().hasSuffix(".json") {
            count += 1
            guard count <= limits.maxEntries else {
                throw .invalidEntry(path: "$", message: "the archive has more than \(limits.maxEntries) files")
            }
            guard file.uncompressedSize <= limits.maxEntryBytes else {
                throw .invalidEntry(path: file.path, message: "expands to \(file.uncompressedSize) bytes, over \(limits.maxEntryBytes)")
            }
            total += file.uncompressedSize
            guard total <= limits.maxTotalBytes else {
                throw .invalidEntry(path: "$", message: "the archive expands to more than \(limits.maxTotalBytes) bytes")
            }
            var contents = Data(capacity: Int(file.uncompressedSize))
            do {
                _ = try archive.extract(file, skipCRC32: false) { chunk in
                    contents.append(chunk)
                    if UInt64(contents.count) > limits.maxEntryBytes { throw CocoaError(.fileReadTooLarge) }
                }
            } catch {
                throw .invalidEntry(path: file.path, message: "cannot be extracted: \(error)")
            }
            do {
                let entries = try OSVIntake.parse(contents)
                let isArray = contents.first { !$0.isJSONWhitespace } == UInt8(ascii: "[")
                result += entries.map { (isArray ? "\(file.path)[\($0.index)]" : file.path, $0) }
            } catch {
                result.append((file.path, OSVIntake.Entry(index: 0, id: nil, outcome: .rejected(error))))
            }
        }
        return result
    }
}

extension UInt8 {
    fileprivate var isJSONWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
