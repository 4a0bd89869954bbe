import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatchTrackWebhooks

/// A webhook receiver for the tests: a Hummingbird server of its own on 127.0.0.1 that records every delivery
/// (headers and body) per path and answers as told: 200, another status, a redirect, or nothing for a while.
actor WebhookReceiver {
    enum Behaviour: Sendable {
        case answer(HTTPResponse.Status)
        case redirect(String)
        case hang(Duration)
    }

    struct Delivery: Sendable {
        let path: String
        let id: String
        let timestamp: Int
        let signature: String
        let body: Data

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var type: String { json["type"] as? String ?? "" }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }

        /// Whether the Standard Webhooks signature checks out with `secret`.
        func verifies(with secret: String) -> Bool {
            WebhookSigning.verify(secret: secret, id: id, timestamp: timestamp, body: body, header: signature)
        }
    }

    private var behaviours: [String: Behaviour] = [:]
    private(set) var deliveries: [Delivery] = []

    func set(_ path: String, _ behaviour: Behaviour) {
        behaviours[path] = behaviour
    }

    func behaviour(_ path: String) -> Behaviour { behaviours[path] ?? .answer(.ok) }

    func record(_ delivery: Delivery) {
        deliveries.append(delivery)
    }

    func received(_ path: String) -> [Delivery] { deliveries.filter { $0.path == path } }

    /// Waits (up to `seconds`) until `path` received `count` deliveries (of event `type` when given); answers those.
    func waitFor(_ path: String, type: String? = nil, count: Int = 1, seconds: Double = 20) async throws -> [Delivery] {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
        func matching() -> [Delivery] { received(path).filter { type == nil || $0.type == type } }
        while ContinuousClock.now < deadline {
            if matching().count >= count { return matching() }
            try await Task.sleep(for: .milliseconds(50))
        }
        return matching()
    }

    /// Serves during `body`, which gets the base URL (`http://127.0.0.1:PORT`).
    func serve<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let path = request.uri.path
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let delivery = Delivery(
                path: path, id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                timestamp: Int(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0,
                signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "", body: Data(Array(bytes.readableBytesView)))
            let behaviour = await self.behaviour(path)
            await self.record(delivery)
            switch behaviour {
            case .answer(let status):
                return Response(status: status, body: .init(byteBuffer: ByteBuffer(string: "ok")))
            case .redirect(let location):
                return Response(status: .found, headers: [.location: location])
            case .hang(let duration):
                try await Task.sleep(for: duration)
                return Response(status: .ok)
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}
