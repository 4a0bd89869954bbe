import Foundation

/// RFC 3339 timestamps in UTC, the one textual form PatchTrack stores and answers with.
///
/// Stored values always have millisecond precision (`2026-11-27T11:00:00.000Z`) so that they sort as strings.
/// Reading and writing are ``RFC3339Timestamp``'s (by hand, calendar arithmetic on the epoch, several times faster
/// than the Foundation format styles: fleet reads turn thousands of stored times into dates per request); this is
/// the `Date` side of it.
public enum Timestamp {
    /// Formats `date` as `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC, rounded to the millisecond.
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        return RFC3339Timestamp.utc(seconds: seconds, nanoseconds: Int(fraction) * 1_000_000, fraction: .milliseconds)
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, with `Z` or a numeric offset.
    /// Impossible dates (February 30th) are refused.
    public static func parse(_ string: String) -> Date? {
        RFC3339Timestamp(string)?.date
    }
}
