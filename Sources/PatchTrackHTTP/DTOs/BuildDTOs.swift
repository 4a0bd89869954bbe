import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Body of `POST /v1/builds`.
struct BuildReportRequest: Decodable {
    let repository: String
    let tag: String
    let status: String
    let digest: String?
    let replaces: String?
    let url: String?
    let message: String?

    /// Validates every field, collecting all errors.
    func report() throws -> BuildReport {
        var errors: [ProblemDetails.FieldError] = []
        var name: RepositoryName?
        do {
            name = try RepositoryName(parsing: repository)
        } catch {
            errors.append(.init(field: "repository", message: error.reason))
        }
        if !ImageReference.isValidTag(tag) {
            errors.append(.init(field: "tag", message: "must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"))
        }
        let status = BuildStatus(rawValue: self.status)
        if status == nil { errors.append(.init(field: "status", message: "must be one of started, succeeded, failed")) }
        let digestMessage = "must be 'sha256:' followed by 64 lowercase hex digits"
        var digest: Digest?
        if let text = self.digest {
            digest = try? Digest(parsing: text)
            if digest == nil { errors.append(.init(field: "digest", message: digestMessage)) }
            if status != nil && status != .succeeded {
                errors.append(.init(field: "digest", message: "is the digest a succeeded build produced; leave it out for \(self.status)"))
            }
        } else if status == .succeeded {
            errors.append(.init(field: "digest", message: "is required when the build succeeded"))
        }
        var replaces: Digest?
        if let text = self.replaces {
            replaces = try? Digest(parsing: text)
            if replaces == nil { errors.append(.init(field: "replaces", message: digestMessage)) }
        }
        if let url, url.isEmpty || url.utf8.count > 2048 {
            errors.append(.init(field: "url", message: "must be 1 to 2048 bytes"))
        }
        if let message, message.utf8.count > 10_000 {
            errors.append(.init(field: "message", message: "must be at most 10000 bytes"))
        }
        if let digest, digest == replaces {
            errors.append(.init(field: "replaces", message: "must differ from 'digest'"))
        }
        guard errors.isEmpty, let name, let status else { throw ProblemDetails.validation(errors) }
        return BuildReport(repository: name, tag: tag, status: status, digest: digest, replaces: replaces, url: url, message: message)
    }
}

/// A build as answered.
struct BuildResponse: Encodable {
    let id: Int64
    let repository: String
    let tag: String
    let status: String
    let digest: String?
    let replaces: String?
    let url: String?
    let message: String?
    let startedAt: String
    let finishedAt: String?
    let reportedBy: String
    let fixedInSuccessor: Int?
    let stillPresent: Int?

    enum CodingKeys: String, CodingKey {
        case id, repository, tag, status, digest, replaces, url, message
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case reportedBy = "reported_by"
        case fixedInSuccessor = "fixed_in_successor"
        case stillPresent = "still_present"
    }

    init(_ build: StoredBuild) {
        id = build.id
        repository = build.repository
        tag = build.tag
        status = build.status.rawValue
        digest = build.digest
        replaces = build.replaces
        url = build.url
        message = build.message
        startedAt = build.startedAt
        finishedAt = build.finishedAt
        reportedBy = build.reportedBy
        fixedInSuccessor = build.fixedInSuccessor
        stillPresent = build.stillPresent
    }
}

extension BuildResponse {
    /// The CSV columns, one row per build.
    static let csvHeader = [
        "id", "repository", "tag", "status", "digest", "replaces", "started_at", "finished_at", "reported_by",
        "fixed_in_successor", "still_present", "url", "message",
    ]

    static func csvRow(_ build: StoredBuild) -> [String?] {
        [
            String(build.id), build.repository, build.tag, build.status.rawValue, build.digest, build.replaces,
            build.startedAt, build.finishedAt, build.reportedBy, build.fixedInSuccessor.map(String.init),
            build.stillPresent.map(String.init), build.url, build.message,
        ]
    }
}

/// A page of builds.
typealias BuildListResponse = PageResponse<BuildResponse>
