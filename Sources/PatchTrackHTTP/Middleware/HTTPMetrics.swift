import Foundation
import Synchronization

/// Request counters and latency histograms in memory, rendered in the Prometheus text exposition format.
final class HTTPMetrics: Sendable {
    private struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Series {
        var count = 0
        var sum = 0.0
        var buckets: [Int]
    }

    /// Upper bounds of the latency histogram, in seconds.
    static let bounds: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]

    private let series = Mutex<[Key: Series]>([:])

    /// Records one finished request.
    func record(method: String, route: String, status: Int, seconds: Double) {
        series.withLock { all in
            let key = Key(method: method, route: route, status: status)
            var entry = all[key] ?? Series(buckets: Array(repeating: 0, count: Self.bounds.count))
            entry.count += 1
            entry.sum += seconds
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
            all[key] = entry
        }
    }

    /// The exposition text of the HTTP series.
    func render() -> String {
        let snapshot = series.withLock { $0 }
        let keys = snapshot.keys.sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }
        var lines = [
            "# HELP patchtrack_http_requests_total HTTP requests answered, by route template, method and status.",
            "# TYPE patchtrack_http_requests_total counter",
        ]
        for key in keys {
            lines.append("patchtrack_http_requests_total{\(labels(key))} \(snapshot[key]!.count)")
        }
        lines += [
            "# HELP patchtrack_http_request_duration_seconds Time to answer HTTP requests.",
            "# TYPE patchtrack_http_request_duration_seconds histogram",
        ]
        for key in keys {
            let entry = snapshot[key]!
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("patchtrack_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(entry.buckets[index])")
            }
            lines.append("patchtrack_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(entry.count)")
            lines.append("patchtrack_http_request_duration_seconds_sum{\(labels(key))} \(entry.sum)")
            lines.append("patchtrack_http_request_duration_seconds_count{\(labels(key))} \(entry.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func labels(_ key: Key) -> String {
        "route=\"\(escape(key.route))\",method=\"\(key.method)\",status=\"\(key.status)\""
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
