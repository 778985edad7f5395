import Columnar

/// The column builders of one read plus what every malformed-record mode needs: the bad-record
/// list, and the corrupt-record column for permissive mode.
struct RowAssembler {
    let path: String
    let mode: MalformedMode
    let layout: ReaderLayout
    var builders: [ColumnBuilder]
    private(set) var badRecords: [BadRecord] = []

    /// - Parameter buildsDataFields: false when the reader keeps the data fields' columns
    ///   itself (then it finishes with `finish(lines:dataColumns:)`); their builders stay empty.
    init(path: String, mode: MalformedMode, layout: ReaderLayout, buildsDataFields: Bool = true) {
        self.path = path
        self.mode = mode
        self.layout = layout
        builders = layout.outputSchema.fields.indices.map { i in
            let used = buildsDataFields || i == layout.corruptIndex
            return ColumnBuilder(type: layout.outputSchema.fields[i].type, capacity: used ? 1024 : 0)
        }
    }

    /// Records a rejected record. Throws in failFast mode; otherwise returns true when the row
    /// is still to be appended (permissive mode).
    mutating func reject(line: Int, reason: String, text: UnsafeBufferPointer<UInt8>) throws -> Bool {
        if mode == .failFast { throw ReadError(path: path, line: line, reason: reason) }
        badRecords.append(BadRecord(path: path, line: line, reason: reason, bytes: text))
        return mode == .permissive
    }

    /// Reports a line skipped for its length; such a line never yields a row.
    mutating func rejectOverlong(line: Int, prefix: UnsafeBufferPointer<UInt8>, maxLineBytes: Int) throws {
        _ = try reject(line: line, reason: "line exceeds \(maxLineBytes) bytes", text: prefix)
    }

    /// Completes a row whose data fields were appended: the corrupt-record column gets `corruptText`, or null.
    @inline(__always)
    mutating func endRow(corruptText: UnsafeBufferPointer<UInt8>?) {
        guard let c = layout.corruptIndex else { return }
        if let text = corruptText, mode == .permissive {
            builders[c].append(String(decoding: text, as: UTF8.self))
        } else {
            builders[c].appendNull()
        }
    }

    /// Appends a row of nulls carrying `text` as its corrupt record (permissive mode, unreadable record).
    mutating func appendNullRow(corruptText: UnsafeBufferPointer<UInt8>) {
        for i in layout.dataFields { builders[i].appendNull() }
        endRow(corruptText: corruptText)
    }

    func finish(lines: LineStats) throws -> FileReadResult {
        let batch = try RecordBatch(schema: layout.outputSchema, columns: builders.map { $0.finish() })
        return FileReadResult(batch: batch, badRecords: badRecords, lines: lines.lines, bytes: lines.bytes)
    }

    /// Finishes with the data fields' columns built by the reader (`dataColumns[k]` is the
    /// column of output `layout.dataFields[k]`) and the corrupt-record column, if there is one:
    /// `corruptColumn`, or else the one built here by `endRow`.
    func finish(lines: LineStats, dataColumns: [Column], corruptColumn: Column? = nil) throws -> FileReadResult {
        precondition(dataColumns.count == layout.dataFields.count, "one column per data field")
        var columns = builders.map { _ in Optional<Column>.none }
        for (k, i) in layout.dataFields.enumerated() { columns[i] = dataColumns[k] }
        if let c = layout.corruptIndex { columns[c] = corruptColumn ?? builders[c].finish() }
        let batch = try RecordBatch(schema: layout.outputSchema, columns: columns.map { $0! })
        return FileReadResult(batch: batch, badRecords: badRecords, lines: lines.lines, bytes: lines.bytes)
    }
}
