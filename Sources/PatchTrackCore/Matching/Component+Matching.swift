// Which version of a component advisories describe. Debian and Ubuntu advisories (DSA, DLA, USN, the security
// trackers' OSV records) list source package versions; a binary package built from a source can carry another
// version (`gcc` 4:12.2.0-3 from source `gcc-defaults` 1.203, binNMUs `+b1`), so for ecosystems keyed by source
// package the source version is evaluated when the scan states it (syft's `upstream=<source>@<version>`, Trivy's
// `SrcVersion`), as Trivy's Debian and Ubuntu detectors do. Other ecosystems evaluate the package's own version.

extension Component {
    /// The matcher's view of the component: for ecosystems whose advisories are keyed by source package, the source
    /// version when known; otherwise the installed version.
    public var advisoryPackage: EcosystemPackage {
        var version = self.version
        if ecosystem.advisoryKey == .sourcePackage, let sourceVersion, !sourceVersion.isEmpty {
            version = sourceVersion
        }
        return EcosystemPackage(release: release, name: name, sourceName: sourceName, version: version)
    }
}

extension AdvisoryMatcher {
    /// Matches a component through ``Component/advisoryPackage``.
    public func match(_ component: Component) -> [AdvisoryMatch] {
        match(component.advisoryPackage)
    }
}
