import Foundation

/// Reads `PATCHTRACK_*` settings from the process environment.
enum Environment {
    /// The non-empty value of `name`, if set.
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
