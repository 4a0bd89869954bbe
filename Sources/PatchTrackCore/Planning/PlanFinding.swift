/// One vulnerability finding on an image, reduced to what rebuild planning needs.
public struct PlanFinding: Hashable, Sendable {
    /// The advisory or vulnerability group id, e.g. `CVE-2024-1234` or the id of an alias group.
    public var advisoryID: String
    /// The affected package's name.
    public var package: String
    /// The version installed in the image.
    public var installedVersion: String
    /// The first version that fixes the advisory, or `nil` when there is no fix.
    public var fixedVersion: String?
    /// The finding's severity.
    public var severity: SeverityLevel
    /// Whether a VEX statement says the image is not affected.
    public var suppressedByVEX: Bool
    /// Which layers the package comes from.
    public var layerOrigin: LayerOrigin
    /// The vulnerability is in CISA's KEV catalogue.
    public var kev: Bool = false
    /// The vulnerability's EPSS score, nil when it has none.
    public var epss: Double?

    /// Creates a finding.
    public init(
        advisoryID: String, package: String, installedVersion: String, fixedVersion: String?, severity: SeverityLevel,
        suppressedByVEX: Bool = false, layerOrigin: LayerOrigin = .unknown
    ) {
        self.advisoryID = advisoryID
        self.package = package
        self.installedVersion = installedVersion
        self.fixedVersion = fixedVersion
        self.severity = severity
        self.suppressedByVEX = suppressedByVEX
        self.layerOrigin = layerOrigin
    }

    /// Severity first (highest first), then advisory, package and installed version: the order reasons list findings in.
    static func precedes(_ lhs: PlanFinding, _ rhs: PlanFinding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        return (lhs.advisoryID, lhs.package, lhs.installedVersion, lhs.fixedVersion ?? "", lhs.layerOrigin.rawValue)
            < (rhs.advisoryID, rhs.package, rhs.installedVersion, rhs.fixedVersion ?? "", rhs.layerOrigin.rawValue)
    }
}

/// Where a package in an image comes from.
public enum LayerOrigin: String, CaseIterable, Sendable {
    /// The base image's layers: rebuilding the base (or on a newer base) fixes it.
    case base
    /// The image's own layers: the image's own build must change.
    case image
    /// Not known.
    case unknown
}
