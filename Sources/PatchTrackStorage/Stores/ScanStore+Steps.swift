import Foundation
import PatchTrackCore

extension ScanStore {
    /// Inserts an image's components with their match keys. `skipExisting` leaves out purls the image already has
    /// (and repeats of one purl in `components`), for documents that list only some packages.
    static func insertComponents(
        _ session: any SQLSession, _ components: [Component], imageId: Int64, scanId: Int64, skipExisting: Bool
    ) throws {
        var known = Set<String>()
        if skipExisting {
            known = Set(try session.fetchAll("SELECT purl FROM component WHERE imageId = \(imageId)").map { try $0.decode(0, as: String.self) })
        }
        var batch = SQLBatchInsert(
            into: "component",
            columns: [
                "imageId", "scanId", "purl", "purlBase", "ecosystem", "release", "name", "version", "sourceName", "sourceVersion",
                "layerDigest", "layerDiffId",
            ],
            tail: "RETURNING id")
        batch.reserveCapacity(components.count)
        var inserted: [Component] = []
        inserted.reserveCapacity(components.count)
        for component in components {
            let purl = component.purl.description
            if skipExisting && !known.insert(purl).inserted { continue }
            batch.append(
                imageId, scanId, purl, purlBase(canonical: purl), Matching.ecosystemName(component.ecosystem),
                component.release.release, component.name, component.version, component.sourceName, component.sourceVersion,
                component.layer?.digest, component.layer?.diffID)
            inserted.append(component)
        }
        let ids = try session.insert(batch).rows.map { try $0.decode(0, as: Int64.self) }
        guard ids.count == inserted.count else { throw StorageError.conflict("components of image \(imageId) were not stored") }
        try Matching.insertComponentKeys(
            session, zip(ids, inserted).map { id, component in (id, MatchKey.keys(for: component.ecosystemPackage)) })
    }

    /// Inserts the verdicts a scanner reported for an image.
    static func insertVerdicts(_ session: any SQLSession, _ verdicts: [ScanDocument.Verdict], imageId: Int64, scanId: Int64) throws {
        var batch = SQLBatchInsert(
            into: "scannerVerdict",
            columns: [
                "imageId", "scanId", "advisoryId", "relatedAdvisoryIds", "purl", "packageName", "installedVersion",
                "fixedVersions", "fixState", "severity", "dataSource", "layerDigest",
            ])
        batch.reserveCapacity(verdicts.count)
        for verdict in verdicts {
            batch.append(
                imageId, scanId, verdict.advisoryID, try StoredJSON.text(verdict.relatedAdvisoryIDs), verdict.packagePURL,
                verdict.packageName, verdict.installedVersion, try StoredJSON.text(verdict.fixedVersions), verdict.fixState,
                verdict.severity, verdict.dataSource, verdict.layer?.digest)
        }
        try session.insert(batch)
    }

    /// The base of a canonical purl string: everything before the version, qualifiers or subpath. In the canonical
    /// form `@`, `?` and `#` inside type, namespace and name are percent-encoded, so the first one ends the base.
    static func purlBase(canonical purl: String) -> String {
        guard let end = purl.utf8.firstIndex(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return purl
        }
        return String(purl[..<end])
    }

    /// `pkg:type/namespace/name` without version, qualifiers or subpath, canonically encoded.
    public static func purlBase(_ purl: PURL) -> String {
        (try? PURL(type: purl.type, namespace: purl.namespace, name: purl.name, version: nil, qualifiers: [:], subpath: nil))?.description
            ?? purl.description
    }

    /// The columns ``storedComponent(_:)`` reads, besides `imageDigest`.
    static let componentColumns: SQLStatement = """
        c.id, c.purl, c.ecosystem, c.release, c.name, c.version, c.sourceName, c.sourceVersion, c.layerDigest, c.layerDiffId
        """

    static func storedComponent(_ row: SQLRow) throws -> StoredComponent {
        StoredComponent(
            id: try row.decode("id"), imageDigest: try row.decode("imageDigest"), purl: try row.decode("purl"),
            ecosystem: try row.decode("ecosystem"), release: try row.decode("release"), name: try row.decode("name"),
            version: try row.decode("version"), sourceName: try row.decode("sourceName"),
            sourceVersion: try row.decode("sourceVersion"), layerDigest: try row.decode("layerDigest"),
            layerDiffID: try row.decode("layerDiffId"))
    }
}
