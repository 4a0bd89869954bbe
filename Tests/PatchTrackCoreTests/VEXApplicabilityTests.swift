import Foundation
import Testing

import PatchTrackCore

/// Which VEX statement governs a finding, and whether it suppresses it.
@Suite struct VEXApplicabilityTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static let finding = VEXApplicability.Finding(
        vulnerabilityID: "CVE-2024-0001", groupIDs: ["GHSA-aaaa-bbbb-cccc", "DSA-1-1", "CVE-2024-0001"],
        imageDigest: digest, repositories: ["ghcr.io/acme/app", "ghcr.io/acme/mirror"],
        purl: "pkg:deb/debian/openssl@3.0.11?arch=amd64")

    static func statement(
        _ id: Int64, vulnerability: String = "CVE-2024-0001", kind: VEXApplicability.SubjectKind = .image,
        subject: String = digest, component: String? = nil, status: VEXStatus = .notAffected, statedAt: String? = nil,
        createdAt: String = "2024-01-01T00:00:00.000Z"
    ) -> VEXApplicability.Statement {
        .init(
            id: id, vulnerabilityID: vulnerability, subjectKind: kind, subject: subject, componentPURL: component,
            status: status, statedAt: statedAt, createdAt: createdAt)
    }

    @Test(arguments: ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc", "DSA-1-1"])
    func appliesWhenItNamesTheVulnerabilityOrAnIdOfItsGroup(_ vulnerability: String) {
        // given a statement naming the vulnerability by one of its ids
        let statement = Self.statement(1, vulnerability: vulnerability)
        // then it applies
        #expect(VEXApplicability.applies(statement, to: Self.finding))
    }

    @Test func doesNotApplyToAnotherVulnerabilityOrAnIdDifferingInCase() {
        #expect(!VEXApplicability.applies(Self.statement(1, vulnerability: "CVE-2024-0002"), to: Self.finding))
        #expect(!VEXApplicability.applies(Self.statement(1, vulnerability: "cve-2024-0001"), to: Self.finding))
    }

    @Test func imageSubjectsMatchTheDigestOnly() {
        #expect(VEXApplicability.applies(Self.statement(1, kind: .image, subject: Self.digest), to: Self.finding))
        let other = "sha256:" + String(repeating: "cd", count: 32)
        #expect(!VEXApplicability.applies(Self.statement(1, kind: .image, subject: other), to: Self.finding))
        // a digest named as a repository is not the image
        #expect(!VEXApplicability.applies(Self.statement(1, kind: .repository, subject: Self.digest), to: Self.finding))
    }

    @Test(arguments: [("ghcr.io/acme/app", true), ("ghcr.io/acme/mirror", true), ("ghcr.io/acme/other", false), ("ghcr.io/acme", false)])
    func repositorySubjectsMatchTheImagesRepositoryOrATagsRepository(_ subject: String, _ applies: Bool) {
        #expect(VEXApplicability.applies(Self.statement(1, kind: .repository, subject: subject), to: Self.finding) == applies)
    }

    @Test(arguments: [
        ("pkg:deb/debian/openssl", true),
        ("pkg:deb/debian/openssl@3.0.11", true),
        ("pkg:deb/debian/openssl@3.0.11?arch=amd64", true),
        ("pkg:deb/debian/openssl@3.0.1", false),
        ("pkg:deb/debian/open", false),
        ("pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=x", false),
        ("pkg:deb/debian/openssl-libs", false),
    ])
    func componentSubjectsMatchThePackageFollowedByVersionOrQualifiers(_ subject: String, _ applies: Bool) {
        #expect(VEXApplicability.applies(Self.statement(1, kind: .component, subject: subject), to: Self.finding) == applies)
    }

    @Test func aComponentPURLNarrowsTheSubjectTheSameWay() {
        #expect(VEXApplicability.applies(Self.statement(1, component: "pkg:deb/debian/openssl"), to: Self.finding))
        #expect(VEXApplicability.applies(Self.statement(1, component: "pkg:deb/debian/openssl@3.0.11"), to: Self.finding))
        #expect(!VEXApplicability.applies(Self.statement(1, component: "pkg:deb/debian/zlib"), to: Self.finding))
        #expect(!VEXApplicability.applies(Self.statement(1, component: "pkg:deb/debian/openss"), to: Self.finding))
    }

    @Test func aQualifierOnlyPackageCoversAPURLWithoutVersion() {
        // given a finding whose purl has qualifiers but no version
        #expect(VEXApplicability.package("pkg:generic/tool", covers: "pkg:generic/tool?arch=x"))
        #expect(!VEXApplicability.package("pkg:generic/tool", covers: "pkg:generic/toolbox"))
        #expect(!VEXApplicability.package("pkg:generic/tool", covers: "pkg:generic/tool#sub"))
    }

    @Test func theNewestApplicableStatementGovernsByStatedThenStoredTime() {
        // given an older stated not_affected, a newer stated affected, and a newest one that does not apply
        let statements = [
            Self.statement(3, status: .notAffected, statedAt: "2024-02-01T00:00:00Z"),
            Self.statement(1, status: .affected, statedAt: "2024-03-01T00:00:00Z"),
            Self.statement(2, vulnerability: "CVE-1999-0001", status: .fixed, statedAt: "2025-01-01T00:00:00Z"),
            // no statedAt: ordered by when it was stored
            Self.statement(4, status: .fixed, createdAt: "2024-02-15T00:00:00.000Z"),
        ]
        // when
        let governing = VEXApplicability.governing(statements, for: Self.finding)
        // then the newer applicable one wins, and it does not suppress
        #expect(governing?.id == 1)
        #expect(governing.map { VEXApplicability.suppresses($0.status) } == false)
    }

    @Test func equalTimesAreBrokenByTheHigherId() {
        let statements = [
            Self.statement(7, status: .affected, statedAt: "2024-02-01T00:00:00Z"),
            Self.statement(9, status: .fixed, statedAt: "2024-02-01T00:00:00Z"),
            Self.statement(8, status: .affected, createdAt: "2024-02-01T00:00:00Z"),
        ]
        #expect(VEXApplicability.governing(statements, for: Self.finding)?.id == 9)
        #expect(VEXApplicability.governing(statements.reversed(), for: Self.finding)?.id == 9)
    }

    @Test func timesCompareByteWise() {
        // given times that order differently byte-wise than by the instant they name (the rule orders the text)
        let statements = [
            Self.statement(1, status: .fixed, statedAt: "2024-02-01T00:00:00.5Z"),
            Self.statement(2, status: .affected, statedAt: "2024-02-01T00:00:00Z"),
        ]
        // "Z" (0x5A) sorts after "." (0x2E)
        #expect(VEXApplicability.governing(statements, for: Self.finding)?.id == 2)
    }

    @Test func noApplicableStatementGovernsNothing() {
        #expect(VEXApplicability.governing([Self.statement(1, kind: .repository, subject: "x")], for: Self.finding) == nil)
        #expect(VEXApplicability.governing([], for: Self.finding) == nil)
    }

    @Test(arguments: VEXStatus.allCases)
    func onlyNotAffectedAndFixedSuppress(_ status: VEXStatus) {
        #expect(VEXApplicability.suppresses(status) == [.notAffected, .fixed].contains(status))
    }
}
