import Hummingbird
import Synchronization

/// Bounds how many heavy writes (scan, advisory, VEX and inventory ingests) each token runs at once: one client
/// cannot take every core and database connection with parallel uploads. A request over the limit is refused at once
/// with 429 and `Retry-After`, before its body is read; nothing is queued.
final class HeavyWriteLimiter: Sendable {
    /// Requests each token may run at once.
    let limit: Int
    /// Seconds a refused client is asked to wait (a heavy write typically takes under a second).
    let retryAfterSeconds: Int
    private let running = Mutex<[Int64: Int]>([:])

    /// Creates a limiter allowing `limit` (at least 1) concurrent heavy writes per token.
    init(limit: Int, retryAfterSeconds: Int = 1) {
        self.limit = max(1, limit)
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Runs `body` in one of `token`'s slots; throws a 429 problem when they are all taken.
    func withSlot<T>(for token: Int64, _ body: () async throws -> T) async throws -> T {
        let admitted = running.withLock { running in
            let count = running[token, default: 0]
            guard count < limit else { return false }
            running[token] = count + 1
            return true
        }
        guard admitted else {
            throw ProblemDetails(
                .tooManyRequests, status: .tooManyRequests,
                detail: "this token already runs \(limit) heavy write\(limit == 1 ? "" : "s") (scans, advisories, VEX, inventory); retry when one finishes",
                headers: [.retryAfter: String(retryAfterSeconds)])
        }
        defer {
            running.withLock { running in
                let count = running[token, default: 1] - 1
                running[token] = count > 0 ? count : nil
            }
        }
        return try await body()
    }

    /// Heavy writes running now for `token`.
    func inFlight(for token: Int64) -> Int {
        running.withLock { $0[token, default: 0] }
    }
}
