import Foundation
import Testing

import PatchTrackCore

/// Real OSV records matched against components as scanners write their purls.
@Suite struct AdvisoryMatcherTests {
    // MARK: - Distributions

    @Test func debianAdvisoryAppliesOnlyToItsRelease() throws {
        // given DSA-5474-1 (Debian:11 and Debian:12 entries) and syft's purl of a Debian 12 binary package
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("debian/DSA-5474-1"))
        let below = try MatchingFixtures.package(
            "pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12")
        let fixed = try MatchingFixtures.package(
            "pkg:deb/debian/intel-microcode@3.20230808.1~deb12u1?arch=amd64&distro=debian-12")
        // when
        let belowMatches = matcher.match(below)
        let fixedMatches = matcher.match(fixed)
        // then only the Debian:12 entry (index 1) applies
        #expect(belowMatches == [AdvisoryMatch(
            affectedIndex: 1, release: EcosystemRelease(osvEcosystem: "Debian:12"),
            outcome: .affected(fixedIn: "3.20230808.1~deb12u1"))])
        #expect(fixedMatches.map(\.affectedIndex) == [1])
        #expect(fixedMatches.first?.outcome == .notAffected)
    }

    @Test func debianComponentOfAnotherReleaseUsesThatReleasesFix() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("debian/DSA-5474-1"))
        // given a Debian 11 component with a version between the two releases' fixes
        let bullseye = try MatchingFixtures.package(
            "pkg:deb/debian/intel-microcode@3.20230808.1~deb11u0?arch=amd64&distro=debian-11.7")
        // then the bullseye entry decides, and the bookworm one is not consulted
        let matches = matcher.match(bullseye)
        #expect(matches.map(\.affectedIndex) == [0])
        #expect(matches.first?.fixedVersion == "3.20230808.1~deb11u1")
    }

    @Test func debianBinaryPackageMatchesThroughItsSourcePackage() throws {
        // given a record keyed by source package and a binary whose purl names its source (syft's `upstream`)
        var record = try MatchingFixtures.record("debian/DSA-5474-1")
        record.affected[1].package.name = "openssl"
        let binary = try MatchingFixtures.package(
            "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12")
        let unrelated = try MatchingFixtures.package("pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&distro=debian-12")
        // then the binary is matched by source, and a package without source information by its own name only
        #expect(AdvisoryMatcher.match(binary, against: record).map(\.isAffected) == [true])
        #expect(AdvisoryMatcher.match(unrelated, against: record).isEmpty)
    }

    @Test func ubuntuProEntryMatchesBinaryBySourceAndRelease() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("ubuntu/UBUNTU-CVE-2022-24823"))
        let jammy = try MatchingFixtures.package(
            "pkg:deb/ubuntu/libnetty-java@1:4.1.48-4?arch=all&upstream=netty&distro=ubuntu-22.04")
        let matches = matcher.match(jammy)
        #expect(matches.map(\.affectedIndex) == [4])
        #expect(matches.first?.fixedVersion == "1:4.1.48-4+deb11u2ubuntu0.1~esm1")
        // the 25.10 entry has no fix: affected with no fix yet
        let questing = try MatchingFixtures.package(
            "pkg:deb/ubuntu/libnetty-java@1:4.1.48-10?arch=all&upstream=netty&distro=ubuntu-25.10")
        #expect(matcher.match(questing).map(\.outcome) == [.affected(fixedIn: nil)])
    }

    @Test func alpineEntriesPerBranch() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("alpine/CVE-2022-27449.alpine"))
        let v316 = try MatchingFixtures.package("pkg:apk/alpine/mariadb@10.6.7-r0?arch=x86_64&distro=alpine-3.16.2")
        let v312 = try MatchingFixtures.package("pkg:apk/alpine/mariadb@10.4.24-r0?arch=x86_64&distro=alpine-3.12.12")
        let client = try MatchingFixtures.package(
            "pkg:apk/alpine/mariadb-client@10.6.8-r0?arch=x86_64&upstream=mariadb&distro=alpine-3.16.2")
        #expect(matcher.match(v316).map(\.affectedIndex) == [4])
        #expect(matcher.match(v316).first?.fixedVersion == "10.6.8-r0")
        #expect(matcher.match(v312).map(\.affectedIndex) == [0])
        #expect(matcher.match(v312).first?.fixedVersion == "10.4.25-r0")
        #expect(matcher.match(client).map(\.outcome) == [.notAffected])
    }

    @Test func alpineComponentOfUnknownReleaseIsCheckedAgainstEveryBranch() throws {
        let record = try MatchingFixtures.record("alpine/CVE-2022-27449.alpine")
        // syft before 0.60 wrote `pkg:alpine/...` without distro
        let package = try MatchingFixtures.package("pkg:alpine/mariadb@10.6.7-r0?arch=x86_64")
        let matches = AdvisoryMatcher.match(package, against: record)
        #expect(matches.map(\.affectedIndex) == [0, 1, 2, 3, 4])
        #expect(matches.filter(\.isAffected).map(\.affectedIndex) == [3, 4])
        #expect(AdvisoryVerdict(matches, scheme: .apk) == .affected(fixedIn: "10.6.8-r0"))
    }

    @Test func chainguardFixedZeroMeansNeverAffected() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("chainguard/CGA-xcpc-gm23-prj9"))
        let compat = try MatchingFixtures.package("pkg:apk/chainguard/syncthing-compat@2.0.13-r0?arch=x86_64")
        let main = try MatchingFixtures.package("pkg:apk/chainguard/syncthing@2.0.13-r0?arch=x86_64")
        let wolfi = try MatchingFixtures.package("pkg:apk/wolfi/syncthing@2.0.14-r1?arch=aarch64")
        #expect(matcher.match(compat).map(\.outcome) == [.notAffected])
        #expect(matcher.match(compat).map(\.affectedIndex) == [2])
        #expect(matcher.match(main).map(\.outcome) == [.affected(fixedIn: "2.0.14-r1")])
        // the Wolfi entry (index 3) applies to Wolfi packages only
        #expect(matcher.match(wolfi).map(\.affectedIndex) == [3])
        #expect(matcher.match(wolfi).map(\.outcome) == [.notAffected])
    }

    @Test func almaLinuxBinaryMatchesBinaryAndSourceEntries() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("almalinux/ALSA-2024-2433"))
        let libs = try MatchingFixtures.package(
            "pkg:rpm/almalinux/avahi-libs@0.8-12.el9?arch=x86_64&upstream=avahi-0.8-12.el9.src.rpm&distro=almalinux-9.3")
        let matches = matcher.match(libs)
        #expect(matches.map(\.affectedIndex) == [0, 8])
        #expect(matches.allSatisfy { $0.fixedVersion == "0.8-20.el9" })
        let otherRelease = try MatchingFixtures.package("pkg:rpm/almalinux/avahi-libs@0.8-12.el8?distro=almalinux-8")
        #expect(matcher.match(otherRelease).isEmpty)
    }

    // MARK: - Language ecosystems

    @Test func ghsaMavenByGroupAndArtifact() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("ghsa/GHSA-77rv-6vfw-x4gc"))
        let old = try MatchingFixtures.package(
            "pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.16.RELEASE")
        let new = try MatchingFixtures.package(
            "pkg:maven/org.springframework.security.oauth/spring-security-oauth@2.0.17.RELEASE")
        let oauth2 = try MatchingFixtures.package(
            "pkg:maven/org.springframework.security.oauth/spring-security-oauth2@2.0.16.RELEASE")
        #expect(matcher.match(old).map(\.outcome) == [.affected(fixedIn: "2.0.17")])
        #expect(matcher.match(new).map(\.outcome) == [.notAffected])
        #expect(matcher.match(oauth2).isEmpty)
    }

    @Test func packagistRecordWithTwoEntriesForOnePackage() throws {
        let record = try MatchingFixtures.record("ghsa/GHSA-wjx8-cgrm-hh8p")
        let package = try MatchingFixtures.package("pkg:composer/contao/core-bundle@4.4.40")
        let matches = AdvisoryMatcher.match(package, against: record)
        #expect(matches.map(\.outcome) == [.affected(fixedIn: "4.4.46"), .notAffected])
        #expect(AdvisoryVerdict(matches, scheme: .composer) == .affected(fixedIn: "4.4.46"))
        let fixed = try MatchingFixtures.package("pkg:composer/contao/core-bundle@4.8.6")
        #expect(AdvisoryVerdict(AdvisoryMatcher.match(fixed, against: record), scheme: .composer) == .notAffected)
    }

    @Test func goStandardLibraryAndModule() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("go/GO-2022-0969"))
        // syft writes the toolchain as `stdlib@go1.18.5`
        let stdlib = try MatchingFixtures.package("pkg:golang/stdlib@go1.18.5")
        let stdlibFixed = try MatchingFixtures.package("pkg:golang/stdlib@go1.19.1")
        let net = try MatchingFixtures.package("pkg:golang/golang.org/x/net@v0.0.0-20220812174116-3211cb980234")
        #expect(matcher.match(stdlib).map(\.outcome) == [.affected(fixedIn: "1.18.6")])
        #expect(matcher.match(stdlibFixed).map(\.outcome) == [.notAffected])
        #expect(matcher.match(net) == [AdvisoryMatch(
            affectedIndex: 1, release: EcosystemRelease(osvEcosystem: "Go"),
            outcome: .affected(fixedIn: "0.0.0-20220906165146-f3363e06e74c"))])
    }

    @Test func pypiRecordWithGitAndEcosystemRanges() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("pypi/PYSEC-2018-27"))
        // the purl in the record is invalid (`pkg:pypi:qutebrowser`); the name keys the entry
        #expect(matcher.keys.map(\.value) == ["PyPI|qutebrowser"])
        let old = try MatchingFixtures.package("pkg:pypi/qutebrowser@1.4.0")
        let fixedDifferentCase = try MatchingFixtures.package("pkg:pypi/QuteBrowser@1.4.1")
        #expect(matcher.match(old).map(\.outcome) == [.affected(fixedIn: "1.4.1")])
        #expect(matcher.match(fixedDifferentCase).map(\.outcome) == [.notAffected])
    }

    @Test func withdrawnRecordMatchesNothing() throws {
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("pypi/PYSEC-2019-156-withdrawn-3001"))
        let scipy = try MatchingFixtures.package("pkg:pypi/scipy@0.12.0")
        #expect(matcher.isWithdrawn)
        #expect(matcher.match(scipy).isEmpty)
        // evaluate explains the entry that would have applied
        #expect(matcher.evaluate(scipy).map(\.outcome) == [.unmatchable(.withdrawn)])
    }

    // MARK: - Unmatchable

    @Test func missingVersionIsUnmatchable() throws {
        let record = try MatchingFixtures.record("debian/DSA-5474-1")
        let package = try MatchingFixtures.package("pkg:deb/debian/intel-microcode?arch=amd64&distro=debian-12")
        let matches = AdvisoryMatcher.match(package, against: record)
        #expect(matches.map(\.outcome) == [.unmatchable(.missingVersion)])
        #expect(AdvisoryVerdict(matches, scheme: .dpkg) == .unmatchable([.missingVersion]))
    }

    @Test func invalidComponentVersionIsUnmatchableNotUnaffected() throws {
        let record = try MatchingFixtures.record("debian/DSA-5474-1")
        let package = EcosystemPackage(
            release: EcosystemRelease(ecosystem: .debian, release: "12"), name: "intel-microcode",
            version: "3.2023 0512")
        let outcome = try #require(AdvisoryMatcher.match(package, against: record).first?.outcome)
        guard case .unmatchable(.evaluation(.invalidVersion)) = outcome else {
            Issue.record("expected an invalid-version unmatchable outcome, got \(outcome)")
            return
        }
    }

    @Test func invalidRangeIsUnmatchableUnlessAnotherRangeMatches() throws {
        // given a Debian entry whose only fixed version is not a dpkg version
        var record = try MatchingFixtures.record("debian/DSA-5474-1")
        record.affected[1].ranges[0].events = [.introduced("0"), .fixed("not a version")]
        let package = try MatchingFixtures.package(
            "pkg:deb/debian/intel-microcode@3.20230512.1?arch=amd64&distro=debian-12")
        // then the match says why it cannot decide
        let outcome = try #require(AdvisoryMatcher.match(package, against: record).first?.outcome)
        guard case .unmatchable(.evaluation(.invalidEventVersion(rangeIndex: 0, _))) = outcome else {
            Issue.record("expected an invalid-event unmatchable outcome, got \(outcome)")
            return
        }
    }

    @Test func unsupportedComponentEcosystemHasNoCandidates() throws {
        let record = try MatchingFixtures.record("pypi/PYSEC-2018-27")
        let hex = try MatchingFixtures.package("pkg:hex/qutebrowser@1.0.0")
        #expect(hex.ecosystem == .unsupported("hex"))
        #expect(MatchKey.keys(for: hex).isEmpty)
        #expect(AdvisoryMatcher.match(hex, against: record).isEmpty)
    }
}

/// Components (rather than bare packages) are matched with the version their ecosystem's advisories use.
@Suite struct ComponentMatchingTests {
    static func component(_ purl: String, version: String, sourceName: String?, sourceVersion: String?) throws
        -> Component
    {
        let parsed = try PURL(parsing: purl)
        let package = EcosystemPackage(purl: parsed)
        return Component(
            purl: parsed, release: package.release, name: package.name, version: version, sourceName: sourceName,
            sourceVersion: sourceVersion, documentPath: "components[0]")
    }

    @Test func debianBinaryIsEvaluatedAtItsSourceVersion() throws {
        // given an advisory for source gcc-defaults and the binary gcc, whose version is not the source's
        var record = try MatchingFixtures.record("debian/DSA-5474-1")
        record.affected[1].package.name = "gcc-defaults"
        record.affected[1].ranges[0].events = [.introduced("0"), .fixed("1.204")]
        let gcc = try Self.component(
            "pkg:deb/debian/gcc@4:12.2.0-3?arch=amd64&upstream=gcc-defaults%401.203&distro=debian-12",
            version: "4:12.2.0-3", sourceName: "gcc-defaults", sourceVersion: "1.203")
        // when
        let matches = AdvisoryMatcher(record).match(gcc)
        // then the source version 1.203 is below the fix, although the binary version 4:12.2.0-3 is above it
        #expect(gcc.advisoryPackage.version == "1.203")
        #expect(matches.map(\.outcome) == [.affected(fixedIn: "1.204")])
    }

    @Test func rpmBinaryKeepsItsOwnVersion() throws {
        let libs = try Self.component(
            "pkg:rpm/almalinux/avahi-libs@0.8-12.el9?upstream=avahi-0.8-12.el9.src.rpm&distro=almalinux-9",
            version: "0.8-12.el9", sourceName: "avahi", sourceVersion: "0.8-99.el9")
        #expect(libs.advisoryPackage.version == "0.8-12.el9")
        let matcher = AdvisoryMatcher(try MatchingFixtures.record("almalinux/ALSA-2024-2433"))
        #expect(matcher.match(libs).map(\.fixedVersion) == ["0.8-20.el9", "0.8-20.el9"])
    }
}
