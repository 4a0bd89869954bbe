import Hummingbird
import Logging
import NIOHTTP1
import PatchTrackCore
import PatchTrackStorage

/// Turns every error into an `application/problem+json` response: the single mapping from domain and framework
/// errors to HTTP. Unknown errors become a generic 500, logged once with the request id.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            // `%00` is the only way a NUL reaches a path or query parameter; no identifier or filter holds one.
            if request.uri.description.contains("%00") {
                throw ProblemDetails(.badRequest, status: .badRequest, detail: "the path or query contains a NUL character (%00)")
            }
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            return try problem.response(from: request, context: context)
        } catch {
            return try problem(for: error, request: request, context: context).response(from: request, context: context)
        }
    }

    private func problem(for error: any Error, request: Request, context: Context) -> ProblemDetails {
        switch error {
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    return ProblemDetails(
                        .methodNotAllowed, status: .methodNotAllowed,
                        detail: "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))",
                        headers: [.allow: allowed.joined(separator: ", ")])
                }
                return .notFound("no route for \(request.uri.path)")
            case .contentTooLarge:
                return ProblemDetails(.payloadTooLarge, status: .contentTooLarge, detail: "the request body is larger than the server accepts")
            default:
                return ProblemDetails(.badRequest, status: error.status.code < 500 ? error.status : .badRequest, detail: error.body ?? error.status.reasonPhrase)
            }
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            // NIO's NIOTooManyBytesError, thrown when a body exceeds the collection limit.
            return ProblemDetails(.payloadTooLarge, status: .contentTooLarge, detail: "the request body is larger than the server accepts")
        case let error as StorageError:
            switch error {
            case .notFound(let what): return .notFound("\(what) does not exist")
            case .conflict(let why): return ProblemDetails(.conflict, status: .conflict, detail: why)
            case .invalid(let field, let message): return .invalidField(field, message)
            }
        case SQLError.storageFull(let detail):
            // RFC 4918 §11.5: the server cannot store what is needed to complete the request; nothing was written.
            return ProblemDetails(
                .storageFull, status: .init(code: 507, reasonPhrase: "Insufficient Storage"),
                detail: "nothing was written: \(detail); writes succeed again once space returns")
        case SQLError.nulCharacter:
            return ProblemDetails(.validationFailed, status: .unprocessableContent, detail: SQLError.nulCharacter.description)
        case HTTPParserError.invalidEOFState:
            // The connection closed before the body ended: the client went away, or the read timeout cut a silent
            // one. Nobody reads this answer and it is no server fault, so it is not logged as a failed request.
            context.logger.notice("request body cut short", metadata: ["request_id": .string(context.requestID)])
            return ProblemDetails(.badRequest, status: .badRequest, detail: "the connection closed before the request body ended")
        case is CancellationError:
            // The shutdown timeout cut a request still running.
            context.logger.notice("request cut by shutdown", metadata: ["request_id": .string(context.requestID)])
            return ProblemDetails(.notReady, status: .serviceUnavailable, detail: "the server stopped before the request finished")
        case let error as PlanningError:
            // Writes that would make the lineage loop (registrations, base changes) are refused naming the loop.
            return ProblemDetails(
                .lineageCycle, status: .unprocessableContent, detail: error.description,
                errors: [ProblemDetails.FieldError(field: "base", message: error.description)])
        default:
            context.logger.error("request failed", metadata: ["request_id": .string(context.requestID), "error": .string(String(reflecting: error))])
            return ProblemDetails(.internalError, status: .internalServerError, detail: "internal error; request id \(context.requestID)")
        }
    }
}
