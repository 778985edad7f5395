import Columnar

/// Reads CSV files with a header row (optionally zstd-compressed) into a record batch.
///
/// Header names select schema fields by exact column name (`` `a.b` `` and `a.b` both select the
/// header `a.b`; CSV has no nesting): schema fields without a column are null,
/// columns without a field are ignored. Quoting follows RFC 4180 (`""` inside quotes, and
/// delimiters and newlines inside quoted fields). An empty unquoted field is null; a quoted
/// empty field is an empty string (null for other types). Typed fields parse their text:
/// int64 and double as numbers, bool as true/false (any case), timestamp as ISO-8601 or integer
/// epoch milliseconds, date as `yyyy-MM-dd`. A record with the wrong number of columns or an
/// unparseable value is malformed and handled by `ReaderOptions.mode` (in permissive mode the
/// columns that could be read are kept). Empty lines are skipped. A header that cannot be
/// split into fields throws a `ReadError` whatever the mode.
public struct CSVReader: RecordFileReader {
    public let schema: Schema
    public let options: ReaderOptions
    public var outputSchema: Schema { layout.outputSchema }
    private let layout: ReaderLayout

    /// The delimiter and quote must be distinct ASCII characters other than newline.
    public init(schema: Schema, options: ReaderOptions = ReaderOptions()) {
        precondition(
            options.delimiter.isASCII && options.quote.isASCII && options.delimiter != options.quote
                && options.delimiter != "\n" && options.quote != "\n",
            "CSV delimiter and quote must be distinct ASCII characters other than newline")
        self.schema = schema
        self.options = options
        layout = ReaderLayout(schema: schema, options: options)
    }

    public func read(path: String) throws -> FileReadResult {
        var session = makeSession(path: path)
        let stats = try lineReader.forEachLine(path: path) { try session.consume($0) }
        return try session.assembler.finish(lines: stats)
    }

    public func read(bytes: UnsafeRawBufferPointer, path: String) throws -> FileReadResult {
        var session = makeSession(path: path)
        let stats = try lineReader.forEachLine(bytes: bytes) { try session.consume($0) }
        return try session.assembler.finish(lines: stats)
    }

    private var lineReader: LineReader {
        LineReader(maxLineBytes: options.maxLineBytes, chunkBytes: options.chunkBytes, quote: UInt8(options.quote.value))
    }

    private func makeSession(path: String) -> CSVReadSession {
        CSVReadSession(
            assembler: RowAssembler(path: path, mode: options.mode, layout: layout),
            splitter: CSVRecordSplitter(delimiter: UInt8(options.delimiter.value), quote: UInt8(options.quote.value)),
            fields: layout.dataFieldList, outputs: layout.dataFields,
            maxLineBytes: options.maxLineBytes)
    }
}
