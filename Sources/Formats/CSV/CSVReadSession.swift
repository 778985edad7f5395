import Columnar

/// The mutable state of one `CSVReader.read` call: the header mapping, and per-record scratch
/// so a malformed record is judged before anything is appended.
struct CSVReadSession {
    private enum Status: UInt8 { case null, ok, bad }

    var assembler: RowAssembler
    private var splitter: CSVRecordSplitter
    private let types: [DataType]
    private let names: [String]
    private let outputs: [Int]
    private let maxLineBytes: Int
    /// For each field, its column in the header (-1: absent); nil until the header is read.
    private var columns: [Int]?
    private var headerCount = 0
    private var status: [Status]
    private var bits: [UInt64]
    private var scratch: [UInt8] = []
    private var timestamps = TimestampParser()

    init(assembler: RowAssembler, splitter: CSVRecordSplitter, fields: [Field], outputs: [Int], maxLineBytes: Int) {
        self.assembler = assembler
        self.splitter = splitter
        types = fields.map(\.type)
        names = fields.map(\.name)
        self.outputs = outputs
        self.maxLineBytes = maxLineBytes
        status = [Status](repeating: .null, count: fields.count)
        bits = [UInt64](repeating: 0, count: fields.count)
    }

    mutating func consume(_ event: LineEvent) throws {
        switch event {
        case .line(let line, let number):
            if line.isEmpty { return }
            if columns == nil { try readHeader(line, number) } else { try readRecord(line, number) }
        case .overlong(let prefix, let number):
            if columns == nil {
                throw ReadError(path: assembler.path, line: number, reason: "header exceeds \(maxLineBytes) bytes")
            }
            try assembler.rejectOverlong(line: number, prefix: prefix, maxLineBytes: maxLineBytes)
        }
    }

    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        do {
            try splitter.split(line)
        } catch {
            throw ReadError(path: assembler.path, line: number, reason: "malformed header: \(error.description)")
        }
        var position: [String: Int] = [:]
        for (k, field) in splitter.fields.enumerated() {
            scratch.removeAll(keepingCapacity: true)
            splitter.appendText(of: field, in: line, to: &scratch)
            let name = String(decoding: scratch, as: UTF8.self)
            if position[name] == nil { position[name] = k }
        }
        headerCount = splitter.fields.count
        columns = names.map { position[$0] ?? -1 }
    }

    private mutating func readRecord(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        do {
            try splitter.split(line)
        } catch {
            if try assembler.reject(line: number, reason: error.description, text: line) {
                assembler.appendNullRow(corruptText: line)
            }
            return
        }
        let found = splitter.fields.count
        var failure = found == headerCount ? nil : "expected \(headerCount) columns, found \(found)"
        let columns = self.columns!
        for f in 0..<types.count {
            let c = columns[f]
            guard c >= 0, c < found else { status[f] = .null; continue }
            let field = splitter.fields[c]
            if field.isEmpty && (!field.quoted || types[f] != .string) { status[f] = .null; continue }
            if let v = convert(field, line, types[f]) {
                status[f] = .ok
                bits[f] = v
            } else {
                status[f] = .bad
                if failure == nil { failure = describe(field, line, f) }
            }
        }
        if let reason = failure {
            guard try assembler.reject(line: number, reason: reason, text: line) else { return }
            append(line)
            assembler.endRow(corruptText: line)
        } else {
            append(line)
            assembler.endRow(corruptText: nil)
        }
    }

    /// The bits of the field's value as `type` (strings: 0 once checked to be UTF-8), or nil.
    @inline(__always)
    private mutating func convert(_ field: CSVField, _ line: UnsafeBufferPointer<UInt8>, _ type: DataType) -> UInt64? {
        let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
        if type == .string { return UTF8Validation.isValid(raw) ? 0 : nil }
        if type == .timestamp {
            // The JSON reader's parser: fixed-format fast path and a per-day cache.
            var parser = timestamps
            defer { timestamps = parser }
            return withText(field, line) { text in
                (parser.parse(text) ?? NumberParser.int64(text).flatMap { TextValues.micros(fromMillis: $0) }).map { UInt64(bitPattern: $0) }
            }
        }
        return withText(field, line) { text in
            switch type {
            case .bool: return TextValues.bool(text).map { $0 ? 1 : 0 }
            case .int64: return NumberParser.int64(text).map { UInt64(bitPattern: $0) }
            case .double: return NumberParser.double(text).map(\.bitPattern)
            case .timestamp: preconditionFailure("timestamps are converted above")
            case .date: return TextValues.date(text).map { UInt64(UInt32(bitPattern: $0)) }
            case .string: return 0
            }
        }
    }

    @inline(__always)
    private mutating func withText<R>(_ field: CSVField, _ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard field.doubledQuotes else { return body(UnsafeBufferPointer(rebasing: line[field.start..<field.end])) }
        scratch.removeAll(keepingCapacity: true)
        splitter.appendText(of: field, in: line, to: &scratch)
        return scratch.withUnsafeBufferPointer(body)
    }

    private func describe(_ field: CSVField, _ line: UnsafeBufferPointer<UInt8>, _ f: Int) -> String {
        let raw = UnsafeBufferPointer(rebasing: line[field.start..<field.end])
        if types[f] == .string { return "column '\(names[f])': invalid UTF-8" }
        return "column '\(names[f])': cannot parse \"\(TextValues.snippet(raw))\" as \(types[f])"
    }

    /// Appends the converted record; fields that failed become null.
    private mutating func append(_ line: UnsafeBufferPointer<UInt8>) {
        let columns = self.columns!
        for f in 0..<types.count {
            let b = outputs[f]
            guard status[f] == .ok else { assembler.builders[b].appendNull(); continue }
            let v = bits[f]
            switch types[f] {
            case .bool: assembler.builders[b].append(v != 0)
            case .int64, .timestamp: assembler.builders[b].append(Int64(bitPattern: v))
            case .double: assembler.builders[b].append(Double(bitPattern: v))
            case .date: assembler.builders[b].append(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
            case .string:
                let field = splitter.fields[columns[f]]
                if field.doubledQuotes {
                    scratch.removeAll(keepingCapacity: true)
                    splitter.appendText(of: field, in: line, to: &scratch)
                    scratch.withUnsafeBufferPointer { assembler.builders[b].append(utf8: $0) }
                } else {
                    assembler.builders[b].append(utf8: UnsafeBufferPointer(rebasing: line[field.start..<field.end]))
                }
            }
        }
    }
}
