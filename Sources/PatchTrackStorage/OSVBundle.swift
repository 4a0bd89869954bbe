import Foundation
import PatchTrackCore
import ZIPFoundation

/// Reads posted advisories: one OSV record, a JSON array of records, or a zip archive of record files (the layout of
/// osv.dev's per-ecosystem `all.zip`), into positioned intake entries for ``AdvisoryStore/ingest(_:)``.
/// Shared by `POST /v1/advisories` and `patchtrack import osv`, which each report a ``Failure`` their own way.
public enum OSVBundle {
    /// Limits on what a zip may expand to (against zip bombs): per entry, in total, in entries and in time. Sizes
    /// are first checked as the central directory declares them, before anything is inflated; then each entry is
    /// inflated with a running count that stops at its declared size, so an archive that lies costs no more than one
    /// that tells the truth.
    public struct Limits: Sendable {
        public var maxEntryBytes: UInt64 = 16 << 20
        public var maxTotalBytes: UInt64 = 2 << 30
        public var maxEntries = 1_000_000
        /// Deepest JSON nesting in an entry (the API's limit for bodies).
        public var maxJSONDepth = 64
        /// Longest time spent reading the archive.
        public var maxDuration: Duration = .seconds(600)

        /// The defaults (the importer's: osv.dev's largest all.zip fits).
        public init() {}

        /// The limits of `POST /v1/advisories`, whose body is at most `maxBodyBytes`.
        public static func upload(maxJSONDepth: Int) -> Limits {
            var limits = Limits()
            limits.maxTotalBytes = 512 << 20
            limits.maxEntries = 200_000
            limits.maxJSONDepth = maxJSONDepth
            limits.maxDuration = .seconds(60)
            return limits
        }
    }

    /// Why a posted document or archive cannot be read at all (records that cannot be read are rejected entries).
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The JSON document could not be read.
        case unreadable(IngestError)
        /// The body is not a zip archive ZIPFoundation can open; the reason.
        case notAZip(String)
        /// An archive entry (`path`), or the archive as a whole (`$`), cannot be extracted.
        case invalidEntry(path: String, message: String)
        /// The archive declares more entries or inflated bytes than the limits allow, or takes too long to read.
        case overLimit(String)

        /// What is wrong, naming the entry.
        public var description: String {
            switch self {
            case .unreadable(let error): error.detail
            case .notAZip(let reason): "the body is not a readable zip archive: \(reason)"
            case .invalidEntry(let path, let message): "\(path): \(message)"
            case .overLimit(let message): "the archive is refused: \(message)"
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

    /// The entries of every `.json` file of a zip archive, positioned by path (`[i]` appended for arrays). Every
    /// limit is checked against the central directory before the first byte is inflated (``Failure/overLimit``);
    /// inflating stops as soon as an entry grows past its declared size; the time limit and task cancellation (the
    /// client went away) are checked between chunks.
    public static func entries(zip data: Data, limits: Limits = Limits()) throws -> [(position: String, entry: OSVIntake.Entry)] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw Failure.notAZip("\(error)")
        }
        let files = try declaredFiles(archive, limits: limits)
        let deadline = ContinuousClock.now + limits.maxDuration
        var result: [(String, OSVIntake.Entry)] = []
        for file in files {
            result += records(in: try extract(file, of: archive, deadline: deadline, limits: limits), path: file.path, limits: limits)
        }
        return result
    }

    /// Reads the `.json` files of the zip archive at `zipFile` (never whole in memory) in archive order, from file
    /// number `skipping` on, and hands their records to `body` in batches of at least `batchSize` records (the last
    /// may be smaller), each with the number of files read once it is taken: a caller that records that number
    /// after the batch is stored can resume after it. The limits are checked as by ``entries(zip:limits:)``; a file
    /// that cannot be inflated is a rejected entry instead of the end of the reading.
    public static func forEachBatch(
        zipFile: URL, limits: Limits = Limits(), skipping: Int = 0, batchSize: Int,
        _ body: ([(position: String, entry: OSVIntake.Entry)], _ filesDone: Int) async throws -> Void
    ) async throws {
        let archive: Archive
        do {
            archive = try Archive(url: zipFile, accessMode: .read)
        } catch {
            throw Failure.notAZip("\(error)")
        }
        let files = try declaredFiles(archive, limits: limits)
        let deadline = ContinuousClock.now + limits.maxDuration
        var batch: [(position: String, entry: OSVIntake.Entry)] = []
        for index in files.indices where index >= skipping {
            let file = files[index]
            do {
                batch += records(in: try extract(file, of: archive, deadline: deadline, limits: limits), path: file.path, limits: limits)
            } catch Failure.invalidEntry(let path, let message) {
                // A damaged file (bad CRC, bad deflate data) is one rejected entry; the archive's other files go on.
                batch.append((path, OSVIntake.Entry(index: 0, id: nil, outcome: .rejected(.invalidDocument(message, path: "")))))
            }
            if batch.count >= batchSize || index == files.count - 1 {
                try await body(batch, index + 1)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Inflates one file of `archive`, stopping as soon as it grows past its declared size; the time limit and task
    /// cancellation (the client went away) are checked between chunks.
    private static func extract(
        _ file: ZIPFoundation.Entry, of archive: Archive, deadline: ContinuousClock.Instant, limits: Limits
    ) throws -> Data {
        try Task.checkCancellation()
        var contents = Data(capacity: Int(file.uncompressedSize))
        do {
            _ = try archive.extract(file, skipCRC32: false) { chunk in
                contents.append(chunk)
                // Declared sizes were checked against the limits; one that lies is caught here, not at the end.
                if UInt64(contents.count) > file.uncompressedSize { throw Failure.invalidEntry(
                    path: file.path, message: "inflates beyond its declared size of \(file.uncompressedSize) bytes") }
                if ContinuousClock.now > deadline { throw Failure.overLimit("reading it takes longer than \(limits.maxDuration)") }
                try Task.checkCancellation()
            }
        } catch let failure as Failure {
            throw failure
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Failure.invalidEntry(path: file.path, message: "cannot be extracted: \(error)")
        }
        return contents
    }

    /// The `.json` files of `archive`, after checking the entry count and the declared sizes against `limits`.
    private static func declaredFiles(_ archive: Archive, limits: Limits) throws(Failure) -> [ZIPFoundation.Entry] {
        var files: [ZIPFoundation.Entry] = []
        var count = 0
        var total: UInt64 = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxEntries else {
                throw .overLimit("it has more than \(limits.maxEntries) entries")
            }
            guard entry.type == .file, entry.path.lowercased().hasSuffix(".json") else { continue }
            guard entry.uncompressedSize <= limits.maxEntryBytes else {
                throw .overLimit("\(entry.path) expands to \(entry.uncompressedSize) bytes, over the limit of \(limits.maxEntryBytes) per file")
            }
            total += entry.uncompressedSize
            guard total <= limits.maxTotalBytes else {
                throw .overLimit("its files expand to more than \(limits.maxTotalBytes) bytes in total")
            }
            files.append(entry)
        }
        return files
    }

    /// The records of one archive file; a file that cannot be read is one rejected entry.
    private static func records(in contents: Data, path: String, limits: Limits) -> [(String, OSVIntake.Entry)] {
        do {
            try JSONInputCheck.check(contents, maxDepth: limits.maxJSONDepth)
        } catch {
            return [(path, OSVIntake.Entry(index: 0, id: nil, outcome: .rejected(error.ingestError)))]
        }
        do {
            let entries = try OSVIntake.parse(contents)
            let isArray = contents.first { !$0.isJSONWhitespace } == UInt8(ascii: "[")
            return entries.map { (isArray ? "\(path)[\($0.index)]" : path, $0) }
        } catch {
            return [(path, OSVIntake.Entry(index: 0, id: nil, outcome: .rejected(error)))]
        }
    }
}

extension UInt8 {
    fileprivate var isJSONWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
