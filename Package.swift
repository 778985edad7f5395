// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Streaming", targets: ["Streaming"]),
        .library(name: "AWS", targets: ["AWS"]),
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // HMAC-SHA256, SHA-256 and MD5 for the AWS module only (SigV4, Content-MD5, KPL records).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
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
        .target(name: "Streaming", dependencies: ["Columnar", "Formats", "Delta", "State", "Operators", "Sinks"]),
        // S3 and Kinesis clients; depends on nothing of Sluice so the engine builds without it.
        .target(name: "AWS", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "Streaming",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ErrorsPerService", dependencies: ["Streaming"], path: "Examples/ErrorsPerService"),
        .target(name: "YSBWorkload", dependencies: ["Streaming"], path: "Examples/YSB/Workload"),
        .executableTarget(
            name: "sluice-ysb",
            dependencies: ["Streaming", "YSBWorkload", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/YSB/Command"),
        .executableTarget(
            name: "sluice-torture",
            dependencies: ["Streaming", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Torture"),
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
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        // Helpers shared by test targets (not shipped).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Columnar", "TestSupport"]),
        // Temporary checkpoints and fixtures for state store tests (not shipped).
        .target(name: "StateTestSupport", dependencies: ["State", "Formats", "Columnar"], path: "Tests/StateSupport"),
        .testTarget(name: "StateTests", dependencies: ["State", "StateTestSupport", "Formats", "Columnar"]),
        .testTarget(name: "OperatorsTests", dependencies: ["Operators", "State", "StateTestSupport", "Formats", "Columnar"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "YSBWorkload"]),
        .testTarget(name: "DeltaTests", dependencies: ["Delta", "Sinks", "Formats", "Columnar", "TestSupport"]),
        .testTarget(name: "AWSTests", dependencies: ["AWS", "TestSupport"]),
    ]
)
