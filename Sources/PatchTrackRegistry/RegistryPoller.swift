import Foundation
import Logging
import PatchTrackCore
import PatchTrackStorage

/// What one poll of a watch did.
public struct PollReport: Sendable, Equatable {
    public var watchId: Int64
    /// Tags resolved, and those whose digest changed (registered).
    public var tagsPolled: Int
    public var tagsChanged: Int
    /// Manifests and indexes registered.
    public var imagesRegistered: Int
    /// Attached SBOMs ingested as scans (new ones; one seen before is not counted).
    public var sbomsIngested = 0
    public var error: String?

    public var summary: String {
        "watch \(watchId): \(tagsPolled) tags, \(tagsChanged) changed, \(imagesRegistered) images registered, \(sbomsIngested) SBOMs ingested"
            + (error.map { "; error: \($0)" } ?? "")
    }
}

/// Polls watches: lists or takes the tags, resolves each with a HEAD, and for each digest that changed reads the
/// manifest (or index and its platform manifests) and config, checked against their digests, and registers them
/// as `POST /v1/images` would, moving the tags. A tag that fails is reported in the watch's status and leaves
/// nothing registered; the other tags go on.
public struct RegistryPoller: Sendable {
    let database: AppDatabase
    let client: RegistryClient
    let logger: Logger
    /// HEAD requests in flight per poll.
    let concurrency: Int

    public init(database: AppDatabase, client: RegistryClient, logger: Logger, concurrency: Int = 16) {
        self.database = database
        self.client = client
        self.logger = logger
        self.concurrency = concurrency
    }

    /// Polls every due watch in turn, then checks again up to 100 signatures judged before the trusted keys last
    /// changed; answers a summary ("" when nothing was due).
    public func pollDue() async throws -> String {
        var summaries: [String] = []
        for watch in try await database.watches.due() {
            try Task.checkCancellation()
            try await database.watches.beginPoll(watch)
            summaries.append(try await poll(watch).summary)
        }
        let rechecked = try await recheckSignatures(limit: 100)
        if rechecked > 0 { summaries.append("\(rechecked) signatures checked again after the trusted keys changed") }
        return summaries.joined(separator: "; ")
    }

    /// Checks again the signatures judged before the trusted keys last changed, at most `limit`; answers how many.
    /// One whose registry cannot be read now is recorded `unchecked`, with the reason (not retried in a loop).
    public func recheckSignatures(limit: Int) async throws -> Int {
        let stale = try await database.signatures.checkedBeforeKeysChanged(limit: limit)
        for (repository, text) in stale {
            try Task.checkCancellation()
            guard let digest = try? Digest(parsing: text) else { continue }
            do {
                _ = try await checkSignature(repository: RepositoryName(canonical: repository), digest: digest)
            } catch let error as RegistryError {
                let check = SignatureCheck(state: .unchecked, detail: "not checked again after the trusted keys changed: \(error)")
                try await database.signatures.record(digests: [digest], check: check, source: nil)
            }
        }
        return stale.count
    }

    /// Polls `watch` now and records the outcome in its status.
    public func poll(_ watch: StoredWatch) async throws -> PollReport {
        let definition = watch.definition
        let access = try await database.registries.access(host: definition.repository.domain)
        let remote = client.repository(definition.repository, access: access)
        var errors: [String] = []
        var seen: [String: String] = [:]
        var images: [PolledImage] = []
        var indexes: [Digest: OCIDocument] = [:]
        var changedTags = 0
        var selected: [String] = []
        do {
            selected = try definition.selectTags(listed: definition.needsTagList ? try await remote.tags() : [])
        } catch {
            errors.append("tag list: \(error)")
        }
        let resolved = await resolve(selected, on: remote)
        let current = try await database.watches.currentTags(repository: definition.repository, tags: selected)
        var changed: [Digest: [String]] = [:]
        for tag in selected {
            switch resolved[tag] {
            case .success(let digest)?:
                seen[tag] = digest.value
                if current[tag] != digest.value { changed[digest, default: []].append(tag) }
            case .failure(let error)?:
                errors.append("\(tag): \(error)")
            case nil:
                break
            }
        }
        let reads = await read(changed, repository: definition.repository, on: remote)
        try Task.checkCancellation()
        for (digest, tags) in changed.sorted(by: { $0.key < $1.key }) {
            switch reads[digest] {
            case .success(let read)?:
                images += read.images
                indexes[digest] = read.index
                changedTags += tags.count
            case .failure(let error)?:
                for tag in tags { seen[tag] = nil }
                errors.append("\(tags.sorted().joined(separator: ", ")): \(error)")
            case nil:
                break
            }
        }
        try await database.watches.recordPoll(id: watch.id, images: images, tagsSeen: seen, error: nil)
        // The signatures of what the tags point to now (an index's check stands for its platform manifests).
        let keys = try await database.policies.policy().defaults.trustedKeys
        var sboms = 0
        for image in images where !image.registration.tags.isEmpty {
            let tags = image.registration.tags.joined(separator: ", ")
            do {
                try await checkSignature(image, on: remote, keys: keys)
            } catch {
                errors.append("\(tags) signature: \(error)")
            }
            do {
                sboms += try await ingestSBOMs(
                    of: image.registration.digest, index: indexes[image.registration.digest], in: definition.repository, on: remote)
            } catch {
                errors.append("\(tags) SBOM: \(error)")
            }
        }
        let error = errors.isEmpty ? nil : Self.joined(errors)
        if error != nil { try await database.watches.recordError(id: watch.id, error: error) }
        try await database.registries.recordOutcome(host: definition.repository.domain, error: error)
        if let error { logger.warning("registry poll failed", metadata: ["watch": "\(watch.id)", "error": "\(error)"]) }
        return PollReport(
            watchId: watch.id, tagsPolled: selected.count, tagsChanged: changedTags, imagesRegistered: images.count,
            sbomsIngested: sboms, error: error)
    }

    /// Ingests the SBOMs attached to the image `digest` (and, for an index, to its platform manifests) as
    /// `POST /v1/scans` would, each for the image it describes; answers how many were new.
    private func ingestSBOMs(of digest: Digest, index: OCIDocument?, in repository: RepositoryName, on remote: RegistryRepository) async throws -> Int {
        var ingested = 0
        for found in try await SBOMFinder(remote: remote, limit: client.settings.maximumSBOMBytes).documents(for: digest, index: index) {
            let document = try ScanDocument.parse(found.data, contentType: found.mediaType)
            let parsed = try ScanIngest.prepare(document, override: ImageReference(repository: repository, digest: found.imageDigest))
            let result = try await database.scans.ingest(
                contentHash: ScanStore.contentHash(of: found.data), document: parsed.document, normalized: parsed.normalized,
                registration: parsed.registration)
            if result.isNew { ingested += 1 }
        }
        return ingested
    }

    /// Checks the signatures of `image` and records the check on it and on its index entries.
    private func checkSignature(_ image: PolledImage, on remote: RegistryRepository, keys: [TrustedKey]) async throws {
        let digest = image.registration.digest
        let (check, source) = try await SignatureChecker(remote: remote).check(digest, keys: keys)
        try await database.signatures.record(digests: [digest] + image.indexEntries, check: check, source: source)
    }

    /// Checks the signatures of the image `digest` in `repository` now (`POST /v1/images/{digest}/signature/check`).
    public func checkSignature(repository: RepositoryName, digest: Digest) async throws -> StoredSignature? {
        let access = try await database.registries.access(host: repository.domain)
        let remote = client.repository(repository, access: access)
        let keys = try await database.policies.policy().defaults.trustedKeys
        let (check, source) = try await SignatureChecker(remote: remote).check(digest, keys: keys)
        return try await database.signatures.record(digests: [digest], check: check, source: source)
    }

    /// HEADs `tags`, `concurrency` at a time.
    private func resolve(_ tags: [String], on remote: RegistryRepository) async -> [String: Result<Digest, RegistryError>] {
        var results: [String: Result<Digest, RegistryError>] = [:]
        guard let first = tags.first else { return results }
        // The first alone: its challenge is answered (a bearer token fetched and cached) before the others start.
        // A registry that cannot be reached or refuses the credentials fails every tag the same way: the others are
        // not tried (a thousand connection timeouts would hold the poll for minutes).
        let firstResult = await Self.resolve(first, on: remote)
        if case .failure(let error) = firstResult {
            switch error {
            case .unreachable, .unauthorized:
                for tag in tags { results[tag] = firstResult }
                return results
            default:
                break
            }
        }
        results[first] = firstResult
        let rest = await Self.bounded(Array(tags.dropFirst()), width: concurrency) { tag in await Self.resolve(tag, on: remote) }
        return results.merging(rest) { _, new in new }
    }

    /// Reads each changed image (manifest or index, platform manifests and configs), `concurrency` at a time.
    private func read(
        _ changed: [Digest: [String]], repository: RepositoryName, on remote: RegistryRepository
    ) async -> [Digest: Result<ImageRead, RegistryError>] {
        let reader = RegistryImageReader(remote: remote, settings: client.settings)
        return await Self.bounded(changed.keys.sorted(), width: concurrency) { digest in
            await reader.readResult(repository: repository, digest: digest, tags: (changed[digest] ?? []).sorted())
        }
    }

    /// `work` applied to each key, at most `width` at a time, by key. Child tasks return results and never throw:
    /// typed errors caught inside `addTask` closures crashed a release build ("pure virtual method called").
    private static func bounded<Key: Hashable & Sendable, Value: Sendable>(
        _ keys: [Key], width: Int, _ work: @escaping @Sendable (Key) async -> Value
    ) async -> [Key: Value] {
        await withTaskGroup(of: (Key, Value).self, returning: [Key: Value].self) { group in
            var results: [Key: Value] = [:]
            var next = 0
            while next < keys.count, next < width {
                let key = keys[next]
                group.addTask { (key, await work(key)) }
                next += 1
            }
            while let (key, value) = await group.next() {
                results[key] = value
                if next < keys.count {
                    let key = keys[next]
                    group.addTask { (key, await work(key)) }
                    next += 1
                }
            }
            return results
        }
    }

    /// One HEAD, as a result.
    private static func resolve(_ tag: String, on remote: RegistryRepository) async -> Result<Digest, RegistryError> {
        do {
            return .success(try await remote.resolve(tag: tag))
        } catch {
            return .failure(error)
        }
    }

    /// The first errors, and how many more (a status stays short).
    static func joined(_ errors: [String]) -> String {
        let shown = errors.prefix(5).joined(separator: "; ")
        return errors.count > 5 ? "\(shown); and \(errors.count - 5) more" : shown
    }
}
