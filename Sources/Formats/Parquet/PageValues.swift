import Columnar

/// Non-null values of one page (or a dictionary), already in the engine's representation.
enum PageValues {
    case bools([Bool])
    case int64s([Int64])
    case int32s([Int32])
    case doubles([Double])
    case strings(StringArray)

    var count: Int {
        switch self {
        case .bools(let a): return a.count
        case .int64s(let a): return a.count
        case .int32s(let a): return a.count
        case .doubles(let a): return a.count
        case .strings(let a): return a.count
        }
    }
}

/// How a leaf's stored physical values map to engine values.
enum ValueConversion: Equatable {
    case bool
    /// INT32 widened to int64 (unsigned for UINT_8/16/32 annotations).
    case int32ToInt64(unsigned: Bool)
    case int32Date
    case int64
    /// INT64 timestamp in `unit`, converted to microseconds.
    case int64Timestamp(TimeUnit)
    /// Legacy INT96 (nanoseconds of day + Julian day), converted to microseconds.
    case int96Timestamp
    case floatToDouble
    case double
    case byteArrayString

    var engineType: DataType {
        switch self {
        case .bool: return .bool
        case .int32ToInt64, .int64: return .int64
        case .int32Date: return .date
        case .int64Timestamp, .int96Timestamp: return .timestamp
        case .floatToDouble, .double: return .double
        case .byteArrayString: return .string
        }
    }

    /// Width of one PLAIN value in bytes (nil for variable-length and bit-packed booleans).
    var plainWidth: Int? {
        switch self {
        case .bool, .byteArrayString: return nil
        case .int32ToInt64, .int32Date, .floatToDouble: return 4
        case .int64, .int64Timestamp, .double: return 8
        case .int96Timestamp: return 12
        }
    }

    /// Converts a raw INT64 timestamp to microseconds.
    @inline(__always)
    func timestampMicros(_ raw: Int64, unit: TimeUnit) throws -> Int64 {
        switch unit {
        case .micros: return raw
        case .nanos: return Timestamps.floorDiv(raw, 1000)
        case .millis:
            let (r, overflow) = raw.multipliedReportingOverflow(by: 1000)
            if overflow { throw ParquetError.corrupt("timestamp \(raw) ms is out of range") }
            return r
        }
    }

    /// Microseconds since the Unix epoch of an INT96 timestamp.
    @inline(__always)
    static func int96Micros(nanosOfDay: UInt64, julianDay: Int32) throws -> Int64 {
        let days = Int64(julianDay) - 2_440_588
        let (dayMicros, o1) = days.multipliedReportingOverflow(by: Timestamps.microsPerDay)
        let (r, o2) = dayMicros.addingReportingOverflow(Int64(truncatingIfNeeded: nanosOfDay / 1000))
        if o1 || o2 { throw ParquetError.corrupt("INT96 timestamp out of range") }
        return r
    }
}
