import Columnar
import Foundation
import Testing

@testable import Formats

@Suite struct ParquetRoundTripTests {
    struct Config: CustomTestStringConvertible, Sendable {
        var name: String
        var options: ParquetWriterOptions
        var testDescription: String { name }
    }

    static let configs: [Config] = [
        Config(name: "zstd+dictionary (defaults)", options: ParquetWriterOptions()),
        Config(name: "uncompressed plain", options: ParquetWriterOptions(compression: .uncompressed, dictionary: false)),
        Config(name: "snappy small pages", options: ParquetWriterOptions(compression: .snappy, dataPageRowLimit: 700)),
        Config(name: "zstd tiny pages and row groups", options: ParquetWriterOptions(dataPageSize: 2048, dataPageRowLimit: 333, rowGroupRowLimit: 1500)),
        Config(name: "dictionary fallback", options: ParquetWriterOptions(dictionaryPageSizeLimit: 64, dataPageRowLimit: 500)),
    ]

    @Test(arguments: configs)
    func everyTypeRoundTrips(config: Config) throws {
        let batches = [ParquetFixtures.allTypesBatch(rows: 2500, seed: 1), ParquetFixtures.allTypesBatch(rows: 2500, seed: 2)]
        let result = try ParquetFixtures.write(batches, schema: ParquetFixtures.allTypes, options: config.options)
        #expect(result.summary.rowCount == 5000)
        #expect(result.summary.fileSize == result.bytes.count)
        let file = try ParquetFile(bytes: result.bytes)
        #expect(file.schema == ParquetFixtures.allTypes)
        #expect(file.rowCount == 5000)
        #expect(file.createdBy == "sluice version 0.1.0")
        #expect(file.rowGroups.count == result.summary.rowGroupCount)
        expectParquetRowsEqual(try file.read(), try RecordBatch.concat(batches, schema: ParquetFixtures.allTypes))
    }

    @Test func multipleRowGroupsAndPagesAreLaidOutAsConfigured() throws {
        let batch = ParquetFixtures.allTypesBatch(rows: 5000)
        let options = ParquetWriterOptions(dataPageRowLimit: 400, rowGroupRowLimit: 2000)
        let result = try ParquetFixtures.write([batch], schema: ParquetFixtures.allTypes, options: options)
        let file = try ParquetFile(bytes: result.bytes)
        #expect(file.rowGroups.map(\.rowCount) == [2000, 2000, 1000])
        // Count data pages of the first chunk by walking its page headers.
        let meta = file.metadata.rowGroups[0].columns[1].metaData!
        var pages = 0
        try result.bytes.withUnsafeBytes { buf in
            var c = ByteCursor(UnsafeRawBufferPointer(rebasing: buf[Int(meta.dataPageOffset)...]))
            var values: Int32 = 0
            while values < 2000 {
                var r = ThriftCompactReader(c)
                let h = try PageHeader.decode(&r)
                c = r.cursor
                try c.skip(Int(h.compressedPageSize))
                values += h.dataPageHeader!.numValues
                pages += 1
            }
        }
        #expect(pages == 5)
        expectParquetRowsEqual(try file.read(), batch)
        expectParquetRowsEqual(try file.read(rowGroups: [2]), batch.slice(4000..<5000))
    }

    @Test func dictionaryFallbackMixesEncodingsInOneChunk() throws {
        let schema = Schema([Field("s", .string)])
        let values = (0..<3000).map { Value.string("unique-value-\($0)-" + String(repeating: "x", count: $0 % 50)) }
        let batch = try RecordBatch.fromRows(values.map { [$0] }, schema: schema)
        let options = ParquetWriterOptions(dictionaryPageSizeLimit: 8 << 10, dataPageRowLimit: 100)
        let result = try ParquetFixtures.write([batch], schema: schema, options: options)
        let file = try ParquetFile(bytes: result.bytes)
        let meta = file.metadata.rowGroups[0].columns[0].metaData!
        #expect(meta.encodings == [Encoding.plain, Encoding.rle, Encoding.rleDictionary])
        #expect(meta.dictionaryPageOffset == 4)
        #expect(meta.dataPageOffset > 4)
        expectParquetRowsEqual(try file.read(), batch)
        // Dictionary-only and plain-only chunks.
        let small = try ParquetFixtures.write([batch.slice(0..<50)], schema: schema)
        #expect(try ParquetFile(bytes: small.bytes).metadata.rowGroups[0].columns[0].metaData!.encodings == [Encoding.plain, Encoding.rle, Encoding.rleDictionary])
        let plain = try ParquetFixtures.write([batch], schema: schema, options: ParquetWriterOptions(dictionary: false))
        let plainMeta = try ParquetFile(bytes: plain.bytes).metadata.rowGroups[0].columns[0].metaData!
        #expect(plainMeta.encodings == [Encoding.plain, Encoding.rle])
        #expect(plainMeta.dictionaryPageOffset == nil)
    }

    @Test func allNullColumns() throws {
        let schema = Schema(ParquetFixtures.allDataTypes.map { Field("n_\($0)", $0) })
        let rows = [[Value]](repeating: [Value](repeating: .null, count: schema.count), count: 1234)
        let batch = try RecordBatch.fromRows(rows, schema: schema)
        let result = try ParquetFixtures.write([batch], schema: schema)
        for c in result.summary.columns {
            #expect(c.nullCount == 1234)
            #expect(c.min == .null && c.max == .null)
        }
        let file = try ParquetFile(bytes: result.bytes)
        expectParquetRowsEqual(try file.read(), batch)
        for name in schema.names {
            #expect(file.rowGroups[0].statistics(for: name) == ParquetColumnStatistics(nullCount: 1234))
        }
    }

    @Test func stringsEdgeCases() throws {
        let schema = Schema([Field("s", .string), Field("r", .string, nullable: false)])
        let big = String(repeating: "0123456789abcdef", count: 8192)  // 128 KiB, over the page target
        let strings = ["", "", "é", "e\u{301}", "日本", "\u{0}nul", big, "🙂", String(repeating: "ü", count: 1000), ""]
        for dictionary in [true, false] {
            let batch = try RecordBatch.fromRows(strings.map { [.string($0), .string($0)] }, schema: schema)
            let result = try ParquetFixtures.write(
                [batch, batch], schema: schema, options: ParquetWriterOptions(dictionary: dictionary, dataPageSize: 64 << 10))
            let file = try ParquetFile(bytes: result.bytes)
            expectParquetRowsEqual(try file.read(), try RecordBatch.concat([batch, batch], schema: schema))
            // Bytewise order: "" < "e\u{301}" < "é" (0xC3) < "ü" < "日" < "🙂" (0xF0).
            #expect(result.summary.columns[0].min == .string(""))
            #expect(result.summary.columns[0].max == .string("🙂"))
            #expect(file.rowGroups[0].statistics(for: "s")?.max == .string("🙂"))
        }
        // A bound too big for footer statistics is left out there; the summary still has it.
        let bigOnly = try RecordBatch.fromRows([[.string(big), .string("x")]], schema: schema)
        let result = try ParquetFixtures.write([bigOnly], schema: schema)
        #expect(result.summary.columns[0].min == .string(big))
        let stats = try ParquetFile(bytes: result.bytes).rowGroups[0].statistics(for: "s")
        #expect(stats == ParquetColumnStatistics(nullCount: 0))
    }

    @Test func negativeTimestampsAndOldDates() throws {
        let schema = Schema([Field("ts", .timestamp), Field("d", .date)])
        let ts: [Int64] = [Timestamps.make(year: 1944, month: 6, day: 6, hour: 6, micros: 1), -1, 0, Timestamps.make(year: 2026, month: 11, day: 25)]
        let dates: [Int32] = [Int32(Dates.days(year: 1944, month: 6, day: 6)), -1, 0, Int32(Dates.days(year: 2026, month: 11, day: 25))]
        let batch = try RecordBatch(schema: schema, columns: [.timestamps(ts), .dates(dates)])
        let result = try ParquetFixtures.write([batch], schema: schema)
        #expect(result.summary.columns[0].min == .timestamp(ts[0]))
        #expect(result.summary.columns[0].max == .timestamp(ts[3]))
        #expect(result.summary.columns[1].min == .date(dates[0]))
        let file = try ParquetFile(bytes: result.bytes)
        expectParquetRowsEqual(try file.read(), batch)
        #expect(file.rowGroups[0].statistics(for: "ts") == ParquetColumnStatistics(nullCount: 0, min: .timestamp(ts[0]), max: .timestamp(ts[3])))
        #expect(file.rowGroups[0].statistics(for: "d") == ParquetColumnStatistics(nullCount: 0, min: .date(dates[0]), max: .date(dates[3])))
    }

    @Test func projectionReadsOnlyRequestedColumnsInOrder() throws {
        let batch = ParquetFixtures.allTypesBatch(rows: 300)
        let result = try ParquetFixtures.write([batch], schema: ParquetFixtures.allTypes)
        let file = try ParquetFile(bytes: result.bytes)
        let projected = try file.read(columns: ["s", "i"])
        expectParquetRowsEqual(projected, try batch.project(["s", "i"]))
        #expect(try file.read(columns: []).rowCount == 300)
        #expect(throws: ParquetError.self) { try file.read(columns: ["nope"]) }
        #expect(throws: ParquetError.self) { try file.read(rowGroups: [1]) }
    }

    @Test func rowGroupSkippingWithStatistics() throws {
        let schema = Schema([Field("ts", .timestamp), Field("n", .int64)])
        let base = Timestamps.make(year: 2026, month: 11, day: 25)
        let rows: [[Value]] = (0..<4000).map { [.timestamp(base + Int64($0) * 1_000_000), .int64(Int64($0))] }
        let batch = try RecordBatch.fromRows(rows, schema: schema)
        let result = try ParquetFixtures.write([batch], schema: schema, options: ParquetWriterOptions(rowGroupRowLimit: 1000))
        let file = try ParquetFile(bytes: result.bytes)
        #expect(file.rowGroups.count == 4)
        #expect(file.rowGroups[2].statistics(for: "n") == ParquetColumnStatistics(nullCount: 0, min: .int64(2000), max: .int64(2999)))
        let lower = Value.timestamp(base + 2500 * 1_000_000), upper = Value.timestamp(base + 3100 * 1_000_000)
        var visited: [Int] = []
        let hit = try file.read(columns: ["n"]) { g in
            visited.append(g.index)
            return g.statistics(for: "ts")?.mightOverlap(lower: lower, upper: upper) ?? true
        }
        #expect(visited == [0, 1, 2, 3])
        #expect(hit.rowCount == 2000)
        #expect(hit.row(0) == [.int64(2000)])
        #expect(file.rowGroups[0].statistics(for: "n")!.mightContain(.int64(999)))
        #expect(!file.rowGroups[0].statistics(for: "n")!.mightContain(.int64(1000)))
    }

    @Test func statisticsFollowParquetSortOrders() throws {
        let schema = Schema([Field("d", .double), Field("z", .double), Field("nan", .double), Field("b", .bool)])
        let rows: [[Value]] = [
            [.double(.nan), .double(0.0), .double(.nan), .bool(true)],
            [.double(-3.5), .double(-0.0), .null, .bool(true)],
            [.double(7), .double(0.0), .double(.nan), .null],
        ]
        let batch = try RecordBatch.fromRows(rows, schema: schema)
        let result = try ParquetFixtures.write([batch], schema: schema)
        let s = result.summary.columns
        #expect(s[0].min == .double(-3.5) && s[0].max == .double(7))
        guard case .double(let zmin) = s[1].min, case .double(let zmax) = s[1].max else {
            Issue.record("missing zero stats")
            return
        }
        #expect(zmin == 0 && zmin.sign == .minus)
        #expect(zmax == 0 && zmax.sign == .plus)
        #expect(s[2].min == .null && s[2].max == .null && s[2].nullCount == 1)
        #expect(s[3].min == .bool(true) && s[3].max == .bool(true) && s[3].nullCount == 1)
        let file = try ParquetFile(bytes: result.bytes)
        let z = file.rowGroups[0].statistics(for: "z")!
        guard case .double(let fmin) = z.min else { Issue.record("no min"); return }
        #expect(fmin.sign == .minus)
        expectParquetRowsEqual(try file.read(), batch)
    }

    @Test func writesDurablyToFile() throws {
        let path = ParquetFixtures.tempPath("t.parquet")
        defer { try? FileSystem.remove(path) }
        var w = try ParquetWriter(schema: ParquetFixtures.allTypes)
        let batch = ParquetFixtures.allTypesBatch(rows: 1000)
        try w.write(batch)
        let summary = try w.finish(toFile: path)
        #expect(try FileSystem.attributes(path).size == Int64(summary.fileSize))
        let file = try ParquetFile(path: path)
        expectParquetRowsEqual(try file.read(), batch)
        expectParquetRowsEqual(try file.read(columns: ["ts"]), try batch.project(["ts"]))
        #expect(try FileSystem.list(FilePaths.parent(path)).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test func emptyFileHasSchemaAndNoRows() throws {
        let result = try ParquetFixtures.write([], schema: ParquetFixtures.allTypes)
        #expect(result.summary.rowCount == 0 && result.summary.rowGroupCount == 0)
        let file = try ParquetFile(bytes: result.bytes)
        #expect(file.schema == ParquetFixtures.allTypes)
        let batch = try file.read()
        #expect(batch.rowCount == 0 && batch.schema == ParquetFixtures.allTypes)
    }

    @Test func writerRejectsMisuse() throws {
        let schema = Schema([Field("a", .int64, nullable: false)])
        var w = try ParquetWriter(schema: schema)
        #expect(throws: ParquetError.self) { try w.write(try RecordBatch.fromRows([[.null]], schema: Schema([Field("a", .int64)]))) }
        #expect(throws: ParquetError.self) { try w.write(try RecordBatch.fromRows([["x"]], schema: Schema([Field("a", .string)]))) }
        _ = try w.finish()
        #expect(throws: ParquetError.self) { try w.write(try RecordBatch.fromRows([[1]], schema: schema)) }
        #expect(throws: ParquetError.self) { try ParquetWriter(schema: Schema([Field("a", .int64), Field("a", .string)])) }
        #expect(throws: ParquetError.self) { try ParquetWriter(schema: Schema([])) }
    }
}
