import AWS
import AWSTestSupport
import Foundation
import Ingest
import Streaming
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `sluice ingest` over a local directory (in process, through `IngestJob`).
@Suite(.motoServer, .enabled(if: Moto.available, "moto and pyarrow are not installed (pip install -r .ci/requirements.txt)"))
struct IngestFilesTests {
    let root = NSTemporaryDirectory() + "sluice-ingest-\(UUID().uuidString.lowercased())"

    func write(_ name: String, _ text: String, modified: Date) throws {
        let path = root + "/src/" + name
        try FileManager.default.createDirectory(atPath: root + "/src", withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    func job(dateField: String? = nil, badRecords: Bool = false) throws -> IngestJob {
        IngestJob(
            source: try IngestSource.parse(root + "/src"), table: .local(root + "/table"), checkpoint: .local(root + "/cp"),
            dateField: dateField, trigger: .availableNow, badRecords: badRecords ? .local(root + "/bad") : nil)
    }

    @Test func eachLineIsARowDatedByItsFilesModificationTime() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let modified = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z
        try write("a.log", "first line\n\n  \nsecond {\"x\":1}\r\nthird", modified: modified)
        try job().run()
        var rows = try RawTableReader.rows(root + "/table")
        #expect(rows.map(\.data) == ["first line", "second {\"x\":1}", "third"])
        #expect(rows.allSatisfy { $0.partitionKey == nil && $0.shardId == nil && $0.sequenceNumber == nil })
        #expect(rows.allSatisfy { $0.arrivalMicros == 1_795_600_800_000_000 && $0.date == "2026-11-25" })

        // A second run takes only the new file.
        try write("b.log", "fourth\n", modified: modified.addingTimeInterval(86_400))
        try job().run()
        rows = try RawTableReader.rows(root + "/table")
        #expect(rows.map(\.data) == ["first line", "second {\"x\":1}", "third", "fourth"])
        #expect(rows.last?.date == "2026-11-26")
    }

    @Test func dateFieldDatesRowsAndSendsRecordsWithoutItToBadRecords() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write(
            "a.jsonl",
            """
            {"ts":"2026-01-02T23:59:59Z","msg":"a"}
            {"ts":"2026-01-03T00:30:00+01:00","msg":"b"}
            {"msg":"no ts"}
            {"ts":1767484800000,"msg":"epoch ms"}
            not json

            """, modified: Date())
        // Without --bad-records a record without a date stops the ingest, naming file and line.
        let error = try #require(throws: ReadError.self) { try job(dateField: "ts").run() }
        #expect(error.path.hasSuffix("/src/a.jsonl") && error.line == 3)
        #expect(error.reason.contains("--bad-records"))
        try FileManager.default.removeItem(atPath: root + "/cp")

        try job(dateField: "ts", badRecords: true).run()
        let rows = try RawTableReader.rows(root + "/table")
        #expect(rows.map(\.data) == [#"{"ts":"2026-01-02T23:59:59Z","msg":"a"}"#, #"{"ts":"2026-01-03T00:30:00+01:00","msg":"b"}"#, #"{"ts":1767484800000,"msg":"epoch ms"}"#])
        #expect(rows.map(\.date) == ["2026-01-02", "2026-01-02", "2026-01-04"])
        let bad = try String(contentsOfFile: root + "/bad/batch=0/a.jsonl.json", encoding: .utf8).split(separator: "\n")
        #expect(bad.count == 2)
        #expect(bad[0].contains("\"line\":3") && bad[0].contains("no ts"))
        #expect(bad[1].contains("\"line\":5") && bad[1].contains("not json"))
    }

    /// `--trigger processing-time:S` keeps taking new files until SIGTERM, then commits the
    /// batch in progress and exits 0.
    @Test(.timeLimit(.minutes(2))) func processingTimeRunsUntilSIGTERMAndExitsCleanly() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("a.log", "one\ntwo\n", modified: Date())
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProduct.path("sluice"))
        p.arguments = ["ingest", root + "/src", "--table", root + "/table", "--checkpoint", root + "/cp", "--trigger", "processing-time:0.2"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        func waitFor(version: Int) throws {
            let path = root + "/table/_delta_log/" + String(format: "%020d.json", version)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: path) {
                try #require(p.isRunning && Date() < deadline, "no commit \(version)")
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        try waitFor(version: 0)
        try write("b.log", "three\n", modified: Date())
        try waitFor(version: 1)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(p.isRunning)  // nothing new, and still running
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(try RawTableReader.rows(root + "/table").map(\.data) == ["one", "two", "three"])
    }

    /// The table and checkpoint on S3 (moto): a run, then a restart that takes only the new
    /// file, every line once; the raw table is read back through the S3 storage.
    @Test func ingestIntoATableAndCheckpointOnS3TakesEachLineOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bucket = "ingest-" + UUID().uuidString.lowercased().prefix(20)
        try S3Client(configuration: try Moto.configuration()).createBucket(String(bucket))
        let modified = Date(timeIntervalSince1970: 1_795_600_800)  // 2026-11-25T10:00:00Z
        try write("a.log", "one\ntwo\n", modified: modified)
        let endpoint = "http://127.0.0.1:\(try Moto.current.port)"
        func s3Job() throws -> IngestJob {
            IngestJob(
                source: try IngestSource.parse(root + "/src"),
                table: try StorageLocation.parse("s3://\(bucket)/tables/raw", role: "table"),
                checkpoint: try StorageLocation.parse("s3://\(bucket)/checkpoints/raw", role: "checkpoint"),
                endpoint: endpoint, region: "us-east-1", trigger: .availableNow)
        }
        setenv("AWS_ACCESS_KEY_ID", "testing", 0)
        setenv("AWS_SECRET_ACCESS_KEY", "testing", 0)
        try s3Job().run()
        try write("b.log", "three\n", modified: modified.addingTimeInterval(86_400))
        try s3Job().run()
        let snapshot = try DeltaTable(path: "s3://\(bucket)/tables/raw").snapshot()
        #expect(snapshot.version == 1)
        let rows = try snapshot.read(columns: ["data", "date"]).batch.rows.map { row -> String in
            guard case .string(let data) = row[0], case .date(let days) = row[1] else { return "?" }
            return "\(data)|\(days)"
        }.sorted()
        #expect(rows == ["one|20782", "three|20783", "two|20782"])  // 2026-11-25 is day 20782
        #expect(!FileManager.default.fileExists(atPath: root + "/cp"))
    }

    @Test func badArgumentsAreRefused() throws {
        #expect(throws: IngestError.self) { try IngestSource.parse("kinesis://") }
        #expect(throws: IngestError.self) { try StorageLocation.parse("gs://bucket/t", role: "table") }
        #expect(throws: IngestError.self) { try IngestJob.TriggerChoice.parse("processing-time:soon") }
        #expect(try IngestJob.TriggerChoice.parse("processing-time:2.5") == .processingTime(seconds: 2.5))
    }
}
