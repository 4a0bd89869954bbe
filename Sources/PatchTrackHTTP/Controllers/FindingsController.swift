import Hummingbird
import PatchTrackCore
import PatchTrackStorage

/// Findings of one image or of the fleet, and where scanners and PatchTrack disagree.
struct FindingsController {
    let database: AppDatabase

    var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/images/{digest}/findings", role: .read, handler: imageFindings),
            Endpoint(.get, "/v1/images/{digest}/disagreements", role: .read, handler: disagreements),
            Endpoint(.get, "/v1/findings", role: .read, heavyRead: true, handler: fleetFindings),
        ]
    }

    @Sendable func imageFindings(_ request: Request, context: AppRequestContext) async throws -> Response {
        var filter = try Self.filter(request)
        filter.imageDigest = try request.digestParameter(context).value
        return try await answer(request, filter: filter)
    }

    @Sendable func fleetFindings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await answer(request, filter: try Self.filter(request))
    }

    @Sendable func disagreements(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context).value
        guard let page = try await database.findings.list(FindingFilter(imageDigest: digest), after: nil, limit: 100_000) else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        let scannerOnly = page.items.filter { $0.source == "scanner" }
        let known = try await database.findings.knownAdvisoryIDs(scannerOnly.map(\.advisory))
        let scanned = !(try await database.scans.scans(imageDigest: digest) ?? []).filter { $0.verdictCount > 0 || $0.format == "trivy" || $0.format == "grype" }.isEmpty
        var items: [DisagreementResponse.Item] = []
        for finding in page.items {
            switch finding.source {
            case "scanner":
                let reason = known.contains(finding.advisory)
                    ? "PatchTrack has advisory \(finding.advisory) but its match says this package version is not affected"
                    : "advisory \(finding.advisory) is not loaded in PatchTrack"
                items.append(.init(kind: "scanner_only", reason: reason, finding: FindingResponse(finding)))
            case "patchtrack" where scanned:
                items.append(.init(kind: "patchtrack_only", reason: "the scanner did not report it", finding: FindingResponse(finding)))
            case "both":
                let theirs = finding.scannerFixedVersions ?? []
                if let ours = finding.fixedVersion, !theirs.isEmpty, !theirs.contains(ours) {
                    items.append(.init(
                        kind: "different_fixed_version",
                        reason: "different fixed version: scanner \(theirs.joined(separator: ", ")), PatchTrack \(ours)",
                        finding: FindingResponse(finding)))
                } else if finding.fixedVersion == nil && !theirs.isEmpty {
                    items.append(.init(
                        kind: "different_fixed_version", reason: "the scanner knows a fix (\(theirs.joined(separator: ", "))), PatchTrack none",
                        finding: FindingResponse(finding)))
                }
            default:
                break
            }
        }
        return try JSONResponse.make(DisagreementResponse(image: digest, items: items))
    }

    private func answer(_ request: Request, filter: FindingFilter) async throws -> Response {
        let page = try PageRequest(request)
        guard let result = try await database.findings.list(filter, after: try page.integerCursor(), limit: page.limit) else {
            throw ProblemDetails.notFound("image \(filter.imageDigest ?? "") is not tracked")
        }
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        let link = PageRequest.linkHeader(request, nextCursor: next)
        let items = result.items.map(FindingResponse.init)
        if CSV.isRequested(request) {
            return CSV.response(header: FindingResponse.csvHeader, rows: items.map(\.csvRow), headers: link)
        }
        return try JSONResponse.make(FindingListResponse(items: items, nextCursor: next), headers: link)
    }

    /// `min_severity`, `fixable`, `state`, `source`, `vulnerability` query parameters.
    static func filter(_ request: Request) throws -> FindingFilter {
        let query = request.uri.queryParameters
        // Enumerated parameters must hold one of their values when present, even empty.
        func value(_ name: String) -> String? { query[name[...]].map(String.init) }
        var filter = FindingFilter()
        if let text = value("min_severity") {
            guard let level = SeverityLevel(rawValue: text.lowercased()) else {
                throw ProblemDetails.badParameter("min_severity", "must be one of unknown, low, medium, high, critical")
            }
            filter.minimumSeverity = level
        }
        if let text = value("fixable") {
            guard let flag = Bool(text.lowercased()) else { throw ProblemDetails.badParameter("fixable", "must be true or false") }
            filter.fixable = flag
        }
        if let text = value("state") {
            guard ["affected", "suppressed", "resolved"].contains(text) else {
                throw ProblemDetails.badParameter("state", "must be affected, suppressed or resolved")
            }
            filter.state = text
        }
        if let text = value("source") {
            guard ["patchtrack", "scanner", "both"].contains(text) else {
                throw ProblemDetails.badParameter("source", "must be patchtrack, scanner or both")
            }
            filter.source = text
        }
        if let text = value("kev") {
            guard let flag = Bool(text.lowercased()) else { throw ProblemDetails.badParameter("kev", "must be true or false") }
            filter.kev = flag
        }
        if let text = value("min_epss") {
            guard text.utf8.count <= 20, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let score = Double(text),
                (0...1).contains(score)
            else {
                throw ProblemDetails.badParameter("min_epss", "must be a number from 0 to 1")
            }
            filter.minimumEPSS = score
        }
        filter.vulnerabilityId = value("vulnerability").flatMap { $0.isEmpty ? nil : $0 }
        return filter
    }
}
