// Type-specific purl rules, from the type definitions of https://github.com/package-url/purl-spec (types/*.json,
// commit 16f3d0e): whether the namespace is required, and which components are case-insensitive (lowercased in the
// canonical form), plus the few normalisation rules that are stated precisely enough to apply.
//
// Deliberate deviations:
// - "prohibited" namespaces are not rejected: real tools emit them (syft writes
//   `pkg:oci/k8supstream.azurecr.io/public/oss/kubernetes/kubectl@...`), and refusing a whole SBOM for it helps no one.
// - golang is not checked for its "required" namespace: syft writes module paths without a slash as a bare name
//   (`pkg:golang/go.starlark.net@...`, `pkg:golang/stdlib@...`).
// - huggingface is not checked for its namespace either: the purl-spec test suite has a valid namespace-less model.
// - hackage "kebab-case" and pub "replace other characters with _" are not applied (not precise enough to be safe).

import Foundation

/// How the purl specification constrains one package type.
struct PURLTypeRule: Sendable {
    /// Whether a namespace must be present.
    var requiresNamespace = false
    /// The namespace is case-insensitive: the canonical form is lowercase.
    var lowercaseNamespace = false
    /// The name is case-insensitive: the canonical form is lowercase.
    var lowercaseName = false
    /// The version is case-insensitive: the canonical form is lowercase.
    var lowercaseVersion = false

    /// The rule for a (lowercase) type; unknown types get no type-specific rule.
    static func forType(_ type: String) -> PURLTypeRule {
        switch type {
        case "alpm", "apk", "bitbucket", "composer", "deb", "github":
            PURLTypeRule(requiresNamespace: true, lowercaseNamespace: true, lowercaseName: true)
        case "vscode-extension":
            PURLTypeRule(requiresNamespace: true, lowercaseNamespace: true, lowercaseName: true, lowercaseVersion: true)
        case "qpkg", "rpm":
            PURLTypeRule(requiresNamespace: true, lowercaseNamespace: true)
        case "git", "maven", "swift":
            PURLTypeRule(requiresNamespace: true)
        case "brew", "hex", "luarocks":
            PURLTypeRule(lowercaseNamespace: true, lowercaseName: true)
        case "yocto":
            PURLTypeRule(lowercaseNamespace: true)
        case "bitnami", "chrome-extension", "otp", "pub":
            PURLTypeRule(lowercaseName: true)
        case "oci", "pypi":
            PURLTypeRule(lowercaseName: true, lowercaseVersion: true)
        case "huggingface":
            PURLTypeRule(lowercaseVersion: true)
        default:
            PURLTypeRule()
        }
    }

    /// Applies the case rule to one namespace segment.
    func normalizedNamespaceSegment(_ segment: String) -> String {
        lowercaseNamespace ? segment.lowercased() : segment
    }

    /// Applies the case rule and the type's own name rules.
    func normalizedName(_ name: String, type: String, qualifiers: [String: String]) throws(PURLError) -> String {
        var result = lowercaseName ? name.lowercased() : name
        switch type {
        case "pypi":
            // pypi-definition.json: "Replace underscore _ with dash -".
            result = result.replacingOccurrences(of: "_", with: "-")
        case "mlflow":
            // mlflow-definition.json: Databricks model names are case-insensitive and lowercased; Azure ML keeps case.
            if let url = qualifiers["repository_url"], url.lowercased().contains("databricks") {
                result = result.lowercased()
            }
        case "cpan":
            // cpan-definition.json: the name is a distribution name and "shall not contain the string '::'".
            if result.contains("::") {
                throw .invalidName("cpan distribution name \"\(result)\" contains \"::\" (a module name)")
            }
        default:
            break
        }
        return result
    }

    /// Applies the case rule to the version.
    func normalizedVersion(_ version: String) -> String {
        lowercaseVersion ? version.lowercased() : version
    }
}
