/// A position in an OSV export's `modified_id.csv`: a record's `modified` time and its id. Positions order by time,
/// then id, so records sharing one `modified` time are still taken one after the other.
public struct OSVExportPosition: Sendable, Comparable, Hashable {
    public let modified: RFC3339Timestamp
    public let id: String

    public init(modified: RFC3339Timestamp, id: String) {
        self.modified = modified
        self.id = id
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.modified != rhs.modified ? lhs.modified < rhs.modified : lhs.id < rhs.id
    }
}

/// Reads `modified_id.csv` (one `<RFC 3339 modified>,<ID>` line per record, newest first) down to a high-water mark.
/// Lines are fed one at a time as they arrive, so a long file is read only as far as needed.
public struct OSVModifiedIndexReader: Sendable {
    /// The last position a sync recorded; nil reads the whole file.
    public let highWater: OSVExportPosition?
    /// The records newer than the high-water mark (at most one position per id: the newest).
    public private(set) var newer: [OSVExportPosition] = []
    /// Lines that could not be read, by line number (the first ``maximumRejections``; ``rejectedLines`` counts all).
    public private(set) var rejections: [FeedRejection] = []
    public private(set) var rejectedLines = 0
    /// Rejected lines kept with their reason.
    public static let maximumRejections = 100
    /// Set once a line at or below the high-water mark was read: what follows is older.
    public private(set) var reachedHighWater = false
    private var lineNumber = 0
    private var seen = Set<String>()
    /// The newest time read so far: the file is newest first, so a line newer than an earlier one is out of order;
    /// it is still taken (order is re-established when sorted), and never stops the reading.
    public private(set) var newest: OSVExportPosition?

    public init(highWater: OSVExportPosition?) {
        self.highWater = highWater
    }

    /// Reads one line (without its newline). False once the high-water mark is reached: stop reading.
    public mutating func read(line raw: Substring) -> Bool {
        lineNumber += 1
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        if line.isEmpty { return true }
        guard let comma = line.firstIndex(of: ","), let modified = RFC3339Timestamp(String(line[..<comma])) else {
            reject("expected <RFC 3339 time>,<ID>")
            return true
        }
        var id = String(line[line.index(after: comma)...])
        // The export's root index names `<Ecosystem>/<ID>`; the per-ecosystem one names the id alone.
        if let slash = id.lastIndex(of: "/") { id = String(id[id.index(after: slash)...]) }
        guard OSVExportPosition.isValidID(id) else {
            reject("\(id.prefix(100).debugDescription) is not an OSV id")
            return true
        }
        let position = OSVExportPosition(modified: modified, id: id)
        if newest.map({ position > $0 }) ?? true { newest = position }
        if let highWater, position <= highWater {
            reachedHighWater = true
            return false
        }
        if seen.insert(id).inserted { newer.append(position) }
        return true
    }

    private mutating func reject(_ reason: String) {
        rejectedLines += 1
        if rejections.count < Self.maximumRejections {
            rejections.append(FeedRejection(record: "modified_id.csv line \(lineNumber)", reason: reason))
        }
    }

    /// The newer records, oldest first: the order a sync imports them in, so that its high-water mark can advance
    /// after each committed batch.
    public var oldestFirst: [OSVExportPosition] { newer.sorted() }
}

extension OSVExportPosition {
    /// An OSV id as the export names its files: 1–100 bytes of letters, digits, `-`, `_`, `.`, `:` (no path).
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...100).contains(bytes.count), id != ".", id != ".." else { return false }
        return bytes.allSatisfy {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F
                || $0 == 0x2E || $0 == 0x3A
        }
    }
}
