import Columnar

/// Encodes rows of engine values for one schema as compact bytes, and back: the state store's
/// value encoding (keys use the `GroupKeyBatch` layout, see `StateKeyCodec`).
///
/// The encoding of keys is canonical: equal rows give identical bytes, so encoded keys can be
/// hashed, compared and persisted. Layout: a null bitmap (bit `i` set when field `i` is
/// null, LSB first, `ceil(n/8)` bytes), then every non-null field in order: bool as one
/// byte, int64 and timestamp as 8 bytes little-endian, double as its 8 IEEE bytes, date as
/// 4 bytes, string as a LEB128 byte length and UTF-8.
///
/// A key codec normalises doubles (-0.0 to 0.0, every NaN to one NaN), as Spark's
/// NormalizeFloatingNumbers rule does for grouping keys, so that values which group together
/// also encode together. A value codec keeps every double bit for bit: an aggregate's `min` of
/// -0.0 must still be -0.0 after a restart.
public struct RowCodec: Sendable, Hashable {
    public let schema: Schema
    /// Whether -0.0 and NaNs are normalised (keys) or kept bit for bit (values).
    public let normalizesDoubles: Bool
    private let bitmapBytes: Int

    /// A codec for rows of `schema`; `normalizesDoubles` is for keys, false for stored values.
    public init(_ schema: Schema, normalizesDoubles: Bool = true) {
        self.schema = schema
        self.normalizesDoubles = normalizesDoubles
        self.bitmapBytes = (schema.count + 7) / 8
    }

    /// Encodes `row`, which must have one value per field, each null or of the field's type.
    public func encode(_ row: [Value]) throws -> [UInt8] {
        var out = StateBytesWriter(reservingCapacity: bitmapBytes + 8 * row.count)
        try encode(row, into: &out)
        return out.bytes
    }

    func encode(_ row: [Value], into out: inout StateBytesWriter) throws {
        guard row.count == schema.count else {
            throw RowCodecError.fieldCount(expected: schema.count, got: row.count, schema: schema.description)
        }
        let bitmapStart = out.bytes.count
        for _ in 0..<bitmapBytes { out.append(0) }
        for (i, (field, value)) in zip(schema.fields, row).enumerated() {
            switch (field.type, value) {
            case (_, .null):
                guard field.nullable else { throw RowCodecError.nullInNonNullableField(field.name) }
                out.bytes[bitmapStart + i / 8] |= 1 << UInt8(i % 8)
            case (.bool, .bool(let b)): out.append(b ? 1 : 0)
            case (.int64, .int64(let x)), (.timestamp, .timestamp(let x)): out.append(littleEndian: x)
            case (.double, .double(let d)): out.append(littleEndian: normalizesDoubles ? Self.canonicalBits(d) : d.bitPattern)
            case (.date, .date(let d)): out.append(littleEndian: d)
            case (.string, .string(let s)):
                out.appendVarint(s.utf8.count)
                out.bytes.append(contentsOf: s.utf8)
            default:
                throw RowCodecError.typeMismatch(field: field.name, expected: field.type, got: value)
            }
        }
    }

    /// Decodes bytes produced by `encode` for the same schema.
    public func decode(_ bytes: [UInt8]) throws -> [Value] {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// Decodes bytes produced by `encode` for the same schema.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws -> [Value] {
        var r = StateBytesReader(bytes)
        guard let bitmap = r.slice(bitmapBytes) else { throw RowCodecError.malformed("truncated null bitmap") }
        var row: [Value] = []
        row.reserveCapacity(schema.count)
        for (i, field) in schema.fields.enumerated() {
            if bitmap[i / 8] & (1 << UInt8(i % 8)) != 0 {
                row.append(.null)
                continue
            }
            guard let v = Self.readValue(field.type, &r) else {
                throw RowCodecError.malformed("field '\(field.name)' (\(field.type)) is truncated or invalid")
            }
            row.append(v)
        }
        guard r.isAtEnd else { throw RowCodecError.malformed("\(r.remaining) unexpected trailing bytes") }
        return row
    }

    /// Field 0 of an encoded row when the schema's first field is an 8-byte value (a timestamp,
    /// int64 or double's bits), read without decoding the row; nil when it is null.
    public func leadingInt64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        precondition(schema.fields.first.map { [.int64, .timestamp, .double].contains($0.type) } == true, "no 8-byte first field")
        guard bytes[0] & 1 == 0 else { return nil }
        return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: bitmapBytes, as: Int64.self))
    }

    /// Why `bytes` is not a well-formed row for this schema, or nil if it is; cheaper than
    /// decoding because it builds no values.
    func problem(in bytes: UnsafeRawBufferPointer) -> String? {
        var r = StateBytesReader(bytes)
        guard let bitmap = r.slice(bitmapBytes) else { return "truncated null bitmap" }
        for (i, field) in schema.fields.enumerated() where bitmap[i / 8] & (1 << UInt8(i % 8)) == 0 {
            let ok: Bool
            switch field.type {
            case .bool: ok = (r.byte() ?? 2) <= 1
            case .int64, .timestamp, .double: ok = r.slice(8) != nil
            case .date: ok = r.slice(4) != nil
            case .string: ok = r.varint().flatMap { r.slice($0) } != nil
            }
            if !ok { return "field '\(field.name)' (\(field.type)) is truncated or invalid" }
        }
        return r.isAtEnd ? nil : "\(r.remaining) unexpected trailing bytes"
    }

    private static func readValue(_ type: DataType, _ r: inout StateBytesReader) -> Value? {
        switch type {
        case .bool:
            switch r.byte() {
            case 0: return .bool(false)
            case 1: return .bool(true)
            default: return nil
            }
        case .int64: return r.integer(Int64.self).map { .int64($0) }
        case .timestamp: return r.integer(Int64.self).map { .timestamp($0) }
        case .double: return r.integer(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case .date: return r.integer(Int32.self).map { .date($0) }
        case .string:
            guard let n = r.varint(), let s = r.slice(n) else { return nil }
            return .string(String(decoding: s, as: UTF8.self))
        }
    }

    private static func canonicalBits(_ d: Double) -> UInt64 {
        if d.isNaN { return Double.nan.bitPattern }
        return d == 0 ? 0 : d.bitPattern
    }
}

/// A row that does not fit a `RowCodec`'s schema, or bytes that are not an encoded row.
public enum RowCodecError: Error, CustomStringConvertible, Equatable {
    /// The row's length differs from the schema's.
    case fieldCount(expected: Int, got: Int, schema: String)
    /// A value is not of its field's type.
    case typeMismatch(field: String, expected: DataType, got: Value)
    /// A null for a field declared not null.
    case nullInNonNullableField(String)
    /// Bytes that `encode` could not have produced for this schema.
    case malformed(String)

    public var description: String {
        switch self {
        case .fieldCount(let expected, let got, let schema):
            return "row has \(got) values but the schema \(schema) has \(expected) fields"
        case .typeMismatch(let field, let expected, let got):
            return "field '\(field)' is \(expected) but the value \(got) is \(got.type.map(\.description) ?? "null")"
        case .nullInNonNullableField(let field):
            return "field '\(field)' is not nullable but the value is null"
        case .malformed(let reason):
            return "malformed encoded row: \(reason)"
        }
    }
}
