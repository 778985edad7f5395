import Columnar

/// The decoded values of one data page: either the values themselves or indices into the
/// chunk's dictionary.
enum PageData {
    case values(PageValues)
    case dictionary(indices: [UInt32])
}

/// Decodes the values section of a data page in any supported encoding.
enum ValueDecoder {
    static func decode(
        _ c: inout ByteCursor, encoding: Int32, count: Int, conversion: ValueConversion, dictionary: PageValues?
    ) throws -> PageData {
        if count == 0 { return .values(try PlainDecoder.decode(UnsafeRawBufferPointer(start: nil, count: 0), count: 0, as: conversion)) }
        switch encoding {
        case Encoding.plain:
            return .values(try PlainDecoder.decode(&c, count: count, as: conversion))
        case Encoding.rleDictionary, Encoding.plainDictionary:
            guard let dictionary else { throw ParquetError.corrupt("dictionary-encoded page without a dictionary page") }
            let width = Int(try c.readByte())
            var indices: [UInt32] = []
            try RLEHybrid.decode(&c, bitWidth: width, count: count, into: &indices)
            let n = dictionary.count
            for i in indices where Int(i) >= n {
                throw ParquetError.corrupt("dictionary index \(i) out of range (dictionary has \(dictionary.count) entries)")
            }
            return .dictionary(indices: indices)
        case Encoding.rle where conversion == .bool:
            let length = Int(try c.readUInt32LE())
            var inner = ByteCursor(try c.read(count: length))
            var bits: [UInt8] = []
            try RLEHybrid.decode(&inner, bitWidth: 1, count: count, into: &bits)
            return .values(.bools(bits.map { $0 != 0 }))
        case Encoding.deltaBinaryPacked:
            let raw = try DeltaDecoder.binaryPacked(&c, count: count).prefix(count)
            switch conversion {
            case .int64: return .values(.int64s(Array(raw)))
            case .int32ToInt64(let unsigned):
                return .values(.int64s(raw.map { unsigned ? Int64(UInt32(truncatingIfNeeded: $0)) : Int64(Int32(truncatingIfNeeded: $0)) }))
            case .int32Date: return .values(.int32s(raw.map { Int32(truncatingIfNeeded: $0) }))
            case .int64Timestamp(let unit): return .values(.int64s(try raw.map { try conversion.timestampMicros($0, unit: unit) }))
            default: break
            }
        case Encoding.deltaLengthByteArray where conversion == .byteArrayString:
            return .values(.strings(try DeltaDecoder.lengthByteArray(&c, count: count)))
        case Encoding.deltaByteArray where conversion == .byteArrayString:
            return .values(.strings(try DeltaDecoder.byteArray(&c, count: count)))
        case Encoding.byteStreamSplit:
            if let width = conversion.plainWidth, conversion != .int96Timestamp {
                guard count <= c.remaining / width else { throw ParquetError.corrupt("BYTE_STREAM_SPLIT data too short for \(count) values") }
                let streams = try c.read(count: count * width)
                var plain = [UInt8](repeating: 0, count: count * width)
                for i in 0..<count {
                    for j in 0..<width { plain[i * width + j] = streams[j * count + i] }
                }
                return .values(try plain.withUnsafeBytes { try PlainDecoder.decode($0, count: count, as: conversion) })
            }
        default: break
        }
        throw ParquetError.unsupported("encoding \(Encoding.name(encoding)) for \(conversion.engineType) values")
    }
}

/// Appends a page's values to a column builder, placing nulls where the definition level is
/// below the maximum.
enum PageScatter {
    static func append(_ data: PageData, dictionary: PageValues?, levels: [UInt8]?, maxDefinition: UInt8, into b: inout ColumnBuilder) {
        switch data {
        case .values(let v): append(v, map: nil, levels: levels, maxDefinition: maxDefinition, into: &b)
        case .dictionary(let idx): append(dictionary!, map: idx, levels: levels, maxDefinition: maxDefinition, into: &b)
        }
    }

    /// `map` (dictionary indices) picks which of `values` comes next; nil takes them in order.
    private static func append(_ values: PageValues, map: [UInt32]?, levels: [UInt8]?, maxDefinition: UInt8, into b: inout ColumnBuilder) {
        @inline(__always) func each(_ body: (Int) -> Void, null: () -> Void) {
            var k = 0
            if let levels {
                for l in levels {
                    if l == maxDefinition {
                        body(map.map { Int($0[k]) } ?? k)
                        k += 1
                    } else {
                        null()
                    }
                }
            } else {
                let n = map?.count ?? values.count
                if let map { for k in 0..<n { body(Int(map[k])) } } else { for k in 0..<n { body(k) } }
            }
        }
        switch values {
        case .bools(let a): each({ b.append(a[$0]) }, null: { b.appendNull() })
        case .int64s(let a):
            if levels == nil && map == nil {
                b.append(contentsOf: Column(type: b.type, values: .int64(a)))
            } else {
                each({ b.append(a[$0]) }, null: { b.appendNull() })
            }
        case .int32s(let a): each({ b.append(a[$0]) }, null: { b.appendNull() })
        case .doubles(let a):
            if levels == nil && map == nil {
                b.append(contentsOf: Column(type: b.type, values: .double(a)))
            } else {
                each({ b.append(a[$0]) }, null: { b.appendNull() })
            }
        case .strings(let s):
            let offsets = s.offsets
            s.bytes.withUnsafeBufferPointer { buf in
                each({ b.append(utf8: UnsafeBufferPointer(rebasing: buf[offsets[$0]..<offsets[$0 + 1]])) }, null: { b.appendNull() })
            }
        }
    }
}
