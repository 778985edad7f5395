import AWSTestSupport
import Foundation
import Ingest
import Testing

@testable import AWS

#if canImport(Glibc)
import Glibc
#endif

/// `sluice ingest kinesis://…` against moto's Kinesis, boto3 producing: the built `sluice`
/// binary SIGKILLed at random points across a reshard, and throttling and 5xx answers injected
/// by the fault proxy in front of moto.
@Suite(.motoServerWithFaultProxy, .enabled(if: Moto.available, "moto is not installed (pip install -r .ci/requirements.txt)"))
struct IngestMotoTests {
    let root = NSTemporaryDirectory() + "sluice-ingest-moto-\(UUID().uuidString.lowercased())"

    struct Put: Hashable {
        var data: String
        var partitionKey: String
        var shardId: String
        var sequenceNumber: String
    }

    /// `put(name, prefix, count, shards)`: records whose partition keys hash into the given
    /// shards only (by their place in hash-key order), so a test decides which shards fill.
    static let producer = Boto.kinesis + """
        import hashlib
        def ranked(name):
            shards = [s for s in k.list_shards(StreamName=name)["Shards"] if "EndingSequenceNumber" not in s["SequenceNumberRange"]]
            return sorted(shards, key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
        def keys_in(shards, count, prefix):
            ranges = [(int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in shards]
            out, i = [], 0
            while len(out) < count:
                key = f"{prefix}-k{i}"
                h = int(hashlib.md5(key.encode()).hexdigest(), 16)
                if any(lo <= h <= hi for lo, hi in ranges): out.append(key)
                i += 1
            return out
        def put(name, prefix, count, ranks):
            shards = ranked(name)
            keys = keys_in([shards[r] for r in ranks], 17, prefix)
            out = []
            for start in range(0, count, 50):
                batch = [{"Data": f"{prefix}-{i}".encode(), "PartitionKey": keys[i % len(keys)]} for i in range(start, min(count, start + 50))]
                res = k.put_records(StreamName=name, Records=batch)
                assert res.get("FailedRecordCount", 0) == 0, res
                for rec, r in zip(batch, res["Records"]):
                    out.append([rec["Data"].decode(), rec["PartitionKey"], r["ShardId"], r["SequenceNumber"]])
            return out

        """

    func boto(_ body: String, _ args: [String: Any]) throws -> Any {
        try Boto.run(Self.producer + body, endpoint: try Moto.url, args: args)
    }

    func put(_ stream: String, _ prefix: String, _ count: Int, ranks: [Int]) throws -> [Put] {
        let rows = try #require(try boto(#"done(put(args["stream"], args["prefix"], args["count"], args["ranks"]))"#, ["stream": stream, "prefix": prefix, "count": count, "ranks": ranks]) as? [[String]])
        return rows.map { Put(data: $0[0], partitionKey: $0[1], shardId: $0[2], sequenceNumber: $0[3]) }
    }

    /// The shards as ListShards has them now: id and parents.
    func lineage(_ stream: String) throws -> [String: [String]] {
        let json = try #require(try boto(#"done({s["ShardId"]: [p for p in [s.get("ParentShardId"), s.get("AdjacentParentShardId")] if p] for s in k.list_shards(StreamName=args["stream"])["Shards"]})"#, ["stream": stream]) as? [String: [String]])
        return json
    }

    func ingester(_ stream: String, trigger: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProduct.path("sluice"))
        p.arguments = [
            "ingest", "kinesis://\(stream)", "--endpoint", try Moto.url, "--region", "us-east-1",
            "--table", root + "/table", "--checkpoint", root + "/cp", "--trigger", trigger,
        ]
        var env = ProcessInfo.processInfo.environment
        env["AWS_ACCESS_KEY_ID"] = "testing"
        env["AWS_SECRET_ACCESS_KEY"] = "testing"
        env.removeValue(forKey: "AWS_SESSION_TOKEN")
        // Slow each phase down so kills land inside batches, not only between them.
        env["SLUICE_TRACE_PHASES"] = root + "/trace"
        env["SLUICE_PHASE_DELAY_MS"] = "40"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        return p
    }

    /// SIGKILLs the ingester `seconds` after it got going: past start-up and into its batches
    /// (its phase trace names a batch phase), or, with `afterCommit`, once the table has a
    /// commit, so kills land at random points of the work rather than all during start-up on a
    /// loaded machine.
    func kill(_ p: Process, after seconds: Double, afterCommit: Bool = false) throws {
        let deadline = Date().addingTimeInterval(90)
        func started() -> Bool {
            if afterCommit { return FileManager.default.fileExists(atPath: root + "/table/_delta_log/00000000000000000000.json") }
            let trace = (try? String(contentsOfFile: root + "/trace", encoding: .utf8)) ?? ""
            return !trace.isEmpty && !trace.contains("startup")
        }
        while !started() {
            try #require(p.isRunning && Date() < deadline, "the ingester did not get going")
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: seconds)
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: root + "/trace")
    }

    @Test(.timeLimit(.minutes(5))) func killedAtRandomAcrossASplitAndAMergeEveryRecordLandsOnceInShardOrder() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let stream = "ingest-\(UUID().uuidString.prefix(8))"
        _ = try boto(#"k.create_stream(StreamName=args["stream"], ShardCount=4); wait_active(args["stream"]); done(1)"#, ["stream": stream])
        var puts: [Put] = []
        var kills: [Double] = []
        // Before the reshard: records into the shard that is split and one that stays; the two
        // shards to merge stay empty, because moto copies a merged shard's parents' records
        // into it (AWS does not), which would duplicate them.
        for round in 0..<3 {
            let p = try ingester(stream, trigger: "processing-time:0.1")
            puts += try put(stream, "before\(round)", 80, ranks: [0, 1])
            kills.append(Double.random(in: 0...0.8))
            try kill(p, after: kills.last!, afterCommit: round == 0)
        }
        // Split the first shard and merge the last two, with the ingester down, then put into
        // every shard. (moto keeps putting into the closed parents; on AWS the records would
        // go to the children. The source reads a closed shard to its end before its children
        // either way; `KinesisSourceTests` covers children with records.)
        _ = try boto(
            """
            s = ranked(args["stream"])
            lo, hi = int(s[0]["HashKeyRange"]["StartingHashKey"]), int(s[0]["HashKeyRange"]["EndingHashKey"])
            k.split_shard(StreamName=args["stream"], ShardToSplit=s[0]["ShardId"], NewStartingHashKey=str((lo + hi) // 2))
            wait_active(args["stream"])
            k.merge_shards(StreamName=args["stream"], ShardToMerge=s[2]["ShardId"], AdjacentShardToMerge=s[3]["ShardId"])
            wait_active(args["stream"])
            done(1)
            """, ["stream": stream])
        puts += try put(stream, "after", 200, ranks: [0, 1, 2, 3])
        for _ in 0..<2 {
            let p = try ingester(stream, trigger: "processing-time:0.1")
            kills.append(Double.random(in: 0...0.8))
            try kill(p, after: kills.last!)
        }
        let last = try ingester(stream, trigger: "available-now")
        let deadline = Date().addingTimeInterval(120)
        while last.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if last.isRunning { Glibc.kill(last.processIdentifier, SIGKILL) }
        last.waitUntilExit()
        #expect(last.terminationStatus == 0, "kills after \(kills) s")

        let rows = try RawTableReader.rows(root + "/table")
        // The records came in over several runs and batches, not all in the last one.
        #expect(Set(rows.map(\.version)).count >= 2, "kills after \(kills) s")
        let landed = rows.map { Put(data: $0.data, partitionKey: $0.partitionKey ?? "", shardId: $0.shardId ?? "", sequenceNumber: $0.sequenceNumber ?? "") }
        #expect(landed.count == puts.count, "kills after \(kills) s")
        #expect(Set(landed) == Set(puts), "kills after \(kills) s")
        #expect(Set(landed).count == landed.count, "a record landed twice (kills after \(kills) s)")
        // Per shard, records landed in sequence order (commit order, then file and row order).
        for (shard, records) in Dictionary(grouping: landed, by: \.shardId) {
            let seqs = records.map { SequenceNumber($0.sequenceNumber)! }
            #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "shard \(shard) out of order (kills after \(kills) s)")
        }
        // A child's records come in later commits than all of its parents'.
        let versions = Dictionary(grouping: rows, by: { $0.shardId ?? "" }).mapValues { $0.map(\.version) }
        let shards = try lineage(stream)
        #expect(shards.count == 7)
        for (child, parents) in shards {
            guard let first = versions[child]?.min() else { continue }
            for p in parents { #expect((versions[p]?.max() ?? -1) < first, "\(p) before \(child)") }
        }
        #expect(rows.allSatisfy { row in
            guard let t = row.arrivalMicros else { return false }
            let day = Date(timeIntervalSince1970: Double(t) / 1_000_000).formatted(.iso8601.year().month().day())
            return day == row.date
        })
    }

    @Test func throttlingAndServerErrorsAreRetried() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stream = "throttled-\(UUID().uuidString.prefix(8))"
        _ = try boto(#"k.create_stream(StreamName=args["stream"], ShardCount=2); wait_active(args["stream"]); done(1)"#, ["stream": stream])
        let puts = try put(stream, "r", 120, ranks: [0, 1])
        setenv("AWS_ACCESS_KEY_ID", "testing", 0)
        setenv("AWS_SECRET_ACCESS_KEY", "testing", 0)
        let job = IngestJob(
            source: .kinesis(stream: stream), table: .local(root + "/table"), checkpoint: .local(root + "/cp"),
            endpoint: "http://127.0.0.1:\(try FaultProxy.current.port)", region: "us-east-1", trigger: .availableNow)
        try FaultProxy.arm(["throughput", "503", "500", "throttling"])
        try job.run()
        #expect(try FaultProxy.counts().faulted == 4)
        let rows = try RawTableReader.rows(root + "/table")
        #expect(Set(rows.map { Put(data: $0.data, partitionKey: $0.partitionKey!, shardId: $0.shardId!, sequenceNumber: $0.sequenceNumber!) }) == Set(puts))
        #expect(rows.count == puts.count)
    }
}

/// An executable of this package, next to the test bundle in the build directory.
enum BuiltProduct {
    static func path(_ name: String) -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent(name).path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent(name).path
    }
}
