import PatchTrackCore
import Testing

@Suite("Image references")
struct ImageReferenceTests {
    @Test(
        "valid references normalise like docker",
        arguments: [
            ("nginx", "docker.io/library/nginx", nil, nil),
            ("nginx:1.25-alpine", "docker.io/library/nginx", "1.25-alpine", nil),
            ("library/nginx", "docker.io/library/nginx", nil, nil),
            ("index.docker.io/library/nginx:latest", "docker.io/library/nginx", "latest", nil),
            ("bitnami/redis:7.2", "docker.io/bitnami/redis", "7.2", nil),
            ("localhost/app", "localhost/app", nil, nil),
            ("localhost:5000/team/app:v1", "localhost:5000/team/app", "v1", nil),
            ("ghcr.io/org/sub/app@sha256:" + String(repeating: "0", count: 64), "ghcr.io/org/sub/app", nil, "sha256:" + String(repeating: "0", count: 64)),
            ("registry.example.com:443/a/b-c/d__e/f.g:TAG_1.0@sha256:" + String(repeating: "f", count: 64), "registry.example.com:443/a/b-c/d__e/f.g", "TAG_1.0", "sha256:" + String(repeating: "f", count: 64)),
            ("Docker.Example.com/app", "Docker.Example.com/app", nil, nil),
            ("192.168.1.1:5000/app", "192.168.1.1:5000/app", nil, nil),
            ("[::1]:5000/app:1", "[::1]:5000/app", "1", nil),
            ("a---b/c", "docker.io/a---b/c", nil, nil),
        ] as [(String, String, String?, String?)])
    func valid(input: String, repository: String, tag: String?, digest: String?) throws {
        let reference = try ImageReference(parsing: input)
        #expect(reference.repository.value == repository)
        #expect(reference.tag == tag)
        #expect(reference.digest?.value == digest)
    }

    @Test(
        "invalid references are refused with a reason",
        arguments: [
            "", ":tag", "Nginx", "docker.io/Library/nginx", "app:", "app:-tag", "app:" + String(repeating: "t", count: 129),
            "app@sha256:abc", "app@sha512:" + String(repeating: "0", count: 128), "app@sha256:" + String(repeating: "G", count: 64),
            "a//b", "a/b/", "-app", "app-", "a..b", "a___b", "host:port/app", "[::1/app", "ex-.com/app", String(repeating: "a", count: 256),
        ])
    func invalid(input: String) {
        #expect(throws: IdentityError.self) { try ImageReference(parsing: input) }
    }

    @Test("the canonical form round-trips")
    func description() throws {
        let text = "ghcr.io/acme/api:1.4@sha256:" + String(repeating: "a", count: 64)
        #expect(try ImageReference(parsing: text).description == text)
        #expect(try ImageReference(parsing: "redis:7").description == "docker.io/library/redis:7")
    }

    @Test("digests are sha256 with 64 lowercase hex digits")
    func digests() throws {
        #expect(try Digest(parsing: "sha256:" + String(repeating: "a", count: 64)).hex.count == 64)
        for bad in ["sha256:", "sha256:" + String(repeating: "A", count: 64), "sha1:" + String(repeating: "a", count: 64), "sha256:" + String(repeating: "a", count: 63)] {
            #expect(throws: IdentityError.self) { try Digest(parsing: bad) }
        }
    }
}
