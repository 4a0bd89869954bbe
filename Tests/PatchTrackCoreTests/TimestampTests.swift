import Foundation
import Testing

@testable import PatchTrackCore

@Suite("Timestamp")
struct TimestampTests {
    static let reference = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Foundation truncates the fraction (so 0.999 read back as 0.99899… prints .998) and switches to the Julian
    /// calendar before 1582; RFC 3339 is proleptic Gregorian. Compared here on Gregorian dates, each a fifth of a
    /// millisecond past its millisecond, where truncating and rounding agree.
    @Test("formats like Foundation's ISO 8601 style, to the millisecond, across centuries and leap days")
    func formatsLikeFoundation() {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "1900-03-01T00:00:00.000Z", "2100-02-28T12:00:00.500Z",
            "1969-12-31T23:59:59.999Z", "2026-11-27T11:00:00.000Z", "1601-01-01T00:00:00.000Z", "9999-12-31T23:59:59.998Z",
        ].map { try! Self.reference.parse($0).addingTimeInterval(0.0002) }
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -11_600_000_000_000...253_400_000_000_000, using: &generator)
            dates.append(Date(timeIntervalSince1970: Double(milliseconds) / 1000 + 0.0002))
        }
        for date in dates {
            #expect(Timestamp.format(date) == date.formatted(Self.reference), "\(date.timeIntervalSince1970)")
        }
    }

    @Test("parses what it formats back to the same millisecond, and other RFC 3339 forms")
    func roundTrips() throws {
        for text in ["2026-03-02T01:00:00.000Z", "2000-02-29T23:59:59.999Z", "1969-12-31T23:59:59.001Z"] {
            let date = try #require(Timestamp.parse(text))
            #expect(Timestamp.format(date) == text)
        }
        #expect(Timestamp.parse("2026-03-02T03:00:00+02:00") == Timestamp.parse("2026-03-02T01:00:00Z"))
        #expect(Timestamp.parse("2026-03-02T01:00:00.5Z").map(Timestamp.format) == "2026-03-02T01:00:00.500Z")
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2026-02-30T00:00:00Z") == nil)
    }

    @Test("the stored form and RFC3339Timestamp's UTC form come from one writer")
    func oneWriter() throws {
        let timestamp = try #require(RFC3339Timestamp("2016-12-31T23:59:59.25-01:00"))
        #expect(timestamp.utc == "2017-01-01T00:59:59.25Z")
        #expect(Timestamp.format(timestamp.date) == "2017-01-01T00:59:59.250Z")
        // years outside RFC 3339's four digits keep their sign and digits rather than wrapping
        #expect(Timestamp.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -62_167_219_201)) == "-0001-12-31T23:59:59.000Z")
    }
}
