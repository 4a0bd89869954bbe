/// A use case that cannot be carried out on the stored data.
public enum StorageError: Error, Equatable, Sendable {
    /// The named thing does not exist.
    case notFound(String)
    /// The request contradicts what is stored.
    case conflict(String)
    /// A field of the request names something that cannot be used (e.g. an untracked image).
    case invalid(field: String, message: String)
}
