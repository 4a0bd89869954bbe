import Foundation
import Testing

@testable import PatchTrackCore

/// Core's registry rules: documents, challenges, pagination, tag selection, signatures judged, attached SBOMs.
@Suite("Registry rules")
struct RegistryRulesTests {
    static let digest = try! Digest(parsing: "sha256:" + String(repeating: "a", count: 64))

    static func payload(digest: String = digest.value, type: String = CosignPayload.imageSignatureType) -> Data {
        Data(#"{"critical":{"identity":{"docker-reference":"ghcr.io/acme/app"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"\#(type)"},"optional":{}}"#.utf8)
    }

    static let signature = [SignatureCandidate.signatureAnnotation: Data("der".utf8).base64EncodedString()]
    static let key = TrustedKey(name: "release", publicKeyPEM: "-----BEGIN PUBLIC KEY-----")

    @Test("a challenge's scheme and parameters, quoted or not; a Bearer challenge needs a realm")
    func challenges() throws {
        let bearer = try #require(RegistryChallenge(
            header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/debian:pull""#))
        #expect(bearer.scheme == .bearer)
        #expect(bearer.parameters == [
            "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/debian:pull",
        ])
        #expect(RegistryChallenge(header: #"Basic realm="Registry Realm""#)?.scheme == .basic)
        #expect(RegistryChallenge(header: #"Bearer service="x""#) == nil)
        #expect(RegistryChallenge(header: "Negotiate abc") == nil)
    }

    @Test("the next page of a Link header, relative as registries send it")
    func links() {
        #expect(RegistryLink.next(#"</v2/acme/app/tags/list?last=b&n=2>; rel="next""#) == "/v2/acme/app/tags/list?last=b&n=2")
        #expect(RegistryLink.next(#"<https://x/a>; rel="prev", <https://x/b>; rel="next""#) == "https://x/b")
        #expect(RegistryLink.next(#"<https://x/a>; rel="prev""#) == nil)
    }

    @Test("explicit tags are polled as given; a pattern selects listed tags matching whole")
    func tagSelection() throws {
        let repository = try RepositoryName(parsing: "debian")
        let pattern = WatchDefinition(repository: repository, tags: nil, tagPattern: #"12(\.[0-9]+)?-slim"#, intervalMinutes: 60)
        #expect(try pattern.selectTags(listed: ["12-slim", "12.7-slim", "12-slim-amd64", "bookworm", "x12-slim"]) == ["12-slim", "12.7-slim"])
        let explicit = WatchDefinition(repository: repository, tags: ["b", "a"], tagPattern: nil, intervalMinutes: 60)
        #expect(try explicit.selectTags(listed: []) == ["b", "a"])
        #expect(throws: FieldError.self) { try WatchDefinition(repository: repository, tags: ["a"], tagPattern: "a", intervalMinutes: 60).validate() }
        #expect(throws: FieldError.self) { try WatchDefinition(repository: repository, tags: nil, tagPattern: "(", intervalMinutes: 60).validate() }
        #expect(throws: FieldError.self) { try WatchDefinition(repository: repository, tags: ["bad tag"], tagPattern: nil, intervalMinutes: 60).validate() }
        #expect(throws: FieldError.self) { try WatchDefinition(repository: repository, tags: ["a"], tagPattern: nil, intervalMinutes: 0).validate() }
    }

    @Test("no signature is unsigned; a signature without trusted keys is unchecked; a keyless one is unsupported")
    func signatureStates() {
        let never: (TrustedKey, Data, Data) -> Bool = { _, _, _ in Issue.record("nothing to verify"); return false }
        #expect(SignatureJudge.judge([], imageDigest: Self.digest, keys: [Self.key], verify: never).state == .unsigned)
        let signed = SignatureCandidate(payload: Self.payload(), annotations: Self.signature)
        #expect(SignatureJudge.judge([signed], imageDigest: Self.digest, keys: [], verify: never).state == .unchecked)
        var keyless = Self.signature
        keyless[SignatureCandidate.certificateAnnotation] = "-----BEGIN CERTIFICATE-----"
        let unsupported = SignatureJudge.judge(
            [SignatureCandidate(payload: Self.payload(), annotations: keyless)], imageDigest: Self.digest, keys: [Self.key]) { _, _, _ in false }
        #expect(unsupported.state == .unsupported)
    }

    @Test("a malformed payload, another type, another image's digest or a missing signature are invalid, each said")
    func invalidSignatures() {
        let never: (TrustedKey, Data, Data) -> Bool = { _, _, _ in Issue.record("a bad candidate reached verification"); return false }
        let cases: [(SignatureCandidate, String)] = [
            (SignatureCandidate(payload: Data("{}".utf8), annotations: Self.signature), "not cosign's simple-signing JSON"),
            (SignatureCandidate(payload: Self.payload(type: "cosign attestation"), annotations: Self.signature), "not a container image signature"),
            (SignatureCandidate(payload: Self.payload(digest: "sha256:" + String(repeating: "b", count: 64)), annotations: Self.signature), "another image"),
            (SignatureCandidate(payload: Self.payload(), annotations: [:]), "missing or not base64"),
        ]
        for (candidate, detail) in cases {
            let check = SignatureJudge.judge([candidate], imageDigest: Self.digest, keys: [Self.key], verify: never)
            #expect(check.state == .invalid)
            #expect(check.detail?.contains(detail) == true, "\(String(describing: check.detail))")
        }
        // the signature bytes and payload reach verification unchanged, and a verifying key wins over a bad candidate
        let good = SignatureCandidate(payload: Self.payload(), annotations: Self.signature)
        let verified = SignatureJudge.judge([cases[0].0, good], imageDigest: Self.digest, keys: [Self.key]) { key, payload, signature in
            key == Self.key && payload == Self.payload() && signature == Data("der".utf8)
        }
        #expect(verified == SignatureCheck(state: .verified, key: "release"))
    }

    @Test("documents: an index and a manifest by media type; schema 1 and a manifest without config refused")
    func documents() throws {
        let index = try OCIDocument(parsing: Data(#"{"schemaVersion":2,"manifests":[]}"#.utf8), contentType: OCIMediaType.dockerManifestList)
        #expect(index.kind == .index)
        #expect(throws: RegistryError.self) {
            try OCIDocument(parsing: Data(#"{"schemaVersion":1,"fsLayers":[]}"#.utf8), contentType: "application/vnd.docker.distribution.manifest.v1+prettyjws")
        }
        #expect(throws: RegistryError.self) {
            try OCIDocument(parsing: Data(#"{"schemaVersion":2,"mediaType":"\#(OCIMediaType.imageManifest)","layers":[]}"#.utf8), contentType: nil)
        }
    }

    @Test("the base from BuildKit's annotations; an in-toto SBOM predicate read out of its statement")
    func baseAndAttestations() throws {
        let base = RegistryImage.base(annotations: [
            RegistryImage.baseNameKey: "docker.io/library/debian:12-slim", RegistryImage.baseDigestKey: Self.digest.value,
        ])
        #expect(base?.description == "docker.io/library/debian:12-slim@\(Self.digest)")
        #expect(RegistryImage.base(annotations: [RegistryImage.baseDigestKey: Self.digest.value]) == nil)
        let statement = Data(#"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","predicate":{"spdxVersion":"SPDX-2.3"}}"#.utf8)
        let predicate = try JSONSerialization.jsonObject(with: try AttachedSBOM.predicate(ofStatement: statement)) as? [String: String]
        #expect(predicate == ["spdxVersion": "SPDX-2.3"])
        let provenance = Data(#"{"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{}}"#.utf8)
        #expect(throws: RegistryError.self) { try AttachedSBOM.predicate(ofStatement: provenance) }
        #expect(AttachedSBOM.isSBOM(mediaType: "text/spdx+json"))
        #expect(!AttachedSBOM.isSBOM(mediaType: "text/spdx"))
    }
}
