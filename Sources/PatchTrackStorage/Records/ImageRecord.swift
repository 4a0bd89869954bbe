import GRDB

/// A row of `image`.
struct ImageRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "image"
    var id: Int64?
    var digest: String
    var repositoryId: Int64
    var platform: String?
    var created: String?
    var labels: String
    var sourceRepository: String?
    var sourceRevision: String?
    var baseReference: String?
    var baseRepository: String?
    var baseDigest: String?
    var firstSeen: String
    var lastSeen: String

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let digest = Column(CodingKeys.digest)
        static let repositoryId = Column(CodingKeys.repositoryId)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
