import Streaming

/// Reads `--date-field`: a timestamp field of each record's JSON object, through the JSON-lines
/// reader (so ISO-8601 strings with Z or an offset, and epoch milliseconds, as for files).
struct DateField: Sendable {
    let name: String
    private let reader: JSONLinesReader

    init(_ name: String) {
        self.name = name
        var options = ReaderOptions()
        options.mode = .permissive
        reader = JSONLinesReader(schema: Schema([Field(name, .timestamp)]), options: options)
    }

    /// Each record's timestamp (µs), nil when the field is missing, null or not a timestamp, or
    /// the record is not one JSON object.
    func timestamps(_ data: StringArray, origin: String) throws -> [Int64?] {
        guard data.count > 0 else { return [] }
        // One line per record: newlines become spaces (whitespace between JSON tokens; inside a
        // string a raw newline is invalid either way) and a blank record becomes `null`, which
        // the reader counts as a row instead of skipping it.
        var text: [UInt8] = []
        text.reserveCapacity(data.bytes.count + data.count * 2)
        for i in 0..<data.count {
            let start = text.count
            data.withBytes(i) { bytes in
                for b in bytes { text.append(b == 0x0A || b == 0x0D ? 0x20 : b) }
            }
            if text[start...].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                text.removeSubrange(start...)
                text += Array("null".utf8)
            }
            text.append(0x0A)
        }
        let result = try text.withUnsafeBytes { try reader.read(bytes: $0, path: origin) }
        let column = result.batch.columns[0]
        guard column.count == data.count else {
            throw ReadError(path: origin, line: nil, reason: "internal: \(data.count) records gave \(column.count) \(name) values")
        }
        let values = column.int64Values
        return (0..<data.count).map { column.isValid($0) ? values[$0] : nil }
    }

    var problem: String {
        "no timestamp in field \"\(name)\" (missing, null, not an ISO-8601 string or epoch milliseconds, or the record is not one JSON object)"
    }
}

/// Days since 1970-01-01 (UTC) of a timestamp in µs.
@inline(__always) func utcDay(micros: Int64) -> Int32 {
    let day: Int64 = 86_400_000_000
    return Int32((micros >= 0 ? micros : micros - (day - 1)) / day)
}
