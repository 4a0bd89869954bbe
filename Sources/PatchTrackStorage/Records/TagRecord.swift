import GRDB

/// A row of `tag`: a movable name in a repository and the image it points to now.
struct TagRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "tag"
    var id: Int64?
    var repositoryId: Int64
    var name: String
    var imageId: Int64
    var updatedAt: String

    enum Columns {
        static let repositoryId = Column(CodingKeys.repositoryId)
        static let name = Column(CodingKeys.name)
        static let imageId = Column(CodingKeys.imageId)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `tagHistory`: one move of a tag.
struct TagHistoryRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "tagHistory"
    var id: Int64?
    var tagId: Int64
    var imageId: Int64
    var previousImageId: Int64?
    var movedAt: String
}
