import ArgumentParser
import Foundation
import PatchTrackCore

/// `patchtrack vercmp ECOSYSTEM A B` prints -1, 0 or 1; `--batch` reads `ECOSYSTEM<TAB>A<TAB>B` lines on stdin and
/// writes one answer per line (`-1`, `0`, `1` or `ERR`), streaming, in order.
struct VersionCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vercmp",
        abstract: "Compare two versions with an ecosystem's rules.",
        discussion: """
            ECOSYSTEM is an OSV ecosystem name (Debian:12, Alpine:v3.19, PyPI, crates.io, ...) or a short name \
            (debian, ubuntu, rpm, alpine, semver, npm, go, pypi, maven, rubygems, nuget, composer, cargo, ...), \
            case-insensitive. An invalid version or an unknown ecosystem exits 2.
            """)

    @Flag(help: "Read ECOSYSTEM<TAB>A<TAB>B lines from standard input.")
    var batch = false

    @Argument(help: "Ecosystem, then the two versions.")
    var arguments: [String] = []

    func validate() throws {
        if batch && !arguments.isEmpty { throw ValidationError("--batch takes no arguments") }
        if !batch && arguments.count != 3 { throw ValidationError("expected ECOSYSTEM A B") }
    }

    func run() throws {
        if batch {
            try runBatch()
            return
        }
        guard let scheme = VersionCompare.scheme(named: arguments[0]) else {
            FileHandle.standardError.write(Data("unknown ecosystem \"\(arguments[0])\"\n".utf8))
            throw ExitCode(2)
        }
        do {
            print(try scheme.compare(arguments[1], arguments[2]))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Streams answers in order: input is read in whatever blocks arrive, and the answers to every complete line of a
    /// block are written before the next read blocks, so an interactive caller gets each answer at once.
    private func runBatch() throws {
        var schemes: [Substring: VersionSchemeID?] = [:]
        var pending = Data()
        var output = Data()
        let input = FileHandle.standardInput
        let stdout = FileHandle.standardOutput

        func answer(_ line: Data) {
            var text = String(decoding: line, as: UTF8.self)[...]
            if text.hasSuffix("\r") { text = text.dropLast() }
            let fields = text.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            var result = "ERR"
            if fields.count == 3 {
                let scheme: VersionSchemeID?
                if let cached = schemes[fields[0]] {
                    scheme = cached
                } else {
                    scheme = VersionCompare.scheme(named: String(fields[0]))
                    schemes[fields[0]] = scheme
                }
                if let scheme, let order = try? scheme.compare(String(fields[1]), String(fields[2])) {
                    result = String(order)
                }
            }
            output.append(contentsOf: result.utf8)
            output.append(UInt8(ascii: "\n"))
        }

        while true {
            let block = input.availableData
            if block.isEmpty { break }
            pending.append(block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                answer(pending[start..<newline])
                start = pending.index(after: newline)
            }
            pending.removeSubrange(pending.startIndex..<start)
            if !output.isEmpty {
                stdout.write(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { answer(pending) }
        stdout.write(output)
    }

    /// The scheme for an oracle short name or an OSV ecosystem name; nil when unknown.
    static func scheme(named name: String) -> VersionSchemeID? {
        if let scheme = VersionSchemeID(shortName: name) { return scheme }
        return EcosystemRelease(osvEcosystem: name).ecosystem.scheme
    }
}
