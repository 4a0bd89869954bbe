// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PatchTrack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "patchtrack", targets: ["patchtrack"]),
        .library(name: "PatchTrackCore", targets: ["PatchTrackCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure domain: package identity, versions, ingest parsing, matching, planning. Foundation only.
        .target(name: "PatchTrackCore"),
        // The storage seam: one executor over two engines, SQLite through GRDB (the embedded default) and PostgreSQL
        // through PostgresNIO; schema migrations (embedded at build time from ./migrations) and the stores; reading OSV
        // bundles (JSON or zip) for ingest.
        .target(
            name: "PatchTrackStorage",
            dependencies: [
                "PatchTrackCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // OSV zip archives (osv.dev's all.zip) read by OSVBundle for the API and the importer.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            plugins: ["EmbedTextFiles"]
        ),
        // The HTTP API on Hummingbird 2.
        .target(
            name: "PatchTrackHTTP",
            dependencies: [
                "PatchTrackCore",
                "PatchTrackStorage",
                "PatchTrackWebhooks",
                "PatchTrackRegistry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The dashboard's pages (templates under Dashboard/Templates, embedded by the plugin).
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Dashboard/Templates"],
            plugins: ["EmbedTextFiles"]
        ),
        // Advisory feeds (OSV exports, CISA KEV, FIRST EPSS) fetched with AsyncHTTPClient and stored through the
        // storage seam; run by `serve`'s background jobs and by `patchtrack feed sync`.
        .target(
            name: "PatchTrackFeeds",
            dependencies: [
                "PatchTrackCore",
                "PatchTrackStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "PatchTrackWebhooks",
            dependencies: [
                "PatchTrackCore",
                "PatchTrackStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Registry watching: the OCI Distribution API read with AsyncHTTPClient (tags, manifests, indexes, configs),
        // polled by `serve`'s background jobs and by `patchtrack registry poll`.
        .target(
            name: "PatchTrackRegistry",
            dependencies: [
                "PatchTrackCore",
                "PatchTrackStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "patchtrack",
            dependencies: [
                "PatchTrackCore",
                "PatchTrackStorage",
                "PatchTrackHTTP",
                "PatchTrackFeeds",
                "PatchTrackWebhooks",
                "PatchTrackRegistry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Comparisons and OSV range evaluations per second: `swift run -c release version-bench PAIRS...`.
        .executableTarget(name: "version-bench", dependencies: ["PatchTrackCore"], path: "Benchmarks/VersionBench"),
        // Build-time tool and plugin that turn migrations/*.sql into Swift string literals.
        .executableTarget(name: "EmbedTextFilesTool"),
        .plugin(name: "EmbedTextFiles", capability: .buildTool(), dependencies: ["EmbedTextFilesTool"]),
        .testTarget(name: "PatchTrackCoreTests", dependencies: ["PatchTrackCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "PatchTrackStorageTests",
            dependencies: [
                "PatchTrackStorage", .product(name: "GRDB", package: "GRDB.swift"),
                // The PostgreSQL row decoding is compared with PostgresNIO's own decoders.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PatchTrackHTTPTests",
            dependencies: [
                "PatchTrackHTTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // Seeds rows that other features' routes produce (advisories, findings, VEX statements).
                .product(name: "GRDB", package: "GRDB.swift"),
                // Feed syncs against a local HTTP server the tests start.
                "PatchTrackFeeds",
                // Registry polls against a docker-registry the tests start (and pushed to with AsyncHTTPClient).
                "PatchTrackRegistry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ]
)
