import AWSTestSupport
import Foundation
import S3Storage
import Synchronization
import Testing

@testable import Delta

@testable import Streaming

/// Delta tables on S3 (moto): commits are put-if-absent, the read path lists only from the last
/// checkpoint, large files go up in parts, and delta-rs reads what Sluice writes.
@Suite(.motoServer, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3DeltaTableTests {
    static let schema = Schema([Field("id", .int64), Field("payload", .string)])

    static func rows(_ ids: Range<Int>, payload: (Int) -> String = { "p\($0)" }) throws -> RecordBatch {
        try RecordBatch.fromRows(ids.map { [.int64(Int64($0)), .string(payload($0))] }, schema: schema)
    }

    static func sink(_ path: String, query: String) throws -> DeltaSink {
        let sink = DeltaSink(path: path)
        try sink.open(SinkContext(queryId: query, queryName: nil, outputMode: .append, schema: schema))
        return sink
    }

    @Test func readingTheTableListsOnlyFromTheLastCheckpoint() throws {
        let bucket = try S3Bucket()
        let path = bucket.uri("tables/events")
        let writer = try Self.sink(path, query: "q")
        for b in 0..<25 { try writer.addBatch(Int64(b), try Self.rows(b * 10..<(b * 10 + 10))) }
        #expect(try bucket.keys(under: "tables/events/_delta_log").contains("00000000000000000020.checkpoint.parquet"))

        bucket.transport.reset()
        let reader = DeltaTable(path: path)
        let snap = try reader.snapshot()
        #expect(snap.version == 24)
        #expect(snap.files.count == 25)
        // One listing, starting after the checkpoint's version: the 20 commits before it are
        // never listed.
        let listings = bucket.transport.listings
        #expect(listings.count == 1)
        #expect(listings.first?.contains("start-after=tables%2Fevents%2F_delta_log%2F00000000000000000020") == true)

        // Steady state: a newer commit is found by probing for the next version, not by listing.
        try writer.addBatch(25, try Self.rows(250..<260))
        bucket.transport.reset()
        #expect(try reader.snapshot().version == 25)
        #expect(bucket.transport.listings.isEmpty)
        #expect(bucket.transport.requests.contains { $0.hasPrefix("GET /\(bucket.name)/tables/events/_delta_log/00000000000000000026.json") })

        let read = try DeltaRs.read(path)
        #expect(read.version == 25)
        #expect(read.ids == (0..<260).map(Int64.init))
    }

    /// Two writers append to one table at once: each version is won by exactly one of them
    /// (put-if-absent), the loser rebuilds on the winner's commit, and no commit is lost.
    @Test func twoWritersRacingOnTheLogLoseNoCommit() throws {
        let bucket = try S3Bucket()
        let path = bucket.uri("race")
        // The table exists first, so both race only for appends.
        try Self.sink(path, query: "setup").addBatch(0, try Self.rows(0..<1))
        let batches = 12
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for (n, query) in ["a", "b"].enumerated() {
            DispatchQueue.global().async(group: done) {
                do {
                    let sink = try Self.sink(path, query: query)
                    for b in 0..<batches {
                        let first = 1000 * (n + 1) + b * 10
                        try sink.addBatch(Int64(b), try Self.rows(first..<(first + 10)))
                    }
                } catch {
                    failures.withLock { $0.append("\(query): \(error)") }
                }
            }
        }
        done.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")

        let table = DeltaTable(path: path)
        let snap = try table.snapshot()
        #expect(snap.version == Int64(2 * batches))
        #expect(snap.transactionVersion("a") == Int64(batches - 1))
        #expect(snap.transactionVersion("b") == Int64(batches - 1))
        // Every version holds exactly one writer's batch, and every batch is in one version.
        var seen: [String] = []
        for v in 1...snap.version {
            let txns = try #require(try table.commitActions(version: v)).compactMap { a -> String? in
                if case .txn(let t) = a { return "\(t.appId)/\(t.version)" } else { return nil }
            }
            #expect(txns.count == 1)
            seen += txns
        }
        #expect(Set(seen).count == 2 * batches)
        var expected: [Int64] = [0]
        for writer in 1...2 {
            for b in 0..<batches {
                let first = 1000 * writer + b * 10
                expected += (first..<(first + 10)).map(Int64.init)
            }
        }
        #expect(try deltaIds(path) == expected.sorted())
    }

    @Test func largeDataFilesGoUpAsMultipartUploads() throws {
        let bucket = try S3Bucket(multipartThreshold: 5 << 20, partSize: 5 << 20)
        let path = bucket.uri("big")
        // Random payloads do not compress: the Parquet file is about 12 MiB.
        var rng = SystemRandomNumberGenerator()
        let payload = { (_: Int) in String((0..<1200).map { _ in Character(Unicode.Scalar(UInt8.random(in: 33...126, using: &rng))) }) }
        let rows = try Self.rows(0..<10_000, payload: payload)
        try Self.sink(path, query: "q").addBatch(0, rows)

        let requests = bucket.transport.requests
        #expect(requests.contains { $0.hasPrefix("POST /\(bucket.name)/big/part-") && $0.hasSuffix("?uploads=") })
        let parts = requests.filter { $0.hasPrefix("PUT /\(bucket.name)/big/part-") && $0.contains("partNumber=") }
        let file = try #require(try DeltaTable(path: path).snapshot().addFiles.first)
        #expect(file.size > 10 << 20 - 1 << 19)
        #expect(parts.count == Int((file.size + (5 << 20) - 1) / (5 << 20)))
        #expect(try bucket.storage.status(FilePaths.join(path, file.path))?.size == file.size)
        #expect(try DeltaRs.read(path).ids == (0..<10_000).map(Int64.init))
    }

    @Test func vacuumDeletesOnlyUnreferencedFilesUnderTheTablePrefix() throws {
        let bucket = try S3Bucket()
        let path = bucket.uri("vac")
        let sink = try Self.sink(path, query: "q")
        try sink.addBatch(0, try Self.rows(0..<5))
        let orphan = FilePaths.join(path, "part-00000-orphan.c000.zstd.parquet")
        try bucket.storage.writeAtomically(orphan, Array("not committed".utf8), role: .table)
        let table = DeltaTable(path: path)
        let later = currentTimeMillis() + 10 * DeltaTable.defaultVacuumRetentionMillis
        let result = try table.vacuum(retentionMillis: nil, force: false, dryRun: false, now: later)
        #expect(result.deletedFiles == ["part-00000-orphan.c000.zstd.parquet"])
        #expect(try bucket.storage.status(orphan) == nil)
        #expect(try deltaIds(path) == (0..<5).map(Int64.init))
    }
}
