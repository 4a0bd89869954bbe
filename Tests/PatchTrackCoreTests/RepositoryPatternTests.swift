import Testing

import PatchTrackCore

@Suite struct RepositoryPatternTests {
    @Test(arguments: [
        ("docker.io/library/*", "docker.io/library/debian", true),
        ("docker.io/library/*", "docker.io/library/alpine", true),
        ("docker.io/library/*", "docker.io/bitnami/redis", false),
        ("docker.io/library/*", "docker.io/library", false),
        ("ghcr.io/acme/*", "ghcr.io/acme/base", true),
        ("ghcr.io/acme/*", "ghcr.io/acme/team/base", false),
        ("ghcr.io/acme/*", "ghcr.io/acmecorp/base", false),
        ("ghcr.io/acme/*", "ghcr.io/acme/", true),
        ("ghcr.io/acme/**", "ghcr.io/acme/team/base", true),
        ("ghcr.io/acme/**", "ghcr.io/other/base", false),
        ("ghcr.io/*/base", "ghcr.io/acme/base", true),
        ("ghcr.io/*/base", "ghcr.io/acme/team/base", false),
        ("*.example.com/**", "registry.example.com/a/b", true),
        ("*.example.com/**", "registry.example.org/a/b", false),
        ("docker.io/library/debian", "docker.io/library/debian", true),
        ("docker.io/library/debian", "docker.io/library/debian-slim", false),
        ("GHCR.io/Acme/*", "ghcr.io/acme/base", true),
        ("**", "localhost:5000/team/app", true),
        ("*", "localhost:5000/team/app", false),
        ("", "docker.io/library/debian", false),
    ])
    func matchesNormalisedNames(pattern: String, name: String, expected: Bool) {
        // given
        let pattern = RepositoryPattern(pattern)

        // when
        let matched = pattern.matches(name)

        // then
        #expect(matched == expected)
    }

    @Test func matchesRepositoryNamesAfterNormalisation() throws {
        // given
        let debian = try RepositoryName(parsing: "debian")
        let pattern: RepositoryPattern = "docker.io/library/*"

        // when
        let matched = pattern.matches(debian)

        // then
        #expect(matched)
        #expect(pattern.description == "docker.io/library/*")
    }

    @Test func emptyListTrustsEveryBaseAndOtherwiseAnyPatternMust() throws {
        // given
        let open = RebuildRules()
        let strict = RebuildRules(trustedBasePatterns: ["docker.io/library/*", "ghcr.io/acme/*"])
        let stranger = try RepositoryName(parsing: "quay.io/stranger/base")
        let acme = try RepositoryName(parsing: "ghcr.io/acme/base")

        // when / then
        #expect(open.trusts(stranger))
        #expect(!strict.trusts(stranger))
        #expect(strict.trusts(acme))
    }
}
