import Columnar

/// Reads JSON-lines files (one object per line, optionally zstd-compressed) into a record batch
/// of a given schema, with a byte scanner that writes straight into column builders.
///
/// A field named `a.b` reads key `b` of the object under key `a`; one named `` `a.b` `` reads the
/// top-level key `a.b` (see `FieldPath`); both give a column named `a.b`. Missing fields and JSON null
/// are null; other keys are skipped (but validated). Duplicate keys: the last one wins.
/// Conversions: bool from true/false; int64 from integers only; double from any number (and
/// the strings NaN, ±Infinity); string from strings, or the raw JSON text of any other value;
/// timestamp from an ISO-8601 string or a number of epoch milliseconds; date from `yyyy-MM-dd`.
/// Anything else, and lines that are not exactly one well-formed object in valid UTF-8, are
/// malformed and handled by `ReaderOptions.mode`. Blank lines are skipped. Rows failing
/// `ReaderOptions.scanFilter` are dropped after they are validated.
public struct JSONLinesReader: RecordFileReader {
    public let schema: Schema
    public let options: ReaderOptions
    public var outputSchema: Schema { layout.outputSchema }
    private let layout: ReaderLayout
    private let tree: JSONPathTree
    /// Off, every line goes through the general scanner and the general timestamp parser:
    /// tests compare the fast paths against that.
    var usesFastPaths = true

    public init(schema: Schema, options: ReaderOptions = ReaderOptions()) {
        self.schema = schema
        self.options = options
        let layout = ReaderLayout(schema: schema, options: options)
        self.layout = layout
        tree = JSONPathTree(paths: layout.dataFields.map { layout.keyPaths[$0] })
    }

    public func read(path: String) throws -> FileReadResult {
        // The size of an uncompressed file sizes the columns; a failing stat is left to open.
        let size = ChunkedFile.isCompressed(path) ? nil : (try? FileSystem.attributes(path)).map { Int($0.size) }
        var session = makeSession(path: path, sizeHint: size)
        let stats = try lineReader.forEachLine(path: path, into: &session)
        return try session.finish(lines: stats)
    }

    public var recordsEndAtNewlines: Bool { true }

    /// Streams the range in small chunks, as `read(path:)` does a whole file: the parser reads
    /// each chunk while it is still in the core's cache.
    public func read(path: String, byteRange: Range<Int64>) throws -> FileReadResult {
        var session = makeSession(path: path, sizeHint: Int(byteRange.upperBound - byteRange.lowerBound))
        let stats = try lineReader.forEachLine(path: path, range: byteRange, into: &session)
        return try session.finish(lines: stats)
    }

    public func read(bytes: UnsafeRawBufferPointer, path: String) throws -> FileReadResult {
        var session = makeSession(path: path, sizeHint: bytes.count)
        let stats = try lineReader.forEachLine(bytes: bytes, into: &session)
        return try session.finish(lines: stats)
    }

    private var lineReader: LineReader {
        LineReader(maxLineBytes: options.maxLineBytes, chunkBytes: options.chunkBytes)
    }

    private func makeSession(path: String, sizeHint: Int?) -> JSONReadSession {
        let fields = layout.dataFieldList
        return JSONReadSession(
            assembler: RowAssembler(path: path, mode: options.mode, layout: layout, buildsDataFields: false),
            scanner: JSONLineScanner(tree: tree, fieldCount: fields.count, usesFastPath: usesFastPaths),
            decoder: JSONRowDecoder(fields: fields, usesFastPaths: usesFastPaths),
            filter: JSONRowFilter(options.scanFilter, fields: fields),
            types: fields.map(\.type),
            maxLineBytes: options.maxLineBytes, sizeHint: sizeHint, takesRuns: usesFastPaths)
    }
}
