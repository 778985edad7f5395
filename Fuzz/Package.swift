// swift-tools-version:6.0
// libFuzzer targets for Sluice's parsers. Kept out of the main package because they only link
// with `-sanitize=fuzzer`. Build and run: ../scripts/fuzz.sh [seconds per target]
import PackageDescription

let package = Package(
    name: "SluiceFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Sluice", path: "..")],
    targets: [.target(name: "FuzzDriver")] + ["FuzzJSONLines", "FuzzParquet", "FuzzDeltaLog"].map { name in
        .executableTarget(name: name, dependencies: [.product(name: "Streaming", package: "Sluice"), "FuzzDriver"])
    }
)
