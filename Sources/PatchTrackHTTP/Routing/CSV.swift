import Foundation
import Hummingbird

/// RFC 4180 CSV for tables answered with `Accept: text/csv`.
enum CSV {
    /// Whether the client asked for CSV.
    static func isRequested(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.contains("text/csv") && !accept.hasPrefix("application/json")
    }

    /// A header row and data rows; fields with commas, quotes or line breaks are quoted.
    static func render(header: [String], rows: [[String?]]) -> String {
        var text = header.map(escape).joined(separator: ",") + "\r\n"
        for row in rows {
            text += row.map { escape($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// A `text/csv` response, with the pagination `Link` header when given.
    static func response(header: [String], rows: [[String?]], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/csv; charset=utf-8"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: render(header: header, rows: rows))))
    }

    private static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
