import Foundation
import GRDB

/// A row of `token`. The secret itself is never stored, only its SHA-256.
struct TokenRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "token"
    var id: Int64?
    var name: String
    var role: String
    var lookupKey: String
    var secretHash: Data
    var createdAt: String
    var createdBy: Int64?
    var revokedAt: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let role = Column(CodingKeys.role)
        static let lookupKey = Column(CodingKeys.lookupKey)
        static let revokedAt = Column(CodingKeys.revokedAt)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
