/// An OSV record that passed intake validation, with its timestamps read and what matching cannot use noted.
public struct ValidatedOSVRecord: Sendable {
    /// The record as posted.
    public let record: OSVRecord
    /// `modified`, read.
    public let modified: RFC3339Timestamp
    /// `published`, read, when present.
    public let published: RFC3339Timestamp?
    /// `withdrawn`, read, when present (the record then matches nothing).
    public let withdrawn: RFC3339Timestamp?
    /// `affected` entries whose ecosystem PatchTrack cannot match, by index, with the ecosystem as written. Not an
    /// error: they are stored and reported as unsupported.
    public let unsupportedEntries: [UnsupportedEntry]
    /// Ranges that follow the schema but that matching cannot evaluate (an event version the ecosystem's scheme
    /// rejects); components they concern are reported "unmatchable" with the same reason.
    public let warnings: [IngestError]

    /// An `affected` entry of an ecosystem PatchTrack cannot match.
    public struct UnsupportedEntry: Equatable, Sendable {
        /// The index in `affected`.
        public let affectedIndex: Int
        /// The ecosystem as written (`Hex`, `Android`).
        public let ecosystem: String

        /// Creates a value.
        public init(affectedIndex: Int, ecosystem: String) {
            self.affectedIndex = affectedIndex
            self.ecosystem = ecosystem
        }
    }

    /// Creates a value from checked parts (see ``OSVIntake``).
    init(
        record: OSVRecord, modified: RFC3339Timestamp, published: RFC3339Timestamp?,
        withdrawn: RFC3339Timestamp?, unsupportedEntries: [UnsupportedEntry], warnings: [IngestError]
    ) {
        self.record = record
        self.modified = modified
        self.published = published
        self.withdrawn = withdrawn
        self.unsupportedEntries = unsupportedEntries
        self.warnings = warnings
    }

    /// The record id.
    public var id: String { record.id }

    /// Whether the record is withdrawn.
    public var isWithdrawn: Bool { withdrawn != nil }

    /// Whether this record should replace a stored one last modified at `stored`: strictly later `modified`
    /// instant (the same instant, however written, is not newer, so re-posting a record changes nothing).
    public func isNewer(than stored: RFC3339Timestamp) -> Bool {
        modified > stored
    }

    /// Like ``isNewer(than:)-(RFC3339Timestamp)`` for a stored `modified` text; a stored value that is not an
    /// RFC 3339 timestamp (it could not have passed intake) is replaced.
    public func isNewer(thanStoredModified text: String) -> Bool {
        guard let stored = RFC3339Timestamp(text) else { return true }
        return isNewer(than: stored)
    }
}
