import Foundation

/// Which registry artifacts carry an image's SBOM, and how the document is read out of them: cosign's
/// `sha256-<hex>.sbom` tag (`cosign attach sbom`), OCI 1.1 referrers with an SPDX or CycloneDX artifact type, and
/// BuildKit's attestation manifests (in-toto statements whose predicate is the SBOM).
/// https://github.com/sigstore/cosign/blob/main/specs/SBOM_SPEC.md,
/// https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md
public enum AttachedSBOM {
    /// BuildKit marks an attestation manifest in an index with this annotation (value `attestation-manifest`) and
    /// names the manifest it attests in `vnd.docker.reference.digest`.
    public static let referenceTypeKey = "vnd.docker.reference.type"
    public static let referenceDigestKey = "vnd.docker.reference.digest"
    public static let attestationManifest = "attestation-manifest"
    /// The layer annotation naming an in-toto statement's predicate type.
    public static let predicateTypeKey = "in-toto.io/predicate-type"
    /// Predicate types that are SBOMs PatchTrack reads.
    public static let sbomPredicateTypes: Set<String> = [
        "https://spdx.dev/Document", "https://cyclonedx.org/bom", "https://cyclonedx.org/schema",
    ]

    /// cosign's tag for the SBOM attached to `digest`.
    public static func cosignTag(for digest: Digest) -> String { "sha256-\(digest.hex).sbom" }

    /// Whether a media type (a layer's, or a referrer's artifact type) is a JSON SBOM PatchTrack reads: SPDX JSON or
    /// CycloneDX JSON. Tag-value SPDX and XML CycloneDX are not.
    public static func isSBOM(mediaType: String) -> Bool {
        let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return ["text/spdx+json", "application/spdx+json", "application/vnd.cyclonedx+json", "application/vnd.syft+json"].contains(type)
    }

    /// Whether an in-toto layer (by its predicate-type annotation) holds an SBOM.
    public static func isSBOMAttestation(_ layer: OCIDescriptor) -> Bool {
        layer.annotations?[predicateTypeKey].map(sbomPredicateTypes.contains) == true
    }

    /// The SBOM inside an in-toto statement: its `predicate`, as JSON bytes.
    public static func predicate(ofStatement data: Data) throws(RegistryError) -> Data {
        guard let statement = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let predicateType = statement["predicateType"] as? String, sbomPredicateTypes.contains(predicateType),
            let predicate = statement["predicate"], JSONSerialization.isValidJSONObject(predicate),
            let bytes = try? JSONSerialization.data(withJSONObject: predicate)
        else { throw .malformed("the attestation is not an in-toto statement with an SBOM predicate") }
        return bytes
    }

    /// The attestation manifests of an index, by the digest of the manifest each attests.
    public static func attestations(in index: OCIDocument) -> [(subject: String, attestation: String)] {
        index.manifests.compactMap { entry in
            guard entry.annotations?[referenceTypeKey] == attestationManifest, let subject = entry.annotations?[referenceDigestKey] else {
                return nil
            }
            return (subject, entry.digest)
        }
    }
}
