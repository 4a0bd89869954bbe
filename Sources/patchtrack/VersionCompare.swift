import ArgumentParser

/// `patchtrack vercmp ECOSYSTEM A B` (placeholder until the ecosystem table lands).
struct VersionCompare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vercmp", abstract: "Compare two versions of an ecosystem.")
}
