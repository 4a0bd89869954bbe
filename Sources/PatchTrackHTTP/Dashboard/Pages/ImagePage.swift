import Foundation
import Hummingbird
import PatchTrackCore

/// `/ui/images/{digest}`: reads the image (an unknown one is the API's 404), then everything ``ImageView`` shows.
enum ImagePage {
    /// How far the page follows the base lineage up and the successors down.
    static let maximumSteps = 10
    /// How many of the builds that name the image the page lists, newest first.
    static let buildsShown = "100"

    static func handle(_ page: DashboardRequest) async throws -> Response {
        let path = "/v1/images/" + page.segment("digest")
        let image = try await page.json(path)
        let names = ImageView.filterNames + ["limit", "cursor"]
        async let findings = page.json(path + "/findings", page.queries(names))
        async let disagreements = page.json(path + "/disagreements")
        let digest = image["digest"].string
        async let builds = page.json("/v1/builds", [("digest", digest), ("limit", buildsShown)])
        let rebuild: APIValue
        do {
            rebuild = try await page.json(path + "/rebuild")
        } catch let problem as ProblemDetails where problem.status == .conflict {
            // The plan cannot be ordered (a lineage loop): the page still shows the rest, with the API's reason.
            rebuild = APIValue(["counted": false, "needs_rebuild": false, "detail": problem.detail, "checks": [Any]()])
        }
        let view = ImageView(
            image: image, bases: try await bases(of: image, page), successors: try await successors(of: image, page),
            findings: try await findings, filters: page.presentQueries(names),
            disagreements: try await disagreements, rebuild: rebuild, builds: try await builds,
            running: try await page.json("/v1/images/" + page.segment("digest") + "/running"), chrome: page.chrome(.other))
        return DashboardRenderer.shared.response("image", view)
    }

    /// The `base` objects up the lineage, each with the image it names when the API tracks that digest.
    static func bases(of image: APIValue, _ page: DashboardRequest) async throws -> [(base: APIValue, image: APIValue?)] {
        var steps: [(base: APIValue, image: APIValue?)] = []
        var seen: Set<String> = [image["digest"].text]
        var current = image
        while steps.count < maximumSteps, !current["base"].isNull {
            let base = current["base"]
            guard let digest = base["digest"].string, seen.insert(digest).inserted else {
                steps.append((base, nil))
                break
            }
            let tracked = try await optionalImage(digest, page)
            steps.append((base, tracked))
            guard let tracked else { break }
            current = tracked
        }
        return steps
    }

    /// The images that replaced this one by succeeded builds, in order.
    static func successors(of image: APIValue, _ page: DashboardRequest) async throws -> [APIValue] {
        var result: [APIValue] = []
        var seen: Set<String> = [image["digest"].text]
        var next = image["successor"].string
        while let digest = next, result.count < maximumSteps, seen.insert(digest).inserted {
            guard let successor = try await optionalImage(digest, page) else { break }
            result.append(successor)
            next = successor["successor"].string
        }
        return result
    }

    /// The image with `digest`, nil when the API does not track it.
    private static func optionalImage(_ digest: String, _ page: DashboardRequest) async throws -> APIValue? {
        do {
            return try await page.json("/v1/images/" + DashboardAPI.segment(digest))
        } catch let problem as ProblemDetails where problem.status == .notFound {
            return nil
        }
    }
}
