// CycloneDX VEX (https://cyclonedx.org/docs/1.6/json/#vulnerabilities, spec 1.4 to 1.6) into VEXStatement values.
//
// - Each `vulnerabilities[]` entry with an `analysis.state` is one statement: `id` is the vulnerability,
//   `references[].id` its aliases; the state maps as ``VEXStatus/init(cycloneDXState:)`` says.
// - `affects[].ref` is a `bom-ref` resolved through `metadata.component` and `components` (nested included). A ref
//   naming `metadata.component` is the product itself; a ref naming another component is that package inside the
//   product when `metadata.component` is an image or repository (the usual "VEX inside the image's SBOM" layout),
//   and the package itself otherwise. A component is identified by its `purl`; a `container` component without one
//   by `name` and a digest `version`. A ref that is not a bom-ref of the document (a BOM-Link
//   `urn:cdx:...#ref` into another BOM) is classified as an identifier, and usually stays unresolved.
// - `analysis.detail` is the impact statement, `recommendation` (else `workaround`) the action statement,
//   `analysis.response` the responses, and `analysis.lastUpdated`, `firstIssued`, `updated`, `published`, then
//   `metadata.timestamp` the timestamp, first present wins.
// - `affects[].versions` (version ranges of the product) is not read: a statement applies to the product as
//   named.
// Left out with a reason: an entry without analysis state (a plain vulnerability report, not a claim), an unknown
// state, no id, no `affects`, or an unreadable timestamp.

import Foundation

enum CycloneDXVEXParser {
    static func parse(_ data: Data) throws(IngestError) -> VEXDocument {
        let bom = try IngestDecoding.decode(Wire.BOM.self, from: data)
        if let format = bom.bomFormat, format != "CycloneDX" {
            throw .unsupportedFormat("bomFormat is \"\(format)\", expected \"CycloneDX\"", path: "bomFormat")
        }
        var document = VEXDocument(format: .cycloneDX, id: bom.serialNumber, version: bom.version)
        document.author = bom.metadata?.authors?.first?.name ?? bom.metadata?.supplier?.name
        if let text = bom.metadata?.timestamp {
            guard let timestamp = RFC3339Timestamp(text) else {
                throw .invalidDocument("timestamp is not an RFC 3339 timestamp", path: "metadata.timestamp")
            }
            document.timestamp = timestamp
        }
        var byRef: [String: Wire.Component] = [:]
        var pending = (bom.components ?? []) + (bom.metadata?.component.map { [$0] } ?? [])
        while let component = pending.popLast() {
            if let ref = component.bomRef, byRef[ref] == nil { byRef[ref] = component }
            pending += component.components ?? []
        }
        let subject = bom.metadata?.component
        let context = Context(
            byRef: byRef, subjectRef: subject?.bomRef, subject: subject.map(identify),
            timestamp: document.timestamp)
        for (index, vulnerability) in (bom.vulnerabilities ?? []).enumerated() {
            let path = "vulnerabilities[\(index)]"
            switch read(vulnerability, path: path, context: context) {
            case .success(let statement): document.statements.append(statement)
            case .failure(let skipped): document.skipped.append(skipped)
            }
        }
        return document
    }

    private struct Context {
        let byRef: [String: Wire.Component]
        let subjectRef: String?
        let subject: VEXSubject?
        let timestamp: RFC3339Timestamp?
    }

    private static func read(
        _ vulnerability: Wire.Vulnerability, path: String, context: Context
    ) -> Result<VEXStatement, VEXDocument.Skipped> {
        func skip(_ reason: String) -> Result<VEXStatement, VEXDocument.Skipped> {
            .failure(VEXDocument.Skipped(path: path, reason: reason))
        }
        guard let id = vulnerability.id.nonEmpty else { return skip("no vulnerability id") }
        guard let state = vulnerability.analysis?.state.nonEmpty else {
            return skip("no analysis.state: a vulnerability report, not a VEX claim")
        }
        guard let status = VEXStatus(cycloneDXState: state) else {
            return skip("unknown analysis.state \"\(state.prefix(64))\"")
        }
        let analysis = vulnerability.analysis
        var timestamp = context.timestamp
        let stamps = [analysis?.lastUpdated, analysis?.firstIssued, vulnerability.updated, vulnerability.published]
        if let text = stamps.compactMap({ $0.nonEmpty }).first {
            guard let value = RFC3339Timestamp(text) else { return skip("timestamp is not an RFC 3339 timestamp") }
            timestamp = value
        }
        let products = (vulnerability.affects ?? []).compactMap { $0.ref.nonEmpty }.map { product(for: $0, context) }
        guard !products.isEmpty else { return skip("no affects[].ref") }
        let aliases = (vulnerability.references ?? []).compactMap { $0.id.nonEmpty }.filter { $0 != id }
        return .success(VEXStatement(
            vulnerability: id, aliases: aliases, products: products, status: status,
            justification: analysis?.justification.nonEmpty, impactStatement: analysis?.detail.nonEmpty,
            actionStatement: vulnerability.recommendation.nonEmpty ?? vulnerability.workaround.nonEmpty,
            responses: analysis?.response ?? [], timestamp: timestamp, path: path))
    }

    private static func product(for ref: String, _ context: Context) -> VEXProduct {
        guard let component = context.byRef[ref] else {
            return VEXProduct(subject: VEXSubject(identifier: ref))
        }
        let named = identify(component)
        if ref == context.subjectRef { return VEXProduct(subject: named) }
        switch context.subject {
        case let subject? where subject.digest != nil || subject.isRepository:
            return VEXProduct(subject: subject, subcomponents: [named])
        default:
            return VEXProduct(subject: named)
        }
    }

    /// What a component names: its purl; for a container without one, `name@version` as an image reference.
    private static func identify(_ component: Wire.Component) -> VEXSubject {
        if let purl = component.purl.nonEmpty { return VEXSubject(identifier: purl) }
        let name = component.name ?? component.bomRef ?? ""
        if component.type == "container" {
            if let version = component.version.nonEmpty, version.hasPrefix("sha256:") {
                return VEXSubject(identifier: name + "@" + version)
            }
            return VEXSubject(identifier: name)
        }
        return .unresolved(component.version.nonEmpty.map { "\(name)@\($0)" } ?? name)
    }

    // MARK: - Wire format

    private enum Wire {
        struct BOM: Decodable {
            var bomFormat: String?
            var serialNumber: String?
            var version: Int?
            var metadata: Metadata?
            var components: [Component]?
            var vulnerabilities: [Vulnerability]?
        }

        struct Metadata: Decodable {
            var timestamp: String?
            var component: Component?
            var authors: [Named]?
            var supplier: Named?
        }

        struct Named: Decodable {
            var name: String?
        }

        struct Component: Decodable {
            var bomRef: String?
            var type: String?
            var name: String?
            var version: String?
            var purl: String?
            var components: [Component]?

            enum CodingKeys: String, CodingKey {
                case bomRef = "bom-ref", type, name, version, purl, components
            }
        }

        struct Vulnerability: Decodable {
            var id: String?
            var references: [Reference]?
            var analysis: Analysis?
            var affects: [Affects]?
            var recommendation: String?
            var workaround: String?
            var published: String?
            var updated: String?
        }

        struct Reference: Decodable {
            var id: String?
        }

        struct Analysis: Decodable {
            var state: String?
            var justification: String?
            var response: [String]?
            var detail: String?
            var firstIssued: String?
            var lastUpdated: String?
        }

        struct Affects: Decodable {
            var ref: String?
        }
    }
}
