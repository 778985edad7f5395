import Columnar

/// The mutable state of one `JSONLinesReader.read` call.
struct JSONReadSession: LineConsumer {
    /// Rows read before the columns' final sizes are estimated from them.
    static let sampleRows = 1000

    /// Bad records and the corrupt-record column; the data columns are built here.
    var assembler: RowAssembler
    var scanner: JSONLineScanner
    var decoder: JSONRowDecoder
    /// Rows failing it are dropped once read (and validated): see `ScanFilter`.
    var filter: JSONRowFilter?
    /// Rows dropped by `filter`.
    private(set) var filteredRows = 0
    let maxLineBytes: Int
    /// The data fields' columns, in `layout.dataFields` order.
    private var columns: [TextColumn]
    /// Roughly how many bytes of text the input holds (nil: unknown), to size the columns.
    private let sizeHint: Int?
    /// Bytes of the lines seen so far (with one terminator byte each), until the estimate is made.
    private var bytesSeen = 0
    private var rowsSeen = 0
    /// Runs offered to decline before trying `scanFlatLine` again, after one failed at its
    /// first line: for input that is not flat objects, each attempt would be wasted work.
    private var runBackoff = 0
    private var nextBackoff = 1

    /// Whether `consumeRun` takes lines (else the splitter delivers every line to `consume`).
    private let takesRuns: Bool
    /// The corrupt-record column, if the output has one (else nil), built lazily: most files
    /// have no corrupt record, so its nulls are only counted until the first one comes.
    private var corrupt: TextColumn?
    private var corruptNulls = 0
    private let hasCorruptColumn: Bool

    init(
        assembler: RowAssembler, scanner: JSONLineScanner, decoder: JSONRowDecoder, filter: JSONRowFilter?, types: [DataType],
        maxLineBytes: Int, sizeHint: Int?, takesRuns: Bool
    ) {
        self.takesRuns = takesRuns
        self.filter = filter
        self.assembler = assembler
        self.scanner = scanner
        self.decoder = decoder
        self.maxLineBytes = maxLineBytes
        columns = types.map { TextColumn(type: $0) }
        self.sizeHint = sizeHint
        hasCorruptColumn = assembler.layout.corruptIndex != nil
    }

    mutating func consume(_ event: LineEvent) throws {
        switch event {
        case .line(let line, let number):
            try parse(line, number)
        case .overlong(let prefix, let number):
            try assembler.rejectOverlong(line: number, prefix: prefix, maxLineBytes: maxLineBytes)
        }
    }

    /// The lines delivered so far are about to go: copy what the decoder staged from them.
    mutating func release() {
        decoder.flush(into: &columns)
    }

    mutating func finish(lines: LineStats) throws -> FileReadResult {
        decoder.flush(into: &columns)
        var data: [Column] = []
        data.reserveCapacity(columns.count)
        for k in columns.indices { data.append(columns[k].finish()) }
        var corruptColumn: Column?
        if hasCorruptColumn {
            if corrupt == nil {
                corruptColumn = Column.repeating(.null, type: .string, count: corruptNulls)
            } else {
                for _ in 0..<corruptNulls { corrupt!.appendNull() }
                corruptColumn = corrupt!.finish()
            }
        }
        var result = try assembler.finish(lines: lines, dataColumns: data, corruptColumn: corruptColumn)
        result.filteredRows = filteredRows
        return result
    }

    /// Completes a row in the corrupt-record column, as `RowAssembler.endRow` does: the raw
    /// text of a rejected row in permissive mode (invalid UTF-8 replaced), else null.
    @inline(__always)
    private mutating func endRow(corruptText: UnsafeBufferPointer<UInt8>?) {
        guard hasCorruptColumn else { return }
        guard let text = corruptText, assembler.mode == .permissive else {
            corruptNulls += 1
            return
        }
        if corrupt == nil { corrupt = TextColumn(type: .string) }
        for _ in 0..<corruptNulls { corrupt!.appendNull() }
        corruptNulls = 0
        var repaired = String(decoding: text, as: UTF8.self)
        repaired.withUTF8 { corrupt!.append(utf8: $0) }
    }

    /// Takes the lines at the start of `region` that are flat objects, parsing each in place
    /// and finding its end on the way (see `JSONLineScanner.scanFlatLine`); stops at the first
    /// other line, which the splitter then delivers to `consume`.
    mutating func consumeRun(_ region: UnsafeBufferPointer<UInt8>, number: Int) throws -> (bytes: Int, lines: Int) {
        guard takesRuns else { return (0, 0) }
        if runBackoff > 0 {
            runBackoff -= 1
            return (0, 0)
        }
        let base = region.baseAddress!
        var taken = 0, lines = 0
        while taken < region.count {
            let rest = UnsafeBufferPointer(start: base + taken, count: region.count - taken)
            guard let end = scanner.scanFlatLine(rest), end <= maxLineBytes else { break }
            let line = UnsafeBufferPointer(start: rest.baseAddress, count: end)
            if rowsSeen < Self.sampleRows { sample(line) }
            try decodeRow(line, number + lines)
            taken += end + 1
            lines += 1
        }
        if lines == 0 {
            runBackoff = nextBackoff
            nextBackoff = min(2 * nextBackoff, 1024)
        } else {
            nextBackoff = 1
        }
        return (taken, lines)
    }

    @inline(__always)
    private mutating func parse(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        if rowsSeen < Self.sampleRows { sample(line) }
        do {
            try scanner.scan(line)
        } catch {
            if JSONTokens.skipWhitespace(line, 0) == line.count { return }
            if try assembler.reject(line: number, reason: error.description, text: line) {
                // A row of nulls fails any filter condition.
                if filter != nil {
                    filteredRows += 1
                    return
                }
                decoder.appendNullRow(into: &columns)
                endRow(corruptText: line)
            }
            return
        }
        try decodeRow(line, number)
    }

    /// Converts and appends the row of the line the scanner has just scanned. A row the filter
    /// drops is still converted first, so its malformed fields are reported as without a filter.
    @inline(__always)
    private mutating func decodeRow(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        if let reason = decoder.convert(line, scanner.slots, generation: scanner.generation) {
            guard try assembler.reject(line: number, reason: reason, text: line) else { return }
            guard passesFilter(line) else { return }
            decoder.append(line, scanner.slots, generation: scanner.generation, into: &columns)
            endRow(corruptText: line)
        } else {
            guard passesFilter(line) else { return }
            decoder.append(line, scanner.slots, generation: scanner.generation, into: &columns)
            endRow(corruptText: nil)
        }
    }

    @inline(__always)
    private mutating func passesFilter(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard filter != nil else { return true }
        if filter!.passes(line, scanner.slots, generation: scanner.generation) { return true }
        filteredRows += 1
        return false
    }

    /// Counts the first lines; at the last of them, reserves the columns' estimated final
    /// sizes: the input size over the bytes per line so far, with a little slack.
    private mutating func sample(_ line: UnsafeBufferPointer<UInt8>) {
        bytesSeen += line.count + 1
        rowsSeen += 1
        guard rowsSeen == Self.sampleRows, let total = sizeHint, bytesSeen > 0 else { return }
        decoder.flush(into: &columns)  // the lines of the staged rows are still there
        let factor = Double(total) / Double(bytesSeen) * 1.05
        guard factor > 1 else { return }
        for k in columns.indices {
            let rows = Double(columns[k].count) * factor + 64
            let bytes = Double(columns[k].byteCount) * factor + 1024
            columns[k].reserve(rows: Int(min(rows, Double(total))), stringBytes: Int(min(bytes, Double(total))))
        }
    }
}
