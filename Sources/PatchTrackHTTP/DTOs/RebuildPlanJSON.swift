import Foundation
import NIOCore
import PatchTrackCore
import Synchronization

/// Writes the rebuild plan's JSON straight into a byte buffer, byte for byte what the API's encoder writes for
/// ``RebuildPlanResponse`` (keys sorted, absent optionals left out, slashes unescaped).
///
/// Why a second writer: the whole plan over 10,000 images is about 11 MB of JSON, and `JSONEncoder` spent a quarter
/// of the request's time building and sorting its intermediate tree. A test compares both outputs on a plan with
/// every reason.
struct RebuildPlanJSON {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The plan response: `generated_at`, `items`, `total`, `wave_count`.
    ///
    /// `page`, when the client asked for one, is the total after filters (the entries being one page of them) and the
    /// next page's cursor, written as `next_cursor` (null on the last page).
    mutating func writePlan(
        generatedAt: String, waveCount: Int, entries: some Collection<RebuildPlanEntry>, reusing encodings: EntryEncodings? = nil,
        page: (total: Int, nextCursor: String?)? = nil
    ) {
        raw("{\"generated_at\":")
        string(generatedAt)
        raw(",\"items\":[")
        let kept = encodings?.kept() ?? [:]
        var encoded: [Digest: (entry: RebuildPlanEntry, bytes: ByteBuffer)] = [:]
        if encodings != nil { encoded.reserveCapacity(entries.count) }
        for (index, entry) in entries.enumerated() {
            if index > 0 { raw(",") }
            guard encodings != nil else {
                writeEntry(entry)
                continue
            }
            if let previous = kept[entry.digest], previous.entry == entry {
                var bytes = previous.bytes
                buffer.writeBuffer(&bytes)
                encoded[entry.digest] = previous
            } else {
                // Its own buffer: a slice of `buffer` kept here would make every later write copy `buffer` whole.
                var own = RebuildPlanJSON(capacity: 1024)
                own.writeEntry(entry)
                var bytes = own.buffer
                encoded[entry.digest] = (entry, bytes)
                buffer.writeBuffer(&bytes)
            }
        }
        encodings?.keep(encoded)
        raw("]")
        if let page {
            raw(",\"next_cursor\":")
            if let cursor = page.nextCursor { string(cursor) } else { raw("null") }
        }
        raw(",\"total\":")
        integer(page?.total ?? entries.count)
        raw(",\"wave_count\":")
        integer(waveCount)
        raw("}")
    }

    /// One entry, keys sorted: base, created, digest, fixable_findings, highest_severity, kev, max_epss, reasons,
    /// repository, tags, wave.
    mutating func writeEntry(_ entry: RebuildPlanEntry) {
        raw("{")
        if let base = entry.base {
            raw("\"base\":{")
            if let digest = base.digest {
                raw("\"digest\":")
                string(digest.value)
                raw(",")
            }
            raw("\"repository\":")
            string(base.repository.value)
            if let tag = base.tag {
                raw(",\"tag\":")
                string(tag)
            }
            raw("},")
        }
        if let created = entry.created {
            raw("\"created\":")
            string(Timestamp.format(created))
            raw(",")
        }
        raw("\"digest\":")
        string(entry.digest.value)
        let fixable = entry.fixableFindings
        raw(",\"fixable_findings\":")
        integer(fixable.count)
        if let highest = fixable.map(\.severity).max() {
            raw(",\"highest_severity\":")
            string(highest.rawValue)
        }
        raw(fixable.contains { $0.kev } ? ",\"kev\":true" : ",\"kev\":false")
        if let epss = fixable.compactMap(\.epss).max(), let number = try? JSONNode.double(epss), case .number(let text) = number {
            raw(",\"max_epss\":")
            buffer.writeString(text)
        }
        raw(",\"reasons\":[")
        for (index, reason) in entry.reasons.enumerated() {
            if index > 0 { raw(",") }
            writeReason(reason)
        }
        raw("],\"repository\":")
        string(entry.repository.value)
        raw(",\"tags\":[")
        for (index, tag) in entry.tags.enumerated() {
            if index > 0 { raw(",") }
            string(tag)
        }
        raw("],\"wave\":")
        integer(entry.wave)
        raw("}")
    }

    /// One reason with the keys of its code, sorted with `code` and `summary`.
    private mutating func writeReason(_ reason: RebuildReason) {
        raw("{")
        switch reason {
        case .fixableVulnerability(let findings):
            code(reason)
            raw(",\"findings\":[")
            for (index, finding) in findings.enumerated() {
                if index > 0 { raw(",") }
                writeFinding(finding)
            }
            raw("],")
            summary(reason)
        case .baseImageUpdated(let base, let builtFrom, let current):
            raw("\"base_tag\":")
            string(base.description)
            raw(",\"built_from\":")
            string(builtFrom.value)
            raw(",")
            code(reason)
            raw(",\"current\":")
            string(current.value)
            raw(",")
            summary(reason)
        case .baseImageNeedsRebuild(let base, let repository, let baseWave):
            raw("\"base_digest\":")
            string(base.value)
            raw(",\"base_repository\":")
            string(repository.value)
            raw(",\"base_wave\":")
            integer(baseWave)
            raw(",")
            code(reason)
            raw(",")
            summary(reason)
        case .maxAgeExceeded(let created, let ageDays, let maximumAgeDays):
            raw("\"age_days\":")
            integer(ageDays)
            raw(",")
            code(reason)
            raw(",\"created\":")
            string(Timestamp.format(created))
            raw(",\"max_age_days\":")
            integer(maximumAgeDays)
            raw(",")
            summary(reason)
        case .untrustedBase(let repository, let trustedPatterns):
            raw("\"base_repository\":")
            string(repository.value)
            raw(",")
            code(reason)
            raw(",")
            summary(reason)
            raw(",\"trusted_patterns\":[")
            for (index, pattern) in trustedPatterns.enumerated() {
                if index > 0 { raw(",") }
                string(pattern.text)
            }
            raw("]")
        case .unsignedBase(let base, let repository, let state):
            raw("\"base_digest\":")
            if let base { string(base.value) } else { raw("null") }
            raw(",\"base_repository\":")
            string(repository.value)
            raw(",")
            code(reason)
            raw(",\"signature_state\":")
            string(state.rawValue)
            raw(",")
            summary(reason)
        case .requested(let requests):
            code(reason)
            raw(",\"requests\":[")
            for (index, request) in requests.enumerated() {
                if index > 0 { raw(",") }
                raw("{\"reason\":")
                string(request.reason)
                raw(",\"requested_at\":")
                string(Timestamp.format(request.requestedAt))
                raw(",\"requested_by\":")
                string(request.requestedBy)
                raw("}")
            }
            raw("],")
            summary(reason)
        }
        raw("}")
    }

    /// advisory, fixed_version, installed_version, layer_origin, package, severity.
    private mutating func writeFinding(_ finding: PlanFinding) {
        raw("{\"advisory\":")
        string(finding.advisoryID)
        if let fixed = finding.fixedVersion {
            raw(",\"fixed_version\":")
            string(fixed)
        }
        raw(",\"installed_version\":")
        string(finding.installedVersion)
        raw(",\"layer_origin\":")
        string(finding.layerOrigin.rawValue)
        raw(",\"package\":")
        string(finding.package)
        raw(",\"severity\":")
        string(finding.severity.rawValue)
        raw("}")
    }

    private mutating func code(_ reason: RebuildReason) {
        raw("\"code\":")
        string(reason.code.rawValue)
    }

    private mutating func summary(_ reason: RebuildReason) {
        raw("\"summary\":")
        string(reason.summary)
    }

    // MARK: - Values

    private mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    private mutating func integer(_ value: Int) {
        buffer.writeString(String(value))
    }

    private mutating func string(_ text: String) {
        buffer.writeJSONString(text)
    }
}

/// Each plan entry's JSON from the last plan written, by digest: a plan after a write that changed a few entries
/// encodes those only and copies the others' bytes (an entry is reused only when equal to the one encoded).
final class EntryEncodings: Sendable {
    private let entries = Mutex<[Digest: (entry: RebuildPlanEntry, bytes: ByteBuffer)]>([:])

    func kept() -> [Digest: (entry: RebuildPlanEntry, bytes: ByteBuffer)] { entries.withLock { $0 } }

    func keep(_ encoded: [Digest: (entry: RebuildPlanEntry, bytes: ByteBuffer)]) {
        entries.withLock { $0 = encoded }
    }
}
