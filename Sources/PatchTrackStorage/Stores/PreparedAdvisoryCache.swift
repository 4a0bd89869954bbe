import PatchTrackCore
import Synchronization

/// Advisories parsed for matching, by advisory id and the `updatedAt` they were parsed at, so a scan is matched
/// against thousands of candidate advisories without decoding their records again. Bounded: past `capacity` entries
/// half of them are dropped (they are decoded again on their next use). A transaction that rolls back may leave an
/// entry whose `updatedAt` no row has; it is never hit.
final class PreparedAdvisoryCache: Sendable {
    struct Entry: Sendable {
        let updatedAt: String
        let matcher: AdvisoryMatcher
        let scheme: VersionSchemeID?
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The parsed advisories among `wanted` (id, updatedAt), under one lock.
    func matchers(_ wanted: [(id: Int64, updatedAt: String)]) -> [Int64: Entry] {
        entries.withLock { entries in
            var found: [Int64: Entry] = [:]
            found.reserveCapacity(wanted.count)
            for (id, updatedAt) in wanted {
                if let entry = entries[id], entry.updatedAt == updatedAt { found[id] = entry }
            }
            return found
        }
    }

    /// Keeps a parsed advisory.
    func store(id: Int64, updatedAt: String, matcher: AdvisoryMatcher, scheme: VersionSchemeID?) {
        entries.withLock { entries in
            if entries.count >= capacity {
                for key in entries.keys.prefix(capacity / 2) { entries[key] = nil }
            }
            entries[id] = Entry(updatedAt: updatedAt, matcher: matcher, scheme: scheme)
        }
    }
}
