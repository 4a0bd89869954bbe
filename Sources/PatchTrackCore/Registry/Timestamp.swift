import Foundation

/// RFC 3339 timestamps in UTC, the one textual form PatchTrack stores and answers with.
///
/// Stored values always have millisecond precision (`2026-11-27T11:00:00.000Z`) so that they sort as strings.
public enum Timestamp {
    /// Formats `date` as `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
    public static func format(_ date: Date) -> String {
        date.formatted(style)
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, with `Z` or a numeric offset.
    public static func parse(_ string: String) -> Date? {
        if let date = try? style.parse(string) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(string) { return date }
        // Offsets other than Z: ISO8601FormatStyle with a time zone field handles "+02:00".
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(string) { return date }
        return nil
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}
