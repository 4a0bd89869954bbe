import Foundation

/// One reason of a rebuild plan entry (`RebuildReason` in openapi.yaml) as the rebuild queue and the image page show
/// it: the API's summary, then the facts of its code with every image and advisory they name linked.
struct RebuildReasonView {
    struct Finding {
        let advisory: String
        let href: String
        let package: String
        let installed: String
        let fixed: String
        let severity: String
        let layer: String
    }
    struct Request {
        let by: String
        let reason: String
        let at: String
    }
    struct Link {
        let label: String
        let text: String
        let href: String
    }

    let code: String
    let label: String
    let summary: String
    let findings: [Finding]
    /// Whether `findings` has rows (the template opens its list once).
    let hasFindings: Bool
    let findingCount: Int
    let requests: [Request]
    let links: [Link]
    let trustedPatterns: [String]
    let hasTrustedPatterns: Bool

    init(_ reason: APIValue) {
        code = reason["code"].text
        label = DashboardFormat.label(code)
        summary = reason["summary"].text
        findings = reason["findings"].array.map {
            let advisory = $0["advisory"].text
            return Finding(
                advisory: advisory, href: DashboardFormat.advisoryPath(advisory), package: $0["package"].text,
                installed: $0["installed_version"].text, fixed: $0["fixed_version"].string ?? "—", severity: $0["severity"].text,
                layer: $0["layer_origin"].text)
        }
        hasFindings = !findings.isEmpty
        findingCount = findings.count
        requests = reason["requests"].array.map {
            Request(by: $0["requested_by"].text, reason: $0["reason"].text, at: DashboardFormat.time($0["requested_at"].string))
        }
        let digests: [(String, String)] = [("built_from", "Built from"), ("current", "Base tag now at"), ("base_digest", "Base")]
        links = digests.compactMap { key, label in
            guard let digest = reason[key].string, !digest.isEmpty else { return nil }
            return Link(label: label, text: DashboardFormat.shortDigest(digest), href: DashboardFormat.imagePath(digest))
        }
        trustedPatterns = reason["trusted_patterns"].array.map(\.text)
        hasTrustedPatterns = !trustedPatterns.isEmpty
    }
}
