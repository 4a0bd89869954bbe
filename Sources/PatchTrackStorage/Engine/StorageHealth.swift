import Foundation
import Synchronization

/// Whether the database accepts writes, as the executor last saw: a write refused for lack of space (or on a
/// read-only database) marks it failing, and the next committed write, or a successful ``SQLExecutor/probeWrite()``,
/// clears it. `/readyz` reports not ready while it is failing, and recovers without a restart once space returns.
public final class StorageHealth: Sendable {
    private let failure = Mutex<String?>(nil)

    /// Creates a healthy state.
    public init() {}

    /// Why the last write failed, while no write succeeded since.
    public var writeFailure: String? {
        failure.withLock { $0 }
    }

    /// Keeps `error` when it says the storage refuses writes, and returns it.
    func record(_ error: any Error) -> any Error {
        if case SQLError.storageFull(let detail) = error {
            failure.withLock { $0 = detail }
        }
        return error
    }

    /// A write committed: the storage accepts writes again.
    func recordSuccess() {
        // Read first: a write is the common case and must not contend on the lock's write side more than needed.
        failure.withLock { if $0 != nil { $0 = nil } }
    }
}

/// The error a probe throws to roll its transaction back.
private struct ProbeRollback: Error {}

extension SQLExecutor {
    /// Checks that a write needing fresh space can be made, without keeping anything: inserts about 100 KB of lease
    /// rows and rolls them back. Allocating the pages is what fails when the file cannot grow (SQLite's
    /// `max_page_count`, PostgreSQL extending a relation on a full disk, a read-only database); on SQLite, whose
    /// rolled-back pages may never reach the disk, the free space of the file system is checked too. Throws
    /// ``SQLError/storageFull(_:)`` when writes would fail; on success, clears ``health``'s failure.
    public func probeWrite() async throws {
        if let sqlite = self as? SQLiteExecutor { try sqlite.checkFreeSpace() }
        let statement: SQLStatement = switch dialect {
        case .sqlite:
            """
            WITH RECURSIVE probe(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM probe WHERE i < 300)
            INSERT INTO lease (name, holder, acquiredAt, expiresAt)
            SELECT 'health-probe-' || i, hex(randomblob(100)), '', '' FROM probe
            """
        case .postgres:
            """
            INSERT INTO lease (name, holder, acquiredAt, expiresAt)
            SELECT 'health-probe-' || i, repeat(md5(random()::text), 6), '', '' FROM generate_series(1, 300) AS i
            """
        }
        do {
            _ = try await write { session -> Int in
                try session.execute(statement)
                throw ProbeRollback()
            }
        } catch is ProbeRollback {
            health.recordSuccess()
        }
    }
}

extension SQLiteExecutor {
    /// The least free space of the database's file system under which writes are reported failing: a rolled-back
    /// probe may never touch the disk, so a full disk is also read from the file system.
    static let minimumFreeBytes: UInt64 = 1 << 20

    /// Throws ``SQLError/storageFull(_:)`` when the file system holding the database has less than
    /// ``minimumFreeBytes`` available.
    func checkFreeSpace() throws {
        var stats = statvfs()
        let directory = URL(fileURLWithPath: pool.path).deletingLastPathComponent().path
        guard statvfs(directory, &stats) == 0 else { return }
        let available = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
        if available < Self.minimumFreeBytes {
            throw health.record(SQLError.storageFull("the file system holding the database has \(available) bytes free"))
        }
    }
}
