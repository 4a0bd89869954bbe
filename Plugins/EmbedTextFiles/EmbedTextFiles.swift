import Foundation
import PackagePlugin

/// Embeds text files of the package into a target as Swift string literals, so the binary carries them wherever it
/// is started from (no resource bundle to ship next to it): `migrations/*.sql` into PatchTrackStorage
/// (`EmbeddedMigrations`), `openapi.yaml` into PatchTrackHTTP (`EmbeddedOpenAPI`).
@main
struct EmbedTextFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "EmbedTextFilesTool").url
        switch target.name {
        case "PatchTrackHTTP":
            let file = context.package.directoryURL.appending(path: "openapi.yaml")
            let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedOpenAPI.swift")
            return [
                .buildCommand(
                    displayName: "Embedding openapi.yaml", executable: tool,
                    arguments: ["openapi", output.path, file.path], inputFiles: [file], outputFiles: [output])
            ]
        default:
            let directory = context.package.directoryURL.appending(path: "migrations")
            let files = try FileManager.default
                .contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
            return [
                .buildCommand(
                    displayName: "Embedding \(files.count) migrations", executable: tool,
                    arguments: ["migrations", output.path] + files.map(\.path), inputFiles: files, outputFiles: [output])
            ]
        }
    }
}
