import AWS
import AWSTestSupport
import Foundation
import S3Storage
import Testing

@testable import Streaming

/// The same calls against the local file system and against S3 (moto) give the same answers:
/// the engine's code above `ObjectStorage` cannot tell them apart.
@Suite(.motoServer, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct StorageContractTests {
    @Test func localStorageKeepsTheContract() throws {
        let dir = LocalDir()
        try exercise(LocalStorage.shared, root: dir.sub("root"))
    }

    @Test func s3StorageKeepsTheContract() throws {
        let bucket = try S3Bucket()
        try exercise(Storage.at(bucket.uri("x")), root: bucket.uri("data/root"))
    }

    func exercise(_ s: any ObjectStorage, root: String) throws {
        let a = FilePaths.join(root, "a"), c = FilePaths.join(root, "b", "c"), d = FilePaths.join(root, "d")
        #expect(try s.exists(root) == false)
        let missing = try #require(throws: IOError.self) { try s.read(a) }
        #expect(missing.isNotFound)
        #expect(try s.readIfPresent(a) == nil)
        #expect(try s.status(a) == nil)
        #expect(try s.list(root).isEmpty)

        for (path, text) in [(a, "alpha"), (c, "gamma"), (d, "delta!")] {
            try s.createDirectory(FilePaths.parent(path), role: .restricted)
            try s.writeAtomically(path, Array(text.utf8), role: .restricted)
        }
        #expect(try s.exists(root))
        #expect(try s.read(a) == Array("alpha".utf8))
        #expect(try s.read(d, range: 1..<4) == Array("elt".utf8))
        #expect(try s.read(d, range: 4..<100) == Array("a!".utf8))
        #expect(try s.read(d, range: 6..<10).isEmpty)
        #expect(try s.status(d)?.size == 6)
        #expect(try s.status(d).map { abs($0.modifiedMillis - Int64(Date().timeIntervalSince1970 * 1000)) < 600_000 } == true)

        // Put-if-absent: the first writer wins, the second changes nothing.
        let e = FilePaths.join(root, "e")
        #expect(try s.createExclusively(e, Array("first".utf8), role: .restricted))
        #expect(try s.createExclusively(e, Array("second".utf8), role: .restricted) == false)
        #expect(try s.read(e) == Array("first".utf8))

        #expect(try s.list(root) == ["a", "b", "d", "e"])
        #expect(try s.list(root, startAfter: "b") == ["d", "e"])
        #expect(try s.listFiles(root).map(\.name) == ["a", "d", "e"])
        #expect(try s.listFiles(root, startAfter: "a").map(\.size) == [6, 5])
        #expect(try s.listTree(root).map(\.name) == ["a", "b/c", "d", "e"])

        try s.remove(a)
        try s.remove(a)  // missing: not an error
        #expect(try s.readIfPresent(a) == nil)
        try s.removeTree(root)
        #expect(try s.exists(root) == false)
        #expect(try s.listTree(root).isEmpty)
    }

    /// What a command does with its path arguments: nothing for local paths; for an `s3://`
    /// one, a default storage from the endpoint and region given, serving any bucket.
    @Test func installIfNeededServesEveryBucketFromTheEndpointGiven() throws {
        let env = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
        #expect(try S3Storage.installIfNeeded(for: ["/tmp/t", "relative/cp"], environment: env) == false)
        let name = "d-" + UUID().uuidString.lowercased().prefix(20)
        try S3Client(configuration: try Moto.configuration()).createBucket(name)
        let uri = "s3://\(name)/t/x"
        let installed = try S3Storage.installIfNeeded(
            for: ["/tmp/cp", uri], endpoint: "http://127.0.0.1:\(try Moto.current.port)", region: "us-east-1", environment: env)
        #expect(installed)
        try Storage.at(uri).writeAtomically(uri, Array("via the default".utf8), role: .table)
        #expect(try S3Client(configuration: try Moto.configuration()).getObject(bucket: name, key: "t/x").body == Array("via the default".utf8))
    }

    @Test func anUninstalledSchemeSaysWhatToDo() throws {
        let error = try #require(throws: StorageUnavailableError.self) { try Storage.at("gs://bucket/t").read("gs://bucket/t/x") }
        #expect(error.description.contains("not supported"))
        #expect(Storage.scheme(of: "date=2026-11-25/x") == nil)
        #expect(Storage.scheme(of: "S3://b/k") == "s3")
        #expect(FileSystem.absolute("s3://b/k") == "s3://b/k")
    }
}
