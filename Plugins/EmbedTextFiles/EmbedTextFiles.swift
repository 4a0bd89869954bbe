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
            // The SQLite migrations (migrations/*.sql) and their PostgreSQL forms (migrations/postgres/*.sql).
            return try [
                embed(context, tool, directory: "migrations", mode: "migrations", output: "EmbeddedMigrations.swift"),
                embed(
                    context, tool, directory: "migrations/postgres", mode: "postgres-migrations",
                    output: "EmbeddedPostgresMigrations.swift"),
            ]
        }
    }

    private func embed(_ context: PluginContext, _ tool: URL, directory: String, mode: String, output: String) throws -> Command {
        let folder = context.package.directoryURL.appending(path: directory)
        let files = try FileManager.default
            .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let outputURL = context.pluginWorkDirectoryURL.appending(path: output)
        return .buildCommand(
            displayName: "Embedding \(files.count) \(mode)", executable: tool,
            arguments: [mode, outputURL.path] + files.map(\.path), inputFiles: files, outputFiles: [outputURL])
    }
}
