import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `POST /v1/images`.
struct RegisterImageRequest: Decodable {
    struct Source: Decodable {
        let repository: String?
        let revision: String?
    }

    struct Base: Decodable {
        let reference: String
    }

    let reference: String?
    let repository: String?
    let digest: String?
    let tags: [String]?
    let created: String?
    let platform: String?
    let labels: [String: String]?
    let source: Source?
    let base: Base?

    /// Validates every field, collecting all errors, and builds the domain registration.
    func registration() throws -> ImageRegistration {
        var errors: [ProblemDetails.FieldError] = []
        var repository: RepositoryName?
        var digest: Digest?
        var tags: [String] = []
        if let reference {
            do {
                let parsed = try ImageReference(parsing: reference)
                repository = parsed.repository
                digest = parsed.digest
                if let tag = parsed.tag { tags.append(tag) }
                if parsed.digest == nil && self.digest == nil {
                    errors.append(.init(field: "reference", message: "must include the digest (…@sha256:<64 hex>) or give 'digest'"))
                }
            } catch {
                errors.append(.init(field: "reference", message: error.reason))
            }
        }
        if let name = self.repository {
            do {
                let parsed = try RepositoryName(parsing: name)
                if let repository, repository != parsed {
                    errors.append(.init(field: "repository", message: "names another repository than 'reference'"))
                }
                repository = parsed
            } catch {
                errors.append(.init(field: "repository", message: error.reason))
            }
        }
        if let text = self.digest {
            do {
                let parsed = try Digest(parsing: text)
                if let digest, digest != parsed { errors.append(.init(field: "digest", message: "differs from the digest in 'reference'")) }
                digest = parsed
            } catch {
                errors.append(.init(field: "digest", message: error.reason))
            }
        }
        if reference == nil {
            if self.repository == nil { errors.append(.init(field: "repository", message: "is required when 'reference' is not given")) }
            if self.digest == nil { errors.append(.init(field: "digest", message: "is required when 'reference' is not given")) }
        }
        for (index, tag) in (self.tags ?? []).enumerated() {
            if ImageReference.isValidTag(tag) {
                if !tags.contains(tag) { tags.append(tag) }
            } else {
                errors.append(.init(field: "tags[\(index)]", message: "must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"))
            }
        }
        var createdDate: Date?
        if let created {
            createdDate = Timestamp.parse(created)
            if createdDate == nil { errors.append(.init(field: "created", message: "must be an RFC 3339 date-time")) }
        }
        if let platform, !Self.isValidPlatform(platform) {
            errors.append(.init(field: "platform", message: "must be os/arch or os/arch/variant, e.g. linux/amd64"))
        }
        var baseReference: ImageReference?
        if let base {
            do {
                let parsed = try ImageReference(parsing: base.reference)
                if parsed.digest == nil {
                    errors.append(.init(field: "base.reference", message: "must include the base image's digest (…@sha256:<64 hex>)"))
                } else if parsed.digest == digest {
                    errors.append(.init(field: "base.reference", message: "an image cannot be its own base"))
                }
                baseReference = parsed
            } catch {
                errors.append(.init(field: "base.reference", message: error.reason))
            }
        }
        guard errors.isEmpty, let repository, let digest else { throw ProblemDetails.validation(errors) }
        return ImageRegistration(
            repository: repository, digest: digest, tags: tags, created: createdDate, platform: platform, labels: labels,
            source: source.map { BuildSource(repository: $0.repository, revision: $0.revision) }, base: baseReference)
    }

    private static func isValidPlatform(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return (2...3).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { byte in byte > 0x20 && byte < 0x7f } }
    }
}

/// An image as answered.
struct ImageResponse: Encodable {
    struct Tag: Encodable {
        let repository: String
        let name: String
        let reference: String
    }

    struct Source: Encodable {
        let repository: String?
        let revision: String?
    }

    struct Base: Encodable {
        let reference: String
        let repository: String?
        let digest: String?
    }

    let digest: String
    let repository: String
    let tags: [Tag]
    let platform: String?
    let created: String?
    let labels: [String: String]
    let source: Source?
    let base: Base?
    let firstSeen: String
    let lastSeen: String
    /// The digest a build replaced with this image.
    let predecessor: String?
    /// The digest of the build that replaced this image.
    let successor: String?
    let signature: SignatureResponse

    enum CodingKeys: String, CodingKey {
        case digest, repository, tags, platform, created, labels, source, base, predecessor, successor, signature
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    init(_ image: StoredImage) {
        digest = image.digest
        repository = image.repository
        tags = image.tags.map { Tag(repository: $0.repository, name: $0.name, reference: "\($0.repository):\($0.name)") }
        platform = image.platform
        created = image.created
        labels = image.labels
        source = (image.sourceRepository != nil || image.sourceRevision != nil)
            ? Source(repository: image.sourceRepository, revision: image.sourceRevision) : nil
        base = image.baseReference.map { Base(reference: $0, repository: image.baseRepository, digest: image.baseDigest) }
        firstSeen = image.firstSeen
        lastSeen = image.lastSeen
        predecessor = image.predecessor
        successor = image.successor
        signature = SignatureResponse(image.signature)
    }
}

/// An image's signature: `unchecked` with nulls until a check ran.
struct SignatureResponse: Encodable {
    let state: String
    let key: String?
    let checkedAt: String?
    let detail: String?
    let source: String?

    enum CodingKeys: String, CodingKey {
        case state, key, detail, source
        case checkedAt = "checked_at"
    }

    init(_ stored: StoredSignature?) {
        state = (stored?.state ?? .unchecked).rawValue
        key = stored?.key
        checkedAt = stored?.checkedAt
        detail = stored?.detail
        source = stored?.source
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(key, forKey: .key)
        try container.encode(checkedAt, forKey: .checkedAt)
        try container.encode(detail, forKey: .detail)
        try container.encode(source, forKey: .source)
    }
}

/// A page of images.
typealias ImageListResponse = PageResponse<ImageResponse>

/// `GET /v1/images/{digest}/running`: the containers of every environment's newest inventory that run the image.
struct RunningResponse: Encodable {
    struct Item: Encodable {
        let environment: String
        let workload: String
        let container: String
        let `init`: Bool
        let replicas: Int
    }

    let digest: String
    let replicas: Int
    let items: [Item]

    init(digest: String, containers: [RunningContainer]) {
        self.digest = digest
        items = containers.map {
            Item(environment: $0.environment, workload: $0.workload, container: $0.container, init: $0.isInit, replicas: $0.replicas)
        }
        replicas = containers.reduce(0) { $0 + $1.replicas }
    }

    static let csvHeader = ["environment", "workload", "container", "init", "replicas"]

    var csvRows: [[String?]] {
        items.map { [$0.environment, $0.workload, $0.container, String($0.`init`), String($0.replicas)] }
    }
}
