import Crypto
import Foundation
import PatchTrackCore
import Testing

@testable import PatchTrackHTTP
@testable import PatchTrackRegistry
@testable import PatchTrackStorage

/// cosign key-based signatures, written as cosign writes them (a simple-signing payload blob, the signature in the
/// layer annotation, under the tag `sha256-<hex>.sig`), signed here with a test key (swift-crypto, ECDSA P-256).
@Suite("Registry signatures against a real registry", .enabled(if: TestRegistry.available, TestRegistry.skipReason))
struct RegistrySignatureTests {
    /// Pushes a cosign signature manifest for `digest` whose payload names `signedDigest` and whose signature is made
    /// by `key` over `signedBytes` (the payload itself unless a test tampers with it).
    static func sign(
        _ registry: TestRegistry, _ path: String, digest: String, key: P256.Signing.PrivateKey, signedDigest: String? = nil,
        tamper: Bool = false
    ) async throws {
        let payload = Data(
            """
            {"critical":{"identity":{"docker-reference":"\(registry.host)/\(path)"},"image":{"docker-manifest-digest":"\(signedDigest ?? digest)"},"type":"cosign container image signature"},"optional":null}
            """.utf8)
        let signed = tamper ? payload + Data(" ".utf8) : payload
        let signature = try key.signature(for: signed).derRepresentation.base64EncodedString()
        let payloadDigest = try await registry.pushBlob(path, payload)
        let config = Data("{}".utf8)
        let configDigest = try await registry.pushBlob(path, config)
        let manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": OCIMediaType.imageManifest,
            "config": ["mediaType": OCIMediaType.imageConfig, "digest": configDigest, "size": config.count],
            "layers": [[
                "mediaType": SignatureCandidate.payloadMediaType, "digest": payloadDigest, "size": payload.count,
                "annotations": [SignatureCandidate.signatureAnnotation: signature],
            ]],
        ]
        let tag = "sha256-\(digest.dropFirst(7)).sig"
        try await registry.pushManifest(
            path, tag, try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]), mediaType: OCIMediaType.imageManifest)
    }

    @Test("signed and unsigned bases are told apart by the policy; wrong key, tampered payload and another image's digest are invalid")
    func signatures() async throws {
        let bed = try await RegistryTestBed()
        defer { bed.close() }
        let (environment, registry, poller) = (bed.environment, bed.registry, bed.poller)
        let builder = bed.builder
        let release = P256.Signing.PrivateKey()
        let stranger = P256.Signing.PrivateKey()

        // given: a signed base and an unsigned one, an app on each, and a policy that trusts the release key and
        // requires signed bases
        let signedBase = try await builder.pushImage("library/debian", tag: "12")
        try await Self.sign(registry, "library/debian", digest: signedBase.digest, key: release)
        let unsignedBase = try await builder.pushImage("library/alpine", tag: "3.20")
        let onSigned = try await builder.pushImage("acme/app", tag: "1.0", base: ("\(registry.host)/library/debian:12", signedBase.digest))
        let onUnsigned = try await builder.pushImage("acme/app", tag: "2.0", base: ("\(registry.host)/library/alpine:3.20", unsignedBase.digest))

        try await environment.withClient(registry: poller) { http in
            // polled before the policy trusts any key: the signed base is signed but unchecked
            for (path, tags) in [("library/debian", ["12"]), ("library/alpine", ["3.20"]), ("acme/app", ["1.0", "2.0"])] {
                let report = try await poller.poll(try await RegistryWatchTests.watch(environment, try registry.repository(path), tags: tags))
                #expect(report.error == nil)
            }
            #expect(try await environment.database.signatures.signature(digest: signedBase.digest)?.state == .unchecked)
            #expect(try await poller.recheckSignatures(limit: 100) == 0, "nothing is stale while the keys never changed")

            // when: the policy trusts the release key and requires signed bases; the registry job checks again
            let body: [String: Any] = [
                "require_signed_base": true,
                "trusted_keys": [["name": "release", "public_key_pem": release.publicKey.pemRepresentation]],
            ]
            let policy = try await http.send(
                .put, "/v1/policy", token: environment.admin,
                body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            #expect(policy.status == .ok)
            #expect(policy.json["require_signed_base"] as? Bool == true)
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await poller.recheckSignatures(limit: 100) == 4, "every image checked by the polls, before the keys")
            #expect(try await poller.recheckSignatures(limit: 100) == 0)

            // then: the images show their state, and the plan names the unsigned base only
            let verified = try await http.send(.get, "/v1/images/\(signedBase.digest)", token: environment.read)
            let signature = try #require(verified.json["signature"] as? [String: Any])
            #expect(signature["state"] as? String == "verified")
            #expect(signature["key"] as? String == "release")
            #expect(signature["source"] as? String == "tag")
            #expect(signature["checked_at"] as? String != nil)
            let unsigned = try await http.send(.get, "/v1/images/\(unsignedBase.digest)", token: environment.read)
            #expect((unsigned.json["signature"] as? [String: Any])?["state"] as? String == "unsigned")
            let items = try await http.plan(token: environment.read)
            #expect(items.compactMap { $0["digest"] as? String } == [onUnsigned.digest])
            let reason = try #require((items.first?["reasons"] as? [[String: Any]])?.first)
            #expect(reason["code"] as? String == "unsigned_base")
            #expect(reason["signature_state"] as? String == "unsigned")
            #expect(reason["base_digest"] as? String == unsignedBase.digest)
            _ = onSigned

            // a signature by a key the policy does not trust, over a tampered payload, or naming another image: invalid
            let cases: [(P256.Signing.PrivateKey, String?, Bool, String)] = [
                (stranger, nil, false, "does not verify with any trusted key"),
                (release, nil, true, "does not verify with any trusted key"),
                (release, unsignedBase.digest, false, "another image"),
            ]
            for (key, signedDigest, tamper, detail) in cases {
                try await Self.sign(registry, "library/debian", digest: signedBase.digest, key: key, signedDigest: signedDigest, tamper: tamper)
                let checked = try await http.send(.post, "/v1/images/\(signedBase.digest)/signature/check", token: environment.ingest)
                #expect(checked.status == .ok)
                let state = try #require(checked.json["signature"] as? [String: Any])
                #expect(state["state"] as? String == "invalid")
                #expect((state["detail"] as? String)?.contains(detail) == true, "\(state)")
            }
            // the base is no longer verified: the app built on it joins the plan
            let after = try await http.plan(token: environment.read)
            #expect(Set(after.compactMap { $0["digest"] as? String }) == [onSigned.digest, onUnsigned.digest])

            // a read token may not trigger checks; an untracked digest is 404
            #expect(try await http.send(.post, "/v1/images/\(signedBase.digest)/signature/check", token: environment.read).status == .forbidden)
            let missing = "sha256:" + String(repeating: "e", count: 64)
            #expect(try await http.send(.post, "/v1/images/\(missing)/signature/check", token: environment.ingest).status == .notFound)
        }
    }
}
