import Columnar

/// A value waiting to be appended to a `TextColumn`, in a batch (see `TextColumn.append(staged:)`).
struct StagedValue {
    enum State: UInt8 {
        case null
        /// A fixed-width value (`bits`), or a string whose bytes are at `start`.
        case value
        /// A string whose bytes are at offset `bits` of the batch's arena.
        case arena
    }

    var state: State = .null
    /// Fixed-width values: the bit pattern (as `Int64`, `Double`, `Int32` or 0/1 for bool).
    var bits: UInt64 = 0
    var start: UnsafePointer<UInt8>?
    /// Strings: the byte count.
    var count = 0
}

/// One output column of a text reader, appended to in batches of staged values (or value by
/// value) and turned into a `Column`.
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

    /// Appends a string given as UTF-8 bytes (a string column).
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

    /// Appends a batch of values at once, `values[k * stride]` for `k` in `0..<rows`: a few
    /// copy-on-write checks and calls per batch rather than per value. `arena` holds the bytes of
    /// `.arena` strings; `scratch` is room for `rows` 8-byte words, to gather the batch in.
    mutating func append(
        staged values: UnsafePointer<StagedValue>, stride: Int, rows: Int, arena: UnsafeBufferPointer<UInt8>,
        scratch: UnsafeMutableRawPointer
    ) {
        guard rows > 0 else { return }
        var nulls = 0
        switch type {
        case .string:
            var total = 0
            for k in 0..<rows {
                let v = values[k * stride]
                if v.state == .null { nulls += 1 } else { total += v.count }
            }
            if total > bytes.count - byteCount { growBytes(to: byteCount + total) }
            var at = byteCount
            let ends = scratch.bindMemory(to: Int.self, capacity: rows)
            // In bounds: the strings' `total` bytes fit after `byteCount` by the growth above,
            // and an arena string lies within `arena` (checked below).
            bytes.withUnsafeMutableBufferPointer { buffer in
                let target = UnsafeMutableRawPointer(buffer.baseAddress!)
                for k in 0..<rows {
                    let v = values[k * stride]
                    switch v.state {
                    case .null: break
                    case .value:
                        if let start = v.start { (target + at).copyMemory(from: start, byteCount: v.count) }
                        at += v.count
                    case .arena:
                        precondition(Int(v.bits) + v.count <= arena.count, "arena string out of bounds")
                        if v.count > 0 { (target + at).copyMemory(from: arena.baseAddress! + Int(v.bits), byteCount: v.count) }
                        at += v.count
                    }
                    (ends + k).initialize(to: at)
                }
            }
            byteCount = at
            offsets.append(contentsOf: UnsafeBufferPointer(start: ends, count: rows))
        case .int64, .timestamp:
            nulls = Self.append(values, stride, rows, to: &ints, scratch) { Int64(bitPattern: $0) }
        case .double:
            nulls = Self.append(values, stride, rows, to: &doubles, scratch) { Double(bitPattern: $0) }
        case .bool:
            nulls = Self.append(values, stride, rows, to: &bools, scratch) { $0 != 0 }
        case .date:
            nulls = Self.append(values, stride, rows, to: &dates, scratch) { Int32(truncatingIfNeeded: $0) }
        }
        if nulls > 0 && validity == nil { validity = Bitmap(count: count, value: true) }
        if validity != nil {
            for k in 0..<rows { validity!.append(values[k * stride].state != .null) }
        }
        count += rows
    }

    /// Appends the fixed-width values of a batch to `array`, gathered in `scratch` first so the
    /// array takes them in one call; returns how many are null.
    @inline(__always)
    private static func append<T>(
        _ values: UnsafePointer<StagedValue>, _ stride: Int, _ rows: Int, to array: inout [T], _ scratch: UnsafeMutableRawPointer,
        _ convert: (UInt64) -> T
    ) -> Int {
        precondition(MemoryLayout<T>.stride <= 8, "scratch holds 8-byte words")
        let typed = scratch.bindMemory(to: T.self, capacity: rows)
        var nulls = 0
        for k in 0..<rows {
            let v = values[k * stride]
            if v.state == .null { nulls += 1 }
            (typed + k).initialize(to: convert(v.bits))
        }
        array.append(contentsOf: UnsafeBufferPointer(start: typed, count: rows))
        return nulls
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
