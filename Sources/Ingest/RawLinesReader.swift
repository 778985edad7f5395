import Streaming

/// Reads a file (plain or `.zst`) as the raw table's rows: each line as `data`, the file's
/// modification time as `arrival_time`, and `date` from that time or from `--date-field`.
/// Blank lines are not records and are skipped, as the JSON-lines reader skips them.
///
/// A line that is not valid UTF-8, is longer than `maxLineBytes` or, with `--date-field`, has
/// no usable timestamp is a bad record: returned in `badRecords` (the file source writes them
/// under `--bad-records`) when `keepsBadRecords`, otherwise reading fails naming the file and line.
struct RawLinesReader: RecordFileReader {
    let dateField: DateField?
    let keepsBadRecords: Bool
    var maxLineBytes = 64 << 20

    var outputSchema: Schema { RawTable.schema }
    var recordsEndAtNewlines: Bool { true }

    func read(path: String) throws -> FileReadResult {
        var lines = Lines()
        let stats = try LineReader(maxLineBytes: maxLineBytes).forEachLine(path: path) { lines.add($0, firstLineOfFile: true) }
        return try finish(lines, path: path, lineCount: stats.lines, bytes: stats.bytes)
    }

    func read(path: String, byteRange: Range<Int64>) throws -> FileReadResult {
        let bytes = try FileSystem.read(path, range: byteRange)
        var lines = Lines()
        let stats = bytes.withUnsafeBytes { buffer in
            LineReader(maxLineBytes: maxLineBytes).forEachLine(bytes: buffer) { lines.add($0, firstLineOfFile: byteRange.lowerBound == 0) }
        }
        return try finish(lines, path: path, lineCount: stats.lines, bytes: stats.bytes)
    }

    func read(bytes: UnsafeRawBufferPointer, path: String) throws -> FileReadResult {
        var lines = Lines()
        let stats = LineReader(maxLineBytes: maxLineBytes).forEachLine(bytes: bytes) { lines.add($0, firstLineOfFile: true) }
        return try finish(lines, path: path, lineCount: stats.lines, bytes: stats.bytes)
    }

    /// The lines of one read: kept ones in `data` (with their line numbers), rejected ones aside.
    private struct Lines {
        var data = StringArray()
        var numbers: [Int] = []
        var rejected: [(line: Int, reason: String, text: String)] = []

        mutating func add(_ event: LineEvent, firstLineOfFile: Bool) {
            switch event {
            case .overlong(let prefix, let number):
                rejected.append((number, "the line is longer than the limit of maxLineBytes", String(decoding: prefix, as: UTF8.self)))
            case .line(var line, let number):
                if number == 1 && firstLineOfFile && line.starts(with: [0xEF, 0xBB, 0xBF]) {
                    line = UnsafeBufferPointer(rebasing: line[3...])
                }
                if isBlank(line) { return }
                guard isUTF8(line) else {
                    rejected.append((number, "the line is not valid UTF-8", String(decoding: line, as: UTF8.self)))
                    return
                }
                data.append(bytes: line)
                numbers.append(number)
            }
        }
    }

    private func finish(_ lines: Lines, path: String, lineCount: Int, bytes: Int64) throws -> FileReadResult {
        let modified = try FileSystem.attributes(path).modifiedMillis * 1000
        var bad = lines.rejected.map { BadRecord(path: path, line: $0.line, reason: $0.reason, text: $0.text) }
        var data = lines.data
        var dates: [Int32]
        if let dateField {
            let times = try dateField.timestamps(data, origin: path)
            var keep = [Bool](repeating: true, count: times.count)
            dates = []
            dates.reserveCapacity(times.count)
            for (i, t) in times.enumerated() {
                if let t {
                    dates.append(utcDay(micros: t))
                } else {
                    keep[i] = false
                    bad.append(BadRecord(path: path, line: lines.numbers[i], reason: dateField.problem, text: data[i]))
                }
            }
            if keep.contains(false) { data = Column.strings(data).filter(keep).stringValues }
        } else {
            dates = [Int32](repeating: utcDay(micros: modified), count: data.count)
        }
        if !keepsBadRecords, let first = bad.min(by: { $0.line < $1.line }) {
            throw ReadError(path: path, line: first.line, reason: first.reason + "; pass --bad-records PATH to set such lines aside")
        }
        bad.sort { $0.line < $1.line }
        let n = data.count
        let none = Bitmap(count: n, value: false)
        let batch = try RecordBatch(schema: RawTable.schema, columns: [
            .strings(data),
            .strings(StringArray(offsets: [Int](repeating: 0, count: n + 1), bytes: []), validity: none),
            .strings(StringArray(offsets: [Int](repeating: 0, count: n + 1), bytes: []), validity: none),
            .strings(StringArray(offsets: [Int](repeating: 0, count: n + 1), bytes: []), validity: none),
            .timestamps([Int64](repeating: modified, count: n)),
            .dates(dates),
        ])
        return FileReadResult(batch: batch, badRecords: bad, lines: lineCount, bytes: bytes)
    }
}

/// Only spaces, tabs and carriage returns (or nothing).
@inline(__always) private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in line where b != 0x20 && b != 0x09 && b != 0x0D { return false }
    return true
}

/// Whether the bytes are UTF-8: ASCII is checked a word at a time, anything else by the
/// standard library's validation.
@inline(__always) private func isUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    let raw = UnsafeRawBufferPointer(line)
    var i = 0
    while i + 8 <= raw.count {
        if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
            return String(validating: line, as: UTF8.self) != nil
        }
        i += 8
    }
    while i < raw.count {
        if raw[i] >= 0x80 { return String(validating: line, as: UTF8.self) != nil }
        i += 1
    }
    return true
}
