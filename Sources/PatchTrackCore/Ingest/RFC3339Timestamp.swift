// RFC 3339 section 5.6 `date-time` (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), as OSV (`modified`,
// `published`, `withdrawn`) and VEX documents write it, read into an exact instant for ordering.
//
// Why not `Date` and `ISO8601FormatStyle`: feeds write anything from whole seconds to nanoseconds
// (`2023-08-16T19:55:22.076684217-06:00`), and an upsert decides "newer" by these values, so they are compared
// exactly (whole seconds since the epoch, then the fraction as a nanosecond count) rather than through a `Double`.
//
// Deliberate choices: `T`/`t` and `Z`/`z` are accepted (RFC 3339 allows either case); a space instead of `T` is
// refused (only a note in the RFC permits it); fractions longer than nine digits are cut to nanoseconds;
// second 60 is accepted as the RFC allows leap seconds, and orders after second 59 of the same minute.

import Foundation

/// An RFC 3339 date-time read into an exact UTC instant: seconds since 1970 and nanoseconds.
public struct RFC3339Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z (a leap second 60 counts as second 59 plus one extra tick, see
    /// `nanoseconds`).
    public let seconds: Int64
    /// The fraction of the second in nanoseconds (0..<1_000_000_000), or 1_000_000_000 plus the fraction for a leap
    /// second, so that it sorts after second 59.
    public let nanoseconds: Int
    /// The text as written.
    public let text: String

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when the text is not an RFC 3339 date-time.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let value = Self.read(bytes) else { return nil }
        self.seconds = value.seconds
        self.nanoseconds = value.nanoseconds
        self.text = text
    }

    /// The instant as a `Date` (sub-microsecond precision may be lost).
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// The instant in UTC: `2023-08-17T01:55:22.076684217Z`, the fraction without trailing zeros, none when zero.
    public var utc: String {
        Self.utc(seconds: seconds, nanoseconds: nanoseconds, fraction: .significant)
    }

    /// The text as written.
    public var description: String { text }

    /// Orders by instant.
    public static func < (lhs: RFC3339Timestamp, rhs: RFC3339Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Equal when both name the same instant, however written (`+00:00` and `Z`, `.5` and `.500`).
    public static func == (lhs: RFC3339Timestamp, rhs: RFC3339Timestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }

    /// Hashes the instant, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(nanoseconds)
    }

    // MARK: - Reading

    private static func read(_ b: [UInt8]) -> (seconds: Int64, nanoseconds: Int)? {
        // date-fullyear "-" date-month "-" date-mday ("T"/"t") time-hour ":" time-minute ":" time-second
        guard b.count >= 20,
            let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"),
            let month = number(b, 5, 2), b[7] == UInt8(ascii: "-"),
            let day = number(b, 8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"),
            let minute = number(b, 14, 2), b[16] == UInt8(ascii: ":"),
            let second = number(b, 17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var nanoseconds = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, let digit = digitValue(b[index]) {
                if digits < 9 { nanoseconds = nanoseconds * 10 + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { nanoseconds *= 10 }
        }
        guard index < b.count else { return nil }
        var offset = 0
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            guard b.count == index + 6, let offsetHour = number(b, index + 1, 2), b[index + 3] == UInt8(ascii: ":"),
                let offsetMinute = number(b, index + 4, 2), offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offset = (offsetHour * 60 + offsetMinute) * 60 * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        // A leap second is second 59 with its fraction pushed past a full second.
        let leap = second == 60
        let clock = Int64(hour * 3600 + minute * 60 + (leap ? 59 : second))
        let total = days * 86_400 + clock - Int64(offset)
        return (total, leap ? nanoseconds + 1_000_000_000 : nanoseconds)
    }

    private static func number(_ b: [UInt8], _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for i in start..<(start + length) {
            guard let digit = digitValue(b[i]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (the era-based day count of H. Hinnant's
    /// "chrono-Compatible Low-Level Date Algorithms", written out here).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    private static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    // MARK: - Writing

    /// The fraction digits ``utc(seconds:nanoseconds:fraction:)`` writes.
    enum FractionDigits {
        /// Always three (`.000`), the stored form (``Timestamp``); the nanoseconds must be whole milliseconds.
        case milliseconds
        /// Up to nine, trailing zeros dropped, none for a whole second.
        case significant
    }

    /// `yyyy-MM-ddTHH:mm:ss[.fraction]Z` for `seconds` since 1970 and `nanoseconds` (1_000_000_000 and more for a
    /// leap second, see ``nanoseconds``). The one writer of RFC 3339 text: ``utc`` and ``Timestamp/format(_:)`` use
    /// it. A year outside 0–9999 (not RFC 3339) is written with its sign and all its digits.
    static func utc(seconds: Int64, nanoseconds: Int, fraction: FractionDigits) -> String {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        var leap = 0
        var nanoseconds = nanoseconds
        if nanoseconds >= 1_000_000_000 {
            nanoseconds -= 1_000_000_000
            leap = 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        /// Appends `value` zero-padded to `width` digits (more when it has more, after a `-` when negative).
        func put(_ value: Int, width: Int) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var digits = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digits += 1
            }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(width, digits)))
            var index = bytes.count - 1
            while magnitude > 0 && index >= start {
                bytes[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                index -= 1
            }
        }
        put(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        put(Int(rest / 3600), width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(rest % 3600 / 60), width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(rest % 60) + leap, width: 2)
        switch fraction {
        case .milliseconds:
            bytes.append(UInt8(ascii: "."))
            put(nanoseconds / 1_000_000, width: 3)
        case .significant where nanoseconds > 0:
            var value = nanoseconds
            var width = 9
            while value % 10 == 0 {
                value /= 10
                width -= 1
            }
            bytes.append(UInt8(ascii: "."))
            put(value, width: width)
        case .significant:
            break
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
