import Foundation

/// Small text rules shared by the parsers: digests, source rpm file names, Trivy's version joining.
enum IngestText {
    /// True for `algorithm:hex` digests of the OCI registered algorithms (sha256, sha384, sha512) with the right
    /// hex length (OCI image-spec descriptor.md, "Digests").
    static func isDigest(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let algorithm = text[..<colon]
        let hex = text.utf8[text.utf8.index(after: colon)...]
        let expected: Int
        switch algorithm {
        case "sha256": expected = 64
        case "sha384": expected = 96
        case "sha512": expected = 128
        default: return false
        }
        return hex.count == expected && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The digest inside a `name@digest` reference or an `pkg:oci/...@digest?...` purl (percent-decoding `%3A`).
    static func digest(inReference reference: String) -> String? {
        guard let at = reference.lastIndex(of: "@") else { return nil }
        var candidate = String(reference[reference.index(after: at)...])
        if let query = candidate.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            candidate = String(candidate[..<query])
        }
        candidate = candidate.replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%3a", with: ":")
        return isDigest(candidate) ? candidate : nil
    }

    /// Splits a source rpm file name `name-version-release.src.rpm` into name and `version-release`
    /// (rpm's NEVRA naming; the epoch is never part of the file name).
    static func sourceRPM(_ fileName: String) -> (name: String, version: String)? {
        var base = Substring(fileName)
        for suffix in [".rpm", ".src", ".nosrc"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
        }
        guard let releaseDash = base.lastIndex(of: "-") else { return nil }
        let head = base[..<releaseDash]
        guard let versionDash = head.lastIndex(of: "-") else { return nil }
        let name = head[..<versionDash]
        let version = base[base.index(after: versionDash)...]
        guard !name.isEmpty, !version.isEmpty else { return nil }
        return (String(name), String(version))
    }

    /// Joins Trivy's split version fields as Trivy prints `InstalledVersion`: `epoch:version-release`, with the
    /// epoch only when non-zero and the release only when non-empty.
    static func trivyVersion(epoch: Int?, version: String?, release: String?) -> String? {
        guard let version = version.nonEmpty else { return nil }
        var text = ""
        if let epoch, epoch != 0 { text += "\(epoch):" }
        text += version
        if let release = release.nonEmpty { text += "-\(release)" }
        return text
    }
}
