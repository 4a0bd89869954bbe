import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/advisories/{id}` (an unknown id is the API's 404) and `/ui/advisories`, the lookup form: with `?id=` it
/// redirects to the advisory's page.
enum AdvisoryPage {
    /// The lookup form.
    struct LookupView {
        let title = "Look up an advisory"
        let chrome: DashboardChrome
    }

    static func handle(_ page: DashboardRequest) async throws -> Response {
        let path = "/v1/advisories/" + page.segment("id")
        let advisory = try await page.json(path)
        async let images = page.json(path + "/images")
        async let exposure = page.json(path + "/exposure")
        let progress = try await page.json(path + "/progress")
        let view = AdvisoryView(
            advisory: advisory, images: try await images, progress: progress, exposure: try await exposure,
            timeline: try await timeline(vulnerability: progress["vulnerability_id"].string, page), chrome: page.chrome(.other))
        return DashboardRenderer.shared.response("advisory", view)
    }

    /// `/ui/advisories?id=X` → `/ui/advisories/X`; without an id, the form.
    static func lookup(_ page: DashboardRequest) async throws -> Response {
        if let id = page.query("id")?.trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty {
            return DashboardRenderer.redirect(to: DashboardFormat.advisoryPath(id))
        }
        return DashboardRenderer.shared.response("lookup", LookupView(chrome: page.chrome(.other)))
    }

    /// The timeline of one fixable finding of the vulnerability (it carries when the fix became available, which the
    /// progress answer does not); nil when there is none or it has no timeline (VEX-suppressed).
    private static func timeline(vulnerability: String?, _ page: DashboardRequest) async throws -> APIValue? {
        guard let vulnerability else { return nil }
        let findings = try await page.json("/v1/findings", [("vulnerability", vulnerability), ("fixable", "true"), ("limit", "1")])
        guard let id = findings["items"].array.first?["id"].int else { return nil }
        do {
            return try await page.json("/v1/findings/\(id)/timeline")
        } catch let problem as ProblemDetails where problem.status == .notFound {
            return nil
        }
    }
}
