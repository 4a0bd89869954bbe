/// A version ordering as one ecosystem's package manager defines it.
///
/// Each conforming type lives in its own file, headed by the specification or upstream source it follows and the
/// deliberate deviations from it. `parse` validates exactly as the real implementation does; comparison happens on
/// the parsed value so that a version compared many times is parsed once.
public protocol VersionScheme: Sendable {
    /// The parsed, comparable form of a version string.
    associatedtype Version: Comparable & Sendable

    /// A short stable name for messages ("dpkg", "rpm", ...).
    var name: String { get }

    /// Parses `string`, throwing ``VersionError`` when the ecosystem would reject it.
    func parse(_ string: String) throws(VersionError) -> Version
}

extension VersionScheme {
    /// Compares two version strings: -1, 0 or 1.
    public func compare(_ lhs: String, _ rhs: String) throws(VersionError) -> Int {
        let a = try parse(lhs)
        let b = try parse(rhs)
        return a < b ? -1 : (a == b ? 0 : 1)
    }
}

/// A version string that its scheme rejects.
public struct VersionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The scheme's name.
    public var scheme: String
    /// The rejected input.
    public var version: String
    /// Why it was rejected.
    public var reason: String

    /// Creates an error for `version` in `scheme`.
    public init(scheme: String, version: String, reason: String) {
        self.scheme = scheme
        self.version = version
        self.reason = reason
    }

    public var description: String { "invalid \(scheme) version \"\(version)\": \(reason)" }
}
