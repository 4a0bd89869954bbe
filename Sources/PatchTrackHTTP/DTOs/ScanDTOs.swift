import PatchTrackCore
import PatchTrackStorage

/// The answer to `POST /v1/scans`.
struct ScanIngestResponse: Encodable {
    struct ImageRef: Encodable {
        let digest: String
        let repository: String
    }

    struct Tool: Encodable {
        let name: String?
        let version: String?
    }

    struct Skipped: Encodable {
        let path: String
        let reference: String?
        let reason: String
    }

    let scanID: Int64
    let image: ImageRef
    let format: String
    let tool: Tool
    let components: Int
    let componentsByEcosystem: [String: Int]
    let scannerVerdicts: Int
    /// The first ``InputLimits/listedEntries`` components left out.
    let skipped: [Skipped]
    /// Components left out but not listed.
    let skippedOmitted: Int
    let unchanged: Bool
    let replacedComponents: Bool

    enum CodingKeys: String, CodingKey {
        case image, format, tool, components, skipped, unchanged
        case skippedOmitted = "skipped_omitted"
        case scanID = "scan_id"
        case componentsByEcosystem = "components_by_ecosystem"
        case scannerVerdicts = "scanner_verdicts"
        case replacedComponents = "replaced_components"
    }

    init(_ result: ScanIngestResult) {
        scanID = result.scanID
        image = ImageRef(digest: result.imageDigest, repository: result.repository)
        format = result.format.rawValue
        tool = Tool(name: result.toolName, version: result.toolVersion)
        components = result.componentCount
        componentsByEcosystem = result.countsByEcosystem
        scannerVerdicts = result.verdictCount
        let listed = InputLimits.listed(result.skipped)
        skipped = listed.listed.map { Skipped(path: $0.path, reference: $0.reference, reason: $0.reason) }
        skippedOmitted = listed.omitted
        unchanged = !result.isNew
        replacedComponents = result.replacedComponents
    }
}

/// One scan in an image's history.
struct ScanResponse: Encodable {
    let id: Int64
    let format: String
    let specVersion: String?
    let toolName: String?
    let toolVersion: String?
    let coverage: String
    let documentCreated: String?
    let components: Int
    let componentsByEcosystem: [String: Int]
    let scannerVerdicts: Int
    let skipped: Int
    let firstSeen: String
    let lastSeen: String

    enum CodingKeys: String, CodingKey {
        case id, format, coverage, components, skipped
        case specVersion = "spec_version"
        case toolName = "tool_name"
        case toolVersion = "tool_version"
        case documentCreated = "document_created"
        case componentsByEcosystem = "components_by_ecosystem"
        case scannerVerdicts = "scanner_verdicts"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }

    init(_ scan: StoredScan) {
        id = scan.id
        format = scan.format
        specVersion = scan.specVersion
        toolName = scan.toolName
        toolVersion = scan.toolVersion
        coverage = scan.coverage
        documentCreated = scan.documentCreated
        components = scan.componentCount
        componentsByEcosystem = scan.countsByEcosystem
        scannerVerdicts = scan.verdictCount
        skipped = scan.skippedCount
        firstSeen = scan.firstSeen
        lastSeen = scan.lastSeen
    }
}

/// `GET /v1/images/{digest}/scans`.
struct ScanListResponse: Encodable {
    let items: [ScanResponse]
}

/// A component as answered.
struct ComponentResponse: Encodable {
    let image: String
    let purl: String
    let ecosystem: String
    let release: String?
    let name: String
    let version: String
    let sourceName: String?
    let sourceVersion: String?
    let layer: String?

    enum CodingKeys: String, CodingKey {
        case image, purl, ecosystem, release, name, version, layer
        case sourceName = "source_name"
        case sourceVersion = "source_version"
    }

    init(_ component: StoredComponent) {
        image = component.imageDigest
        purl = component.purl
        ecosystem = component.ecosystem
        release = component.release
        name = component.name
        version = component.version
        sourceName = component.sourceName
        sourceVersion = component.sourceVersion
        layer = component.layerDigest ?? component.layerDiffID
    }

    static let csvHeader = ["image", "purl", "ecosystem", "release", "name", "version", "source_name", "source_version", "layer"]

    var csvRow: [String?] { [image, purl, ecosystem, release, name, version, sourceName, sourceVersion, layer] }
}

/// A page of components.
typealias ComponentListResponse = PageResponse<ComponentResponse>
