import Foundation

/// A Prometheus text exposition (format 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/) read
/// back into samples, for tests: written here rather than trusting the library that wrote it.
///
/// Strict where a scraper would be: a malformed line, a second `# TYPE` for a family, a `# TYPE` after the family's
/// samples, or the same series twice is an error.
struct PrometheusText {
    /// One sample line: `name{label="value",...} value`.
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// One histogram series read from its `_bucket`, `_sum` and `_count` samples.
    struct Histogram {
        /// Upper bound → cumulative count, `+Inf` included, ordered by bound.
        let buckets: [(bound: Double, count: Double)]
        let sum: Double
        let count: Double

        /// Whether the bucket counts never decrease and `+Inf` equals the count.
        var isCumulative: Bool {
            zip(buckets, buckets.dropFirst()).allSatisfy { $0.count <= $1.count }
                && buckets.last?.bound == .infinity && buckets.last?.count == count
        }
    }

    /// A line the reader rejects, with its 1-based number.
    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    private(set) var samples: [Sample] = []
    /// Family name → `# HELP` text.
    private(set) var help: [String: String] = [:]
    /// Family name → `# TYPE` (counter, gauge, histogram, ...).
    private(set) var types: [String: String] = [:]

    init(parsing text: String) throws {
        var seenSeries = Set<String>()
        var familiesWithSamples = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(rawLine)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { continue }
                let name = parts[2]
                let rest = parts.count > 3 ? parts[3] : ""
                if parts[1] == "HELP" {
                    guard help[name] == nil else { throw ParseError(line: number, reason: "second HELP for \(name)") }
                    help[name] = rest.replacingOccurrences(of: #"\n"#, with: "\n").replacingOccurrences(of: #"\\"#, with: "\\")
                } else {
                    guard types[name] == nil else { throw ParseError(line: number, reason: "second TYPE for \(name)") }
                    guard !familiesWithSamples.contains(name) else {
                        throw ParseError(line: number, reason: "TYPE for \(name) after its samples")
                    }
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) else {
                        throw ParseError(line: number, reason: "unknown type \(rest)")
                    }
                    types[name] = rest
                }
                continue
            }
            let sample = try Self.sample(line, number: number)
            let key = sample.name + "{" + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
            guard seenSeries.insert(key).inserted else { throw ParseError(line: number, reason: "series \(key) twice") }
            familiesWithSamples.insert(Self.family(of: sample.name))
            samples.append(sample)
        }
    }

    /// The value of the series with exactly these labels, if present.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample named `name`.
    func samples(named name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }

    /// The histogram `name` with exactly these labels (besides `le`), if present.
    func histogram(_ name: String, _ labels: [String: String] = [:]) -> Histogram? {
        let buckets = samples(named: name + "_bucket").compactMap { sample -> (bound: Double, count: Double)? in
            var rest = sample.labels
            guard let le = rest.removeValue(forKey: "le"), rest == labels, let bound = Self.number(le) else { return nil }
            return (bound, sample.value)
        }
        guard !buckets.isEmpty, let sum = value(name + "_sum", labels), let count = value(name + "_count", labels) else {
            return nil
        }
        return Histogram(buckets: buckets.sorted { $0.bound < $1.bound }, sum: sum, count: count)
    }

    // MARK: - Reading one sample line

    private static func sample(_ line: String, number: Int) throws -> Sample {
        var scalars = Substring(line)
        let name = String(scalars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard let first = name.first, !first.isNumber else { throw ParseError(line: number, reason: "no metric name") }
        scalars = scalars.dropFirst(name.count)
        var labels: [String: String] = [:]
        if scalars.first == "{" {
            scalars = scalars.dropFirst()
            while scalars.first != "}" {
                let label = String(scalars.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard !label.isEmpty else { throw ParseError(line: number, reason: "no label name") }
                scalars = scalars.dropFirst(label.count)
                guard scalars.hasPrefix("=\"") else { throw ParseError(line: number, reason: "label \(label) without =\"") }
                scalars = scalars.dropFirst(2)
                var value = ""
                while true {
                    guard let character = scalars.popFirst() else { throw ParseError(line: number, reason: "unterminated label value") }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch scalars.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ParseError(line: number, reason: "bad escape in label \(label)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else {
                    throw ParseError(line: number, reason: "label \(label) twice")
                }
                if scalars.first == "," { scalars = scalars.dropFirst() }
            }
            scalars = scalars.dropFirst()
        }
        let fields = scalars.split(separator: " ")
        guard (1...2).contains(fields.count), let value = Self.number(String(fields[0])) else {
            throw ParseError(line: number, reason: "bad value in \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// The family a sample belongs to: histogram and summary samples carry a suffix.
    private static func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
