import Columnar

/// PLAIN encoding (Encodings.md): fixed-width values little-endian, booleans bit-packed
/// LSB first, byte arrays as a 4-byte little-endian length and the bytes.
enum PlainEncoder {
    static func append<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for v in values { out.appendLittleEndian(v) }
        #endif
    }

    static func append(_ values: [Double], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for v in values { out.appendLittleEndian(v.bitPattern) }
        #endif
    }

    static func append(_ values: [Bool], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + (values.count + 7) / 8)
        var byte: UInt8 = 0
        for (i, v) in values.enumerated() {
            if v { byte |= 1 << UInt8(i & 7) }
            if i & 7 == 7 {
                out.append(byte)
                byte = 0
            }
        }
        if values.count & 7 != 0 { out.append(byte) }
    }

    /// One BYTE_ARRAY value.
    @inline(__always)
    static func appendByteArray(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.appendLittleEndian(UInt32(value.count))
        out.append(contentsOf: value)
    }
}

/// Decodes PLAIN values into engine representation. `buffer` may hold more bytes than the
/// values need (a page's tail); fewer is an error.
enum PlainDecoder {
    static func decode(_ buffer: UnsafeRawBufferPointer, count: Int, as conversion: ValueConversion) throws -> PageValues {
        var cursor = ByteCursor(buffer)
        return try decode(&cursor, count: count, as: conversion)
    }

    static func decode(_ cursor: inout ByteCursor, count: Int, as conversion: ValueConversion) throws -> PageValues {
        if let width = conversion.plainWidth {
            guard count <= cursor.remaining / width else {
                throw ParquetError.corrupt("PLAIN data holds \(cursor.remaining / width) values, expected \(count)")
            }
            let b = try cursor.read(count: count * width)
            switch conversion {
            case .int32ToInt64(let unsigned):
                return .int64s((0..<count).map { i in
                    let raw = b.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian
                    return unsigned ? Int64(raw) : Int64(Int32(bitPattern: raw))
                })
            case .int32Date:
                return .int32s((0..<count).map { Int32(bitPattern: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) })
            case .int64:
                return .int64s(loadInt64s(b, count: count))
            case .int64Timestamp(let unit):
                var a = loadInt64s(b, count: count)
                if unit != .micros {
                    for i in a.indices { a[i] = try conversion.timestampMicros(a[i], unit: unit) }
                }
                return .int64s(a)
            case .int96Timestamp:
                var a = [Int64]()
                a.reserveCapacity(count)
                for i in 0..<count {
                    let nanos = b.loadUnaligned(fromByteOffset: i * 12, as: UInt64.self).littleEndian
                    let day = Int32(bitPattern: b.loadUnaligned(fromByteOffset: i * 12 + 8, as: UInt32.self).littleEndian)
                    a.append(try ValueConversion.int96Micros(nanosOfDay: nanos, julianDay: day))
                }
                return .int64s(a)
            case .floatToDouble:
                return .doubles((0..<count).map { Double(Float(bitPattern: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian)) })
            case .double:
                return .doubles((0..<count).map { Double(bitPattern: b.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian) })
            case .bool, .byteArrayString:
                preconditionFailure("variable-width conversions handled below")
            }
        }
        switch conversion {
        case .bool:
            guard count <= cursor.remaining * 8 else {
                throw ParquetError.corrupt("PLAIN boolean data holds \(cursor.remaining * 8) values, expected \(count)")
            }
            let b = try cursor.read(count: (count + 7) / 8)
            return .bools((0..<count).map { (b[$0 >> 3] >> UInt8($0 & 7)) & 1 == 1 })
        default:
            return .strings(try byteArrays(&cursor, count: count))
        }
    }

    static func byteArrays(_ cursor: inout ByteCursor, count: Int) throws -> StringArray {
        // Each value needs at least its 4-byte length, which bounds the reservation.
        guard count <= cursor.remaining / 4 else {
            throw ParquetError.corrupt("PLAIN byte-array data too short for \(count) values")
        }
        var out = StringArray()
        out.reserve(count: count, bytes: cursor.remaining - 4 * count)
        for _ in 0..<count {
            let n = try cursor.readUInt32LE()
            guard n <= UInt32(cursor.remaining) else {
                throw ParquetError.corrupt("byte-array value of \(n) bytes exceeds the \(cursor.remaining) left")
            }
            let v = try cursor.read(count: Int(n))
            out.append(bytes: v.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    @inline(__always)
    static func loadInt64s(_ b: UnsafeRawBufferPointer, count: Int) -> [Int64] {
        (0..<count).map { Int64(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
    }
}
