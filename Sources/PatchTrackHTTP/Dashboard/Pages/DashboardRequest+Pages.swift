import Foundation
import Hummingbird

extension DashboardRequest {
    /// The path parameter `name` of the page's route, percent-decoded.
    func parameter(_ name: String) -> String {
        request.pathParameter(name, context)
    }

    /// The path parameter `name` percent-encoded again as one segment of an API path.
    func segment(_ name: String) -> String {
        DashboardAPI.segment(parameter(name))
    }

    /// The page's query parameters among `names`, in that order, with their values (nil when absent or empty).
    func queries(_ names: [String]) -> [(String, String?)] {
        names.map { ($0, query($0)) }
    }

    /// The query parameters among `names` that have a value.
    func presentQueries(_ names: [String]) -> [String: String] {
        Dictionary(names.compactMap { name in query(name).map { (name, $0) } }, uniquingKeysWith: { $1 })
    }
}
