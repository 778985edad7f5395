import Columnar
import Foundation
import Testing

@testable import Delta
@testable import Sinks

/// `sluice logs` as outside checks run it: the built executable next to the test bundle.
@Suite struct LogsCommandTests {
    static let schema = Schema([
        Field("ts", .timestamp), Field("customer", .string), Field("service", .string), Field("message", .string), Field("date", .date),
    ])

    /// The `sluice` executable of this build, or nil (recorded as a failure under CI).
    static func binary() -> String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("sluice").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) ?? false {
            Issue.record("the sluice executable is not built next to the tests (\(dir.path)); run swift build first")
        }
        return nil
    }

    static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary()!)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func printsTheRangeAsJSONLinesOrCSVWithASummaryOnStderr() throws {
        guard Self.binary() != nil else { return }
        let dir = DeltaTempDir("logs-cli")
        let path = dir.sub("t")
        func row(_ h: Int, _ m: Int, _ c: String, _ msg: String?) -> [Value] {
            let t = Timestamps.make(year: 2026, month: 11, day: 1, hour: h, minute: m)
            return [.timestamp(t), .string(c), .string("api"), msg.map { .string($0) } ?? .null, .date(Int32(Timestamps.floorDiv(t, Timestamps.microsPerDay)))]
        }
        let rows = [row(4, 59, "acme", "too early"), row(5, 0, "acme", "first, \"quoted\""), row(6, 30, "other", "not acme"),
                    row(7, 59, "acme", nil), row(8, 0, "acme", "too late")]
        let sink = DeltaSink(path: path, partitionBy: ["date"])
        try sink.open(SinkContext(queryId: "q", queryName: nil, outputMode: .append, schema: Self.schema))
        try sink.addBatch(0, RecordBatch.fromRows(Array(rows.prefix(2)), schema: Self.schema))
        try sink.addBatch(1, RecordBatch.fromRows(Array(rows.suffix(3)), schema: Self.schema))
        // 01:00 to 03:00 in New York on the fall-back day: 05:00Z (EDT) to 08:00Z (EST).
        let args = [
            "logs", path, "--where", "customer=acme", "--where", "service=api", "--from", "2026-11-01 01:00", "--to", "2026-11-01 03:00:00",
            "--tz", "America/New_York",
        ]
        let json = try Self.run(args)
        #expect(json.status == 0, "\(json.err)")
        #expect(json.out == """
            {"ts":"2026-11-01T05:00:00Z","customer":"acme","service":"api","message":"first, \\"quoted\\"","date":"2026-11-01"}
            {"ts":"2026-11-01T07:59:00Z","customer":"acme","service":"api","message":null,"date":"2026-11-01"}

            """)
        for part in ["files: 2 considered", "row groups:", "rows: ", "bytes read: ", "time: "] { #expect(json.err.contains(part), "\(json.err)") }
        let csv = try Self.run(args + ["--format", "csv", "--time-column", "ts"])
        #expect(csv.out == "ts,customer,service,message,date\n2026-11-01T05:00:00Z,acme,api,\"first, \"\"quoted\"\"\",2026-11-01\n2026-11-01T07:59:00Z,acme,api,,2026-11-01\n")
        let bad = try Self.run(["logs", path, "--from", "2026-11-01 01:00", "--to", "2026-11-01 03:00", "--tz", "Atlantis/Capital"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("unknown time zone 'Atlantis/Capital'"), "\(bad.err)")
        let malformed = try Self.run(["logs", path, "--where", "customer", "--from", "2026-11-01 01:00", "--to", "2026-11-01 03:00", "--tz", "UTC"])
        #expect(malformed.status != 0)
        #expect(malformed.err.contains("COLUMN=VALUE"), "\(malformed.err)")
    }
}
