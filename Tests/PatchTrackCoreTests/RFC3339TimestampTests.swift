import Foundation
import Testing

import PatchTrackCore

/// RFC 3339 date-times read exactly, as feeds write them.
@Suite struct RFC3339TimestampTests {
    @Test(arguments: [
        ("2026-03-09T02:11:37.555571Z", "2026-03-09T02:11:37.555571Z"),
        ("2023-08-16T19:55:22.076684217-06:00", "2023-08-17T01:55:22.076684217Z"),
        ("2022-10-07T18:59:00Z", "2022-10-07T18:59:00Z"),
        ("2024-02-29t23:59:59.100+00:30", "2024-02-29T23:29:59.1Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ("3001-06-06T10:37:00Z", "3001-06-06T10:37:00Z"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:60Z"),
    ])
    func readsAndNormalisesToUTC(text: String, utc: String) throws {
        let timestamp = try #require(RFC3339Timestamp(text))
        #expect(timestamp.utc == utc)
        #expect(timestamp.text == text)
    }

    @Test(arguments: [
        "", "2024-01-01", "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100",
        "2024-01-01T00:00:00Zjunk", "yesterday",
    ])
    func refusesNonRFC3339(text: String) {
        #expect(RFC3339Timestamp(text) == nil)
    }

    @Test func ordersByInstantAcrossOffsetsAndPrecisions() throws {
        let texts = [
            "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000000001Z", "2024-05-01T09:59:59.999Z",
            "2024-05-01T10:00:00-00:01",
        ]
        let sorted = texts.compactMap(RFC3339Timestamp.init).sorted().map(\.text)
        #expect(sorted == [
            "2024-05-01T09:59:59.999Z", "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000000001Z",
            "2024-05-01T10:00:00-00:01",
        ])
        #expect(RFC3339Timestamp("2024-05-01T12:00:00+02:00") == RFC3339Timestamp("2024-05-01T10:00:00.000Z"))
    }

    @Test func leapSecondSortsAfterSecond59() throws {
        let leap = try #require(RFC3339Timestamp("2016-12-31T23:59:60.5Z"))
        let before = try #require(RFC3339Timestamp("2016-12-31T23:59:59.9Z"))
        let after = try #require(RFC3339Timestamp("2017-01-01T00:00:00Z"))
        #expect(before < leap)
        // the leap second is not a distinct instant in Unix time; it sorts with the minute it belongs to
        #expect(leap.seconds < after.seconds)
    }

    @Test func dateAgreesWithFoundation() throws {
        let timestamp = try #require(RFC3339Timestamp("2023-08-16T19:55:22.25-06:00"))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let foundation = try #require(formatter.date(from: "2023-08-17T01:55:22.250Z"))
        #expect(abs(timestamp.date.timeIntervalSince(foundation)) < 0.000_001)
    }
}
