import Columnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Statistics of one column chunk, in engine values: what a caller needs to skip row groups.
public struct ParquetColumnStatistics: Sendable, Hashable {
    /// Number of nulls; nil when the file does not record it.
    public var nullCount: Int?
    /// Lower bound of the non-null values (strings ordered bytewise); `.null` when unknown or
    /// all values are null. (Not `Value?`: `Value` is nil-literal convertible, which would make
    /// `min == nil` silently mean `.null`.)
    public var min: Value
    /// Upper bound of the non-null values; `.null` when unknown or all values are null.
    public var max: Value

    public init(nullCount: Int? = nil, min: Value = .null, max: Value = .null) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    /// False only when the statistics prove that no value equals `value`.
    public func mightContain(_ value: Value) -> Bool {
        mightOverlap(lower: value, upper: value)
    }

    /// False only when the statistics prove that no non-null value lies in `lower...upper`
    /// (a `.null` bound is open). Values of a type the statistics cannot compare keep the chunk.
    public func mightOverlap(lower: Value = .null, upper: Value = .null) -> Bool {
        if let c = Self.compare(max, lower), c < 0 { return false }
        if let c = Self.compare(min, upper), c > 0 { return false }
        return true
    }

    /// Orders two values the way Parquet statistics do (strings bytewise, signed numbers);
    /// nil when they are not comparable (different types, null, NaN).
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case (.int64(let x), .int64(let y)), (.timestamp(let x), .timestamp(let y)): return cmp(x, y)
        case (.date(let x), .date(let y)): return cmp(x, y)
        case (.double(let x), .double(let y)): return x.isNaN || y.isNaN ? nil : cmp(x, y)
        case (.int64(let x), .double(let y)): return y.isNaN ? nil : cmp(Double(x), y)
        case (.double(let x), .int64(let y)): return x.isNaN ? nil : cmp(x, Double(y))
        case (.string(let x), .string(let y)):
            var x = x, y = y
            return x.withUTF8 { xb in y.withUTF8 { yb in StringArray.compareBytes(xb, yb) } }
        default: return nil
        }
    }
}

/// Running null count and min/max of the values written to a column, following Parquet's
/// sort orders: signed for integers, dates and timestamps, bytewise for strings, NaN
/// ignored for doubles (and -0.0 as the min / +0.0 as the max when the bound is zero).
struct StatisticsAccumulator {
    let type: DataType
    private(set) var nullCount = 0
    /// True once a value that takes part in min/max was seen.
    private(set) var hasValue = false
    private var intMin = Int64.max
    private var intMax = Int64.min
    private var doubleMin = Double.infinity
    private var doubleMax = -Double.infinity
    private var bytesMin: [UInt8] = []
    private var bytesMax: [UInt8] = []

    /// Parquet statistics over this size are left out of the footer (the summary keeps
    /// them), as other writers do, so one huge value cannot bloat every footer.
    static let maxFooterValueSize = 4096

    init(type: DataType) { self.type = type }

    mutating func addNulls(_ n: Int) { nullCount += n }

    /// Integer-like values (int64, timestamp, date, bool as 0/1) spanning `lo...hi`.
    @inline(__always)
    mutating func add(intRange lo: Int64, _ hi: Int64) {
        if lo < intMin { intMin = lo }
        if hi > intMax { intMax = hi }
        hasValue = true
    }

    /// Non-NaN doubles spanning `lo...hi`.
    @inline(__always)
    mutating func add(doubleRange lo: Double, _ hi: Double) {
        if lo < doubleMin { doubleMin = lo }
        if hi > doubleMax { doubleMax = hi }
        hasValue = true
    }

    @inline(__always)
    mutating func add(bytes v: UnsafeBufferPointer<UInt8>) {
        if !hasValue {
            bytesMin = Array(v)
            bytesMax = bytesMin
            hasValue = true
            return
        }
        if bytesMin.withUnsafeBufferPointer({ StringArray.compareBytes(v, $0) }) < 0 { bytesMin = Array(v) }
        if bytesMax.withUnsafeBufferPointer({ StringArray.compareBytes(v, $0) }) > 0 { bytesMax = Array(v) }
    }

    mutating func merge(_ o: StatisticsAccumulator) {
        nullCount += o.nullCount
        guard o.hasValue else { return }
        switch type {
        case .double: add(doubleRange: o.doubleMin, o.doubleMax)
        case .string:
            o.bytesMin.withUnsafeBufferPointer { add(bytes: $0) }
            o.bytesMax.withUnsafeBufferPointer { add(bytes: $0) }
        default: add(intRange: o.intMin, o.intMax)
        }
    }

    var min: Value { hasValue ? value(isMin: true) : .null }
    var max: Value { hasValue ? value(isMin: false) : .null }

    private func value(isMin: Bool) -> Value {
        let i = isMin ? intMin : intMax
        switch type {
        case .bool: return .bool(i != 0)
        case .int64: return .int64(i)
        case .timestamp: return .timestamp(i)
        case .date: return .date(Int32(truncatingIfNeeded: i))
        case .double:
            let d = isMin ? doubleMin : doubleMax
            return .double(d == 0 ? (isMin ? -0.0 : 0.0) : d)
        case .string: return .string(String(decoding: isMin ? bytesMin : bytesMax, as: UTF8.self))
        }
    }

    /// The bound encoded as Parquet statistics bytes (PLAIN without a length prefix).
    private func encoded(isMin: Bool) -> [UInt8] {
        var out: [UInt8] = []
        let i = isMin ? intMin : intMax
        switch type {
        case .bool: out.append(i != 0 ? 1 : 0)
        case .int64, .timestamp: out.appendLittleEndian(i)
        case .date: out.appendLittleEndian(Int32(truncatingIfNeeded: i))
        case .double:
            let d = isMin ? doubleMin : doubleMax
            out.appendLittleEndian((d == 0 ? (isMin ? -0.0 : 0.0) : d).bitPattern)
        case .string: out = isMin ? bytesMin : bytesMax
        }
        return out
    }

    /// The footer form.
    var thrift: Statistics {
        var s = Statistics()
        s.nullCount = Int64(nullCount)
        if hasValue && (type != .string || (bytesMin.count <= Self.maxFooterValueSize && bytesMax.count <= Self.maxFooterValueSize)) {
            s.minValue = encoded(isMin: true)
            s.maxValue = encoded(isMin: false)
        }
        return s
    }
}

extension ParquetColumnStatistics {
    /// Engine statistics from a footer `Statistics`, with `.null` bounds where the bytes are
    /// missing or malformed (bad statistics only disable skipping; they never fail a read).
    init(_ s: Statistics, conversion: ValueConversion) {
        self.init()
        if let n = s.nullCount, n >= 0, n <= Int64(Int.max) { nullCount = Int(n) }
        var minBytes = s.minValue, maxBytes = s.maxValue
        if minBytes == nil || maxBytes == nil {
            // The deprecated fields use signed order: only trustworthy for signed types.
            switch conversion {
            case .byteArrayString, .int32ToInt64(unsigned: true), .int96Timestamp:
                minBytes = nil
                maxBytes = nil
            default:
                minBytes = s.min
                maxBytes = s.max
            }
        }
        if let b = minBytes, let v = Self.decode(b, conversion) { min = v }
        if let b = maxBytes, let v = Self.decode(b, conversion) { max = v }
    }

    static func decode(_ b: [UInt8], _ conversion: ValueConversion) -> Value? {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard b.count == MemoryLayout<T>.size else { return nil }
            return b.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch conversion {
        case .bool: return b.count == 1 ? .bool(b[0] != 0) : nil
        case .int32ToInt64(let unsigned):
            guard let v = load(UInt32.self) else { return nil }
            return .int64(unsigned ? Int64(v) : Int64(Int32(bitPattern: v)))
        case .int32Date: return load(Int32.self).map { .date($0) }
        case .int64: return load(Int64.self).map { .int64($0) }
        case .int64Timestamp(let unit):
            guard let raw = load(Int64.self), let t = try? conversion.timestampMicros(raw, unit: unit) else { return nil }
            return .timestamp(t)
        case .int96Timestamp: return nil
        case .floatToDouble:
            guard let v = load(UInt32.self) else { return nil }
            let d = Double(Float(bitPattern: v))
            return d.isNaN ? nil : .double(d)
        case .double:
            guard let v = load(UInt64.self) else { return nil }
            let d = Double(bitPattern: v)
            return d.isNaN ? nil : .double(d)
        case .byteArrayString: return .string(String(decoding: b, as: UTF8.self))
        }
    }
}
