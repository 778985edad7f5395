import Columnar
import State

/// The state value of a stream-stream join entry, in the state store's value layout
/// (`RowCodec`: a null bitmap, then each non-null field) over the schema
/// `[matched, eventTime, left columns…, right columns…]`: one schema for both sides, so the
/// join keeps one store; an entry fills only its own side's columns (the others are null and
/// take one bitmap bit each). `matched` (never null) is the first byte after the bitmap, so it
/// is flipped in place; `eventTime` (the entry's side's event time) is read at a fixed offset,
/// so eviction by state value watermark decodes nothing else. Rows are written and read a
/// batch at a time, not through `[Value]`.
struct JoinRowCodec: Sendable {
    let left: Schema
    let right: Schema
    let schema: Schema
    let bitmapBytes: Int

    init(left: Schema, right: Schema) {
        self.left = left
        self.right = right
        var fields = [Field("matched", .bool, nullable: false), Field("eventTime", .timestamp)]
        fields += left.fields.map { Field("l." + $0.name, $0.type) }
        fields += right.fields.map { Field("r." + $0.name, $0.type) }
        schema = Schema(fields)
        bitmapBytes = (fields.count + 7) / 8
    }

    /// The first field of `side`'s columns in the value schema.
    private func firstField(_ side: JoinSide) -> Int { side == .left ? 2 : 2 + left.count }

    /// One value per row of `rows` of `batch` (a `side` batch), with its matched flag and event time.
    func encode(_ batch: RecordBatch, side: JoinSide, rows: [Int], matched: [Bool], eventTime: Column?) -> [[UInt8]] {
        let first = firstField(side)
        let otherCount = side == .left ? right.count : left.count
        let otherFirst = side == .left ? 2 + left.count : 2
        var out: [[UInt8]] = []
        out.reserveCapacity(rows.count)
        for (k, r) in rows.enumerated() {
            var b = [UInt8](repeating: 0, count: bitmapBytes)
            b.reserveCapacity(bitmapBytes + 9 + 12 * batch.columns.count)
            @inline(__always) func setNull(_ field: Int) { b[field / 8] |= 1 << UInt8(field % 8) }
            @inline(__always) func put(_ x: Int64) { withUnsafeBytes(of: x.littleEndian) { b.append(contentsOf: $0) } }
            for f in otherFirst..<(otherFirst + otherCount) { setNull(f) }
            b.append(matched[k] ? 1 : 0)
            if let eventTime, eventTime.isValid(r) { put(eventTime.int64Values[r]) } else { setNull(1) }
            for (i, c) in batch.columns.enumerated() {
                guard c.isValid(r) else {
                    setNull(first + i)
                    continue
                }
                switch c.values {
                case .bool(let a): b.append(a[r] ? 1 : 0)
                case .int64(let a): put(a[r])
                case .double(let a): put(Int64(bitPattern: a[r].bitPattern))
                case .int32(let a): withUnsafeBytes(of: a[r].littleEndian) { b.append(contentsOf: $0) }
                case .string(let s):
                    s.withBytes(r) { bytes in
                        var v = UInt64(bytes.count)
                        while v >= 0x80 {
                            b.append(UInt8(truncatingIfNeeded: v) | 0x80)
                            v >>= 7
                        }
                        b.append(UInt8(v))
                        b.append(contentsOf: bytes)
                    }
                }
            }
            out.append(b)
        }
        return out
    }

    @inline(__always) func isMatched(_ v: UnsafeRawBufferPointer) -> Bool { v[bitmapBytes] != 0 }

    /// The entry's event time, nil when null.
    @inline(__always) func eventTime(_ v: UnsafeRawBufferPointer) -> Int64? {
        guard v[0] & 2 == 0 else { return nil }
        return Int64(littleEndian: v.loadUnaligned(fromByteOffset: bitmapBytes + 1, as: Int64.self))
    }

    /// `v` with its matched flag set.
    func markedMatched(_ v: [UInt8]) -> [UInt8] {
        var c = v
        c[bitmapBytes] = 1
        return c
    }

    /// The `side` columns of the given values (each an entry of that side), as a batch.
    func decode(_ values: [[UInt8]], side: JoinSide) throws -> RecordBatch {
        let s = side == .left ? left : right
        let first = firstField(side)
        var builders = s.fields.map { ColumnBuilder(type: $0.type, capacity: values.count) }
        for v in values {
            v.withUnsafeBytes { bytes in
                @inline(__always) func isNull(_ f: Int) -> Bool { bytes[f / 8] & (1 << UInt8(f % 8)) != 0 }
                @inline(__always) func load(_ at: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
                var at = bitmapBytes + 1
                if !isNull(1) { at += 8 }
                // Fields of the other side before this side's are null: no bytes to skip.
                for (i, field) in s.fields.enumerated() {
                    guard !isNull(first + i) else {
                        builders[i].appendNull()
                        continue
                    }
                    switch field.type {
                    case .bool:
                        builders[i].append(bytes[at] != 0)
                        at += 1
                    case .int64, .timestamp:
                        builders[i].append(load(at))
                        at += 8
                    case .double:
                        builders[i].append(Double(bitPattern: UInt64(bitPattern: load(at))))
                        at += 8
                    case .date:
                        builders[i].append(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                        at += 4
                    case .string:
                        var n = 0, shift = 0
                        while true {
                            let byte = bytes[at]
                            at += 1
                            n |= Int(byte & 0x7F) << shift
                            if byte < 0x80 { break }
                            shift += 7
                        }
                        builders[i].append(utf8: UnsafeBufferPointer(start: (bytes.baseAddress! + at).assumingMemoryBound(to: UInt8.self), count: n))
                        at += n
                    }
                }
            }
        }
        return try RecordBatch(schema: s, columns: builders.map { $0.finish() })
    }
}
