import ArgumentParser
import Foundation
import PatchTrackCore
import PatchTrackHTTP
import PatchTrackStorage

/// `patchtrack import`: bulk back-fills written straight into the database through the same code path as the API.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import documents into the database without the HTTP API.",
        subcommands: [Scan.self])

    /// `patchtrack import scan FILE... [--image REF]`.
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import SBOMs and scanner reports (CycloneDX, SPDX, Syft, Trivy, Grype JSON).")

        @Argument(help: "Documents to import.")
        var files: [String]

        @Option(help: "The image the documents describe, REPOSITORY[:TAG]@sha256:… (otherwise read from each document).")
        var image: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            var override: ImageReference?
            if let image {
                do {
                    override = try ImageReference(parsing: image)
                } catch {
                    throw ValidationError("--image: \(error.reason)")
                }
            }
            let appDatabase = try AppDatabase(path: database.path)
            var failures = 0
            for file in files {
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: file))
                    let parsed = try ScanIngest.parse(data, contentType: nil, override: override)
                    let result = try await appDatabase.ingestScan(
                        contentHash: AppDatabase.contentHash(of: data), document: parsed.document, normalized: parsed.normalized, registration: parsed.registration)
                    print(
                        "\(file): \(result.isNew ? "imported" : "unchanged") scan \(result.scanID) \(result.format.rawValue) "
                            + "for \(result.repository)@\(result.imageDigest): \(result.componentCount) components, "
                            + "\(result.verdictCount) scanner verdicts, \(result.skipped.count) skipped")
                } catch let problem as ProblemDetails {
                    failures += 1
                    FileHandle.standardError.write(Data("\(file): \(problem.detail)\n".utf8))
                } catch {
                    failures += 1
                    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                }
            }
            try appDatabase.close()
            if failures > 0 { throw ExitCode(1) }
        }
    }
}
