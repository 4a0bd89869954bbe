import Foundation

/// RFC 3339 timestamps in UTC, the one textual form PatchTrack stores and answers with.
///
/// Stored values always have millisecond precision (`2026-11-27T11:00:00.000Z`) so that they sort as strings.
/// Formatting and parsing are done by hand (calendar arithmetic on the epoch), several times faster than the
/// Foundation format styles: fleet reads turn thousands of stored times into dates per request.
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
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        guard (0...9999).contains(year) else { return date.formatted(style) }
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at offset: Int, width: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(month, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(day, at: 8, width: 2)
        bytes[10] = UInt8(ascii: "T")
        put(Int(rest / 3600), at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(rest % 3600 / 60), at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(rest % 60), at: 17, width: 2)
        bytes[19] = UInt8(ascii: ".")
        put(Int(fraction), at: 20, width: 3)
        bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an RFC 3339 date-time, with or without fractional seconds, with `Z` or a numeric offset.
    /// Impossible dates (February 30th) are refused.
    public static func parse(_ string: String) -> Date? {
        RFC3339Timestamp(string)?.date
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// The proleptic Gregorian date of a day count from 1970-01-01.
    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        // Shift the epoch to 0000-03-01 so that leap days end each 400-year era's years.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
