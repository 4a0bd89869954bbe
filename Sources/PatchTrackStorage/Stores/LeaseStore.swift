import Foundation
import PatchTrackCore

/// Leases of background jobs held in the database, so that with several processes on one database each job runs on
/// one of them at a time and moves to another when its holder stops renewing (it died or hung).
public struct LeaseStore: Sendable {
    let executor: any SQLExecutor
    let now: @Sendable () -> Date

    /// Wraps an executor; `now` is the clock leases expire by.
    public init(executor: any SQLExecutor, now: @escaping @Sendable () -> Date = { Date() }) {
        self.executor = executor
        self.now = now
    }

    /// Takes or renews lease `name` for `holder` until `duration` from now; true when `holder` holds it afterwards.
    /// A lease held by another holder is taken only once it has expired.
    public func acquire(_ name: String, holder: String, for duration: TimeInterval) async throws -> Bool {
        let now = self.now()
        let current = Timestamp.format(now)
        let expires = Timestamp.format(now.addingTimeInterval(duration))
        return try await executor.write { session in
            // One statement on both engines: the unique key decides between two processes racing for a free lease.
            let rows = try session.fetchAll(
                """
                INSERT INTO lease (name, holder, acquiredAt, expiresAt) VALUES (\(name), \(holder), \(current), \(expires))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expiresAt = excluded.expiresAt,
                    acquiredAt = CASE WHEN lease.holder = excluded.holder THEN lease.acquiredAt ELSE excluded.acquiredAt END
                WHERE lease.holder = excluded.holder OR lease.expiresAt <= \(current)
                RETURNING holder
                """)
            return rows.count == 1
        }
    }

    /// Gives lease `name` up if `holder` holds it (a job that stops cleanly lets another process start at once).
    public func release(_ name: String, holder: String) async throws {
        try await executor.write { session in
            _ = try session.execute("DELETE FROM lease WHERE name = \(name) AND holder = \(holder)")
        }
    }

    /// Who holds lease `name` now, nil when nobody does or it expired.
    public func holder(of name: String) async throws -> String? {
        let current = Timestamp.format(now())
        return try await executor.read { session in
            try session.fetchValue(
                "SELECT holder FROM lease WHERE name = \(name) AND expiresAt > \(current)", as: String.self)
        }
    }
}
