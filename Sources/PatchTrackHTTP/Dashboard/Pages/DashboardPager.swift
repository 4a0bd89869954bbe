import Foundation

/// The foot of a list page: the next page by the API's `next_cursor`, and the page's CSV. Both carry the page's
/// filters and size, so the next page is the API's next page of the same question and the CSV is the API's CSV of
/// exactly the rows shown.
struct DashboardPager {
    /// The next page, nil on the last one.
    let next: String?
    /// The first page, when this is a later one.
    let first: String?
    /// The CSV of this page's rows, nil where the API answers no CSV.
    let csv: String?

    /// A pager for `path` with `filters` (name and value, in link order), the page's `limit` and `cursor` as asked,
    /// and the API's `next_cursor`; `csvScope` are parameters the CSV needs before the filters that the page has in
    /// its path (an environment's name).
    init(
        path: String, csvPath: String?, csvScope: [(String, String?)] = [], filters: [(String, String?)], limit: String?, cursor: String?,
        nextCursor: String?
    ) {
        let sized = filters + [("limit", limit)]
        next = nextCursor.map { path + DashboardFormat.query(sized + [("cursor", $0)]) }
        first = cursor == nil ? nil : path + DashboardFormat.query(sized)
        csv = csvPath.map { $0 + DashboardFormat.query(csvScope + sized + [("cursor", cursor)]) }
    }
}

/// One choice of a filter's `<select>`.
struct DashboardOption {
    let value: String
    let label: String
    let selected: Bool

    /// "Any" (the empty value) and then `values` (value, label), the one equal to `selected` chosen.
    static func list(_ values: [(String, String)], selected: String?, any: String = "Any") -> [DashboardOption] {
        [DashboardOption(value: "", label: any, selected: selected == nil)]
            + values.map { DashboardOption(value: $0.0, label: $0.1, selected: $0.0 == selected) }
    }

    /// The severities from the most severe, for a filter.
    static func severities(selected: String?, including unknown: Bool = true) -> [DashboardOption] {
        let levels = DashboardFormat.severities.map(\.rawValue).filter { unknown || $0 != "unknown" }
        return list(levels.map { ($0, $0) }, selected: selected)
    }
}
