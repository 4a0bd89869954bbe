import Foundation
import Testing

@testable import PatchTrackCore

@Suite struct EcosystemTests {
    // MARK: - OSV ecosystem names

    @Test(arguments: [
        ("Debian:12", Ecosystem.debian, "12", nil),
        ("Debian:sid", .debian, "sid", nil),
        ("Debian", .debian, nil, nil),
        ("Ubuntu:22.04:LTS", .ubuntu, "22.04", nil),
        ("Ubuntu:25.10", .ubuntu, "25.10", nil),
        ("Ubuntu:Pro:18.04:LTS", .ubuntu, "18.04", "Pro"),
        ("Ubuntu:Pro:FIPS-updates:22.04:LTS", .ubuntu, "22.04", "Pro:FIPS-updates"),
        ("Alpine:v3.19", .alpine, "3.19", nil),
        ("Rocky Linux:9", .rockyLinux, "9", nil),
        ("AlmaLinux:8", .almaLinux, "8", nil),
        ("Red Hat:enterprise_linux:8::appstream", .redHat, "8", "enterprise_linux:8::appstream"),
        ("Red Hat:rhel_aus:8.4::appstream", .redHat, "8", "rhel_aus:8.4::appstream"),
        ("SUSE:Linux Enterprise Server 15 SP5", .suse, "15.5", "Linux Enterprise Server"),
        ("SUSE:Linux Enterprise Micro 5.5", .suse, "5.5", "Linux Enterprise Micro"),
        ("openSUSE:Leap 15.5", .openSUSE, "15.5", "Leap"),
        ("openSUSE:Tumbleweed", .openSUSE, "tumbleweed", nil),
        ("Amazon Linux:2023", .amazonLinux, "2023", nil),
        ("Photon OS:3.0", .photonOS, "3", nil),
        ("openEuler:22.03-LTS-SP1", .openEuler, "22.03-lts-sp1", nil),
        ("Wolfi", .wolfi, nil, nil),
        ("Chainguard", .chainguard, nil, nil),
        ("npm", .npm, nil, nil),
        ("PyPI", .pypi, nil, nil),
        ("Maven", .maven, nil, nil),
        ("Maven:https://maven.google.com", .maven, nil, "https://maven.google.com"),
        ("Go", .go, nil, nil),
        ("crates.io", .cratesIO, nil, nil),
        ("RubyGems", .rubyGems, nil, nil),
        ("NuGet", .nuget, nil, nil),
        ("Packagist", .packagist, nil, nil),
    ] as [(String, Ecosystem, String?, String?)])
    func readsOSVEcosystemNames(_ text: String, _ ecosystem: Ecosystem, _ release: String?, _ qualifier: String?) {
        let parsed = EcosystemRelease(osvEcosystem: text)
        #expect(parsed == EcosystemRelease(ecosystem: ecosystem, release: release, qualifier: qualifier))
        #expect(parsed.ecosystem.isSupported)
    }

    @Test(arguments: ["Linux", "GitHub Actions", "Bitnami", "Hackage", "Android", "OSS-Fuzz", "Kubernetes", ""])
    func unknownOSVEcosystemsAreExplicitlyUnsupported(_ name: String) {
        let release = EcosystemRelease(osvEcosystem: name)
        #expect(release.ecosystem == .unsupported(name))
        #expect(release.ecosystem.scheme == nil)
        #expect(!release.ecosystem.isSupported)
    }

    @Test func everyEcosystemOfTheAdvisoryFixturesIsSupported() throws {
        // given: the real OSV records in Fixtures/advisories
        let root = try #require(Bundle.module.url(forResource: "Fixtures/advisories", withExtension: nil))
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
        #expect(files.count >= 11)
        for file in files {
            let record = try JSONDecoder().decode(OSVRecord.self, from: Data(contentsOf: file))
            for affected in record.affected {
                // then: each names a supported ecosystem with a scheme
                let release = EcosystemRelease(osvEcosystem: affected.package.ecosystem)
                #expect(release.ecosystem.scheme != nil, "\(file.lastPathComponent): \(affected.package.ecosystem)")
            }
        }
    }

    // MARK: - Purls

    @Test func syftAlpinePurlIsKeyedByOriginAndRelease() throws {
        let purl = try PURL(parsing: "pkg:alpine/libcrypto1.1@1.1.1q-r0?arch=x86_64&upstream=openssl&distro=alpine-3.16.2")
        let package = EcosystemPackage(purl: purl)
        #expect(package.release == EcosystemRelease(ecosystem: .alpine, release: "3.16"))
        #expect(package.name == "libcrypto1.1")
        #expect(package.sourceName == "openssl")
        #expect(package.advisoryNames == ["openssl"])
        #expect(package.version == "1.1.1q-r0")
        #expect(EcosystemRelease(osvEcosystem: "Alpine:v3.16").covers(package.release))
        #expect(!EcosystemRelease(osvEcosystem: "Alpine:v3.15").covers(package.release))
    }

    @Test func debianPurlUsesTheSourcePackageWithoutItsVersion() throws {
        let purl = try PURL(
            parsing: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl%403.0.11-1~deb12u2&distro=debian-12")
        let package = EcosystemPackage(purl: purl)
        #expect(package.ecosystem == .debian)
        #expect(package.release.release == "12")
        #expect(package.advisoryNames == ["openssl"])
        #expect(EcosystemRelease(osvEcosystem: "Debian:12").covers(package.release))
        #expect(!EcosystemRelease(osvEcosystem: "Debian:11").covers(package.release))
    }

    @Test func osvSourcePurlWithArchSourceIsItsOwnSource() throws {
        // The purl of DSA-5474-1 (Fixtures/advisories/debian), codename distro as in the purl-spec deb tests.
        let package = EcosystemPackage(purl: try PURL(parsing: "pkg:deb/debian/intel-microcode?arch=source&distro=bookworm"))
        #expect(package.sourceName == "intel-microcode")
        #expect(package.release.release == "12")
    }

    @Test func ubuntuProDistroQualifierNamesTheCodename() throws {
        let purl = try PURL(parsing: "pkg:deb/ubuntu/netty@1:4.1.48-4?arch=source&distro=esm-apps/jammy")
        let package = EcosystemPackage(purl: purl)
        #expect(package.release == EcosystemRelease(ecosystem: .ubuntu, release: "22.04"))
        #expect(EcosystemRelease(osvEcosystem: "Ubuntu:Pro:22.04:LTS").covers(package.release))
        #expect(EcosystemRelease(osvEcosystem: "Ubuntu:22.04:LTS").covers(package.release))
    }

    @Test func rpmPurlAddsTheEpochAndReadsTheSourceRPM() throws {
        let purl = try PURL(
            parsing: "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&distro=centos-7.6.1810&epoch=1&upstream=openssl-1.0.2k-16.el7.src.rpm")
        let package = EcosystemPackage(purl: purl)
        #expect(package.release == EcosystemRelease(ecosystem: .centOS, release: "7"))
        #expect(package.version == "1:1.0.2k-16.el7")
        #expect(package.sourceName == "openssl")
        #expect(package.advisoryNames == ["openssl-libs", "openssl"])
    }

    @Test(arguments: [
        ("openssl-1.1.1k-7.el8_6.src.rpm", "openssl"),
        ("python-pip-21.2.3-7.el9.src.rpm", "python-pip"),
        ("kernel-rt-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel-rt"),
        ("glibc", "glibc"),
        ("broken.src.rpm", nil),
    ] as [(String, String?)])
    func readsSourceRPMFileNames(_ upstream: String, _ expected: String?) {
        #expect(EcosystemPackage.sourceRPMName(upstream) == expected)
    }

    @Test(arguments: [
        ("pkg:pypi/Zope.Interface@5.0", Ecosystem.pypi, "zope-interface", "5.0"),
        ("pkg:pypi/ruamel.yaml.clib@0.2.8", .pypi, "ruamel-yaml-clib", "0.2.8"),
        ("pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.16", .maven,
         "org.springframework.security.oauth:spring-security-oauth", "2.0.16"),
        ("pkg:golang/golang.org/x/net@v0.0.0-20220906165146-f3363e06e74c#html", .go, "golang.org/x/net",
         "v0.0.0-20220906165146-f3363e06e74c"),
        ("pkg:golang/stdlib@go1.19.0", .go, "stdlib", "1.19.0"),
        ("pkg:npm/%40babel/core@7.22.0", .npm, "@babel/core", "7.22.0"),
        ("pkg:composer/contao/core-bundle@4.4.40", .packagist, "contao/core-bundle", "4.4.40"),
        ("pkg:nuget/Newtonsoft.Json@13.0.1", .nuget, "newtonsoft.json", "13.0.1"),
        ("pkg:cargo/rand@0.7.2", .cratesIO, "rand", "0.7.2"),
        ("pkg:gem/jruby-launcher@1.1.2?platform=java", .rubyGems, "jruby-launcher", "1.1.2"),
        ("pkg:apk/chainguard/syncthing@2.0.14-r0?arch=x86_64", .chainguard, "syncthing", "2.0.14-r0"),
    ] as [(String, Ecosystem, String, String)])
    func languagePurlsGiveTheNameAdvisoriesUse(_ text: String, _ ecosystem: Ecosystem, _ name: String, _ version: String)
        throws
    {
        let package = EcosystemPackage(purl: try PURL(parsing: text))
        #expect(package.ecosystem == ecosystem)
        #expect(package.advisoryNames == [name])
        #expect(package.version == version)
        #expect(package.release.release == nil)
    }

    @Test(arguments: [
        ("pkg:deb/kali/curl@7.0", "deb/kali"),
        ("pkg:apk/postmarketos/curl@7.0", "apk/postmarketos"),
        ("pkg:oci/nginx@sha256%3Aabc", "oci"),
        ("pkg:generic/openssl@1.1.1", "generic"),
        ("pkg:hackage/text@2.0", "hackage"),
    ])
    func unknownPurlsAreExplicitlyUnsupported(_ text: String, _ name: String) throws {
        let package = EcosystemPackage(purl: try PURL(parsing: text))
        #expect(package.ecosystem == .unsupported(name))
        #expect(package.ecosystem.scheme == nil)
    }

    @Test(arguments: [
        ("debian-12", Ecosystem.debian, "12"), ("debian-10.1", .debian, "10"), ("jessie", .debian, "8"),
        ("ubuntu-22.04", .ubuntu, "22.04"), ("noble", .ubuntu, "24.04"), ("alpine-3.19.1", .alpine, "3.19"),
        ("rhel-8.9", .redHat, "8"), ("rocky-9.3", .rockyLinux, "9"), ("amzn-2", .amazonLinux, "2"),
        ("amzn-2023", .amazonLinux, "2023"), ("sles-15.5", .suse, "15.5"), ("opensuse-leap-15.5", .openSUSE, "15.5"),
        ("fedora-25", .fedora, "25"),
    ] as [(String, Ecosystem, String)])
    func readsPurlDistroQualifiers(_ distro: String, _ ecosystem: Ecosystem, _ release: String) {
        #expect(EcosystemRelease(ecosystem: ecosystem, distro: distro).release == release)
    }

    // MARK: - Short names and schemes

    @Test func everyOracleNameMapsToItsScheme() {
        // The ecosystems and aliases of `python3 /work/shared/oracle/oracle.py --list`.
        let oracle: [(VersionSchemeID?, [String])] = [
            (.dpkg, ["debian", "ubuntu", "deb", "dpkg", "apt"]),
            (.rpm, ["rpm", "redhat", "rhel", "fedora", "centos", "rocky", "alma", "almalinux", "amazon", "amzn",
                    "suse", "sles", "opensuse", "oracle", "ol", "mariner", "azurelinux", "photon"]),
            (.apk, ["alpine", "apk"]),
            (nil, ["alpine-v3", "apk-v3", "apk3", "semver-loose", "npm-loose"]),
            (.semver, ["semver", "npm", "node"]),
            (.pep440, ["pypi", "pep440", "python", "pip"]),
            (.maven, ["maven", "java", "mvn"]),
            (.rubygems, ["rubygems", "gem", "ruby", "gems"]),
            (.go, ["go", "golang"]),
            (.composer, ["composer", "packagist", "php"]),
            (.cargo, ["cargo", "crates.io", "crates", "rust"]),
        ]
        for (scheme, names) in oracle {
            for name in names {
                #expect(VersionSchemeID(shortName: name) == scheme, "\(name)")
                #expect(VersionSchemeID(shortName: name.uppercased()) == scheme, "\(name) upper-case")
            }
        }
    }

    @Test func tableHasNoAmbiguousNames() {
        let short = Ecosystem.table.flatMap(\.shortNames)
        #expect(Set(short).count == short.count)
        let osv = Ecosystem.table.compactMap(\.osvName)
        #expect(Set(osv).count == osv.count)
        let purls = Ecosystem.table.flatMap { row in row.purlNamespaces.map { "\(row.purlType)/\($0)" } }
        #expect(Set(purls).count == purls.count)
        #expect(Ecosystem(shortName: "Rocky") == .rockyLinux)
        #expect(Ecosystem(shortName: "cobol") == .unsupported("cobol"))
    }
}
