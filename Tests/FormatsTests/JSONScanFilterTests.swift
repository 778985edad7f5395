import Columnar
import Testing
@testable import Formats

/// A reader given a `ScanFilter` drops failing rows while reading, and must drop exactly the
/// rows the query's filter would: compared here with filtering a full read.
@Suite struct JSONScanFilterTests {
    private let schema = Schema([Field("kind", .string), Field("n", .int64), Field("at", .timestamp)])

    private func read(_ text: String, _ filter: ScanFilter?, mode: MalformedMode = .permissive, fastPaths: Bool = true) throws -> FileReadResult {
        var options = ReaderOptions(mode: mode, corruptRecordColumn: nil)
        options.scanFilter = filter
        var reader = JSONLinesReader(schema: schema, options: options)
        reader.usesFastPaths = fastPaths
        return try reader.read(text: text)
    }

    private let views = ScanFilter([.init(field: "kind", values: ["view"])])

    @Test(arguments: [true, false]) func keepsOnlyMatchingRowsAndCountsTheRest(fastPaths: Bool) throws {
        let text = """
            {"kind":"view","n":1}
            {"kind":"click","n":2}
            {"kind":"vi\\u0065w","n":3}
            {"n":4}
            {"kind":null,"n":5}
            {"kind":"views","n":6}
            {"n":7,"kind":"view"}
            """
        let r = try read(text, views, fastPaths: fastPaths)
        #expect(r.batch.rows.map { $0[1] } == [1, 3, 7])
        #expect(r.filteredRows == 4)
        #expect(r.rowsRead == 7)
        #expect(r.lines == 7)
    }

    @Test func nonStringValuesAreComparedAsTheirJSONText() throws {
        let filter = ScanFilter([.init(field: "kind", values: ["5", "true"])])
        let r = try read(#"{"kind":5,"n":1}"# + "\n" + #"{"kind":true,"n":2}"# + "\n" + #"{"kind":"5","n":3}"# + "\n" + #"{"kind":6,"n":4}"#, filter)
        #expect(r.batch.rows.map { $0[1] } == [1, 2, 3])
    }

    @Test func anyListedValueMatchesAndEveryConditionMustHold() throws {
        let filter = ScanFilter([.init(field: "kind", values: ["view", "click"]), .init(field: "n", values: ["1"])])
        // `n` is an int64 field: a reader only tests string fields, so that condition is left to the query.
        let r = try read(#"{"kind":"view","n":1}"# + "\n" + #"{"kind":"click","n":2}"# + "\n" + #"{"kind":"buy","n":1}"#, filter)
        #expect(r.batch.rows.map { $0[1] } == [1, 2])
    }

    @Test func malformedRowsAreReportedWhetherOrNotTheFilterKeepsThem() throws {
        let text = """
            {"kind":"click","at":"not a time"}
            {"kind":"view","at":"not a time"}
            {"kind":"view",
            {"kind":"view","n":1}
            """
        let filtered = try read(text, views)
        let plain = try read(text, nil)
        #expect(filtered.badRecords.map(\.line) == plain.badRecords.map(\.line))
        #expect(filtered.badRecords.map(\.line) == [1, 2, 3])
        // Permissive: the row with a bad time stays (time null); the unparseable line's null row is filtered out.
        #expect(filtered.batch.rows == plain.batch.rows.filter { $0[0] == "view" })
        #expect(filtered.rowsRead == plain.batch.rowCount)
        #expect(throws: ReadError.self) { _ = try read(text, views, mode: .failFast) }
    }

    @Test func aFilterOnAFieldTheReaderDoesNotReadIsIgnored() throws {
        let r = try read(#"{"kind":"view","n":1}"#, ScanFilter([.init(field: "missing", values: ["x"])]))
        #expect(r.batch.rowCount == 1)
        #expect(r.filteredRows == 0)
    }

    @Test func theCorruptRecordColumnStaysAlignedWithTheRowsKept() throws {
        let text = """
            {"kind":"view","n":1}
            {"kind":"click","at":"bad"}
            {"kind":"view","at":"bad"}
            {broken
            {"kind":"view","n":4}
            """
        func read(_ filter: ScanFilter?) throws -> FileReadResult {
            var options = ReaderOptions(mode: .permissive)
            options.scanFilter = filter
            return try JSONLinesReader(schema: schema.setting(Field("_corrupt_record", .string)), options: options).read(text: text)
        }
        let filtered = try read(views), plain = try read(nil)
        #expect(filtered.batch.schema.names == ["kind", "n", "at", "_corrupt_record"])
        #expect(filtered.batch.rows == plain.batch.rows.filter { $0[0] == "view" })
        #expect(filtered.batch.rows.map(\.last) == [.null, .string(#"{"kind":"view","at":"bad"}"#), .null])
        #expect(filtered.badRecords.count == 3)
    }
}
