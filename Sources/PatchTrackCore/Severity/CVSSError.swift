// Errors for CVSS vector strings (CVSS v3.0, v3.1, v4.0). A vector that does not follow its specification's
// grammar is rejected with one of these rather than scored from a guess.

/// Why a CVSS vector string was rejected.
public enum CVSSError: Error, Equatable, Sendable {
    /// The string does not start with a supported `CVSS:<version>/` prefix; carries the prefix found.
    case unsupportedVersion(String)
    /// A component is not of the form `METRIC:VALUE` (empty, no colon, several colons).
    case malformedComponent(String)
    /// The metric abbreviation is not defined for this CVSS version.
    case unknownMetric(String)
    /// The value is not defined for the metric.
    case invalidValue(metric: String, value: String)
    /// The metric appears more than once.
    case duplicateMetric(String)
    /// A mandatory base metric is missing.
    case missingMetric(String)
}
