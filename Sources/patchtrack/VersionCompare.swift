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
    /// block are written before the next read blocks, so an interactive caller gets each answer at once. Lines are
    /// split on bytes (tab and newline are ASCII), not on Characters.
    private func runBatch() throws {
        var schemes: [[UInt8]: VersionSchemeID?] = [:]
        var pending: [UInt8] = []
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        let input = FileHandle.standardInput
        let stdout = FileHandle.standardOutput
        let answers: [Int: [UInt8]] = [-1: Array("-1\n".utf8), 0: Array("0\n".utf8), 1: Array("1\n".utf8)]
        let error = Array("ERR\n".utf8)
        var finished = false
        while !finished {
            let block = input.availableData
            if block.isEmpty {
                finished = true
                if pending.isEmpty { break }
                pending.append(UInt8(ascii: "\n"))
            } else {
                pending.append(contentsOf: block)
            }
            var lineStart = 0
            pending.withUnsafeBufferPointer { bytes in
                var index = 0
                while index < bytes.count {
                    guard bytes[index] == UInt8(ascii: "\n") else {
                        index += 1
                        continue
                    }
                    var lineEnd = index
                    if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                    var result = error
                    // ECOSYSTEM \t A \t B, where B may itself contain tabs (then the versions are invalid anyway).
                    if let firstTab = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: "\t")),
                        let secondTab = bytes[(firstTab + 1)..<lineEnd].firstIndex(of: UInt8(ascii: "\t"))
                    {
                        let name = Array(bytes[lineStart..<firstTab])
                        let scheme: VersionSchemeID?
                        if let cached = schemes[name] {
                            scheme = cached
                        } else {
                            scheme = VersionCompare.scheme(named: String(decoding: name, as: UTF8.self))
                            schemes[name] = scheme
                        }
                        if let scheme {
                            let left = String(decoding: UnsafeBufferPointer(rebasing: bytes[(firstTab + 1)..<secondTab]), as: UTF8.self)
                            let right = String(decoding: UnsafeBufferPointer(rebasing: bytes[(secondTab + 1)..<lineEnd]), as: UTF8.self)
                            if let order = try? scheme.compare(left, right), let text = answers[order] { result = text }
                        }
                    }
                    output.append(contentsOf: result)
                    index += 1
                    lineStart = index
                }
            }
            pending.removeSubrange(0..<lineStart)
            if !output.isEmpty {
                stdout.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The scheme for an oracle short name or an OSV ecosystem name; nil when unknown.
    static func scheme(named name: String) -> VersionSchemeID? {
        if let scheme = VersionSchemeID(shortName: name) { return scheme }
        return EcosystemRelease(osvEcosystem: name).ecosystem.scheme
    }
}
