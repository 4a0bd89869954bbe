/// How much of what a client sent an answer repeats back. (Identifier lengths are ``IdentifierLimit``'s, next door.)
public enum InputLimits {
    /// Rejected records, skipped entries and field errors listed in one answer; the rest are counted, not listed
    /// (an array of 200,000 bad records is answered in a few kilobytes).
    public static let listedEntries = 100

    /// The first ``listedEntries`` of `entries` and how many were left out.
    public static func listed<Element>(_ entries: [Element]) -> (listed: [Element], omitted: Int) {
        (Array(entries.prefix(listedEntries)), max(0, entries.count - listedEntries))
    }
}
