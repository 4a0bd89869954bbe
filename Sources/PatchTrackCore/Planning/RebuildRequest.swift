import Foundation

/// An open request, by a person or a system, to rebuild an image.
public struct RebuildRequest: Hashable, Sendable {
    /// Who asked.
    public var requestedBy: String
    /// Why they asked, in their words.
    public var reason: String
    /// When they asked.
    public var requestedAt: Date

    /// Creates a request.
    public init(requestedBy: String, reason: String, requestedAt: Date) {
        self.requestedBy = requestedBy
        self.reason = reason
        self.requestedAt = requestedAt
    }

    /// Oldest first, then requester and reason: the order reasons list requests in.
    static func precedes(_ lhs: RebuildRequest, _ rhs: RebuildRequest) -> Bool {
        if lhs.requestedAt != rhs.requestedAt { return lhs.requestedAt < rhs.requestedAt }
        return (lhs.requestedBy, lhs.reason) < (rhs.requestedBy, rhs.reason)
    }
}
