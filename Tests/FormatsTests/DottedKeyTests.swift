import Columnar
import Testing
@testable import Formats

/// Keys that contain dots (OpenTelemetry's `service.name`): a backquoted field name reads the
/// literal key, an unquoted dotted name stays a nested path, and both give a column named by
/// their keys joined with dots.
@Suite struct DottedKeyTests {
    @Test func fieldPathSplitsOutsideBackquotesOnly() throws {
        #expect(FieldPath.keys("a.b") == ["a", "b"])
        #expect(FieldPath.keys("`a.b`") == ["a.b"])
        #expect(FieldPath.keys("x.`a.b`.y") == ["x", "a.b", "y"])
        #expect(FieldPath.keys("`a``b`") == ["a`b"])
        #expect(FieldPath.keys("a..b") == ["a", "", "b"])
        #expect(FieldPath.columnName("`service.name`") == "service.name")
        #expect(FieldPath.columnName("context.customer") == "context.customer")
        #expect(FieldPath.columnName("x.`a.b`") == "x.a.b")
        #expect(try FieldPath.parse("`service.name`") == ["service.name"])
        #expect(throws: ColumnarError.self) { try FieldPath.parse("`service.name") }
        #expect(throws: ColumnarError.self) { try FieldPath.parse("`a`b") }
        #expect(FieldPath.keys("`open") == ["open"])  // lenient: runs to the end
    }

    @Test func colUnquotesItsName() {
        func name(_ e: Expr) -> String? {
            if case .column(let n) = e { return n }
            return nil
        }
        #expect(name(col("`service.name`")) == "service.name")
        #expect(name(col("service.name")) == "service.name")
        #expect(name(col("plain")) == "plain")
    }

    private static let schema = Schema([
        Field("`service.name`", .string),
        Field("resource.host", .string),  // nested: {"resource": {"host": …}}
        Field("`http.status_code`", .int64),
        Field("`service.instance.id.long`", .string),  // longer than 16 bytes: not the short-key path
        Field("`deployment.environment`.`tier.name`", .string),  // literal keys at two levels
    ])

    private static let text = [
        #"{"service.name":"checkout","resource":{"host":"h1"},"http.status_code":200,"service.instance.id.long":"i-1","deployment.environment":{"tier.name":"gold"}}"#,
        #"{"service":{"name":"nested, not read"},"resource.host":"literal, not read","http.status_code":"five hundred"}"#,
        #"{"http.status_code":404,"service.name":"cart","resource":{"host":"h2"},"deployment":{"environment":{"tier":{"name":"no"}}}}"#,
        #"{"service.name":"a\"q","service.instance.id.long":"i-\u0032"}"#,
    ].joined(separator: "\n")

    @Test(arguments: [true, false])
    func literalAndNestedKeysInOneSchema(fastPaths: Bool) throws {
        var reader = JSONLinesReader(schema: Self.schema)
        reader.usesFastPaths = fastPaths
        #expect(reader.outputSchema.names == ["service.name", "resource.host", "http.status_code", "service.instance.id.long", "deployment.environment.tier.name"])
        let r = try reader.read(text: Self.text, path: "otel.jsonl")
        #expect(r.batch.rows == [
            ["checkout", "h1", 200, "i-1", "gold"],
            [nil, nil, nil, nil, nil],
            ["cart", "h2", 404, nil, nil],
            ["a\"q", nil, nil, "i-2", nil],
        ])
        #expect(r.badRecords.map(\.line) == [2])
        #expect(r.badRecords.first?.reason == #"field 'http.status_code': expected int64, found "five hundred""#)
    }

    /// Flat lines (no nested values) go through the flat fast path: it must take them, and
    /// find the literal dotted keys, short (at most 16 bytes) and long alike.
    @Test func flatFastPathTakesLinesWithLiteralDottedKeys() throws {
        let schema = Schema([Field("`service.name`", .string), Field("`http.status_code`", .int64), Field("`service.instance.id.long`", .string)])
        let lines = (0..<50).map { i in
            #"{"service.name":"s\#(i % 3)","http.status_code":\#(200 + i),"service.instance.id.long":"i-\#(i)","other.key":1}"#
        }
        let layout = ReaderLayout(schema: schema, options: ReaderOptions(corruptRecordColumn: nil))
        var scanner = JSONLineScanner(tree: JSONPathTree(paths: layout.keyPaths), fieldCount: 3)
        let taken = Array((lines[0] + "\n").utf8).withUnsafeBufferPointer { scanner.scanFlatLine($0) }
        #expect(taken == lines[0].utf8.count)
        #expect((0..<3).allSatisfy { scanner.slots[$0].generation == scanner.generation })

        for fastPaths in [true, false] {
            var reader = JSONLinesReader(schema: schema)
            reader.usesFastPaths = fastPaths
            let r = try reader.read(text: lines.joined(separator: "\n"))
            #expect(r.batch.rows == (0..<50).map { i in [.string("s\(i % 3)"), .int64(Int64(200 + i)), .string("i-\(i)")] })
        }
    }

    @Test(arguments: [true, false])
    func scanFilterOnALiteralDottedColumn(fastPaths: Bool) throws {
        var options = ReaderOptions(corruptRecordColumn: nil)
        options.scanFilter = ScanFilter([.init(field: "service.name", values: ["cart"])])
        var reader = JSONLinesReader(schema: Self.schema, options: options)
        reader.usesFastPaths = fastPaths
        let r = try reader.read(text: Self.text)
        #expect(r.batch.rows == [["cart", "h2", 404, nil, nil]])
        #expect(r.filteredRows == 3)
    }

    @Test func csvHeadersMatchTheColumnName() throws {
        let s = Schema([Field("`service.name`", .string), Field("latency.ms", .int64)])
        let r = try CSVReader(schema: s, options: ReaderOptions(corruptRecordColumn: nil)).read(text: "latency.ms,service.name\n12,api\n")
        #expect(r.batch.schema.names == ["service.name", "latency.ms"])
        #expect(r.batch.rows == [["api", 12]])
    }
}
