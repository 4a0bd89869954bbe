import Foundation
import Testing

/// The `patchtrack` executable, run as users run it (swift test builds every product next to the test bundle).
@Suite("patchtrack command line")
struct CommandLineTests {
    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    private func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil) throws -> Result {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "patchtrack")
        let fallback = URL(fileURLWithPath: ".build/debug/patchtrack").standardizedFileURL
        let executable = try #require([binary, fallback].first { FileManager.default.isExecutableFile(atPath: $0.path) })
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }

    @Test("vercmp prints -1, 0 or 1 with each ecosystem's rules and exits 2 on bad input")
    func versionCompare() throws {
        #expect(try run(["vercmp", "debian", "1.0~rc1-1", "1.0-1"]).output == "-1\n")
        #expect(try run(["vercmp", "Debian:12", "1:1.0", "2.0"]).output == "1\n")
        #expect(try run(["vercmp", "PyPI", "1.0.post1", "1.0"]).output == "1\n")
        #expect(try run(["vercmp", "maven", "1.0-SNAPSHOT", "1.0"]).output == "-1\n")
        #expect(try run(["vercmp", "npm", "1.2.3", "1.2.3"]).output == "0\n")
        let invalid = try run(["vercmp", "npm", "1.2", "1.2.3"])
        #expect(invalid.status == 2)
        #expect(invalid.error.contains("1.2"))
        let unknown = try run(["vercmp", "nonsense", "1", "2"])
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("unknown ecosystem"))
    }

    @Test("serve refuses an inventory retention outside 0 to 36500 days before opening anything")
    func serveValidatesRetention() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run([
            "serve", "--port", "0", "--database", directory.appending(path: "db.sqlite").path, "--inventory-retention-days", "40000",
        ])
        #expect(result.status != 0)
        #expect(result.error.contains("inventory retention"))
        #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "db.sqlite").path))
    }

    @Test("vercmp --batch answers every line in order, ERR for what it cannot compare")
    func versionCompareBatch() throws {
        let input = "debian\t1.0~rc1-1\t1.0-1\nalpine\t1.2.3-r1\t1.2.3\r\nnonsense\t1\t2\nrpm\t1:1.0-1\t2.0-1\nmalformed line\nsemver\t1.0.0-alpha\t1.0.0"
        let result = try run(["vercmp", "--batch"], input: input)
        #expect(result.status == 0)
        #expect(result.output == "-1\n1\nERR\n1\nERR\n-1\n")
    }

    @Test("feed list shows the built-in feeds, disabled; feed sync names an unknown feed; serve --feeds refuses one")
    func feeds() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = try run(["feed", "list", "--database", "cli.sqlite"], in: directory)
        #expect(list.status == 0, "\(list.error)")
        let lines = list.output.split(separator: "\n").filter { !$0.hasPrefix("\t") }
        #expect(lines.map { $0.split(separator: "\t").prefix(3).joined(separator: " ") } == ["epss epss disabled", "kev kev disabled", "osv osv disabled"])
        let sync = try run(["feed", "sync", "nosuch", "--database", "cli.sqlite"], in: directory)
        #expect(sync.status != 0)
        #expect(sync.error.contains("no feed named nosuch"))
        let serve = try run(["serve", "--feeds", "osv,nosuch", "--port", "0", "--database", "cli.sqlite"], in: directory)
        #expect(serve.status != 0)
        #expect(serve.error.contains("no feed named nosuch"))
        // nothing was enabled by the refused start
        #expect(try run(["feed", "list", "--database", "cli.sqlite"], in: directory).output.contains("osv\tosv\tdisabled"))
    }

    @Test("import osv reads a folder of real records; token create prints a token once")
    func importAndTokens() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "patchtrack-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let advisories = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PatchTrackCoreTests/Fixtures/advisories")
        // One record per .json file below the folder (the fixtures hold no arrays).
        let files = (FileManager.default.enumerator(at: advisories, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
            .filter { $0.pathExtension == "json" }.count
        #expect(files >= 12)
        let first = try run(["import", "osv", advisories.path, "--database", "cli.sqlite"], in: directory)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output == "created \(files), updated 0, unchanged 0, older 0, rejected 0\n")
        let again = try run(["import", "osv", advisories.path, "--database", "cli.sqlite"], in: directory)
        #expect(again.output == "created 0, updated 0, unchanged \(files), older 0, rejected 0\n")
        let token = try run(["token", "create", "--role", "read", "--name", "grafana", "--database", "cli.sqlite"], in: directory)
        #expect(token.status == 0)
        #expect(token.output.hasPrefix("pt_") && token.output.count == 57)
        let badRole = try run(["token", "create", "--role", "root", "--name", "x", "--database", "cli.sqlite"], in: directory)
        #expect(badRole.status != 0)
    }
}
