import ArgumentParser
import Foundation
import PatchTrackCore
import PatchTrackStorage

/// `patchtrack import`: bulk back-fills written straight into the database through the same code path as the API.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import documents into the database without the HTTP API.",
        subcommands: [Scan.self, OSV.self])

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
            let failures = try await database.withMigratedExecutor { executor in
                let scans = ScanStore(executor: executor)
                var failures = 0
                for file in files {
                    do {
                        let data = try Data(contentsOf: URL(fileURLWithPath: file))
                        let parsed = try ScanIngest.parse(data, contentType: nil, override: override)
                        let result = try await scans.ingest(
                            contentHash: ScanStore.contentHash(of: data), document: parsed.document, normalized: parsed.normalized,
                            registration: parsed.registration)
                        print(
                            "\(file): \(result.isNew ? "imported" : "unchanged") scan \(result.scanID) \(result.format.rawValue) "
                                + "for \(result.repository)@\(result.imageDigest): \(result.componentCount) components, "
                                + "\(result.verdictCount) scanner verdicts, \(result.skipped.count) skipped")
                    } catch let failure as ScanIngest.Failure {
                        failures += 1
                        FileHandle.standardError.write(Data("\(file): \(failure)\n".utf8))
                    } catch {
                        failures += 1
                        FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                    }
                }
                return failures
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    /// `patchtrack import osv PATH...`: OSV records from files (a record or an array), folders (every `.json` below)
    /// or zip archives (osv.dev's `all.zip`), each matched against every stored component.
    struct OSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import OSV advisories from files, folders or zip archives.")

        @Argument(help: "Files, folders or zip archives.")
        var paths: [String]

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let totals = try await database.withMigratedExecutor { executor in
                try await Self.importAll(paths, into: AdvisoryStore(executor: executor))
            }
            let order: [AdvisoryIntakeItem.Outcome] = [.created, .updated, .unchanged, .older, .rejected]
            print(order.map { "\($0.rawValue) \(totals[$0] ?? 0)" }.joined(separator: ", "))
            let accepted = totals.filter { $0.key != .rejected }.values.reduce(0, +)
            if accepted == 0 && (totals[.rejected] ?? 0) > 0 { throw ExitCode(1) }
        }

        /// Imports every record below `paths`, returning how many had each outcome.
        static func importAll(_ paths: [String], into advisories: AdvisoryStore) async throws -> [AdvisoryIntakeItem.Outcome: Int] {
            var totals: [AdvisoryIntakeItem.Outcome: Int] = [:]
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw ValidationError("\(path) does not exist")
                }
                let batches: [[(position: String, entry: OSVIntake.Entry)]]
                do {
                    if isDirectory.boolValue {
                        batches = try Self.folderBatches(path)
                    } else {
                        let data = try Data(contentsOf: URL(fileURLWithPath: path))
                        let entries = OSVBundle.isZip(data) ? try OSVBundle.entries(zip: data) : try OSVBundle.entries(json: data)
                        batches = stride(from: 0, to: entries.count, by: 5_000).map { Array(entries[$0..<min($0 + 5_000, entries.count)]) }
                    }
                } catch let failure as OSVBundle.Failure {
                    throw ValidationError("\(path): \(failure)")
                }
                // One stage for the file's events: one finding.opened per image for the whole import (a stage left
                // by a failed import is coalesced later by `serve`).
                let stage = "import_" + UUID().uuidString.lowercased()
                for batch in batches {
                    for item in try await advisories.ingest(batch, eventStage: stage) {
                        totals[item.outcome, default: 0] += 1
                        if item.outcome == .rejected {
                            FileHandle.standardError.write(Data("\(path) \(item.position): \(item.messages.joined(separator: "; "))\n".utf8))
                        }
                    }
                }
                try await advisories.flushEvents(stage: stage)
            }
            return totals
        }

        /// Every `.json` file below `path`, read in batches of 5,000 records (one transaction each).
        static func folderBatches(_ path: String) throws -> [[(position: String, entry: OSVIntake.Entry)]] {
            let root = URL(fileURLWithPath: path)
            let files = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
                .filter { $0.pathExtension.lowercased() == "json" }
                .sorted { $0.path < $1.path }
            var batches: [[(position: String, entry: OSVIntake.Entry)]] = [[]]
            for file in files {
                let relative = String(file.path.dropFirst(root.path.count + 1))
                let entries = try OSVBundle.entries(json: try Data(contentsOf: file))
                if batches[batches.count - 1].count >= 5_000 { batches.append([]) }
                batches[batches.count - 1] += entries.map { ("\(relative)\($0.position == "0" ? "" : $0.position)", $0.entry) }
            }
            return batches
        }
    }
}

extension DatabaseOptions {
    /// Runs `body` with the database's executor (either engine), migrated first, and closes it afterwards.
    func withMigratedExecutor<T: Sendable>(_ body: (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = try open()
        do {
            _ = try await StorageEngine.migrate(executor)
            let result = try await body(executor)
            try await executor.close()
            return result
        } catch {
            try? await executor.close()
            throw error
        }
    }
}
