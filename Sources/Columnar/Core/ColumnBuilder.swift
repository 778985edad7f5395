/// Appends values of one type into contiguous buffers and produces a `Column`.
///
/// The validity bitmap is only materialised once the first null arrives, so all-valid
/// columns pay nothing for it.
public struct ColumnBuilder: Sendable {
    public let type: DataType
    public private(set) var count = 0
    private var bools: [Bool] = []
    private var ints: [Int64] = []
    private var dates: [Int32] = []
    private var doubles: [Double] = []
    private var strings = StringArray()
    private var validity: Bitmap?

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .bool: bools.reserveCapacity(capacity)
        case .int64, .timestamp: ints.reserveCapacity(capacity)
        case .date: dates.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string: strings.reserve(count: capacity, bytes: capacity * 16)
        }
    }

    @inline(__always)
    private mutating func markValid() {
        validity?.append(true)
        count += 1
    }

    public mutating func appendNull() {
        if validity == nil { validity = Bitmap(count: count, value: true) }
        validity!.append(false)
        count += 1
        switch type {
        case .bool: bools.append(false)
        case .int64, .timestamp: ints.append(0)
        case .date: dates.append(0)
        case .double: doubles.append(0)
        case .string: strings.appendEmpty()
        }
    }

    @inline(__always) public mutating func append(_ v: Bool) { bools.append(v); markValid() }
    /// Appends an int64, or a timestamp in microseconds.
    @inline(__always) public mutating func append(_ v: Int64) { ints.append(v); markValid() }
    /// Appends a date as days since the epoch.
    @inline(__always) public mutating func append(_ v: Int32) { dates.append(v); markValid() }
    @inline(__always) public mutating func append(_ v: Double) { doubles.append(v); markValid() }
    @inline(__always) public mutating func append(_ v: String) { strings.append(v); markValid() }
    @inline(__always) public mutating func append(utf8 v: UnsafeBufferPointer<UInt8>) { strings.append(bytes: v); markValid() }

    /// Appends a scalar, converting it to the builder's type (null if it cannot be).
    public mutating func append(_ value: Value) {
        guard let v = value.cast(to: type), v != .null else { appendNull(); return }
        switch v {
        case .null: appendNull()
        case .bool(let b): append(b)
        case .int64(let x), .timestamp(let x): append(x)
        case .date(let d): append(d)
        case .double(let d): append(d)
        case .string(let s): append(s)
        }
    }

    /// Appends every row of `column` (which must have the builder's physical type).
    public mutating func append(contentsOf column: Column) {
        let n = column.count
        if let v = column.validity {
            if validity == nil { validity = Bitmap(count: count, value: true) }
            for i in 0..<n { validity!.append(v[i]) }
        } else if validity != nil {
            for _ in 0..<n { validity!.append(true) }
        }
        count += n
        switch column.values {
        case .bool(let a): bools.append(contentsOf: a)
        case .int64(let a): ints.append(contentsOf: a)
        case .int32(let a): dates.append(contentsOf: a)
        case .double(let a): doubles.append(contentsOf: a)
        case .string(let a): strings.append(all: a)
        }
    }

    public func finish() -> Column {
        let values: Column.Values
        switch type {
        case .bool: values = .bool(bools)
        case .int64, .timestamp: values = .int64(ints)
        case .date: values = .int32(dates)
        case .double: values = .double(doubles)
        case .string: values = .string(strings)
        }
        return Column(type: type, values: values, validity: validity)
    }
}
