// What OSV intake checks in a decoded record (OSV schema 1.7, https://ossf.github.io/osv-schema/).
//
// Rejected (the record is not stored):
// - `id` empty or containing whitespace or control characters; `modified` missing or not RFC 3339, `published` or
//   `withdrawn` present but not RFC 3339 (decoding already refuses a missing `id` or `modified`);
// - an `affected` entry with an empty `package.ecosystem`, or with neither a `package.name` nor a readable purl;
// - a range whose type is not `ECOSYSTEM`, `SEMVER` or `GIT`, that has no events, no `introduced` event, or (GIT)
//   no `repo`; an event object with other than exactly one key (decoding refuses it).
// Accepted with a note:
// - an ecosystem PatchTrack does not know (`unsupportedEntries`): the schema allows any ecosystem, and refusing the
//   record would hide its supported entries;
// - an `ECOSYSTEM` or `SEMVER` event version the ecosystem's scheme rejects (`warnings`): the record is valid OSV;
//   the components it concerns become "unmatchable" with this reason instead of silently unaffected.

extension OSVIntake {
    /// Range types the schema defines.
    static let rangeTypes: Set<String> = ["ECOSYSTEM", "SEMVER", "GIT"]

    /// Validates one decoded record; `pathPrefix` is its position in the posted document (`[2]` or empty).
    static func validate(_ record: OSVRecord, pathPrefix: String) -> Result<ValidatedOSVRecord, IngestError> {
        func path(_ field: String) -> String { pathPrefix.isEmpty ? field : pathPrefix + "." + field }
        func reject(_ message: String, _ field: String) -> Result<ValidatedOSVRecord, IngestError> {
            .failure(.invalidDocument(message, path: path(field)))
        }

        guard !record.id.isEmpty else { return reject("id must not be empty", "id") }
        if let violation = record.identifierLengthViolation() { return reject(violation.message, violation.field) }
        guard !record.id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
            return reject("id must not contain whitespace or control characters", "id")
        }
        guard let modified = RFC3339Timestamp(record.modified) else {
            return reject("modified is not an RFC 3339 timestamp: \"\(record.modified.prefix(64))\"", "modified")
        }
        var published: RFC3339Timestamp?
        if let text = record.published {
            guard let value = RFC3339Timestamp(text) else {
                return reject("published is not an RFC 3339 timestamp: \"\(text.prefix(64))\"", "published")
            }
            published = value
        }
        var withdrawn: RFC3339Timestamp?
        if let text = record.withdrawn {
            guard let value = RFC3339Timestamp(text) else {
                return reject("withdrawn is not an RFC 3339 timestamp: \"\(text.prefix(64))\"", "withdrawn")
            }
            withdrawn = value
        }

        var unsupported: [ValidatedOSVRecord.UnsupportedEntry] = []
        var warnings: [IngestError] = []
        for (index, affected) in record.affected.enumerated() {
            let entryPath = "affected[\(index)]"
            let package = affected.package
            guard !package.ecosystem.isEmpty else {
                return reject("package.ecosystem must not be empty", entryPath + ".package.ecosystem")
            }
            if package.name.isEmpty {
                guard let purl = package.purl, (try? PURL(parsing: purl)) != nil else {
                    return reject("package needs a name or a valid purl", entryPath + ".package.name")
                }
            }
            let release = EcosystemRelease(osvEcosystem: package.ecosystem)
            let scheme = release.ecosystem.scheme
            if scheme == nil {
                unsupported.append(.init(affectedIndex: index, ecosystem: package.ecosystem))
            }
            for (rangeIndex, range) in affected.ranges.enumerated() {
                let rangePath = entryPath + ".ranges[\(rangeIndex)]"
                guard rangeTypes.contains(range.type) else {
                    return reject("range type must be ECOSYSTEM, SEMVER or GIT, not \"\(range.type)\"",
                        rangePath + ".type")
                }
                guard !range.events.isEmpty else { return reject("a range needs events", rangePath + ".events") }
                guard range.events.contains(where: { if case .introduced = $0 { true } else { false } }) else {
                    return reject("a range needs an introduced event", rangePath + ".events")
                }
                if range.type == "GIT" {
                    if (range.repo ?? "").isEmpty { return reject("a GIT range needs a repo", rangePath + ".repo") }
                    continue
                }
                guard let scheme else { continue }
                let rangeScheme: VersionSchemeID =
                    range.type == "SEMVER" && ![.semver, .cargo, .go].contains(scheme) ? .semver : scheme
                do {
                    _ = try OSVPreparedRange(range, index: rangeIndex, scheme: rangeScheme)
                } catch {
                    warnings.append(.invalidDocument(
                        "not evaluable with the \(rangeScheme.rawValue) scheme: \(error)", path: path(rangePath)))
                }
            }
        }
        return .success(ValidatedOSVRecord(
            record: record, modified: modified, published: published, withdrawn: withdrawn,
            unsupportedEntries: unsupported, warnings: warnings))
    }
}
