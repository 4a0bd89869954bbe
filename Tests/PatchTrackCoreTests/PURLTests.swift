import Testing

import PatchTrackCore

@Suite struct PURLTests {
    @Test func parsesSyftAlpinePurlWithUpstreamAndDistro() throws {
        // given: a component purl as syft 0.58 writes it (Fixtures: syft-cdx1.4-alpine3.16.2.json)
        let text = "pkg:alpine/libcrypto1.1@1.1.1q-r0?arch=x86_64&upstream=openssl&distro=alpine-3.16.2"
        // when
        let purl = try PURL(parsing: text)
        // then
        #expect(purl.type == "alpine")
        #expect(purl.namespace == nil)
        #expect(purl.name == "libcrypto1.1")
        #expect(purl.version == "1.1.1q-r0")
        #expect(purl.qualifiers == ["arch": "x86_64", "upstream": "openssl", "distro": "alpine-3.16.2"])
        #expect(purl.description == "pkg:alpine/libcrypto1.1@1.1.1q-r0?arch=x86_64&distro=alpine-3.16.2&upstream=openssl")
    }

    @Test func acceptsNamespacesThatRealToolsWriteAgainstTheTypeDefinition() throws {
        // syft writes an OCI registry path as namespace (prohibited by oci-definition.json) and Go modules without a
        // slash as a bare name (golang-definition.json requires a namespace): both are kept as written.
        let oci = try PURL(parsing: "pkg:oci/k8supstream.azurecr.io/public/oss/kubernetes/kubectl@sha256:EE39?tag=v1")
        #expect(oci.namespace == "k8supstream.azurecr.io/public/oss/kubernetes")
        #expect(oci.version == "sha256:ee39")
        let go = try PURL(parsing: "pkg:golang/go.starlark.net@v0.0.0-20230525235612-a134d8f9ddca")
        #expect(go.namespace == nil)
        #expect(go.name == "go.starlark.net")
    }

    @Test func percentEncodesEverythingOutsideTheAllowedSetInTheCanonicalForm() throws {
        // given: components with separators, spaces and non-ASCII characters
        let purl = try PURL(
            type: "generic", namespace: "a b/ü", name: "x@y", version: "1.0+build#1?",
            qualifiers: ["note": "a&b=c/d", "empty": ""], subpath: "dir/%file")
        // then: only [A-Za-z0-9.-_~:] stay as they are; the empty qualifier is gone
        #expect(purl.description == "pkg:generic/a%20b/%C3%BC/x%40y@1.0%2Bbuild%231%3F?note=a%26b%3Dc%2Fd#dir/%25file")
        // and the canonical string parses back to equal components
        let reparsed = try PURL(parsing: purl.description)
        #expect(reparsed == purl)
        #expect(reparsed.namespace == "a b/ü")
        #expect(reparsed.qualifiers == ["note": "a&b=c/d"])
    }

    @Test func differentSpellingsOfOnePackageAreEqualAndHashAlike() throws {
        let a = try PURL(parsing: "PKG://Deb/Debian/CURL@7.50.3-1?distro=jessie&arch=i386&empty=")
        let b = try PURL(parsing: "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }

    @Test func appliesTypeNameRules() throws {
        #expect(try PURL(parsing: "pkg:pypi/Zope_Interface@5.0").name == "zope-interface")
        #expect(try PURL(parsing: "pkg:composer/Laravel/Framework").namespace == "laravel")
        #expect(try PURL(parsing: "pkg:npm/%40Angular/Core@1").namespace == "@Angular")
        #expect(try PURL(parsing: "pkg:rpm/RedHat/OpenSSL@1").name == "OpenSSL")
    }

    @Test func unencodedNpmScopeIsNotTakenForAVersion() throws {
        let purl = try PURL(parsing: "pkg:npm/@babel/core@7.22.0")
        #expect(purl.namespace == "@babel")
        #expect(purl.name == "core")
        #expect(purl.version == "7.22.0")
        #expect(purl.description == "pkg:npm/%40babel/core@7.22.0")
    }

    @Test(arguments: [
        ("deb/curl@1", "pkg:deb/curl@1", PURLError.namespaceRequired(type: "deb")),
        ("no scheme", "deb/debian/curl@1", PURLError.missingScheme),
        ("bad scheme", "pkx:deb/debian/curl", PURLError.missingScheme),
        ("type only", "pkg:deb", PURLError.invalidType("deb")),
        ("type with +", "pkg:c++/x", PURLError.invalidType("c++")),
        ("no name", "pkg:npm/", PURLError.missingName),
        ("bad escape", "pkg:npm/a%zz", PURLError.invalidPercentEncoding("a%zz")),
        ("truncated UTF-8", "pkg:npm/a%C3", PURLError.invalidPercentEncoding("a%C3")),
        ("duplicate key", "pkg:npm/a?arch=x&Arch=y", PURLError.duplicateQualifier("arch")),
        ("pair without =", "pkg:npm/a?arch", PURLError.invalidQualifier("arch")),
        ("key with digit first", "pkg:npm/a?1a=b", PURLError.invalidQualifier("1a")),
        ("slash in namespace segment", "pkg:maven/org%2Fx/a", PURLError.invalidSegment("org/x")),
        ("slash in subpath segment", "pkg:npm/a#b%2Fc", PURLError.invalidSegment("b/c")),
        ("cpan module name", "pkg:cpan/URI::PackageURL", PURLError.invalidName(
            "cpan distribution name \"URI::PackageURL\" contains \"::\" (a module name)")),
    ])
    func rejectsInvalidPurls(_ label: String, _ text: String, _ expected: PURLError) {
        #expect(throws: expected, "\(label)") { try PURL(parsing: text) }
    }

    @Test func buildingValidatesLikeParsing() {
        #expect(throws: PURLError.invalidType("")) { try PURL(type: "", name: "a") }
        #expect(throws: PURLError.missingName) { try PURL(type: "npm", name: "//") }
        #expect(throws: PURLError.invalidQualifier("in production")) {
            try PURL(type: "npm", name: "a", qualifiers: ["in production": "true"])
        }
    }

    @Test func qualifiersAreSortedAsKeyValueStrings() throws {
        // how-to-build.md sorts the "key=value" strings, so "a.b=..." comes before "a=..." ('.' < '=')
        let purl = try PURL(type: "generic", name: "x", qualifiers: ["a": "1", "a.b": "2", "b": "3"])
        #expect(purl.description == "pkg:generic/x?a.b=2&a=1&b=3")
    }

    @Test func dropsEmptyDotAndDotDotSubpathSegments() throws {
        let purl = try PURL(parsing: "pkg:golang/google.golang.org/genproto#/a/./b/%2E%2E//c/")
        #expect(purl.subpath == "a/b/c")
        #expect(purl.description == "pkg:golang/google.golang.org/genproto#a/b/c")
        #expect(try PURL(parsing: "pkg:npm/a#/./..").subpath == nil)
    }
}
