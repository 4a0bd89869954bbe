import Foundation

/// cosign's "simple signing" payload, the signed bytes of a key-based signature: it names the image by its manifest
/// digest. https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
public struct CosignPayload: Sendable, Equatable {
    /// The only payload type a container image signature has.
    public static let imageSignatureType = "cosign container image signature"

    public var type: String
    public var dockerManifestDigest: String
    public var dockerReference: String?

    public init(parsing data: Data) throws(RegistryError) {
        struct Wire: Decodable {
            struct Critical: Decodable {
                struct Identity: Decodable {
                    var dockerReference: String?
                    enum CodingKeys: String, CodingKey { case dockerReference = "docker-reference" }
                }
                struct Image: Decodable {
                    var dockerManifestDigest: String
                    enum CodingKeys: String, CodingKey { case dockerManifestDigest = "docker-manifest-digest" }
                }
                var identity: Identity?
                var image: Image
                var type: String
            }
            var critical: Critical
        }
        do {
            let wire = try JSONDecoder().decode(Wire.self, from: data)
            type = wire.critical.type
            dockerManifestDigest = wire.critical.image.dockerManifestDigest
            dockerReference = wire.critical.identity?.dockerReference
        } catch {
            throw .malformed("the signature payload is not cosign's simple-signing JSON")
        }
    }
}

/// One signature layer of a cosign signature manifest: the payload blob and the layer's annotations.
public struct SignatureCandidate: Sendable, Equatable {
    /// `dev.cosignproject.cosign/signature`: the base64 signature over the payload bytes.
    public static let signatureAnnotation = "dev.cosignproject.cosign/signature"
    /// `dev.sigstore.cosign/certificate`: present on keyless signatures.
    public static let certificateAnnotation = "dev.sigstore.cosign/certificate"
    /// The layer media type of a simple-signing payload.
    public static let payloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json"

    public var payload: Data
    public var annotations: [String: String]

    public init(payload: Data, annotations: [String: String]) {
        self.payload = payload
        self.annotations = annotations
    }
}

/// Judges an image's signatures: the payload must name the image and be a container image signature, and the
/// signature must verify against a trusted key (`verify` does the cryptography: ECDSA P-256 with SHA-256 over the
/// payload, DER). A verified signature wins; otherwise keyless ones make it `unsupported`; otherwise any signature
/// makes it `invalid` (or `unchecked` when the policy trusts no key); none makes it `unsigned`.
public enum SignatureJudge {
    public static func judge(
        _ candidates: [SignatureCandidate], imageDigest: Digest, keys: [TrustedKey],
        verify: (TrustedKey, _ payload: Data, _ signature: Data) -> Bool
    ) -> SignatureCheck {
        guard !candidates.isEmpty else { return SignatureCheck(state: .unsigned) }
        var firstProblem: String?
        var keyless = false
        var wellFormed = 0
        for candidate in candidates {
            let payload: CosignPayload
            do {
                payload = try CosignPayload(parsing: candidate.payload)
            } catch {
                firstProblem = firstProblem ?? error.description
                continue
            }
            guard payload.type == CosignPayload.imageSignatureType else {
                firstProblem = firstProblem ?? "the payload's type is \"\(payload.type)\", not a container image signature"
                continue
            }
            guard payload.dockerManifestDigest == imageDigest.value else {
                firstProblem = firstProblem ?? "the payload signs \(payload.dockerManifestDigest), another image"
                continue
            }
            guard let text = candidate.annotations[SignatureCandidate.signatureAnnotation], let signature = Data(base64Encoded: text),
                !signature.isEmpty
            else {
                firstProblem = firstProblem ?? "the signature annotation is missing or not base64"
                continue
            }
            if candidate.annotations[SignatureCandidate.certificateAnnotation] != nil {
                keyless = true
            }
            wellFormed += 1
            if let key = keys.first(where: { verify($0, candidate.payload, signature) }) {
                return SignatureCheck(state: .verified, key: key.name)
            }
            if !keys.isEmpty, !keyless {
                firstProblem = firstProblem ?? "the signature does not verify with any trusted key"
            }
        }
        if keyless {
            return SignatureCheck(state: .unsupported, detail: "keyless signatures (a certificate) are not verified: no Fulcio or Rekor here")
        }
        if keys.isEmpty, wellFormed > 0 {
            return SignatureCheck(state: .unchecked, detail: "signed, but the policy names no trusted key")
        }
        return SignatureCheck(state: .invalid, detail: firstProblem)
    }
}
