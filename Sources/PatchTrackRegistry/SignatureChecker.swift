import Crypto
import Foundation
import PatchTrackCore
import PatchTrackStorage

/// Finds an image's cosign signatures in its registry and judges them with Core's ``SignatureJudge``: by the OCI 1.1
/// referrers API when the registry offers it, else by cosign's tag scheme (`sha256-<hex>.sig` in the same repository).
/// Key-based signatures are verified here (ECDSA P-256 with SHA-256 over the payload, DER).
/// https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
struct SignatureChecker: Sendable {
    /// The artifact type cosign gives a signature stored as an OCI 1.1 artifact.
    static let artifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"
    static let maximumPayloadBytes = 1 << 20
    static let maximumSignatures = 20

    let remote: RegistryRepository

    /// The check of `digest` against `keys`, and where its signatures were found (`referrers`, `tag`, or nil).
    func check(_ digest: PatchTrackCore.Digest, keys: [TrustedKey]) async throws(RegistryError) -> (check: SignatureCheck, source: String?) {
        var candidates: [SignatureCandidate] = []
        var source: String?
        if let referrers = try await remote.referrers(digest, artifactType: Self.artifactType), !referrers.isEmpty {
            source = "referrers"
            for referrer in referrers.prefix(Self.maximumSignatures) {
                guard let manifest = try await remote.manifestIfPresent(reference: referrer.digest) else { continue }
                candidates += try await self.candidates(manifest.document)
            }
        }
        if candidates.isEmpty, let manifest = try await remote.manifestIfPresent(reference: Self.signatureTag(digest)) {
            source = "tag"
            candidates = try await self.candidates(manifest.document)
        }
        let check = SignatureJudge.judge(candidates, imageDigest: digest, keys: keys, verify: Self.verify)
        return (check, source)
    }

    /// cosign's tag for the signatures of `digest`.
    static func signatureTag(_ digest: PatchTrackCore.Digest) -> String { "sha256-\(digest.hex).sig" }

    /// One candidate per simple-signing layer of a signature manifest, with its payload blob.
    private func candidates(_ manifest: OCIDocument) async throws(RegistryError) -> [SignatureCandidate] {
        var result: [SignatureCandidate] = []
        for layer in manifest.layers.prefix(Self.maximumSignatures) where layer.mediaType == SignatureCandidate.payloadMediaType {
            let payload = try await remote.blob(layer.digest, limit: Self.maximumPayloadBytes)
            result.append(SignatureCandidate(payload: payload, annotations: layer.annotations ?? [:]))
        }
        return result
    }

    /// Whether `signature` (DER) over `payload` verifies with `key` (a P-256 public key, PEM).
    static func verify(_ key: TrustedKey, _ payload: Data, _ signature: Data) -> Bool {
        guard let publicKey = try? P256.Signing.PublicKey(pemRepresentation: key.publicKeyPEM),
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
        else { return false }
        return publicKey.isValidSignature(parsed, for: payload)
    }
}
