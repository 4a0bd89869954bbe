import Foundation
import PatchTrackCore

/// How the dashboard writes figures: durations in days and hours, times in UTC to the minute, severities in their
/// order with a class name each.
enum DashboardFormat {
    /// `3d 4h`, `5h 10m`, `42m`, `—` for none.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        let minutes = Int((max(0, seconds) / 60).rounded())
        let (days, hours, rest) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60)
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return rest > 0 ? "\(hours)h \(rest)m" : "\(hours)h" }
        return "\(rest)m"
    }

    /// An RFC 3339 time as `2026-12-05 14:03 UTC`; the text as given when it is not one; `—` for none.
    static func time(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "—" }
        guard text.count >= 16, text.dropFirst(10).first == "T" else { return text }
        return "\(text.prefix(10)) \(text.dropFirst(11).prefix(5)) UTC"
    }

    /// The severities from the most to the least severe.
    static let severities: [SeverityLevel] = SeverityLevel.allCases.reversed()

    /// A short digest for a link text: `sha256:0123456789ab`.
    static func shortDigest(_ digest: String) -> String {
        guard let colon = digest.firstIndex(of: ":") else { return String(digest.prefix(19)) }
        return String(digest[...colon]) + String(digest[digest.index(after: colon)...].prefix(12))
    }

    /// The dashboard path of an image.
    static func imagePath(_ digest: String) -> String { "/ui/images/" + DashboardAPI.segment(digest) }
    /// The dashboard path of an advisory.
    static func advisoryPath(_ id: String) -> String { "/ui/advisories/" + DashboardAPI.segment(id) }
    /// The dashboard path of an environment.
    static func environmentPath(_ name: String) -> String { "/ui/environments/" + DashboardAPI.segment(name) }

    /// A query string (`?a=1&b=2`, empty for none) of the parameters that have a value.
    static func query(_ items: [(String, String?)]) -> String {
        var components = URLComponents()
        let present = items.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        guard !present.isEmpty else { return "" }
        components.queryItems = present
        return "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }
}
