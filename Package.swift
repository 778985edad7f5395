// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Streaming", targets: ["Streaming"]),
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "Columnar"),
        .target(name: "Formats", dependencies: ["Columnar", "CZstd", "CSnappy"]),
        .target(name: "Operators", dependencies: ["Columnar", "Formats"]),
        .target(name: "Sinks", dependencies: ["Columnar", "Formats"]),
        .target(name: "Streaming", dependencies: ["Columnar", "Formats", "Operators", "Sinks"]),
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
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        // Helpers shared by test targets (not shipped).
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Columnar", "TestSupport"]),
        .testTarget(name: "OperatorsTests", dependencies: ["Operators", "Formats", "Columnar"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "YSBWorkload"]),
        .testTarget(name: "SinksTests", dependencies: ["Sinks", "Formats", "Columnar", "TestSupport"]),
    ]
)
