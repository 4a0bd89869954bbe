import PatchTrackCore
import PatchTrackStorage

/// Body of `POST /v1/tokens`.
struct CreateTokenRequest: Decodable {
    let name: String
    let role: Role
}

/// A token as listed (no secret).
struct TokenResponse: Encodable {
    let id: Int64
    let name: String
    let role: Role
    let createdAt: String
    let revokedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }

    init(_ info: TokenInfo) {
        id = info.id
        name = info.name
        role = info.role
        createdAt = info.createdAt
        revokedAt = info.revokedAt
    }
}

/// The answer to `POST /v1/tokens`: the only time the secret is shown.
struct CreatedTokenResponse: Encodable {
    let id: Int64
    let name: String
    let role: Role
    let createdAt: String
    let token: String

    enum CodingKeys: String, CodingKey {
        case id, name, role, token
        case createdAt = "created_at"
    }
}

/// `GET /v1/tokens`.
struct TokenListResponse: Encodable {
    let items: [TokenResponse]
}
