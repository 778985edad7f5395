// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Streaming", targets: ["Streaming"]),
        .library(name: "AWS", targets: ["AWS"]),
        .library(name: "S3Storage", targets: ["S3Storage"]),
        .library(name: "KinesisSource", targets: ["KinesisSource"]),
        .library(name: "SluicePostgres", targets: ["SluicePostgres"]),
        .library(name: "SluiceSQLite", targets: ["SluiceSQLite"]),
        .library(name: "Service", targets: ["Service"]),
        .library(name: "Observability", targets: ["Observability"]),
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // HMAC-SHA256, SHA-256 and MD5 for the AWS module only (SigV4, Content-MD5, KPL records).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // PostgreSQL wire protocol client for the PostgreSQL sink; 1.30 added COPY FROM STDIN.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.30.0"),
        // Engine logging (the only dependency the core takes, so embedding apps keep control of it).
        // 1.16: `LogHandler.log(event:)`, which the JSON log handler implements.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        // The Service module only: HTTP server, metrics API and Prometheus exposition.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        // Already built for Hummingbird; named for the server channel's bound address (port 0).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        // Already built for Hummingbird; its ServiceGroup shuts the server down gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "Columnar"),
        .target(name: "Formats", dependencies: ["Columnar", "CZstd", "CSnappy"]),
        .target(name: "Delta", dependencies: ["Columnar", "Formats"]),
        .target(name: "State", dependencies: ["Columnar", "Formats"]),
        .target(name: "Operators", dependencies: ["Columnar", "Formats", "State"]),
        .target(name: "Sinks", dependencies: ["Columnar", "Formats", "Delta"]),
        .target(
            name: "Streaming",
            dependencies: ["Columnar", "Formats", "Delta", "State", "Operators", "Sinks", .product(name: "Logging", package: "swift-log")]),
        // Prometheus metrics from progress records and JSON log lines: no server, so an app that
        // serves them its own way (or a benchmark) needs neither Hummingbird nor NIO.
        .target(
            name: "Observability",
            dependencies: [
                "Streaming",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // Running queries as a service: StreamingApp (run/backfill/status/progress/reset), signals,
        // the HTTP server for /metrics and the web UI. Its own target so the engine builds without it.
        .target(
            name: "Service",
            dependencies: [
                "Streaming",
                "Observability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                // The thread pool that table reads for the data pages block on.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // S3 and Kinesis clients; depends on nothing of Sluice so the engine builds without it.
        .target(name: "AWS", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // S3 as storage for tables, checkpoints and bad records (`s3://` paths); installs itself
        // into `Formats.Storage`, so the core engine does not depend on AWS.
        .target(name: "S3Storage", dependencies: ["AWS", "Formats"]),
        // The Kinesis source (`readStream.format(.kinesis(...))`): its own target so the core
        // engine still builds without AWS and swift-crypto.
        .target(
            name: "KinesisSource", dependencies: ["AWS", "Streaming", .product(name: "Logging", package: "swift-log")]),
        // `sluice ingest`: the raw table from Kinesis or files, exactly once.
        .target(name: "Ingest", dependencies: ["KinesisSource", "AWS", "S3Storage", "Streaming"]),
        // SQL sinks: kept out of the core so it builds and tests without postgres-nio or libsqlite3.
        .systemLibrary(
            name: "CSQLite", path: "Sources/SQLSinks/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SQLSinkCore", dependencies: ["Columnar", "Sinks"], path: "Sources/SQLSinks/Core"),
        .target(
            name: "SluicePostgres",
            dependencies: ["SQLSinkCore", "Streaming", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Sources/SQLSinks/Postgres"),
        .target(name: "SluiceSQLite", dependencies: ["SQLSinkCore", "Streaming", "CSQLite"], path: "Sources/SQLSinks/SQLite"),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "Streaming",
                "Service",
                "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A StreamingApp: one executable per pipeline (the service tests run it).
        .executableTarget(name: "log-pipeline", dependencies: ["Service"], path: "Examples/LogPipeline"),
        .executableTarget(
            name: "ErrorsPerService", dependencies: ["Streaming"], path: "Examples/ErrorsPerService"),
        // The error-spike processor (transformWithState), shared by its example, the tests and the torture.
        .target(name: "SpikeAlert", dependencies: ["Streaming"], path: "Examples/ErrorSpikeAlert/Processor"),
        .executableTarget(name: "ErrorSpikeAlert", dependencies: ["Streaming", "SpikeAlert"], path: "Examples/ErrorSpikeAlert/Command"),
        .target(name: "YSBWorkload", dependencies: ["Streaming"], path: "Examples/YSB/Workload"),
        .executableTarget(
            name: "sluice-ysb",
            dependencies: [
                "Streaming", "YSBWorkload", "SluicePostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/YSB/Command"),
        // A query writing PostgreSQL or SQLite, SIGKILLed and restarted by the SQL sinks' kill tests.
        .executableTarget(
            name: "sluice-sql-torture",
            dependencies: ["Streaming", "SluicePostgres", "SluiceSQLite"],
            path: "Examples/SQLTorture"),
        // A query with its input, table and checkpoint on S3, SIGKILLed and restarted by the S3 storage tests.
        .executableTarget(name: "sluice-s3-torture", dependencies: ["Streaming", "S3Storage"], path: "Examples/S3Torture"),
        .executableTarget(
            name: "sluice-torture",
            dependencies: ["Streaming", "SpikeAlert", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Torture"),
        .executableTarget(
            name: "sluice-soak",
            dependencies: ["Streaming", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Soak"),
        .executableTarget(
            name: "sluice-bench", dependencies: ["Streaming", "YSBWorkload"], path: "Benchmarks/SluiceBench"),
        .executableTarget(
            name: "ysb-generate",
            dependencies: ["Columnar", "Formats", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/YSBGenerator"),
        .executableTarget(name: "ParquetBench", dependencies: ["Formats"], path: "Benchmarks/ParquetBench"),
        .executableTarget(name: "sluice-replay-bench", dependencies: ["Streaming"], path: "Benchmarks/ReplayBench"),
        .executableTarget(name: "file-source-bench", dependencies: ["Streaming"], path: "Benchmarks/FileSourceBench"),
        .executableTarget(name: "sluice-logs-bench", dependencies: ["Streaming"], path: "Benchmarks/LogsBench"),
        .executableTarget(
            name: "sluice-join-bench", dependencies: ["Streaming", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/JoinBench"),
        .executableTarget(
            name: "sluice-sql-bench", dependencies: ["Streaming", "SluicePostgres", "SluiceSQLite"], path: "Benchmarks/SQLSinkBench"),
        .executableTarget(
            name: "sluice-lookup-bench", dependencies: ["Streaming", "SluicePostgres"], path: "Benchmarks/LookupBench"),
        .executableTarget(
            name: "service-overhead-bench",
            dependencies: ["Observability", "Streaming", "YSBWorkload", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/ServiceOverhead"),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        // Helpers shared by test targets (not shipped).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Columnar", "TestSupport"]),
        // Temporary checkpoints and fixtures for state store tests (not shipped).
        .target(name: "StateTestSupport", dependencies: ["State", "Formats", "Columnar"], path: "Tests/StateSupport"),
        .testTarget(name: "StateTests", dependencies: ["State", "StateTestSupport", "Formats", "Columnar"]),
        .testTarget(name: "OperatorsTests", dependencies: ["Operators", "State", "StateTestSupport", "Formats", "Columnar"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "YSBWorkload", "SpikeAlert"]),
        // A source and a sink written against the public API only: imports Streaming, nothing else.
        .testTarget(name: "SourceProviderTests", dependencies: ["Streaming"]),
        .testTarget(name: "DeltaTests", dependencies: ["Delta", "Sinks", "Formats", "Columnar", "TestSupport"]),
        // moto's server, the fault-injecting proxy and boto3 for the AWS and S3 storage tests.
        .target(name: "AWSTestSupport", dependencies: ["AWS", "TestSupport"], path: "Tests/AWSSupport"),
        // Also the Kinesis source and `sluice ingest` (run as a process by the kill test), on the
        // same moto server and fault proxy as the clients' tests.
        .testTarget(
            name: "AWSTests",
            dependencies: ["AWS", "AWSTestSupport", "TestSupport", "KinesisSource", "Ingest", "Streaming", "sluice"]),
        .testTarget(
            name: "S3StorageTests", dependencies: ["S3Storage", "Streaming", "AWS", "AWSTestSupport", "TestSupport", "SQLTestSupport", "sluice-s3-torture"]),
        // Starts its own PostgreSQL server (initdb + pg_ctl on a free loopback port) per suite.
        .target(name: "SQLTestSupport", dependencies: ["Columnar"], path: "Tests/SQLSupport"),
        .testTarget(
            name: "SQLSinkTests",
            dependencies: [
                "SQLSinkCore", "SluicePostgres", "SluiceSQLite", "Streaming", "SQLTestSupport", "CSQLite", "YSBWorkload",
                // Run as processes by the kill and command tests; listed so `swift test` builds them.
                "sluice-sql-torture", "sluice-ysb",
            ]),
        .testTarget(
            name: "ServiceTests",
            dependencies: ["Service", "Observability", "Streaming", "TestSupport", .product(name: "Logging", package: "swift-log")]),
    ]
)
