import AWS
import AWSTestSupport
import Foundation
import S3Storage
import Synchronization
import Testing
import TestSupport

@testable import Streaming

/// Every request a client sent, as `METHOD /bucket/key?query`, for tests that check what went
/// over the wire (how many listings, with which start-after).
final class RecordingTransport: HTTPTransport {
    private let inner = URLSessionTransport()
    private let log = Mutex<[String]>([])
    private let slow = Mutex<[String]>([])

    func send(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let line = request.method + " " + request.path + (request.encodedQuery.isEmpty ? "" : "?" + request.encodedQuery)
        log.withLock { $0.append(line) }
        let start = ContinuousClock.now
        inner.send(request) { result in
            let took = ContinuousClock.now - start
            if took > .seconds(1) { self.slow.withLock { $0.append("\(took) \(line) \(result)") } }
            completion(result)
        }
    }

    /// Requests that took over a second, with their outcome.
    var slowRequests: [String] { slow.withLock { $0 } }

    var requests: [String] { log.withLock { $0 } }
    func reset() { log.withLock { $0.removeAll() } }

    /// The ListObjectsV2 requests.
    var listings: [String] { requests.filter { $0.hasPrefix("GET ") && $0.contains("list-type=2") } }
}

/// A fresh bucket on the suite's moto server (or behind its fault proxy), served by its own
/// `S3Storage` with a recording transport.
struct S3Bucket {
    let name: String
    let storage: S3Storage
    let transport: RecordingTransport

    /// - Parameters:
    ///   - port: where the storage sends requests (moto's port by default; the fault proxy's
    ///     port for the fault tests). The bucket is always created on moto directly.
    init(port: Int? = nil, retry: RetryPolicy = .standard, multipartThreshold: Int = 64 << 20, partSize: Int = 16 << 20) throws {
        name = "t-" + UUID().uuidString.lowercased().prefix(20)
        try S3Client(configuration: try Moto.configuration()).createBucket(name)
        transport = RecordingTransport()
        let client = S3Client(configuration: try Moto.configuration(retry: retry, port: port), transport: transport)
        storage = S3Storage(client: client, multipartThreshold: multipartThreshold, partSize: partSize)
        S3Storage.install(storage, forBucket: name)
    }

    func uri(_ key: String) -> String { "s3://\(name)/\(key)" }

    /// Keys under `prefix`, relative to it.
    func keys(under prefix: String) throws -> [String] {
        try storage.listTree(uri(prefix)).map(\.name)
    }
}

/// delta-rs (the `deltalake` package) reading a table on the suite's moto server.
enum DeltaRs {
    static let script = """
        import json, sys
        from deltalake import DeltaTable
        uri, port = sys.argv[1], sys.argv[2]
        opts = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
        t = DeltaTable(uri, storage_options=opts)
        ids = sorted(r["id"] for r in t.to_pyarrow_table(columns=["id"]).to_pylist())
        print(json.dumps({"version": t.version(), "ids": ids}), flush=True)
        # delta-rs's runtime threads can abort the interpreter's normal exit; the answer is out.
        import os
        os._exit(0)
        """

    /// The table's version and its `id` column, sorted, as delta-rs reads them.
    static func read(_ uri: String) throws -> (version: Int, ids: [Int64]) {
        let json = try #require(try PythonTools.json(script, [uri, String(try Moto.current.port)]) as? [String: Any])
        let ids = try #require(json["ids"] as? [Any]).map { ($0 as! NSNumber).int64Value }
        return (try #require(json["version"] as? Int), ids)
    }
}

let eventSchema = Schema([Field("id", .int64), Field("user", .string), Field("amount", .double)])

/// A fresh local directory, removed when the value goes.
final class LocalDir: @unchecked Sendable {
    let path: String

    init() {
        path = FilePaths.join(NSTemporaryDirectory(), "sluice-s3-\(UUID().uuidString.lowercased())")
        try! FileSystem.createDirectory(path)
    }

    deinit { try? FileSystem.removeTree(path) }

    func sub(_ parts: String...) -> String { FilePaths.join([path] + parts) }
}

/// Writes `in/f<n>.jsonl` files of 100 events each (ids n*100 ..< n*100+100), hidden then renamed.
func writeHundreds(_ dir: LocalDir, files: Range<Int>) throws {
    let input = dir.sub("in")
    try FileSystem.createDirectory(input)
    for f in files where !FileSystem.exists(FilePaths.join(input, "f\(f).jsonl")) {
        let lines = (f * 100..<(f * 100 + 100)).map { i in #"{"id":\#(i),"user":"u\#(i % 3)","amount":\#(Double(i) * 1.5)}"# }
        let tmp = FilePaths.join(input, ".f\(f).tmp")
        try DurableFile.writeNew(tmp, Array((lines.joined(separator: "\n") + "\n").utf8))
        try FileSystem.rename(tmp, FilePaths.join(input, "f\(f).jsonl"))
    }
}

/// The ids in a Delta table as Sluice reads it, sorted (duplicates kept).
func deltaIds(_ path: String) throws -> [Int64] {
    let rows = try DeltaTable(path: path).snapshot().read(columns: ["id"]).batch.rows
    return rows.map { if case .int64(let x) = $0[0] { return x } else { return -1 } }.sorted()
}

/// Whether the suites can run (moto and deltalake installed, or CI, where they must be).
let s3TestsEnabled = Moto.available
