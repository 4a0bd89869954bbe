import Hummingbird
import PatchTrackCore
import PatchTrackRegistry
import PatchTrackStorage

/// `/v1/images`: register images and read them.
struct ImagesController {
    let database: AppDatabase
    let limits: BodyLimits
    /// Reads registries for on-demand signature checks; nil where the application has no registry client.
    let registry: RegistryPoller?

    var endpoints: [Endpoint] {
        [
            Endpoint(.post, "/v1/images", role: .ingest, handler: register),
            Endpoint(.get, "/v1/images", role: .read, handler: list),
            Endpoint(.get, "/v1/images/{digest}", role: .read, handler: show),
            Endpoint(.get, "/v1/images/{digest}/running", role: .read, handler: running),
            Endpoint(.post, "/v1/images/{digest}/signature/check", role: .ingest, handler: checkSignature),
        ]
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let registration = try await request.decodeJSON(RegisterImageRequest.self, limits: limits).registration()
        let (image, created) = try await database.registry.registerImage(registration)
        return try JSONResponse.make(
            ImageResponse(image), status: created ? .created : .ok, headers: [.location: "/v1/images/\(image.digest)"])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try PageRequest(request)
        let query = request.uri.queryParameters
        var repository: String?
        if let name = query["repository"], !name.isEmpty {
            do {
                repository = try RepositoryName(parsing: String(name)).value
            } catch {
                throw ProblemDetails.badParameter("repository", error.reason)
            }
        }
        let tag = query["tag"].flatMap { $0.isEmpty ? nil : String($0) }
        let result = try await database.registry.images(repository: repository, tag: tag, after: try page.integerCursor(), limit: page.limit)
        let next = PageRequest.encode(result.nextCursor.map(String.init))
        return try JSONResponse.make(
            ImageListResponse(items: result.items.map(ImageResponse.init), nextCursor: next),
            headers: PageRequest.linkHeader(request, nextCursor: next))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(ImageResponse(try await image(request, context)))
    }

    /// Where the image runs now, from every environment's newest inventory.
    @Sendable func running(_ request: Request, context: AppRequestContext) async throws -> Response {
        let digest = try request.digestParameter(context)
        guard let containers = try await database.inventory.running(digest: digest.value) else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        let answer = RunningResponse(digest: digest.value, containers: containers)
        if CSV.isRequested(request) {
            return CSV.response(header: RunningResponse.csvHeader, rows: answer.csvRows)
        }
        return try JSONResponse.make(answer)
    }

    /// Checks the image's signatures in its registry now and answers the image with the check.
    @Sendable func checkSignature(_ request: Request, context: AppRequestContext) async throws -> Response {
        let image = try await image(request, context)
        guard let registry else {
            throw ProblemDetails(.registryError, status: .serviceUnavailable, detail: "this server has no registry client")
        }
        guard let digest = try? Digest(parsing: image.digest) else { throw ProblemDetails.notFound("image \(image.digest) is not tracked") }
        do {
            _ = try await registry.checkSignature(repository: RepositoryName(canonical: image.repository), digest: digest)
        } catch let error as RegistryError {
            throw ProblemDetails(.registryError, status: .badGateway, detail: "\(image.repository): \(error)")
        }
        return try JSONResponse.make(ImageResponse(try await self.image(request, context)))
    }

    private func image(_ request: Request, _ context: AppRequestContext) async throws -> StoredImage {
        let digest = try request.digestParameter(context)
        guard let image = try await database.registry.image(digest: digest.value) else {
            throw ProblemDetails.notFound("image \(digest) is not tracked")
        }
        return image
    }
}
