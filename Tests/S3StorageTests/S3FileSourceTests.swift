import AWS
import AWSTestSupport
import Foundation
import S3Storage
import Testing

@testable import Formats
@testable import Streaming

/// The file source over an S3 prefix (moto): each listing starts after the greatest key
/// listed or logged before, across batches and across restarts, and reads what a local
/// directory would (partition directories, zstd, hidden keys skipped).
@Suite(.motoServer, .enabled(if: s3TestsEnabled, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct S3FileSourceTests {
    /// Puts `in/date=<day>/f<n>.jsonl` with ids n*100 ..< n*100+100.
    static func put(_ bucket: S3Bucket, file n: Int, day: String, zstd: Bool = false) throws {
        let text = (n * 100..<(n * 100 + 100)).map { #"{"id":\#($0),"user":"u\#($0 % 3)","amount":1.5}"# }.joined(separator: "\n") + "\n"
        let bytes = zstd ? try Zstd.compress(Array(text.utf8)) : Array(text.utf8)
        try bucket.storage.writeAtomically(bucket.uri("in/date=\(day)/f\(n).jsonl" + (zstd ? ".zst" : "")), bytes, role: .restricted)
    }

    static func run(_ bucket: S3Bucket, maxFiles: Int? = nil) throws {
        let schema = Schema(eventSchema.fields + [Field("date", .string)])
        var reader = StreamingSession().readStream.schema(schema)
        if let maxFiles { reader = reader.option(.maxFilesPerTrigger(maxFiles)) }
        try reader.load(bucket.uri("in"))
            .writeStream.format(.delta(bucket.uri("t"))).checkpointLocation(bucket.uri("cp")).trigger(.availableNow)
            .start().awaitTermination()
    }

    /// The source's listings of the input prefix and where each started.
    static func sourceListings(_ bucket: S3Bucket) -> [String?] {
        // `max-keys=1`: the one probe `load` makes to see that the prefix is reachable.
        bucket.transport.listings.filter { $0.contains("prefix=in%2F") && !$0.contains("max-keys=1") }.map { line in
            line.split(separator: "&").first { $0.hasPrefix("start-after=") || $0.contains("?start-after=") }
                .map { String($0.split(separator: "=", maxSplits: 1)[1]).removingPercentEncoding ?? "" }
        }
    }

    @Test func listsOnlyKeysAfterTheLastOneAcrossBatchesAndRestarts() throws {
        let bucket = try S3Bucket()
        try Self.put(bucket, file: 0, day: "2026-12-01")
        try Self.put(bucket, file: 1, day: "2026-12-01", zstd: true)
        try Self.put(bucket, file: 2, day: "2026-12-02")
        // Hidden keys (an upload in progress, a marker) are not data.
        try bucket.storage.writeAtomically(bucket.uri("in/date=2026-12-02/.f3.tmp"), Array("x".utf8), role: .restricted)
        try bucket.storage.writeAtomically(bucket.uri("in/_SUCCESS"), [], role: .restricted)

        bucket.transport.reset()
        try Self.run(bucket, maxFiles: 1)
        #expect(try deltaIds(bucket.uri("t")) == (0..<300).map(Int64.init))
        let snap = try DeltaTable(path: bucket.uri("t")).snapshot()
        #expect(snap.version == 2, "one file per batch")
        let dates = try snap.read(columns: ["date"]).batch.rows.map { "\($0[0])" }
        #expect(Set(dates).count == 2)
        // availableNow: one listing at start, from the beginning (nothing logged yet).
        #expect(Self.sourceListings(bucket) == [nil])

        // New keys after the old ones: the restarted query lists after the greatest logged key.
        try Self.put(bucket, file: 3, day: "2026-12-03")
        try Self.put(bucket, file: 4, day: "2026-12-03")
        bucket.transport.reset()
        try Self.run(bucket)
        #expect(try deltaIds(bucket.uri("t")) == (0..<500).map(Int64.init))
        #expect(Self.sourceListings(bucket) == ["in/date=2026-12-02/f2.jsonl"])

        // Nothing new: one listing after the last key, and no batch.
        bucket.transport.reset()
        try Self.run(bucket)
        #expect(Self.sourceListings(bucket) == ["in/date=2026-12-03/f4.jsonl"])
        #expect(try DeltaTable(path: bucket.uri("t")).snapshot().version == 3)
        #expect(try DeltaRs.read(bucket.uri("t")).ids == (0..<500).map(Int64.init))
    }

    /// A continuously running query lists after its last key every trigger, and new keys
    /// join the end of the backlog.
    @Test func aRunningQueryListsIncrementallyEveryTrigger() throws {
        let bucket = try S3Bucket()
        let schema = Schema(eventSchema.fields + [Field("date", .string)])
        try Self.put(bucket, file: 0, day: "2026-12-01")
        let query = try StreamingSession().readStream.schema(schema).load(bucket.uri("in"))
            .writeStream.format(.delta(bucket.uri("t"))).checkpointLocation(bucket.uri("cp"))
            .trigger(.processingTime(.milliseconds(50))).start()
        defer { query.stop() }
        try waitUntil { try !query.isActive || DeltaTable.exists(at: bucket.uri("t")) && deltaIds(bucket.uri("t")).count == 100 }
        let firstBatchListings = Self.sourceListings(bucket)
        bucket.transport.reset()
        try Self.put(bucket, file: 1, day: "2026-12-02")
        // Watched through progress, not by reading the table, so that every request recorded
        // from here on is the query's own.
        try waitUntil { !query.isActive || query.recentProgress.contains { $0.batchId == 1 } }
        #expect(query.exception == nil, "\(String(describing: query.exception))")
        query.stop()
        // The sink follows its table by probing for the next commit: the second batch lists
        // nothing of `_delta_log`.
        #expect(!bucket.transport.listings.contains { $0.contains("prefix=t%2F_delta_log") }, "\(bucket.transport.listings)")
        let listings = firstBatchListings + Self.sourceListings(bucket)
        #expect(listings.count > 3)
        // Only the first listing starts at the beginning; the rest start after a key.
        #expect(listings.dropFirst().allSatisfy { $0 != nil })
        #expect(listings.last == "in/date=2026-12-02/f1.jsonl")
        #expect(try deltaIds(bucket.uri("t")) == (0..<200).map(Int64.init))
    }

    @Test func aMissingBucketFailsAtLoadNamingIt() throws {
        let missing = "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())"
        // For this bucket only: the process-wide default belongs to `StorageContractTests`.
        S3Storage.install(S3Storage(client: S3Client(configuration: try Moto.configuration())), forBucket: missing)
        let error = #expect(throws: (any Error).self) {
            try StreamingSession().readStream.schema(eventSchema).load("s3://\(missing)/in")
        }
        #expect("\(error!)".contains("no-such-bucket"))
    }
}
