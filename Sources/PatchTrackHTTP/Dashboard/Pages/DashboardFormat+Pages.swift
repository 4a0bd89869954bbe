import Foundation
import PatchTrackCore

extension DashboardFormat {
    /// Seconds between two API times, nil unless both are times.
    static func seconds(from start: String?, to end: String?) -> Double? {
        guard let start, let end, let from = Timestamp.parse(start), let to = Timestamp.parse(end) else { return nil }
        return to.timeIntervalSince(from)
    }

    /// `fixable_vulnerability` → `Fixable vulnerability`.
    static func label(_ code: String) -> String {
        let words = code.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
