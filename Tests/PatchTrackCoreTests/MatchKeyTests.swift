import Foundation
import Testing

import PatchTrackCore

/// The candidate keys of both sides: the same string for the same package, so that storage can join on it.
@Suite struct MatchKeyTests {
    @Test func recordAndComponentProduceTheSameKeyString() throws {
        // given records and components of the same packages, as feeds and scanners write them
        let pairs: [(record: String, purl: String)] = [
            ("debian/DSA-5474-1", "pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12"),
            ("alpine/CVE-2022-27449.alpine",
             "pkg:apk/alpine/mariadb-server@10.6.7-r0?arch=x86_64&upstream=mariadb&distro=alpine-3.16.2"),
            ("ghsa/GHSA-77rv-6vfw-x4gc",
             "pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.16.RELEASE"),
            ("go/GO-2022-0969", "pkg:golang/golang.org/x/net@v0.1.0"),
            ("go/GO-2022-0969", "pkg:golang/stdlib@go1.19.0"),
            ("pypi/PYSEC-2018-27", "pkg:pypi/QuteBrowser@1.0"),
            ("ghsa/GHSA-wjx8-cgrm-hh8p", "pkg:composer/contao/core-bundle@4.4.40"),
            ("almalinux/ALSA-2024-2433",
             "pkg:rpm/almalinux/avahi-libs@0.8-12.el9?upstream=avahi-0.8-12.el9.src.rpm&distro=almalinux-9"),
            ("chainguard/CGA-xcpc-gm23-prj9", "pkg:apk/wolfi/syncthing@2.0.13-r0"),
        ]
        for (name, purl) in pairs {
            // when
            let recordKeys = Set(MatchKey.keys(for: try MatchingFixtures.record(name)).map(\.value))
            let componentKeys = MatchKey.keys(for: try MatchingFixtures.package(purl)).map(\.value)
            // then at least one component key is byte-identical to a record key
            #expect(componentKeys.contains { recordKeys.contains($0) },
                "\(name) \(purl): \(componentKeys) vs \(recordKeys)")
        }
    }

    @Test func keyStringsHaveTheDocumentedForm() throws {
        #expect(MatchKey.keys(for: try MatchingFixtures.record("debian/DSA-5474-1")).map(\.description)
            == ["Debian|intel-microcode@11", "Debian|intel-microcode@12"])
        #expect(MatchKey.keys(for: try MatchingFixtures.record("go/GO-2022-0969")).map(\.value)
            == ["Go|golang.org/x/net", "Go|stdlib"])
        #expect(MatchKey.keys(for: try MatchingFixtures.record("alpine/CVE-2022-27449.alpine")).map(\.release)
            == ["3.12", "3.13", "3.14", "3.15", "3.16"])
        let rpm = try MatchingFixtures.package(
            "pkg:rpm/rocky/openssl-libs@3.0.7-25.el9?epoch=1&upstream=openssl-3.0.7-25.el9.src.rpm&distro=rocky-9.3")
        #expect(MatchKey.keys(for: rpm).map(\.description)
            == ["Rocky Linux|openssl-libs@9", "Rocky Linux|openssl@9"])
    }

    @Test func pypiNamesAreNormalisedOnBothSides() throws {
        let record = try MatchingFixtures.record("pypi/PYSEC-2018-27")
        let spelled = try MatchingFixtures.package("pkg:pypi/Qute_Browser@1.0")
        #expect(MatchKey.keys(for: record).map(\.value) == ["PyPI|qutebrowser"])
        #expect(MatchKey.keys(for: spelled).map(\.value) == ["PyPI|qute-browser"])
    }

    @Test func recordEcosystemCaseAndSuffixDoNotChangeTheKey() {
        let affected = OSVRecord.Affected(package: .init(ecosystem: "rocky linux:9", name: "OpenSSL"))
        #expect(MatchKey.keys(for: affected) == [MatchKey(ecosystem: "Rocky Linux", release: "9", name: "openssl")])
    }

    @Test func entryWithoutNameIsKeyedByItsPurl() throws {
        let json = Data("""
            {"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm",
             "purl": "pkg:npm/%40babel/traverse"}, "ranges": [{"type": "SEMVER",
             "events": [{"introduced": "0"}, {"fixed": "7.23.2"}]}]}]}
            """.utf8)
        let record = try JSONDecoder().decode(OSVRecord.self, from: json)
        #expect(MatchKey.keys(for: record).map(\.value) == ["npm|@babel/traverse"])
        let component = try MatchingFixtures.package("pkg:npm/%40babel/traverse@7.23.0")
        #expect(AdvisoryMatcher.match(component, against: record).map(\.outcome) == [.affected(fixedIn: "7.23.2")])
    }

    @Test func unsupportedEcosystemsHaveNoKeys() {
        let affected = OSVRecord.Affected(package: .init(ecosystem: "Hex", name: "plug"))
        #expect(MatchKey.keys(for: affected).isEmpty)
    }

    @Test func keysSortByValueThenRelease() {
        let keys = [
            MatchKey(ecosystem: "Debian", release: "12", name: "a"),
            MatchKey(ecosystem: "Debian", release: nil, name: "a"),
            MatchKey(ecosystem: "Alpine", release: "3.16", name: "z"),
            MatchKey(ecosystem: "Debian", release: "11", name: "a"),
        ]
        #expect(keys.sorted().map(\.description)
            == ["Alpine|z@3.16", "Debian|a", "Debian|a@11", "Debian|a@12"])
    }
}
