import Foundation
import PackagePlugin

/// Embeds text files of the package into a target as Swift string literals, so the binary carries them wherever it
/// is started from (no resource bundle to ship next to it): `migrations/*.sql` into PatchTrackStorage
/// (`EmbeddedMigrations`), `openapi.yaml` into PatchTrackHTTP (`EmbeddedOpenAPI`), and the dashboard's templates and
/// stylesheet into PatchTrackHTTP (`EmbeddedDashboard`).
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
                    arguments: ["openapi", output.path, file.path], inputFiles: [file], outputFiles: [output]),
                try embed(
                    context, tool, directory: "Sources/PatchTrackHTTP/Dashboard/Templates", mode: "dashboard",
                    output: "EmbeddedDashboard.swift", extensions: ["mustache", "css"]),
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

    private func embed(
        _ context: PluginContext, _ tool: URL, directory: String, mode: String, output: String, extensions: Set<String> = ["sql"]
    ) throws -> Command {
        let folder = context.package.directoryURL.appending(path: directory)
        let files = try FileManager.default
            .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { extensions.contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let outputURL = context.pluginWorkDirectoryURL.appending(path: output)
        // The tool lists the directory itself when it runs: SwiftPM may reuse this plan (it does not re-run plugins
        // for a file added outside the targets' sources), and the directory input reruns the command when a file is
        // added; the files are inputs for edits to them.
        return .buildCommand(
            displayName: "Embedding \(mode)", executable: tool,
            arguments: [mode, outputURL.path, folder.path], inputFiles: [folder] + files, outputFiles: [outputURL])
    }
}
