import Foundation

// The ingest and matching stores on the seam, sharing this process's cache of parsed advisories.

extension AppDatabase {
    /// Scans, components and scanner verdicts; ingesting a scan matches it.
    public var scans: ScanStore { ScanStore(executor: executor, now: now, cache: preparedAdvisories) }

    /// OSV advisories; ingesting them matches them.
    public var advisories: AdvisoryStore { AdvisoryStore(executor: executor, now: now, cache: preparedAdvisories) }

    /// A value as stored in a JSON text column, for the use cases still written against GRDB.
    static func json(_ value: some Encodable) throws -> String {
        try StoredJSON.text(value)
    }
}
