import Foundation
import HTTPTypes
import Hummingbird

@testable import PatchTrackHTTP

extension Client {
    /// Sends `bytes` as they are (invalid UTF-8 cannot travel in a `String`).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String, bytes: [UInt8], contentType: String = "application/json"
    ) async throws -> Reply {
        try await client.execute(
            uri: uri, method: method, headers: [.authorization: "Bearer \(token)", .contentType: contentType],
            body: ByteBuffer(bytes: bytes)
        ) { response in
            Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }
}

/// A CycloneDX SBOM with one component whose `name` and `purl` are given as raw JSON string contents.
func cycloneDX(name: String = "bash", purl: String = "pkg:deb/debian/bash@5.2") -> String {
    #"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"\#(name)","version":"5.2","purl":"\#(purl)"}]}"#
}
