// OpenVEX (https://github.com/openvex/spec, OPENVEX-SPEC.md v0.2.0) into VEXStatement values.
//
// - `@context` must start with `https://openvex.dev/ns`.
// - A statement's vulnerability is `vulnerability.name` (else `@id`), with `aliases`; products are `products[]`
//   identified by `@id`, else `identifiers.purl`; subcomponents likewise (VEXSubject.swift classifies them).
// - A statement without `timestamp` inherits the document's (spec, "Statement"); `last_updated` wins over both.
// - The 0.0.x shapes are read too: `vulnerability` as a string, `products` and statement-level `subcomponents`
//   as arrays of strings (then the subcomponents narrow every product).
// Left out with a reason (never guessed): an unknown status, no vulnerability, no product, an unreadable timestamp,
// and `not_affected` without `justification` or `impact_statement`, which the spec requires ("MUST") and which
// would otherwise hide findings on no stated ground. `affected` without the required `action_statement` is kept:
// it hides nothing.

import Foundation

enum OpenVEXParser {
    static func parse(_ data: Data) throws(IngestError) -> VEXDocument {
        let wire = try IngestDecoding.decode(Wire.Document.self, from: data)
        guard let context = wire.context, context.hasPrefix("https://openvex.dev/ns") else {
            throw .unsupportedFormat(
                "@context \"\(wire.context ?? "")\" is not OpenVEX (https://openvex.dev/ns/...)", path: "@context")
        }
        var document = VEXDocument(format: .openVEX, id: wire.id, author: wire.author, version: wire.version?.number)
        if let text = wire.timestamp {
            guard let timestamp = RFC3339Timestamp(text) else {
                throw .invalidDocument("timestamp is not an RFC 3339 timestamp", path: "timestamp")
            }
            document.timestamp = timestamp
        }
        for (index, statement) in (wire.statements ?? []).enumerated() {
            let path = "statements[\(index)]"
            switch read(statement, path: path, documentTimestamp: document.timestamp) {
            case .success(let value): document.statements.append(value)
            case .failure(let skipped): document.skipped.append(skipped)
            }
        }
        return document
    }

    private static func read(
        _ statement: Wire.Statement, path: String, documentTimestamp: RFC3339Timestamp?
    ) -> Result<VEXStatement, VEXDocument.Skipped> {
        func skip(_ reason: String) -> Result<VEXStatement, VEXDocument.Skipped> {
            .failure(VEXDocument.Skipped(path: path, reason: reason))
        }
        guard let statusText = statement.status else { return skip("no status") }
        guard let status = VEXStatus(rawValue: statusText) else {
            return skip("unknown status \"\(statusText.prefix(64))\"")
        }
        guard let vulnerability = (statement.vulnerability?.name ?? statement.vulnerability?.id).nonEmpty else {
            return skip("no vulnerability name")
        }
        let justification = statement.justification.nonEmpty
        let impact = statement.impactStatement.nonEmpty
        if status == .notAffected, justification == nil, impact == nil {
            return skip("not_affected needs a justification or an impact_statement (OpenVEX spec)")
        }
        var timestamp = documentTimestamp
        if let text = statement.lastUpdated ?? statement.timestamp {
            guard let value = RFC3339Timestamp(text) else { return skip("timestamp is not an RFC 3339 timestamp") }
            timestamp = value
        }
        let legacySubcomponents = (statement.subcomponents ?? []).compactMap(\.identifier).map(VEXSubject.init)
        let products = (statement.products ?? []).compactMap { product -> VEXProduct? in
            guard let identifier = product.identifier else { return nil }
            let own = (product.subcomponents ?? []).compactMap(\.identifier).map(VEXSubject.init)
            return VEXProduct(subject: VEXSubject(identifier: identifier), subcomponents: own + legacySubcomponents)
        }
        guard !products.isEmpty else { return skip("no product with an @id or identifiers.purl") }
        return .success(VEXStatement(
            vulnerability: vulnerability,
            aliases: (statement.vulnerability?.aliases ?? []).filter { !$0.isEmpty && $0 != vulnerability },
            products: products, status: status, justification: justification, impactStatement: impact,
            actionStatement: statement.actionStatement.nonEmpty, timestamp: timestamp, path: path))
    }

    // MARK: - Wire format

    private enum Wire {
        struct Document: Decodable {
            var context: String?
            var id: String?
            var author: String?
            var timestamp: String?
            var version: LenientInt?
            var statements: [Statement]?

            enum CodingKeys: String, CodingKey {
                case context = "@context", id = "@id", author, timestamp, version, statements
            }
        }

        struct Statement: Decodable {
            var vulnerability: Vulnerability?
            var timestamp: String?
            var lastUpdated: String?
            var products: [Item]?
            var subcomponents: [Item]?
            var status: String?
            var justification: String?
            var impactStatement: String?
            var actionStatement: String?

            enum CodingKeys: String, CodingKey {
                case vulnerability, timestamp, products, subcomponents, status, justification
                case lastUpdated = "last_updated"
                case impactStatement = "impact_statement"
                case actionStatement = "action_statement"
            }
        }

        /// `{"@id", "name", "aliases"}` (0.2.0) or a plain string (0.0.x).
        struct Vulnerability: Decodable {
            var id: String?
            var name: String?
            var aliases: [String]?

            enum CodingKeys: String, CodingKey { case id = "@id", name, aliases }

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    name = text
                    return
                }
                let c = try decoder.container(keyedBy: CodingKeys.self)
                id = try c.decodeIfPresent(String.self, forKey: .id)
                name = try c.decodeIfPresent(String.self, forKey: .name)
                aliases = try c.decodeIfPresent([String].self, forKey: .aliases)
            }
        }

        /// A product or subcomponent: `{"@id", "identifiers": {"purl"}, "subcomponents"}` or a plain string.
        struct Item: Decodable {
            var identifier: String?
            var subcomponents: [Item]?

            enum CodingKeys: String, CodingKey { case id = "@id", identifiers, subcomponents }

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    identifier = text.nonEmpty
                    return
                }
                let c = try decoder.container(keyedBy: CodingKeys.self)
                let identifiers = try c.decodeIfPresent([String: String].self, forKey: .identifiers)
                identifier = try c.decodeIfPresent(String.self, forKey: .id).nonEmpty ?? identifiers?["purl"].nonEmpty
                subcomponents = try c.decodeIfPresent([Item].self, forKey: .subcomponents)
            }
        }

        /// `version` is an integer in 0.2.0; some tools write a string.
        struct LenientInt: Decodable {
            var number: Int?

            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                number = (try? c.decode(Int.self)) ?? (try? c.decode(String.self)).flatMap { Int($0) }
            }
        }
    }
}
