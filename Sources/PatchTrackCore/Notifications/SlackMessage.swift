import Foundation

/// A Slack incoming-webhook message made from an event's standard body: one short line saying what happened and a
/// line per item (finding, dependent image) with a link to its API resource, at most ``maximumLines`` of them.
public enum SlackMessage {
    static let maximumLines = 10

    /// The message `{"text": …}` for the event `body`; links are made absolute with `baseURL`
    /// (e.g. `https://patchtrack.example.com`).
    public static func body(fromEvent body: Data, baseURL: String) throws -> Data {
        guard let envelope = try JSONSerialization.jsonObject(with: body) as? [String: Any],
            let type = envelope["type"] as? String, let data = envelope["data"] as? [String: Any]
        else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an event body")) }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        func link(_ path: Any?, _ text: String) -> String {
            guard let path = path as? String else { return escape(text) }
            return "<\(base)\(path)|\(escape(text))>"
        }
        var lines: [String] = []
        let image = data["image"] as? [String: Any]
        let imageText = image.map { image in
            let digest = (image["digest"] as? String) ?? ""
            return link((image["links"] as? [String: Any])?["image"], "\(image["repository"] as? String ?? "")@\(digest.prefix(19))")
        }
        let running = (data["running"] as? [[String: Any]] ?? []).map { place in
            "\(place["environment"] as? String ?? "") (\(place["replicas"] as? Int ?? 0) replicas)"
        }
        switch EventType(rawValue: type) {
        case .findingOpened?, .findingClosed?, .advisoryHitsRunning?, .slaDueSoon?, .slaBreached?:
            let count = data["finding_count"] as? Int ?? 0
            let what = [
                "finding.opened": "new findings", "finding.closed": "findings closed", "advisory.hits_running": "advisories hit a running image",
                "sla.due_soon": "findings due within 24 hours", "sla.breached": "findings past their SLA",
            ][type] ?? type
            lines.append("*\(count) \(what)* (highest \(data["highest_severity"] as? String ?? "unknown")) on \(imageText ?? "")")
            if !running.isEmpty { lines.append("Runs in " + running.map(escape).joined(separator: ", ")) }
            for finding in (data["findings"] as? [[String: Any]] ?? []).prefix(maximumLines) {
                let fixed = (finding["fixed_version"] as? String).map { ", fixed in \(escape($0))" } ?? ""
                lines.append("• " + link((finding["links"] as? [String: Any])?["advisory"], finding["vulnerability"] as? String ?? "")
                    + " \(finding["severity"] as? String ?? "") in \(escape(finding["package"] as? String ?? "")) \(escape(finding["installed_version"] as? String ?? ""))\(fixed)")
            }
        case .rebuildRequired?:
            let reasons = (data["reasons"] as? [String] ?? []).joined(separator: ", ")
            lines.append("*Rebuild required* for \(imageText ?? ""): \(escape(reasons))")
            lines.append(link((image?["links"] as? [String: Any])?["rebuild"], "Why"))
        case .baseImageUpdated?:
            lines.append("*Base image updated*: \(escape(data["repository"] as? String ?? "")):\(escape(data["tag"] as? String ?? "")) "
                + "now \(escape(String((data["digest"] as? String ?? "").prefix(19)))), \(data["dependent_count"] as? Int ?? 0) images built on the old one")
            for dependent in (data["dependents"] as? [[String: Any]] ?? []).prefix(maximumLines) {
                lines.append("• " + link((dependent["links"] as? [String: Any])?["image"], dependent["repository"] as? String ?? ""))
            }
        case .rolloutCompleted?, .rolloutAborted?:
            let verb = type == EventType.rolloutCompleted.rawValue ? "completed" : "aborted"
            lines.append("*Rollout \(verb)*: \(escape(data["workload"] as? String ?? "")) in \(escape(data["environment"] as? String ?? "")) to \(imageText ?? "")")
            lines.append(link((data["links"] as? [String: Any])?["rollout"], "Rollout"))
        case .feedFailed?:
            lines.append("*Feed \(escape(data["feed"] as? String ?? "")) failed*: \(escape(data["error"] as? String ?? ""))")
        case .ping?, nil:
            lines.append("PatchTrack: \(escape(type)) \(escape(data["message"] as? String ?? ""))")
        }
        return try JSONSerialization.data(withJSONObject: ["text": lines.joined(separator: "\n")], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Slack's three control characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
