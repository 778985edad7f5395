import Columnar

/// One output column of a text reader, appended to row by row and turned into a `Column`.
///
/// Unlike `ColumnBuilder` it can reserve room ahead: a reader that knows roughly how big its
/// input is estimates the row count and bytes per value after a sample of rows, so the buffers
/// are allocated once instead of growing by doubling (every regrowth copies the column into
/// fresh memory, and touching fresh pages is what costs most when a column is built).
struct TextColumn {
    let type: DataType
    private(set) var count = 0
    /// int64 and timestamp values.
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var dates: [Int32] = []
    /// Strings: value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. Only the first
    /// `byteCount` bytes are values; the zeros after them are room to copy the next values
    /// into, which is much cheaper than `Array.append(contentsOf:)` for short strings.
    private var bytes: [UInt8] = []
    private(set) var byteCount = 0
    private var offsets: [Int] = [0]
    /// Materialised at the first null, as in `ColumnBuilder`.
    private var validity: Bitmap?

    init(type: DataType) {
        self.type = type
    }

    /// Makes room for `rows` values in all, and for strings `stringBytes` bytes in all.
    mutating func reserve(rows: Int, stringBytes: Int) {
        switch type {
        case .int64, .timestamp: Self.reserve(&ints, rows)
        case .double: Self.reserve(&doubles, rows)
        case .bool: Self.reserve(&bools, rows)
        case .date: Self.reserve(&dates, rows)
        case .string:
            Self.reserve(&offsets, rows + 1)
            if stringBytes > bytes.count { growBytes(to: stringBytes) }
        }
    }

    /// Makes `bytes` at least `minimum` long, at least doubling it, with zeros.
    private mutating func growBytes(to minimum: Int) {
        let target = Swift.max(minimum, 2 * bytes.count, 4096)
        bytes.reserveCapacity(target)
        bytes.append(contentsOf: repeatElement(0, count: target - bytes.count))
    }

    private static func reserve<T>(_ array: inout [T], _ count: Int) {
        if count > array.capacity { array.reserveCapacity(count) }
    }

    @inline(__always)
    private mutating func markValid() {
        if validity != nil { validity!.append(true) }
        count += 1
    }

    mutating func appendNull() {
        if validity == nil { validity = Bitmap(count: count, value: true) }
        validity!.append(false)
        count += 1
        switch type {
        case .int64, .timestamp: ints.append(0)
        case .double: doubles.append(0)
        case .bool: bools.append(false)
        case .date: dates.append(0)
        case .string: offsets.append(byteCount)
        }
    }

    /// Appends an int64, or a timestamp in microseconds.
    @inline(__always) mutating func append(_ v: Int64) { ints.append(v); markValid() }
    @inline(__always) mutating func append(_ v: Double) { doubles.append(v); markValid() }
    @inline(__always) mutating func append(_ v: Bool) { bools.append(v); markValid() }
    /// Appends a date as days since the epoch.
    @inline(__always) mutating func append(_ v: Int32) { dates.append(v); markValid() }

    /// Appends a string given as UTF-8 bytes.
    @inline(__always)
    mutating func append(utf8 v: UnsafeBufferPointer<UInt8>) {
        let n = v.count
        if n > bytes.count - byteCount { growBytes(to: byteCount + n) }
        if let source = v.baseAddress {
            let at = byteCount
            // In bounds: `at + n <= bytes.count` after the growth above.
            bytes.withUnsafeMutableBufferPointer { UnsafeMutableRawPointer($0.baseAddress! + at).copyMemory(from: source, byteCount: n) }
        }
        byteCount += n
        offsets.append(byteCount)
        markValid()
    }

    /// The column; leaves this one empty.
    mutating func finish() -> Column {
        let values: Column.Values
        switch type {
        case .int64, .timestamp: values = .int64(ints)
        case .double: values = .double(doubles)
        case .bool: values = .bool(bools)
        case .date: values = .int32(dates)
        case .string:
            var used = bytes
            bytes = []  // so `used` is the only reference and drops its room in place
            used.removeLast(used.count - byteCount)
            values = .string(StringArray(offsets: offsets, bytes: used))
        }
        return Column(type: type, values: values, validity: validity)
    }
}
