import Foundation

/// When a failed delivery is tried again: exponential backoff with ±20 % jitter, the first retry within seconds and
/// ten attempts spread over about a day. A delivery whose last attempt failed is `failed` (it can be redelivered).
public enum DeliverySchedule {
    /// Attempts per delivery, the first included.
    public static let maximumAttempts = 10

    /// Base delays after attempt 1, 2, … 9 (seconds): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 5 h, 8 h (≈ 16.7 h
    /// in all, up to about 20 h with jitter).
    static let delays: [TimeInterval] = [5, 30, 120, 600, 1_800, 3_600, 7_200, 18_000, 28_800]

    /// The wait after failed attempt `attempt` (1-based), with `jitter` in -1…1 scaling ±20 %; nil when that attempt
    /// was the last.
    public static func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval? {
        guard attempt >= 1, attempt < maximumAttempts else { return nil }
        let base = delays[min(attempt, delays.count) - 1]
        return base * (1 + 0.2 * max(-1, min(1, jitter)))
    }
}
