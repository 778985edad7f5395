/// One column of a record batch: a contiguous typed buffer plus an optional validity bitmap.
///
/// `validity == nil` means every value is present. Values under a cleared validity bit are
/// unspecified (zero or empty) and must not be read.
public struct Column: Sendable {
    /// The typed storage behind a column.
    public enum Values: Sendable {
        case bool([Bool])
        case int64([Int64])
        case int32([Int32])
        case double([Double])
        case string(StringArray)
    }

    public let type: DataType
    public let values: Values
    public let validity: Bitmap?

    public init(type: DataType, values: Values, validity: Bitmap? = nil) {
        self.type = type
        self.values = values
        self.validity = validity.flatMap { $0.popCount == $0.count ? nil : $0 }
        precondition(validity == nil || validity!.count == Self.length(values), "validity length differs from values")
    }

    public static func bools(_ v: [Bool], validity: Bitmap? = nil) -> Column { Column(type: .bool, values: .bool(v), validity: validity) }
    public static func int64s(_ v: [Int64], validity: Bitmap? = nil) -> Column { Column(type: .int64, values: .int64(v), validity: validity) }
    public static func doubles(_ v: [Double], validity: Bitmap? = nil) -> Column { Column(type: .double, values: .double(v), validity: validity) }
    public static func timestamps(_ v: [Int64], validity: Bitmap? = nil) -> Column { Column(type: .timestamp, values: .int64(v), validity: validity) }
    public static func dates(_ v: [Int32], validity: Bitmap? = nil) -> Column { Column(type: .date, values: .int32(v), validity: validity) }
    public static func strings(_ v: StringArray, validity: Bitmap? = nil) -> Column { Column(type: .string, values: .string(v), validity: validity) }

    /// A column built from optional scalar values of `type`.
    public static func from(_ values: [Value], type: DataType) -> Column {
        var b = ColumnBuilder(type: type, capacity: values.count)
        for v in values { b.append(v) }
        return b.finish()
    }

    /// `count` copies of `value`.
    public static func repeating(_ value: Value, type: DataType, count: Int) -> Column {
        switch (type, value) {
        case (_, .null):
            return Column(type: type, values: emptyValues(type, count: count), validity: Bitmap(count: count, value: false))
        case (.bool, .bool(let b)): return .bools([Bool](repeating: b, count: count))
        case (.int64, .int64(let x)), (.timestamp, .timestamp(let x)):
            return Column(type: type, values: .int64([Int64](repeating: x, count: count)))
        case (.date, .date(let d)): return .dates([Int32](repeating: d, count: count))
        case (.double, .double(let d)): return .doubles([Double](repeating: d, count: count))
        case (.string, .string(let s)):
            var a = StringArray()
            let utf8 = Array(s.utf8)
            a.reserve(count: count, bytes: utf8.count * count)
            for _ in 0..<count { a.append(contentsOf: utf8) }
            return .strings(a)
        default:
            return from([Value](repeating: value.cast(to: type) ?? .null, count: count), type: type)
        }
    }

    static func emptyValues(_ type: DataType, count: Int) -> Values {
        switch type {
        case .bool: return .bool([Bool](repeating: false, count: count))
        case .int64, .timestamp: return .int64([Int64](repeating: 0, count: count))
        case .date: return .int32([Int32](repeating: 0, count: count))
        case .double: return .double([Double](repeating: 0, count: count))
        case .string: return .string(StringArray(offsets: [Int](repeating: 0, count: count + 1), bytes: []))
        }
    }

    static func length(_ values: Values) -> Int {
        switch values {
        case .bool(let a): return a.count
        case .int64(let a): return a.count
        case .int32(let a): return a.count
        case .double(let a): return a.count
        case .string(let a): return a.count
        }
    }

    public var count: Int { Self.length(values) }

    public var nullCount: Int { validity.map { $0.count - $0.popCount } ?? 0 }

    @inline(__always)
    public func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    // Typed views. Each traps if the column is of another physical type: callers switch on `type` first.
    public var boolValues: [Bool] { if case .bool(let a) = values { return a }; fatalError("not a bool column") }
    public var int64Values: [Int64] { if case .int64(let a) = values { return a }; fatalError("not an int64/timestamp column") }
    public var int32Values: [Int32] { if case .int32(let a) = values { return a }; fatalError("not a date column") }
    public var doubleValues: [Double] { if case .double(let a) = values { return a }; fatalError("not a double column") }
    public var stringValues: StringArray { if case .string(let a) = values { return a }; fatalError("not a string column") }

    /// The value at row `i` as a scalar (for edges: tests, console output, user closures).
    public subscript(i: Int) -> Value {
        guard isValid(i) else { return .null }
        switch values {
        case .bool(let a): return .bool(a[i])
        case .int64(let a): return type == .timestamp ? .timestamp(a[i]) : .int64(a[i])
        case .int32(let a): return .date(a[i])
        case .double(let a): return .double(a[i])
        case .string(let a): return .string(a[i])
        }
    }

    /// Rows whose mask entry is true, in order.
    public func filter(_ mask: [Bool]) -> Column {
        precondition(mask.count == count)
        var idx = [Int]()
        idx.reserveCapacity(mask.count)
        for i in 0..<mask.count where mask[i] { idx.append(i) }
        return take(idx)
    }

    /// Rows at the given positions, in that order (positions may repeat).
    public func take(_ indices: [Int]) -> Column {
        let newValidity: Bitmap? = validity.map { v in
            var b = Bitmap(count: indices.count, value: false)
            for (j, i) in indices.enumerated() where v[i] { b[j] = true }
            return b
        }
        switch values {
        case .bool(let a): return Column(type: type, values: .bool(indices.map { a[$0] }), validity: newValidity)
        case .int64(let a): return Column(type: type, values: .int64(indices.map { a[$0] }), validity: newValidity)
        case .int32(let a): return Column(type: type, values: .int32(indices.map { a[$0] }), validity: newValidity)
        case .double(let a): return Column(type: type, values: .double(indices.map { a[$0] }), validity: newValidity)
        case .string(let a):
            var out = StringArray()
            var total = 0
            for i in indices { total += a.length(i) }
            out.reserve(count: indices.count, bytes: total)
            a.bytes.withUnsafeBufferPointer { buf in
                for i in indices {
                    out.append(bytes: UnsafeBufferPointer(rebasing: buf[a.offsets[i]..<a.offsets[i + 1]]))
                }
            }
            return Column(type: type, values: .string(out), validity: newValidity)
        }
    }

    /// `take`, where a negative position gives a null (an outer join's unmatched rows).
    public func take(orNull indices: [Int]) -> Column {
        guard indices.contains(where: { $0 < 0 }) else { return take(indices) }
        guard count > 0 else { return Column.repeating(.null, type: type, count: indices.count) }
        let taken = take(indices.map { max($0, 0) })
        var valid = Bitmap(count: indices.count, value: true)
        for (j, i) in indices.enumerated() where i < 0 || !taken.isValid(j) { valid[j] = false }
        return Column(type: type, values: taken.values, validity: valid)
    }

    /// Rows in `range`.
    public func slice(_ range: Range<Int>) -> Column { take(Array(range)) }

    /// Concatenates columns of the same type.
    public static func concat(_ columns: [Column], type: DataType) -> Column {
        if columns.count == 1 { return columns[0] }
        var b = ColumnBuilder(type: type, capacity: columns.reduce(0) { $0 + $1.count })
        for c in columns { b.append(contentsOf: c) }
        return b.finish()
    }
}
