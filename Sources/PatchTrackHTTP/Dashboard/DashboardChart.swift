import Foundation

/// A chart drawn on the server as inline SVG: coordinates are computed here, every label is text the template
/// escapes. Line charts draw one series per class over numbered points; bar charts one bar per label. Each carries
/// its data as a table too (for readers without sight of the picture, and for tests).
struct DashboardChart {
    struct GridLine {
        let y: String
        let label: String
    }
    struct AxisLabel {
        let x: String
        let label: String
        /// `start`, `middle` or `end`: the outer labels of a line chart stay inside the picture.
        var anchor = "middle"
    }
    struct Line {
        let name: String
        let cls: String
        let points: String
    }
    struct Bar {
        let label: String
        let value: String
        let cls: String
        let x: String
        let y: String
        let width: String
        let height: String
    }
    struct LegendEntry {
        let name: String
        let cls: String
    }
    struct Row {
        let cells: [String]
    }

    static let width = 640.0
    static let height = 220.0
    static let left = 48.0
    static let right = 12.0
    static let top = 12.0
    static let bottom = 28.0

    let id: String
    let title: String
    let width = Int(DashboardChart.width)
    let height = Int(DashboardChart.height)
    let axisX = DashboardChart.left
    let axisEnd = DashboardChart.width - DashboardChart.right
    let labelX = DashboardChart.left - 6
    let labelY = DashboardChart.height - 8
    var grid: [GridLine] = []
    var xLabels: [AxisLabel] = []
    var lines: [Line] = []
    var bars: [Bar] = []
    var legend: [LegendEntry] = []
    /// The data table: a header and rows.
    var header: [String] = []
    var rows: [Row] = []
    /// Nothing to draw (every value zero or missing): the template says so instead.
    var empty = true

    /// Lines over `labels` (x, in order); each series has a name, a CSS class and one value per label.
    static func lines(id: String, title: String, labels: [String], series: [(name: String, cls: String, values: [Double])]) -> DashboardChart {
        var chart = DashboardChart(id: id, title: title)
        let maximum = niceMaximum(series.flatMap(\.values).max() ?? 0)
        chart.grid = gridLines(maximum: maximum)
        let step = labels.count > 1 ? (width - left - right) / Double(labels.count - 1) : 0
        let x = { (index: Int) in left + Double(index) * step }
        let every = max(1, Int((Double(labels.count) / 6).rounded(.up)))
        chart.xLabels = labels.indices.filter { $0 % every == 0 || $0 == labels.count - 1 }.map {
            AxisLabel(x: format(x($0)), label: labels[$0], anchor: $0 == 0 ? "start" : ($0 == labels.count - 1 ? "end" : "middle"))
        }
        chart.lines = series.map { series in
            let points = series.values.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element, maximum)))" }
            return Line(name: series.name, cls: series.cls, points: points.joined(separator: " "))
        }
        chart.legend = series.map { LegendEntry(name: $0.name, cls: $0.cls) }
        chart.empty = labels.isEmpty || series.allSatisfy { $0.values.allSatisfy { $0 == 0 } }
        chart.header = ["Day"] + series.map(\.name)
        chart.rows = labels.indices.map { index in Row(cells: [labels[index]] + series.map { number($0.values[safe: index] ?? 0) }) }
        return chart
    }

    /// One bar per entry, with the value's own text (a duration, a count).
    static func bars(id: String, title: String, unit: String, entries: [(label: String, value: Double?, text: String)]) -> DashboardChart {
        var chart = DashboardChart(id: id, title: title)
        let maximum = niceMaximum(entries.compactMap(\.value).max() ?? 0)
        chart.grid = gridLines(maximum: maximum, text: unit == "seconds" ? { DashboardFormat.duration($0) } : number)
        let slot = (width - left - right) / Double(max(entries.count, 1))
        let barWidth = slot * 0.6
        for (index, entry) in entries.enumerated() {
            let x = left + Double(index) * slot + (slot - barWidth) / 2
            chart.xLabels.append(AxisLabel(x: format(x + barWidth / 2), label: entry.label))
            guard let value = entry.value else { continue }
            let top = y(value, maximum)
            chart.bars.append(
                Bar(
                    label: entry.label, value: entry.text, cls: "accent", x: format(x), y: format(top), width: format(barWidth),
                    height: format(height - bottom - top)))
        }
        chart.empty = chart.bars.isEmpty
        chart.header = ["Stage", "Median"]
        chart.rows = entries.map { Row(cells: [$0.label, $0.text]) }
        return chart
    }

    /// The y coordinate of `value` on a scale from 0 to `maximum`.
    private static func y(_ value: Double, _ maximum: Double) -> Double {
        let plot = height - top - bottom
        return top + plot - (maximum > 0 ? min(value, maximum) / maximum * plot : 0)
    }

    /// Four grid lines from 0 to `maximum`.
    private static func gridLines(maximum: Double, text: (Double) -> String = number) -> [GridLine] {
        (0...4).map { step in
            let value = maximum * Double(step) / 4
            return GridLine(y: format(y(value, maximum)), label: text(value))
        }
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (at least 4, so the grid has whole steps).
    static func niceMaximum(_ value: Double) -> Double {
        guard value > 4 else { return 4 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
