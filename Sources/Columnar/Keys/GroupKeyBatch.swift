/// The grouping keys of many rows as bytes, the one key layout of the engine: the hash join,
/// the aggregation, the state store (which keys its entries by these bytes and persists them),
/// Delta merge and Delta partitioning all use it (`GroupKeyTable` interns it).
///
/// Per column a validity byte (1 valid, 0 null), then for a valid value 8 bytes little-endian
/// (int64, timestamp, a date widened to 64 bits, a double's bits) or 1 byte (bool), or an
/// 8-byte length and the string's UTF-8 bytes. -0.0 and NaN are normalised so equal keys give
/// equal bytes, as Spark's `NormalizeFloatingNumbers` does for grouping keys. Written a column
/// at a time: each column's type is looked at once rather than once per row. The encoding is
/// stored (state files, and HyperLogLog sketches hash it), so it must not change.
public struct GroupKeyBatch: Sendable {
    /// Row `k`'s key is `bytes[offsets[k]..<offsets[k + 1]]`.
    public let bytes: [UInt8]
    public let offsets: [Int]

    public var count: Int { offsets.count - 1 }

    /// Keys of `rows` of `columns` (all rows when nil), each preceded by `extra[k]` when given:
    /// a window start, encoded as a leading non-null timestamp column would be, so the state
    /// store can read it back as the key's first field (bytes 1..<9).
    public init(columns: [Column], rows: [Int]? = nil, extra: [Int64]? = nil) {
        let n = rows?.count ?? columns.first?.count ?? extra?.count ?? 0
        precondition(extra == nil || extra!.count == n, "one extra value per row")
        @inline(__always) func row(_ k: Int) -> Int { rows?[k] ?? k }

        // Sizes first, so every key is written straight to its place: per column a validity
        // byte, and for a valid value 1 (bool), 8, or 8 plus the string's length.
        var sizes = [Int](repeating: (extra == nil ? 0 : 9) + columns.count, count: n)
        for c in columns {
            switch c.values {
            case .bool: for k in 0..<n where c.isValid(row(k)) { sizes[k] += 1 }
            case .int64, .int32, .double: for k in 0..<n where c.isValid(row(k)) { sizes[k] += 8 }
            case .string(let s):
                s.offsets.withUnsafeBufferPointer { o in
                    for k in 0..<n where c.isValid(row(k)) { let r = row(k); sizes[k] += 8 + o[r + 1] - o[r] }
                }
            }
        }
        var offsets = [Int](repeating: 0, count: n + 1)
        var total = 0
        for k in 0..<n {
            offsets[k] = total
            total += sizes[k]
        }
        offsets[n] = total

        // Where each key's next byte goes. Raw memory rather than a captured array: the nested
        // writers below would otherwise pay a dynamic exclusivity check per access.
        let cursor = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(n, 1))
        defer { cursor.deallocate() }
        offsets.withUnsafeBufferPointer { cursor.baseAddress!.initialize(from: $0.baseAddress!, count: n) }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            guard total > 0 else {
                initialized = 0
                return
            }
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            @inline(__always) func put(_ v: Int64, _ k: Int) {
                base.storeBytes(of: v.littleEndian, toByteOffset: cursor[k], as: Int64.self)
                cursor[k] += 8
            }
            if let extra {
                for k in 0..<n {
                    base.storeBytes(of: 1, toByteOffset: cursor[k], as: UInt8.self)
                    cursor[k] += 1
                    put(extra[k], k)
                }
            }
            for c in columns {
                for k in 0..<n {
                    let valid = c.isValid(row(k))
                    base.storeBytes(of: valid ? 1 : 0, toByteOffset: cursor[k], as: UInt8.self)
                    cursor[k] += 1
                }
                switch c.values {
                case .int64(let a): for k in 0..<n where c.isValid(row(k)) { put(a[row(k)], k) }
                case .int32(let a): for k in 0..<n where c.isValid(row(k)) { put(Int64(a[row(k)]), k) }
                case .bool(let a):
                    for k in 0..<n where c.isValid(row(k)) {
                        base.storeBytes(of: a[row(k)] ? 1 : 0, toByteOffset: cursor[k], as: UInt8.self)
                        cursor[k] += 1
                    }
                case .double(let a):
                    for k in 0..<n where c.isValid(row(k)) {
                        var d = a[row(k)]
                        if d == 0 { d = 0 } else if d.isNaN { d = .nan }
                        put(Int64(bitPattern: d.bitPattern), k)
                    }
                case .string(let s):
                    s.offsets.withUnsafeBufferPointer { o in
                        s.bytes.withUnsafeBytes { b in
                            for k in 0..<n where c.isValid(row(k)) {
                                let r = row(k), start = o[r], length = o[r + 1] - start
                                put(Int64(length), k)
                                if length > 0 { (base + cursor[k]).copyMemory(from: b.baseAddress! + start, byteCount: length) }
                                cursor[k] += length
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Rows encoded at once by `forEachBlock`: enough to amortise the per-column work, few
    /// enough that the keys of a huge batch are never all in memory together.
    public static let blockRows = 1 << 16

    /// Calls `body` with the keys of consecutive blocks of rows (of `rows`, or of `0..<count`
    /// when nil) and the position of each block's first row.
    public static func forEachBlock(
        count: Int, columns: [Column], rows: [Int]? = nil, extra: [Int64]? = nil, _ body: (GroupKeyBatch, Int) throws -> Void
    ) rethrows {
        if count <= blockRows {
            try body(GroupKeyBatch(columns: columns, rows: rows, extra: extra), 0)
            return
        }
        for start in stride(from: 0, to: count, by: blockRows) {
            let block = start..<min(start + blockRows, count)
            try body(GroupKeyBatch(columns: columns, rows: rows.map { Array($0[block]) } ?? Array(block), extra: extra.map { Array($0[block]) }), start)
        }
    }

    /// Calls `body` with the bytes of row `k`'s key.
    @inline(__always)
    public func withKey<R>(_ k: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { b in try body(UnsafeRawBufferPointer(rebasing: b[offsets[k]..<offsets[k + 1]])) }
    }
}
